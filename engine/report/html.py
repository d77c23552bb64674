"""``--format html``: one self-contained page for a review board.

No network: the stylesheet and the small script are inlined, the charts are
SVG drawn here, and a Content-Security-Policy allows nothing but that
stylesheet and that script (by hash), so even a mistake in escaping could not
run injected script or load anything. Every piece of catalog text is escaped
with ``html.escape``. Layout: a summary (counts per verdict and per criterion,
two SVG charts), a services table that sorts by any column and filters by
verdict, criterion status and text, then one section per service
(html_service.py). Printing opens every collapsed block and starts each
service on a new page.
"""
from __future__ import annotations

import base64
import hashlib
from importlib import resources
from typing import TextIO

from ..model import CRITERIA, STATUSES, VERDICTS, Report, ServiceResult
from . import view
from .base import CollectingWriter
from .html_service import badge, e, section, service_id, verdict_badge

VERDICT_RANK = {"valuable": 0, "indeterminate": 1, "not_valuable": 2, "error": 3}
STATUS_RANK = {"met": 0, "unknown": 1, "not_met": 2}


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _bar(y: int, label: str, counts: list, total: int, width: int = 460) -> str:
    """One horizontal stacked bar: (css class, label, count) segments."""
    out = [f'<text x="0" y="{y + 13}">{e(label)}</text>']
    x = 110.0
    for cls, name, n in counts:
        if not n:
            continue
        w = width * n / total if total else 0
        out.append(f'<rect class="f-{e(cls)}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="18">'
                   f"<title>{e(label)}: {n} {e(name)}</title></rect>")
        if w >= 18:
            out.append(f'<text x="{x + 4:.1f}" y="{y + 13}" class="on-bar">{n}</text>')
        x += w
    return "".join(out)


def chart(report: Report) -> str:
    s = report.summary
    total = s.services
    bars = [_bar(0, "verdicts", [(v, view.VERDICT_WORDS[v], s.verdicts[v]) for v in VERDICTS], total)]
    judged = total - s.verdicts["error"]
    for i, c in enumerate(CRITERIA, start=1):
        bars.append(_bar(i * 26, c, [(st, st.replace("_", " "), s.criteria[c][st]) for st in STATUSES], judged))
    legend = "".join(f'<rect class="f-{k}" x="{110 + i * 160}" y="110" width="10" height="10"></rect>'
                     f'<text x="{124 + i * 160}" y="119">{e(w)}</text>'
                     for i, (k, w) in enumerate([("valuable", "valuable / met"), ("not_valuable", "not valuable / not met"),
                                                 ("indeterminate", "indeterminate / unknown"), ("error", "error")]))
    return (f'<svg role="img" aria-label="verdicts and criteria" width="720" height="126" viewBox="0 0 720 126" '
            f'xmlns="http://www.w3.org/2000/svg"><title>Verdicts and criteria</title>{"".join(bars)}{legend}</svg>')


