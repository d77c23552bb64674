"""``check --baseline FILE``: accept what a catalog already fails on, fail on what is new.

A baseline is a snapshot (``valuate baseline create``) of the open findings
of a run. Against it each finding of this run is ``new`` (not in the
baseline with this status), ``unchanged`` or ``updated`` (same status,
other evidence); the state is written on the finding, so every report
shows it. ``--fail-on`` then counts only new findings (``BaselineTally``),
and baseline entries whose finding no longer fails are listed as fixed, so
the file can shrink. A waived finding still fails: its entry is "waived
now", never fixed, and a waived finding not in the baseline is new but
does not count (it counts once the waiver ends). Waived findings are never
baselined, and a baseline's own waived entries (a report used as one) are
not held: a waiver's expiry must still bite.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Iterable

from ..model import ERROR, BaselineSummary, ServiceResult
from .delta import NEW, state
from .snapshot import RECORD_RULE, FindingMark, Snapshot, marks_of

LEVELS = ("not_valuable", "indeterminate", "error", "advisory")


class Baseline:
    """A loaded baseline, applied to one result at a time (stateless: see BaselineTally)."""

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot.unwaived()

    def apply(self, result: ServiceResult) -> tuple[ServiceResult, tuple]:
        """(the result with each open finding's baseline state, its FindingMarks with their states)."""
        marks = marks_of(result)
        if not self.snapshot.advisory:  # not judged against a baseline that never holds them
            marks = tuple(m for m in marks if m.level != "advisory")
        states = tuple((m, state(self.snapshot.finding(*m.key), m)) for m in marks)
        if result.verdict == ERROR:
            return replace(result, baseline=states[0][1]), states
        by_rule = {m.rule: s for m, s in states}
        findings = tuple(replace(f, baseline=by_rule[f.rule]) if f.rule in by_rule else f
                         for f in result.findings)
        return replace(result, findings=findings), states


def new_levels(result: ServiceResult) -> set:
    """The levels of a marked result's new findings (what --fail-on counts under a baseline)."""
    return result.new_levels()


class BaselineTally:
    """Counts new and known findings across a run, and which baseline entries it saw."""

    def __init__(self, baseline: Baseline):
        self.baseline = baseline
        self.new: Counter = Counter()
        self.known = 0
        self.seen: set = set()  # keys of the findings failing now, waived or not
        self.waived: set = set()  # keys of the baseline entries a waiver covers now
        self.invalid: set = set()  # services whose record is invalid now: judged on nothing, so none fixed

    def add(self, states: Iterable[tuple]) -> None:
        for mark, st in states:
            self.seen.add(mark.key)
            if mark.rule == RECORD_RULE:
                self.invalid.add(mark.service)
            if mark.waived:
                if st != NEW:
                    self.waived.add(mark.key)
            elif st == NEW:
                self.new[mark.level] += 1
            else:
                self.known += 1

    def summary(self) -> BaselineSummary:
        snapshot = self.baseline.snapshot
        fixed = tuple(_entry(m) for m in snapshot.findings()
                      if m.key not in self.seen and m.service not in self.invalid)
        waived = tuple(_entry(m) for m in snapshot.findings() if m.key in self.waived)
        return BaselineSummary(snapshot.source, len(snapshot), tuple((lv, self.new[lv]) for lv in LEVELS),
                               self.known, fixed, waived)


def _entry(mark: FindingMark) -> tuple:
    return (mark.service, mark.rule, mark.status, mark.since)


def new_findings(result: ServiceResult) -> list:
    """(rule, status, message) of each new finding of a marked result, for people."""
    if result.verdict == ERROR:
        return [(RECORD_RULE, ERROR, "; ".join(str(e) for e in result.errors))] if result.baseline == NEW else []
    return [(f.rule, f.status, f.message) for f in result.findings if f.baseline == NEW and not f.waived]
