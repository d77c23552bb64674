"""``valuate rules lint``: every problem of rule packs (and a profile or waiver file), at once.

Errors (exit 2): YAML syntax, unknown keys, missing keys, duplicate rule ids
(within and across packs), unknown fact paths (with did-you-mean), unknown
parameters, literals of the wrong type or outside an enumeration, message
placeholders that name nothing, a rule that can never be met, and packs past
durable-rules' limits. Warnings (exit 0): a condition inside a rule that can
never hold or always holds, a rule that can never be not met, a deciding rule
of severity other than error, a pack without rules, and waivers that have
expired or expire soon. Levels: a requirement naming no rule or criterion is
an error; a level that adds nothing, repeats a lower level's requirement or
requires a rule that can never be met (unreachable) is a warning. Notes (exit 0): a rule that can never be unknown, or
always applies, so that its rule tests need not (and cannot) cover that status.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from typing import Optional

from ..compile import compile_packs
from ..errors import EngineError, Location, Problem, RulePackError, UserError
from ..evaluate.host import DurableHost  # durable-rules is only ever driven by the host
from ..policy.days import check_day_windows
from ..schema import FactSchema
from ..rules import read_pack
from ..rules.requires import ordered
from ..policy.profiles import apply_profile, load_profile
from .satisfiable import analyse, statuses, types_of
from ..model import MET, NOT_APPLICABLE, NOT_MET, UNKNOWN
from ..rules.language import RULE_STATUSES, STATUSES
from ..rules.operators import TESTS
from ..rules.reach import Reads
from ..policy.waivers import load_waivers
from ..levels import check_ladder, ladder_of
from ..yamlio import YamlSyntaxError


@dataclass
class LintResult:
    problems: list = field(default_factory=list)
    packs: list = field(default_factory=list)

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def notes(self) -> list:
        return [p for p in self.problems if p.severity == "note"]

    def to_dict(self) -> dict:
        return {"packs": [p.name for p in self.packs], "errors": len(self.errors), "warnings": len(self.warnings),
                "notes": len(self.notes),
                "problems": [{"severity": p.severity, "code": p.code, "message": p.message,
                              **(p.location.to_dict() if p.location else {})} for p in self.problems]}

    def text(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(f"{len(self.errors)} error{'s' * (len(self.errors) != 1)}, "
                     f"{len(self.warnings)} warning{'s' * (len(self.warnings) != 1)} "
                     f"in {len(self.packs)} pack{'s' * (len(self.packs) != 1)}")
        return "\n".join(lines) + "\n"


def lint(paths: list, profile: Optional[str] = None, waivers: Optional[str] = None,
         as_of: Optional[_dt.date] = None, warning_days: int = 30,
         schema: Optional[FactSchema] = None) -> LintResult:
    schema = schema or FactSchema.default()
    result = LintResult()
    paths, result.problems = ordered(paths)  # each pack after those whose parameters it reads
    for path in paths:
        pack, found = read_pack(path, schema, partial=True, deps={p.name: p for p in result.packs})
        result.problems.extend(found)
        if pack is not None:
            result.packs.append(pack)
    result.problems.extend(_across_packs(result.packs))
    for pack in result.packs:
        result.problems.extend(_conditions(pack, schema))
    packs = result.packs
    params = {p.name: {k: v.default for k, v in p.parameters.items()} for p in packs}
    if profile and packs:
        try:
            prof = load_profile(profile, packs, schema)
            result.problems.extend(_former_ids(prof.former, "profile"))
            packs = apply_profile(packs, prof)
            for (pack, name), value in prof.params.items():
                params[pack][name] = value
        except RulePackError as err:
            result.problems.extend(err.problems)
        except UserError as err:
            result.problems.append(Problem(err.message, err.location, "error", "profile"))
    if packs:  # rules that did parse: would durable-rules take them?
        result.problems.extend(_compiled(packs, params, schema, as_of or _dt.date.today()))
        result.problems.extend(_unreachable(packs, params, schema))
    if packs:
        result.problems.extend(_levels(packs, result.problems, as_of or _dt.date.today()))
    if waivers and packs:
        result.problems.extend(_waivers(waivers, packs, as_of or _dt.date.today(), warning_days))
    result.problems = _unique(result.problems)
    return result


def _levels(packs: list, found: list, day: _dt.date) -> list:
    """The ladder of levels: one per run, ordered, each requirement an existing rule or
    criterion, each level adding one and reachable (no rule it requires can never be met);
    and a level that requires a rule not yet in force on ``day`` (a note)."""
    ladder, out = ladder_of(packs)
    if ladder is None:
        return out
    rules = {r.id: r for p in packs for r in p.rules}
    never = [rid for rid in rules if any(p.code == "never-holds" and p.severity == "error"
                                         and p.message.startswith(f"rule {rid} can never be met") for p in found)]
    out += check_ladder(ladder, list(rules) + [rid for p in packs for rid in p.disabled], never)
    for level in ladder.levels:
        for req in level.requires:
            rule = rules.get(req)
            if rule is not None and not rule.in_force(day):
                out.append(Problem(f"level {level.name!r} requires {req}, which comes into force on "
                                   f"{rule.effective}: it counts toward the level before it decides the "
                                   "verdict", level.location, "note", "level"))
    return out


def _compiled(packs: list, params: dict, schema: FactSchema, day: _dt.date) -> list:
    """What ``check`` would refuse after loading: day windows outside the calendar,
    the compiler's limits, and durable-rules itself (the rulesets are registered)."""
    try:
        check_day_windows(packs, params, day)
        program = compile_packs(packs, params, schema)
        DurableHost(program).close()
    except RulePackError as err:
        return list(err.problems)
    except EngineError as err:
        return [Problem(str(err), Location(file=packs[0].source), "error", "limit")]
    except UserError as err:
        return [Problem(err.message, err.location, "error", "param")]
    return []


