"""Rule test cases: YAML files of facts in, expected statuses out.

A case file sits beside its pack (``<pack>/tests/*.yaml``)::

    rule: WAR-001                     # the rule a bare ``expect`` refers to
    cases:
      - name: measured above target
        facts: {warranty: {availability: {target: 99.9, measured: 99.95}}}
        expect: met                   # status of WAR-001
      - name: tier-1 profile
        params: {min_headroom: 0.2}   # optional overrides for this case
        as_of: 2026-11-28             # optional evaluation date
        facts: {...}
        expect: {rules: {WAR-002: not_met}, criteria: {warranty: not_met}, verdict: not_valuable}
      - name: graded, and judged again once a scheduled rule decides
        facts: {...}
        expect: {level: silver, verdict: valuable, verdict_from: {2027-03-01: not_valuable}}
      - name: valuable to its users, not to its sponsor
        facts: {outcomes: [{effect: positive, impact: 4, for: [user]}], ...}
        expect: {rules: {VAL-001: not_met}, perspectives: {user: met, sponsor: not_met}}

``perspectives`` asserts the value balance as each stakeholder perceives it:
the status of each named perspective of the value criterion
(docs/specification.md#value-as-each-stakeholder-perceives-it).

Every case runs through the real compiler and durable-rules (with the packs
the pack requires, and a profile when one is given). Coverage says, for each
rule a run targets, which of its reachable statuses (met, not met, unknown,
not applicable) some case *asserted* and got: a status that only happened
to come out of a case testing something else is not covered.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..errors import Location, Problem, RulePackError
from ..report.explanation import finding_lines
from ..schema import FactSchema
from ..rules import check_param_value
from ..rules.param_cases import data_of, is_cases, parse_cases
from ..rules.conditions import Scope
from ..documents import Reader
from ..errors import did_you_mean
from ..levels import ladder_of
from .case_levels import dated_verdicts, graded
from ..model import ERROR, FINDING_STATUSES, NO_LEVEL, STATUSES, VERDICTS
from ..pipeline import run
from ..policy import LoadedPolicy, load_policy
from ..request import Inputs, Policy, RunOptions, RunRequest
from ..rules.aliases import renames
from ..rules.language import Pack
from ..rules.reach import Reads
from .satisfiable import statuses, types_of
from ..yamlio import load_single, read_text

DEFAULT_AS_OF = _dt.date(2026, 11, 28)
EXPECT_KEYS = ("rules", "criteria", "verdict", "perspectives", "level", "verdict_from")


@dataclass(frozen=True)
class Case:
    name: str
    facts: dict
    expect: dict  # {"rules": {...}, "criteria": {...}, "verdict": str|None}
    params: dict
    as_of: _dt.date
    location: Location
    rule: Optional[str] = None  # the file's 'rule:', which the file targets


@dataclass(frozen=True)
class CaseResult:
    case: Case
    failures: tuple  # human-readable mismatches
    statuses: dict  # rule id -> status
    explanation: str = ""

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class Coverage:
    """Per targeted rule, the statuses some case asserted and got, out of those it can reach."""

    possible: dict = field(default_factory=dict)  # rule id -> statuses the rule can reach
    seen: dict = field(default_factory=dict)  # rule id -> statuses some case asserted and got

    def missing(self, rule_id: str) -> list:
        return [s for s in FINDING_STATUSES if s in self.possible[rule_id] and s not in self.seen.get(rule_id, ())]

    def percent(self) -> float:
        total = sum(len(p) for p in self.possible.values())
        hit = sum(len(self.seen.get(r, set()) & p) for r, p in self.possible.items())
        return 100.0 * hit / total if total else 100.0


def possible_statuses(rule, program) -> set:
    """The statuses ``rule`` can give under the compiled ``program``: the satisfiability
    checker's (satisfiable.statuses), so that no test is asked of a status that cannot
    occur, such as unknown for ``owner is present and owner != ""``."""
    type_of = types_of(program.packs, FactSchema.default())
    return set(statuses(rule, Reads.of(program.packs, program.params), type_of))


def load_cases(pack: Pack, files: Optional[list] = None, packs: Optional[list] = None) -> list[Case]:
    """The cases of ``files`` (default: the pack's tests/*.yaml); ``expect`` may name the
    rules of any of ``packs`` (default: the pack alone)."""
    if files is None:
        files = sorted(Path(pack.tests_dir).glob("*.yaml")) if pack.tests_dir else []
    cases, problems = [], []
    known = _Rules(packs or [pack])
    for file in files:
        doc = load_single(read_text(str(file)), str(file))
        cases.extend(_parse_file(doc, str(file), known, problems))
    if problems:
        raise RulePackError(problems)
    return cases


class _Rules:
    """Rule lookup over several packs, for expectations (a team's case may expect ITIL 4's rules)."""

    def __init__(self, packs: list):
        self.packs = packs
        self.parameters = {n: p for pack in packs for n, p in pack.parameters.items()}
        self.renamed = renames(packs)  # former id -> current id: a case may name a renamed rule

    def rule(self, rule_id: str):
        return next((r for p in self.packs for r in p.rules if r.id == rule_id), None)


def _parse_file(doc: Any, file: str, pack: _Rules, problems: list) -> list[Case]:
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
        problems.append(Problem("a rule test file is a mapping with a 'cases' list", Location(file=file)))
        return []
    default_rule = doc.get("rule")
    if isinstance(default_rule, str):
        default_rule = pack.renamed.get(default_rule, default_rule)
    out = []
    for i, raw in enumerate(doc["cases"]):
        line, col = doc["cases"].where(i)
        loc = Location(file=file, line=line, column=col, path=f"cases[{i}]")
        if not isinstance(raw, dict) or "expect" not in raw or not isinstance(raw.get("facts", {}), dict):
            problems.append(Problem("a case needs 'expect' and a 'facts' mapping", loc))
            continue
        expect = _expect(raw["expect"], default_rule, pack, loc, problems)
        if expect is None:
            continue
        facts = dict(raw.get("facts") or {})
        facts.setdefault("id", f"case-{i + 1}")
        as_of = raw.get("as_of", DEFAULT_AS_OF)
        if isinstance(as_of, str):
            as_of = _dt.date.fromisoformat(as_of)
        params = _params(raw, file, pack, f"cases[{i}].params", problems)
        if params is None:
            continue
        out.append(Case(str(raw.get("name", f"case {i + 1}")), facts, expect, params, as_of, loc,
                        default_rule if isinstance(default_rule, str) else None))
    return out


def _params(raw: dict, file: str, pack: _Rules, path: str, problems: list) -> Optional[dict]:
    """A case's parameter overrides; a value may be fact-dependent ({cases: [...]})."""
    params = dict(raw.get("params") or {})
    r = Reader(file)
    for name, value in params.items():
        if is_cases(value):
            param = pack.parameters.get(str(name).rpartition(".")[2])
            check = (lambda v, p=param: check_param_value(p, v)) if param is not None else (lambda v: None)
            params[name] = parse_cases(r, value, f"{path}.{name}", Scope(FactSchema.default(), None, {}, {}), check)
    problems.extend(r.problems)
    return None if r.problems else params


def _expect(raw: Any, default_rule: Optional[str], pack: _Rules, loc: Location, problems: list):
    if isinstance(raw, str):
        if default_rule is None:
            problems.append(Problem("'expect' is a bare status but the file names no 'rule'", loc))
            return None
        raw = {"rules": {default_rule: raw}}
    if not isinstance(raw, dict):
        problems.append(Problem("'expect' is a status or a mapping of rules / criteria / verdict", loc))
        return None
    unknown = [k for k in raw if k not in EXPECT_KEYS]
    if unknown:
        problems.append(Problem(f"unknown key {unknown[0]!r} in expect{did_you_mean(str(unknown[0]), EXPECT_KEYS)}",
                                loc))
    expect = {"rules": dict(raw.get("rules") or {}), "criteria": dict(raw.get("criteria") or {}),
              "verdict": raw.get("verdict"), "level": raw.get("level"),
              "verdict_from": dated_verdicts(raw.get("verdict_from"), loc, problems),
              "perspectives": dict(raw.get("perspectives") or {})}
    for name, status in expect["perspectives"].items():
        if status not in STATUSES:
            problems.append(Problem(f"expected status {status!r} of perspective {name!r} is not one of "
                                    f"{', '.join(STATUSES)}", loc))
    expect["rules"] = {pack.renamed.get(rid, rid): status for rid, status in expect["rules"].items()}
    ladder = ladder_of(pack.packs)[0]
    names = (NO_LEVEL,) + (ladder.names if ladder is not None else ())
    if expect["level"] is not None and expect["level"] not in names:
        problems.append(Problem(f"expected level {expect['level']!r} is not one of {', '.join(names)}"
                                f"{did_you_mean(str(expect['level']), list(names))}", loc))
    for rid, status in expect["rules"].items():
        if pack.rule(rid) is None:
            problems.append(Problem(f"unknown rule {rid!r} in expect", loc))
        if status not in FINDING_STATUSES:
            problems.append(Problem(f"expected status {status!r} is not one of {', '.join(FINDING_STATUSES)}", loc))
    if expect["verdict"] is not None and expect["verdict"] not in VERDICTS:
        problems.append(Problem(f"expected verdict {expect['verdict']!r} is not one of {', '.join(VERDICTS)}", loc))
    return expect


def targets(cases: list) -> list:
    """The rules case files target: each file's 'rule:' and every rule an 'expect' names."""
    return list(dict.fromkeys(r for c in cases for r in ([c.rule] if c.rule else []) + list(c.expect["rules"])))


def run_cases(packs, cases: list[Case], profile: Optional[str] = None,
              covered: Optional[list] = None) -> tuple[list[CaseResult], Coverage]:
    """Each case through the pipeline: the packs (a Pack, or the pack with those it requires)
    compiled once per distinct (params, as_of), under ``profile`` when given; coverage over
    the rule ids ``covered`` (default: every rule of the last pack, the one under test)."""
    packs = list(packs) if isinstance(packs, (list, tuple)) else [packs]
    rules = {r.id: r for p in packs for r in p.rules}
    ids = covered if covered is not None else [r.id for r in packs[-1].rules]
    coverage = Coverage()
    policies: dict = {}
    results = []
    for case in cases:
        key = (json.dumps(case.params, sort_keys=True, default=data_of), case.as_of)
        if key not in policies:
            spec = Policy(rules=tuple(p.source for p in packs), params=case.params, as_of=case.as_of,
                          profile=profile)
            policies[key] = load_policy(spec, packs=packs)
        results.append(_run(policies[key], case, coverage))
    # a status counts where some policy the cases ran under can give it (a case's
    # params may make a threshold depend on a fact, and so the rule unknown)
    for rid in (r for r in ids if r in rules):
        coverage.possible[rid] = set().union(*(possible_statuses(rules[rid], p.program) for p in policies.values()))
    return results, coverage


def _run(policy: LoadedPolicy, case: Case, coverage: Coverage) -> CaseResult:
    request = RunRequest(policy.spec, Inputs(records=(case.facts,)), RunOptions(conditions=True, suggest=False))
    (result,) = run(request, policy).results()
    if result.verdict == ERROR:
        if case.expect["verdict"] == ERROR:
            return CaseResult(case, (), {})
        return CaseResult(case, tuple(f"facts are invalid: {e}" for e in result.errors), {})
    criteria, verdict, findings = result.criteria, result.verdict, result.findings
    statuses = {f.rule: f.status for f in findings}
    for rid, want in case.expect["rules"].items():  # only what the case asserts, and got, counts
        if statuses.get(rid) == want:
            coverage.seen.setdefault(rid, set()).add(want)
    failures, explain = [], []
    for rid, want in case.expect["rules"].items():
        if statuses.get(rid) != want:
            f = next((f for f in findings if f.rule == rid), None)
            if f is None:  # disabled by the profile
                failures.append(f"{rid}: expected {want}, got no finding (the profile disables the rule)")
                continue
            failures.append(f"{rid}: expected {want}, got {f.status} ({f.message})")
            explain.append(f)
    got_criteria = {c.name: c.status for c in criteria}
    got_criteria.update({f"warranty.{d}": s for c in criteria for d, s in c.dimensions})
    for name, want in case.expect["criteria"].items():
        if got_criteria.get(name) != want:
            failures.append(f"criterion {name}: expected {want}, got {got_criteria.get(name, 'nothing')}")
            explain.extend(f for f in findings if _in_criterion(f, name) and f.status != "met")
    failures += _perspectives(case, result, explain)
    if case.expect["verdict"] is not None and verdict != case.expect["verdict"]:
        failures.append(f"verdict: expected {case.expect['verdict']}, got {verdict}")
        explain.extend(f for f in findings if f.counts and f.status != "met")
    failures += graded(case.expect, result)
    shown = list({id(f): f for f in explain}.values())
    text = "\n".join(line for f in shown for line in finding_lines(f))
    return CaseResult(case, tuple(failures), statuses, text)


def _perspectives(case: Case, result, explain: list) -> list:
    """Each perspective the case expects, against the value criterion's (none when no effect
    names anyone: the balance is then judged once)."""
    wanted = case.expect["perspectives"]
    if not wanted:
        return []
    value = result.criterion("value")
    got = {p.name: p for p in (value.perspectives if value is not None else ())}
    out = []
    for name, want in wanted.items():
        p = got.get(name)
        if p is None:
            judged = ", ".join(got) or "none: no effect names anyone, so the balance is judged once"
            out.append(f"perspective {name}: expected {want}, but it is not judged (judged: {judged})")
        elif p.status != want:
            out.append(f"perspective {name}: expected {want}, got {p.status} ({p.text})")
    if out:
        explain.extend(f for f in result.findings if f.perspectives)
    return out


def _in_criterion(finding, name: str) -> bool:
    key = f"{finding.criterion}.{finding.dimension}" if finding.dimension else finding.criterion
    return name in (key, finding.criterion)

