"""``--format text``: a verdict line per service, the reasons under it, a summary.

Every line is passed through ``terminal.safe``: catalog text that holds a
newline, an escape sequence or a bidirectional override is shown escaped, so
one record is always the lines it should be and a terminal obeys nothing.
"""
from __future__ import annotations

from typing import TextIO

from ..model import ERROR, MET, VALUABLE, RunInfo, ServiceResult, Summary
from .base import Writer
from .terminal import safe, safe_lines

MARKS = {"valuable": "ok ", "not_valuable": "NO ", "indeterminate": "?? ", "error": "ERR"}


def _header(run: RunInfo) -> str:
    inputs = dict(run.digests).get("digest")
    return (safe(f"{run.tool} {run.version} · rules {', '.join(run.packs)} ({run.digest[:19]}…) · "
                 + (f"profile {run.profile[0]} · " if run.profile else "")
                 + f"as of {run.as_of}" + (f" · inputs {inputs[:19]}…" if inputs else ""))
            + "".join(f"\n{line}" for line in safe_lines(_waiver_notices(run))))


def _waiver_notices(run: RunInfo) -> list[str]:
    out = []
    for w in run.waivers or ():
        if not w.active:
            out.append(f"waiver {w.service} / {w.target} expired on {w.expires} ({w.when()}) "
                       f"and no longer applies ({w.source})")
        elif w.expiring:
            out.append(f"waiver {w.service} / {w.target} expires on {w.expires} "
                       f"({w.when()}) ({w.source})")
    return out


def _service(result: ServiceResult) -> list[str]:
    label = result.id if result.id is not None else f"(record {result.position})"
    name = f" — {result.name}" if result.name and result.name != result.id else ""
    lines = [f"{MARKS[result.verdict]} {result.verdict:<13} {label}{name}"]
    if result.verdict == ERROR:
        where = f" ({result.source})" if result.source else ""
        lines += [f"      {e}{where}" for e in result.errors]
        return lines
    for f in result.findings:
        if f.counts and f.status != MET and (result.verdict != VALUABLE or f.waived):
            crit = f"{f.criterion}.{f.dimension}" if f.dimension else f.criterion
            lines.append(f"      {crit:<22} {f.status:<8} {f.rule}  {f.message}{_waiver(f)}")
    if result.to_pass is not None:
        if result.to_pass.verified:
            lines.append("      to pass: " + "; ".join(c.text for c in result.to_pass.changes))
        else:
            lines.append(f"      to pass: no verified change found ({result.to_pass.note})")
    return lines


def _waiver(f) -> str:
    if f.waiver is None:
        return ""
    w = f.waiver
    if f.waived:
        return f"  [waived until {w.expires}: {w.reason} (approved by {w.approved_by})]"
    return f"  [waiver expired {w.expires}]"


class TextWriter(Writer):
    """Streams: a line (and its reasons) per service as it arrives."""

    streams = True

    def __init__(self, out: TextIO, run: RunInfo):
        super().__init__(out, run)
        self._started = False  # the header waits for the first record: a catalog may fail to read

    def write_rendered(self, text: str) -> None:
        if not self._started:
            self._started = True
            self.out.write(_header(self.run) + "\n\n")
        self.out.write(text)

    @staticmethod
    def render_record(result: ServiceResult, run: RunInfo) -> str:
        return "\n".join(safe_lines(_service(result))) + "\n"

    def close(self, summary: Summary) -> None:
        self.write_rendered("")
        counts = ", ".join(f"{summary.verdicts[v]} {v.replace('_', ' ')}" for v in summary.verdicts)
        waived = f"; {summary.waived} waived findings" if self.run.waivers is not None else ""
        self.out.write(f"\n{summary.services} services: {counts}{waived}{summary.blank_note()}\n")
        for w in summary.unused_waivers:
            self.out.write(safe(f"waiver {w.service} / {w.target} waived nothing (no such service, or nothing "
                                f"to waive) ({w.source})") + "\n")
