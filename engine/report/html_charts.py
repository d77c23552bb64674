"""The HTML board's portfolio views: bars of criteria, the heatmap, the value x warranty grid, groups.

Colour is never the only carrier: verdicts and statuses have symbols and
words, chart segments have patterns (defined once, ``pattern_defs``) and
every segment is listed in words beside its bar. The heatmap shows the
services that are not met on every criterion (a toggle shows all); the
grid gives each quadrant's count, its names one click away ("keep" is
always folded: it is the long list nobody needs to read).
"""
from __future__ import annotations

from ..model import MET, NOT_MET, UNKNOWN, WAIVED, Report
from . import board, view
from .html_glance import link
from .html_service import DETAIL_LIMIT, e, service_id, verdict_badge

STATUS_WORDS = {MET: "met", WAIVED: "waived", NOT_MET: "not met", UNKNOWN: "unknown"}
# Segment patterns: solid, striped, hatched, dotted, cross-hatched; the same for a verdict and its status.
PATTERNS = (("met", ""), ("waived", '<path d="M3 0V6" class="ink"/>'),
            ("not_met", '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" class="ink"/>'),
            ("unknown", '<circle cx="3" cy="3" r="1.2" class="dot"/>'),
            ("error", '<path d="M0 0L6 6M6 0L0 6" class="ink"/>'))
SEGMENT = {"valuable": "met", WAIVED: "waived", "not_valuable": "not_met", "indeterminate": "unknown",
           "error": "error", MET: "met", NOT_MET: "not_met", UNKNOWN: "unknown"}
NAMES_OPEN = 12  # a quadrant (other than keep) lists its names open up to this many
GROUPS_PRINTED = 10  # rows of a verdicts-by table in the executive print
BEYOND = ' class="beyond"'  # an entry past what the executive print shows


def pattern_defs() -> str:
    """One hidden SVG holding the fill patterns every chart refers to (url(#p-...))."""
    pats = "".join(f'<pattern id="p-{k}" width="6" height="6" patternUnits="userSpaceOnUse">'
                   f'<rect width="6" height="6" class="bg-{k}"/>{ink}</pattern>' for k, ink in PATTERNS)
    return f'<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false"><defs>{pats}</defs></svg>'


def swatch(key: str) -> str:
    return (f'<svg class="sw" width="12" height="12" aria-hidden="true"><rect class="f-{SEGMENT[key]}" '
            'width="12" height="12"/></svg>')


def bar(label: str, segments: list) -> str:
    """A stacked bar sized in percent (it scales with its box) and every segment listed in words.
    ``segments``: (key, words, symbol, count)."""
    total = sum(n for *_, n in segments)
    x, rects = 0.0, []
    for key, words, _, n in segments:
        if n and total:
            w = 100 * n / total
            rects.append(f'<rect class="f-{SEGMENT[key]}" x="{x:.2f}%" y="0" width="{w:.2f}%" height="100%">'
                         f"<title>{e(label)}: {n} {e(words)}</title></rect>")
            x += w
    listed = " ".join(f'<span class="seg">{swatch(key)}{sym} {n} {e(words)}</span>' for key, words, sym, n in segments)
    return (f'<div class="crow"><span class="clabel">{e(label)}</span><svg class="cbar" width="100%" height="16" '
            f'role="img" aria-label="{e(label)}">{"".join(rects)}</svg><div class="clist">{listed}</div></div>')


def verdict_segments(counts: dict, keys: tuple) -> list:
    return [(v, view.verdict_text(v), view.verdict_symbol(v), counts.get(v, 0)) for v in keys]


def status_segments(counts: dict, keys: tuple) -> list:
    """A bar's segments: met, waived (with a waiver file), not met, unknown."""
    return [(s, STATUS_WORDS[s], view.symbol(s), counts.get(s, 0)) for s in keys]


