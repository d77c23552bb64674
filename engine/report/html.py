"""``--format html``: one self-contained page for a review board.

No network: the stylesheet and the small script are inlined, the charts are
SVG drawn here, and a Content-Security-Policy allows nothing but that
stylesheet and that script (by hash), so even a mistake in escaping could not
run injected script or load anything. Every piece of catalog text is escaped
with ``html.escape``. Layout: a header naming what produced the report
(packs, profile, waiver file, catalogs, with digests), the board summary
(html_summary.py), a services table that sorts by any column and filters by
verdict, criterion status and text (a filtered page says "filtered: N of M
services", on screen and printed), then one section per service
(html_service.py). Printing gives the executive print (summary and a short
block per service that is not valuable); "full print" prints everything.
"""
from __future__ import annotations

import base64
import hashlib
from importlib import resources
from typing import TextIO

from ..model import CRITERIA, STATUSES, VERDICTS, Report, ServiceResult
from . import html_trend, view
from .base import CollectingWriter
from .html_service import badge, e, rid, section, service_id, source_span, verdict_badge
from .html_summary import board_summary, pattern_defs

VERDICT_RANK = {"valuable": 0, "waived": 1, "indeterminate": 2, "not_valuable": 3, "error": 4}
STATUS_RANK = {"met": 0, "waived": 1, "unknown": 2, "not_met": 3}


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def controls(report: Report) -> str:
    """The filter: by verdict and criterion status (waived apart from met with a waiver file), and text."""
    verdicts = "".join(f'<option value="{v}">{e(view.verdict_text(v))}</option>'
                       for v in view.verdict_keys(report.run))
    crits = "".join(f'<option value="{c}:{st}">{e(c)} {e(st.replace("_", " "))}</option>'
                    for c in CRITERIA for st in view.status_keys(report.run))
    return ('<div class="controls"><label>verdict <select id="f-verdict"><option value="">all</option>'
            f'{verdicts}</select></label><label>criterion <select id="f-criterion"><option value="">any</option>'
            f'{crits}</select></label><label>search <input id="f-search" type="search"></label>'
            '<label title="print every service with every detail instead of the executive print">'
            '<input id="f-print-full" type="checkbox"> full print</label>'
            '<span id="f-count" class="note" aria-live="polite"></span></div>')


def _row(r: ServiceResult) -> str:
    crit = {c.name: view.status_of(r, c.name) for c in r.criteria}
    data = "".join(f' data-{c}="{e(crit[c])}"' for c in CRITERIA if c in crit)
    cells = [f'<td class="num">{r.position}</td>',
             f'<td><a href="#{service_id(r)}">{e(view.title(r))}</a></td>',
             f'<td data-sort="{VERDICT_RANK[view.verdict_key(r)]}">{verdict_badge(view.verdict_key(r))}</td>']
    cells += [f'<td data-sort="{STATUS_RANK[crit[c]]}">{badge(crit[c])}</td>' if c in crit
              else '<td data-sort="9">—</td>' for c in CRITERIA]
    reasons = "".join(f"<li>{e(text)}{rid(rules)}</li>" for text, rules in view.reason_lines(r))
    cells += [f'<td class="reason"><ul class="reasons">{reasons}</ul></td>' if reasons else "<td></td>",
              f"<td>{source_span(r, short=True)}</td>"]
    return (f'<tr data-verdict="{e(view.verdict_key(r))}"{data} data-target="{service_id(r)}">' + "".join(cells)
            + "</tr>")


def services_table(report: Report) -> str:
    heads = ["#", "service", "verdict", "utility", "warranty", "value", "reason", "source"]
    ths = "".join(f'<th><button type="button">{e(h)}</button></th>' for h in heads)
    rows = "".join(_row(r) for r in report.services)
    return (f'<section id="services-part"><h2>Services</h2>{controls(report)}<div class="scroll"><table id="services">'
            f"<thead><tr>{ths}</tr></thead><tbody>{rows}</tbody></table></div></section>")


def _digest(value) -> str:
    if not value:
        return ""
    return f' <code class="digest" title="{e(value)}">{e(value[:19])}…</code>'


def _path(file: str) -> str:
    shown, full = view.path_pair(file)
    return f'<span title="{e(full)}">{e(shown)}</span>'


def header(report: Report) -> str:
    """What produced this report: packs, profile, waiver file and catalogs, each with its digest."""
    run = report.run
    digests = dict(run.digests)
    profile = (f"{e(run.profile[0])} ({', '.join(_path(f) for f in run.profile[1])})"
               if run.profile else "none (the packs' own parameters)")
    waivers = _path(run.waiver_file) if run.waiver_file else "none"
    catalogs = ", ".join(_path(f) for f in run.inputs) or "records given in memory"
    items = [("rules", e(", ".join(run.packs)) + _digest(run.digest)),
             ("profile", profile + _digest(digests.get("profile"))),
             ("waivers", waivers + _digest(digests.get("waivers"))),
             ("catalog", catalogs + _digest(digests.get("facts")))]
    if digests.get("digest"):  # over all of them, the evaluation date and the tool version
        items.append(("all inputs", _digest(digests["digest"]).strip()))
    dl = "".join(f"<div><dt>{e(k)}</dt><dd>{v}</dd></div>" for k, v in items)
    return (f'<h1>valuate report</h1><div class="meta">{e(run.tool)} {e(run.version)} · as of {e(run.as_of)} · '
            f'{report.summary.services} services</div><dl class="policy">{dl}</dl>'
            '<p id="f-banner" class="banner" role="status" hidden></p>')


def document(report: Report) -> str:
    run = report.run
    css, js = _asset("report.css"), _asset("report.js")
    csp = f"default-src 'none'; style-src {_hash(css)}; script-src {_hash(js)}; base-uri 'none'; form-action 'none'"
    body = "".join(section(r, html_trend.card_row(report, r)) for r in report.services)
    return ("<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>valuate report — as of {e(run.as_of)}</title><style>{css}</style></head>\n<body>"
            f"{header(report)}\n{board_summary(report, html_trend.section(report))}\n{services_table(report)}\n"
            f'<section id="cards"><h2>Service by service</h2>\n{body}</section>\n'
            f"{pattern_defs()}<script>{js}</script></body></html>\n")


class HtmlWriter(CollectingWriter):
    needs_conditions = True  # the explanation tree shows every rule's conditions

    def render(self, report: Report, out: TextIO) -> None:
        out.write(document(report))
