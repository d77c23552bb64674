"""This run against a previous one, service by service.

``Comparer`` is fed this run's results in input order (``add`` returns the
``ServiceDelta`` of each) and ``finish`` gives the whole ``Comparison``:
new failures, fixed findings, findings still failing (since when, and
whether their recorded facts changed: "changed reasons"), the waiver states
(newly waived, still waived, failing again once the waiver expired or went),
services added and removed, and the verdict counts then and now. Findings
are matched by (service id, rule id) and their status;
``model.compare.differs`` tells a changed reason from the same one.

Only a finding that no longer fails is fixed: a waiver does not fix it, a
finding unknown then and not met now still fails (it is new with its new
status), and neither are the findings of a service that is not in this
review (it is listed as removed) or whose record is invalid now (it is
judged on nothing).

The baseline (``baseline.py``) is this comparison against a baseline
snapshot, kept per finding; ``check --compare`` (review boards) is the
whole comparison as a report block (``Comparison.to_dict``).
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from ..model import (COUNT_KEYS, ERROR, NO_LEVEL, VALUABLE, VERDICTS, Comparison, FindingMark, ServiceDelta,
                     ServiceMark, ServiceResult, differs)
from .snapshot import Snapshot, mark_service

NEW, UNCHANGED, UPDATED = "new", "unchanged", "updated"  # SARIF baselineState words


def state(previous: Optional[FindingMark], current: FindingMark) -> str:
    """new: not there before (or with another status); updated: same status, other reasons."""
    if previous is None or previous.status != current.status:
        return NEW
    return UPDATED if differs(previous, current) else UNCHANGED


def delta_of(previous: Snapshot, result: ServiceResult, now_as_of: Optional[str] = None) -> ServiceDelta:
    """How one result differs from the same service in ``previous`` (new findings dated ``now_as_of``)."""
    now = mark_service(result, now_as_of)
    before = previous.service(now.id)
    then = {f.rule: f for f in before.findings} if before is not None else {}
    found: dict = {"new": [], "still": [], "newly_waived": [], "still_waived": [], "waiver_ended": []}
    for mark in now.findings:
        old = then.get(mark.rule)
        kind = _kind(old, mark)
        found[kind].append(mark if kind == "new" else (old, mark))
    failing = {m.rule for m in now.findings}
    # an invalid record is judged on nothing: what failed then is not known to pass now
    fixed = () if result.verdict == ERROR else tuple(f for rule, f in then.items() if rule not in failing)
    verdict = (before.verdict if before is not None else None, result.verdict)
    return ServiceDelta(now.id, result.name, verdict, fixed=fixed, **{k: tuple(v) for k, v in found.items()})


def _kind(old: Optional[FindingMark], now: FindingMark) -> str:
    """Which list of a ServiceDelta a finding failing now goes to, given how it was then."""
    if now.waived:
        return "still_waived" if old is not None and old.waived else "newly_waived"
    if old is not None and old.waived:
        return "waiver_ended"
    return "still" if old is not None and old.status == now.status else "new"


class Comparer:
    """Streams: ``add`` each result of this run in order, then ``finish``."""

    def __init__(self, previous: Snapshot, now: Optional[str] = None, levels: tuple = ()):
        self.previous, self.now = previous, now
        self.order = (NO_LEVEL,) + tuple(levels)  # this run's levels, lowest first
        self.levels: list = []  # services that moved up or down a level
        self.seen: set = set()
        self.changes: list = []
        self.persisting: list = []
        self.verdicts_now: Counter = Counter()
        self.waived_now = 0  # valuable only under a waiver
        self.counts: Counter = Counter()

    def add(self, result: ServiceResult) -> ServiceDelta:
        delta = delta_of(self.previous, result, self.now)
        self.seen.add(delta.id)
        self.verdicts_now[result.verdict] += 1
        self.waived_now += result.valuable_by_waiver
        self.counts.update({key: len(getattr(delta, key)) for key in COUNT_KEYS})
        self._level(result)
        if delta.moved:
            self.changes.append(delta)
        elif delta.persists:
            self.persisting.append(delta)
        return delta

    def _level(self, result: ServiceResult) -> None:
        """A move up or down the ladder; a level the other run did not have is not a move."""
        before = self.previous.service(mark_service(result).id) if result.level is not None else None
        if before is None or before.level not in self.order:
            return
        now = result.level.level or NO_LEVEL
        then, at = self.order.index(before.level), self.order.index(now)
        if then != at:
            self.levels.append((result.id, result.name, before.level, now, "up" if at > then else "down"))

    def finish(self) -> Comparison:
        removed = tuple(s for s in self.previous.services if s.id not in self.seen)
        then = Counter(s.verdict for s in self.previous.services)
        verdicts = tuple((v, then[v], self.verdicts_now[v]) for v in VERDICTS)
        counts = {k: self.counts[k] for k in COUNT_KEYS}
        waived = (sum(1 for s in self.previous.services if valuable_by_waiver(s)), self.waived_now)
        return Comparison(self.previous.source, self.previous.as_of, self.now, tuple(self.changes), removed,
                          verdicts, counts, tuple(self.persisting), waived,
                          tuple(self.levels))


def valuable_by_waiver(mark: ServiceMark) -> bool:
    """Valuable then only because a waiver covered a deciding failure (ServiceResult.valuable_by_waiver)."""
    return mark.verdict == VALUABLE and any(f.waived and f.counts for f in mark.findings)
