"""Frozen result records: what an evaluation produced, and nothing else.

Reports see only these. Every output format renders from
``ServiceResult.to_dict()`` (one record per input record) plus ``RunInfo``
and ``Summary``, so the formats cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
STATUSES = (MET, NOT_MET, UNKNOWN)
VALUABLE, NOT_VALUABLE, INDETERMINATE, ERROR = "valuable", "not_valuable", "indeterminate", "error"
VERDICTS = (VALUABLE, NOT_VALUABLE, INDETERMINATE, ERROR)
CRITERIA = ("utility", "warranty", "value")
DIMENSIONS = ("availability", "capacity", "security", "continuity")


def format_value(value: Any) -> str:
    """How a value reads in a message: 99.95, 0.1, 3 items joined, 'not recorded'."""
    if value is None:
        return "(not recorded)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:,.2f}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "(none)"
        return ", ".join(format_value(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ConditionResult:
    """One node of a rule's condition, with the values it saw."""

    description: str
    status: str
    kind: str  # all | any | not | eq | ge | is | any_item ...
    values: tuple = ()  # ((fact path, actual value or None), ...)
    expected: Any = None  # threshold, literal or other path, as shown to people
    missing: tuple = ()  # fact paths whose absence made this unknown
    children: tuple = ()

    def to_dict(self) -> dict:
        out: dict = {"condition": self.description, "status": self.status, "kind": self.kind}
        if self.values:
            out["values"] = dict(self.values)
        if self.expected is not None:
            out["expected"] = self.expected
        if self.missing:
            out["missing"] = list(self.missing)
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out


@dataclass(frozen=True)
class Finding:
    """The outcome of one rule on one service."""

    rule: str
    criterion: str  # utility | warranty | value | advisory
    dimension: Optional[str]
    status: str
    severity: str
    title: str
    message: str
    evidence: tuple = ()  # ((path, value), ...) facts, derived facts and param.* read
    missing: tuple = ()
    condition: Optional[ConditionResult] = None
    pack: str = ""
    waiver: Optional["Waiver"] = None  # a waiver for this service and rule, active or expired

    @property
    def deciding(self) -> bool:
        return self.criterion != "advisory"

    @property
    def counts(self) -> bool:
        """Whether the finding takes part in its criterion: deciding and of severity error."""
        return self.deciding and self.severity == "error"

    @property
    def waived(self) -> bool:
        """Not met or unknown, but covered by an active waiver: counts as met."""
        return self.waiver is not None and self.waiver.active and self.status != MET

    def to_dict(self, conditions: bool = False) -> dict:
        out: dict = {"rule": self.rule, "criterion": self.criterion}
        if self.dimension:
            out["dimension"] = self.dimension
        out.update(status=self.status, severity=self.severity, title=self.title,
                   message=self.message, evidence=dict(self.evidence))
        if self.missing:
            out["missing"] = list(self.missing)
        if self.waiver is not None:
            out["waived" if self.waiver.active else "waiver_expired"] = self.waiver.to_dict()
        if conditions and self.condition is not None:
            out["conditions"] = self.condition.to_dict()
        return out


@dataclass(frozen=True)
class Waiver:
    """An approved, time-limited exception for one service's rule or criterion."""

    service: str
    target: str  # a rule id, or a criterion (utility, warranty, warranty.capacity, value, advisory)
    reason: str
    approved_by: str
    expires: str  # ISO date; the waiver applies up to and including this day
    state: str = "active"  # active | expired (as of the evaluation date)
    days_left: int = 0  # days from the evaluation date to the expiry (negative: expired)
    expiring: bool = False  # active and within the warning window
    source: str = ""  # file:line of the waiver

    @property
    def active(self) -> bool:
        return self.state == "active"

    def when(self) -> str:
        """The expiry relative to the evaluation date: 'in 17 days', 'today', '1 day ago'."""
        n = abs(self.days_left)
        span = f"{n} day{'s' * (n != 1)}"
        return "today" if n == 0 else f"in {span}" if self.days_left > 0 else f"{span} ago"

    def to_dict(self) -> dict:
        return {"reason": self.reason, "approved_by": self.approved_by, "expires": self.expires,
                "source": self.source}

    def notice(self) -> dict:
        return {"service": self.service, "target": self.target, "expires": self.expires,
                "days_left": self.days_left, "reason": self.reason, "approved_by": self.approved_by,
                "source": self.source}


