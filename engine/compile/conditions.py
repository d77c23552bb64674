"""Condition trees to durable-rules condition dictionaries, three-valued.

durable-rules decides true/false on the facts it sees; valuate needs met /
not met / unknown. Each condition node ``c`` therefore compiles to two
durable conditions, ``T(c)`` ("c is met") and ``F(c)`` ("c is not met"), each
guarded by the existence of every fact it reads. When neither fires, ``c`` is
unknown. Kleene's rules give the inner nodes without a negation operator::

    T(all) = and T(ci)     F(all) = or F(ci)
    T(any) = or T(ci)      F(any) = and F(ci)
    T(not c) = F(c)        F(not c) = T(c)

Leaves negate by swapping the operator (``>=`` / ``<``), which is exact on
validated, typed facts. Lists carry a ``<path>__n`` length beside them so
that "empty" is a plain comparison and ``all_items`` over an empty list is met.

A ``balance`` side is a lower bound (the sum of the lists that are recorded)
marked exact in the payload when every list of the side is recorded
(``<path>__exact``). A comparison on such a bound decides only what the
bounds prove: ``positives > negatives`` is met only when the negatives are
exact, and not met only when the positives are exact (for ``>=`` / ``>``
the right side must be exact to be met and the left to be not met; ``<`` /
``<=`` the other way round; ``==`` needs both exact, and ``!=`` also holds
when an exact side lies below the other's bound; ``in`` needs the bound
exact). Otherwise neither fires and the comparison is unknown: an
unrecorded list is never read as empty.

Inside list items durable-rules 2.0.28 evaluates the branches of an ``$or``
property by property and lets the last property overwrite the result, so
``a == 1 or b == 2`` is false for ``{a: 1, b: 3}`` (measured; the differential
test found it). Every item object therefore carries ``v__: 1`` and each
``$or`` branch inside items starts with its own always-true guard on it
(``v__ >= -i``): all branches then hang off one property and are tried in turn.

durable-rules compares strings exactly. A comparison with ``case:
insensitive`` reads a case-folded copy of its fact that the payload carries
beside it (``<path>__cf``, a string or a list of strings), against a folded
literal or parameter: normalised before asserting, decided by durable-rules.
``contains`` is "some entry of the list equals the value": ``$iany`` over the
list (or its folded copy), not met when the list is empty or no entry equals.
"""
from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Optional

from ..rules.param_cases import ParamCases
from ..rules.language import Condition, Group, Leaf
from ..rules.operators import EQUAL, LOWER, MEMBER, OPERATORS, UPPER, registry

LENGTH_SUFFIX = "__n"
FOLD_SUFFIX = "__cf"  # the case-folded copy of a string (or list of strings) compared in any case
ITEM = "$i"
ITEM_GUARD = "v__"  # present (= 1) in every object item of a quantified list


def key_for(path: str, in_item: bool) -> str:
    """The payload property durable-rules sees for a fact path."""
    if not in_item:
        return path
    return ITEM if path == "." else f"{ITEM}.{path}"


def literal(value: Any, fold: bool = False) -> Any:
    """Dates travel as day ordinals so that durable-rules can order them; strings compared
    in any case are case-folded, as the payload's copies are."""
    if isinstance(value, _dt.date):
        return value.toordinal()
    if fold and isinstance(value, str):
        return value.casefold()
    return value


def folded_key(path: str) -> str:
    return path if path == "." else path + FOLD_SUFFIX


def both(cond: Condition, params: dict, in_item: bool = False, bounds: Optional[dict] = None,
         lower=None) -> tuple[dict, dict]:
    """(T, F) durable expressions for one condition node.

    ``bounds``: lower-bound derived paths -> the payload key saying the bound is exact.
    ``lower(leaf, params)``: (T, F) for a leaf compiled elsewhere, or None (a balance judged
    per perspective: compile/perspectives.py)."""
    if lower is not None and not in_item and isinstance(cond, Leaf):
        lowered = lower(cond, params)
        if lowered is not None:
            return lowered
    if isinstance(cond, Group):
        parts = [both(c, params, in_item, bounds, lower) for c in cond.children]
        if cond.kind == "not":
            return parts[0][1], parts[0][0]
        ts, fs = [p[0] for p in parts], [p[1] for p in parts]
        either = _item_disj if in_item else disj
        if cond.kind == "all":
            return conj(ts), either(fs)
        return either(ts), conj(fs)
    return _leaf(cond, params, in_item, bounds or {})


