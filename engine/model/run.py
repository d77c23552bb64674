"""A run's frame: the rules and inputs it used, the summary counted as results stream, the report."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .compare import Comparison
from .service import ServiceResult
from .trend import Trend
from .values import CRITERIA, NOT_APPLICABLE, STATUSES, VERDICTS, WAIVED


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
    aliases: tuple = ()  # former ids (the rule's aliases:)

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        if self.aliases:
            out["aliases"] = list(self.aliases)
        else:
            del out["aliases"]  # most rules were never renamed: reports stay as they were
        return out


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
    waiver_file: Optional[str] = None  # the waiver file in use, as given
    # Fact paths (checked against the fact schema) the board summary also groups verdicts by
    # (--group-by), besides provider and tier.
    group_by: tuple = ()
    levels: tuple = ()  # the maturity levels services are graded on, lowest first (names)
    ladder: tuple = ()  # ((level, (requirement, ...)), ...): what each level requires on top of the one below
    scheduled: tuple = ()  # Scheduled: rules and parameter cases not yet in force on the evaluation date

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
        if self.ladder:
            out["levels"] = [{"name": name, "requires": list(reqs)} for name, reqs in self.ladder]
        if self.scheduled:
            out["scheduled"] = [s.to_dict() for s in self.scheduled]
        return out


@dataclass(frozen=True)
class Scheduled:
    """A rule, or a parameter's case, that comes into force after the evaluation date."""

    effective: str  # ISO day
    rule: Optional[str] = None  # the rule, or
    parameter: Optional[str] = None  # PACK.NAME of the parameter whose case it is
    case: str = ""  # the case: its 'when' and value, in words
    days_left: int = 0

    def to_dict(self) -> dict:
        out: dict = {"effective": self.effective, "days_left": self.days_left}
        if self.rule is not None:
            out["rule"] = self.rule
        if self.parameter is not None:
            out.update(parameter=self.parameter, case=self.case)
        return out

    def text(self) -> str:
        what = f"rule {self.rule}" if self.rule is not None else f"parameter {self.parameter} ({self.case})"
        days = f"{self.days_left} day{'s' * (self.days_left != 1)}"
        return f"{what} comes into force on {self.effective} (in {days})"


@dataclass(frozen=True)
class CoverageRow:
    """One fact path a deciding rule reads, across the services a run judged."""

    path: str
    criterion: str  # what it decides: utility, warranty.availability, ..., value
    recorded: int  # services that record it
    empty: int  # services whose export had the field but left it empty (read through a mapping)
    blocks: int  # indeterminate services whose unknown criteria lack it
    source: Optional[str] = None  # the export field feeding it, "no source in this mapping", or None (no mapping)

    def to_dict(self) -> dict:
        out = {"path": self.path, "criterion": self.criterion, "recorded": self.recorded,
               "empty": self.empty, "blocks": self.blocks}
        if self.source is not None:
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class Coverage:
    """Catalog-level data coverage: which facts the deciding rules read are recorded, and
    what the gaps cost (``notes`` say it in words, per criterion)."""

    services: int  # services judged (records in error excluded)
    rows: tuple = ()  # CoverageRow, in rule order
    notes: tuple = ()  # str

    @property
    def gaps(self) -> tuple:
        return tuple(r for r in self.rows if r.recorded < self.services)

    def to_dict(self) -> dict:
        return {"services": self.services, "facts": [r.to_dict() for r in self.rows], "notes": list(self.notes)}


@dataclass(frozen=True)
class BaselineSummary:
    """A run against a baseline file: what is new, and which entries no longer occur.

    ``new`` counts new findings by the verdict they push towards (not_met:
    not_valuable, unknown: indeterminate, an invalid record: error;
    advisory findings never fail a run); ``fixed`` holds the baseline
    entries whose finding no longer fails, as (service, rule, status, since);
    ``waived`` the entries whose finding fails still under an active waiver
    (not fixed: it counts again when the waiver ends)."""

    file: str
    entries: int
    new: tuple = ()  # ((level, count), ...) for level in not_valuable, indeterminate, error, advisory
    known: int = 0  # findings of this run that the baseline holds (not waived)
    fixed: tuple = ()
    waived: tuple = ()

    def new_at(self, levels) -> int:
        return sum(n for level, n in self.new if level in levels)

    def to_dict(self) -> dict:
        return {"file": self.file, "entries": self.entries, "new": dict(self.new), "known": self.known,
                "fixed": _entries(self.fixed), "waived": _entries(self.waived)}


def _entries(items: tuple) -> list:
    return [{"service": s, "rule": r, "status": st, "since": since} for s, r, st, since in items]


