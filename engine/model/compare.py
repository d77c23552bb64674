"""A run set beside an earlier one: open findings as marks, and what changed, per service and in all.

These are records only; ``engine/compare`` makes them (snapshots of earlier
reports, the comparer that walks this run's results) and the reports render
them: the baseline states of CI runs and the ``--compare`` block of a
review board's report are both built from them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .values import ERROR, NOT_MET

RECORD_RULE = "valuate.record"  # the "finding" of an invalid record: its errors


@dataclass(frozen=True)
class FindingMark:
    """One open finding of one service: its key (service, rule) and what it found."""

    service: str
    rule: str
    status: str  # not_met | unknown, or "error" for RECORD_RULE
    fingerprint: str
    counts: bool = True  # decides a verdict (deciding, severity error); advisory findings do not
    message: str = ""
    since: Optional[str] = None  # the evaluation date it was first seen, when known

    @property
    def key(self) -> tuple:
        return (self.service, self.rule)

    @property
    def level(self) -> str:
        """The verdict this finding pushes a service towards (advisory: none)."""
        if self.rule == RECORD_RULE:
            return ERROR
        if not self.counts:
            return "advisory"
        return "not_valuable" if self.status == NOT_MET else "indeterminate"

    def to_dict(self) -> dict:
        out = {"service": self.service, "rule": self.rule, "status": self.status,
               "fingerprint": self.fingerprint}
        if not self.counts:
            out["counts"] = False
        if self.since is not None:
            out["since"] = self.since
        out["message"] = self.message
        return out


@dataclass(frozen=True)
class ServiceMark:
    id: str
    name: Optional[str]
    verdict: str
    findings: tuple = ()  # FindingMark, in report order


@dataclass(frozen=True)
class ServiceDelta:
    """One service of this run against the same service (by id) of the earlier one."""

    id: str
    name: Optional[str]
    verdict: tuple  # (then, now); then is None for a service the previous run did not have
    new: tuple = ()  # FindingMark of now
    fixed: tuple = ()  # FindingMark of then, no longer open (or open with another status)
    still: tuple = ()  # (then, now) FindingMark pairs, same key and status

    @property
    def added(self) -> bool:
        return self.verdict[0] is None

    @property
    def changed(self) -> tuple:
        """Still failing, but for other values: (then, now) pairs whose fingerprints differ."""
        return tuple((a, b) for a, b in self.still if a.fingerprint != b.fingerprint)

    @property
    def moved(self) -> bool:
        """Whether anything changed: a finding new or fixed, other reasons, another verdict, added."""
        return bool(self.new or self.fixed or self.added or self.changed or self.verdict[0] != self.verdict[1])

    @property
    def failing_still(self) -> tuple:
        """(then, now) pairs of deciding findings that failed then and still fail."""
        return tuple((a, b) for a, b in self.still if b.counts)

    def first_failed(self) -> Optional[str]:
        """The earliest date a deciding finding open now was first seen failing."""
        dates = [a.since or b.since for a, b in self.failing_still] + [m.since for m in self.new if m.counts]
        return min((d for d in dates if d), default=None)

    def since(self, rule: str) -> Optional[str]:
        """When ``rule`` (open now) was first seen failing: carried from the earlier run when it
        failed there too with the same status, else the date of this run."""
        return next((a.since or b.since for a, b in self.still if b.rule == rule),
                    next((m.since for m in self.new if m.rule == rule), None))

    def brief(self) -> dict:
        """The change as a service's own JSON carries it."""
        return {"then": self.verdict[0], "new": [m.rule for m in self.new], "fixed": [m.rule for m in self.fixed],
                "changed": [b.rule for _, b in self.changed]}

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "verdict": {"then": self.verdict[0], "now": self.verdict[1]},
                "new": [m.to_dict() for m in self.new], "fixed": [m.to_dict() for m in self.fixed],
                "still": [{**b.to_dict(), "since": a.since or b.since, "changed": a.fingerprint != b.fingerprint}
                          for a, b in self.still]}


@dataclass(frozen=True)
class Comparison:
    """This run against an earlier report (``check --compare``), for the whole catalog."""

    previous: str  # the file compared with
    then: Optional[str]  # its evaluation date
    now: Optional[str]
    changes: tuple = ()  # ServiceDelta of the services where anything moved, in input order
    removed: tuple = ()  # ServiceMark of services the previous run had and this one does not
    verdicts: tuple = ()  # ((verdict, then, now), ...)
    counts: dict = field(default_factory=dict)  # new, fixed, still, changed: findings
    # ServiceDelta of the services where nothing moved but deciding findings still fail
    persisting: tuple = ()

    @property
    def added(self) -> tuple:
        return tuple(d for d in self.changes if d.added)

    def of_kind(self, kind: str) -> tuple:
        """The deltas with a finding ``new``, ``fixed`` or ``changed``."""
        return tuple(d for d in self.changes if not d.added and getattr(d, kind))

    def to_dict(self) -> dict:
        return {"previous": self.previous, "then": self.then, "now": self.now, **self.counts,
                "verdicts": {v: {"then": a, "now": b} for v, a, b in self.verdicts},
                "added": [d.id for d in self.added],
                "removed": [{"id": s.id, "name": s.name, "verdict": s.verdict} for s in self.removed],
                "services": [d.to_dict() for d in self.changes],
                "still_failing": [{"id": d.id, "name": d.name, "verdict": d.verdict[1],
                                   "rules": [{"rule": b.rule, "status": b.status, "since": a.since or b.since}
                                             for a, b in d.still if b.counts]} for d in self.persisting]}
