"""This run against a previous one, service by service.

``Comparer`` is fed this run's results in input order (``add`` returns the
``ServiceDelta`` of each) and ``finish`` gives the whole ``Comparison``:
new failures, fixed findings, findings still failing (since when, and
whether their evidence changed: "changed reasons"), services added and
removed, and the verdict counts then and now. Findings are matched by
(service id, rule id) and their status; ``FindingMark.fingerprint`` tells
a changed reason from the same one.

The baseline (``baseline.py``) is this comparison against a baseline
snapshot, kept per finding; ``check --compare`` (review boards) is the
whole comparison as a report block (``Comparison.to_dict``).
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from ..model import VERDICTS, Comparison, FindingMark, ServiceDelta, ServiceResult
from .snapshot import Snapshot, mark_service

NEW, UNCHANGED, UPDATED = "new", "unchanged", "updated"  # SARIF baselineState words


def state(previous: Optional[FindingMark], current: FindingMark) -> str:
    """new: not there before (or with another status); updated: same status, other evidence."""
    if previous is None or previous.status != current.status:
        return NEW
    return UNCHANGED if previous.fingerprint == current.fingerprint else UPDATED


def delta_of(previous: Snapshot, result: ServiceResult, now_as_of: Optional[str] = None) -> ServiceDelta:
    """How one result differs from the same service in ``previous`` (new findings dated ``now_as_of``)."""
    now = mark_service(result, now_as_of)
    before = previous.service(now.id)
    then = {f.rule: f for f in before.findings} if before is not None else {}
    new, still = [], []
    for mark in now.findings:
        old = then.get(mark.rule)
        if old is None or old.status != mark.status:
            new.append(mark)
        else:
            still.append((old, mark))
    kept = {b.rule for _, b in still}
    fixed = tuple(f for rule, f in then.items() if rule not in kept)
    verdict = (before.verdict if before is not None else None, result.verdict)
    return ServiceDelta(now.id, result.name, verdict, tuple(new), fixed, tuple(still))


class Comparer:
    """Streams: ``add`` each result of this run in order, then ``finish``."""

    def __init__(self, previous: Snapshot, now: Optional[str] = None):
        self.previous, self.now = previous, now
        self.seen: set = set()
        self.changes: list = []
        self.persisting: list = []
        self.verdicts_now: Counter = Counter()
        self.counts: Counter = Counter()

    def add(self, result: ServiceResult) -> ServiceDelta:
        delta = delta_of(self.previous, result, self.now)
        self.seen.add(delta.id)
        self.verdicts_now[result.verdict] += 1
        self.counts.update(new=len(delta.new), fixed=len(delta.fixed), still=len(delta.still),
                           changed=len(delta.changed))
        if delta.moved:
            self.changes.append(delta)
        elif delta.failing_still:
            self.persisting.append(delta)
        return delta

    def finish(self) -> Comparison:
        removed = tuple(s for s in self.previous.services if s.id not in self.seen)
        self.counts.update(fixed=sum(len(s.findings) for s in removed))
        then = Counter(s.verdict for s in self.previous.services)
        verdicts = tuple((v, then[v], self.verdicts_now[v]) for v in VERDICTS)
        counts = {k: self.counts[k] for k in ("new", "fixed", "still", "changed")}
        return Comparison(self.previous.source, self.previous.as_of, self.now, tuple(self.changes), removed,
                          verdicts, counts, tuple(self.persisting))
