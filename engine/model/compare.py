"""A run set beside an earlier one: open findings as marks, and what changed, per service and in all.

These are records only; ``engine/compare`` makes them (snapshots of earlier
reports, the comparer that walks this run's results) and the reports render
them: the baseline states of CI runs and the ``--compare`` block of a
review board's report are both built from them.

A waived finding still fails: a waiver never fixes anything. A delta keeps
the waiver states apart (newly waived, still waived, failing again because
the waiver expired or was removed), so "fixed" means the finding no longer
fails at all.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Optional

from .values import ERROR, NOT_MET, UNKNOWN, VALUABLE

RECORD_RULE = "valuate.record"  # the "finding" of an invalid record: its errors
NOT_RECORDED = ("derived.", "param.")  # evidence that is not a recorded fact


def fingerprint(status: str, evidence) -> str:
    """16 hex digits of sha256 over the status and the recorded facts of the evidence, order-independent
    (derived facts and parameters left out: an age grows every day while the catalog stays the same)."""
    pairs = evidence.items() if isinstance(evidence, dict) else evidence
    items = sorted((str(k), v) for k, v in pairs if not str(k).startswith(NOT_RECORDED))
    text = json.dumps([status, items], sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class FindingMark:
    """One failing finding of one service: its key (service, rule) and what it found."""

    service: str
    rule: str
    status: str  # not_met | unknown, or "error" for RECORD_RULE
    fingerprint: str  # of the status and the recorded facts read; "" when not known (an old baseline)
    counts: bool = True  # decides a verdict (deciding, severity error); advisory findings do not
    message: str = ""
    since: Optional[str] = None  # the evaluation date it was first seen failing, when known
    waived: bool = False  # an active waiver covers it: it fails, but does not count against the verdict
    waiver: Optional[str] = None  # the expiry date of the waiver that covers it or, expired, covered it

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

    @property
    def waiver_words(self) -> str:
        """'waived until 2026-12-15', 'waiver expired on 2026-10-31' or 'waiver removed'."""
        if self.waived:
            return f"waived until {self.waiver}"
        return f"waiver expired on {self.waiver}" if self.waiver else "waiver removed"

    def to_dict(self) -> dict:
        out = {"service": self.service, "rule": self.rule, "status": self.status,
               "fingerprint": self.fingerprint}
        if not self.counts:
            out["counts"] = False
        if self.since is not None:
            out["since"] = self.since
        if self.waived:
            out["waived"] = True
        if self.waiver is not None:
            out["waiver_expires"] = self.waiver
        out["message"] = self.message
        return out


def differs(then: FindingMark, now: FindingMark) -> bool:
    """Whether a finding failing then and now fails for other reasons: the recorded facts it
    reads changed (the fingerprint) and so did its message. Identical messages are never a
    change; without a fingerprint (an old baseline) the messages alone decide."""
    if then.message == now.message:
        return False
    if then.fingerprint and now.fingerprint:
        return then.fingerprint != now.fingerprint
    return bool(then.message)


@dataclass(frozen=True)
class ServiceMark:
    id: str
    name: Optional[str]
    verdict: str
    findings: tuple = ()  # FindingMark, in report order
    level: Optional[str] = None  # its maturity level ("none": below the first); None: not graded


@dataclass(frozen=True)
class ServiceDelta:
    """One service of this run against the same service (by id) of the earlier one."""

    id: str
    name: Optional[str]
    verdict: tuple  # (then, now); then is None for a service the previous run did not have
    new: tuple = ()  # FindingMark of now: failing, not waived; not failing then (or with another status)
    fixed: tuple = ()  # FindingMark of then (waived or not) that no longer fails at all
    still: tuple = ()  # (then, now) FindingMark pairs, same key and status, not waived now or then
    newly_waived: tuple = ()  # (then or None, now): failing and waived now, not waived then
    still_waived: tuple = ()  # (then, now): waived then and now
    waiver_ended: tuple = ()  # (then, now): waived then, failing again now (the waiver expired or went)

    @property
    def added(self) -> bool:
        return self.verdict[0] is None

    @property
    def changed(self) -> tuple:
        """Still failing, but for other values: (then, now) pairs whose recorded facts and message differ."""
        return tuple((a, b) for a, b in self.still if differs(a, b))

    @property
    def moved(self) -> bool:
        """Whether anything changed: a finding new, fixed, newly waived or failing again, other
        reasons, another verdict, added."""
        return bool(self.new or self.fixed or self.newly_waived or self.waiver_ended or self.added
                    or self.changed or self.verdict[0] != self.verdict[1])

    @property
    def valuable_waived(self) -> tuple:
        """(then, now): valuable only because a waiver covered a deciding failure."""
        then = any(a.counts for a, _ in self.still_waived + self.waiver_ended) or \
            any(m.waived and m.counts for m in self.fixed)
        now = any(b.counts for _, b in self.still_waived + self.newly_waived)
        return (self.verdict[0] == VALUABLE and then, self.verdict[1] == VALUABLE and now)

    @property
    def failing_still(self) -> tuple:
        """(then, now) pairs of deciding findings that failed then and still fail (not waived)."""
        return tuple((a, b) for a, b in self.still if b.counts)

    def still_with(self, status: str) -> tuple:
        """Deciding (then, now) pairs still failing with ``status`` (not_met, unknown, error)."""
        return tuple((a, b) for a, b in self.failing_still if b.status == status)

    @property
    def persists(self) -> bool:
        """Deciding findings fail still, waived or not (the "still" groups list the service)."""
        return bool(self.failing_still or any(b.counts for _, b in self.still_waived))

    def first_failed(self) -> Optional[str]:
        """The earliest date a deciding finding failing now (not waived) was first seen failing."""
        pairs = self.failing_still + tuple(p for p in self.waiver_ended if p[1].counts)
        dates = [a.since or b.since for a, b in pairs] + [m.since for m in self.new if m.counts]
        return min((d for d in dates if d), default=None)

    def since(self, rule: str) -> Optional[str]:
        """When ``rule`` (failing now) was first seen failing: carried from the earlier run when it
        failed there too with the same status, else the date of this run."""
        for a, b in self.still + self.still_waived + self.waiver_ended + self.newly_waived:
            if b.rule == rule:
                return (a.since if a is not None and a.status == b.status else None) or b.since
        return next((m.since for m in self.new if m.rule == rule), None)

    def baseline_state(self, rule: str) -> str:
        """SARIF's baselineState of a finding failing now: new, unchanged or updated (other reasons)."""
        for a, b in self.still + self.still_waived + self.waiver_ended + self.newly_waived:
            if b.rule == rule and a is not None and a.status == b.status:
                return "updated" if differs(a, b) else "unchanged"
        return "new"

    def brief(self) -> dict:
        """The change as a service's own JSON carries it."""
        return {"then": self.verdict[0], "new": [m.rule for m in self.new], "fixed": [m.rule for m in self.fixed],
                "changed": [b.rule for _, b in self.changed],
                **{key: [b.rule for _, b in getattr(self, key)] for key in WAIVER_KEYS}}

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "verdict": {"then": self.verdict[0], "now": self.verdict[1]},
                "new": [m.to_dict() for m in self.new], "fixed": [m.to_dict() for m in self.fixed],
                "still": [_pair(a, b) for a, b in self.still],
                **{key: [_pair(a, b) for a, b in getattr(self, key)] for key in WAIVER_KEYS}}


