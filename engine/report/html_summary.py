"""The HTML report's board summary: the first screen, then one section per question, in reading order.

First screen (html_glance.py): counts with waived apart, money at stake per
currency, the services needing a decision with one line per failed
criterion and their money, what changed since the last review, the waivers
expiring soon, and a jump bar to every section. Then: every change since the
last review (html_changes.py), the waiver panel, money (html_money.py), what
the indeterminate services wait for, the portfolio (value x warranty grid,
criteria bars, the heatmap: html_charts.py), verdicts by provider, tier and
``--group-by`` paths, and data coverage. Every figure comes from
engine/report/board.py and engine/report/money.py.

The executive print keeps what a meeting decides on (counts, decisions,
changes, waivers to act on, money) and counts the rest, pointing to the
full report; report.css marks what it leaves out (``no-print``,
``beyond``).
"""
from __future__ import annotations

from ..model import Report
from . import board, view
from .html_changes import since_last_review
from .html_charts import BEYOND, criteria, grid, groups, heatmap
from .html_glance import Part, first_screen, jump_bar, link
from .html_money import money_section
from .html_service import counted, e, service_id, verdict_badge

NAMES_INLINE = 20  # a waiting-for-data line lists its services open up to this many


def legend() -> str:
    items = "".join(f"<li>{verdict_badge(key)} {e(text)}</li>" for key, text in view.LEGEND)
    return f'<ul class="legend" aria-label="what the verdicts mean">{items}</ul>'


def waiting(report: Report) -> str:
    groups_ = board.waiting(report.services)
    if not groups_:
        return ""
    lines = []
    for labels, rs in groups_:
        names = "".join(f'<li data-target="{service_id(r)}" data-item>{link(r, view.label(r))}</li>' for r in rs)
        listed = f'<ul class="names inline">{names}</ul>'
        if len(rs) > NAMES_INLINE:
            listed = f'<details class="names"><summary>list {len(rs)}</summary>{listed}</details>'
        lines.append(f"<li>not judged on {e(', '.join(labels))} ({len(rs)}): {listed}</li>")
    n = sum(len(rs) for _, rs in groups_)
    # in one block, so that a filter leaving none of its services hides the heading too
    return (f'<div class="waiting-block count-block"><h3>{counted("Waiting for data", n, "indeterminate")}</h3>'
            "<p class=\"note\">Record the facts each card's \"what would make it pass\" names; then they can be "
            f'judged.</p><ul class="waiting">{"".join(lines)}</ul></div>')


def waivers(report: Report) -> str:
    """The waiver panel: every waiver of the file once, the most urgent state first."""
    run = report.run
    if run.waivers is None:
        return ""
    rows = "".join(f'<tr><td><span class="chip w-{e(state.split()[0])}">{e(state)}</span></td>'
                   f'<td>{e(w.service)}</td><td><code class="rid">{e(w.target)}</code></td>'
                   f"<td>{e(w.reason)}</td><td>{e(w.approved_by)}</td>"
                   f'<td>{e(w.expires)} ({e(w.when())})</td><td class="note">{e(w.source)}</td></tr>'
                   for state, w in board.waiver_panel(run, report.summary.unused_waivers))
    table = ('<div class="scroll"><table class="waiver-panel"><thead><tr><th>state</th><th>service</th>'
             '<th>rule or criterion</th><th>reason</th><th>approved by</th><th>expires</th><th>where</th></tr>'
             f"</thead><tbody>{rows}</tbody></table></div>" if rows else "")
    where = e(run.waiver_file or "the waiver file")
    return (f'<p class="note">{len(run.waivers)} in {where}; {report.summary.waived} findings waived; expiring '
            f"means within {run.waiver_warning_days} days.</p>{table}")


def coverage(report: Report) -> str:
    """The data coverage table: what the catalog lacks that the deciding rules read. The executive
    print keeps the facts that block verdicts; the notes say it all in words on screen."""
    heading = view.coverage_heading(report.summary)
    if not heading:
        return ""
    rows = "".join(f'<tr{BEYOND if b == "0" else ""}><td><code>{e(p)}</code></td>'
                   f'<td class="num">{e(h)}</td><td class="num">{e(b)}</td><td>{e(s)}</td></tr>'
                   for p, h, b, s in view.coverage_rows(report.summary))
    table = ('<div class="scroll"><table class="coverage"><thead><tr><th>fact</th><th class="num">recorded'
             f'</th><th class="num">blocks</th><th>source</th></tr></thead><tbody>{rows}</tbody></table></div>'
             if rows else "")
    notes = "".join(f"<li>{e(n)}</li>" for n in report.summary.coverage.notes)
    return (f'<p class="note">{e(heading)}</p>{table}'
            + (f'<ul class="coverage-notes no-print">{notes}</ul>' if notes else ""))


def _section(part: Part) -> str:
    head = "" if part.heading is None else f"<h3>{e(part.heading or part.label)}</h3>"
    return f'<div class="part" id="{e(part.id)}">{head}{part.html}</div>'


def sections(report: Report, trend: str = "") -> list:
    """The sections after the first screen, in reading order (those with nothing to show left out);
    ``trend`` (html_trend.section, its own heading) goes after the changes."""
    parts = [Part("since-last-review", "Changes", since_last_review(report), "Since the last review"),
             Part("trends", "Trend", trend, None),
             Part("waivers", "Waivers", waivers(report)),
             Part("money", "Money", money_section(report)),
             Part("waiting", "Waiting for data", waiting(report), None),
             Part("portfolio", "Portfolio", grid(report) + criteria(report) + heatmap(report), None),
             Part("groups", "Groups", groups(report), None),
             Part("coverage", "Data coverage", coverage(report))]
    return [p for p in parts if p.html]


def pointer(report: Report) -> str:
    """In the executive print only: what it leaves out, and where the rest is."""
    n = report.summary.services
    return (f'<p class="print-only pointer">This is the executive print: counts, decisions, changes, waivers to '
            f"act on and money. The full report holds all {n:,} services, each with its reasons, what would make it "
            "pass and its rules: open the HTML file, or tick “full print” before printing.</p>")


def board_summary(report: Report, trend: str = "") -> str:
    """The jump bar, the first screen, then every section, and what the print leaves out; ``trend``:
    the trend over the stored reviews (html_trend.section, with a run store), after the changes."""
    later = sections(report, trend)
    n = report.summary.services
    jump = jump_bar([Part("needs-decision", "Decisions", ""), *later, Part("services-part", f"Services ({n:,})", ""),
                     Part("cards", "Cards", "")])
    body = "".join(_section(p) for p in later)
    return (f'{jump}<section id="board" class="board"><h2>Board summary</h2>{first_screen(report)}{legend()}'
            f"{body}{pointer(report)}</section>")
