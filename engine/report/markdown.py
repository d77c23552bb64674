"""``--format markdown``: the review-board report for a wiki page or a pull request.

The same content as the HTML report: a summary (counts per verdict and per
criterion), a table of services linking to a section per service with the
explanation tree, the value balance arithmetic, what would make it pass,
and the advisory findings apart (in a collapsed ``<details>`` block, which
GitHub and GitLab render). All catalog text is escaped, so a service name
cannot inject markup, links or HTML.
"""
from __future__ import annotations

import re
from typing import TextIO

from ..model import CRITERIA, STATUSES, Report, ServiceResult
from . import view
from .base import CollectingWriter

# Catalog text never starts a line here (it follows "- ", "| ", "### "), so only
# the inline syntax needs escaping; "@" becomes an entity so no one is mentioned.
_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")
# GitHub and GitLab turn bare URLs, www. names and e-mail addresses into links
# (the GFM autolink extension) even in escaped text, and some renderers join
# an entity back into the text before looking. An invisible WORD JOINER
# (U+2060) after the scheme, after "www" and after "@" breaks every such
# pattern in every renderer while the text reads the same.
_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?:[a-z][a-z0-9+.-]*(?=://)|\bwww(?=\.)|\b(?:mailto|xmpp)(?=:))")


def md(text) -> str:
    """Catalog text as literal Markdown: entities for HTML, backslashes for Markdown
    syntax, no autolinks and no mentions."""
    s = _SPECIAL.sub(r"\\\1", str(text))
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "&#64;" + _JOINER)
    s = _AUTOLINK.sub(lambda m: m.group() + _JOINER, s)
    return " ".join(s.split())  # newlines would end a table row or a list item


def anchor(result: ServiceResult) -> str:
    return f"service-{result.position}"


def _summary(report: Report) -> list[str]:
    s = report.summary
    lines = ["## Summary", "", "| verdict | services |", "| --- | ---: |"]
    lines += [f"| {view.VERDICT_WORDS[v]} | {n} |" for v, n in s.verdicts.items()]
    lines += [f"| **all** | **{s.services}** |", "",
              "| criterion | " + " | ".join(x.replace("_", " ") for x in STATUSES) + " |",
              "| --- |" + " ---: |" * len(STATUSES)]
    lines += [f"| {c} | " + " | ".join(str(s.criteria[c][x]) for x in STATUSES) + " |" for c in CRITERIA]
    return lines + [""]


def _table(report: Report) -> list[str]:
    lines = ["## Services", "", "| # | service | verdict | utility | warranty | value | source |",
             "| ---: | --- | --- | --- | --- | --- | --- |"]
    for r in report.services:
        crit = {c.name: f"{view.symbol(c.status)} {c.status}" for c in r.criteria}
        lines.append(f"| {r.position} | [{md(view.title(r))}](#{anchor(r)}) | **{view.VERDICT_WORDS[r.verdict]}** | "
                     + " | ".join(crit.get(c, "—") for c in CRITERIA) + f" | {md(view.source(r))} |")
    return lines + [""]


def _finding(f, indent: str = "") -> list[str]:
    waived = f" — *waived: {md(view.waiver(f))}*" if view.waiver(f) else ""
    lines = [f"{indent}- {view.symbol(f.status)} **{md(f.rule)}** {md(f.title)} — `{f.status}`{waived}  ",
             f"{indent}  {md(f.message)}"]
    for row in view.rows(f.condition):
        detail = f" — {md(row.detail)}" if row.detail else ""
        lines.append(f"{indent}  {'  ' * row.depth}- {view.symbol(row.status)} {md(row.description)}{detail}")
    return lines


def _service(r: ServiceResult) -> list[str]:
    lines = [f'<a id="{anchor(r)}"></a>', "", f"### {md(view.title(r))}", "",
             f"**Verdict: {view.VERDICT_WORDS[r.verdict]}**" + (f" · {md(view.source(r))}" if r.source else ""), ""]
    if view.errors(r):
        return lines + [f"- ✗ {md(e)}" for e in view.errors(r)] + [""]
    findings = {f.rule: f for f in r.findings}
    for c in r.criteria:
        lines.append(f"- {view.symbol(c.status)} **{c.name}**: `{c.status}`")
        if c.name == "warranty":
            for dim, status in c.dimensions:
                lines.append(f"  - {view.symbol(status)} {dim}: `{status}`")
                for rid in c.findings:
                    if findings[rid].dimension == dim:
                        lines += _finding(findings[rid], "    ")
            continue
        if c.name == "value":
            lines.append(f"  - positives = {view.arithmetic(r, 'positive')}; "
                         f"negatives = {view.arithmetic(r, 'negative')}")
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
    lines = ["| value balance | list | effect | impact | weight | points |", "| --- | --- | --- | ---: | ---: | ---: |"]
    for t in value.balance:
        lines.append(f"| {t.side} | {md(t.list)}\\[{t.index}\\] | {md(t.description or '')} | "
                     f"{view.show(t.impact)} | {view.show(t.weight)} | {view.show(t.points)} |")
    return lines + [""]


def _to_pass(r: ServiceResult) -> list[str]:
    tp = r.to_pass
    if tp is None:
        return []
    if not tp.verified:
        return [f"**What would make it pass:** no verified change found ({md(tp.note)}).", ""]
    lines = ["**What would make it pass** (verified by re-evaluating the changed facts):", ""]
    lines += [f"{i}. {md(c.text)} ({md(c.rule)})" for i, c in enumerate(tp.changes, 1)]
    return lines + [""]


class MarkdownWriter(CollectingWriter):
    needs_conditions = True  # the explanation tree shows every rule's conditions

    def render(self, report: Report, out: TextIO) -> None:
        run = report.run
        lines = ["# valuate report", "",
                 f"{md(run.tool)} {md(run.version)} · rules {md(', '.join(run.packs))} · "
                 f"`{run.digest[:19]}…` · as of {run.as_of}"
                 + (f" · {md(', '.join(run.inputs))}" if run.inputs else ""), ""]
        lines += _summary(report) + _table(report)
        for r in report.services:
            lines += _service(r)
        out.write("\n".join(lines).rstrip("\n") + "\n")