WAIVER_KEYS = ("newly_waived", "still_waived", "waiver_ended")


def _pair(then: Optional[FindingMark], now: FindingMark) -> dict:
    """A finding failing now as JSON: since when, and whether its reasons changed."""
    if then is None:
        return now.to_dict()
    same = then.status == now.status
    return {**now.to_dict(), "since": (then.since if same else None) or now.since,
            "changed": same and differs(then, now)}


COUNT_KEYS = ("new", "fixed", "still", "changed") + WAIVER_KEYS
# the "still" groups of services where nothing moved: (JSON key, ServiceDelta pairs)
PERSISTING = (("still_failing", lambda d: d.still_with(NOT_MET)),
              ("still_waiting_for_data", lambda d: d.still_with(UNKNOWN)),
              ("still_invalid", lambda d: d.still_with(ERROR)),
              ("still_under_waiver", lambda d: tuple(p for p in d.still_waived if p[1].counts)))


@dataclass(frozen=True)
class Comparison:
    """This run against an earlier report (``check --compare``), for the whole catalog."""

    previous: str  # the file compared with
    then: Optional[str]  # its evaluation date
    now: Optional[str]
    changes: tuple = ()  # ServiceDelta of the services where anything moved, in input order
    removed: tuple = ()  # ServiceMark of services the previous run had and this one does not
    verdicts: tuple = ()  # ((verdict, then, now), ...)
    counts: dict = field(default_factory=dict)  # COUNT_KEYS: findings
    # ServiceDelta of the services where nothing moved but deciding findings still fail (or stay waived)
    persisting: tuple = ()
    valuable_waived: tuple = (0, 0)  # (then, now): of the valuable, those valuable only under a waiver
    # ((id, name, level then, level now, "up" | "down"), ...): services that moved up or down a level
    levels: tuple = ()

    def moved(self, way: str) -> tuple:
        return tuple(m for m in self.levels if m[4] == way)

    DETAIL_KEYS = ("services",) + tuple(key for key, _ in PERSISTING)  # the per-service lists of to_dict

    @property
    def added(self) -> tuple:
        return tuple(d for d in self.changes if d.added)

    def of_kind(self, kind: str) -> tuple:
        """The deltas with a finding ``new``, ``fixed`` or ``changed``."""
        return tuple(d for d in self.changes if not d.added and getattr(d, kind))

    def to_dict(self) -> dict:
        out = {"previous": self.previous, "then": self.then, "now": self.now, **self.counts,
               "verdicts": {v: {"then": a, "now": b} for v, a, b in self.verdicts},
               **({"valuable_waived": dict(zip(("then", "now"), self.valuable_waived))}
                  if any(self.valuable_waived) else {}),
               "added": [d.id for d in self.added],
               "removed": [{"id": s.id, "name": s.name, "verdict": s.verdict} for s in self.removed],
               "services": [d.to_dict() for d in self.changes]}
        if self.levels:
            out["levels"] = {way: [{"id": i, "name": n, "then": a, "now": b} for i, n, a, b, w in self.levels
                                   if w == way] for way in ("up", "down")}
        for key, pairs in PERSISTING:
            out[key] = [{"id": d.id, "name": d.name, "verdict": d.verdict[1],
                         "rules": [{"rule": b.rule, "status": b.status, "since": a.since or b.since}
                                   for a, b in pairs(d)]} for d in self.persisting if pairs(d)]
        return out
