"""The HTML board's trend (``check --store``): verdict counts over the last reviews, and each card's row.

The chart is a small inline SVG: one stacked bar per review, each verdict a
segment with its fill pattern (html_summary.PATTERNS: the Okabe-Ito hues, and
solid, hatched, dotted or crossed, so no colour is needed to tell them
apart), the bar's total printed above it and every segment counted in a
table under it, with the verdict symbols. In a card, the service's verdict
in each of those reviews, as symbols with the date on hover. Both print as
they show; without a run store neither appears.
"""
from __future__ import annotations

from ..model import VERDICTS, Report, ServiceResult
from . import view
from .html_service import e
from .html_charts import SEGMENT, swatch
from .trend_view import last_verdicts, moved, reviews

BAR, GAP, LEFT, TOP, PLOT = 30, 16, 8, 18, 110  # chart geometry, in SVG units


def section(report: Report) -> str:
    rows = reviews(report)
    if len(rows) < 2:  # the store's first review: nothing to trend yet
        return ""
    return (f'<div class="trend-block"><h3 id="trend">Trend over the last {len(rows)} review'
            f'{"s" * (len(rows) != 1)}</h3><p class="note">{e(moved(rows))} (stored in '
            f"{e(report.summary.trend.store)}).</p>{_chart(rows)}{_table(rows)}</div>")


def _chart(rows: list) -> str:
    top = max((r.total for r in rows), default=0) or 1
    width = LEFT + len(rows) * (BAR + GAP)
    parts = []
    for i, r in enumerate(rows):
        x, y = LEFT + i * (BAR + GAP), TOP + PLOT
        for v, n in r.counts:
            if not n:
                continue
            h = PLOT * n / top
            y -= h
            parts.append(f'<rect class="f-{SEGMENT[v]}" x="{x}" y="{y:.2f}" width="{BAR}" height="{h:.2f}">'
                         f"<title>{e(r.as_of)}: {n} {e(view.VERDICT_WORDS[v])}</title></rect>")
        parts.append(f'<text class="tot" x="{x + BAR / 2}" y="{y - 4:.2f}">{r.total}</text>')
        parts.append(f'<text class="day" x="{x + BAR / 2}" y="{TOP + PLOT + 13}">{e(_day(rows, i))}</text>')
    label = f"Verdicts in each of the last {len(rows)} reviews; the table below gives every count"
    return (f'<svg class="trend" viewBox="0 0 {width} {TOP + PLOT + 18}" width="{width}" role="img" '
            f'aria-label="{e(label)}">{"".join(parts)}</svg>')


def _day(rows: list, i: int) -> str:
    """MM-DD under each bar; the year where it starts or changes."""
    day = rows[i].as_of
    return day if i == 0 or rows[i - 1].as_of[:4] != day[:4] else day[5:]


def _table(rows: list) -> str:
    """Every count of the chart, by verdict (the swatches are the chart's legend)."""
    heads = "".join(f'<th class="num" title="{e(r.label)}, as of {e(r.as_of)}">{e(_day(rows, i))}</th>'
                    for i, r in enumerate(rows))
    body = "".join(f"<tr><td>{swatch(v)}{view.VERDICT_SYMBOL[v]} {e(view.VERDICT_WORDS[v])}</td>"
                   + "".join(f'<td class="num">{dict(r.counts)[v]}</td>' for r in rows) + "</tr>" for v in VERDICTS)
    total = "".join(f'<td class="num"><b>{r.total}</b></td>' for r in rows)
    return (f'<div class="scroll"><table class="trend"><thead><tr><th>verdict</th>{heads}</tr></thead>'
            f"<tbody>{body}<tr><td><b>services</b></td>{total}</tr></tbody></table></div>")


def card_row(report: Report, result: ServiceResult) -> str:
    """The service's verdict in each review of the trend, oldest first, this one last."""
    seen = last_verdicts(report, result)
    if len(seen) < 2:
        return ""
    marks = "".join(
        f'<span class="tv v-{e(v)}" title="{e(day)} ({e(label)}): {e(view.VERDICT_WORDS[v])}">'
        f"{view.VERDICT_SYMBOL[v]}</span>" if v is not None else
        f'<span class="tv absent" title="{e(day)} ({e(label)}): not in that review">·</span>'
        for day, label, v in seen)
    return f'<div class="facts trend-row">last {len(seen)} reviews, oldest first: {marks}</div>'
