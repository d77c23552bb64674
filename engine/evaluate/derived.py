"""Compute declared derived facts with exact arithmetic.

Numbers are taken at their written decimal value (``Fraction(str(x))``), so
``1 - 900/1000`` is exactly 0.1 and compares equal to a 0.1 threshold, as the
contract requires, instead of 0.09999999999999998.
"""
from __future__ import annotations

import datetime as _dt
from fractions import Fraction
from typing import Any, Callable, Optional

from ..rules.language import EXACT_SUFFIX, MARGIN, PERSPECTIVES, Derived, Spread, Term
from ..values import exact, get, plain


def _matches(item: Any, where: tuple) -> bool:
    return isinstance(item, dict) and all(item.get(k) == v for k, v in where)


def _weight(term: Term, params: dict):
    if term.weight is None:
        return 1
    value = params[term.weight.value] if term.weight.kind == "param" else term.weight.value
    return exact(value)


def _term_sum(fact: dict, term: Term, params: dict, counts: Optional[Callable] = None):
    """The term's weighted sum; ``counts(item)`` says which items count (default: all)."""
    items = get(fact, term.list) or ()
    total = 0
    field, default, where = term.field, term.default, term.where
    for item in items:
        if where and not _matches(item, where):
            continue
        if counts is not None and not counts(item):
            continue
        if field is None:
            total += 1
        else:
            value = item.get(field)
            total += exact(default if value is None else value)
    weight = _weight(term, params)
    return total if weight == 1 else total * weight


def _headroom(fact, args, params, as_of):
    used, cap = get(fact, args["used"]), get(fact, args["capacity"])
    if used is None or cap is None or cap == 0:
        return None
    return 1 - Fraction(exact(used)) / exact(cap)


def _ratio(fact, args, params, as_of):
    num, den = get(fact, args["numerator"]), get(fact, args["denominator"])
    if num is None or den is None or den == 0:
        return None
    return Fraction(exact(num)) / exact(den)


def _difference(fact, args, params, as_of):
    a, b = get(fact, args["from"]), get(fact, args["subtract"])
    return None if a is None or b is None else exact(a) - exact(b)


def _day(fact, args) -> Optional[_dt.date]:
    value = get(fact, args["date"])
    return _dt.date.fromisoformat(value) if isinstance(value, str) else value


def _days(sign: int):
    def compute(fact, args, params, as_of: _dt.date):
        day = _day(fact, args)
        if day is None or sign > 0 and day > as_of:  # the time since a day not yet reached: none
            return None
        return sign * (as_of - day).days
    return compute


def _sum(fact, args, params, as_of):
    term = args["term"]
    return None if get(fact, term.list) is None else _term_sum(fact, term, params)


def _balance(fact, args, params, as_of):
    """Each side's sum over its recorded lists: a lower bound, marked exact when
    every list of the side is recorded (an empty list is recorded: "none")."""
    out = _sides(fact, args, params, None)
    spread = args.get(PERSPECTIVES)
    if spread is not None:
        out[PERSPECTIVES] = [{"name": name, **{k: plain(v) for k, v in _sides(fact, args, params, counts).items()}}
                             for name, counts in _perspectives(fact, args, spread, params)]
    return out


def _sides(fact, args, params, counts) -> dict:
    out: dict = {}
    for side in ("positive", "negative"):
        terms = args[side]
        out[f"{side}s"] = sum(_term_sum(fact, t, params, counts) for t in terms)
        if all(get(fact, t.list) is not None for t in terms):
            out[f"{side}s{EXACT_SUFFIX}"] = 1
    if counts is not None:  # compared with 0 in durable-rules, exactly (compile/perspectives.py)
        out[MARGIN] = out["positives"] - out["negatives"]
    return out


def named(item, field: str) -> list:
    """The names an effect's ``field`` lists (none: it affects every perspective)."""
    names = item.get(field) if isinstance(item, dict) else None
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def _perspectives(fact, args, spread: Spread, params) -> list:
    """(name, which items count for it) per perspective judged. No counted effect naming
    anyone: one perspective, named None, counting every effect (judged once)."""
    terms = args["positive"] + args["negative"]
    seen: dict = {}
    for path in dict.fromkeys(t.list for t in terms):  # each list once, its items in order
        for item in get(fact, path) or ():
            if any(t.list == path and (not t.where or _matches(item, t.where)) for t in terms):
                seen.update(dict.fromkeys(named(item, spread.field)))
    if not seen:
        return [(None, lambda item: True)]
    only = list(params[spread.only.value] or ()) if spread.only is not None else []
    field = spread.field
    return [(name, lambda item, name=name: not named(item, field) or name in named(item, field))
            for name in (only or seen)]


def _unlinked(fact, args, params, as_of):
    items = get(fact, args["list"])
    if items is None:
        return None
    chosen = [i for i in items if _matches(i, args["where"])]
    targets = get(fact, args["to"])
    if targets is None:
        return None if chosen else 0
    listed = set(targets)
    return sum(1 for i in chosen if not listed.intersection(i.get(args["link"]) or ()))


FUNCTIONS: dict[str, Callable] = {
    "headroom": _headroom, "ratio": _ratio, "difference": _difference,
    "days_since": _days(1), "days_until": _days(-1), "count": _sum, "sum": _sum,
    "balance": _balance, "unlinked": _unlinked,
}


def unknown_because(derived: Derived, fact: dict, as_of: _dt.date) -> dict:
    """derived path -> why it is unknown although its inputs are recorded, in words. The
    time since a day after the evaluation date is not negative, it is none: a continuity
    test recorded for a later day is not evidence of a test done (nor of a recent one)."""
    if derived.function != "days_since":
        return {}
    day = _day(fact, derived.args)
    if day is None or day <= as_of:
        return {}
    return {f"derived.{derived.name}": f"{derived.args['date']} is {day.isoformat()}, after the evaluation date "
                                       f"{as_of.isoformat()}: a day not yet reached is no evidence"}


def compute(derived: Derived, fact: dict, params: dict, as_of: _dt.date) -> dict:
    """derived path -> plain number, for each output that is known."""
    result: Optional[Any] = FUNCTIONS[derived.function](fact, derived.args, params, as_of)
    if result is None:
        return {}
    if isinstance(result, dict):
        return {f"derived.{derived.name}.{k}": v if k == PERSPECTIVES else plain(v) for k, v in result.items()}
    return {f"derived.{derived.name}": plain(result)}
