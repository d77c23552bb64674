"""The board's trend, as figures: the last reviews' verdict counts and one service's last verdicts.

From the model alone: ``Summary.trend`` (``model.Trend``, the earlier reviews a
run store remembers) plus this run, which is the last review shown. HTML
(html_trend.py) and Markdown (markdown_trend.py) draw these.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import VERDICTS, Report, ServiceResult

THIS = "this review"


@dataclass(frozen=True)
class Review:
    """One column of the trend: an earlier stored run, or this one (``run`` None)."""

    run: Optional[int]
    as_of: str
    counts: tuple  # ((verdict, n), ...) in VERDICTS order

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    @property
    def label(self) -> str:
        return f"run {self.run}" if self.run is not None else THIS


def reviews(report: Report) -> list:
    """The earlier reviews and this one, oldest first; empty without a run store."""
    trend = report.summary.trend
    if trend is None:
        return []
    out = [Review(p.run, p.as_of, tuple((v, p.count(v)) for v in VERDICTS)) for p in trend.reviews]
    return out + [Review(None, report.run.as_of, tuple((v, report.summary.verdicts[v]) for v in VERDICTS))]


def service_key(result: ServiceResult) -> str:
    return result.id if result.id is not None else f"(record {result.position})"


def last_verdicts(report: Report, result: ServiceResult) -> list:
    """(as of, run label, verdict or None) per review, this one last; empty without a run store."""
    trend = report.summary.trend
    if trend is None:
        return []
    earlier = [(p.as_of, f"run {p.run}", v) for p, v in trend.verdicts_of(service_key(result))]
    return earlier + [(report.run.as_of, THIS, result.verdict)]


def moved(rows: list) -> str:
    """In words, how the counts moved from the first review shown to this one."""
    first, last = dict(rows[0].counts), dict(rows[-1].counts)
    parts = [f"{v.replace('_', ' ')} {first[v]} → {last[v]}" for v in VERDICTS if first[v] or last[v]]
    return f"from {rows[0].as_of} to {rows[-1].as_of}: " + ", ".join(parts)
