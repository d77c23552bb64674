"""Inverse reasoning: from a condition that is not met to fact edits that meet it.

``plan(node, result, want, ctx)`` walks a rule's condition (``Leaf`` /
``Group``) beside the ``ConditionResult`` tree durable-rules decided, and
returns the cheapest list of ``Edit``s that would give the node status
``want``, or None when none can be derived. ``all`` needs every child fixed,
``any`` its cheapest alternative, ``not`` its child flipped. Leaves are
inverted at their threshold: ``fact >= 99.9`` becomes "set fact to 99.9",
by the shape of their operator's operand (engine/rules/operators.py).
Derived facts are inverted onto their inputs (derivedinv.py), thresholds
that depend on a fact by case through the case (caseinv.py).

Nothing here decides whether a condition holds: the edits are candidates,
and engine/explain/whatif.py re-evaluates the changed facts through the
engine before anything is shown.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import replace
from typing import Optional

from ..model import MET, NOT_MET, ConditionResult
from ..rules.language import Group, Leaf
from ..rules.operators import (CONDITION, ENTRY, MEMBER, OPERATORS, RANGE, TEST, TESTS, VALUE, VALUES, by_shape,
                               tests_registry)
from .caseinv import by_case, unchosen
from .derivedinv import compare_derived
from .edits import (PLACEHOLDER, REMOVE_COST, Context, Edit, boundary, cost, jsonable, placeholder_item, relation,
                    threshold)

__all__ = ["Context", "Edit", "plan", "boundary", "threshold", "cost"]

FLIP = {MET: NOT_MET, NOT_MET: MET}


def plan(node, result: ConditionResult, want: str, ctx: Context) -> Optional[list]:
    if result.status == want:
        return []
    if isinstance(node, Group):
        if node.kind == "not":
            return plan(node.children[0], result.children[0], FLIP[want], ctx)
        options = [plan(c, r, want, ctx) for c, r in zip(node.children, result.children)]
        if (node.kind == "all") == (want == MET):  # every child must reach `want`
            if any(o is None for o in options):
                return None
            return [e for o in options for e in o]
        viable = [o for o in options if o is not None]
        return min(viable, key=cost) if viable else None
    return _leaf(node, want, ctx)


def _leaf(leaf: Leaf, want: str, ctx: Context) -> Optional[list]:
    """Edits meeting one leaf, each knowing the leaf's label (for "confirm ...")."""
    edits = leaf_edits(leaf, want, ctx)
    return None if edits is None else [replace(e, label=e.label or leaf.describe()) for e in edits]


def leaf_edits(leaf: Leaf, want: str, ctx: Context) -> Optional[list]:
    """The edits giving one leaf status ``want``, by its operand's shape."""
    shape = OPERATORS[leaf.op].operand
    if shape not in (TEST, CONDITION):
        cases = unchosen(leaf, ctx)
        if cases is not None:  # a threshold by case, none chosen: record what chooses one (caseinv.py)
            return by_case(leaf, want, cases, ctx, leaf_edits, plan)
    return _BY_SHAPE[shape](leaf, want, ctx)


def _quantified(leaf: Leaf, want: str, ctx: Context) -> Optional[list]:
    return None  # which items fail is not in the explanation tree; no guessing


def _is(leaf: Leaf, want: str, ctx: Context) -> Optional[list]:
    test = leaf.test if want == MET else TESTS[leaf.test].negation
    return _TESTS[test](leaf.path, ctx)


def _entry(leaf: Leaf, want: str, ctx: Context) -> Optional[list]:
    """Add the entry; which entry to drop to make it fail is not ours to pick."""
    value = leaf.operand.value if leaf.operand.kind == "value" else ctx.params.get(leaf.operand.value)
    if want != MET or value is None:
        return None
    text = (f"add the entry {value!r} to {leaf.path}" if ctx.values(leaf.path) is not None
            else f"record {leaf.path} with the entry {value!r}")
    return [Edit(leaf.path, "add", [value], noun="entry", text=text)]


def _member(leaf: Leaf, want: str, ctx: Context) -> Optional[list]:
    """Set the fact to the first value allowed; which value would be none of them is a guess."""
    op = leaf.op if want == MET else OPERATORS[leaf.op].negation
    if OPERATORS[op].sense != MEMBER or not leaf.operand.value or leaf.path.startswith("derived."):
        return None
    return [Edit(leaf.path, "set", jsonable(leaf.operand.value[0]))]


def _value(leaf: Leaf, want: str, ctx: Context) -> Optional[list]:
    op = leaf.op if want == MET else OPERATORS[leaf.op].negation
    if leaf.path.startswith("derived."):
        return compare_derived(leaf, op, ctx)
    return _compare(leaf, op, ctx)


