"""Inverting a comparison with a fact-dependent parameter whose case is not chosen.

A profile gives ``max_test_age_days`` per tier; a service without ``tier``
has no threshold, so "move the test date to within N days" has no N. Two
kinds of change can make the comparison hold:

- record the facts that choose a case whose value it holds for (or can be
  made to hold for): "record tier (passes when tier != 1: max_test_age_days
  is then 365)". Only absent facts are recorded this way, never a recorded one
  changed (a ``when`` on recorded facts is taken as it is only where the value
  it asks for is the one recorded); the value that stands in for the
  verification is never shown as a target;
- or meet it under the strictest value, so that it holds whichever case
  applies (durable-rules decides a comparison every case agrees on,
  compile/conditions.select).

The option that changes no recorded fact wins, then the cheapest. As
everywhere in inversion, these are candidates: whatif.py verifies them
through the engine before anything is shown.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..model import MET, NOT_MET, UNKNOWN, ConditionResult
from ..rules.language import Group, Leaf, leaves
from ..rules.operators import LOWER, OPERATORS, TESTS, UPPER, negation
from ..rules.param_cases import ParamCases
from ..values import get
from .edits import Context, cost


def unchosen(leaf: Leaf, ctx: Context) -> Optional[ParamCases]:
    """The cases of the parameter the leaf compares with, when no case was chosen."""
    op = leaf.operand
    value = ctx.params.get(op.value) if op is not None and op.kind == "param" else None
    return value if isinstance(value, ParamCases) else None


def by_case(leaf: Leaf, want: str, cases: ParamCases, ctx: Context, leaf_edits, plan) -> Optional[list]:
    """The cheapest edits meeting ``leaf`` through the case of its parameter: ``leaf_edits``
    and ``plan`` are inverse.py's, which calls this (the two recurse into each other)."""
    name = leaf.operand.value
    op = leaf.op if want == MET else negation(leaf.op) or leaf.op
    options = []
    strictest = _strictest(op, [c.value for c in cases.cases])
    if strictest is not None:
        options.append(_under(leaf, want, name, strictest, ctx, leaf_edits))
    before: list = []
    for case in cases.cases:
        edits = [] if _holds(op, ctx.values(leaf.path), case.value) else _under(leaf, want, name, case.value, ctx,
                                                                               leaf_edits)
        chosen = _choose(case, before, name, ctx, plan)
        if edits is not None and chosen is not None:
            options.append(edits + chosen)
        if case.when is None:
            break
        before.append(case.when)
    viable = [o for o in options if o is not None]
    if not viable:
        return None
    return min(viable, key=lambda o: (sum(get(ctx.fact, e.path) is not None for e in o), cost(o)))


def _under(leaf: Leaf, want: str, name: str, value, ctx: Context, leaf_edits) -> Optional[list]:
    """The leaf's own edits with the parameter at ``value``."""
    return leaf_edits(leaf, want, replace(ctx, params={**ctx.params, name: value}))


def _choose(case, before: list, name: str, ctx: Context, plan) -> Optional[list]:
    """Edits recording absent facts so that ``case`` applies: its ``when`` met, every
    earlier one not met. Conditions whose facts are all recorded are taken as they are
    (the verification finds out otherwise)."""
    edits: list = []
    wanted = [(w, NOT_MET) for w in before] + ([(case.when, MET)] if case.when is not None else [])
    for when, status in wanted:
        found = plan(when, _unknown_tree(when, ctx), status, ctx)
        found = None if found is None else [e for e in found if not _as_recorded(e, ctx)]
        if found is None or any(get(ctx.fact, e.path) is not None for e in found):
            return None
        edits += found
    if not edits:
        return None  # nothing to record: the case is not chosen for another reason
    said = " and ".join([_negated(w) for w in before] + ([case.when.describe()] if case.when is not None else []))
    requirement = f"{said}: {name} is then {case.value}"
    return [replace(e, example=True, requirement=requirement) for e in edits]


def _as_recorded(e, ctx: Context) -> bool:
    """An edit that sets a fact to the value it already has (a 'when' that already holds)."""
    return e.action == "set" and get(ctx.fact, e.path) is not None and get(ctx.fact, e.path) == e.value


def _unknown_tree(cond, ctx: Context) -> ConditionResult:
    """A stand-in explanation tree: unknown where a fact the node reads is absent."""
    if isinstance(cond, Group):
        children = tuple(_unknown_tree(c, ctx) for c in cond.children)
        absent = any(get(ctx.fact, p) is None for leaf in leaves(cond) for p in leaf.fact_paths())
        return ConditionResult(cond.describe(), UNKNOWN if absent else "as recorded", cond.kind, children=children)
    absent = any(get(ctx.fact, p) is None for p in cond.fact_paths())
    return ConditionResult(cond.describe(), UNKNOWN if absent else "as recorded", cond.op)


def _negated(cond) -> str:
    if isinstance(cond, Leaf) and not cond.label and negation(cond.op):
        return replace(cond, op=negation(cond.op)).describe()
    if isinstance(cond, Leaf) and not cond.label and cond.test is not None:
        return replace(cond, test=TESTS[cond.test].negation).describe()
    return f"not ({cond.describe()})"


def _strictest(op: str, values: list):
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) != len(values):
        return None
    sense = OPERATORS[op].sense
    return max(numbers) if sense == LOWER else min(numbers) if sense == UPPER else None


def _holds(op: str, x, v) -> bool:
    """Whether the recorded value already meets the comparison at ``v`` (a candidate's guess)."""
    number = (int, float)
    holds = OPERATORS[op].holds
    if not isinstance(x, number) or isinstance(x, bool) or not isinstance(v, number) or holds is None:
        return False
    return holds(x, v)
