"""``check --compare FILE``: this run beside the last review's report.

Each result is compared with the same service (by id) of the earlier JSON or
JSON Lines report as it streams past: it gets its ``change`` (verdict then
and now, findings new, fixed, failing for other reasons, newly waived,
still waived, failing again) and each failing finding (waived or not) the
date it was first seen failing (``since``), carried from the
earlier report when it failed there with the same status, else this run's
date. Since the report written now carries those dates, the next review's
comparison knows them too: "failing since" survives any number of reviews.
The whole ``Comparison`` (counts, verdicts then and now, added and removed
services) is ready when the run ends.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..errors import Location, UserError
from ..model import ERROR, Comparison, ServiceResult
from .delta import Comparer
from .files import load_snapshot
from .snapshot import Snapshot


def load_previous(given) -> Snapshot:
    """The earlier report (a path, or a loaded Snapshot); a baseline file is refused."""
    snapshot = given if isinstance(given, Snapshot) else load_snapshot(str(given))
    if snapshot.kind != "report":
        raise UserError("--compare takes a report of 'valuate check --format json' or '--format jsonl'; "
                        "this is a baseline file (use --baseline for it)", Location(file=snapshot.source))
    return snapshot


class Review:
    """Marks each result with what changed since the previous report; stateful, in input order."""

    def __init__(self, previous: Snapshot, now: Optional[str]):
        self.comparer = Comparer(previous, now)

    def mark(self, result: ServiceResult) -> ServiceResult:
        delta = self.comparer.add(result)
        if result.verdict == ERROR:
            return replace(result, change=delta)
        # a waived finding fails too: its date carries over to when the waiver ends
        findings = tuple(replace(f, since=delta.since(f.rule)) if f.failing else f
                         for f in result.findings)
        return replace(result, findings=findings, change=delta)

    def finish(self) -> Comparison:
        return self.comparer.finish()