def _compared(op: str, key: str, right: Any, guards: list, lb: Optional[str], rb: Optional[str]) -> tuple:
    """(T, F) of ``key OP right`` under ``guards``; ``lb`` / ``rb``: the markers saying
    the left / right side is exact, when that side is a lower bound (module doc)."""
    negated = OPERATORS[op].negation
    if lb is None and rb is None:
        return conj(guards + [_compare(op, key, right)]), conj(guards + [_compare(negated, key, right)])
    ex = lambda *markers: [{"$ex": {m: 1}} for m in markers if m]  # noqa: E731
    sense = OPERATORS[op].sense
    if sense == LOWER:  # holds for sure once the right side is exact; fails once the left is
        return conj(guards + ex(rb) + [_compare(op, key, right)]), conj(guards + ex(lb) + [_compare(negated, key, right)])
    if sense == UPPER:
        return conj(guards + ex(lb) + [_compare(op, key, right)]), conj(guards + ex(rb) + [_compare(negated, key, right)])
    # equal only when both are exact; unequal also when an exact side is below the other's bound
    equal = conj(guards + ex(lb, rb) + [_compare("eq", key, right)])
    unequal = disj([conj(guards + ex(lb, rb) + [_compare("ne", key, right)]),
                    *([conj(guards + ex(lb) + [_compare("lt", key, right)])] if rb else []),
                    *([conj(guards + ex(rb) + [_compare("gt", key, right)])] if lb else [])])
    return (equal, unequal) if sense == EQUAL else (unequal, equal)


def _leaf(leaf: Leaf, params: dict, in_item: bool, bounds: dict) -> tuple[dict, dict]:
    return LOWERINGS[OPERATORS[leaf.op].lowering](leaf, params, in_item, bounds)


def _is(leaf: Leaf, params: dict, in_item: bool, bounds: dict) -> tuple[dict, dict]:
    # A list is present when its length is: the list itself is only sent
    # when some item condition needs its items.
    key = key_for(leaf.path, in_item)
    return _test(leaf.test, key + LENGTH_SUFFIX if leaf.kind == "array" else key)


def _quantified(leaf: Leaf, params: dict, in_item: bool, some: bool) -> tuple[dict, dict]:
    key = key_for(leaf.path, in_item)
    if in_item:  # a list inside an item: its length test sits beside item fields
        return _nested_quantifier(leaf, key, params, some)
    t_in, f_in = both(leaf.inner, params, in_item=True)
    some_t = {"$iany": {key: t_in}}
    some_f = {"$iany": {key: f_in}}
    none_or_all_t = disj([{key + LENGTH_SUFFIX: 0}, {"$iall": {key: t_in}}])
    none_or_all_f = disj([{key + LENGTH_SUFFIX: 0}, {"$iall": {key: f_in}}])
    if some:
        return some_t, none_or_all_f
    return none_or_all_t, some_f


def _some_item(leaf: Leaf, params: dict, in_item: bool, bounds: dict) -> tuple[dict, dict]:
    return _quantified(leaf, params, in_item, some=True)


def _every_item(leaf: Leaf, params: dict, in_item: bool, bounds: dict) -> tuple[dict, dict]:
    return _quantified(leaf, params, in_item, some=False)


def _guarded(leaf: Leaf, in_item: bool) -> tuple[str, list, bool]:
    """(the key compared, its existence guard, folded?): a comparison in any case reads the
    folded copy."""
    fold = bool(leaf.case)
    key = key_for(folded_key(leaf.path) if fold else leaf.path, in_item)
    return key, ([] if key == ITEM else [{"$ex": {key: 1}}]), fold


