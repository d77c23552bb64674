"""The HTML report's board summary: what a review board reads first, and what it prints.

Counts per verdict with a legend that says what each verdict means; the
services that need a decision, each with one plain-English reason per
failed criterion, owner, provider and waiver state; the indeterminate ones
and what they wait for; the waiver panel; the value x warranty grid;
criteria across the catalog (bars and a services x criteria heatmap);
verdicts by provider, tier and ``--group-by`` paths; spend by verdict in
money; data coverage. Every figure comes from engine/report/board.py.

Colour is never the only carrier: verdicts and statuses have symbols and
words, chart segments have patterns (defined once, ``pattern_defs``) and
every segment is listed in words beside its bar.
"""
from __future__ import annotations

from ..model import MET, NOT_MET, UNKNOWN, WAIVED, Report
from . import board, view
from .html_changes import since_last_review
from .html_service import counted, e, rid, service_id, verdict_badge

STATUS_WORDS = {MET: "met", WAIVED: "waived", NOT_MET: "not met", UNKNOWN: "unknown"}
# Segment patterns: solid, striped, hatched, dotted, cross-hatched; the same for a verdict and its status.
PATTERNS = (("met", ""), ("waived", '<path d="M3 0V6" class="ink"/>'),
            ("not_met", '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" class="ink"/>'),
            ("unknown", '<circle cx="3" cy="3" r="1.2" class="dot"/>'),
            ("error", '<path d="M0 0L6 6M6 0L0 6" class="ink"/>'))
SEGMENT = {"valuable": "met", WAIVED: "waived", "not_valuable": "not_met", "indeterminate": "unknown",
           "error": "error", MET: "met", NOT_MET: "not_met", UNKNOWN: "unknown"}


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



def _link(r, text: str = "") -> str:
    return f'<a href="#{service_id(r)}" title="{e(view.title(r))}">{e(text or view.title(r))}</a>'


def counts(report: Report) -> str:
    """A card per verdict; with a waiver file, the services valuable only under a waiver apart."""
    found = view.verdict_counts(report.services)
    cards = "".join(f'<div class="card">{verdict_badge(v)}<b>{found[v]}</b></div>'
                    for v in view.verdict_keys(report.run))
    return f'<div class="cards"><div class="card">services<b>{report.summary.services}</b></div>{cards}</div>'


def legend() -> str:
    items = "".join(f"<li>{verdict_badge(key)} {e(text)}</li>" for key, text in view.LEGEND)
    return f'<ul class="legend" aria-label="what the verdicts mean">{items}</ul>'


def decisions(report: Report) -> str:
    items = []
    for r in board.needs_decision(report.services):
        why = "".join(f"<li><b>{e(label)}</b>: {e(text)}{rid(rules)}</li>"
                      for label, text, rules in view.reasons(r))
        unknown = [label for label, _, _ in view.reasons(r, UNKNOWN)]
        if unknown:
            why += f'<li class="note">also not judged (facts missing): {e(", ".join(unknown))}</li>'
        since = r.change.first_failed() if r.change is not None else None
        items.append(f'<li data-target="{service_id(r)}" data-item>{_link(r)} <span class="note">{e(board.who(r))} · '
                     f"waiver: {e(board.waiver_state(r))}" + (f" · failing since {e(since)}" if since else "")
                     + f"</span><ul>{why}</ul></li>")
    body = (f'<ol class="decisions">{"".join(items)}</ol>' if items else
            '<p class="note">None: no service is judged not valuable.</p>')
    heading = counted("Needs a decision", len(items), "not valuable")
    return f'<div class="count-block"><h3 id="needs-decision">{heading}</h3>{body}</div>'


def waiting(report: Report) -> str:
    groups = board.waiting(report.services)
    if not groups:
        return ""
    items = "".join(f"<li>not judged on {e(', '.join(labels))} ({len(rs)}): <ul class=\"names inline\">"
                    + "".join(f'<li data-target="{service_id(r)}" data-item>{_link(r, view.label(r))}</li>' for r in rs)
                    + "</ul></li>" for labels, rs in groups)
    n = sum(len(rs) for _, rs in groups)
    # in one block, so that a filter leaving none of its services hides the heading too
    return (f'<div class="waiting-block count-block"><h3>{counted("Waiting for data", n, "indeterminate")}</h3>'
            '<p class="note">Record the '
            f"facts each card's \"what would make it pass\" names; then they can be judged.</p>"
            f'<ul class="waiting">{items}</ul></div>')


