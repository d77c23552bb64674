"""What one rule found on one service: the finding, its condition tree, its waiver, the criterion."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from .values import FAILING


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
    found: str = ""  # not met or unknown: what was found instead, in words ("no continuity plan")
    applies: bool = True  # False: an alternative of a met "any" that did not matter
    # under a `not`: what the rule requires of this node (its negation, "tier != 1"); "" when
    # that is the description itself
    required: str = ""

    def to_dict(self) -> dict:
        out: dict = {"condition": self.description, "status": self.status, "kind": self.kind}
        if self.found:
            out["found"] = self.found
        if self.required:
            out["required"] = self.required
        if not self.applies:
            out["applies"] = False
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
class Perspective:
    """The value balance as one stakeholder perceives it
    (docs/specification.md#value-as-each-stakeholder-perceives-it): the effects naming
    it plus those naming no one, with the bounds of the balance judged once."""

    name: str  # a consumer role (customer, user, sponsor) or a stakeholder's name
    status: str  # as durable-rules decided it for this perspective
    positives: Any
    negatives: Any
    unrecorded: tuple = ()  # the lists not recorded, when they leave it unknown
    who: str = field(default="", compare=False)  # in words: 'the user', or a stakeholder's name
    text: str = field(default="", compare=False)  # its sums in words: 'brings the user 4 against 1'

    def to_dict(self) -> dict:
        out = {"name": self.name, "status": self.status, "positives": self.positives,
               "negatives": self.negatives}
        if self.unrecorded:
            out["unrecorded"] = list(self.unrecorded)
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
    # Against a baseline (check --baseline): new | unchanged | updated (SARIF's
    # baselineState words; updated: same status, other evidence). None: no baseline.
    baseline: Optional[str] = None
    # Compared with an earlier report (check --compare): the evaluation date this
    # open finding was first seen failing, carried forward from report to report.
    since: Optional[str] = None
    # The ISO day the rule comes into force, when it has one; before it (``in_force``
    # False) the finding is reported ("enforced from ...") but decides nothing.
    effective: Optional[str] = None
    in_force: bool = True
    # Perspective per stakeholder the rule judged a balance for, when effects name whom
    # they affect (empty: judged once, over every effect).
    perspectives: tuple = ()

    @property
    def deciding(self) -> bool:
        """Whether it takes part in the verdict: not advisory, and its rule in force."""
        return self.criterion != "advisory" and self.in_force

    @property
    def scheduled(self) -> bool:
        """Would decide once its rule comes into force (a deciding rule of severity error)."""
        return not self.in_force and self.criterion != "advisory" and self.severity == "error"

    @property
    def counts(self) -> bool:
        """Whether the finding takes part in its criterion: deciding and of severity error."""
        return self.deciding and self.severity == "error"

    @property
    def level(self) -> str:
        """The verdict this finding pushes its service towards when it fails: not_valuable
        (not met), indeterminate (unknown), or advisory for a finding that decides nothing
        (an advisory rule, or a severity below error): such a finding never fails a job."""
        if not self.counts:
            return "advisory"
        return "not_valuable" if self.status == "not_met" else "indeterminate"

    @property
    def failing(self) -> bool:
        """Not met or unknown: met and not applicable findings are not failing."""
        return self.status in FAILING

    @property
    def waived(self) -> bool:
        """Not met or unknown, but covered by an active waiver: counts as met."""
        return self.waiver is not None and self.waiver.active and self.status in FAILING

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
        if self.baseline is not None:
            out["baseline"] = self.baseline
        if self.since is not None:
            out["since"] = self.since
        if self.effective is not None:
            out["effective"] = self.effective
            out["in_force"] = self.in_force
        if self.perspectives:
            out["perspectives"] = [p.to_dict() for p in self.perspectives]
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
    levels: tuple = ()  # maturity levels the waived finding still counts toward (none unless named)

    @property
    def active(self) -> bool:
        return self.state == "active"

    def place(self) -> tuple:
        """(file, line) of the waiver in its file; line None when not known."""
        file, sep, line = self.source.rpartition(":")
        return (file, int(line)) if sep and line.isdigit() else (self.source, None)

    def when(self) -> str:
        """The expiry relative to the evaluation date: 'in 17 days', 'today', '1 day ago'."""
        n = abs(self.days_left)
        span = f"{n} day{'s' * (n != 1)}"
        return "today" if n == 0 else f"in {span}" if self.days_left > 0 else f"{span} ago"

    def to_dict(self) -> dict:
        out = {"reason": self.reason, "approved_by": self.approved_by, "expires": self.expires,
               "source": self.source}
        if self.levels:
            out["levels"] = list(self.levels)
        return out

    def notice(self) -> dict:
        return {"service": self.service, "target": self.target, "expires": self.expires,
                "days_left": self.days_left, "reason": self.reason, "approved_by": self.approved_by,
                "source": self.source}


WAIVER_GATES = ("expired", "unused")  # what --fail-on-waiver can fail a run on


def gated_waivers(waivers, unused, kinds) -> tuple:
    """(kind, Waiver) of each waiver that fails a run under ``--fail-on-waiver kinds``:
    expired ones (of ``waivers``, the waiver file's) and ``unused`` ones (waived nothing)."""
    out = []
    if "expired" in kinds:
        out += [("expired", w) for w in waivers or () if not w.active]
    if "unused" in kinds:
        out += [("unused", w) for w in unused]
    return tuple(out)


def gate_words(kind: str, waiver: "Waiver") -> str:
    """What a failing waiver did wrong, in words, without its place."""
    what = f"expired on {waiver.expires}" if kind == "expired" else "waived nothing"
    return f"waiver {waiver.service} / {waiver.target} {what}"


@dataclass(frozen=True)
class CriterionResult:
    name: str  # utility | warranty | value
    status: str
    findings: tuple = ()  # rule ids
    dimensions: tuple = ()  # ((dimension, status), ...) for warranty
    positives: Any = None  # value balance totals, for value
    negatives: Any = None
    # BalanceTerm per counted effect, for value; serialised as the service's "balance"
    # key so the criterion keeps exactly the shape docs/specification.md#the-json-report shows.
    balance: tuple = ()
    # Perspective per stakeholder, for value when effects name whom they affect (empty:
    # the balance is judged once; positives and negatives count every effect once).
    perspectives: tuple = ()

    def to_dict(self) -> dict:
        out: dict = {"status": self.status, "findings": list(self.findings)}
        if self.name == "warranty":
            out["dimensions"] = dict(self.dimensions)
        if self.name == "value":
            out["positives"] = self.positives
            out["negatives"] = self.negatives
            if self.perspectives:
                out["perspectives"] = [p.to_dict() for p in self.perspectives]
        return out

    def valuable_to(self) -> tuple:
        """(names met, names not met, names unknown) of the perspectives, in order."""
        return tuple(tuple(p.name for p in self.perspectives if p.status == s)
                     for s in ("met", "not_met", "unknown"))


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
    affects: tuple = ()  # whom the effect names (its ``for``); empty: every perspective

    def to_dict(self) -> dict:
        out = {"side": self.side, "list": self.list, "index": self.index,
               "description": self.description, "impact": self.impact,
               "weight": self.weight, "points": self.points}
        if self.affects:
            out["for"] = list(self.affects)
        return out
