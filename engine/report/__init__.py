"""Output formats: one module per format, behind one registry.

Each format is a function ``render(report, out)`` writing text to ``out``;
the registry's keys feed the CLI's ``--format`` choices, so a format that is
not registered cannot be asked for.
"""
from __future__ import annotations

from typing import Callable, TextIO

from ..errors import UserError
from ..model import Report
from . import json_report, text

FORMATS: dict[str, Callable[[Report, TextIO], None]] = {
    "text": text.render,
    "json": json_report.render,
}


def render(fmt: str, report: Report, out: TextIO) -> None:
    try:
        writer = FORMATS[fmt]
    except KeyError:
        raise UserError(f"unknown output format {fmt!r}; known: {', '.join(FORMATS)}") from None
    writer(report, out)
