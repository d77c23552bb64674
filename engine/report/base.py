"""The writer protocol every output format implements."""
from __future__ import annotations

from typing import TextIO

from ..model import Report, RunInfo, ServiceResult, Summary


class Writer:
    """Receives results in input order; ``close`` gets the final counts.

    ``streams``: the format renders each record on its own (``render_record``),
    so worker processes can render in parallel and the writer only appends
    (``write_rendered``). ``needs_conditions``: the format prints condition
    trees, so evaluation must build them (otherwise it skips that work).
    """

    streams = False
    needs_conditions = False

    def __init__(self, out: TextIO, run: RunInfo):
        self.out = out
        self.run = run

    @staticmethod
    def render_record(result: ServiceResult, run: RunInfo) -> str:
        raise NotImplementedError

    def write(self, result: ServiceResult) -> None:
        self.write_rendered(self.render_record(result, self.run))

    def write_rendered(self, text: str) -> None:
        self.out.write(text)

    def close(self, summary: Summary) -> None:
        raise NotImplementedError


class CollectingWriter(Writer):
    """For formats that need the whole report before writing anything."""

    def __init__(self, out: TextIO, run: RunInfo):
        super().__init__(out, run)
        self.results: list[ServiceResult] = []

    def write(self, result: ServiceResult) -> None:
        self.results.append(result)

    def close(self, summary: Summary) -> None:
        self.render(Report(self.run, tuple(self.results), summary), self.out)

    def render(self, report: Report, out: TextIO) -> None:
        raise NotImplementedError
