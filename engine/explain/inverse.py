"""Inverse reasoning: from a condition that is not met to fact edits that meet it.

``plan(node, result, want, ctx)`` walks a rule's condition (``Leaf`` /
``Group``) beside the ``ConditionResult`` tree durable-rules decided, and
returns the cheapest list of ``Edit``s that would give the node status
``want``, or None when none can be derived. ``all`` needs every child fixed,
``any`` its cheapest alternative, ``not`` its child flipped. Leaves are
inverted at their threshold: ``fact >= 99.9`` becomes "set fact to 99.9".
Derived facts are inverted onto their inputs (derivedinv.py).

Nothing here decides whether a condition holds: the edits are candidates,
and engine/explain/whatif.py re-evaluates the changed facts through the
engine before anything is shown.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Optional

from ..values import exact, plain
from ..model import MET, NOT_MET, ConditionResult
from ..schema import FactSchema, FieldType
from ..rules.language import COMPARE_OPS, CONTAINS, OP_SYMBOLS, QUANTIFIERS, SET_OPS, TESTS, Group, Leaf

PLACEHOLDER = "(to be stated)"
REMOVE_COST = 10  # deleting a recorded fact to pass is the last resort, never the first idea
FLIP = {MET: NOT_MET, NOT_MET: MET}
# What an operator asks of the value, in words (for "raise X to at least V").
RELATION = {"ge": "at least", "gt": "at least", "le": "at most", "lt": "at most", "eq": "exactly"}


@dataclass(frozen=True)
class Edit:
    """A candidate change: set a path, add items to a list, or remove a fact."""

    path: str
    action: str  # set | add | remove
    value: Any = None
    relation: str = "exactly"  # at least | at most | exactly | on or after | on or before
    noun: str = ""  # for add: what the items are ("positive outcome")
    detail: str = ""  # for add: what the items carry ("impact 5, 4")
    example: bool = False  # the value only stands in (both sides of a comparison unrecorded)
    cost: int = 1
    requirement: str = ""  # what must hold, in words, when the value only stands in
    label: str = ""  # the condition's label (for "confirm ...")
    text: str = ""  # the change in words, when the inversion words it itself (the value balance)
    advice: str = ""  # what a board should weigh beside the change ("or retire the service")


@dataclass
class Context:
    """What inversion needs to know about one service and the packs."""

    fact: dict
    values: Any  # callable path -> current value (fact, derived.*, param.*)
    derived: dict  # derived output path -> Derived
    params: dict
    as_of: _dt.date
    schema: FactSchema = field(default_factory=FactSchema.default)
    examples: dict = field(default_factory=dict)  # path -> requirement, for values that only stand in

    def ftype(self, path: str) -> Optional[FieldType]:
        return self.schema.lookup(path)


def cost(edits: list) -> int:
    return sum(e.cost for e in edits)


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
    edits = _leaf_edits(leaf, want, ctx)
    return None if edits is None else [replace(e, label=e.label or leaf.describe()) for e in edits]


def _leaf_edits(leaf: Leaf, want: str, ctx: Context) -> Optional[list]:
    if leaf.op in QUANTIFIERS:
        return None  # which items fail is not in the explanation tree; no guessing
    if leaf.op == "is":
        test = leaf.test if want == MET else TESTS[leaf.test]
        return _test(leaf.path, test, ctx)
    from .caseinv import by_case, unchosen
    cases = unchosen(leaf, ctx)
    if cases is not None:  # a threshold by case, none chosen: record what chooses one (caseinv.py)
        return by_case(leaf, want, cases, ctx)
    if leaf.op == CONTAINS:  # add the entry; which entry to drop to make it fail is not ours to pick
        value = leaf.operand.value if leaf.operand.kind == "value" else ctx.params.get(leaf.operand.value)
        if want != MET or value is None:
            return None
        text = (f"add the entry {value!r} to {leaf.path}" if ctx.values(leaf.path) is not None
                else f"record {leaf.path} with the entry {value!r}")
        return [Edit(leaf.path, "add", [value], noun="entry", text=text)]
    op = leaf.op if want == MET else {**COMPARE_OPS, **SET_OPS}[leaf.op]
    if op in SET_OPS:
        return _member(leaf, op, ctx)
    from .derivedinv import compare_derived
    if leaf.path.startswith("derived."):
        return compare_derived(leaf, op, ctx)
    return _compare(leaf, op, ctx)


def _test(path: str, test: str, ctx: Context) -> Optional[list]:
    ftype = ctx.ftype(path)
    if test == "absent":
        return [Edit(path, "remove", cost=REMOVE_COST)]
    if test == "empty":
        return [Edit(path, "set", [])]
    if test == "not_empty":
        item = placeholder_item(ftype.item if ftype else None)
        return None if item is None else [Edit(path, "add", [item], noun="entry")]
    if ftype is None:
        return None
    if ftype.kind == "array":  # present: recorded, even if only with a stand-in item
        item = placeholder_item(ftype.item)
        return [Edit(path, "set", [] if item is None else [item], example=True)]
    value = placeholder_item(ftype, ctx.as_of)
    return None if value is None else [Edit(path, "set", value, example=True)]


def placeholder_item(ftype: Optional[FieldType], as_of: Optional[_dt.date] = None) -> Any:
    """A stand-in value of the right type, for "state at least one ..."."""
    if ftype is None:
        return None
    if ftype.kind == "string":
        return ftype.enum[0] if ftype.enum else PLACEHOLDER
    if ftype.kind == "object":
        return {"description": PLACEHOLDER} if "description" in ftype.fields else {}
    if ftype.kind == "boolean":
        return True
    if ftype.kind == "date" and as_of is not None:
        return as_of.isoformat()
    return None  # a number cannot be made up


def _member(leaf: Leaf, op: str, ctx: Context) -> Optional[list]:
    if op != "in" or leaf.operand is None or not leaf.operand.value or leaf.path.startswith("derived."):
        return None
    return [Edit(leaf.path, "set", _jsonable(leaf.operand.value[0]))]


def threshold(leaf: Leaf, ctx: Context) -> Any:
    operand = leaf.operand
    if operand.kind == "param":
        return ctx.params.get(operand.value)
    if operand.kind == "fact":
        return ctx.values(operand.value)
    return operand.value


def _compare(leaf: Leaf, op: str, ctx: Context) -> Optional[list]:
    kind = leaf.kind or (ctx.ftype(leaf.path).kind if ctx.ftype(leaf.path) else "")
    limit = threshold(leaf, ctx)
    other = leaf.operand.value if leaf.operand.kind == "fact" else None
    if limit is not None:
        value = boundary(op, limit, kind, _integer(leaf.path, ctx))
        if value is None:
            return None
        if other in ctx.examples:  # the threshold itself only stands in: so does this value
            return [Edit(leaf.path, "set", value, _relation(op, kind), example=True,
                         requirement=f"{leaf.path} {OP_SYMBOLS[op]} {other}")]
        return [Edit(leaf.path, "set", value, _relation(op, kind))]
    if other is None or other.startswith("derived."):
        return None
    mine = ctx.values(leaf.path)
    reverse = {"ge": "le", "gt": "lt", "le": "ge", "lt": "gt", "eq": "eq", "ne": "ne"}[op]
    if mine is not None:  # the other side is unrecorded: record it within reach of this one
        value = boundary(reverse, mine, kind, _integer(other, ctx))
        return None if value is None else [Edit(other, "set", value, _relation(reverse, kind))]
    # Both sides unrecorded: the values only stand in for the verification; the
    # change says what must hold between them, never presents them as targets.
    example = {"number": 1, "date": ctx.as_of, "boolean": True, "string": PLACEHOLDER}.get(kind)
    if example is None:
        return None
    value = boundary(op, example, kind, _integer(leaf.path, ctx))
    if value is None:
        return None
    requirement = f"{leaf.path} {OP_SYMBOLS[op]} {other}"
    return [Edit(other, "set", _jsonable(example), example=True, requirement=requirement),
            Edit(leaf.path, "set", value, _relation(op, kind), example=True, requirement=requirement)]


def _integer(path: str, ctx: Context) -> bool:
    ftype = ctx.ftype(path)
    return bool(ftype and ftype.integer)


def _relation(op: str, kind: str) -> str:
    if kind == "date" and op in ("ge", "gt", "le", "lt"):
        return "on or after" if op in ("ge", "gt") else "on or before"
    return RELATION.get(op, "exactly")


def boundary(op: str, limit: Any, kind: str, integer: bool = False) -> Any:
    """The value nearest ``limit`` that satisfies ``value OP limit``."""
    if kind == "date" or isinstance(limit, _dt.date):
        day = limit if isinstance(limit, _dt.date) else _dt.date.fromisoformat(str(limit))
        shift = {"ge": 0, "le": 0, "eq": 0, "gt": 1, "lt": -1}.get(op)
        try:
            return None if shift is None else (day + _dt.timedelta(days=shift)).isoformat()
        except OverflowError:  # the day after 9999-12-31 (or before 0001-01-01) does not exist
            return None
    if isinstance(limit, bool):
        return {"eq": limit, "ne": not limit}.get(op)
    if isinstance(limit, (int, float)):
        step = step_for(limit, integer)
        x = exact(limit)
        value = {"ge": x, "le": x, "eq": x, "gt": x + step, "lt": x - step, "ne": x + step}.get(op)
        return None if value is None else plain(value)
    return limit if op == "eq" else None


def step_for(limit: Any, integer: bool) -> Fraction:
    """The smallest step past a limit worth writing: 1 for integers, one more decimal otherwise."""
    if integer:
        return Fraction(1)
    text = repr(float(limit)) if not isinstance(limit, int) else str(limit)
    decimals = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return Fraction(1, 10 ** (decimals + 1))


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, _dt.date) else value