def waivers(report: Report) -> str:
    """The waiver panel: every waiver of the file once, the most urgent state first."""
    run = report.run
    if run.waivers is None:
        return ""
    rows = "".join(f'<tr><td><span class="chip w-{e(state.split()[0])}">{e(state)}</span></td>'
                   f'<td class="nowrap">{e(w.service)}</td><td><code class="rid">{e(w.target)}</code></td>'
                   f"<td>{e(w.reason)}</td><td>{e(w.approved_by)}</td>"
                   f'<td class="nowrap">{e(w.expires)} ({e(w.when())})</td><td class="note">{e(w.source)}</td></tr>'
                   for state, w in board.waiver_panel(run, report.summary.unused_waivers))
    table = ('<div class="scroll"><table class="waiver-panel"><thead><tr><th>state</th><th>service</th><th>rule or '
             'criterion</th><th>reason</th><th>approved by</th><th>expires</th><th>where</th></tr></thead>'
             f"<tbody>{rows}</tbody></table></div>" if rows else "")
    where = e(run.waiver_file or "the waiver file")
    return (f'<h3 id="waivers">Waivers</h3><p class="note">{len(run.waivers)} in {where}; {report.summary.waived} '
            f"findings waived; expiring means within {run.waiver_warning_days} days.</p>{table}")


def grid(report: Report) -> str:
    placed, unplaced, invalid = board.grid(report.services)
    cells = []
    for key, name, value, warranty, meaning in board.QUADRANTS:
        names = "".join(f'<li data-target="{service_id(r)}" data-item>{_link(r, view.label(r))}{_to(r)}</li>'
                        for r in placed[key])
        n = len(placed[key])
        cells.append(f'<div class="q q-{key} count-block"><b>{e(name)}</b> '
                     f'<span class="n count" data-total="{n}">{n}</span>'
                     f'<div class="note">{e(meaning)}</div><ul class="names">{names}</ul></div>')
    fix, keep, retire, invest = cells
    axis = '<div class="axis">{}</div>'.format
    note = ""
    if unplaced:
        note += ("<p class=\"note\">Not placed, value or warranty not judged yet: "
                 + ", ".join(_link(r, view.label(r)) + _to(r) for r in unplaced) + ".</p>")
    if invalid:
        note += f'<p class="note">Not placed: {invalid} invalid record{"s" * (invalid != 1)}.</p>'
    return ('<h3>Value × warranty</h3><p class="note">Value: utility and the value balance both met. '
            'Warranty: all four dimensions met.</p><div class="grid2">'
            f'{axis("value ✓")}{fix}{keep}{axis("value ✗")}{retire}{invest}'
            f'<div></div>{axis("warranty ✗ not met")}{axis("warranty ✓ met")}</div>{note}')


def _to(r) -> str:
    """Who the service's value balance holds for, when effects name whom they affect."""
    to = view.valuable_to(r)
    return f' <span class="note to">({e(to)})</span>' if to else ""


def criteria(report: Report) -> str:
    """Bars of verdicts and of each criterion's statuses; with a waiver file, waived apart from met."""
    keys = view.status_keys(report.run)
    rows = [bar("verdicts", verdict_segments(view.verdict_counts(report.services), view.verdict_keys(report.run)))]
    rows += [bar(label, status_segments(c, keys)) for label, c in board.criteria_counts(report.services)]
    note = (f'<p class="note">{view.WAIVED_SYMBOL} waived: met only because an approved waiver covers a failing '
            "rule (the waivers panel says which).</p>" if view.waivers_given(report.run) else "")
    return f'<h3>Criteria across the catalog</h3>{note}<div class="chart">{"".join(rows)}</div>'


def _heat_cell(column: str, status: str, waived: bool) -> str:
    """A symbol on a colour; a criterion met only under a waiver is its own status, striped, and says so."""
    words = f"{view.LABELS.get(column, column)}: {STATUS_WORDS.get(status, status)}"
    return (f'<td class="h h-{e(status)}{" hw" if waived else ""}" title="{e(words)}">'
            f'{view.symbol(status)}{" waived" if waived else ""}</td>')