def summary(report: Report) -> str:
    s = report.summary
    cards = "".join(f'<div class="card">{verdict_badge(v)}<b>{s.verdicts[v]}</b></div>' for v in VERDICTS)
    head = "".join(f'<th class="num">{e(st.replace("_", " "))}</th>' for st in STATUSES)
    rows = "".join(f"<tr><td>{e(c)}</td>" + "".join(f'<td class="num">{s.criteria[c][st]}</td>' for st in STATUSES)
                   + "</tr>" for c in CRITERIA)
    return (f'<h2>Summary</h2><div class="cards"><div class="card">services<b>{s.services}</b></div>{cards}</div>'
            f'{chart(report)}<table class="criteria"><thead><tr><th>criterion</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>{coverage(report)}")


def coverage(report: Report) -> str:
    """The data coverage table: what the catalog lacks that the deciding rules read."""
    heading = view.coverage_heading(report.summary)
    if not heading:
        return ""
    rows = "".join(f'<tr><td><code>{e(p)}</code></td><td class="num">{e(h)}</td><td class="num">{e(b)}</td>'
                   f"<td>{e(s)}</td></tr>" for p, h, b, s in view.coverage_rows(report.summary))
    table = ('<table class="coverage"><thead><tr><th>fact</th><th class="num">recorded</th>'
             f'<th class="num">blocks</th><th>source</th></tr></thead><tbody>{rows}</tbody></table>' if rows else "")
    notes = "".join(f"<li>{e(n)}</li>" for n in report.summary.coverage.notes)
    return (f'<h3>Data coverage</h3><p class="note">{e(heading)}</p>{table}'
            + (f'<ul class="coverage-notes">{notes}</ul>' if notes else ""))


def controls() -> str:
    verdicts = "".join(f'<option value="{v}">{e(view.VERDICT_WORDS[v])}</option>' for v in VERDICTS)
    crits = "".join(f'<option value="{c}:{st}">{e(c)} {e(st.replace("_", " "))}</option>'
                    for c in CRITERIA for st in STATUSES)
    return ('<div class="controls"><label>verdict <select id="f-verdict"><option value="">all</option>'
            f'{verdicts}</select></label><label>criterion <select id="f-criterion"><option value="">any</option>'
            f'{crits}</select></label><label>search <input id="f-search" type="search"></label>'
            '<span id="f-count" class="note" aria-live="polite"></span></div>')


def _row(r: ServiceResult) -> str:
    crit = {c.name: c.status for c in r.criteria}
    data = "".join(f' data-{c}="{e(crit[c])}"' for c in CRITERIA if c in crit)
    cells = [f'<td class="num">{r.position}</td>',
             f'<td><a href="#{service_id(r)}">{e(view.title(r))}</a></td>',
             f'<td data-sort="{VERDICT_RANK[r.verdict]}">{verdict_badge(r.verdict)}</td>']
    cells += [f'<td data-sort="{STATUS_RANK[crit[c]]}">{badge(crit[c])}</td>' if c in crit
              else '<td data-sort="9">—</td>' for c in CRITERIA]
    failing = ", ".join(f.rule for f in view.failing(r))
    cells += [f"<td><code>{e(failing)}</code></td>", f'<td class="src">{e(view.source(r))}</td>']
    return (f'<tr data-verdict="{e(r.verdict)}"{data} data-target="{service_id(r)}">' + "".join(cells) + "</tr>")


def services_table(report: Report) -> str:
    heads = ["#", "service", "verdict", "utility", "warranty", "value", "failing rules", "source"]
    ths = "".join(f'<th><button type="button">{e(h)}</button></th>' for h in heads)
    rows = "".join(_row(r) for r in report.services)
    return (f'<h2>Services</h2>{controls()}<table id="services"><thead><tr>{ths}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def document(report: Report) -> str:
    run = report.run
    css, js = _asset("report.css"), _asset("report.js")
    csp = f"default-src 'none'; style-src {_hash(css)}; script-src {_hash(js)}; base-uri 'none'; form-action 'none'"
    inputs = f" · {e(', '.join(run.inputs))}" if run.inputs else ""
    body = "".join(section(r) for r in report.services)
    return ("<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>valuate report — as of {e(run.as_of)}</title><style>{css}</style></head>\n<body>"
            f'<h1>valuate report</h1><div class="meta">{e(run.tool)} {e(run.version)} · rules '
            f"{e(', '.join(run.packs))} <code>{e(run.digest[:19])}…</code> · as of {e(run.as_of)}{inputs}</div>\n"
            f"{summary(report)}\n{services_table(report)}\n<h2>Service by service</h2>\n{body}\n"
            f"<script>{js}</script></body></html>\n")


class HtmlWriter(CollectingWriter):
    needs_conditions = True  # the explanation tree shows every rule's conditions

    def render(self, report: Report, out: TextIO) -> None:
        out.write(document(report))
