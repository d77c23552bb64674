"""The HTML board summary's "Since the last review" section (``check --compare``).

Its body (html_summary gives it its heading and anchor, html_glance its
few lines on the first screen): verdict counts then and now, then one table per group (newly
failing, failing again, fixed, failing for other values, newly waived,
added, removed, and the "still" groups with the date each rule first
failed), each row linking to the service's card and following the page's
filter: a filtered page's headings count the rows it leaves ("1 of 3"), and
a removed service (not in this review, so no filter can choose it) is left
out. The groups come from ``changes.groups``, the same as every other
format's.
"""
from __future__ import annotations

from ..model import Report
from . import changes
from .html_service import counted, e, rid


def since_last_review(report: Report) -> str:
    c = report.summary.comparison
    if c is None:
        return ""
    by_id = {r.id: f"service-{r.position}" for r in report.services if r.id is not None}
    verdicts = "".join(f"<tr><td>{e(word)}</td><td class=\"num\">{a}</td><td class=\"num\">{b}</td>"
                       f'<td class="num">{b - a:+d}</td></tr>' for word, a, b in changes.verdict_rows(c))
    parts = [f'<p class="note">Compared with {e(c.previous)}' + (f" (as of {e(c.then)})" if c.then else "")
             + "; the findings that decide verdicts (the JSON report has every finding).</p>",
             '<div class="scroll"><table class="then-now"><thead><tr><th>verdict</th><th class="num">then</th>'
             f'<th class="num">now</th><th class="num">change</th></tr></thead><tbody>{verdicts}</tbody></table></div>']
    for key, heading, items in changes.groups(c):
        table = ""
        if items:
            rows = "".join(_row(ch, key, by_id) for ch in items)
            table = ('<div class="scroll"><table class="changes"><thead><tr><th>service</th><th>verdict</th>'
                     f"<th>rules</th></tr></thead><tbody>{rows}</tbody></table></div>")
        parts.append(f'<div class="count-block"><h4 class="change-{key}">{counted(e(heading), len(items))}</h4>'
                     f"{table}</div>")
    return "".join(parts)


def _row(ch: changes.Change, key: str, by_id: dict) -> str:
    target = by_id.get(ch.id) if key != "removed" else None
    name = f'<a href="#{target}">{e(ch.title)}</a>' if target else e(ch.title)
    rules = "".join(f"<li>{rid(rule)} {e(text)}"
                    + (f' <span class="note">failing since {e(since)}</span>' if key.startswith("still") and since
                       else "")
                    + "</li>" for rule, text, since in ch.rules)
    attr = f' data-target="{target}" data-item' if target else " data-item data-untargeted"
    return (f"<tr{attr}><td>{name}</td><td>{e(ch.verdict)}</td>"
            f'<td><ul class="rules">{rules}</ul></td></tr>')