def heatmap(report: Report) -> str:
    heads = "".join(f"<th>{e(view.LABELS.get(c, c))}</th>" for c in board.HEAT_COLUMNS)
    rows = []
    for r in report.services:
        cells = "".join(_heat_cell(*cell) for cell in board.heat(r)) or \
            f'<td colspan="{len(board.HEAT_COLUMNS)}" class="note">invalid record, not judged</td>'
        rows.append(f'<tr class="hrow" data-target="{service_id(r)}"><td>{_link(r, view.label(r))}</td>'
                    f"<td>{verdict_badge(view.verdict_key(r))}</td>{cells}</tr>")
    waived = f", {view.WAIVED_SYMBOL} waived" if view.waivers_given(report.run) else ""
    return (f'<div class="scroll"><table class="heatmap"><caption>Services × criteria (✓ met{waived}, ✗ not met, '
            '? unknown)'
            f'</caption><thead><tr><th>service</th><th>verdict</th>{heads}</tr></thead><tbody>{"".join(rows)}'
            "</tbody></table></div>")


def groups(report: Report) -> str:
    out = []
    keys = view.verdict_keys(report.run)
    heads = "".join(f'<th class="num">{view.verdict_symbol(v)} {e(view.verdict_text(v))}</th>' for v in keys)
    for path in board.group_paths(report.run):
        rows = "".join(f'<tr><td>{e(label)}</td><td class="num">{total}</td>'
                       + "".join(f'<td class="num">{c[v]}</td>' for v in keys)
                       + f'<td class="gbar">{_mini_bar(label, c, keys)}</td></tr>'
                       for label, c, total in board.groups(report.services, path))
        out.append(f'<h3>Verdicts by {e(path)}</h3><div class="scroll"><table class="groups"><thead><tr>'
                   f'<th>{e(path)}</th><th class="num">services</th>{heads}<th>share</th></tr></thead>'
                   f"<tbody>{rows}</tbody></table></div>")
    return "".join(out)


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


def spend(report: Report) -> str:
    rows, without = board.spend(report.services)
    note = (f'<p class="note">{without} service{"s" * (without != 1)} record no budget (both budget.planned and '
            "budget.actual are needed).</p>" if without else "")
    if not rows:
        return f"<h3>Spend by verdict</h3>{note}"
    body = "".join(f"<tr><td>{verdict_badge(s.verdict)}</td><td>{e(s.currency or 'not recorded')}</td>"
                   f'<td class="num">{s.services}</td><td class="num">{e(board.money(s.planned, s.currency))}</td>'
                   f'<td class="num">{e(board.money(s.actual, s.currency))}</td>'
                   f'<td class="num">{e(board.variance(s.planned, s.actual, s.currency))}</td></tr>' for s in rows)
    return ('<h3>Spend by verdict</h3><div class="scroll"><table class="spend"><thead><tr><th>verdict</th>'
            '<th>currency</th><th class="num">services</th><th class="num">planned</th><th class="num">actual</th>'
            f'<th class="num">variance</th></tr></thead><tbody>{body}</tbody></table></div>{note}')


def coverage(report: Report) -> str:
    """The data coverage table: what the catalog lacks that the deciding rules read."""
    heading = view.coverage_heading(report.summary)
    if not heading:
        return ""
    rows = "".join(f'<tr><td><code>{e(p)}</code></td><td class="num">{e(h)}</td><td class="num">{e(b)}</td>'
                   f"<td>{e(s)}</td></tr>" for p, h, b, s in view.coverage_rows(report.summary))
    table = ('<div class="scroll"><table class="coverage"><thead><tr><th>fact</th><th class="num">recorded</th>'
             f'<th class="num">blocks</th><th>source</th></tr></thead><tbody>{rows}</tbody></table></div>'
             if rows else "")
    notes = "".join(f"<li>{e(n)}</li>" for n in report.summary.coverage.notes)
    return (f'<h3>Data coverage</h3><p class="note">{e(heading)}</p>{table}'
            + (f'<ul class="coverage-notes">{notes}</ul>' if notes else ""))


def board_summary(report: Report, trend: str = "") -> str:
    """The summary in reading order; what changed since the last review (with --compare)
    comes after the needs-a-decision list: it is the board's second question; then the
    trend over the stored reviews (``trend``, html_trend.py, with a run store)."""
    parts = [counts(report), legend(), decisions(report), since_last_review(report), trend, waiting(report),
             waivers(report), grid(report),
             criteria(report), heatmap(report), groups(report), spend(report), coverage(report)]
    return f'<section id="board" class="board"><h2>Board summary</h2>{"".join(parts)}</section>'
