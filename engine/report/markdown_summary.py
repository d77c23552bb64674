"""``--format markdown-summary``: the board summary for a pull-request comment or a chat message.

At most ``LIMIT`` characters for any catalog (a GitHub comment holds 65,536):
the counts (valuable under a waiver apart), the money at stake per currency,
every service that needs a decision with its reasons and money, what changed
since the last review, the waivers to act on, counts for the rest, and a
pointer to the full report. When the decisions do not fit with their
reasons, each shortens to its criteria, then to its name and money; only
past that does the list stop, saying how many more the full report has.
Every other list is capped, and every piece of catalog text is escaped
(``md``) and cut at ``TEXT`` characters, so nothing else can grow unbounded.
"""
from __future__ import annotations

from typing import TextIO

from ..model import UNKNOWN, Report
from . import board, changes, money, view
from .base import CollectingWriter
from .markdown_text import md

LIMIT = 60_000
TEXT = 120  # characters of one name or one reason, escaped
NAMED = 10  # services named per group of changes, waivers per state, catalogs in the header


def cut(text, n: int = TEXT) -> str:
    text = str(text)
    return md(text if len(text) <= n else text[: n - 1] + "…")


def _names(items: list, n: int = NAMED) -> str:
    more = f" and {len(items) - n} more" if len(items) > n else ""
    return ", ".join(items[:n]) + more


def _header(report: Report) -> list:
    run, s = report.run, report.summary
    catalogs = _names([cut(view.path_pair(f)[0]) for f in run.inputs], 3) or "records given in memory"
    found = view.verdict_counts(report.services)
    keys = view.verdict_keys(run)
    return ["## valuate board summary", "",
            f"{md(run.tool)} {md(run.version)} · as of {run.as_of} · rules {cut(', '.join(run.packs))} · "
            f"{s.services:,} services in {catalogs}", "",
            "| " + " | ".join(f"{view.verdict_symbol(k)} {view.verdict_text(k)}" for k in keys) + " | all |",
            "|" + " ---: |" * (len(keys) + 1),
            "| " + " | ".join(f"{found[k]:,}" for k in keys) + f" | {s.services:,} |", ""]


def _stake(report: Report) -> list:
    decide = board.needs_decision(report.services)
    line = (f"**At stake** in the {len(decide)} service{'s' * (len(decide) != 1)} needing a decision: "
            f"{md(money.totals_line(money.totals(decide)))}" if decide else "**At stake**: nothing, no service "
            "needs a decision")
    if view.waivers_given(report.run):
        waived = [r for r in report.services if r.valuable_by_waiver]
        line += f"; apart, under a waiver ({len(waived)}): {md(money.totals_line(money.totals(waived)))}"
    return [line + " — per currency, never added across currencies.", ""]


def _decision(r, level: int) -> list:
    """One service needing a decision: 3 with every reason, 2 with its criteria, 1 name and money."""
    s = money.stake(r)
    head = f"**{cut(view.label(r))}**" + (f" — {cut(r.name)}" if r.name and r.name != r.id else "")
    head += f" · {cut(s.line(), 2 * TEXT)}" if s is not None else " · no money recorded"
    reasons = view.reasons(r)
    if level == 1:
        return [f"- {head}"]
    since = r.change.first_failed() if r.change is not None else None
    who = cut(board.who(r), 2 * TEXT) + (f" · failing since {since}" if since else "")
    if level == 2:
        labels = ", ".join(f"{md(label)} ({md(rules)})" for label, _, rules in reasons)
        return [f"- {head} · {who} · fails {labels}"]
    lines = [f"- {head} · {who}"]
    lines += [f"  - **{md(label)}**: {cut(text, 2 * TEXT)} ({cut(rules)})" for label, text, rules in reasons]
    unknown = [label for label, _, _ in view.reasons(r, UNKNOWN)]
    if unknown:
        lines.append(f"  - also not judged (facts missing): {md(', '.join(unknown))}")
    return lines


