"""``--format text``: a verdict line per service, the reasons under it, a summary."""
from __future__ import annotations

from typing import TextIO

from ..model import ERROR, MET, VALUABLE, Report, ServiceResult

MARKS = {"valuable": "ok ", "not_valuable": "NO ", "indeterminate": "?? ", "error": "ERR"}


def _header(report: Report) -> str:
    run = report.run
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


def render(report: Report, out: TextIO) -> None:
    out.write(_header(report) + "\n\n")
    for result in report.services:
        out.write("\n".join(_service(result)) + "\n")
    s = report.summary
    counts = ", ".join(f"{s.verdicts[v]} {v.replace('_', ' ')}" for v in s.verdicts)
    out.write(f"\n{s.services} services: {counts}\n")
