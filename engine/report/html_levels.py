"""The HTML board's levels and dates, a section of its own beside the board summary.

The distribution of levels (a table and a bar of plain widths, every count
in words), the services one requirement short of the next level, and what
comes into force: per day, which services would fail and what would make
them pass. Every figure comes from engine/report/levels.py, as in Markdown.
"""
from __future__ import annotations

from ..model import Report
from . import view
from .html_service import e, service_id
from .levels import SHOWN, coming_into_force, distribution, level_name, moved_lines, one_step_short


def levels_section(report: Report) -> str:
    parts = [_levels(report), _targets(report), _coming(report)]
    if not any(parts):
        return ""
    return f'<section id="levels" class="board"><h2>Levels and dates</h2>{"".join(parts)}</section>'


def _link(r) -> str:
    return f'<a href="#{service_id(r)}">{e(view.title(r))}</a>'


def _levels(report: Report) -> str:
    rows = distribution(report.run, report.summary)
    if not rows:
        return ""
    body = "".join(f"<tr><td>{e(name)}</td><td class=\"num\">{n}</td></tr>" for name, n in rows)
    ladder = "; ".join(f"<b>{e(name)}</b> {e(', '.join(reqs))}" for name, reqs in report.run.ladder)
    short = one_step_short(report.services)
    items = "".join(f"<li>{_link(r)}: {e(level_name(r.level.level))} → <b>{e(nxt)}</b>: {e(s.text())}</li>"
                    for r, nxt, s in short[:SHOWN]) or "<li>None.</li>"
    if len(short) > SHOWN:
        items += f"<li>... and {len(short) - SHOWN} more (the JSON report has every service's level)</li>"
    moved = "".join(f"<p>{e(line)}</p>" for line in moved_lines(report.summary))
    return (f'<h3 id="levels-distribution">Levels</h3><p class="note">Each level requires, on top of the one '
            f'below: {ladder}.</p>{moved}<div class="scroll"><table class="groups"><thead><tr><th>level</th>'
            f'<th>services</th></tr></thead><tbody>{body}</tbody></table></div>'
            f'<h3 id="one-step-short">One step short of the next level ({len(short)})</h3><ul>{items}</ul>')


def _targets(report: Report) -> str:
    if not report.summary.targets:
        return ""
    rows = []
    for p in report.summary.targets:
        t = p.target
        pct = 100 * p.reached / p.services if p.services else 100
        rows.append(f"<tr><td>{e(t.name)}</td><td>{e(t.scope_text())}</td><td>{e(t.level)}</td><td>{e(t.by)}</td>"
                    f'<td class="num">{p.days_left}</td><td><progress max="100" value="{pct:.0f}"></progress> '
                    f"{p.reached} of {p.services}</td><td><b>{e(p.state)}</b></td>"
                    f"<td>{e(', '.join(p.not_reached))}</td></tr>")
    return ('<h3 id="targets">Targets</h3><div class="scroll"><table class="groups"><thead><tr><th>target</th>'
            "<th>services in scope</th><th>level</th><th>by</th><th>days left</th><th>reached</th><th>state</th>"
            f"<th>not yet</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _coming(report: Report) -> str:
    run = report.run
    if not run.scheduled:
        return ""
    out = ['<h3 id="coming-into-force">Coming into force</h3><ul>'
           + "".join(f"<li>{e(s.text())}</li>" for s in run.scheduled) + "</ul>"]
    for day, rows in coming_into_force(run, report.services):
        body = "".join(f"<tr><td>{_link(r)}</td><td>{e(r.verdict)}</td><td>{e(then)}</td>"
                       f"<td>{e(', '.join(rules))}</td><td>{e(todo)}</td></tr>" for r, rules, then, todo in rows[:SHOWN])
        if len(rows) > SHOWN:
            body += f'<tr><td colspan="5">... and {len(rows) - SHOWN} more (the JSON report lists them all)</td></tr>'

        out.append(f"<h4>From {e(day)}: {len(rows)} services would fail</h4><div class=\"scroll\">"
                   '<table class="groups"><thead><tr><th>service</th><th>verdict now</th><th>from then</th>'
                   f"<th>failing</th><th>to pass</th></tr></thead><tbody>{body}</tbody></table></div>")
    return "".join(out)
