"""The first screen of the HTML report: the five questions a review board asks, for any size.

How many services are in each verdict (valuable under a waiver counted
apart) and how much money is at stake, per currency; which services need a
decision, one line per failed criterion and the money of each (the most
money first; sortable); what changed since the last review (with
``--compare``), group by group; which waivers expire soon or have expired;
and a jump bar to the rest. Long lists show their first entries on screen
(``data-show``; a button shows all) and in the executive print
(``data-cap``; "and N more" points to the full report); report.js keeps
both right when the page is filtered or sorted.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import UNKNOWN, Report
from . import board, changes, money, view
from .html_service import counted, e, rid, service_id, verdict_badge

SHOWN = 10  # decisions listed on screen before "show all"
PRINTED = 15  # decisions in the executive print at most; the rest are counted
PRINTED_LINES = 64  # and at most about this many lines of them (a heading, a note and a line per reason each)
BRIEF = 5  # services named per group of changes, waivers named per state


@dataclass(frozen=True)
class Part:
    """A section of the board: its anchor, its name in the jump bar, and its HTML."""

    id: str
    label: str  # in the jump bar
    html: str
    heading: "str | None" = ""  # the section's heading when it is not the label; None: its own


def link(r, text: str = "") -> str:
    return f'<a href="#{service_id(r)}" title="{e(view.title(r))}">{e(text or view.title(r))}</a>'


def counts(report: Report) -> str:
    """A card per verdict; with a waiver file, the services valuable only under a waiver apart."""
    found = view.verdict_counts(report.services)
    cards = "".join(f'<div class="card">{verdict_badge(v)}<b>{found[v]:,}</b></div>'
                    for v in view.verdict_keys(report.run))
    return f'<div class="cards"><div class="card">services<b>{report.summary.services:,}</b></div>{cards}</div>'


def at_stake(report: Report) -> str:
    """The money of the services needing a decision, per currency, and apart what is under waiver."""
    decide = board.needs_decision(report.services)
    waived = [r for r in report.services if r.valuable_by_waiver]
    rows, without = money.totals(decide)
    parts = [f'<b>At stake</b> in the {len(decide)} service{"s" * (len(decide) != 1)} needing a decision: '
             f'<span class="amount">{e(money.totals_line((rows, without)))}</span>'
             + (f' <span class="note">({without} record no money)</span>' if without and rows else "")
             if decide else "<b>At stake</b>: nothing, no service needs a decision"]
    if view.waivers_given(report.run):
        parts.append(f"apart, under a waiver ({len(waived)} service{'s' * (len(waived) != 1)} valuable only so): "
                     f'<span class="amount">{e(money.totals_line(money.totals(waived)))}</span>')
    return (f'<p class="stake">{" · ".join(parts)} <a href="#money" class="note no-print">money ↓</a></p>'
            '<p class="note">Totals are per currency, never added across currencies.</p>')


def decision_item(r, hidden: bool = False) -> str:
    """One service needing a decision: name and money, then one line per failed criterion."""
    why = "".join(f"<li><b>{e(label)}</b>: {e(text)}{rid(rules)}</li>" for label, text, rules in view.reasons(r))
    unknown = [label for label, _, _ in view.reasons(r, UNKNOWN)]
    if unknown:
        why += f'<li class="note">also not judged (facts missing): {e(", ".join(unknown))}</li>'
    s = money.stake(r)
    since = r.change.first_failed() if r.change is not None else None
    note = f"{board.who(r)} · waiver: {board.waiver_state(r)}" + (f" · failing since {since}" if since else "")
    amount = "" if s is None else s.amount
    stake = (f'<span class="money"><b class="amount">{e(s.headline())}</b>{e(s.detail())}</span>' if s is not None
             else '<span class="note">no money recorded</span>')
    folded = ' class="folded"' if hidden else ""
    return (f'<li data-target="{service_id(r)}" data-item data-money="{amount}" data-position="{r.position}"'
            f'{folded}><div class="dhead">{link(r)} {stake}</div>'
            f'<ul class="why">{why}</ul><div class="note">{e(note)}</div></li>')


def printed(ranked: list) -> int:
    """How many decisions the executive print holds: PRINTED, fewer when they have many reasons
    (six failed criteria each fill a page with seven), never fewer than five."""
    lines = 0
    for i, r in enumerate(ranked[:PRINTED]):
        lines += 3 + len(view.reasons(r)) + bool(view.reasons(r, UNKNOWN))  # money wraps to a second line
        if lines > PRINTED_LINES and i >= 5:
            return i
    return PRINTED


def decisions(report: Report) -> str:
    """The services needing a decision, the most money first (report.js sorts them again)."""
    ranked = money.by_money(board.needs_decision(report.services))
    items = "".join(decision_item(r, i >= SHOWN) for i, r in enumerate(ranked))
    n = len(ranked)
    heading = counted("Needs a decision", n, "not valuable")
    if not n:
        return (f'<div class="count-block decisions-block"><h3 id="needs-decision">{heading}</h3>'
                '<p class="note">None: no service is judged not valuable.</p></div>')
    sort = ('<div class="sorter no-print" role="group" aria-label="sort the decisions">sort by '
            '<button type="button" data-by="money" aria-pressed="true">money</button> '
            '<button type="button" data-by="position" aria-pressed="false">catalog order</button></div>')
    more = (f'<button type="button" class="show-all no-print" data-for="decisions">show all {n}</button>'
            if n > SHOWN else "")
    return (f'<div class="count-block decisions-block"><h3 id="needs-decision">{heading}</h3>{sort}'
            f'<ol class="decisions" id="decisions" data-show="{SHOWN}" data-cap="{printed(ranked)}">{items}</ol>'
            f'{more}<p class="print-only more-note" data-for="decisions"></p></div>')


def changes_brief(report: Report) -> str:
    """What changed since the last review, in a few lines: each group's count and first names."""
    c = report.summary.comparison
    if c is None:
        return ""
    by_id = {r.id: r for r in report.services if r.id is not None}
    lines = []
    for key, heading, items in changes.groups(c):
        if not items:
            continue
        names = ", ".join(link(by_id[ch.id], ch.id) if ch.id in by_id and key != "removed" else e(ch.title)
                          for ch in items[:BRIEF])
        more = f" and {len(items) - BRIEF} more" if len(items) > BRIEF else ""
        lines.append(f'<li><b>{e(heading)} ({len(items)})</b>: {names}{more}</li>')
    then = f", as of {e(c.then)}" if c.then else ""
    verdicts = " · ".join(f"{e(word)} {a} → {b}" for word, a, b in changes.verdict_rows(c) if a or b)
    body = f'<ul class="brief">{"".join(lines)}</ul>' if lines else '<p class="note">Nothing changed.</p>'
    return (f'<div class="answer"><h3>Since the last review</h3><p class="note">{e(c.previous)}{then}: '
            f'{verdicts}</p>{body}<a href="#since-last-review" class="note no-print">every change ↓</a></div>')