@dataclass(frozen=True)
class CriterionResult:
    name: str  # utility | warranty | value
    status: str
    findings: tuple = ()  # rule ids
    dimensions: tuple = ()  # ((dimension, status), ...) for warranty
    positives: Any = None  # value balance totals, for value
    negatives: Any = None
    # BalanceTerm per counted effect, for value; serialised as the service's "balance"
    # key so the criterion keeps exactly the shape CONTRACT.md section 3 shows.
    balance: tuple = ()

    def to_dict(self) -> dict:
        out: dict = {"status": self.status, "findings": list(self.findings)}
        if self.name == "warranty":
            out["dimensions"] = dict(self.dimensions)
        if self.name == "value":
            out["positives"] = self.positives
            out["negatives"] = self.negatives
        return out


@dataclass(frozen=True)
class BalanceTerm:
    """One listed effect counted in the value balance: impact x weight = points."""

    side: str  # positive | negative
    list: str  # fact path of the list, e.g. costs.removed
    index: int  # position in that list
    description: Optional[str]
    impact: Any  # as counted (the default when the item gives none)
    weight: Any
    points: Any

    def to_dict(self) -> dict:
        return {"side": self.side, "list": self.list, "index": self.index,
                "description": self.description, "impact": self.impact,
                "weight": self.weight, "points": self.points}


@dataclass(frozen=True)
class FactChange:
    """One change to a service's facts, part of what would make it pass."""

    path: str  # fact path changed (a list path for "add")
    action: str  # set | add | remove
    current: Any  # the value the catalog records (None: not recorded)
    proposed: Any  # the value set, or the items added
    text: str  # the change in words, e.g. "raise ... from 99.82 to at least 99.9"
    rule: str  # the rule whose condition it satisfies
    example: bool = False  # True when the value only illustrates (both sides of a comparison unrecorded)

    def to_dict(self) -> dict:
        out = {"path": self.path, "action": self.action, "from": self.current,
               "to": self.proposed, "text": self.text, "rule": self.rule}
        if self.example:
            out["example"] = True
        return out


@dataclass(frozen=True)
class ToPass:
    """What would make a not-valuable or indeterminate service valuable.

    ``changes`` are shown only when re-evaluating the changed facts through
    the engine gave ``valuable`` (``verified``); otherwise ``note`` says why not.
    """

    verified: bool
    changes: tuple = ()  # FactChange
    note: str = ""

    def to_dict(self) -> dict:
        out: dict = {"verified": self.verified, "changes": [c.to_dict() for c in self.changes]}
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

    def criterion(self, name: str) -> Optional[CriterionResult]:
        return next((c for c in self.criteria if c.name == name), None)

    def finding(self, rule_id: str) -> Optional[Finding]:
        return next((f for f in self.findings if f.rule == rule_id), None)

    def to_dict(self, conditions: bool = False) -> dict:
        out: dict = {"id": self.id, "name": self.name, "verdict": self.verdict}
        if self.verdict == ERROR:
            out["errors"] = [e.to_dict() for e in self.errors]
            out["message"] = "; ".join(str(e) for e in self.errors)
        else:
            out["criteria"] = {c.name: c.to_dict() for c in self.criteria}
            value = self.criterion("value")
            if value is not None and value.balance:
                out["balance"] = [t.to_dict() for t in value.balance]
        out["findings"] = [f.to_dict(conditions) for f in self.findings]
        if self.to_pass is not None:
            out["to_pass"] = self.to_pass.to_dict()
        if self.provenance:
            for finding, data in zip(self.findings, out["findings"]):
                found = provenance_for(self.provenance, [p for p, _ in finding.evidence] + list(finding.missing))
                if found:
                    data["provenance"] = found
        if self.source is not None:
            out["source"] = self.source.to_dict()
        return out


