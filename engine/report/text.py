"""``--format text``: a verdict line per service, the reasons under it, a summary.

With ``WriterOptions.color`` the verdict marks are coloured (ANSI); with
``keep`` (``--quiet``) only the services it accepts are listed, then the
summary without the coverage table. Against a baseline each listed finding
says whether it is new, and the baseline's entries whose finding a waiver
covers now are listed apart from those fixed (a waived finding still fails).

Every line is passed through ``terminal.safe``: catalog text that holds a
newline, an escape sequence or a bidirectional override is shown escaped, so
one record is always the lines it should be and a terminal obeys nothing.
"""
from __future__ import annotations

from typing import TextIO

from ..model import ERROR, VALUABLE, RunInfo, ServiceResult, Summary
from .base import PLAIN, Writer, WriterOptions
from .view import counts_line, coverage_heading, coverage_rows, to_pass_groups
from . import changes, view
from .terminal import safe, safe_lines

MARKS = {"valuable": "ok ", "not_valuable": "NO ", "indeterminate": "?? ", "error": "ERR"}
# ANSI SGR codes per verdict: green, red, yellow, bold red.
COLORS = {"valuable": "32", "not_valuable": "31", "indeterminate": "33", "error": "1;31"}
FIXED_SHOWN = 20  # fixed baseline entries listed one by one; the rest are counted
BASELINE_MARKS = {"new": "  [new]", "updated": "  [in baseline, other values]", "unchanged": "  [in baseline]"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


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


def _service(result: ServiceResult, color: bool = False) -> list[str]:
    """The service's lines, made safe first and coloured after (the colour codes are ours)."""
    lines = safe_lines(_lines(result))
    if color:
        mark = f"{MARKS[result.verdict]} {result.verdict:<13}"
        lines[0] = _paint(mark, COLORS[result.verdict], True) + lines[0][len(mark):]
    return lines


def _lines(result: ServiceResult) -> list[str]:
    label = result.id if result.id is not None else f"(record {result.position})"
    name = f" — {result.name}" if result.name and result.name != result.id else ""
    lines = [f"{MARKS[result.verdict]} {result.verdict:<13} {label}{name}"]
    if result.verdict == ERROR:
        where = f" ({result.source})" if result.source else ""
        # an error from a mapped field names its export record already (its provenance)
        lines += [f"      {e}{where if e.provenance is None else ''}{BASELINE_MARKS.get(result.baseline, '')}"
                  for e in result.errors]
        return lines
    for f in result.findings:
        if f.counts and f.failing and (result.verdict != VALUABLE or f.waived):
            crit = f"{f.criterion}.{f.dimension}" if f.dimension else f.criterion
            lines.append(f"      {crit:<22} {f.status:<8} {f.rule}  {f.message}{_waiver(f)}"
                         f"{BASELINE_MARKS.get(f.baseline, '')}")
    if view.valuable_to(result):  # effects name whom they affect: who the balance holds for
        lines.append(f"      value balance: {view.valuable_to(result)}")
    note = changes.service_note(result.change)
    if note:
        lines.append(f"      since the last review: {note}")
    tp = result.to_pass
    if tp is not None:
        if not tp.verified:
            lines.append(f"      to pass: no verified change found ({tp.note})")
        for heading, items in (to_pass_groups(tp) if tp.verified else []):
            lines.append(f"      to pass, {heading.lower()}: " + "; ".join(text for text, _ in items))
        if tp.advice:
            lines.append(f"      {tp.advice}")
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

    def __init__(self, out: TextIO, run: RunInfo, options: WriterOptions = PLAIN):
        super().__init__(out, run, options)
        self._started = False  # the header waits for the first record: a catalog may fail to read

    def write_rendered(self, text: str) -> None:
        if not self._started:
            self._started = True
            self.out.write(_header(self.run) + "\n\n")
        self.out.write(text)

    @staticmethod
    def render_record(result: ServiceResult, run: RunInfo, options: WriterOptions = PLAIN) -> str:
        return "\n".join(_service(result, options.color)) + "\n"

    def write(self, result: ServiceResult) -> None:
        if self.options.keep is None or self.options.keep(result):
            super().write(result)

    def close(self, summary: Summary) -> None:
        self.write_rendered("")
        counts = counts_line(summary)
        waived = f"; {summary.waived} waived findings" if self.run.waivers is not None else ""
        waived += f"; {summary.not_applicable} not applicable findings" if summary.not_applicable else ""
        self.out.write(f"\n{plural(summary.services, 'service')}: {counts}{waived}{summary.blank_note()}\n")
        for w in summary.unused_waivers:
            self.out.write(safe(f"waiver {w.service} / {w.target} waived nothing (no such service, or nothing "
                                f"to waive) ({w.source})") + "\n")
        self.out.write(_baseline(summary))
        if summary.comparison is not None:
            self.out.write("\n".join(safe_lines(changes.lines(summary.comparison))) + "\n")
        if self.options.keep is None:
            self.out.write(_coverage(summary))


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _baseline(summary: Summary) -> str:
    """The run against its baseline: new findings by level, known ones, entries fixed since."""
    b = summary.baseline
    if b is None:
        return ""
    new = ", ".join(f"{n} {level.replace('_', ' ')}" for level, n in b.new if n)
    lines = [f"baseline {b.file}: {plural(b.new_at([lv for lv, _ in b.new]), 'new finding')}"
             + (f" ({new})" if new else "") + f", {b.known} in the baseline, "
             + (f"{len(b.waived)} of its entries waived now, " if b.waived else "")
             + f"{len(b.fixed)} of its {b.entries} entries no longer occur"]
    for word, entries in (("waived now", b.waived), ("fixed", b.fixed)):
        lines += [f"  {word}: {service} / {rule} ({status}, in the baseline since {since or 'its creation'})"
                  for service, rule, status, since in entries[:FIXED_SHOWN]]
        if len(entries) > FIXED_SHOWN:
            lines.append(f"  ... and {len(entries) - FIXED_SHOWN} more (the JSON report lists them all)")
    if b.fixed:
        lines.append("  (run valuate baseline create again to drop them from the file)")
    return "\n".join(safe_lines(lines)) + "\n"


def _coverage(summary: Summary) -> str:
    """The data coverage table under the summary, and what it means in words."""
    heading = coverage_heading(summary)
    if not heading:
        return ""
    rows = coverage_rows(summary)
    lines = ["", heading]
    if rows:
        width = max(len(r[0]) for r in rows)
        sourced = any(r[3] for r in rows)  # a canonical catalog has no export fields to name
        lines.append(f"  {'fact':<{width}}  {'recorded':>10}  {'blocks':>6}" + ("  source" if sourced else ""))
        lines += [f"  {path:<{width}}  {held:>10}  {blocks:>6}" + (f"  {source}" if sourced else "")
                  for path, held, blocks, source in rows]
    lines += [f"  - {note}" for note in summary.coverage.notes]
    return "\n".join(safe_lines(lines)) + "\n"