def waivers_brief(report: Report) -> str:
    """The waivers that need attention: expired, expiring within the warning window, waiving nothing."""
    run = report.run
    if run.waivers is None:
        return ""
    panel = board.waiver_panel(run, report.summary.unused_waivers)
    urgent = [(state, w) for state, w in panel if state.split()[0] in ("expired", "expiring", "unused")]
    items = "".join(f'<li><span class="chip w-{e(state.split()[0])}">{e(state.split()[0])}</span> '
                    f'{e(w.service)} <code class="rid">{e(w.target)}</code> {e(w.expires)} ({e(w.when())})</li>'
                    for state, w in urgent[:3 * BRIEF])
    more = f'<li class="note">and {len(urgent) - 3 * BRIEF} more</li>' if len(urgent) > 3 * BRIEF else ""
    soon = sum(1 for state, _ in panel if state.startswith("expiring"))
    body = f'<ul class="brief">{items}{more}</ul>' if items else '<p class="note">None expired or expiring.</p>'
    return (f'<div class="answer"><h3>Waivers expiring soon ({soon})</h3><p class="note">{len(run.waivers)} '
            f"waivers; expiring means within {run.waiver_warning_days} days.</p>{body}"
            '<a href="#waivers" class="note no-print">every waiver ↓</a></div>')


def jump_bar(parts: list) -> str:
    """Links to every section of the page, sticky at the top of the screen."""
    links = "".join(f'<a href="#{e(p.id)}">{e(p.label)}</a>' for p in parts)
    return f'<nav id="jump" class="jump no-print" aria-label="sections of this report">{links}</nav>'


def first_screen(report: Report) -> str:
    answers = changes_brief(report) + waivers_brief(report)
    side = f'<div class="side">{answers}</div>' if answers else ""
    return (f'<div class="glance">{counts(report)}{at_stake(report)}</div>'
            f'<div class="answers{" two" if side else ""}">{decisions(report)}{side}</div>')