def _member(leaf: Leaf, params: dict, in_item: bool, bounds: dict) -> tuple[dict, dict]:
    key, guards, fold = _guarded(leaf, in_item)
    values = [literal(v, fold) for v in leaf.operand.value]
    is_in = (_item_disj if in_item else disj)([{key: v} for v in values])
    not_in = conj([{"$neq": {key: v}} for v in values])
    t, f = (is_in, not_in) if OPERATORS[leaf.op].sense == MEMBER else (not_in, is_in)
    exact = [{"$ex": {bounds[key]: 1}}] if key in bounds else []  # membership of a bound: exact only
    return conj(guards + exact + [t]), conj(guards + exact + [f])


def _comparison(leaf: Leaf, params: dict, in_item: bool, bounds: dict) -> tuple[dict, dict]:
    key, guards, fold = _guarded(leaf, in_item)
    operand = leaf.operand
    other = key_for(folded_key(operand.value) if fold else operand.value, in_item) if operand.kind == "fact" else None
    lb, rb = bounds.get(key), bounds.get(other) if other else None
    if operand.kind == "fact":
        guards.append({"$ex": {other: 1}})
        right: Any = {"$m": other}
    elif operand.kind == "param":
        value = params[operand.value]
        if isinstance(value, ParamCases):
            if in_item:  # compile_packs refuses this with the rule's location first
                raise ValueError(f"fact-dependent parameter {operand.value!r} inside a list-item condition")
            return (select(value, lambda v: _compared(leaf.op, key, literal(v, fold), guards, lb, rb)[0]),
                    select(value, lambda v: _compared(leaf.op, key, literal(v, fold), guards, lb, rb)[1]))
        right = literal(value, fold)
    else:
        right = literal(operand.value, fold)
    return _compared(leaf.op, key, right, guards, lb, rb)


def _contains(leaf: Leaf, params: dict, in_item: bool, bounds: dict) -> tuple[dict, dict]:
    """Some entry equals the value (met); the list is empty or no entry equals (not met)."""
    fold = bool(leaf.case)
    entries = key_for(folded_key(leaf.path) if fold else leaf.path, in_item)
    length = key_for(leaf.path, in_item) + LENGTH_SUFFIX
    either = _item_disj if in_item else disj
    operand = leaf.operand
    value = params[operand.value] if operand.kind == "param" else operand.value

    def pair(v):
        v = literal(v, fold)
        return {"$iany": {entries: {ITEM: v}}}, either([{length: 0}, {"$iall": {entries: {"$neq": {ITEM: v}}}}])

    if isinstance(value, ParamCases):
        if in_item:  # compile_packs refuses this with the rule's location first
            raise ValueError(f"fact-dependent parameter {operand.value!r} inside a list-item condition")
        return select(value, lambda v: pair(v)[0]), select(value, lambda v: pair(v)[1])
    return pair(value)


def select(cases: ParamCases, body) -> dict:
    """``body(value)`` under the case that applies: the first whose ``when`` is met.

    (T(w1) and body(v1)) or (F(w1) and T(w2) and body(v2)) or ... or
    (F(w1) and ... and F(wn-1) and body(vn)). The branches exclude each other,
    so at most one of them fires; when a ``when`` that comes first is unknown,
    none does. Since some case always applies (the last has no ``when``), one
    more branch, body(v1) and ... and body(vn), holds whichever case applies:
    a comparison every case's value meets is met, one every value fails is not
    met, without the facts that choose the case. Only where the values
    disagree does a missing ``when`` fact leave the comparison unknown.
    """
    branches, before = [], []
    for case in cases.cases:
        if case.when is None:
            branches.append(conj(before + [body(case.value)]))
            break
        met, not_met = both(case.when, {})
        branches.append(conj(before + [met, body(case.value)]))
        before.append(not_met)
    if cases.agree and cases.cases[-1].when is None:  # (cases of one value: that value, plainly)
        branches.append(conj([body(v) for v in dict.fromkeys(c.value for c in cases.cases)]))
    return disj(branches)