@dataclass
class Summary:
    """Counts accumulated as results stream past (mutable on purpose)."""

    services: int = 0
    verdicts: dict = field(default_factory=lambda: {v: 0 for v in VERDICTS})
    # per criterion, its statuses as people read them: waived (met only by a waiver) apart from met
    criteria: dict = field(default_factory=lambda: {c: {s: 0 for s in STATUSES + (WAIVED,)} for c in CRITERIA})
    waived: int = 0  # findings that did not count against their verdict because of a waiver
    valuable_waived: int = 0  # valuable services that are so only because a waiver covers a failure
    not_applicable: int = 0  # findings of rules that do not apply to their service (counted apart)
    unused_waivers: list = field(default_factory=list)  # active waivers that waived nothing
    blank_rows: int = 0  # fully empty CSV/XLSX rows: not records, but not dropped unseen either
    coverage: Optional[Coverage] = None  # set when the run ends
    baseline: Optional[BaselineSummary] = None  # set when the run ends, with --baseline
    comparison: Optional[Comparison] = None  # set when the run ends, with --compare
    trend: Optional[Trend] = None  # the earlier reviews of a run store (check --store), set as the run starts
    # services per level (NO_LEVEL: below the first), lowest first; None: the policy declares none
    levels: Optional[dict] = None
    short: int = 0  # services one requirement short of their next level
    # per day rules come into force: [services some fail for, services whose verdict changes, {rule: n}]
    upcoming: dict = field(default_factory=dict)
    targets: tuple = ()  # TargetProgress per target of the targets file, set when the run ends

    def add(self, result: ServiceResult) -> None:
        self.count(result.verdict, ((c.name, result.status_of(c.name)) for c in result.criteria),
                   sum(1 for f in result.findings if f.waived), not_applicable(result), result.valuable_by_waiver)
        self.grade(result.verdict, result.level, result.upcoming)

    def count(self, verdict: str, criteria, waived: int = 0, inapplicable: int = 0, by_waiver: bool = False) -> None:
        """Count one service from its verdict, (criterion, status) pairs, waived and
        not applicable findings, and whether only a waiver makes it valuable."""
        self.services += 1
        self.verdicts[verdict] += 1
        for name, status in criteria:
            self.criteria[name][status] += 1
        self.waived += waived
        self.valuable_waived += by_waiver
        self.not_applicable += inapplicable

    def grade(self, verdict: str, level, upcoming: tuple = ()) -> None:
        """Count one service's level and what comes into force for it (``Upcoming``)."""
        if self.levels is not None and level is not None:
            self.levels[level.level or NO_LEVEL] += 1
            self.short += level.one_step_short
        for u in upcoming:
            day = self.upcoming.setdefault(u.effective, [0, 0, {}])
            day[0] += bool(u.rules)
            day[1] += u.verdict != verdict
            for rule in u.rules:
                day[2][rule] = day[2].get(rule, 0) + 1

    def coming_into_force(self) -> list:
        return [{"effective": day, "services_failing": n, "verdict_changes": changed, "rules": rules}
                for day, (n, changed, rules) in sorted(self.upcoming.items())]

    def to_dict(self) -> dict:
        out = {"services": self.services, **self.verdicts, "waived": self.waived}
        if self.levels is not None:
            out["levels"] = dict(self.levels)
            out["one_step_short"] = self.short
        if self.upcoming:
            out["coming_into_force"] = self.coming_into_force()
        if self.valuable_waived:  # of the valuable services, those valuable only under a waiver
            out["valuable_waived"] = self.valuable_waived
        if self.not_applicable:  # only packs with applies_when rules have any
            out["not_applicable"] = self.not_applicable
        if self.blank_rows:
            out["blank_rows_skipped"] = self.blank_rows
        return out

    def fails_at(self, levels) -> bool:
        """Whether the finished run has anything at ``levels`` (new ones, under a baseline)."""
        if self.baseline is not None:
            return self.baseline.new_at(levels) > 0
        return any(self.verdicts[v] for v in levels)

    def blank_note(self) -> str:
        """'; 2 blank rows skipped' for summary lines, or nothing."""
        n = self.blank_rows
        return f"; {n} blank row{'s' * (n != 1)} skipped" if n else ""


NO_LEVEL = "none"  # the summary's key for services below the first level


def not_applicable(result: ServiceResult) -> int:
    """How many of a service's findings are of rules that do not apply to it."""
    return sum(1 for f in result.findings if f.status == NOT_APPLICABLE)


@dataclass(frozen=True)
class Report:
    run: RunInfo
    services: tuple
    summary: Summary

    def to_dict(self, conditions: bool = False) -> dict:
        out = self.run.header(self.summary)
        out["summary"] = self.summary.to_dict()
        if self.summary.coverage is not None:
            out["coverage"] = self.summary.coverage.to_dict()
        if self.summary.baseline is not None:
            out["baseline"] = self.summary.baseline.to_dict()
        if self.summary.comparison is not None:
            out["comparison"] = self.summary.comparison.to_dict()
        if self.summary.targets:
            out["targets"] = [t.to_dict() for t in self.summary.targets]
        out["services"] = [s.to_dict(conditions) for s in self.services]
        return out
