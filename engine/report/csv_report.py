"""``--format csv``: one row per service, for a spreadsheet.

Columns: position, id, name, owner, relationship manager, provider, tier, verdict ("valuable
(waived)" apart), the status of utility, warranty, each warranty dimension
and the value balance (waived: met only under a waiver), the money (at
stake, budget planned and actual, imposed costs, currency), the waivers that
apply and the earliest expiry, failing since (``--compare``), the reasons,
and where the record is. Every input record is one row, an invalid one too.

Written as UTF-8 with a byte-order mark, so Excel reads the accents, with
CRLF line ends. A cell that a spreadsheet would take for a formula (it starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with
a leading apostrophe, so opening the file can never run one.
"""
from __future__ import annotations

import csv
from typing import TextIO

from ..model import CRITERIA, DIMENSIONS, ERROR, RunInfo, ServiceResult, Summary
from . import board, money, view
from .base import PLAIN, Writer, WriterOptions

STATUS_COLUMNS = (CRITERIA[0], CRITERIA[1], *DIMENSIONS, CRITERIA[2])
HEADER = ("position", "id", "name", "owner", "relationship manager", "provider", "tier", "verdict", *STATUS_COLUMNS, "at stake",
          "budget planned", "budget actual", "imposed costs", "currency", "waivers", "waiver expires",
          "failing since", "reasons", "source")
FORMULA = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutral(value) -> str:
    """The cell as text, with an apostrophe before what a spreadsheet would read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA) else text


def _number(value) -> str:
    return "" if value is None else (str(int(value)) if float(value).is_integer() else str(value))


def row(r: ServiceResult) -> list:
    judged = r.verdict != ERROR
    s = money.stake(r)
    fact = (lambda path: board.fact_at(r, path)) if judged else (lambda path: None)
    waivers = sorted((f.waiver.expires, f.rule) for f in r.findings if f.waived)
    since = r.change.first_failed() if r.change is not None else None
    cells = [r.position, r.id, r.name, fact("owner"), fact("relationship.manager"), fact("provider"), fact("tier"),
             view.verdict_text(view.verdict_key(r))]
    cells += [view.status_of(r, c) if judged else "" for c in STATUS_COLUMNS]
    cells += ["", "", "", "", ""] if s is None else [_number(s.amount), _number(s.planned), _number(s.actual),
                                                    _number(s.imposed), s.currency]
    cells += ["; ".join(f"{rule} until {until}" for until, rule in waivers), waivers[0][0] if waivers else "",
              since, "; ".join(text + (f" ({rules})" if rules else "") for text, rules in view.reason_lines(r)),
              view.source_paths(r)[0]]
    return [neutral(c) for c in cells]


class CsvWriter(Writer):
    """Streams: the header, then a row per service as it arrives."""

    streams = True

    def __init__(self, out: TextIO, run: RunInfo, options: WriterOptions = PLAIN):
        super().__init__(out, run, options)
        self._started = False

    @staticmethod
    def render_record(result: ServiceResult, run: RunInfo, options: WriterOptions = PLAIN) -> str:
        return _line(row(result))

    def write_rendered(self, text: str) -> None:
        if not self._started:
            self._started = True
            self.out.write(BOM + _line(HEADER))
        self.out.write(text)

    def close(self, summary: Summary) -> None:
        self.write_rendered("")


class _Line:
    """A file-like that keeps what csv.writer writes (one row at a time)."""

    def __init__(self):
        self.text = ""

    def write(self, s: str) -> None:
        self.text += s


def _line(cells) -> str:
    out = _Line()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.text
