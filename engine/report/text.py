"""``--format text``: a verdict line per service, the reasons under it, a summary.

With ``WriterOptions.color`` the verdict marks are coloured (ANSI); with
``keep`` (``--quiet``) only the services it accepts are listed, then the
summary without the coverage table. Against a baseline each listed finding
says whether it is new, and the baseline's entries whose finding a waiver
covers now are listed apart from those fixed (a waived finding still fails).
A service valuable only under a waiver reads "valuable (waived)".

Lines are wrapped to ``WriterOptions.width`` (``--width``, else the terminal's: engine/outputs.py)
with a hanging indent: a reason goes on under the start of its message.
Up to ``GROUPED_FROM`` services the services are listed as they stream in;
past it the decisions come first (not valuable, then indeterminate, invalid,
valuable under a waiver) and the valuable ones are one line of count, unless
``WriterOptions.verbose`` (``--verbose``) lists them too. Grouped text waits
in temporary files (spooled), so memory stays flat however many fail.

Every line is passed through ``terminal.safe``: catalog text that holds a
newline, an escape sequence or a bidirectional override is shown escaped, so
one record is always the lines it should be and a terminal obeys nothing.
"""
from __future__ import annotations

import re
import tempfile
from typing import TextIO

from ..model import ERROR, VALUABLE, RunInfo, ServiceResult, Summary, counted
from .base import PLAIN, Writer, WriterOptions
from .view import counts_line, coverage_heading, coverage_rows, to_pass_groups
from . import changes, view
from .terminal import safe, safe_lines, wrap
from .levels import level_lines, scheduled_lines, summary_lines

MARKS = {"valuable": "ok ", "not_valuable": "NO ", "indeterminate": "?? ", "error": "ERR"}
# ANSI SGR codes per verdict: green, red, yellow, bold red.
COLORS = {"valuable": "32", "not_valuable": "31", "indeterminate": "33", "error": "1;31"}
FIXED_SHOWN = 20  # fixed baseline entries listed one by one; the rest are counted
GROUPED_FROM = 51  # from this many services on, the decisions come first and ok lines are counted
# (key, name, what to do) of the groups, in the order they are printed past GROUPED_FROM services
GROUPS = (("not_valuable", "not valuable", "the board decides: fix, fund, waive or retire"),
          ("indeterminate", "indeterminate", "record the facts named, then they can be judged"),
          ("error", "error", "invalid records: fix the catalog"),
          ("waived", "valuable (waived)", "valuable only because a waiver covers a failure"),
          ("valuable", "valuable", "utility, warranty and the value balance met"))
