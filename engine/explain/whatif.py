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
from dataclasses import replace
import datetime as _dt
from typing import Any, Optional

from ..ingest.validate import validate, validate_changed
from ..ingest.mapping.sources import NO_SOURCE, source_of
from ..model import CHANGE, MET, RECORD, VALUABLE, FactChange, ServiceResult, ToPass
from ..values import get
from .inverse import Context, Edit, plan
from .tree import Facts

MAX_ROUNDS = 4


ROUND_CACHE = 4096  # derivations kept; a catalog of varied failures starts afresh past it


class WhatIf:
    """Derives and verifies changes for one compiled program and evaluation date.

    ``engine`` is the evaluator (explain sits below evaluate and is handed it):
    ``trees(fact, rules)`` gives failing findings with condition trees from the
    decision already made, ``decide(fact)`` one pass through durable-rules,
    ``verdict_of(decision)`` and ``findings_of(decision, explain)`` what it means,
    ``undecided`` the criteria no rule of the run decides (nothing makes those pass).
    A round's changes depend only on the failing findings (memoised objects:
    equal failures are the same objects) and the stand-ins of earlier rounds,
    so they are derived once per distinct failure and only verified per service.
    ``sources`` (canonical path -> the export field that feeds it, for records
    read through a mapping) lets a change to record missing data say where the
    fact would come from."""

    def __init__(self, program, as_of: _dt.date, engine, sources: Optional[dict] = None):
        self.engine = engine
        self.as_of = as_of
        self.sources = sources
        self.rules = {(c.rule.pack, c.rule.id): c.rule for c in program.rules}
        self.derived = {out: d for p in program.packs for d in p.derived.values() for out in d.outputs}
        self.inputs = {out: d.inputs for p in program.packs for d in p.derived.values() for out in d.outputs}
        self.bounds = {out: lists for p in program.packs for d in p.derived.values()
                       for out, lists in d.lower_bounds().items()}
        self.params = {k: v for p in program.packs for k, v in program.params[p.name].items()}
        self.params.update({f"{p.name}.{k}": v for p in program.packs for k, v in program.params[p.name].items()})
        self.cache: dict = {}

    def suggest(self, result: ServiceResult) -> ToPass:
        undecided = getattr(self.engine, "undecided", ())
        if undecided:  # no change to the facts can decide these: say so, whatever else fails
            return ToPass(False, note="no change can make it valuable: no rule of the run's packs decides "
                                      f"{_listed(undecided)}, and a criterion no rule decides stays unknown")
        original = result.facts
        failing = [f.rule for f in result.findings if f.deciding and f.failing]
        findings, edits = self.engine.trees(original, failing), []
        for _ in range(MAX_ROUNDS):
            new, problem = self._round(apply(original, edits), findings,
                                       {e.path: e.requirement for e, _ in edits if e.example})
            if new is None:
                return ToPass(False, note=f"no change could be derived: {problem}")
            edits = merge(edits, new)
            fact, errors = _validated(original, edits)
            if fact is None:
                return ToPass(False, note="the derived changes would make the record invalid: "
                                          + "; ".join(map(str, errors)))
            decision = self.engine.decide(fact)
            if self.engine.verdict_of(decision) == VALUABLE:
                changes = _paired(tuple(self._change(e, original, rule) for e, rule in edits), edits)
                advice = "; ".join(dict.fromkeys(e.advice for e, _ in edits if e.advice))
                return ToPass(True, changes, advice=advice)
            # not there yet: the next round starts from the rules that still fail
            findings = self.engine.findings_of(decision, True, self.engine.failing(decision))[0]
        return ToPass(False, note=f"the derived changes did not make it valuable within {MAX_ROUNDS} rounds")

    def _round(self, fact: dict, findings, examples: dict) -> tuple[Optional[list], str]:
        failing = [f for f in findings if f.deciding and f.failing]
        key = (tuple(id(f) for f in failing), tuple(sorted(examples.items())))
        hit = self.cache.get(key)
        if hit is None:
            if len(self.cache) >= ROUND_CACHE:
                self.cache.clear()
            # the findings are kept with the entry: their ids cannot be reused while it lives
            hit = self.cache[key] = (failing, self._derive(fact, failing, examples))
        return hit[1]

    def _derive(self, fact: dict, failing: list, examples: dict) -> tuple[Optional[list], str]:
        params = {**self.params, **_selected(failing)}
        facts = Facts(fact, self.engine.derived_values(fact), params, self.inputs, bounds=self.bounds)
        ctx = Context(fact, facts.value, self.derived, params, self.as_of, examples=examples)
        edits: list = []
        for f in failing:
            rule = self.rules.get((f.pack, f.rule))
            cond, tree = (rule.condition if rule else None), f.condition
            if tree is not None and tree.kind == "applies_when":  # unknown whether it applies: settle that first
                cond, tree = rule.applies_when, tree.children[0]
            found = plan(cond, tree, MET, ctx) if rule and tree else None
            if found and cond is not rule.condition:  # never present the stand-in as a target
                found = [replace(e, text=f"record {e.path} ({f.rule} applies when {cond.describe()}; the "
                                         "verification assumed it does)") if get(fact, e.path) is None else e
                         for e in found]
            if not found:
                what = f.condition.description if f.condition else f.title
                return None, f"{f.rule} ({what})"
            edits += [(e, f.rule) for e in found]
        if not edits:
            return None, "no deciding rule fails, yet the verdict is not valuable"
        return edits, ""

    def _change(self, edit: Edit, original: dict, rule: str) -> FactChange:
        current = get(original, edit.path)
        kind = RECORD if current is None else CHANGE
        source = source_of(self.sources, edit.path) if kind == RECORD else None
        return FactChange(edit.path, edit.action, current, edit.value, describe(edit, current, source), rule,
                          kind, source)


