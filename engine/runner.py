"""The streaming batch behind ``valuate check``.

Records flow from the readers through evaluation (here or in workers) to the
output writer in input order; only a bounded window of records is in memory
at any time, and the summary is counted as results pass.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Iterable, Optional, TextIO

from .api import Setup
from .evaluate.batch import DuplicateGuard
from .evaluate.parallel import EvalSpec, Outcome, outcomes
from .model import ERROR, ServiceResult, Summary
from .report.base import Writer


@dataclass
class Progress:
    """Services done and services/s on standard error, only when it is a terminal."""

    stream: TextIO = sys.stderr
    every: float = 0.5

    def __post_init__(self) -> None:
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = self.last = time.monotonic()

    def tick(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            rate = done / max(now - self.start, 1e-9)
            self.stream.write(f"\rvaluate: {done:,} services, {rate:,.0f}/s ")
            self.stream.flush()

    def finish(self, done: int) -> None:
        if self.enabled and self.last != self.start:
            rate = done / max(time.monotonic() - self.start, 1e-9)
            self.stream.write(f"\rvaluate: {done:,} services, {rate:,.0f}/s \n")


def run_check(setup: Setup, records: Iterable, writer: Writer, jobs: int = 1,
              progress: Optional[Progress] = None, suggest: bool = True) -> Summary:
    """Evaluate and write every record; returns the summary.

    ``suggest``: work out what would make each failing service pass (ServiceResult.to_pass).
    """
    guard = DuplicateGuard()
    summary = Summary()
    render = _Render(type(writer), setup.run) if writer.streams else None
    spec = EvalSpec(setup.program, setup.run.as_of, writer.needs_conditions, suggest, setup.waivers)
    for outcome in outcomes(spec, records, jobs, render):
        _emit(outcome, guard, summary, writer)
        if setup.waivers is not None and outcome.waivers_used:
            setup.waivers.mark_used(outcome.waivers_used)
        if progress is not None:
            progress.tick(summary.services)
    if progress is not None:
        progress.finish(summary.services)
    if setup.waivers is not None:
        summary.unused_waivers = setup.waivers.unused()
    writer.close(summary)
    return summary


class _Render:
    """A picklable "render one record" for worker processes."""

    def __init__(self, writer_cls: type, run):
        self.writer_cls, self.run = writer_cls, run

    def __call__(self, result: ServiceResult) -> str:
        return self.writer_cls.render_record(result, self.run)


def _emit(outcome: Outcome, guard: DuplicateGuard, summary: Summary, writer: Writer) -> None:
    duplicate = None
    if outcome.verdict != ERROR and outcome.id is not None:
        probe = ServiceResult(outcome.position, outcome.id, outcome.name, outcome.verdict, source=outcome.source)
        duplicate = guard.check(probe)
    if duplicate is not None:
        summary.add(duplicate)
        writer.write(duplicate)
    elif outcome.text is not None:
        summary.count(outcome.verdict, outcome.criteria, outcome.waived)
        writer.write_rendered(outcome.text)
    else:
        summary.count(outcome.verdict, outcome.criteria, outcome.waived)
        writer.write(outcome.result)