_ANSI = re.compile("\x1b\\[[0-9;]*m")
BASELINE_MARKS = {"new": "  [new]", "updated": "  [in baseline, other values]", "unchanged": "  [in baseline]"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _header(run: RunInfo, width=None) -> str:
    inputs = dict(run.digests).get("digest")
    head = safe(f"{run.tool} {run.version} · rules {', '.join(run.packs)} ({run.digest[:19]}…) · "
                + (f"profile {run.profile[0]} · " if run.profile else "")
                + f"as of {run.as_of}" + (f" · inputs {inputs[:19]}…" if inputs else ""))
    return "\n".join(_wrapped([head, *safe_lines(_waiver_notices(run) + scheduled_lines(run))], width))


def _wrapped(lines, width, hang: int = -1) -> list:
    return [part for line in lines for part in wrap(line, width, hang)]


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


def verdict_word(result: ServiceResult) -> str:
    """The verdict as the text report writes it: 'valuable (waived)' when only a waiver makes it so."""
    return "valuable (waived)" if result.valuable_by_waiver else result.verdict


def _service(result: ServiceResult, color: bool = False, width=None) -> list[str]:
    """The service's lines, made safe first, wrapped, and coloured after (the colour codes are ours)."""
    lines = [part for text, hang in _lines(result) for part in wrap(safe(text), width, hang)]
    if color:
        mark = f"{MARKS[result.verdict]} {verdict_word(result):<13}"
        lines[0] = _paint(mark, COLORS[result.verdict], True) + lines[0][len(mark):]
    return lines


def _lines(result: ServiceResult) -> list:
    """(line, hanging indent) of one service: a reason goes on under the start of its message."""
    label = result.id if result.id is not None else f"(record {result.position})"
    name = f" — {result.name}" if result.name and result.name != result.id else ""
    head = f"{MARKS[result.verdict]} {verdict_word(result):<13} "
    lines = [(f"{head}{label}{name}", len(head))]
    if result.verdict == ERROR:
        where = f" ({result.source})" if result.source else ""
        # an error from a mapped field names its export record already (its provenance)
        lines += [(f"      {e}{where if e.provenance is None else ''}{BASELINE_MARKS.get(result.baseline, '')}", 10)
                  for e in result.errors]
        return lines
    for f in result.findings:
        if f.counts and f.failing and (result.verdict != VALUABLE or f.waived):
            crit = f"{f.criterion}.{f.dimension}" if f.dimension else f.criterion
            start = f"      {crit:<22} {f.status:<8} {f.rule}  "
            lines.append((f"{start}{f.message}{_waiver(f)}{BASELINE_MARKS.get(f.baseline, '')}", len(start)))
        elif f.scheduled and f.failing:  # reported ahead, decides nothing yet
            crit = f"{f.criterion}.{f.dimension}" if f.dimension else f.criterion
            start = f"      {crit:<22} {f.status:<8} {f.rule}  "
            lines.append((f"{start}enforced from {f.effective}: {f.message}", len(start)))
    if view.valuable_to(result):  # effects name whom they affect: who the balance holds for
        lines.append((f"      value balance: {view.valuable_to(result)}", 21))
    lines += [(line, 10) for line in level_lines(result)]
    note = changes.service_note(result.change)
    if note:
        lines.append((f"      since the last review: {note}", 10))
    tp = result.to_pass
    if tp is not None:
        if not tp.verified:
            lines.append((f"      to pass: no verified change found ({tp.note})", 10))
        for heading, items in (to_pass_groups(tp) if tp.verified else []):
            lines.append((f"      to pass, {heading.lower()}: " + "; ".join(text for text, _ in items), 10))
        if tp.advice:
            lines.append((f"      {tp.advice}", 10))
    return lines


def group_of(text: str) -> str:
    """The group (GROUPS) of one service's rendered text, read from its verdict mark: rendering
    may happen in a worker process, which hands over only the text."""
    first = _ANSI.sub("", text[:200])
    if first.startswith("ok "):
        return "waived" if first[4:].startswith("valuable (waived)") else "valuable"
    return {"NO ": "not_valuable", "?? ": "indeterminate", "ERR": "error"}[first[:3]]


def _waiver(f) -> str:
    if f.waiver is None:
        return ""
    w = f.waiver
    if f.waived:
        return f"  [waived until {w.expires}: {w.reason} (approved by {w.approved_by})]"
    return f"  [waiver expired {w.expires}]"


class TextWriter(Writer):
    """Streams a line (and its reasons) per service as it arrives; past GROUPED_FROM services,
    groups them (the decisions first) and writes the groups at the end."""

    streams = True

    def __init__(self, out: TextIO, run: RunInfo, options: WriterOptions = PLAIN):
        super().__init__(out, run, options)
        self._started = False  # the header waits for the first record: a catalog may fail to read
        self._early: list = []  # the first services' text, until it is known whether to group
        self._groups: dict = {}  # group key -> [count, spooled text]
        self._seen = 0

    def write_rendered(self, text: str) -> None:
        if not self._started:
            self._started = True
            self.out.write(_header(self.run, self.options.width) + "\n\n")
        if not text:
            return
        self._seen += 1
        if self._seen < GROUPED_FROM:
            self._early.append(text)
            return
        for early in self._early:
            self._group(early)
        self._early = []
        self._group(text)

    def _group(self, text: str) -> None:
        key = group_of(text)
        found = self._groups.setdefault(key, [0, None])
        found[0] += 1
        if key == "valuable" and not self.options.verbose:
            return
        if found[1] is None:
            found[1] = tempfile.SpooledTemporaryFile(max_size=4 << 20, mode="w+", encoding="utf-8")
        found[1].write(text)

    def _flush(self) -> None:
        """The services: as they came (few), or group by group, the decisions first."""
        for text in self._early:
            self.out.write(text)
        for key, name, what in GROUPS:
            n, spool = self._groups.get(key, (0, None))
            if not n:
                continue
            listed = "" if spool is not None else "; not listed (--verbose lists them)"
            self.out.write("\n".join(wrap(f"{name} ({n:,}): {what}{listed}", self.options.width)) + "\n")
            if spool is None:
                continue
            spool.seek(0)
            for chunk in iter(lambda: spool.read(1 << 16), ""):
                self.out.write(chunk)
            spool.close()
            self.out.write("\n")

    @staticmethod
    def render_record(result: ServiceResult, run: RunInfo, options: WriterOptions = PLAIN) -> str:
        return "\n".join(_service(result, options.color, options.width)) + "\n"

    def write(self, result: ServiceResult) -> None:
        if self.options.keep is None or self.options.keep(result):
            super().write(result)

    def close(self, summary: Summary) -> None:
        self.write_rendered("")
        self._flush()
        width = self.options.width
        counts = counts_line(summary)
        waived = f"; {summary.waived} waived findings" if self.run.waivers is not None else ""
        waived += f"; {summary.not_applicable} not applicable findings" if summary.not_applicable else ""
        lines = [f"{plural(summary.services, 'service')}: {counts}{waived}{summary.blank_note()}"]
        lines += [safe(f"waiver {w.service} / {w.target} waived nothing (no such service, or nothing to waive) "
                       f"({w.source})") for w in summary.unused_waivers]
        lines += safe_lines(summary_lines(self.run, summary))
        self.out.write("\n" + "\n".join(_wrapped(lines, width)) + "\n")
        self.out.write(_baseline(summary, width))
        if summary.comparison is not None:
            self.out.write("\n".join(_wrapped(safe_lines(changes.lines(summary.comparison)), width)) + "\n")
        if self.options.keep is None:
            self.out.write(_coverage(summary, width))


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _baseline(summary: Summary, width=None) -> str:
    """The run against its baseline: new findings by level, known ones, entries fixed since."""
    b = summary.baseline
    if b is None:
        return ""
    new = ", ".join(f"{n} {level.replace('_', ' ')}" for level, n in b.new if n)
    lines = [f"baseline {b.file}: {plural(b.new_at([lv for lv, _ in b.new]), 'new finding')}"
             + (f" ({new})" if new else "") + f", {b.known} in the baseline, "
             + (f"{len(b.waived)} of its entries waived now, " if b.waived else "")
             + f"{len(b.fixed)} of its {counted(b.entries, 'entry', 'entries')} no longer "
             + ("occurs" if len(b.fixed) == 1 else "occur")]
    for word, entries in (("waived now", b.waived), ("fixed", b.fixed)):
        lines += [f"  {word}: {service} / {rule} ({status}, in the baseline since {since or 'its creation'})"
                  for service, rule, status, since in entries[:FIXED_SHOWN]]
        if len(entries) > FIXED_SHOWN:
            lines.append(f"  ... and {len(entries) - FIXED_SHOWN} more (the JSON report lists them all)")
    if b.fixed:
        lines.append(f"  (run valuate baseline create again to drop {'it' if len(b.fixed) == 1 else 'them'} "
                     "from the file)")
    return "\n".join(_wrapped(safe_lines(lines), width)) + "\n"


def _coverage(summary: Summary, width=None) -> str:
    """The data coverage table under the summary, and what it means in words."""
    heading = coverage_heading(summary)
    if not heading:
        return ""
    rows = coverage_rows(summary)
    lines = ["", *_wrapped([safe(heading)], width)]
    if rows:
        col = max(len(r[0]) for r in rows)
        sourced = any(r[3] for r in rows)  # a canonical catalog has no export fields to name
        lines.append(f"  {'fact':<{col}}  {'recorded':>10}  {'blocks':>6}" + ("  source" if sourced else ""))
        lines += safe_lines(f"  {path:<{col}}  {held:>10}  {blocks:>6}" + (f"  {source}" if sourced else "")
                            for path, held, blocks, source in rows)
    notes = _wrapped(safe_lines(f"  - {note}" for note in summary.coverage.notes), width, 4)
    return "\n".join(lines + notes) + "\n"
