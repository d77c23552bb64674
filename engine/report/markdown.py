"""``--format markdown``: the review-board report for a wiki page or a pull request.

The same content as the HTML report: the board summary (markdown_board.py:
counts and what they mean, the needs-a-decision list, waivers, the value x
warranty grid, verdicts by group, spend), data coverage, a table of services
with the reason each is not valuable, linking to a section per service with
the explanation tree, the value balance (each effect by its description),
what would make it pass, and the advisory findings apart (in a collapsed
``<details>`` block, which GitHub and GitLab render). All catalog text is
escaped, so a service name cannot inject markup, links or HTML.
"""
from __future__ import annotations

from typing import TextIO

from ..model import CRITERIA, Report, ServiceResult
from . import board, changes, markdown_trend, money, view
from .markdown_levels import levels_board
from .base import CollectingWriter
from .markdown_board import board_summary
from .markdown_text import anchor, md


def _table(report: Report) -> list[str]:
    lines = ["## Services", "", "| # | service | verdict | utility | warranty | value | reason | source |",
             "| ---: | --- | --- | --- | --- | --- | --- | --- |"]
    for r in report.services:
        crit = {c.name: f"{view.symbol(view.status_of(r, c.name))} {view.status_of(r, c.name)}" for c in r.criteria}
        key = view.verdict_key(r)
        reason = "; ".join(md(text) + (f" ({md(rules)})" if rules else "") for text, rules in view.reason_lines(r))
        lines.append(f"| {r.position} | [{md(view.title(r))}](#{anchor(r)}) | "
                     f"**{view.verdict_symbol(key)} {view.verdict_text(key)}** | "
                     + " | ".join(crit.get(c, "—") for c in CRITERIA)
                     + f" | {reason} | {md(view.source_paths(r)[0])} |")
    return lines + [""]


def _finding(f, indent: str = "") -> list[str]:
    waived = f" — *waived: {md(view.waiver(f))}*" if view.waiver(f) else ""
    lines = [f"{indent}- {view.symbol(f.status)} **{md(f.rule)}** {md(f.title)} — `{f.status}`{waived}  ",
             f"{indent}  {md(f.message)}"]
    for row in view.rows(f.condition):
        detail = f" — {md(row.detail)}" if row.detail else ""
        lines.append(f"{indent}  {'  ' * row.depth}- {view.symbol(row.status)} {md(row.description)}{detail}")
    return lines


def _service(r: ServiceResult, trend: list = ()) -> list[str]:
    """The service's section; ``trend``: its line of last verdicts (markdown_trend.service_line)."""
    key = view.verdict_key(r)
    lines = [f'<a id="{anchor(r)}"></a>', "", f"### {md(view.title(r))}", "",
             f"**Verdict: {view.verdict_symbol(key)} {view.verdict_text(key)}**"
             + (f" · {md(view.source_paths(r)[0])}" if r.source else ""), "", *trend]
    if view.errors(r):
        return lines + [f"- ✗ {md(e)}" for e in view.errors(r)] + [""]
    facts = " · ".join(md(x) for x in (board.who(r), money.budget_line(r)) if x)
    lines += [facts, ""] + _waivers(r)
    note = changes.service_note(r.change)
    if note:
        lines += [f"*Since the last review: {md(note)}*", ""]
    findings = {f.rule: f for f in r.findings}
    for c in r.criteria:
        status = view.status_of(r, c.name)  # waived: met only under a waiver
        lines.append(f"- {view.symbol(status)} **{c.name}**: `{status}`")
        if c.name == "warranty":
            for dim, _ in c.dimensions:
                status = view.status_of(r, dim)
                lines.append(f"  - {view.symbol(status)} {dim}: `{status}`")
                for rid in c.findings:
                    if findings[rid].dimension == dim:
                        lines += _finding(findings[rid], "    ")
            continue
        if c.name == "value":
            lines.append(f"  - positives = {view.arithmetic(r, 'positive')}; "
                         f"negatives = {view.arithmetic(r, 'negative')}")
            if view.perspectives(r):  # effects name whom they affect
                lines.append(f"  - {md(view.valuable_to(r))}: {md(view.perspective_line(r))}")
        for rid in c.findings:
            lines += _finding(findings[rid], "  ")
    lines += [""] + _balance(r) + _to_pass(r)
    adv = view.advisory(r)
    if adv:
        lines += ["<details><summary>Advisory findings (never change the verdict)</summary>", ""]
        for f in adv:
            lines += _finding(f)
        lines += ["", "</details>", ""]
    return lines


