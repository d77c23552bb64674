"""Grades beyond the verdict: a service's maturity level, and what comes into force later.

A level (``LevelResult``) is the highest of a ladder of levels whose
requirements all hold, each level's on top of the one below; the shortfall
says what keeps the service from the next one, naming the missing fact where
a requirement is unknown. ``Upcoming`` is the service as it will be judged on
a day when rules not yet in force start to decide (``effective``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


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

    @property
    def one_step_short(self) -> bool:
        """Only one requirement keeps it from the next level."""
        return self.next is not None and len(self.short) == 1

    def to_dict(self) -> dict:
        out: dict = {"level": self.level, "next": self.next}
        if self.next is not None:
            out["short_of_next"] = [s.to_dict() for s in self.short]
        return out


@dataclass(frozen=True)
class Upcoming:
    """The service judged on ``effective``, when rules scheduled for that day decide too."""

    effective: str  # ISO day
    verdict: str  # the verdict from that day on (other rules as today)
    rules: tuple  # ids of the rules coming into force that day that fail for the service

    def to_dict(self) -> dict:
        return {"effective": self.effective, "verdict": self.verdict, "failing": list(self.rules)}


__all__ = ["Shortfall", "LevelResult", "Upcoming"]
