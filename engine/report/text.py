"""``--format text``: a verdict line per service, the reasons under it, a summary."""
from __future__ import annotations

from typing import TextIO

from ..model import ERROR, MET, VALUABLE, RunInfo, ServiceResult, Summary
from .base import Writer

MARKS = {"valuable": "ok ", "not_valuable": "NO ", "indeterminate": "?? ", "error": "ERR"}


def _header(run: RunInfo) -> str:
    return (f"{run.tool} {run.version} · rules {', '.join(run.packs)} ({run.digest[:19]}…) · "
            f"as of {run.as_of}")


def _service(result: ServiceResult) -> list[str]:
    label = result.id if result.id is not None else f"(record {result.position})"
    name = f" — {result.name}" if result.name and result.name != result.id else ""
    lines = [f"{MARKS[result.verdict]} {result.verdict:<13} {label}{name}"]
    if result.verdict == ERROR:
        where = f" ({result.source})" if result.source else ""
        lines += [f"      {e}{where}" for e in result.errors]
        return lines
    if result.verdict != VALUABLE:
        for f in result.findings:
            if f.deciding and f.status != MET:
                crit = f"{f.criterion}.{f.dimension}" if f.dimension else f.criterion
                lines.append(f"      {crit:<22} {f.status:<8} {f.rule}  {f.message}")
    return lines


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
        return "\n".join(_service(result)) + "\n"

    def close(self, summary: Summary) -> None:
        self.write_rendered("")
        counts = ", ".join(f"{summary.verdicts[v]} {v.replace('_', ' ')}" for v in summary.verdicts)
        self.out.write(f"\n{summary.services} services: {counts}\n")