def _compare(leaf: Leaf, op: str, ctx: Context) -> Optional[list]:
    kind = leaf.kind or (ctx.ftype(leaf.path).kind if ctx.ftype(leaf.path) else "")
    limit = threshold(leaf, ctx)
    other = leaf.operand.value if leaf.operand.kind == "fact" else None
    symbol = OPERATORS[op].symbol
    if limit is not None:
        value = boundary(op, limit, kind, _integer(leaf.path, ctx))
        if value is None:
            return None
        if other in ctx.examples:  # the threshold itself only stands in: so does this value
            return [Edit(leaf.path, "set", value, relation(op, kind), example=True,
                         requirement=f"{leaf.path} {symbol} {other}")]
        return [Edit(leaf.path, "set", value, relation(op, kind))]
    if other is None or other.startswith("derived."):
        return None
    mine = ctx.values(leaf.path)
    reverse = OPERATORS[op].reverse
    if mine is not None:  # the other side is unrecorded: record it within reach of this one
        value = boundary(reverse, mine, kind, _integer(other, ctx))
        return None if value is None else [Edit(other, "set", value, relation(reverse, kind))]
    # Both sides unrecorded: the values only stand in for the verification; the
    # change says what must hold between them, never presents them as targets.
    example = {"number": 1, "date": ctx.as_of, "boolean": True, "string": PLACEHOLDER}.get(kind)
    if example is None:
        return None
    value = boundary(op, example, kind, _integer(leaf.path, ctx))
    if value is None:
        return None
    requirement = f"{leaf.path} {symbol} {other}"
    return [Edit(other, "set", jsonable(example), example=True, requirement=requirement),
            Edit(leaf.path, "set", value, relation(op, kind), example=True, requirement=requirement)]


def _parts(leaf: Leaf, want: str, ctx: Context) -> Optional[list]:
    """A compound (``between``): to meet it, meet the parts the recorded value fails (an
    unrecorded one: a value meeting every part, which only stands in); to fail it, fail
    its cheapest part."""
    parts = leaf.parts().children
    if want != MET:
        options = [o for o in (leaf_edits(p, want, ctx) for p in parts) if o is not None]
        return min(options, key=cost) if options else None
    value = ctx.values(leaf.path)
    failing = [p for p in parts if not _holds(p, value, ctx)]
    if not failing:  # every part seems to hold: nothing to propose that we could stand behind
        return None
    edits = [leaf_edits(p, MET, ctx) for p in failing]
    if any(e is None for e in edits):
        return None
    if value is not None:
        return [e for found in edits for e in found]
    for found in edits:  # unrecorded: the first boundary that meets every part
        candidate = [e for e in found if e.path == leaf.path]
        if candidate and all(_holds(p, _typed(candidate[0].value, leaf), ctx) for p in parts):
            return [replace(e, example=True, requirement=replace(leaf, label=None).describe()) for e in found]
    return None


def _holds(leaf: Leaf, value, ctx: Context) -> bool:
    """Whether a recorded value meets one comparison (a guess for choosing edits, never a verdict)."""
    limit = threshold(leaf, ctx)
    holds = OPERATORS[leaf.op].holds
    try:
        return value is not None and limit is not None and holds is not None and bool(holds(value, limit))
    except TypeError:
        return False


def _typed(value, leaf: Leaf):
    return _dt.date.fromisoformat(value) if leaf.kind == "date" and isinstance(value, str) else value


def _integer(path: str, ctx: Context) -> bool:
    ftype = ctx.ftype(path)
    return bool(ftype and ftype.integer)


def _present(path: str, ctx: Context) -> Optional[list]:
    ftype = ctx.ftype(path)
    if ftype is None:
        return None
    if ftype.kind == "array":  # present: recorded, even if only with a stand-in item
        item = placeholder_item(ftype.item)
        return [Edit(path, "set", [] if item is None else [item], example=True)]
    value = placeholder_item(ftype, ctx.as_of)
    return None if value is None else [Edit(path, "set", value, example=True)]


def _absent(path: str, ctx: Context) -> Optional[list]:
    return [Edit(path, "remove", cost=REMOVE_COST)]


def _empty(path: str, ctx: Context) -> Optional[list]:
    return [Edit(path, "set", [])]


def _not_empty(path: str, ctx: Context) -> Optional[list]:
    ftype = ctx.ftype(path)
    item = placeholder_item(ftype.item if ftype else None)
    return None if item is None else [Edit(path, "add", [item], noun="entry")]


_BY_SHAPE = by_shape({VALUE: _value, VALUES: _member, TEST: _is, CONDITION: _quantified, ENTRY: _entry,
                      RANGE: _parts},
                     "what would make it pass (engine/explain/inverse.py)")
_TESTS = tests_registry({"present": _present, "absent": _absent, "empty": _empty, "not_empty": _not_empty},
                        "what would make it pass (engine/explain/inverse.py)")
