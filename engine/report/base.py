"""The writer protocol every output format implements, its options, and the tee."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, TextIO

from ..model import Report, RunInfo, ServiceResult, Summary


@dataclass(frozen=True)
class WriterOptions:
    """How a format writes, where the format has a choice.

    ``color``: ANSI colour (text); ``keep``: only results it accepts are shown,
    the summary still counts all (text with ``--quiet``); ``include``: statuses
    SARIF carries besides failures (``unknown``, ``met``). For the CI formats
    (report/ci.py): ``fail_levels``, the verdicts ``--fail-on`` fails the job on
    (``never``: none); ``include_advisory``, also the findings that cannot fail a
    job; ``waiver_gate``, the ``--fail-on-waiver`` kinds (expired, unused).
    ``width``: the columns text wraps to (None: no wrapping); ``verbose``: text
    lists the valuable services even past 50 services (``--verbose``).
    """

    color: bool = False
    keep: Optional[Callable[[ServiceResult], bool]] = None
    include: frozenset = frozenset()
    fail_levels: frozenset = frozenset({"not_valuable", "error"})  # the default --fail-on
    include_advisory: bool = False
    waiver_gate: tuple = ()
    width: Optional[int] = None
    verbose: bool = False


PLAIN = WriterOptions()


class Writer:
    """Receives results in input order; ``close`` gets the final counts.

    ``streams``: the format renders each record on its own (``render_record``),
    so worker processes can render in parallel and the writer only appends
    (``write_rendered``). ``needs_conditions``: the format prints condition
    trees, so evaluation must build them (otherwise it skips that work).
    ``warnings``: what the writer had to leave out or change, for the user
    (e.g. SARIF results over GitHub's limit), complete after ``close``.
    """

    streams = False
    needs_conditions = False

    def __init__(self, out: TextIO, run: RunInfo, options: WriterOptions = PLAIN):
        self.out = out
        self.run = run
        self.options = options
        self.warnings: list[str] = []

    @staticmethod
    def render_record(result: ServiceResult, run: RunInfo, options: WriterOptions = PLAIN) -> str:
        raise NotImplementedError

    def write(self, result: ServiceResult) -> None:
        self.write_rendered(self.render_record(result, self.run, self.options))

    def write_rendered(self, text: str) -> None:
        self.out.write(text)

    def close(self, summary: Summary) -> None:
        raise NotImplementedError


class CollectingWriter(Writer):
    """For formats that need the whole report before writing anything."""

    def __init__(self, out: TextIO, run: RunInfo, options: WriterOptions = PLAIN):
        super().__init__(out, run, options)
        self.results: list[ServiceResult] = []

    def write(self, result: ServiceResult) -> None:
        self.results.append(result)

    def close(self, summary: Summary) -> None:
        self.render(Report(self.run, tuple(self.results), summary), self.out)

    def render(self, report: Report, out: TextIO) -> None:
        raise NotImplementedError


class Tee(Writer):
    """Several formats from one run: each result goes to every writer, in order."""

    def __init__(self, writers: list):
        super().__init__(None, writers[0].run if writers else None)
        self.writers = writers
        self.needs_conditions = any(w.needs_conditions for w in writers)

    def write(self, result: ServiceResult) -> None:
        for w in self.writers:
            w.write(result)

    def write_rendered(self, text: str) -> None:
        if len(self.writers) != 1:  # several formats cannot share one format's rendering
            raise TypeError("a tee of several formats is fed results, not one format's rendered text")
        self.writers[0].write_rendered(text)

    def close(self, summary: Summary) -> None:
        for w in self.writers:
            w.close(summary)
            self.warnings.extend(w.warnings)
