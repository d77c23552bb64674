"""The Markdown report's board summary: the same figures as the HTML one (engine/report/board.py).

Counts per verdict with what each verdict means, the needs-a-decision list
(one reason per failed criterion, owner, provider, waiver state), what the
indeterminate services wait for, the waiver panel, the value x warranty
grid, criteria across the catalog, verdicts by provider, tier and
``--group-by`` paths, and spend by verdict. Catalog text goes through ``md``.
"""
from __future__ import annotations

from ..model import MET, NOT_MET, UNKNOWN, WAIVED, Report
from . import board, changes, money, view
from .markdown_text import anchor, md

WORDS = {MET: "met", WAIVED: "waived", NOT_MET: "not met", UNKNOWN: "unknown"}


def _link(r, text: str = "") -> str:
    return f"[{md(text or view.title(r))}](#{anchor(r)})"


def _counts(report: Report) -> list:
    """Services per verdict; with a waiver file, those valuable only under a waiver apart."""
    found = view.verdict_counts(report.services)
    lines = ["| verdict | services |", "| --- | ---: |"]
    lines += [f"| {view.verdict_symbol(v)} {view.verdict_text(v)} | {found[v]} |"
              for v in view.verdict_keys(report.run)]
    lines += [f"| **all** | **{report.summary.services}** |", "", "What the verdicts mean:", ""]
    lines += [f"- {view.verdict_symbol(k)} **{view.verdict_text(k)}**: {text}" for k, text in view.LEGEND]
    return lines + [""]


def _stake(report: Report) -> list:
    """The money of the services needing a decision, per currency; under waiver apart."""
    decide = board.needs_decision(report.services)
    line = f"**At stake** in the services needing a decision: {md(money.totals_line(money.totals(decide)))}"
    if view.waivers_given(report.run):
        waived = [r for r in report.services if r.valuable_by_waiver]
        line += f"; apart, under a waiver: {md(money.totals_line(money.totals(waived)))}"
    return [line + " — per currency, never added across currencies.", ""]


def _decisions(report: Report) -> list:
    """The services needing a decision, the most money first, one line per failed criterion."""
    services = money.by_money(board.needs_decision(report.services))
    lines = [f"### Needs a decision ({len(services)} not valuable)", ""]
    if not services:
        return lines + ["None: no service is judged not valuable.", ""]
    for i, r in enumerate(services, 1):
        since = r.change.first_failed() if r.change is not None else None
        s = money.stake(r)
        lines.append(f"{i}. {_link(r)} — {md(s.line()) + ' — ' if s is not None else ''}{md(board.who(r))} · "
                     f"waiver: {md(board.waiver_state(r))}" + (f" · failing since {md(since)}" if since else ""))
        lines += [f"   - **{md(label)}**: {md(text)} ({md(rules)})" for label, text, rules in view.reasons(r)]
        unknown = [label for label, _, _ in view.reasons(r, UNKNOWN)]
        if unknown:
            lines.append(f"   - also not judged (facts missing): {md(', '.join(unknown))}")
    return lines + [""]


def _since(report: Report) -> list:
    """What changed since the last review (--compare), group by group."""
    c = report.summary.comparison
    if c is None:
        return []
    then = f" (as of {md(c.then)})" if c.then else ""
    lines = ["### Since the last review", "", f"Compared with {md(c.previous)}{then}; the findings that decide "
             "verdicts (the JSON report has every finding).", "", "| verdict | then | now | change |",
             "| --- | ---: | ---: | ---: |"]
    lines += [f"| {word} | {a} | {b} | {b - a:+d} |" for word, a, b in changes.verdict_rows(c)]
    by_id = {r.id: r for r in report.services if r.id is not None}
    for key, heading, items in changes.groups(c):
        lines += ["", f"**{heading}** ({len(items)})", ""]
        if items:
            lines += ["| service | verdict | rules |", "| --- | --- | --- |"]
        for ch in items:
            r = by_id.get(ch.id) if key != "removed" else None
            name = _link(r, ch.title) if r is not None else md(ch.title)
            rules = changes.rules_text(ch, key.startswith("still"))
            lines.append(f"| {name} | {md(ch.verdict)} | {md(rules)} |")
    return lines + [""]


def _waiting(report: Report) -> list:
    groups = board.waiting(report.services)
    if not groups:
        return []
    lines = [f"### Waiting for data ({sum(len(rs) for _, rs in groups)} indeterminate)", ""]
    lines += [f"- not judged on {md(', '.join(labels))} ({len(rs)}): " + ", ".join(_link(r, view.label(r)) for r in rs)
              for labels, rs in groups]
    return lines + [""]