def criteria(report: Report) -> str:
    """Bars of verdicts and of each criterion's statuses; with a waiver file, waived apart from met."""
    keys = view.status_keys(report.run)
    rows = [bar("verdicts", verdict_segments(view.verdict_counts(report.services), view.verdict_keys(report.run)))]
    rows += [bar(label, status_segments(c, keys)) for label, c in board.criteria_counts(report.services)]
    note = (f'<p class="note">{view.WAIVED_SYMBOL} waived: met only because an approved waiver covers a failing '
            "rule (the waivers panel says which).</p>" if view.waivers_given(report.run) else "")
    return f'<div class="keep"><h3>Criteria across the catalog</h3>{note}<div class="chart">{"".join(rows)}</div></div>'


def _names(key: str, services: list, large: bool = False) -> str:
    """A quadrant's names, one click away: folded for keep and for long lists; past DETAIL_LIMIT
    services keep points to the services table instead."""
    if not services:
        return ""
    if key == "keep" and large:
        return ('<p class="note no-print"><a href="#?verdict=valuable">list the valuable ones</a> in the services '
                "table (with the valuable under a waiver: verdict “valuable (waived)”).</p>")
    names = "".join(f'<li data-target="{service_id(r)}" data-item>{link(r, view.label(r))}{_to(r)}</li>'
                    for r in services)
    is_open = " open" if key != "keep" and len(services) <= NAMES_OPEN else ""
    return (f'<details class="names"{is_open}><summary>list {len(services)}</summary>'
            f'<ul class="names">{names}</ul></details>')


def grid(report: Report) -> str:
    placed, unplaced, invalid = board.grid(report.services)
    cells, large = [], len(report.services) > DETAIL_LIMIT
    for key, name, value, warranty, meaning in board.QUADRANTS:
        n = len(placed[key])
        cells.append(f'<div class="q q-{key} count-block"><b>{e(name)}</b> '
                     f'<span class="n count" data-total="{n}">{n}</span>'
                     f'<div class="note">{e(meaning)}</div>{_names(key, placed[key], large)}</div>')
    fix, keep, retire, invest = cells
    axis = '<div class="axis">{}</div>'.format
    note = ""
    if unplaced:
        listed = ", ".join(link(r, view.label(r)) + _to(r) for r in unplaced[:NAMES_OPEN])
        more = f" and {len(unplaced) - NAMES_OPEN} more" if len(unplaced) > NAMES_OPEN else ""
        note += (f'<p class="note">Not placed, value or warranty not judged yet ({len(unplaced)}): '
                 f"{listed}{more}.</p>")
    note += _waived(placed[WAIVED], large)
    if invalid:
        note += f'<p class="note">Not placed: {invalid} invalid record{"s" * (invalid != 1)}.</p>'
    return ('<div class="keep"><h3>Value × warranty</h3><p class="note">Value: utility and the value balance both met. '
            'Warranty: all four dimensions met.</p><div class="grid2">'
            f'{axis("value ✓")}{fix}{keep}{axis("value ✗")}{retire}{invest}'
            f'<div></div>{axis("warranty ✗ not met")}{axis("warranty ✓ met")}</div>{note}</div>')


def _to(r) -> str:
    """Who the service's value balance holds for, when effects name whom they affect."""
    to = view.valuable_to(r)
    return f' <span class="note to">({e(to)})</span>' if to else ""


def _waived(services, large: bool) -> str:
    """The services placed only by a waiver: apart from the four quadrants (a waived finding still
    fails), each with the quadrant it is in once its waiver ends."""
    if not services:
        return ""
    names = {key: name for key, name, *_ in board.QUADRANTS}
    shown = services[:NAMES_OPEN] if large else services
    listed = ", ".join(f"{link(r, view.label(r))} ({e(names.get(board.without_waiver(r), 'not placed'))} "
                       f"without it)" for r in shown)
    more = f" and {len(services) - len(shown)} more" if len(services) > len(shown) else ""
    return (f'<p class="note q-waived">Placed only by a waiver, apart: <b>waived {len(services)}</b>: '
            f"{listed}{more}.</p>")


def _heat_cell(column: str, status: str, waived: bool) -> str:
    """A symbol on a colour (the column names the criterion); a criterion met only under a waiver is
    its own status, striped, and says so."""
    return f'<td class="h h-{e(status)}{" hw" if waived else ""}">{view.symbol(status)}{" waived" if waived else ""}</td>'


