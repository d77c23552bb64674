"""``--format jsonl``: one JSON object per line, written as each result arrives.

Layout (each line has a ``type``):

1. ``{"type": "header", "tool": ..., "rules": ..., "as_of": ...}`` first;
2. ``{"type": "service", ...}`` per input record, in input order, exactly the
   service objects of ``--format json`` (with ``to_pass`` where computed);
3. ``{"type": "summary", "services": N, "valuable": ..., ...}`` last.

A consumer can process services as they stream, and knows the run finished
when the summary line arrives (a truncated file has none).
"""
from __future__ import annotations

import json
from typing import TextIO

from ..model import RunInfo, ServiceResult, Summary
from .base import PLAIN, Writer, WriterOptions
from .encode import encode_service


def _line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


class JsonlWriter(Writer):
    streams = True  # workers render the lines; this writer only appends them

    def __init__(self, out: TextIO, run: RunInfo, options: WriterOptions = PLAIN):
        super().__init__(out, run, options)
        self._started = False  # the header waits for the first record: a catalog may fail to read

    @staticmethod
    def render_record(result: ServiceResult, run: RunInfo, options: WriterOptions = PLAIN) -> str:
        return '{"type":"service",' + encode_service(result, (",", ":"))[1:] + "\n"

    def write_rendered(self, text: str) -> None:
        if not self._started:
            self._started = True
            self.out.write(_line({"type": "header", **self.run.header()}))
        self.out.write(text)

    def close(self, summary: Summary) -> None:
        self.write_rendered("")
        extra = {"coverage": summary.coverage.to_dict()} if summary.coverage is not None else {}
        if summary.baseline is not None:
            extra["baseline"] = summary.baseline.to_dict()
        if summary.comparison is not None:
            extra["comparison"] = summary.comparison.to_dict()
        self.out.write(_line({"type": "summary", **summary.to_dict(), **extra}))
