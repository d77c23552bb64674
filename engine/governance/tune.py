"""``valuate tune``: what a threshold would do, value by value, before anyone publishes it.

For one parameter and several candidate values, the catalog is evaluated
under each (on top of the profile and ``--set`` overrides in use) and
compared with the current value: verdict counts, the services whose verdict
flips, and apart from them those whose criteria or findings change. With
``case`` only one case of a fact-dependent parameter is swept (``tier == 1``),
the others keep their values.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Optional

import dataclasses

from ..errors import UserError
from ..model import VERDICTS, Summary
from ..errors import did_you_mean
from ..rules.conditions import Scope, parse_condition
from ..rules.param_cases import Case, ParamCases, describe_value
from ..schema import FactSchema
from ..documents import Reader
from ..yamlio import load_single
from ..pipeline import read_inputs
from ..policy import load_policy
from ..request import Inputs, Policy
from .diff import WAIVED_VERDICT, ServiceChange, compare, reading, verdicts


@dataclass(frozen=True)
class Trial:
    value: Any
    counts: dict  # verdict -> services (as check's JSON summary: valuable_waived among the valuable)
    changes: tuple  # ServiceChange versus the current value
    current: bool = False

    @property
    def flips(self) -> list:
        return [c for c in self.changes if c.flip]

    def to_dict(self) -> dict:
        return {"value": self.value, "current": self.current, "summary": self.counts,
                "changed": len(self.changes), "flips": len(self.flips),
                "changes": [{"id": c.id, "name": c.name, "flip": c.flip,
                             "verdict": {"current": c.verdict[0], "trial": c.verdict[1]},
                             **({"valuable_waived": {"current": c.waived[0], "trial": c.waived[1]}}
                                if any(c.waived) else {}),
                             "criteria": {k: {"current": b, "trial": h} for k, b, h in c.criteria},
                             "findings": {rule: {"current": _status(b), "trial": _status(h)}
                                          for rule, b, h in c.findings}}
                            for c in self.changes]}


def _status(finding):
    return None if finding is None else finding.status


@dataclass
class TuneReport:
    param: str  # pack.name
    current: Any
    run: Any  # RunInfo of the current setting
    trials: list = field(default_factory=list)
    case: Optional[str] = None  # the case swept (its 'when', or "default"), when only one is

    def to_dict(self) -> dict:
        head = self.run.header()
        return {"tool": head["tool"], "rules": head["rules"], "as_of": self.run.as_of,
                "inputs": head.get("inputs"), "catalogs": list(self.run.inputs), "parameter": self.param,
                "case": self.case, "current": _plain(self.current), "trials": [t.to_dict() for t in self.trials]}


def _plain(value):
    return value.to_data() if hasattr(value, "to_data") else value


def _counts(results: list, waivers: bool) -> dict:
    """Services per verdict; with a waiver file, also those valuable only under a waiver (of the
    valuable ones, as in check's JSON summary)."""
    summary = Summary()
    for r in results:
        summary.add(r)
    return {"services": summary.services, **summary.verdicts,
            **({WAIVED_VERDICT: summary.valuable_waived} if waivers else {})}


def _columns(report: "TuneReport") -> list:
    """(heading, count of a trial) per column of the text table: valuable (waived) apart from the
    valuable outright when a waiver file was given."""
    if not any(WAIVED_VERDICT in t.counts for t in report.trials):
        return [(v, lambda c, v=v: c[v]) for v in VERDICTS]
    return [(VERDICTS[0], lambda c: c[VERDICTS[0]] - c[WAIVED_VERDICT]),
            ("(waived)", lambda c: c[WAIVED_VERDICT])] + [(v, lambda c, v=v: c[v]) for v in VERDICTS[1:]]


def split_values(text: str) -> list:
    """``--values`` split at the commas outside brackets: '0.1,0.2' is two values, and
    '[customer,user],[user],[]' three lists (for a list parameter such as value_perspectives)."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if ch == "," and depth <= 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


def qualified(run, name: str) -> str:
    """'name' or 'pack.name' to the one parameter it means."""
    pack, _, short = name.rpartition(".")
    found = [f"{p}.{n}" for p, n, _ in run.params if n == short and (not pack or p == pack)]
    if not found:
        known = sorted({n for _, n, _ in run.params})
        raise UserError(f"unknown parameter {name!r}{did_you_mean(short, known)}")
    if len(found) > 1:
        raise UserError(f"parameter {name!r} is in several packs; name one of {', '.join(found)}")
    return found[0]


def run_tune(inputs: Inputs, param: str, values: list, policy: Policy, case: Optional[str] = None) -> TuneReport:
    """Each value of ``param`` tried on top of ``policy`` (its profile and --set overrides);
    with ``case`` (a 'when' in the rule language's YAML, or "default"), only that case's value."""
    if not values:
        raise UserError("--values needs at least one value")
    read = replace(inputs, records=tuple(read_inputs(inputs, policy.limits)))  # read once, judged per value
    base = load_policy(policy)
    info = base.run_info(inputs.catalogs)
    key = qualified(info, param)
    full = next(v for p, n, v in info.params if f"{p}.{n}" == key)
    at = _case_index(full, case, key) if case is not None else None
    current = full if at is None else full.cases[at].value
    baseline = verdicts(read, base)
    shown = None if at is None else (full.cases[at].when.describe() if full.cases[at].when else "default")
    report = TuneReport(key, current, info, case=shown)
    waivers = policy.waivers is not None
    report.trials.append(Trial(current, _counts(baseline, waivers), (), current=True))
    for value in values:
        tried = value if at is None else _with_case(full, at, value)
        trial = load_policy(replace(policy, params={**policy.params, key: tried}))
        results = verdicts(read, trial)
        report.trials.append(Trial(value, _counts(results, waivers), tuple(compare(baseline, results))))
    return report


def _case_index(value: Any, when: str, key: str) -> int:
    """Which case of a fact-dependent parameter ``when`` names ('default': the last one)."""
    if not isinstance(value, ParamCases):
        raise UserError(f"--case: {key} does not depend on a fact (its value is {describe_value(value)}); "
                        "drop --case, or give it cases in a profile")
    if when.strip() == "default":
        return len(value.cases) - 1
    r = Reader("--case")
    node = load_single(when, "--case")
    cond = parse_condition(r, node, {"case": node}, "case", "", Scope(FactSchema.default(), None, {}, {}))
    if cond is None:
        raise UserError(f"--case: {r.problems[0].message}" if r.problems else "--case: not a condition")
    for i, c in enumerate(value.cases):
        if c.when is not None and c.when == cond:
            return i
    known = "; ".join(c.when.describe() if c.when else "default" for c in value.cases)
    raise UserError(f"--case: {key} has no case {cond.describe()} (its cases: {known})")


def _with_case(value: ParamCases, at: int, new: Any) -> ParamCases:
    cases = list(value.cases)
    cases[at] = Case(cases[at].when, new)
    return dataclasses.replace(value, cases=tuple(cases), partial=False)


def tune_text(report: TuneReport) -> str:
    run = report.run
    case = f" (case {report.case})" if report.case else ""
    lines = [f"valuate tune {report.param}{case} · {', '.join(run.inputs)} · as of {run.as_of}",
             f"current value: {describe_value(report.current)}", ""]
    width = max(len(_label(t)) for t in report.trials)
    columns = _columns(report)
    lines.append(f"{'value':<{width}}  " + "  ".join(f"{h:>13}" for h, _ in columns) + "    flips  changed")
    for t in report.trials:
        lines.append(f"{_label(t):<{width}}  " + "  ".join(f"{n(t.counts):>13}" for _, n in columns)
                     + f"  {len(t.flips):>7}  {len(t.changes):>7}")
    for t in report.trials:
        if not t.changes:
            continue
        rest = [c for c in t.changes if not c.flip]
        lines += ["", f"{report.param}{case} = {describe_value(t.value)}: {_n(len(t.flips), 'verdict flip')}, "
                      f"{_n(len(rest), 'service')} with the verdict unchanged"]
        lines += ["  " + _change(c) for c in t.flips]
        lines += ["  " + _change(c) for c in rest]
    return "\n".join(lines) + "\n"


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _label(t: Trial) -> str:
    return describe_value(t.value) + (" (current)" if t.current else "")


def _change(c: ServiceChange) -> str:
    label = c.id if c.id is not None else f"(record {c.position})"
    crits = [f"{k} {b or '—'} → {h or '—'}" for k, b, h in c.criteria]
    crits += [f"{rule} {_status(b) or '—'} → {_status(h) or '—'}" for rule, b, h in c.findings if not crits]
    return f"{label}: {reading(c.readings[0])} → {reading(c.readings[1])}" + (f" ({', '.join(crits)})" if crits else "")
