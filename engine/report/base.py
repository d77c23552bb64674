"""The writer protocol every output format implements."""
from __future__ import annotations

from typing import TextIO

from ..model import Report, RunInfo, ServiceResult, Summary


class Writer:
    """Receives results in input order; ``close`` gets the final counts."""

    def __init__(self, out: TextIO, run: RunInfo):
        self.out = out
        self.run = run

    def write(self, result: ServiceResult) -> None:
        raise NotImplementedError

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
