"""``--format github``: GitHub Actions workflow commands, one annotation per service.

Printed by a workflow step, each line becomes an annotation on the catalog
file at the record's line (in the pull request's "Files changed" too):

    ::error file=catalog.yaml,line=43,title=valuate: crm is not valuable::WAR-001 measured ...

``error`` for a service that fails the job (its verdict at the ``--fail-on``
level or, against a baseline, a new finding at it), ``notice`` for one whose
failures are all in the baseline (known debt, not news), ``warning`` for
any other that is not valuable (indeterminate under the default
``--fail-on``, anything under ``never``). A valuable service is a
``::debug::`` line, shown only when step debug logging is on, so every
record is still there exactly once. The message lists the findings that can
fail the job (report/ci.py; advisory ones with ``--include-advisory``), each
new one marked ``[new]``. A waiver that fails the job (``--fail-on-waiver``)
is an ``error`` at its own line of the waiver file. A final ``::notice``
carries the summary. Values are escaped as the Actions toolkit does (``%``,
CR, LF; in properties also ``:`` and ``,``).
"""
from __future__ import annotations

from ..model import ERROR, VALUABLE, RunInfo, ServiceResult, Summary, counted
from . import changes, ci, view
from .base import PLAIN, Writer, WriterOptions


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, message: str, **props) -> str:
    given = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{kind}{' ' + given if given else ''}::{escape_data(message)}\n"


def _kind(result: ServiceResult, options: WriterOptions) -> str:
    if result.verdict == VALUABLE:
        return "debug"
    if ci.fails_job(result, options):
        return "error"
    return "notice" if ci.known(result) else "warning"


def _message(result: ServiceResult, options: WriterOptions) -> str:
    if result.verdict == ERROR:
        return "invalid record: " + "; ".join(view.errors(result)) + (" [new]" if result.baseline == "new" else "")
    new = {m.rule for m in result.change.new} if result.change is not None else set()
    lines = [f"{f.rule} {f.status}: {f.message}"
             + (" [new]" if ci.is_new(f) else " [new since the last review]" if f.rule in new else "")
             for f in ci.held_findings(result, options, unknown=True)]
    tp = result.to_pass
    if tp is not None and tp.verified and tp.changes:
        lines.append("to pass: " + "; ".join(dict.fromkeys(c.text for c in tp.changes)))
    return "\n".join(lines)


class GithubWriter(Writer):
    streams = True

    @staticmethod
    def render_record(result: ServiceResult, run: RunInfo, options: WriterOptions = PLAIN) -> str:
        kind = _kind(result, options)
        if kind == "debug":
            return _command("debug", f"valuate: {view.title(result)} is valuable")
        src = result.source
        title = f"valuate: {view.label(result)} " + (
            "is an invalid record" if result.verdict == ERROR else f"is {view.VERDICT_WORDS[result.verdict]}")
        return _command(kind, _message(result, options), file=src.file if src else None,
                        line=src.line if src else None, title=title)

    def close(self, summary: Summary) -> None:
        gate = ci.gate_failures(self.run, summary, self.options)
        for g in gate:  # where the CI shows it: at the waiver's line
            self.out.write(_command("error", f"{g.text}: --fail-on-waiver {g.kind} fails the job", file=g.file,
                                    line=g.line, title=f"valuate: waiver {g.kind}"))
        counts = view.counts_line(summary)
        text = f"{counted(summary.services, 'service')}: {counts}"
        b = summary.baseline
        if b is not None:
            text += (f"; {counted(b.new_at([lv for lv, _ in b.new]), 'new finding')}, "
                     f"{counted(len(b.fixed), 'baseline entry', 'baseline entries')} fixed")
            text += f", {len(b.waived)} waived now" if b.waived else ""
        if summary.comparison is not None:
            text += "; " + changes.headline(summary.comparison)
        if gate:
            text += f"; {counted(len(gate), 'waiver')} {'fails' if len(gate) == 1 else 'fail'} the job"
        self.out.write(_command("notice", text, title="valuate"))