def _waivers(report: Report) -> list:
    run = report.run
    if run.waivers is None:
        return []
    lines = ["### Waivers", "", f"{len(run.waivers)} in {md(run.waiver_file or 'the waiver file')}; "
             f"{report.summary.waived} findings waived; expiring means within {run.waiver_warning_days} days.", ""]
    panel = board.waiver_panel(run, report.summary.unused_waivers)
    if panel:
        lines += ["| state | service | rule or criterion | reason | approved by | expires | where |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        lines += [f"| {md(state)} | {md(w.service)} | {md(w.target)} | {md(w.reason)} | {md(w.approved_by)} | "
                  f"{md(w.expires)} ({md(w.when())}) | {md(w.source)} |" for state, w in panel]
        lines.append("")
    return lines


def _grid(report: Report) -> list:
    placed, unplaced, invalid = board.grid(report.services)

    def cell(key: str) -> str:
        _, name, *_ = next(q for q in board.QUADRANTS if q[0] == key)
        names = ", ".join(_placed(r) for r in placed[key])
        return f"**{name} {len(placed[key])}**" + (f": {names}" if names else "")

    lines = ["### Value × warranty", "", "Value: utility and the value balance both met. Warranty: all four "
             "dimensions met. Keep: both; fix: the warranty fails; invest: the value falls short; retire: neither.",
             "", "| | warranty ✗ not met | warranty ✓ met |", "| --- | --- | --- |",
             f"| **value ✓** | {cell('fix')} | {cell('keep')} |",
             f"| **value ✗** | {cell('retire')} | {cell('invest')} |", ""]
    if unplaced:
        lines += ["Not placed, value or warranty not judged yet: "
                  + ", ".join(_placed(r) for r in unplaced) + ".", ""]
    if placed[WAIVED]:
        names = {key: name for key, name, *_ in board.QUADRANTS}
        lines += [f"Placed only by a waiver, apart: **waived {len(placed[WAIVED])}**: " + ", ".join(
            f"{_link(r, view.label(r))} ({names.get(board.without_waiver(r), 'not placed')} without it)"
            for r in placed[WAIVED]) + ".", ""]
    if invalid:
        lines += [f"Not placed: {invalid} invalid record{'s' * (invalid != 1)}.", ""]
    return lines


def _placed(r) -> str:
    """A service in the grid, with who its value balance holds for when effects name whom."""
    to = view.valuable_to(r)
    return _link(r, view.label(r)) + (f" ({md(to)})" if to else "")


def _criteria(report: Report) -> list:
    """Statuses per criterion; with a waiver file, waived (met only under a waiver) apart from met."""
    keys = view.status_keys(report.run)
    lines = ["### Criteria across the catalog", ""]
    if view.waivers_given(report.run):
        lines += [f"{view.WAIVED_SYMBOL} waived: met only because an approved waiver covers a failing rule "
                  "(the waivers section says which).", ""]
    lines += ["| criterion | " + " | ".join(f"{view.symbol(s)} {WORDS[s]}" for s in keys) + " |",
              "| --- |" + " ---: |" * len(keys)]
    lines += [f"| {label} | " + " | ".join(str(c.get(s, 0)) for s in keys) + " |"
              for label, c in board.criteria_counts(report.services)]
    return lines + [""]


def _groups(report: Report) -> list:
    lines = []
    keys = view.verdict_keys(report.run)
    heads = " | ".join(f"{view.verdict_symbol(v)} {view.verdict_text(v)}" for v in keys)
    for path in board.group_paths(report.run):
        lines += [f"### Verdicts by {md(path)}", "", f"| {md(path)} | services | {heads} |",
                  "| --- |" + " ---: |" * (len(keys) + 1)]
        lines += [f"| {md(label)} | {total} | " + " | ".join(str(c[v]) for v in keys) + " |"
                  for label, c, total in board.groups(report.services, path)]
        lines.append("")
    return lines


def _spend(report: Report) -> list:
    rows, without = money.spend(report.services)
    lines = ["### Spend by verdict", ""]
    if rows:
        lines += ["| verdict | currency | services | planned | actual | variance | no budget, costs recorded | "
                  "their imposed costs |", "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        lines += [f"| {view.verdict_text(s.verdict)} | {md(s.currency or 'not recorded')} | {s.services or ''} | "
                  + (f"{md(money.money(s.planned, s.currency))} | {md(money.money(s.actual, s.currency))} | "
                     f"{md(money.variance(s.planned, s.actual, s.currency))} | " if s.services else " | | | ")
                  + (f"{s.costed} | {md(money.money(s.imposed, s.currency))} |" if s.costed else " | |")
                  for s in rows]
        lines.append("")
    if without:
        lines += [f"{without} service{'s' * (without != 1)} record no budget and no cost amount (a variance needs "
                  "both budget.planned and budget.actual).", ""]
    return lines


def board_summary(report: Report, trend: list = ()) -> list:
    """The summary in reading order; what changed since the last review (with --compare)
    comes after the needs-a-decision list, then the trend (``trend``, markdown_trend.py), as in
    html_summary.board_summary."""
    return (["## Board summary", ""] + _counts(report) + _stake(report) + _decisions(report) + _since(report)
            + list(trend) + _waiting(report) + _waivers(report)
            + _grid(report) + _criteria(report) + _groups(report) + _spend(report))