def _listed(keys: tuple) -> str:
    """Criterion keys as the reports name them: "availability, capacity or value"."""
    names = [k.split(".", 1)[-1] for k in keys]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _validated(original: dict, edits: list) -> tuple:
    """The edited copy of a valid fact, validated where it changed (a removal checks it whole)."""
    changed = apply(original, edits)
    if any(e.action == "remove" for e, _ in edits):
        return validate(changed)
    return validate_changed(changed, {e.path: get(changed, e.path) for e, _ in edits})


def _paired(changes: tuple, edits: list) -> tuple:
    """Facts recorded together to meet one requirement are told as one change."""
    groups: dict = {}
    for change, (e, _) in zip(changes, edits):
        if e.example and e.requirement:
            groups.setdefault(e.requirement, []).append(change.path)
    sources = {c.path: c.source for c in changes}
    out = []
    for change, (e, _) in zip(changes, edits):
        paths = groups.get(e.requirement) if e.example else None
        if paths and len(paths) > 1:
            named = " and ".join(p + _where(sources.get(p)) for p in paths)
            change = replace(change, text=f"record {named} (passes when {e.requirement})")
        out.append(change)
    return tuple(out)


def _where(source: Optional[str]) -> str:
    if source is None:
        return ""
    return f" ({source})" if source == NO_SOURCE else f" (from {source})"


def _selected(findings) -> dict:
    """The value each parameter had for this service, as its findings' evidence shows.

    A fact-dependent parameter (profile ``cases``) has one value per service:
    the case that applied. That value is the threshold to invert."""
    return {path[6:]: value for f in findings for path, value in f.evidence
            if path.startswith("param.") and value is not None}


def merge(edits: list, new: list) -> list:
    """One edit per path: a later round's set replaces, a later add extends; within one
    round two bounds on one value are both met by the stricter (``_stricter``)."""
    out = {e.path: (e, rule) for e, rule in edits}
    for e, rule in _stricter(new):
        before = out.get(e.path)
        if e.action == "add" and before is not None and before[0].action == "add":
            e = replace(e, value=list(before[0].value) + list(e.value),
                        detail=", ".join(x for x in (before[0].detail, e.detail) if x))
        out[e.path] = (e, rule)
    return list(out.values())


