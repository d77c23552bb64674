"""``--format json``: one document, exactly the shape of CONTRACT.md section 3."""
from __future__ import annotations

import json
from typing import TextIO

from ..model import Report
from .base import CollectingWriter


class JsonWriter(CollectingWriter):
    def render(self, report: Report, out: TextIO) -> None:
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
