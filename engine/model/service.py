"""One record's result: the service verdict, what would make it pass, record errors, provenance."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .compare import RECORD_RULE, ServiceDelta
from .findings import CriterionResult, Finding
from .levels import LevelResult
from .values import ERROR, MET, VALUABLE, WAIVED

RECORD, CHANGE = "record", "change"  # the two kinds of "what would make it pass"


@dataclass(frozen=True)
class FactChange:
    """One change to a service's facts, part of what would make it pass.

    ``kind`` is ``record`` when the fact is not recorded (record missing data:
    ``proposed`` is a value the verification used, and ``text`` says what would
    pass, never presenting that value as a target) or ``change`` when a
    recorded fact fails (change the service: ``proposed`` is the nearest value
    that passes)."""

    path: str  # fact path changed (a list path for "add")
    action: str  # set | add | remove
    current: Any  # the value the catalog records (None: not recorded)
    proposed: Any  # the value set, or the items added
    text: str  # the change in words, e.g. "raise ... from 99.82 to at least 99.9"
    rule: str  # the rule whose condition it satisfies
    kind: str = CHANGE  # record | change
    source: Optional[str] = None  # record: the export field that would feed it, when read through a mapping

    def to_dict(self) -> dict:
        out = {"path": self.path, "action": self.action, "kind": self.kind, "from": self.current,
               "to": self.proposed, "text": self.text, "rule": self.rule}
        if self.source is not None:
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class ToPass:
    """What would make a not-valuable or indeterminate service valuable.

    ``changes`` are shown only when re-evaluating the changed facts through
    the engine gave ``valuable`` (``verified``); otherwise ``note`` says why not.
    ``advice`` adds what a board should weigh beside them ("or retire the service").
    """

    verified: bool
    changes: tuple = ()  # FactChange
    note: str = ""
    advice: str = ""

    def of_kind(self, kind: str) -> tuple:
        return tuple(c for c in self.changes if c.kind == kind)

    def to_dict(self) -> dict:
        out: dict = {"verified": self.verified, "changes": [c.to_dict() for c in self.changes]}
        if self.advice:
            out["advice"] = self.advice
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class RecordError:
    """Why a record could not be evaluated: which field, and what was expected."""

    path: str  # "" for the record itself
    message: str
    provenance: Optional["Provenance"] = None  # where a mapped field's raw value came from

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def to_dict(self) -> dict:
        out = {"path": self.path, "message": self.message}
        if self.provenance is not None:
            out["provenance"] = self.provenance.to_dict()
        return out


@dataclass(frozen=True)
class Provenance:
    """Where one mapped fact came from: export file, record (row/line), field, raw value.

    ``via`` says how a fact was made when not read from the export as is:
    ``default`` or ``constant`` (from the mapping file) or ``join NAME``.
    ``unknown`` marks a field that was read but empty, so the fact is unknown.
    """

    file: str
    record: Optional[int] = None
    line: Optional[int] = None
    field: Optional[str] = None
    raw: Any = None
    via: Optional[str] = None
    unknown: bool = False
    unit: str = "record"  # what a record is called in this file: record or row

    def to_dict(self) -> dict:
        out: dict = {"file": self.file}
        for key in ("record", "line", "field"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["raw"] = self.raw
        if self.via:
            out["via"] = self.via
        if self.unknown:
            out["unknown"] = True
        return out

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        if self.record is not None:
            where += f" {self.unit} {self.record}"
        if self.via in ("default", "constant"):
            return f"{self.via} in {where}"
        field = f"{self.field} = {_short(self.raw)}" if self.field else _short(self.raw)
        via = f" via {self.via}" if self.via else ""
        return f"{field} ({where}{via})" + (" — empty, so unknown" if self.unknown else "")


def _short(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def provenance_for(provenance: Optional[dict], paths) -> dict:
    """Provenance of each path (and the facts under it) that has one, by canonical path."""
    if not provenance:
        return {}
    out = {}
    for path in paths:
        for key, prov in provenance.items():
            if key == path or key.startswith(path + ".") or key.startswith(path + "["):
                out[key] = prov.to_dict()
    return out


@dataclass(frozen=True)
class Source:
    """Where a record came from."""

    file: str
    record: int  # 1-based position within its file
    line: Optional[int] = None

    def to_dict(self) -> dict:
        out: dict = {"file": self.file, "record": self.record}
        if self.line is not None:
            out["line"] = self.line
        return out

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else f"{self.file} record {self.record}"


@dataclass(frozen=True)
class ServiceResult:
    position: int  # 1-based position in the whole run (input order)
    id: Optional[str]
    name: Optional[str]
    verdict: str
    criteria: tuple = ()  # CriterionResult, in CRITERIA order
    findings: tuple = ()  # Finding
    errors: tuple = ()  # RecordError (verdict == error)
    source: Optional[Source] = None
    facts: Any = field(default=None, compare=False, repr=False)  # the validated fact
    to_pass: Optional[ToPass] = None  # for not_valuable / indeterminate services
    provenance: Any = field(default=None, compare=False, repr=False)  # canonical path -> Provenance
    # An invalid record against a baseline: whether its error is new or unchanged.
    baseline: Optional[str] = None
    warnings: tuple = ()  # RecordError: unknown keys, reported but not counted (without --strict)
    # Compared with an earlier report (check --compare): this service then and now.
    change: Optional[ServiceDelta] = None
    level: Optional[LevelResult] = None  # its maturity level, when the policy declares levels
    upcoming: tuple = ()  # Upcoming: the verdict on each day rules come into force that fail for it

    def criterion(self, name: str) -> Optional[CriterionResult]:
        return next((c for c in self.criteria if c.name == name), None)

    def finding(self, rule_id: str) -> Optional[Finding]:
        return next((f for f in self.findings if f.rule == rule_id), None)

    def waived_keys(self) -> frozenset:
        """The criteria and warranty dimensions with a deciding failure an active waiver covers."""
        keys: set = set()
        for f in self.findings:
            if f.waived and f.counts:
                keys.update(k for k in (f.criterion, f.dimension) if k)
        return frozenset(keys)

    def status_of(self, name: str) -> Optional[str]:
        """The status of a criterion or warranty dimension as people read it: ``waived`` when it
        is met only because a waiver covers a failure of it (model.values.WAIVED)."""
        criterion = self.criterion(name)
        warranty = self.criterion("warranty")
        status = criterion.status if criterion is not None else \
            dict(warranty.dimensions).get(name) if warranty is not None else None
        return WAIVED if status == MET and name in self.waived_keys() else status

    def new_levels(self) -> set:
        """Against a baseline: the levels (model Finding.level, or error for an invalid record)
        of the findings the baseline does not hold, waived ones aside; what --fail-on counts."""
        if self.verdict == ERROR:
            return {ERROR} if self.baseline == "new" else set()
        return {f.level for f in self.findings if f.failing and not f.waived and f.baseline == "new"}

    @property
    def baselined(self) -> bool:
        """Judged against a baseline (some state is marked on it)."""
        return self.baseline is not None or any(f.baseline is not None for f in self.findings)

    def fails_at(self, levels, baselined: Optional[bool] = None) -> bool:
        """Whether this result fails a job whose --fail-on counts ``levels`` (verdicts): its
        verdict is one of them, or against a baseline one of its new findings' levels is."""
        against = self.baselined if baselined is None else baselined
        return bool(self.new_levels() & set(levels)) if against else self.verdict in levels

    @property
    def valuable_by_waiver(self) -> bool:
        """Valuable only because a waiver covers a deciding failure."""
        return self.verdict == VALUABLE and any(f.waived and f.counts for f in self.findings)

    def to_dict(self, conditions: bool = False) -> dict:
        out: dict = {"id": self.id, "name": self.name, "verdict": self.verdict}
        if self.verdict == ERROR:
            out["errors"] = [e.to_dict() for e in self.errors]
            out["message"] = "; ".join(str(e) for e in self.errors)
            if self.baseline is not None:
                out["baseline"] = self.baseline
            if self.change is not None:
                out["since"] = self.change.since(RECORD_RULE)
        else:
            out["criteria"] = {c.name: c.to_dict() for c in self.criteria}
            value = self.criterion("value")
            if value is not None and value.balance:
                out["balance"] = [t.to_dict() for t in value.balance]
        out["findings"] = [f.to_dict(conditions) for f in self.findings]
        if self.to_pass is not None:
            out["to_pass"] = self.to_pass.to_dict()
        if self.level is not None:
            out["level"] = self.level.to_dict()
        if self.upcoming:
            out["coming_into_force"] = [u.to_dict() for u in self.upcoming]
        if self.provenance:
            for finding, data in zip(self.findings, out["findings"]):
                found = provenance_for(self.provenance, [p for p, _ in finding.evidence] + list(finding.missing))
                if found:
                    data["provenance"] = found
        if self.warnings:
            out["warnings"] = [e.to_dict() for e in self.warnings]
        if self.change is not None:
            out["change"] = self.change.brief()
        if self.source is not None:
            out["source"] = self.source.to_dict()
        return out