def _across_packs(packs: list) -> list:
    out, first = [], {}
    for pack in packs:
        for rule in pack.rules:
            seen = first.get(rule.id)
            if seen is not None and seen.pack != pack.name:
                out.append(Problem(f"duplicate rule id {rule.id!r}: pack {seen.pack} defines it too "
                                   f"(at {seen.location})", rule.location, "error", "duplicate-id"))
            first.setdefault(rule.id, rule)
    names: dict = {}
    for pack in packs:
        if pack.name in names:
            out.append(Problem(f"two packs are named {pack.name!r} ({names[pack.name]} and {pack.source}); "
                               "pack names must be unique", Location(file=pack.source), "error", "pack"))
        names.setdefault(pack.name, pack.source)
    return out


def _conditions(pack, schema: FactSchema) -> list:
    type_of = types_of([pack], schema)
    out = []
    for rule in pack.rules:
        for f in analyse(rule.condition, type_of):
            out.append(_problem(rule, f))
        # applies_when is compiled and run like the condition, so it is reasoned about alike
        for f in analyse(rule.applies_when, type_of) if rule.applies_when is not None else ():
            out.append(_applies_problem(rule, f) if f.root else _problem(rule, f))
    return out


# How a status no combination of facts can give is reported: never met is the
# error and never not met the warning that conditions which never / always hold
# are; never unknown or always applying is worth knowing (its rule tests need not
# cover it), not a fault.
_NEVER = {MET: ("error", "never-holds", "can never be met"),
          NOT_MET: ("warning", "always-holds", "can never be not met"),
          UNKNOWN: ("note", "never-unknown", "can never be unknown: wherever a fact it reads is absent, "
                                             "its conditions are decided anyway"),
          NOT_APPLICABLE: ("note", "always-applies", "always applies: its applies_when can never be not met")}


def _unreachable(packs: list, params: dict, schema: FactSchema) -> list:
    """Which statuses each rule can never give (satisfiable.statuses), beyond what the
    condition checks above already said."""
    reads, out = Reads.of(packs, params), []
    for pack in packs:
        type_of = types_of([pack], schema)
        for rule in pack.rules:
            said = _said(rule, type_of)
            wanted = RULE_STATUSES if rule.applies_when is not None else STATUSES
            can = statuses(rule, reads, type_of)
            for status in (s for s in wanted if s not in can and s not in said):
                severity, code, text = _NEVER[status]
                out.append(Problem(f"rule {rule.id} {text}", rule.location, severity, code))
    return out