@dataclass(frozen=True)
class RuleInfo:
    """A rule's fixed metadata, for reports that describe rules (SARIF, HTML)."""

    id: str
    pack: str
    title: str
    criterion: str
    severity: str
    rationale: str
    remediation: str
    condition: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RunInfo:
    tool: str
    version: str
    packs: tuple  # pack names
    digest: str
    as_of: str
    params: tuple = ()  # ((pack, name, value), ...)
    rules: tuple = ()  # RuleInfo
    inputs: tuple = ()  # catalog files
    digests: tuple = ()  # ((input, "sha256:..." or None), ...): rules, profile, waivers, facts, all
    waivers: Optional[tuple] = None  # Waiver records of the waiver file, when one is used
    waiver_warning_days: int = 30
    profile: Optional[tuple] = None  # (name, (file, ...)) of the profile in use, bases first

    def header(self, summary: Optional["Summary"] = None) -> dict:
        """The report's head; given the final summary it also lists unused waivers."""
        out = {"tool": {"name": self.tool, "version": self.version},
               "rules": {"packs": list(self.packs), "digest": self.digest},
               "as_of": self.as_of}
        if self.digests:
            out["inputs"] = dict(self.digests)
        if self.profile is not None:
            out["profile"] = {"name": self.profile[0], "files": list(self.profile[1])}
        if self.waivers is not None:
            out["waivers"] = {
                "total": len(self.waivers), "warning_days": self.waiver_warning_days,
                "expired": [w.notice() for w in self.waivers if not w.active],
                "expiring": [w.notice() for w in self.waivers if w.expiring]}
            if summary is not None:
                out["waivers"]["unused"] = [w.notice() for w in summary.unused_waivers]
        return out


@dataclass
class Summary:
    """Counts accumulated as results stream past (mutable on purpose)."""

    services: int = 0
    verdicts: dict = field(default_factory=lambda: {v: 0 for v in VERDICTS})
    criteria: dict = field(default_factory=lambda: {c: {s: 0 for s in STATUSES} for c in CRITERIA})
    waived: int = 0  # findings that did not count against their verdict because of a waiver
    unused_waivers: list = field(default_factory=list)  # active waivers that waived nothing
    blank_rows: int = 0  # fully empty CSV/XLSX rows: not records, but not dropped unseen either

    def add(self, result: ServiceResult) -> None:
        self.count(result.verdict, ((c.name, c.status) for c in result.criteria),
                   sum(1 for f in result.findings if f.waived))

    def count(self, verdict: str, criteria, waived: int = 0) -> None:
        """Count one service from its verdict, (criterion, status) pairs and waived findings."""
        self.services += 1
        self.verdicts[verdict] += 1
        for name, status in criteria:
            self.criteria[name][status] += 1
        self.waived += waived

    def to_dict(self) -> dict:
        out = {"services": self.services, **self.verdicts, "waived": self.waived}
        if self.blank_rows:
            out["blank_rows_skipped"] = self.blank_rows
        return out

    def blank_note(self) -> str:
        """'; 2 blank rows skipped' for summary lines, or nothing."""
        n = self.blank_rows
        return f"; {n} blank row{'s' * (n != 1)} skipped" if n else ""


@dataclass(frozen=True)
class Report:
    run: RunInfo
    services: tuple
    summary: Summary

    def to_dict(self, conditions: bool = False) -> dict:
        out = self.run.header(self.summary)
        out["summary"] = self.summary.to_dict()
        out["services"] = [s.to_dict(conditions) for s in self.services]
        return out
