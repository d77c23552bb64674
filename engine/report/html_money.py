"""The HTML board's money section: what is at stake per currency, and spend by verdict.

At stake: the money of the services needing a decision and, apart, of those
valuable only under a waiver, per currency (never added across currencies),
with the services recording no money counted. Spend by verdict: planned and
actual budgets with their variance, and the imposed cost amounts of services
that record no budget (they are money too). Figures: engine/report/money.py.
"""
from __future__ import annotations

from ..model import Report
from . import board, money, view
from .html_charts import BEYOND
from .html_service import e, verdict_badge

ROWS_PRINTED = 10  # rows of a money table in the executive print (verdicts x currencies can be 60)


def _capped(rows: list, what: str) -> tuple:
    """(rows joined, the print's note on the rest): rows past ROWS_PRINTED are left out of the
    executive print (class ``beyond``) and counted."""
    body = "".join(row.replace("<tr>", f"<tr{BEYOND}>", 1) if i >= ROWS_PRINTED else row for i, row in enumerate(rows))
    more = (f'<p class="print-only note">and {len(rows) - ROWS_PRINTED} more rows of {e(what)} in the full '
            "report.</p>" if len(rows) > ROWS_PRINTED else "")
    return body, more


def _stake_rows(label: str, services: list) -> list:
    rows, without = money.totals(services)
    if not services:
        return [f'<tr><td>{e(label)}</td><td class="note" colspan="3">none</td></tr>']
    cells = [f'<tr><td>{e(label)}</td><td>{e(t.currency or money.NO_CURRENCY)}</td>'
             f'<td class="num">{t.services}</td><td class="num">{e(money.money(t.amount, t.currency))}</td></tr>'
             for t in rows]
    if without:
        cells.append(f'<tr><td>{e(label)}</td><td class="note">no money recorded</td><td class="num">{without}</td>'
                     "<td></td></tr>")
    return cells


def at_stake_table(report: Report) -> str:
    decide = board.needs_decision(report.services)
    rows = _stake_rows("needs a decision (not valuable)", decide)
    if view.waivers_given(report.run):
        rows += _stake_rows("valuable only under a waiver", [r for r in report.services if r.valuable_by_waiver])
    body, more = _capped(rows, "money at stake")
    return ('<div class="scroll"><table class="stake-table"><thead><tr><th>services</th><th>currency</th>'
            f'<th class="num">services</th><th class="num">at stake</th></tr></thead><tbody>{body}</tbody></table></div>'
            f"{more}")


def spend(report: Report) -> str:
    """Spend by verdict and currency (the currency has its column, the amounts are plain numbers)."""
    rows, without = money.spend(report.services)
    note = (f'<p class="note">{without} service{"s" * (without != 1)} record no budget and no cost amount (a '
            "variance needs both budget.planned and budget.actual).</p>" if without else "")
    if not rows:
        return f"<h4>Spend by verdict</h4>{note}"
    body, more = _capped([f"<tr><td>{verdict_badge(s.verdict)}</td><td>{e(s.currency or 'not recorded')}</td>"
                   f'<td class="num">{s.services or ""}</td><td class="num">{_plain(s.planned, s.services)}</td>'
                   f'<td class="num">{_plain(s.actual, s.services)}</td><td class="num">{_gap(s)}</td>'
                   f'<td class="num">{s.costed or ""}</td><td class="num">{_plain(s.imposed, s.costed)}</td></tr>'
                   for s in rows], "spend by verdict")
    return ('<h4>Spend by verdict</h4><div class="scroll"><table class="spend"><thead><tr><th>verdict</th>'
            '<th>currency</th><th class="num">budgeted services</th><th class="num">planned</th>'
            '<th class="num">actual</th><th class="num">variance</th><th class="num">no budget, costs '
            'recorded</th><th class="num">their imposed costs</th></tr></thead>'
            f'<tbody>{body}</tbody></table></div>{more}{note}')


def _plain(value, n: int) -> str:
    return e(money.money(value, None)) if n else ""


def _gap(s: money.Spend) -> str:
    """'+21,000 (+14%)', '−4,000 (−4%)' or 'on budget' (the currency is the row's)."""
    if not s.services:
        return ""
    diff = s.actual - s.planned
    if diff == 0:
        return "on budget"
    share = f" ({diff / s.planned:+.0%})".replace("-", "−") if s.planned else ""
    return e(("+" if diff > 0 else "−") + money.money(abs(diff), None) + share)


def money_section(report: Report) -> str:
    return ('<h4>At stake</h4><p class="note">What a decision weighs for each service: its actual spend, else its '
            "planned budget, else the costs it imposes (costs.imposed amounts, in the budget's currency).</p>"
            f"{at_stake_table(report)}{spend(report)}")
