"""Money as a review board reads it: each service's stake, totals per currency, spend by verdict.

A service's money is its budget (``budget.planned`` and ``budget.actual`` in
``budget.currency``) and the amounts of the costs it imposes
(``costs.imposed[].amount``, in the budget's currency when one is recorded).
What is at stake in a decision is what the service costs: its actual spend,
else its planned budget, else the costs it imposes (legacy-fax records no
budget, only its EUR 18,000 of line rental). Totals are kept per currency and
never added across currencies; an amount whose currency is not recorded is
its own total, said so. Everything is read from ``ServiceResult.facts``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..model import ERROR, ServiceResult
from . import view

NO_CURRENCY = "currency not recorded"


def fact_at(result: ServiceResult, path: str) -> Any:
    """The value at a dotted canonical path of the service's fact, or None."""
    node = result.facts
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def money(amount: Any, currency: Optional[str]) -> str:
    """'EUR 1,150,000'; without a currency, the number alone."""
    whole = isinstance(amount, int) or float(amount).is_integer()
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    return f"{currency} {text}" if currency else text


def variance(planned: Any, actual: Any, currency: Optional[str]) -> str:
    """'21,000 over (+14%)', '4,000 under (-4%)' or 'on budget'."""
    diff = actual - planned
    if diff == 0:
        return "on budget"
    share = f" ({diff / planned:+.0%})" if planned else ""
    return f"{money(abs(diff), currency)} {'over' if diff > 0 else 'under'}{share}"


def imposed_costs(result: ServiceResult) -> Any:
    """The sum of the amounts of the costs the service imposes, or None when none has one."""
    items = fact_at(result, "costs.imposed")
    amounts = [i["amount"] for i in items or () if isinstance(i, dict) and isinstance(i.get("amount"), (int, float))
               and not isinstance(i.get("amount"), bool)]
    return sum(amounts) if amounts else None


@dataclass(frozen=True)
class Stake:
    """The money of one service: its budget and the costs it imposes, and what a decision weighs."""

    currency: Optional[str]
    planned: Any = None
    actual: Any = None
    imposed: Any = None  # costs.imposed amounts, summed

    @property
    def amount(self) -> Any:
        """What is at stake: actual spend, else the planned budget, else the imposed costs."""
        return next((a for a in (self.actual, self.planned, self.imposed) if a is not None), None)

    def line(self) -> str:
        """'EUR 1,150,000 actual against EUR 900,000 planned (EUR 250,000 over, +28%)', or
        'imposed costs 18,000 (currency not recorded)'."""
        return self.headline() + self.detail()

    def headline(self) -> str:
        """The amount at stake and what it is: 'EUR 1,150,000 actual', 'imposed costs 18,000'."""
        kind = "actual" if self.actual is not None else "planned" if self.planned is not None else ""
        return f"{money(self.amount, self.currency)} {kind}" if kind else f"imposed costs {money(self.imposed, self.currency)}"

    def detail(self) -> str:
        """What the headline is against: the planned budget and the variance, the imposed costs."""
        c, text = self.currency, ""
        if self.actual is not None and self.planned is not None:
            diff = self.actual - self.planned
            share = f", {diff / self.planned:+.0%}" if self.planned and diff else ""
            gap = "on budget" if diff == 0 else f"{money(abs(diff), c)} {'over' if diff > 0 else 'under'}{share}"
            text = f" against {money(self.planned, c)} planned ({gap})"
        if self.imposed is not None and (self.actual is not None or self.planned is not None):
            text += f"; imposed costs {money(self.imposed, c)}"
        return text + ("" if c else f" ({NO_CURRENCY})")


def stake(result: ServiceResult) -> Optional[Stake]:
    """The service's money, or None when it records neither a budget nor an imposed cost amount."""
    if result.verdict == ERROR or result.facts is None:
        return None
    s = Stake(fact_at(result, "budget.currency") or None, _number(fact_at(result, "budget.planned")),
              _number(fact_at(result, "budget.actual")), imposed_costs(result))
    return s if s.amount is not None else None


def _number(value: Any) -> Any:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def amount_of(result: ServiceResult) -> Any:
    """The amount at stake (for sorting: a service without money sorts last), or None."""
    s = stake(result)
    return None if s is None else s.amount


def by_money(services) -> list:
    """The services, the most money first (amounts compared as numbers whatever their currency,
    for an order only), those recording none last, catalog order among equals."""
    return sorted(services, key=lambda r: (amount_of(r) is None, -(amount_of(r) or 0), r.position))


@dataclass(frozen=True)
class Total:
    """Money summed over some services in one currency (None: not recorded)."""

    currency: Optional[str]
    amount: Any
    services: int

    def words(self, short: bool = False) -> str:
        c = self.currency
        return money(self.amount, c) + ("" if c else " (no currency)" if short else f" ({NO_CURRENCY})")


def totals(services) -> tuple:
    """([Total] per currency, recorded currencies first in name order; services with no money)."""
    sums: dict = {}
    without = 0
    for r in services:
        s = stake(r)
        if s is None:
            without += 1
            continue
        n, a = sums.get(s.currency, (0, 0))
        sums[s.currency] = (n + 1, a + s.amount)
    keys = sorted(sums, key=lambda c: (c is None, c or ""))
    return [Total(c, sums[c][1], sums[c][0]) for c in keys], without


def totals_line(found: tuple) -> str:
    """'EUR 2,300,000 · USD 410,000 · 18,000 (currency not recorded)' or 'no money recorded'."""
    rows, _ = found
    return " · ".join(t.words() for t in rows) or "no money recorded"


@dataclass(frozen=True)
class Spend:
    """The money of the services of one verdict, in one currency."""

    verdict: str  # a verdict key: 'waived' for the services valuable only under a waiver
    currency: Optional[str]
    services: int  # recording both planned and actual budget
    planned: Any
    actual: Any
    costed: int = 0  # recording no budget, only imposed cost amounts
    imposed: Any = 0  # those services' imposed cost amounts, summed


def spend(services) -> tuple:
    """([Spend] per verdict and currency, services recording no money): planned and actual are
    summed over services recording both, so the variance compares like with like; services
    with no budget but imposed cost amounts are summed apart (``costed``, ``imposed``)."""
    sums: dict = {}
    without = 0
    for r in services:
        s = stake(r)
        budgeted = s is not None and s.planned is not None and s.actual is not None
        if s is None or (not budgeted and s.planned is None and s.actual is None and s.imposed is None):
            without += 1
            continue
        if not budgeted and (s.planned is not None or s.actual is not None):
            without += 1  # half a budget: no variance can be given
            continue
        key = (view.VERDICT_KEYS.index(view.verdict_key(r)), s.currency or "")
        n, p, a, k, i = sums.get(key, (0, 0, 0, 0, 0))
        sums[key] = (n + 1, p + s.planned, a + s.actual, k, i) if budgeted else (n, p, a, k + 1, i + s.imposed)
    rows = [Spend(view.VERDICT_KEYS[v], cur or None, *vals) for (v, cur), vals in sorted(sums.items())]
    return rows, without


def budget_line(result: ServiceResult) -> str:
    """The service's money in one line for its card ('' when none is recorded)."""
    s = stake(result)
    return f"money: {s.line()}" if s is not None else ""
