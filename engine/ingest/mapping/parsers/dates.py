"""Dates: ISO ``2026-06-01`` (with or without a time), ServiceNow
``2012-01-21 19:00:12``, ``21/01/2012`` (day or month first: ``dayfirst``),
``21.01.2012``, ``21 Jan 2012``, ``January 21, 2012``, XLSX date cells, and
Excel serial day numbers when ``excel_serial: true``.

A slashed date whose day and month could be swapped (``01/02/2012``) is
refused until the mapping says ``dayfirst: true`` or ``false``.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from .base import ParseError, text_of

_MONTHS = {m: i for i, names in enumerate((
    "jan january", "feb february", "mar march", "apr april", "may", "jun june",
    "jul july", "aug august", "sep sept september", "oct october", "nov november",
    "dec december"), start=1) for m in names.split()}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s-]+([a-z]+)\.?,?[\s-]+(\d{4})$", re.I)
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", re.I)
_EXCEL_EPOCH = _dt.date(1899, 12, 30)


def _make(y: int, m: int, d: int, text: str) -> str:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError as err:
        raise ParseError(f"{text!r} is not a real date ({err})") from None


def parse_date(raw: Any, opts: dict) -> Any:
    if isinstance(raw, _dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, _dt.date):
        return raw.isoformat()
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and opts.get("excel_serial"):
        if not 1 <= raw < 2958466:
            raise ParseError(f"{raw} is not an Excel date serial number")
        return (_EXCEL_EPOCH + _dt.timedelta(days=int(raw))).isoformat()
    text = text_of(raw, "a date")
    if len(text) > 64:  # no date is longer; and the patterns below need not meet long text
        raise ParseError(f"expected a date, got {len(text)} characters of text")
    for fmt in opts.get("formats") or ():
        try:
            return _dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    m = _ISO.match(text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), text)
    m = _NUMERIC.match(text)
    if m:
        return _numeric(int(m[1]), m[2], int(m[3]), int(m[4]), text, opts.get("dayfirst"))
    m = _DAY_MONTH.match(text)
    if m and m[2].lower() in _MONTHS:
        return _make(int(m[3]), _MONTHS[m[2].lower()], int(m[1]), text)
    m = _MONTH_DAY.match(text)
    if m and m[1].lower() in _MONTHS:
        return _make(int(m[3]), _MONTHS[m[1].lower()], int(m[2]), text)
    raise ParseError(f"expected a date (e.g. 2026-06-01, 01/06/2026 with dayfirst, 1 Jun 2026), got {text!r}")


def _numeric(a: int, sep: str, b: int, year: int, text: str, dayfirst) -> str:
    if dayfirst is None:
        if sep == ".":
            dayfirst = True  # 21.01.2012 is day-first wherever dots are used
        elif a > 12 >= b:
            dayfirst = True
        elif b > 12 >= a:
            dayfirst = False
        elif a == b:
            dayfirst = True
        else:
            raise ParseError(f"{text!r} is ambiguous (day/month or month/day?); "
                             "set dayfirst: true or dayfirst: false on this field")
    return _make(year, b, a, text) if dayfirst else _make(year, a, b, text)