def _said(rule, type_of) -> set:
    """The statuses the proofs about whole conditions already rule out (never met, never
    not met; for applies_when, never applies or always applies), so as not to say them twice."""
    said = {MET if f.kind == "never" else NOT_MET for f in analyse(rule.condition, type_of) if f.root}
    for f in analyse(rule.applies_when, type_of) if rule.applies_when is not None else ():
        if f.root:
            said |= {MET, NOT_MET} if f.kind == "never" else {NOT_APPLICABLE}
    return said


def _shown(leaf) -> str:
    return replace(leaf, label=None).describe()


def _applies_problem(rule, f) -> Problem:
    """A proof about a whole applies_when: the rule never applies, or applies wherever recorded."""
    loc = getattr(f.origin, "location", None) or rule.location
    if f.kind == "never":
        what = " and ".join(_shown(a) for a in f.atoms)
        return Problem(f"rule {rule.id} never applies: its applies_when needs {what}, which cannot all hold",
                       loc, "warning", "never-applies")
    paths = sorted({a.path for a in f.atoms})
    return Problem(f"rule {rule.id} applies to every service that records {', '.join(paths)}: its "
                   f"applies_when ({' or '.join(_shown(a) for a in f.atoms)}) always holds", loc, "warning",
                   "always-applies")


def _problem(rule, f) -> Problem:
    loc = getattr(f.origin, "location", None) or rule.location
    paths = sorted({a.path for a in f.atoms})
    tests_only = all(a.test is not None and TESTS[a.test].recorded for a in f.atoms)
    if f.kind == "never":
        what = " and ".join(_shown(a) for a in f.atoms)
        if f.root:
            return Problem(f"rule {rule.id} can never be met: {what} cannot all hold", loc, "error", "never-holds")
        return Problem(f"in rule {rule.id}, this condition can never hold: {what} cannot all hold",
                       loc, "warning", "never-holds")
    what = " or ".join(_shown(a) for a in f.atoms)
    when = "" if tests_only else f" whenever {', '.join(paths)} {'is' if len(paths) == 1 else 'are'} recorded"
    if f.root:
        return Problem(f"rule {rule.id} can never be not met: {what} always holds{when}", loc, "warning",
                       "always-holds")
    return Problem(f"in rule {rule.id}, this condition always holds{when}: {what}", loc, "warning",
                   "always-holds")


def _waivers(path: str, packs: list, as_of: _dt.date, warning_days: int) -> list:
    try:
        waiver_set = load_waivers(path, packs, as_of, warning_days)
    except RulePackError as err:
        return list(err.problems)
    except UserError as err:
        return [Problem(err.message, err.location, "error", "yaml" if isinstance(err, YamlSyntaxError) else "waiver")]
    out = _former_ids(waiver_set.former, "waiver")
    for w in waiver_set.waivers:
        file, _, line = w.source.rpartition(":")
        loc = Location(file=file, line=int(line) if line.isdigit() else None)
        if not w.active:
            out.append(Problem(f"waiver {w.service} / {w.target} expired on {w.expires} and no longer applies",
                               loc, "warning", "waiver-expired"))
        elif w.expiring:
            out.append(Problem(f"waiver {w.service} / {w.target} expires on {w.expires}, {w.when()}",
                               loc, "warning", "waiver-expiring"))
    return out


def _former_ids(former: tuple, what: str) -> list:
    """A warning per rule named by a former id: still honoured, but the file should say the id."""
    out = []
    for source, written, now in former:
        file, _, line = source.rpartition(":")
        out.append(Problem(f"this {what} names rule {now} by its former id {written} (an alias, still "
                           f"honoured); write {now}", Location(file=file, line=int(line) if line.isdigit() else None),
                           "warning", "rule-alias"))
    return out


def _unique(problems: list) -> list:
    """One message per problem, in file order (the same problem can surface twice)."""
    seen, out = set(), []
    for p in problems:
        key = (str(p.location), p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)

    def order(p):
        loc = p.location or Location()
        return (loc.file or "", loc.line or 0, loc.column or 0)

    return sorted(out, key=order)
