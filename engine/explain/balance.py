"""The value balance item by item: which listed effects were counted, and how.

The ``balance`` derived fact sums impact x weight over lists of effects (see
engine/evaluate/derived.py). A review board wants to see that sum, not just
its total, so this lists every counted item with its points. It uses the same
exact arithmetic as the evaluator, so the points add up to the totals that
durable-rules compared.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

from ..values import exact, get, plain
from ..model import BalanceTerm
from ..rules.language import Derived, Term


def balance_of(program) -> Optional[Derived]:
    """The balance derived fact the value rules read, if the packs declare one."""
    read = {p for c in program.rules if c.rule.criterion == "value"
            for n in c.nodes for p in getattr(n, "fact_paths", lambda: [])()}
    for pack in program.packs:
        for d in pack.derived.values():
            if d.function == "balance" and any(o in read for o in d.outputs):
                return d
    return None


def _weight(term: Term, params: dict) -> Fraction:
    if term.weight is None:
        return Fraction(1)
    value = params[term.weight.value] if term.weight.kind == "param" else term.weight.value
    return exact(value)


def breakdown(derived: Derived, fact: dict, params: dict) -> tuple:
    """BalanceTerm per counted item, positives first, in list order."""
    out = []
    spread = derived.spread  # whom each effect affects, when the balance is judged per perspective
    for side in ("positive", "negative"):
        for term in derived.args[side]:
            weight = _weight(term, params)
            for index, item in enumerate(get(fact, term.list) or []):
                if not isinstance(item, dict) or any(item.get(k) != v for k, v in term.where):
                    continue
                raw = item.get(term.field) if term.field else None
                impact = exact(term.default if raw is None else raw) if term.field else Fraction(1)
                description = item.get("description")
                affects = tuple(item.get(spread.field) or ()) if spread is not None else ()
                out.append(BalanceTerm(side, term.list, index,
                                       description if isinstance(description, str) else None,
                                       plain(impact), plain(weight), plain(impact * weight), affects))
    return tuple(out)
