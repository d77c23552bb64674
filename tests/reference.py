"""A straightforward three-valued interpreter of YAML condition trees.

Written for the tests only, independently of the compiler: it walks the
parsed condition and the validated fact in plain Python. The differential
tests check that durable-rules, fed by the compiler, decides the same.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from valuate.engine.rules.param_cases import ParamCases
from valuate.engine.rules.language import Group, Leaf

MET, NOT_MET, UNKNOWN, NOT_APPLICABLE = "met", "not_met", "unknown", "not_applicable"

#: The operators and tests this interpreter evaluates, written out by hand (not read from the
#: operator table): tests/test_operators.py checks that they are the table's, one by one.
OPERATORS = {"eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "is", "any_item", "all_items", "contains",
             "between"}
TESTS = {"present", "absent", "empty", "not_empty"}


def rule_status(rule, fact: dict, params: dict, values: dict | None = None, agree: bool = True) -> str:
    """A rule with applies_when: not applicable where it is not met, unknown where it is
    unknown, else the condition's status."""
    if rule.applies_when is not None:
        applies = evaluate(rule.applies_when, fact, params, values, agree)
        if applies != MET:
            return NOT_APPLICABLE if applies == NOT_MET else UNKNOWN
    return evaluate(rule.condition, fact, params, values, agree)


UNKNOWN_VALUE = object()


def select(cases: ParamCases, fact, params, values=None):
    """The value of a fact-dependent parameter: the first case whose 'when' is met;
    unknown as soon as a 'when' before it is unknown."""
    for case in cases.cases:
        if case.when is None:
            return case.value
        status = evaluate(case.when, fact, params, values)
        if status == UNKNOWN:
            return UNKNOWN_VALUE
        if status == MET:
            return case.value
    raise AssertionError("the last case has no 'when'")


def get(node: Any, path: str) -> Any:
    if path == ".":
        return node
    for part in path.split("."):
        if not isinstance(node, dict) or node.get(part) is None:
            return None
        node = node[part]
    return node


def _and(xs):
    return NOT_MET if NOT_MET in xs else UNKNOWN if UNKNOWN in xs else MET


def _or(xs):
    return MET if MET in xs else UNKNOWN if UNKNOWN in xs else NOT_MET


def _lower(v):
    # str.lower, not casefold as the compiler does: the test strings are ASCII and
    # accented, where the two agree; an independent spelling of "any case"
    return v.lower() if isinstance(v, str) else v


def _norm(v):
    if isinstance(v, str) and len(v) == 10 and v[4] == "-":
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return v
    return v


def evaluate(cond, fact: dict, params: dict, values: dict | None = None, agree: bool = True) -> str:
    """values: extra flat paths (derived.*) looked up before the fact. agree: a comparison with
    a fact-dependent parameter whose case is unknown is decided when every case's value
    gives the same status (the compiler's CompiledRule.agree says whether it does)."""
    values = values or {}
    if isinstance(cond, Group):
        parts = [evaluate(c, fact, params, values, agree) for c in cond.children]
        if cond.kind == "not":
            return {MET: NOT_MET, NOT_MET: MET, UNKNOWN: UNKNOWN}[parts[0]]
        return _and(parts) if cond.kind == "all" else _or(parts)
    if cond.op == "between":  # low <= x <= high, inclusive: met when both bounds hold, not met when one fails
        low, high = cond.operand.value
        return _and([evaluate(Leaf(cond.path, "ge", operand=low, kind=cond.kind), fact, params, values, agree),
                     evaluate(Leaf(cond.path, "le", operand=high, kind=cond.kind), fact, params, values, agree)])
    status = _leaf(cond, fact, params, values)
    op = cond.operand
    if status != UNKNOWN or not agree or op is None or op.kind != "param" \
            or not isinstance(params[op.value], ParamCases) \
            or select(params[op.value], fact, params, values) is not UNKNOWN_VALUE:
        return status
    # whichever case applies: the status the values of all of them give, if they agree
    each = {_leaf(cond, fact, {**params, op.value: c.value}, values) for c in params[op.value].cases}
    return each.pop() if len(each) == 1 else UNKNOWN


def _lookup(fact, path, values):
    return values[path] if path in values else get(fact, path)


class Bound:
    """A quantity known only from below: at least ``low``; exactly ``low`` when ``exact``."""

    def __init__(self, low, exact: bool):
        self.low, self.exact = low, exact

    @property
    def high(self):
        return self.low if self.exact else float("inf")


class Sides:
    """One side of a balance judged per perspective: a Bound per perspective, in order.
    A comparison on it holds when it holds from every perspective (Kleene's and)."""

    def __init__(self, perspectives: list, side: str):
        self.perspectives, self.side = perspectives, side  # [(name, Bound positives, Bound negatives)]

    def at(self, i: int) -> Bound:
        return self.perspectives[i][1 if self.side == "positives" else 2]


ROLES = ("customer", "user", "sponsor")
EFFECT_LISTS = (("outcomes", "positive"), ("costs.removed", "positive"), ("risks.removed", "positive"),
                ("outcomes", "negative"), ("costs.imposed", "negative"), ("risks.imposed", "negative"))
WEIGHT = {"outcomes": "weight_outcomes", "costs.removed": "weight_costs", "costs.imposed": "weight_costs",
          "risks.removed": "weight_risks", "risks.imposed": "weight_risks"}


