"""A balance judged per perspective, as durable-rules conditions.

A ``balance`` derived fact with ``perspectives`` (rules/language.Spread)
reaches the payload as a list, one item per perspective, each carrying that
perspective's sums, the markers saying a sum is exact (every list of its side
recorded) and its ``margin`` (positives minus negatives, exact: durable-rules
compares no two fields of one item, so the difference stands in for
"positives against negatives"). A comparison on a side of such a balance then
holds when it holds from every perspective, with the same bounds as a
balance judged once (conditions.py module doc)::

    T(c) = every perspective meets c      $iall over the items: T(c) of each item
    F(c) = some perspective fails c       $iany over the items: F(c) of each item

which is Kleene's **and** of the perspectives: met when met for every one,
not met when not met for one, else unknown. The same per-item conditions,
on top-level keys, decide each perspective on its own for the explanation
(``perspective``): the evaluator asserts one fact per perspective into a
ruleset of these, and checks that they compose to the aggregate.

A side can be compared with a literal, a parameter of one value, or the other
side of its balance; anything else is refused with the rule's location.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..errors import Problem
from ..rules.language import EXACT_SUFFIX, MARGIN, Leaf, leaves
from ..rules.operators import OPERATORS, TEST, VALUE, VALUES
from ..rules.param_cases import ParamCases
from .conditions import ITEM, _compared, _item_disj, conj, disj

#: In a fact holding one perspective: the balance it belongs to (its payload list's path),
#: so that a ruleset deciding several balances' comparisons tells their facts apart.
OF = "of__"
#: The operand shapes a side judged per perspective may be compared through: one value
#: (a comparison) or a list of them (membership). A leaf of any other operator on a side
#: (``between``, one added later) is refused by ``problems``, never judged once by accident.
JUDGED = (VALUE, VALUES)
#: ``is present`` and its kin ask whether the sum is recorded, the same for every perspective.
RECORDED = (TEST,)


@dataclass(frozen=True)
class Side:
    """One side of a balance judged per perspective."""

    items: str  # the payload list of perspectives (derived.<name>.perspectives)
    field: str  # positives | negatives: the item field of this side
    other: str  # the other side's derived path


def sides_of(packs) -> dict:
    """derived side path -> Side, for every balance judged per perspective."""
    out = {}
    for pack in packs:
        for d in pack.derived.values():
            if d.spread is None:
                continue
            pos, neg = f"derived.{d.name}.positives", f"derived.{d.name}.negatives"
            out[pos] = Side(d.spread_path, "positives", neg)
            out[neg] = Side(d.spread_path, "negatives", pos)
    return out


def spread_leaf(leaf, sides: dict) -> bool:
    """A comparison that reads a side of a balance judged per perspective."""
    return _reads_side(leaf, sides) and _shape(leaf) in JUDGED


def _reads_side(leaf, sides: dict) -> bool:
    return isinstance(leaf, Leaf) and any(p in sides for p in leaf.fact_paths())


def _shape(leaf: Leaf):
    op = OPERATORS.get(leaf.op)
    return op.operand if op is not None else None


def problems(rule, sides: dict, params: dict) -> list:
    """Comparisons on a per-perspective side that cannot be judged per perspective."""
    out = []
    for leaf in (n for c in rule.conditions() for n in leaves(c)):
        if not _reads_side(leaf, sides):
            continue
        if _shape(leaf) in RECORDED:
            continue
        if not spread_leaf(leaf, sides):
            side = next(p for p in leaf.fact_paths() if p in sides)
            judged = ", ".join(n for n, o in OPERATORS.items() if o.operand in JUDGED)
            out.append(Problem(f"rule {rule.id} tests {side} with '{leaf.op}'; {side} is a side of a balance "
                               f"judged per perspective, where only {judged} are judged per perspective "
                               "(write the test with those)", leaf.location or rule.location, "error", "type"))
            continue
        side, op = sides.get(leaf.path), leaf.operand
        if side is None or (op.kind == "fact" and op.value != side.other):
            spread = op.value if side is None else leaf.path
            with_ = "itself" if op.value == leaf.path else op.describe()
            out.append(Problem(f"rule {rule.id} compares {leaf.path} with {with_}; {spread} is a side of a "
                               "balance judged per perspective: compare it with a number, a parameter or "
                               "the other side of its balance", leaf.location or rule.location, "error", "type"))
        elif op.kind == "param" and isinstance(params.get(op.value), ParamCases):
            out.append(Problem(f"rule {rule.id} compares {leaf.path}, judged per perspective, with "
                               f"parameter {op.value!r}, which depends on a fact; each perspective needs "
                               "a single value", leaf.location or rule.location, "error", "param"))
    return out


def every(leaf: Leaf, params: dict, sides: dict) -> Optional[tuple]:
    """(T, F) of a comparison on a per-perspective side: the and of the perspectives
    (module doc); None for a leaf this does not lower (conditions.both compiles it)."""
    if not spread_leaf(leaf, sides):
        return None
    items = _side(leaf, sides).items
    t, f = perspective(leaf, params, sides, in_item=True)
    return {"$iall": {items: t}}, {"$iany": {items: f}}


def perspective(leaf: Leaf, params: dict, sides: dict, in_item: bool = False) -> tuple:
    """(T, F) of the comparison from one perspective: on the fields of a list item
    (``in_item``) or of a fact holding one perspective."""
    side = _side(leaf, sides)
    key = (lambda name: f"{ITEM}.{name}") if in_item else (lambda name: name)
    op = leaf.operand
    if op.kind == "fact":  # positives OP negatives, as margin OP 0 (negatives first: mirrored)
        cmp = leaf.op if side.field == "positives" else OPERATORS[leaf.op].reverse
        left, right, lb, rb = key(MARGIN), 0, key("positives" + EXACT_SUFFIX), key("negatives" + EXACT_SUFFIX)
    else:
        cmp, left, lb, rb = leaf.op, key(side.field), key(side.field + EXACT_SUFFIX), None
        right = params[op.value] if op.kind == "param" else op.value
    guards = [{"$ex": {left: 1}}]
    if OPERATORS[cmp].operand == VALUES:  # membership of a bound: only once it is exact
        either = _item_disj if in_item else disj
        is_in = either([{left: v} for v in right])
        not_in = conj([{"$neq": {left: v}} for v in right])
        t, f = (is_in, not_in) if cmp == "in" else (not_in, is_in)
        exact = [{"$ex": {lb: 1}}] + ([] if in_item else [{OF: side.items}])
        return conj(guards + exact + [t]), conj(guards + exact + [f])
    t, f = _compared(cmp, left, right, guards, lb, rb)
    if in_item:
        return _items_or(t), _items_or(f)
    return conj([{OF: side.items}, t]), conj([{OF: side.items}, f])


def _items_or(expr: dict) -> dict:
    """An ``$or`` inside list items, each branch behind its own guard (conditions.py)."""
    return _item_disj(expr["$or"]) if set(expr) == {"$or"} else expr


def _side(leaf: Leaf, sides: dict) -> Side:
    return sides[leaf.path]
