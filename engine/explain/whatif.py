"""What would make it pass: the fewest fact changes that turn a service valuable.

For a service that is not valuable or indeterminate, every deciding rule that
is not met (or unknown) is inverted at its thresholds (inverse.py,
derivedinv.py) into candidate edits: one per failed or unknown condition,
the cheapest alternative of an ``any``, the value nearest the threshold. The
edits are applied to a copy of the service's facts, the copy is validated
against the fact schema and evaluated again through the engine (the real
durable-rules path). Only a set of changes that re-evaluates to ``valuable``
is reported; when fixing one condition uncovers another, a further round is
derived from the new result. When no set can be verified, the result says so
and shows no changes.
"""
from __future__ import annotations

import copy
import datetime as _dt
from typing import Any, Callable, Optional

from ..ingest.validate import validate
from ..model import MET, VALUABLE, FactChange, ServiceResult, ToPass
from ..values import get
from .inverse import Context, Edit, plan
from .tree import Facts

MAX_ROUNDS = 4


class WhatIf:
    """Derives and verifies changes for one compiled program and evaluation date."""

    def __init__(self, program, as_of: _dt.date, evaluate: Callable, derived_values: Callable,
                 verdict: Optional[Callable] = None):
        self.evaluate = evaluate  # fact -> (criteria, verdict, findings) with condition trees, via durable-rules
        # fact -> verdict, via durable-rules without building findings (cheaper to verify with)
        self.verdict = verdict or (lambda fact: evaluate(fact)[1])
        self.derived_values = derived_values  # fact -> {derived path: value}
        self.as_of = as_of
        self.rules = {(c.rule.pack, c.rule.id): c.rule for c in program.rules}
        self.derived = {out: d for p in program.packs for d in p.derived.values() for out in d.outputs}
        self.inputs = {out: d.inputs for p in program.packs for d in p.derived.values() for out in d.outputs}
        self.params = {k: v for p in program.packs for k, v in program.params[p.name].items()}

    def suggest(self, result: ServiceResult) -> ToPass:
        original = result.facts
        findings, edits = result.findings, []
        if any(f.deciding and f.status != MET and f.condition is None for f in findings):
            findings = self.evaluate(original)[2]  # the batch built no trees (lean output): build them
        for _ in range(MAX_ROUNDS):
            current = apply(original, edits)
            new, problem = self._round(current, findings)
            if new is None:
                return ToPass(False, note=f"no change could be derived: {problem}")
            edits = merge(edits, new)
            fact, errors = validate(apply(original, edits))
            if fact is None:
                return ToPass(False, note="the derived changes would make the record invalid: "
                                          + "; ".join(map(str, errors)))
            if self.verdict(fact) == VALUABLE:
                return ToPass(True, tuple(_change(e, original, rule) for e, rule in edits))
            findings = self.evaluate(fact)[2]  # not there yet: explain the changed copy for the next round
        return ToPass(False, note=f"the derived changes did not make it valuable within {MAX_ROUNDS} rounds")

    def _round(self, fact: dict, findings) -> tuple[Optional[list], str]:
        facts = Facts(fact, self.derived_values(fact), self.params, self.inputs)
        ctx = Context(fact, facts.value, self.derived, self.params, self.as_of)
        edits: list = []
        for f in findings:
            if not f.deciding or f.status == MET:
                continue
            rule = self.rules.get((f.pack, f.rule))
            found = plan(rule.condition, f.condition, MET, ctx) if rule and f.condition else None
            if not found:
                what = f.condition.description if f.condition else f.title
                return None, f"{f.rule} ({what})"
            edits += [(e, f.rule) for e in found]
        if not edits:
            return None, "no deciding rule fails, yet the verdict is not valuable (a criterion no rule decides stays unknown)"
        return edits, ""


def merge(edits: list, new: list) -> list:
    """One edit per path: a later set replaces, a later add extends."""
    out = {e.path: (e, rule) for e, rule in edits}
    for e, rule in new:
        before = out.get(e.path)
        if e.action == "add" and before is not None and before[0].action == "add":
            e = Edit(e.path, "add", list(before[0].value) + list(e.value), noun=e.noun,
                     detail=", ".join(x for x in (before[0].detail, e.detail) if x))
        out[e.path] = (e, rule)
    return list(out.values())


def apply(fact: dict, edits: list) -> dict:
    """A deep copy of ``fact`` with the edits made."""
    out = copy.deepcopy(fact)
    for e, _ in edits:
        *parents, last = e.path.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        if e.action == "remove":
            node.pop(last, None)
        elif e.action == "add":
            node[last] = list(node.get(last) or []) + copy.deepcopy(list(e.value))
        else:
            node[last] = copy.deepcopy(e.value)
    return out


def _change(edit: Edit, original: dict, rule: str) -> FactChange:
    current = get(original, edit.path)
    return FactChange(edit.path, edit.action, current, edit.value, describe(edit, current), rule, edit.example)


def describe(e: Edit, current: Any) -> str:
    """The change in words, e.g. 'raise warranty.availability.measured from 99.82 to at least 99.9'."""
    if e.action == "remove":
        return f"remove {e.path} (now {show(current)})"
    if e.action == "add":
        n, noun = len(e.value), e.noun or "entry"
        if n == 1 and not e.detail:
            return f"state at least one {noun} in {e.path}"
        return f"add {n} {noun}{'s' if n > 1 else ''} to {e.path}" + (f" ({e.detail})" if e.detail else "")
    value = show(e.value)
    if e.example:
        return f"record {e.path}{' ' + e.detail if e.detail else ''} (verified with the example value {value})"
    target = value if e.relation == "exactly" else f"{e.relation} {value}"
    if current is None:
        return f"record {e.path} {'as ' if e.relation == 'exactly' else ''}{target}"
    if _number(current) and _number(e.value) and e.value != current:
        verb = "raise" if e.value > current else "lower"
        return f"{verb} {e.path} from {show(current)} to {target}"
    if e.relation in ("on or after", "on or before"):
        return f"move {e.path} from {show(current)} to {target}"
    return f"set {e.path} from {show(current)} to {target}"


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)
