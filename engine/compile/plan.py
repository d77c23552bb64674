"""Which parts of a fact durable-rules needs to see, and in what shape.

The payload asserted per service is deliberately slim: only the fact paths
the pack's conditions read, flattened to dotted property names (durable-rules
treats ``a.b`` and nested ``{a: {b}}`` alike), dates as day ordinals, every
list with a ``<path>__n`` length, and list items cut down to the fields the
item conditions read. Less JSON per service is less time in the engine, and
it keeps well under durable-rules' 252-properties-per-fact limit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..schema import FactSchema, FieldType
from ..rules.language import Condition, Group, Leaf
from ..rules.operators import CONDITION, ENTRY, OPERATORS

MAX_PROPERTIES = 250  # durable-rules refuses facts with more than 252 (nested counted)


@dataclass
class FieldPlan:
    """One property of the payload (or of a list item in it)."""

    path: str  # fact path, relative to the item inside lists ("." = the item)
    kind: str  # scalar | date | list
    item: Optional["ItemPlan"] = None  # lists whose items conditions look into
    folded: bool = False  # also send a case-folded copy (<path>__cf): compared in any case


@dataclass
class ItemPlan:
    fields: dict = field(default_factory=dict)  # path -> FieldPlan
    scalar: Optional[str] = None  # "scalar" / "date" when conditions look at the item itself


@dataclass
class PayloadPlan:
    fields: dict = field(default_factory=dict)  # fact path -> FieldPlan
    derived: list = field(default_factory=list)  # derived paths, as numbers
    spreads: list = field(default_factory=list)  # derived lists of perspectives (compile/perspectives.py)

    def property_count(self) -> int:
        count = 1 + len(self.derived) + len(self.spreads)  # 1 for the fact id
        for plan in self.fields.values():
            count += (2 if plan.kind == "list" else 1) + plan.folded
        return count


def add_condition(plan_fields: dict, cond: Condition, schema: FactSchema,
                  base: Optional[FieldType] = None, item: Optional[ItemPlan] = None) -> None:
    """Record every path ``cond`` reads into ``plan_fields`` (or into an item plan)."""
    if isinstance(cond, Group):
        for child in cond.children:
            add_condition(plan_fields, child, schema, base, item)
        return
    shape = OPERATORS[cond.op].operand
    for path in cond.fact_paths():
        if path.startswith("derived.") and base is None:
            continue
        ftype = schema.lookup(path, base)
        if path == "." and item is not None:
            item.scalar = "date" if ftype.kind == "date" else "scalar"
            continue
        kind = "list" if ftype.kind == "array" else "date" if ftype.kind == "date" else "scalar"
        current = plan_fields.setdefault(path, FieldPlan(path, kind))
        current.folded = current.folded or bool(cond.case)
        if shape == ENTRY and not cond.case:  # the entries themselves, as they are
            if current.item is None:
                current.item = ItemPlan()
            current.item.scalar = "scalar"
        if shape == CONDITION and path == cond.path:
            if current.item is None:
                current.item = ItemPlan()
            add_condition(current.item.fields, cond.inner, schema, ftype.item, current.item)


def build_plan(conditions: list, derived_paths: list, schema: FactSchema) -> PayloadPlan:
    plan = PayloadPlan()
    for cond in conditions:
        add_condition(plan.fields, cond, schema)
    plan.derived = sorted(set(derived_paths))
    return plan


def derived_paths_read(cond: Condition) -> list:
    out = []
    stack = [cond]
    while stack:
        node = stack.pop()
        if isinstance(node, Group):
            stack.extend(node.children)
        elif isinstance(node, Leaf):
            for p in node.fact_paths():
                if p.startswith("derived."):
                    out.append(p)
    return out
