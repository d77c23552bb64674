"""The reviews before this one, as a run store remembers them: what the board's trend shows.

Records only: ``engine/history`` reads them out of the store when a run
starts (``check --store``), the reports draw them. ``Trend.reviews`` are
the earlier runs, oldest first (this run is the one being reported, its
counts are the summary's); ``Trend.services`` holds, per service key, one
verdict code per earlier review (``.`` where the service was not in it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from .values import VERDICTS

# one character per verdict, in VERDICTS order; ABSENT: the service was not in that review
CODES = dict(zip(VERDICTS, "vnie"))
VERDICT_OF = {c: v for v, c in CODES.items()}
ABSENT = "."


@dataclass(frozen=True)
class TrendPoint:
    """One earlier review: the stored run, its evaluation date and its verdict counts."""

    run: int  # the run's id in the store
    as_of: str
    services: int
    verdicts: tuple = ()  # ((verdict, count), ...) in VERDICTS order

    def count(self, verdict: str) -> int:
        return dict(self.verdicts).get(verdict, 0)


@dataclass(frozen=True)
class Trend:
    store: str  # the store, as shown to people (a URL's password is never in it)
    reviews: tuple = ()  # TrendPoint, oldest first
    services: Mapping[str, str] = field(default_factory=dict)  # service key -> one code per review

    def verdicts_of(self, key: Optional[str]) -> tuple:
        """(TrendPoint, verdict or None) per earlier review, for one service (by its key)."""
        codes = self.services.get(key, "") if key is not None else ""
        codes = codes.rjust(len(self.reviews), ABSENT)
        return tuple((point, VERDICT_OF.get(c)) for point, c in zip(self.reviews, codes))


def codes_of(verdicts) -> str:
    """The codes of a sequence of verdicts (None: absent)."""
    return "".join(CODES.get(v, ABSENT) for v in verdicts)