def all_met(result) -> bool:
    """Every heatmap column met outright (a waived one is not): the rows the heatmap folds."""
    cells = board.heat(result)
    return bool(cells) and all(status == MET for _, status, _ in cells)


def heatmap(report: Report) -> str:
    """Services x criteria: the services not met on every criterion, and (toggle) all of them."""
    heads = "".join(f"<th>{e(view.LABELS.get(c, c))}</th>" for c in board.HEAT_COLUMNS)
    rows, green, large = [], 0, len(report.services) > DETAIL_LIMIT
    for r in report.services:
        ok = all_met(r)
        green += ok
        if ok and large:  # the services table has their rows
            continue
        cells = "".join(_heat_cell(*cell) for cell in board.heat(r)) or \
            f'<td colspan="{len(board.HEAT_COLUMNS)}" class="note">invalid record, not judged</td>'
        rows.append(f'<tr class="hrow" data-target="{service_id(r)}"{" data-all-met" if ok else ""}>'
                    f"<td>{link(r, view.label(r))}</td><td>{verdict_badge(view.verdict_key(r))}</td>{cells}</tr>")
    waived = f", {view.WAIVED_SYMBOL} waived" if view.waivers_given(report.run) else ""
    n = len(report.services)
    toggle = (f'<label class="no-print"><input type="checkbox" id="heat-all"> show all {n} services '
              f"(also the {green} met on every criterion)</label>" if green and not large else "")
    where = " (their rows are in the services table)" if large else ""
    return (f'<div class="heat-part"><h3>Services × criteria</h3><p class="note">The {n - green} services not met on every criterion '
            f'(✓ met{waived}, ✗ not met, ? unknown); {green} more are met on every one{where}.</p>{toggle}'
            f'<div class="scroll heat-box"><table class="heatmap"><thead><tr><th>service</th><th>verdict</th>'
            f'{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></div>')


def _mini_bar(label: str, c: dict, keys: tuple) -> str:
    """The group's verdict shares; the numbers are the row's cells."""
    total, x, rects = sum(c.values()), 0.0, []
    for v in keys:
        if c[v]:
            w = 100 * c[v] / total
            rects.append(f'<rect class="f-{SEGMENT[v]}" x="{x:.2f}%" width="{w:.2f}%" height="100%">'
                         f"<title>{e(label)}: {c[v]} {e(view.verdict_text(v))}</title></rect>")
            x += w
    return f'<svg class="cbar" width="100%" height="12" aria-hidden="true">{"".join(rects)}</svg>'


def groups(report: Report) -> str:
    out = []
    keys = view.verdict_keys(report.run)
    heads = "".join(f'<th class="num">{view.verdict_symbol(v)} {e(view.verdict_text(v))}</th>' for v in keys)
    for path in board.group_paths(report.run):
        found = board.groups(report.services, path)
        rows = "".join(f'<tr{BEYOND if i >= GROUPS_PRINTED else ""}><td>{e(label)}</td>'
                       f'<td class="num">{total}</td>' + "".join(f'<td class="num">{c[v]}</td>' for v in keys)
                       + f'<td class="gbar">{_mini_bar(label, c, keys)}</td></tr>'
                       for i, (label, c, total) in enumerate(found))
        several = board.several(report.services, path)
        note = (f'<p class="note">{several} service{"s" * (several != 1)} with several values of {e(path)} '
                "count in each of their groups.</p>" if several else "")
        more = (f'<p class="print-only note">and {len(found) - GROUPS_PRINTED} more groups in the full report.</p>'
                if len(found) > GROUPS_PRINTED else "")
        out.append(f'<h3>Verdicts by {e(path)}</h3>{note}<div class="scroll"><table class="groups"><thead><tr>'
                   f'<th>{e(path)}</th><th class="num">services</th>{heads}<th>share</th></tr></thead>'
                   f"<tbody>{rows}</tbody></table></div>{more}")
    return "".join(out)
