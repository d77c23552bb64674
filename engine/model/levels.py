"""Grades beyond the verdict: a service's maturity level, and what comes into force later.

A level (``LevelResult``) is the highest of a ladder of levels whose
requirements all hold, each level's on top of the one below; the shortfall
says what keeps the service from the next one, naming the missing fact where
a requirement is unknown. ``Upcoming`` is the service as it will be judged on
a day when rules not yet in force start to decide (``effective``). A ``Target``
(services in scope, a level, a date) and a run's ``TargetProgress`` toward it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Shortfall:
    """One requirement of a level that does not hold: not met, or unknown."""

    requirement: str  # a rule id or a criterion (utility, warranty, warranty.capacity, value, verdict)
    status: str  # not_met | unknown | waived (met only under a waiver that does not count for levels)
    message: str  # what was found, in words
    missing: tuple = ()  # unknown: the fact paths whose recording could lift it

    def to_dict(self) -> dict:
        out = {"requires": self.requirement, "status": self.status, "message": self.message}
        if self.missing:
            out["missing"] = list(self.missing)
        return out

    def text(self) -> str:
        if self.missing:
            return f"{self.requirement} {self.status}: record {', '.join(self.missing)}"
        return f"{self.requirement} {self.status}: {self.message}"


@dataclass(frozen=True)
class LevelResult:
    """A service's level: ``level`` None is below the first; ``next`` None is at the top."""

    level: Optional[str]
    next: Optional[str] = None
    short: tuple = ()  # Shortfall, the next level's requirements that do not hold
    targets: tuple = ()  # ((target name, reached?), ...) for the targets the service is in scope of

    @property
    def one_step_short(self) -> bool:
        """Only one requirement keeps it from the next level."""
        return self.next is not None and len(self.short) == 1

    def to_dict(self) -> dict:
        out: dict = {"level": self.level, "next": self.next}
        if self.next is not None:
            out["short_of_next"] = [s.to_dict() for s in self.short]
        if self.targets:
            out["targets"] = [{"target": name, "reached": ok} for name, ok in self.targets]
        return out


@dataclass(frozen=True)
class Upcoming:
    """The service judged on ``effective``, when rules scheduled for that day decide too."""

    effective: str  # ISO day
    verdict: str  # the verdict from that day on (other rules as today)
    rules: tuple  # ids of the rules coming into force that day that fail for the service

    def to_dict(self) -> dict:
        return {"effective": self.effective, "verdict": self.verdict, "failing": list(self.rules)}


MET, OPEN, MISSED = "met", "open", "missed"  # a target's states


@dataclass(frozen=True)
class Target:
    name: str
    scope: tuple  # ((fact path, (accepted values, ...)), ...)
    level: str
    by: str  # ISO day
    source: str = ""  # file:line

    def in_scope(self, fact: dict) -> bool:
        return all(_value(fact, path) in values for path, values in self.scope)

    def scope_text(self) -> str:
        return " and ".join(f"{p} {'= ' + _shown(v[0]) if len(v) == 1 else 'in ' + ', '.join(map(_shown, v))}"
                            for p, v in self.scope) or "every service"


@dataclass(frozen=True)
class TargetProgress:
    """A target as a run found it."""

    target: Target
    services: int  # in scope
    reached: int
    not_reached: tuple  # ids of the services in scope below the level
    days_left: int

    @property
    def state(self) -> str:
        if self.reached == self.services:
            return MET
        return OPEN if self.days_left >= 0 else MISSED

    def to_dict(self) -> dict:
        t = self.target
        return {"name": t.name, "services_in_scope": t.scope_text(), "level": t.level, "by": t.by,
                "days_left": self.days_left, "state": self.state, "services": self.services,
                "reached": self.reached, "not_reached": list(self.not_reached), "source": t.source}

    def text(self) -> str:
        when = f"{_days(self.days_left)} left" if self.days_left >= 0 else f"{_days(-self.days_left)} past"
        return (f"target {self.target.name}: {self.reached} of {self.services} services "
                f"({self.target.scope_text()}) at {self.target.level} or above by {self.target.by} "
                f"({when}): {self.state}")


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


def _value(fact: dict, path: str) -> Any:
    node: Any = fact
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _shown(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


__all__ = ["Shortfall", "LevelResult", "Upcoming", "Target", "TargetProgress", "MET", "OPEN", "MISSED"]