def _stricter(new: list) -> list:
    """Edits of one round, two "at least" (or two "at most") values for one fact kept as
    the one that meets both, so that one round, not two, satisfies both conditions."""
    kept: dict = {}  # path -> (edit, rule), in the order paths first appear
    for e, rule in new:
        before = kept.get(e.path)
        if before is not None and _bound(before[0]) and _bound(e) and before[0].relation == e.relation:
            wider = (e.value > before[0].value) == (e.relation == "at least")
            e, rule = (e, rule) if wider else before
        kept[e.path] = (e, rule)
    return list(kept.values())


def _bound(e: Edit) -> bool:
    return e.action == "set" and e.relation in ("at least", "at most") and _number(e.value)


def apply(fact: dict, edits: list) -> dict:
    """``fact`` with the edits made, copying only the objects on the edited paths
    (the fact itself is never changed: other stages still read it)."""
    out = dict(fact)
    for e, _ in edits:
        *parents, last = e.path.split(".")
        node = out
        for part in parents:
            child = node.get(part)
            node[part] = child = dict(child) if isinstance(child, dict) else {}
            node = child
        if e.action == "remove":
            node.pop(last, None)
        elif e.action == "add":
            node[last] = list(node.get(last) or []) + copy.deepcopy(list(e.value))
        else:
            node[last] = copy.deepcopy(e.value)
    return out


def describe(e: Edit, current: Any, source: Optional[str] = None) -> str:
    """The change in words: recording a missing fact, or changing a recorded one."""
    text = e.text or (_record(e) if current is None else _changed(e, current))
    return text + _where(source) if current is None else text


def _record(e: Edit) -> str:
    """Record missing data: what to record and what would pass, never a stand-in value as a target."""
    if e.action == "add":
        n, noun = len(e.value), e.noun or "entry"
        return f"record {e.path} with at least {n if n > 1 else 'one'} {noun}{'s' * (n > 1)}"
    if e.example:  # the value only stands in: say what passes, or (is: present) just what to record
        return f"record {e.path}" + (f" (passes when {e.requirement})" if e.requirement else "")
    if isinstance(e.value, bool):
        if e.value and e.label:
            return f"confirm that {_lower(e.label)} (record {e.path} as true)"
        return f"record {e.path} as {show(e.value)}"
    if isinstance(e.value, list) and not e.value:
        return f"record {e.path}, even as an empty list"
    if e.relation == "exactly":
        return f"record {e.path} as {show(e.value)}"
    return f"record {e.path} (passes at {show(e.value)} or {_beyond(e.relation)})" if e.relation in (
        "at least", "at most") else f"record {e.path} (passes {e.relation} {show(e.value)})"


def _changed(e: Edit, current: Any) -> str:
    """Change the service: the recorded value and the nearest one that passes."""
    if e.action == "remove":
        return f"remove {e.path} (now {show(current)})"
    if e.action == "add":
        n, noun = len(e.value), e.noun or "entry"
        if n == 1 and not e.detail:
            return f"state at least one {noun} in {e.path}"
        return f"add {n} {noun}{'s' if n > 1 else ''} to {e.path}" + (f" ({e.detail})" if e.detail else "")
    if isinstance(e.value, bool) and e.value and e.label:
        return f"set {e.path} from {show(current)} to true once {_lower(e.label)}"
    value = show(e.value)
    target = value if e.relation == "exactly" else f"{e.relation} {value}"
    if _number(current) and _number(e.value) and e.value != current:
        verb = "raise" if e.value > current else "lower"
        return f"{verb} {e.path} from {show(current)} to {target}"
    if e.relation in ("on or after", "on or before"):
        return f"move {e.path} from {show(current)} to {target}"
    return f"set {e.path} from {show(current)} to {target}"


def _beyond(relation: str) -> str:
    return "above" if relation == "at least" else "below"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


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
