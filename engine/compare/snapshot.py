"""What a run found, reduced to what another run can be compared with.

A ``Snapshot`` is a run's services (id, name, verdict) and their failing
findings: every finding not met or unknown, those an active waiver covers
marked ``waived`` (a waiver does not make a finding pass), plus one entry
per invalid record (rule ``valuate.record``). A finding is known by its
service id and rule id, and carries a fingerprint of its status and of the
recorded facts it read, so a later run can tell "still failing, same
reason" from "still failing, other values" (``updated``). Derived facts
and parameters are left out of the fingerprint: an age derived from the
evaluation date grows every day while the catalog stays the same, and the
recorded facts a derived fact comes from are in the evidence beside it.

Snapshots are made from live results (``snapshot_of``) or loaded from a
previous ``--format json`` / ``--format jsonl`` report or a baseline file
(``load_snapshot``); the same fingerprint comes out of both.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Optional

from ..model import ERROR, NO_LEVEL, NOT_MET, RECORD_RULE, UNKNOWN, FindingMark, ServiceMark, ServiceResult, fingerprint

OPEN = (NOT_MET, UNKNOWN)  # statuses a snapshot keeps (met and not_applicable decide nothing)


@dataclass(frozen=True)
class Snapshot:
    """A run as another run sees it. ``kind``: report (a previous report) or baseline."""

    source: str  # the file it was loaded from, or "(this run)"
    kind: str
    as_of: Optional[str] = None
    services: tuple = ()  # ServiceMark, in input order
    _findings: Mapping = field(default_factory=dict, compare=False, repr=False)  # key -> FindingMark
    _services: Mapping = field(default_factory=dict, compare=False, repr=False)  # id -> ServiceMark
    advisory: bool = True  # holds advisory findings too (a baseline made without --include-advisory does not)
    rules_digest: Optional[str] = None  # the rules it was made under (its header's rules.digest)

    @staticmethod
    def of(source: str, kind: str, as_of: Optional[str], services: Iterable[ServiceMark], *,
           advisory: bool = True, rules_digest: Optional[str] = None) -> "Snapshot":
        services = tuple(services)
        index = {f.key: f for s in services for f in s.findings}
        by_id: dict = {}
        for s in services:  # a repeated id (a duplicate record) keeps the first record's service
            by_id.setdefault(s.id, s)
        return Snapshot(source, kind, as_of, services, index, by_id, advisory, rules_digest)

    def finding(self, service: str, rule: str) -> Optional[FindingMark]:
        return self._findings.get((service, rule))

    def findings(self) -> Iterable[FindingMark]:
        return self._findings.values()

    def service(self, service_id: str) -> Optional[ServiceMark]:
        return self._services.get(service_id)

    def __len__(self) -> int:
        return len(self._findings)

    def renamed(self, renames: Mapping) -> "Snapshot":
        """The snapshot with each former rule id (aliases:) read as the rule's id now, so a
        renamed rule's findings are still known; a finding recorded under both keeps the first."""
        if not renames or not any(f.rule in renames for f in self.findings()):
            return self
        services = []
        for s in self.services:
            findings = {}
            for f in s.findings:
                f = replace(f, rule=renames.get(f.rule, f.rule))
                findings.setdefault(f.rule, f)
            services.append(ServiceMark(s.id, s.name, s.verdict, tuple(findings.values())))
        return Snapshot.of(self.source, self.kind, self.as_of, services, advisory=self.advisory,
                           rules_digest=self.rules_digest)

    def unwaived(self) -> "Snapshot":
        """The snapshot without its waived findings (what a baseline holds: a waiver's expiry must bite)."""
        services = (ServiceMark(s.id, s.name, s.verdict, tuple(f for f in s.findings if not f.waived), s.level)
                    for s in self.services)
        return Snapshot.of(self.source, self.kind, self.as_of, services, advisory=self.advisory,
                           rules_digest=self.rules_digest)

    def counting(self) -> "Snapshot":
        """The snapshot without its advisory findings (those that can never fail a job)."""
        services = (ServiceMark(s.id, s.name, s.verdict, tuple(f for f in s.findings if f.level != "advisory"))
                    for s in self.services)
        return Snapshot.of(self.source, self.kind, self.as_of, services, advisory=False,
                           rules_digest=self.rules_digest)


def service_key(service_id: Optional[str], position: int) -> str:
    """A service's key: its id; an invalid record without one is known by its position."""
    return service_id if service_id is not None else f"(record {position})"


def marks_of(result: ServiceResult, since: Optional[str] = None) -> tuple:
    """The failing findings of one live result, waived ones marked so."""
    key = service_key(result.id, result.position)
    if result.verdict == ERROR:
        errors = [(e.path, e.message) for e in result.errors]
        text = "; ".join(str(e) for e in result.errors)
        return (FindingMark(key, RECORD_RULE, ERROR, fingerprint(ERROR, errors), True, text, since),)
    return tuple(FindingMark(key, f.rule, f.status, fingerprint(f.status, f.evidence), f.counts, f.message, since,
                             f.waived, f.waiver.expires if f.waiver is not None else None)
                 for f in result.findings if f.status in OPEN)


def mark_service(result: ServiceResult, since: Optional[str] = None) -> ServiceMark:
    level = (result.level.level or NO_LEVEL) if result.level is not None else None
    return ServiceMark(service_key(result.id, result.position), result.name, result.verdict,
                       marks_of(result, since), level)


def snapshot_of(results: Iterable[ServiceResult], as_of: Optional[str], source: str = "(this run)",
                kind: str = "report") -> Snapshot:
    return Snapshot.of(source, kind, as_of, (mark_service(r, as_of) for r in results))


def marks_from_dict(service: dict, position: int, since: Optional[str]) -> ServiceMark:
    """A service object of a JSON/JSONL report (docs/specification.md#the-json-report) as a ServiceMark."""
    key = service_key(service.get("id"), position)
    verdict = service.get("verdict", "")
    if verdict == ERROR:
        errors = [(e.get("path", ""), e.get("message", "")) for e in service.get("errors") or ()]
        found = (FindingMark(key, RECORD_RULE, ERROR, fingerprint(ERROR, errors), True,
                             service.get("message") or "", service.get("since", since)),)
    else:
        found = tuple(
            FindingMark(key, f["rule"], f["status"], fingerprint(f["status"], f.get("evidence") or {}),
                        f.get("criterion") != "advisory" and f.get("severity") == "error",
                        f.get("message") or "", f.get("since", since), f.get("waived") is not None, _expiry(f))
            for f in service.get("findings") or () if f.get("status") in OPEN)
    graded = service.get("level")
    level = (graded.get("level") or NO_LEVEL) if isinstance(graded, dict) else None
    return ServiceMark(key, service.get("name"), verdict, found, level)


def _expiry(finding: dict) -> Optional[str]:
    """The expiry date of a reported finding's waiver, active (``waived``) or not (``waiver_expired``)."""
    waiver = finding.get("waived") or finding.get("waiver_expired")
    return waiver.get("expires") if isinstance(waiver, dict) else None


__all__ = ["RECORD_RULE", "FindingMark", "ServiceMark", "Snapshot", "fingerprint", "marks_of",
           "mark_service", "snapshot_of", "marks_from_dict", "service_key"]
