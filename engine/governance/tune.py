"""``valuate tune``: what a threshold would do, value by value, before anyone publishes it.

For one parameter and several candidate values, the catalog is evaluated
under each (on top of the profile and ``--set`` overrides in use) and
compared with the current value: verdict counts, and the services whose
verdict or criteria change.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import UserError
from ..model import VERDICTS, Summary
from ..errors import did_you_mean
from ..rules.param_cases import describe_value
from ..pipeline import read_inputs
from ..policy import load_policy
from ..request import Inputs, Policy
from .diff import ServiceChange, compare, verdicts


@dataclass(frozen=True)
class Trial:
    value: Any
    counts: dict  # verdict -> services
    changes: tuple  # ServiceChange versus the current value
    current: bool = False

    def to_dict(self) -> dict:
        return {"value": self.value, "current": self.current, "summary": self.counts,
                "changed": len(self.changes),
                "changes": [{"id": c.id, "name": c.name, "verdict": {"current": c.verdict[0], "trial": c.verdict[1]},
                             "criteria": {k: {"current": b, "trial": h} for k, b, h in c.criteria}}
                            for c in self.changes]}


@dataclass
class TuneReport:
    param: str  # pack.name
    current: Any
    run: Any  # RunInfo of the current setting
    trials: list = field(default_factory=list)

    def to_dict(self) -> dict:
        head = self.run.header()
        return {"tool": head["tool"], "rules": head["rules"], "as_of": self.run.as_of,
                "inputs": head.get("inputs"), "catalogs": list(self.run.inputs), "parameter": self.param,
                "current": _plain(self.current), "trials": [t.to_dict() for t in self.trials]}


def _plain(value):
    return value.to_data() if hasattr(value, "to_data") else value


def _counts(results: list) -> dict:
    summary = Summary()
    for r in results:
        summary.add(r)
    return {"services": summary.services, **summary.verdicts}


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


def run_tune(inputs: Inputs, param: str, values: list, policy: Policy) -> TuneReport:
    """Each value of ``param`` tried on top of ``policy`` (its profile and --set overrides)."""
    if not values:
        raise UserError("--values needs at least one value")
    read = replace(inputs, records=tuple(read_inputs(inputs, policy.limits)))  # read once, judged per value
    base = load_policy(policy)
    info = base.run_info(inputs.catalogs)
    key = qualified(info, param)
    current = next(v for p, n, v in info.params if f"{p}.{n}" == key)
    baseline = verdicts(read, base)
    report = TuneReport(key, current, info)
    report.trials.append(Trial(current, _counts(baseline), (), current=True))
    for value in values:
        trial = load_policy(replace(policy, params={**policy.params, key: value}))
        results = verdicts(read, trial)
        changes = tuple(c for c in compare(baseline, results) if c.verdict[0] != c.verdict[1] or c.criteria)
        report.trials.append(Trial(value, _counts(results), changes))
    return report


def tune_text(report: TuneReport) -> str:
    run = report.run
    lines = [f"valuate tune {report.param} · {', '.join(run.inputs)} · as of {run.as_of}",
             f"current value: {describe_value(report.current)}", ""]
    width = max(len(_label(t)) for t in report.trials)
    lines.append(f"{'value':<{width}}  " + "  ".join(f"{v:>13}" for v in VERDICTS) + "  changed")
    for t in report.trials:
        lines.append(f"{_label(t):<{width}}  " + "  ".join(f"{t.counts[v]:>13}" for v in VERDICTS)
                     + f"  {len(t.changes):>7}")
    for t in report.trials:
        if not t.changes:
            continue
        lines.append("")
        n = len(t.changes)
        lines.append(f"{report.param} = {describe_value(t.value)}: {n} service{'s' * (n != 1)} change{'s' * (n == 1)}")
        for c in t.changes:
            lines.append("  " + _change(c))
    return "\n".join(lines) + "\n"


def _label(t: Trial) -> str:
    return describe_value(t.value) + (" (current)" if t.current else "")


def _change(c: ServiceChange) -> str:
    label = c.id if c.id is not None else f"(record {c.position})"
    crits = ", ".join(f"{k} {b} → {h}" for k, b, h in c.criteria)
    return f"{label}: {c.verdict[0]} → {c.verdict[1]}" + (f" ({crits})" if crits else "")
