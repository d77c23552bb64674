"""``--format json``: one document, exactly the keys of docs/specification.md#the-json-report.

The document is written as records arrive: each service is one compact JSON
line inside the ``services`` array, spooled (in memory up to a limit, then on
disk) until the run ends, because the summary comes first in the document.
Memory stays flat however large the catalog is.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from typing import TextIO

from ..model import RunInfo, ServiceResult, Summary
from .base import PLAIN, Writer, WriterOptions
from .encode import encode_service

# allow_nan=False: a NaN reaching a report is a bug to stop on, never a bare NaN token.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), allow_nan=False).encode
SPOOL_IN_MEMORY = 16 * 1024 * 1024


class JsonWriter(Writer):
    streams = True

    def __init__(self, out: TextIO, run: RunInfo, options: WriterOptions = PLAIN):
        super().__init__(out, run, options)
        self._spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8")
        self._count = 0

    @staticmethod
    def render_record(result: ServiceResult, run: RunInfo, options: WriterOptions = PLAIN) -> str:
        return encode_service(result, (", ", ": "))

    def write_rendered(self, text: str) -> None:
        self._spool.write(("    " if self._count == 0 else ",\n    ") + text)
        self._count += 1

    def close(self, summary: Summary) -> None:
        head = self.run.header(summary)
        self.out.write("{\n")
        for key, value in head.items():
            self.out.write(f"  {_encode(key)}: {_encode(value)},\n")
        self.out.write(f'  "summary": {_encode(summary.to_dict())},\n')
        if summary.coverage is not None:
            self.out.write(f'  "coverage": {_encode(summary.coverage.to_dict())},\n')
        if summary.baseline is not None:
            self.out.write(f'  "baseline": {_encode(summary.baseline.to_dict())},\n')
        if summary.comparison is not None:
            self.out.write(f'  "comparison": {_encode(summary.comparison.to_dict())},\n')
        self.out.write('  "services": [')
        if self._count:
            self.out.write("\n")
            self._spool.seek(0)
            shutil.copyfileobj(self._spool, self.out, 1 << 20)
            self.out.write("\n  ")
        self.out.write("]\n}\n")
        self._spool.close()