def _balance(r: ServiceResult) -> list[str]:
    value = r.criterion("value")
    if value is None or not value.balance:
        return []
    named = any(t.affects for t in value.balance)  # a 'for' column only when some effect names whom
    lines = ["| value balance | effect | kind | " + ("for | " if named else "") + "impact | weight | points |",
             "| --- | --- | --- | " + ("--- | " if named else "") + "---: | ---: | ---: |"]
    for t in value.balance:
        lines.append(f"| {t.side} | {md(t.description or view.effect_kind(t))} | {view.effect_kind(t)} | "
                     + (f"{md(view.affects(t) or 'everyone')} | " if named else "")
                     + f"{view.show(t.impact)} | {view.show(t.weight)} | {view.show(t.points)} |")
    return lines + [""]


def _waivers(r: ServiceResult) -> list[str]:
    """The waivers that apply or have lapsed, with reason, approver and expiry."""
    lines = []
    for f in r.findings:
        w = f.waiver
        if w is not None:
            state = (f"Waived until {w.expires} ({w.when()})" if f.waived else
                     f"Waiver expired on {w.expires} ({w.when()}), no longer applies")
            lines.append(f"> **{state}**: {md(f.rule)} ({md(view.label_of(f))}): {md(w.reason)} — approved by "
                         f"{md(w.approved_by)} ({md(w.source)})  ")
    return lines + [""] if lines else []


def _to_pass(r: ServiceResult) -> list[str]:
    tp = r.to_pass
    if tp is None:
        return []
    if not tp.verified:
        return [f"**What would make it pass:** no verified change found ({md(tp.note)}).", ""]
    lines = ["**What would make it pass** (verified by re-evaluating the changed facts):", ""]
    for heading, items in view.to_pass_groups(tp):
        lines += [f"*{heading}:*", ""]
        lines += [f"{i}. {md(text)} ({md(rules)})" for i, (text, rules) in enumerate(items, 1)]
        lines.append("")
    if tp.advice:
        lines += [f"*{md(tp.advice[:1].upper() + tp.advice[1:])}.*", ""]
    return lines


def _coverage(report: Report) -> list:
    heading = view.coverage_heading(report.summary)
    if not heading:
        return []
    lines = ["## Data coverage", "", md(heading[:1].upper() + heading[1:]) + ".", ""]
    rows = view.coverage_rows(report.summary)
    if rows:
        lines += ["| fact | recorded | blocks | source |", "| --- | ---: | ---: | --- |"]
        lines += [f"| {md(p)} | {md(h)} | {b} | {md(s)} |" for p, h, b, s in rows]
        lines.append("")
    lines += [f"- {md(n)}" for n in report.summary.coverage.notes]
    return lines + ([""] if report.summary.coverage.notes else [])


def _digest(value) -> str:
    return f" `{value[:19]}…`" if value else ""  # "sha256:" and hex digits: nothing to escape


def _header(run) -> list[str]:
    """What produced the report: packs, profile, waiver file and catalogs, with their digests."""
    digests = dict(run.digests)
    profile = f"{md(run.profile[0])} ({md(', '.join(run.profile[1]))})" if run.profile else "none"
    parts = [f"{md(run.tool)} {md(run.version)} · as of {run.as_of}",
             f"rules {md(', '.join(run.packs))}{_digest(run.digest)}",
             f"profile {profile}{_digest(digests.get('profile'))}",
             f"waivers {md(run.waiver_file) if run.waiver_file else 'none'}{_digest(digests.get('waivers'))}"]
    if run.inputs:
        catalogs = ", ".join(view.path_pair(f)[0] for f in run.inputs)
        parts.append(f"catalog {md(catalogs)}{_digest(digests.get('facts'))}")
    return ["# valuate report", "", " · ".join(parts), ""]


class MarkdownWriter(CollectingWriter):
    needs_conditions = True  # the explanation tree shows every rule's conditions

    def render(self, report: Report, out: TextIO) -> None:
        lines = _header(report.run) + board_summary(report, markdown_trend.section(report)) \
            + levels_board(report, md, anchor) + _coverage(report) + _table(report)
        for r in report.services:
            lines += _service(r, markdown_trend.service_line(report, r))
        out.write("\n".join(lines).rstrip("\n") + "\n")