def perspectives(fact: dict, value_perspectives=(), weights: dict | None = None) -> list:
    """The value balance per perspective as docs/specification.md words it, from the fact alone:
    [(name, Bound positives, Bound negatives)]; name None when no effect names anyone (judged once)."""
    weights = weights or {}

    def counted():  # (side, list path, item) for every effect, in the lists' order
        for path, side in EFFECT_LISTS:
            for item in get(fact, path) or []:
                if path != "outcomes" or item.get("effect") == side:
                    yield side, path, item

    named = []
    for path in ("outcomes", "costs.removed", "risks.removed", "costs.imposed", "risks.imposed"):
        for item in get(fact, path) or []:
            for name in item.get("for") or []:
                if name not in named:
                    named.append(name)
    if not named:
        chosen = [None]
    else:
        chosen = list(value_perspectives) or named
    recorded = {side: get(fact, "outcomes") is not None and all(get(fact, p) is not None for p, s in EFFECT_LISTS
                                                                if s == side and p != "outcomes")
                for side in ("positive", "negative")}
    out = []
    for name in chosen:
        sums = {"positive": 0, "negative": 0}
        for side, path, item in counted():
            if name is None or not item.get("for") or name in item["for"]:
                sums[side] += item.get("impact", 1) * weights.get(WEIGHT[path], 1)
        out.append((name, Bound(sums["positive"], recorded["positive"]),
                    Bound(sums["negative"], recorded["negative"])))
    return out


def per_perspective(cond, fact: dict, params: dict, values: dict) -> list:
    """The status of ``cond`` from each perspective (values hold Sides): one status per perspective."""
    sides = [v for v in values.values() if isinstance(v, Sides)]
    if not sides:
        return [evaluate(cond, fact, params, values)]
    n = len(sides[0].perspectives)
    return [evaluate(cond, fact, params, {k: v.at(i) if isinstance(v, Sides) else v for k, v in values.items()})
            for i in range(n)]


def _interval(x):
    return (x.low, x.high) if isinstance(x, Bound) else (x, x)


def _bounded(op: str, x, y) -> str:
    """Interval reasoning: met if the comparison holds for every value the bounds
    allow, not met if for none, else unknown. Membership needs an exact bound."""
    (xl, xh), (yl, yh) = _interval(x), _interval(y)
    always = {"gt": xl > yh, "ge": xl >= yh, "lt": xh < yl, "le": xh <= yl,
              "eq": xl == xh == yl == yh, "ne": xh < yl or yh < xl}[op]
    never = {"gt": xh <= yl, "ge": xh < yl, "lt": xl >= yh, "le": xl > yh,
             "eq": xh < yl or yh < xl, "ne": xl == xh == yl == yh}[op]
    return MET if always else NOT_MET if never else UNKNOWN


def _leaf(leaf: Leaf, fact, params, values) -> str:
    x = _lookup(fact, leaf.path, values)
    other = leaf.operand.value if leaf.operand is not None and leaf.operand.kind == "fact" else None
    if isinstance(x, Sides) or isinstance(values.get(other), Sides):  # every perspective: and
        spread = x if isinstance(x, Sides) else values[other]
        return _and([_leaf(leaf, fact, params, {k: v.at(i) if isinstance(v, Sides) else v
                                                for k, v in values.items()})
                     for i in range(len(spread.perspectives))])
    if leaf.op == "is":
        if leaf.test == "present":
            return MET if x is not None else NOT_MET
        if leaf.test == "absent":
            return MET if x is None else NOT_MET
        if x is None:
            return UNKNOWN
        empty = len(x) == 0
        return MET if empty == (leaf.test == "empty") else NOT_MET
    if leaf.op in ("any_item", "all_items"):
        if x is None:
            return UNKNOWN
        parts = [evaluate(leaf.inner, item, params) for item in x]
        return _or(parts) if leaf.op == "any_item" else _and(parts)
    if x is None:
        return UNKNOWN
    if leaf.op == "contains":
        y = params[leaf.operand.value] if leaf.operand.kind == "param" else leaf.operand.value
        if isinstance(y, ParamCases):
            y = select(y, fact, params, values)
            if y is UNKNOWN_VALUE:
                return UNKNOWN
        same = (lambda a: a.lower() == y.lower()) if leaf.case else (lambda a: a == y)
        return MET if any(same(item) for item in x) else NOT_MET
    x = _norm(x)
    if isinstance(x, Bound) and leaf.op in ("in", "not_in"):
        if not x.exact:
            return UNKNOWN
        x = x.low
    if leaf.op in ("in", "not_in"):
        fold = _lower if leaf.case else (lambda v: v)
        hit = fold(x) in [fold(_norm(v)) for v in leaf.operand.value]
        return MET if hit == (leaf.op == "in") else NOT_MET
    op = leaf.operand
    if op.kind == "fact":
        y = _lookup(fact, op.value, values)
        if y is None:
            return UNKNOWN
    elif op.kind == "param":
        y = params[op.value]
        if isinstance(y, ParamCases):
            y = select(y, fact, params, values)
            if y is UNKNOWN_VALUE:
                return UNKNOWN
    else:
        y = op.value
    y = _norm(y)
    if leaf.case:
        x, y = _lower(x), _lower(y)
    if isinstance(x, Bound) or isinstance(y, Bound):
        return _bounded(leaf.op, x, y)
    result = {"eq": x == y, "ne": x != y, "lt": x < y, "le": x <= y, "gt": x > y, "ge": x >= y}[leaf.op]
    return MET if result else NOT_MET
