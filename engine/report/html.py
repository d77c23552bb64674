"""``--format html``: one self-contained page for a review board.

No network: the stylesheet and the small script are inlined, the charts are
SVG drawn here, and a Content-Security-Policy allows nothing but that
stylesheet and that script (by hash), so even a mistake in escaping could not
run injected script or load anything. Every piece of catalog text is escaped
with ``html.escape``. Layout: a header naming what produced the report
(packs, profile, waiver file, catalogs, with digests), a jump bar and the
board summary (html_summary.py, its first screen html_glance.py), the
services table (html_table.py: every column sorts and filters, the state in
the URL fragment; a filtered page says "filtered: N of M services", on
screen and printed), then a card per service (html_service.py). Printing
gives the executive print (at most six A4 pages at any size: decisions,
changes, waivers to act on, money and counts); "full print" prints
everything, every block opened.
"""
from __future__ import annotations

import base64
import hashlib
from importlib import resources
from typing import TextIO

from ..model import Report, ServiceResult
from . import html_trend, view
from .base import CollectingWriter
from .html_charts import pattern_defs
from .html_levels import levels_section
from .html_service import DETAIL_LIMIT, e, section
from .html_summary import board_summary
from .html_table import services_table

def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


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
            f'{report.summary.services:,} services</div><dl class="policy">{dl}</dl>'
            '<p id="f-banner" class="banner" role="status" hidden></p>')


def document(report: Report) -> str:
    run = report.run
    css, js = _asset("report.css"), _asset("report.js")
    large = len(report.services) > DETAIL_LIMIT  # a card for what is not plainly valuable
    csp = f"default-src 'none'; style-src {_hash(css)}; script-src {_hash(js)}; base-uri 'none'; form-action 'none'"
    cards = [(r, _detailed(r, large)) for r in report.services if not large or not _plain(r)]
    return ("<!DOCTYPE html>\n"
            f'<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>valuate report — as of {e(run.as_of)}</title><style>{css}</style></head>\n<body>"
            f"{header(report)}\n{board_summary(report, html_trend.section(report))}\n{levels_section(report)}"
            f"{services_table(report, anchored=frozenset(r.position for r, _ in cards))}\n"
            f'<section id="cards"><h2>Service by service</h2>{_cards_note(report, len(cards))}\n'
            f'{"".join(section(r, detail, not large, html_trend.card_row(report, r)) for r, detail in cards)}'
            "</section>\n"
            f"{pattern_defs()}<script>{js}</script></body></html>\n")


def _plain(r: ServiceResult) -> bool:
    return r.verdict == "valuable" and not r.valuable_by_waiver


def _detailed(r: ServiceResult, large: bool) -> bool:
    return not large or r.verdict == "not_valuable" or r.valuable_by_waiver


def _cards_note(report: Report, shown: int) -> str:
    n = len(report.services)
    if shown == n:
        return ""
    return (f'<p class="note">{shown} of {n} services have a card here: past {DETAIL_LIMIT:,} services the '
            "valuable ones are their row in the services table, only the services not valuable or waived show "
            "their rules, and no card lists advisory findings (valuate explain shows any service's).</p>")


class HtmlWriter(CollectingWriter):
    needs_conditions = True  # the explanation tree shows every rule's conditions

    def render(self, report: Report, out: TextIO) -> None:
        out.write(document(report))