def _decisions(report: Report, budget: int) -> list:
    """The decisions, the most money first, at the most detail that fits ``budget`` characters."""
    ranked = money.by_money(board.needs_decision(report.services))
    head = [f"### Needs a decision ({len(ranked):,} not valuable)", ""]
    if not ranked:
        return head + ["None: no service is judged not valuable.", ""]
    for level in (3, 2, 1):
        lines = [line for r in ranked for line in _decision(r, level)]
        if _size(head + lines) <= budget:
            return head + lines + [""]
    lines, used = [], _size(head) + 200  # room for the line that says how many more
    for i, r in enumerate(ranked):
        line = _decision(r, 1)[0]
        if used + len(line) + 1 > budget:
            lines.append(f"- … and {len(ranked) - i:,} more (the full report lists them all)")
            break
        lines.append(line)
        used += len(line) + 1
    return head + lines + [""]


def _since(report: Report) -> list:
    c = report.summary.comparison
    if c is None:
        return []
    then = f", as of {md(c.then)}" if c.then else ""
    lines = [f"### Since the last review ({cut(c.previous)}{then})", "", "- " + md(changes.verdict_line(c))]
    for _, heading, items in changes.groups(c):
        if items:
            lines.append(f"- {heading} ({len(items):,}): " + _names([cut(ch.id) for ch in items]))
    return lines + [""]


def _waivers(report: Report) -> list:
    run = report.run
    if run.waivers is None:
        return []
    panel = board.waiver_panel(run, report.summary.unused_waivers)
    lines = [f"### Waivers to act on ({len(run.waivers):,} in {cut(run.waiver_file or 'the waiver file')})", ""]
    for state, word in (("expired", "expired"), ("expiring", f"expiring within {run.waiver_warning_days} days"),
                        ("unused", "waived nothing")):
        found = [w for st, w in panel if st.split()[0] == state]
        if found:
            lines.append(f"- {word} ({len(found):,}): " + _names(
                [f"{cut(w.service)} / {cut(w.target)} {md(w.expires)} ({md(w.when())})" for w in found]))
    return lines + (["- none expired, expiring or unused", ""] if len(lines) == 2 else [""])


def _rest(report: Report) -> list:
    found = view.verdict_counts(report.services)
    lines = ["### The rest", ""]
    waiting = board.waiting(report.services)
    if waiting:
        parts = "; ".join(f"{md(', '.join(labels)) or 'nothing named'} ({len(rs):,})" for labels, rs in waiting[:NAMED])
        more = f"; and {len(waiting) - NAMED} more combinations" if len(waiting) > NAMED else ""
        lines.append(f"- waiting for data: {found['indeterminate']:,} indeterminate, not judged on: {parts}{more}")
    if found["error"]:
        lines.append(f"- invalid records: {found['error']:,} (fix the catalog)")
    lines.append(f"- valuable: {found['valuable']:,}" + (f", and {found['waived']:,} only under a waiver"
                                                          if found["waived"] else ""))
    catalogs = " ".join(cut(view.path_pair(f)[0]) for f in report.run.inputs[:3]) or "CATALOG"
    return lines + ["", "**The full report** lists every service with its reasons and what would make it pass: "
                        f"valuate check {catalogs} --format html (or --format markdown).", ""]


def _size(lines: list) -> int:
    return sum(len(line) + 1 for line in lines)


def summary(report: Report) -> str:
    fixed = _header(report) + _stake(report)
    after = _since(report) + _waivers(report) + _rest(report)
    lines = fixed + _decisions(report, LIMIT - _size(fixed) - _size(after) - 100) + after
    return "\n".join(lines).rstrip("\n") + "\n"


class MarkdownSummaryWriter(CollectingWriter):
    def render(self, report: Report, out: TextIO) -> None:
        out.write(summary(report))
