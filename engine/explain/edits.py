"""Candidate changes and the arithmetic of thresholds that inversion shares.

``Edit`` is one candidate change to a service's facts, ``Context`` what
inversion knows of the service and the packs. ``boundary`` is the value
nearest a threshold that meets a comparison, read from how the operator
bounds a value (its ``sense`` in engine/rules/operators.py). inverse.py
(conditions), derivedinv.py (derived facts) and caseinv.py (thresholds by
case) build on these; none of them decides anything: whatif.py verifies the
changes through the engine.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Optional

from ..values import exact, plain
from ..schema import FactSchema, FieldType
from ..rules.language import Leaf
from ..rules.operators import EQUAL, LOWER, OPERATORS, UNEQUAL, UPPER

PLACEHOLDER = "(to be stated)"
REMOVE_COST = 10  # deleting a recorded fact to pass is the last resort, never the first idea


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


def threshold(leaf: Leaf, ctx: Context) -> Any:
    operand = leaf.operand
    if operand.kind == "param":
        return ctx.params.get(operand.value)
    if operand.kind == "fact":
        return ctx.values(operand.value)
    return operand.value


def relation(op: str, kind: str) -> str:
    """What a change asks of the value, in words ("raise X to at least V")."""
    sense = OPERATORS[op].sense
    if sense in (LOWER, UPPER):
        if kind == "date":
            return "on or after" if sense == LOWER else "on or before"
        return "at least" if sense == LOWER else "at most"
    return "exactly"


def boundary(op: str, limit: Any, kind: str, integer: bool = False) -> Any:
    """The value nearest ``limit`` that satisfies ``value OP limit``."""
    o = OPERATORS[op]
    if kind == "date" or isinstance(limit, _dt.date):
        day = limit if isinstance(limit, _dt.date) else _dt.date.fromisoformat(str(limit))
        # a day either side would do for "not on that day": neither is the nearest
        shift = {LOWER: int(o.strict), UPPER: -int(o.strict), EQUAL: 0}.get(o.sense)
        try:
            return None if shift is None else (day + _dt.timedelta(days=shift)).isoformat()
        except OverflowError:  # the day after 9999-12-31 (or before 0001-01-01) does not exist
            return None
    if isinstance(limit, bool):
        return {EQUAL: limit, UNEQUAL: not limit}.get(o.sense)
    if isinstance(limit, (int, float)):
        step = step_for(limit, integer)
        x = exact(limit)
        value = {LOWER: x + step * int(o.strict), UPPER: x - step * int(o.strict), EQUAL: x,
                 UNEQUAL: x + step}.get(o.sense)
        return None if value is None else plain(value)
    return limit if o.sense == EQUAL else None


def step_for(limit: Any, integer: bool) -> Fraction:
    """The smallest step past a limit worth writing: 1 for integers, one more decimal otherwise."""
    if integer:
        return Fraction(1)
    text = repr(float(limit)) if not isinstance(limit, int) else str(limit)
    decimals = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return Fraction(1, 10 ** (decimals + 1))


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


def jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, _dt.date) else value
