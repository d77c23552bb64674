"""Durations: ``4h``, ``4 hours``, ``PT4H``, ``240 min``, ``1 business day``,
and ServiceNow's duration fields, exported as a date-time after the epoch
(``1970-01-01 04:00:00`` is four hours, ``1970-01-02 04:00:00`` is 28).

The result is a number in the field's ``unit`` (hours unless the mapping
says otherwise). A bare number has no unit: it is refused unless the mapping
gives ``default_unit``. Months and years are refused (they have no fixed
length); a business day is ``business_day_hours`` hours (default 8).
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import Any

from .base import ParseError, check_range, plain, text_of
from .numbers import to_decimal

#: Seconds in each unit word (singular, plural and short forms).
_UNITS = {}
for _secs, _words in ((1, "s sec secs second seconds"), (60, "m min mins minute minutes"),
                      (3600, "h hr hrs hour hours"), (86400, "d day days"),
                      (604800, "w wk wks week weeks")):
    for _w in _words.split():
        _UNITS[_w] = _secs
UNIT_NAMES = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}

_TERM = re.compile(r"(\d+(?:[.,]\d+)?)\s*(business\s+|working\s+)?([a-z]+)\.?", re.I)
_SEPARATORS = re.compile(r"^[\s,;+]*(and)?[\s,;+]*$", re.I)
_ISO = re.compile(r"^P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?"
                  r"(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$", re.I)
_EPOCH = re.compile(r"^1970-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?$")
_CLOCK = re.compile(r"^(\d+):([0-5]\d)(?::([0-5]\d))?$")


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def seconds_of(raw: Any, opts: dict) -> Decimal:
    """The duration in ``raw`` in seconds."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _bare(to_decimal(raw), opts)
    if isinstance(raw, _dt.timedelta):  # an Excel duration cell ([h]:mm)
        return Decimal(int(raw.total_seconds() * 1_000_000)) / 1_000_000
    if isinstance(raw, _dt.time):  # an Excel time cell (h:mm) in a duration field: time since midnight
        return Decimal(raw.hour * 3600 + raw.minute * 60 + raw.second) + Decimal(raw.microsecond) / 1_000_000
    text = text_of(raw, "a duration")
    if len(text) > 100:
        raise ParseError(f"expected a duration, got {len(text)} characters of text")
    try:
        number = to_decimal(text)
    except ParseError:
        number = None
    if number is not None:
        return _bare(number, opts)
    for reader in (_iso, _epoch, _clock, _words):
        value = reader(text, opts)
        if value is not None:
            return value
    raise ParseError(f"expected a duration (e.g. 4h, 4 hours, PT4H, 240 min, 1 business day, "
                         f"1970-01-01 04:00:00), got {text!r}")


def _bare(number: Decimal, opts: dict) -> Decimal:
    unit = opts.get("default_unit")
    if not unit:
        raise ParseError(f"{plain(number)} has no unit; write 4h / 240 min, or set default_unit "
                         "(seconds, minutes, hours, days) on this field")
    return number * UNIT_NAMES[unit]


def _iso(text: str, opts: dict):
    upper = text.upper()
    if not upper.startswith("P"):
        return None
    if re.fullmatch(r"P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T.*)?", upper) and re.search(r"\d[YM]", upper.split("T")[0]):
        raise ParseError(f"{text!r} counts months or years, which have no fixed length")
    m = _ISO.match(text)
    if not m or upper in ("P", "PT") or upper.endswith("T"):
        return None
    weeks, days, hours, minutes, secs = (_num(g) if g else Decimal(0) for g in m.groups())
    return weeks * 604800 + days * 86400 + hours * 3600 + minutes * 60 + secs


def _epoch(text: str, opts: dict):
    m = _EPOCH.match(text)
    if not m:
        return None
    month, day, h, mi, s = (int(g or 0) for g in m.groups())
    if month != 1 or not 1 <= day <= 31 or h > 23 or mi > 59 or s > 59:
        raise ParseError(f"{text!r} is not a ServiceNow duration (1970-01-DD hh:mm:ss)")
    return Decimal((day - 1) * 86400 + h * 3600 + mi * 60 + s)


def _clock(text: str, opts: dict):
    m = _CLOCK.match(text)
    if not m:
        return None
    h, mi, s = (int(g or 0) for g in m.groups())
    return Decimal(h * 3600 + mi * 60 + s)


def _words(text: str, opts: dict):
    """``1 day 4 hours``, ``2h30m``, ``4 business hours``, ``1 business day``."""
    pos, total, found = 0, Decimal(0), False
    lowered = text.lower()
    for m in _TERM.finditer(lowered):
        if not _SEPARATORS.match(lowered[pos:m.start()]):
            return None
        unit = m[3]
        if unit in ("month", "months", "mo", "year", "years", "yr", "yrs", "y"):
            raise ParseError(f"{text!r} counts months or years, which have no fixed length")
        if unit not in _UNITS:
            return None
        seconds = _UNITS[unit]
        if m[2]:  # business days and weeks are working hours, not calendar ones
            day = Decimal(str(opts.get("business_day_hours") or 8)) * 3600
            seconds = {86400: day, 604800: day * 5}.get(seconds, seconds)
        total += _num(m[1]) * seconds
        pos, found = m.end(), True
    if not found or not _SEPARATORS.match(lowered[pos:]):
        return None
    return total


def parse_duration(raw: Any, opts: dict) -> Any:
    seconds = seconds_of(raw, opts)
    if seconds < 0:
        raise ParseError("a duration cannot be negative")
    value = seconds / UNIT_NAMES[opts.get("unit") or "hours"]
    value = value.quantize(Decimal("0.000001")).normalize() if value != value.to_integral_value() else value
    check_range(value, opts.get("plausible"))
    return plain(value)