def selectors(cases: ParamCases) -> list:
    """Per case, the durable expression "this case applies" (for explanations)."""
    out, before = [], []
    for case in cases.cases:
        if case.when is None:
            out.append(conj(before) if before else {"$ex": {"id": 1}})
            break
        met, not_met = both(case.when, {})
        out.append(conj(before + [met]))
        before.append(not_met)
    return out


def _nested_quantifier(leaf: Leaf, key: str, params: dict, some: bool) -> tuple[dict, dict]:
    t_in, f_in = both(leaf.inner, params, in_item=True)
    empty = {key + LENGTH_SUFFIX: 0}
    some_t, some_f = {"$iany": {key: t_in}}, {"$iany": {key: f_in}}
    all_t, all_f = {"$iall": {key: t_in}}, {"$iall": {key: f_in}}
    if some:
        return some_t, _item_disj([empty, all_f])
    return _item_disj([empty, all_t]), some_f


def _item_disj(parts: list) -> dict:
    """``$or`` inside list items, each branch behind its own guard (see module doc)."""
    flat = disj(parts)
    if "$or" not in flat:
        return flat
    guarded = [conj([{"$gte": {f"{ITEM}.{ITEM_GUARD}": -i}}, branch]) for i, branch in enumerate(flat["$or"])]
    return {"$or": guarded}


def _compare(op: str, key: str, right: Any) -> dict:
    durable = OPERATORS[op].durable
    return {durable: {key: right}} if durable else {key: right}


def _test(test: str, key: str) -> tuple[dict, dict]:
    present, absent = {"$ex": {key: 1}}, {"$nex": {key: 1}}
    length = key if key.endswith(LENGTH_SUFFIX) else key + LENGTH_SUFFIX
    empty = {length: 0}
    non_empty = {"$gt": {length: 0}}
    return {"present": (present, absent), "absent": (absent, present),
            "empty": (empty, non_empty), "not_empty": (non_empty, empty)}[test]


def conj(parts: list) -> dict:
    flat: list = []
    for p in parts:
        flat.extend(p["$and"] if set(p) == {"$and"} else [p])
    return flat[0] if len(flat) == 1 else {"$and": flat}


def disj(parts: list) -> dict:
    flat: list = []
    for p in parts:
        flat.extend(p["$or"] if set(p) == {"$or"} else [p])
    return flat[0] if len(flat) == 1 else {"$or": flat}


def _parts(leaf: Leaf, params: dict, in_item: bool, bounds: dict) -> tuple[dict, dict]:
    """A compound (``between``: ``>= low and <= high``): met when every part is, not met when
    one is not. The parts' shared existence guards are asked once."""
    met, not_met = both(leaf.parts(), params, in_item, bounds)
    if set(met) == {"$and"}:
        unique = list({json.dumps(p, sort_keys=True): p for p in met["$and"]}.values())
        met = conj(unique)
    return met, not_met


#: Each operator's lowering, by the name its declaration gives (engine/rules/operators.py).
LOWERINGS = registry({"compare": _comparison, "member": _member, "test": _is, "some_item": _some_item,
                      "every_item": _every_item, "contains": _contains, "parts": _parts},
                     lambda op: op.lowering, "the compiler (engine/compile/conditions.py)")


def payload_keys(expr: Any) -> set:
    """The top-level payload properties a durable-rules condition reads (item fields,
    ``$i.x``, belong to the list property they are tested in)."""
    out: set = set()
    if not isinstance(expr, dict):
        return out
    for op, body in expr.items():
        if op in ("$and", "$or"):
            for part in body:
                out |= payload_keys(part)
        elif op.startswith("$"):  # $ex / $nex / $lt ... / $iany / $iall: {attribute: operand}
            for attr, operand in body.items():
                out.add(attr)
                if isinstance(operand, dict) and "$m" in operand:
                    out.add(operand["$m"])
        else:  # equality: {attribute: value}
            out.add(op)
            if isinstance(body, dict) and "$m" in body:
                out.add(body["$m"])
    return {k for k in out if not k.startswith(ITEM)}
