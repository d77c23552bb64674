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
from .base import Writer


def _line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


class JsonlWriter(Writer):
    def __init__(self, out: TextIO, run: RunInfo):
        super().__init__(out, run)
        out.write(_line({"type": "header", **run.header()}))

    def write(self, result: ServiceResult) -> None:
        self.out.write(_line({"type": "service", **result.to_dict()}))

    def close(self, summary: Summary) -> None:
        self.out.write(_line({"type": "summary", **summary.to_dict()}))
