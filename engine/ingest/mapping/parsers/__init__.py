"""Typed parsers for raw export values, behind one registry.

``PARSERS[name]`` describes a parser: its function, what it accepts and the
options a mapping field may give it. ``parse(name, raw, options, unknown)``
is the one entry point: unknown words give ``None`` (unknown, never false),
ServiceNow reference objects are unwrapped, and anything unreadable raises
``ParseError``.
"""
from __future__ import annotations

from typing import Any, Optional

from .base import DEFAULT_UNKNOWN, Option, ParseError, Parser, is_unknown, unknown_set
from .booleans import parse_boolean
from .dates import parse_date
from .durations import UNIT_NAMES, parse_duration
from .numbers import DECIMAL, PLAUSIBLE, parse_integer, parse_money, parse_number, parse_percent, parse_ratio
from .text import is_reference, parse_reference, parse_string, unwrap

_SCALE = Option("choice", "auto", ("auto", "percent", "ratio"),
                "how to read a bare number: percent (99.9), ratio (0.999) or auto (<= 1 is a ratio)")
_UNIT = Option("choice", "hours", tuple(UNIT_NAMES), "unit of the result")

PARSERS: dict[str, Parser] = {p.name: p for p in (
    Parser("string", parse_string, "text, trimmed; numbers become their digits",
           {"max_length": Option("int", None, help="longest text accepted"),
            "collapse": Option("bool", False, help="join lines and runs of spaces into single spaces")},
           (("  Payroll ", "Payroll"), (1001.0, "1001"))),
    Parser("number", parse_number, "a number; 1,234.5 / 1 234,5 / 1e3",
           {"decimal": DECIMAL, "plausible": PLAUSIBLE}, (("1,234.5", 1234.5), ("1 234,5", 1234.5))),
    Parser("integer", parse_integer, "a whole number", {"decimal": DECIMAL, "plausible": PLAUSIBLE},
           (("42", 42), ("1,000", 1000))),
    Parser("percent", parse_percent, "a percent 0-100: 99.9%, 99,9 %, 0.999 (ratio), 99.9",
           {"scale": _SCALE, "decimal": DECIMAL, "plausible": PLAUSIBLE},
           (("99.9%", 99.9), ("99,9 %", 99.9), ("0.999", 99.9), ("99.9", 99.9))),
    Parser("ratio", parse_ratio, "a fraction 0-1: 0.999, 99.9%",
           {"scale": _SCALE, "decimal": DECIMAL, "plausible": PLAUSIBLE},
           (("99.9%", 0.999), ("0.999", 0.999))),
    Parser("duration", parse_duration, "a duration in `unit`: 4h, 4 hours, PT4H, 240 min, 1 business day, "
           "1970-01-01 04:00:00", {
               "unit": _UNIT,
               "default_unit": Option("choice", None, tuple(UNIT_NAMES), "unit of a bare number"),
               "business_day_hours": Option("number", 8, help="hours in a business day", maximum=24),
               "plausible": PLAUSIBLE},
           (("4h", 4), ("PT4H", 4), ("240 min", 4), ("1970-01-01 04:00:00", 4), ("1 business day", 8))),
    Parser("boolean", parse_boolean, "yes/no, true/false, 1/0, x; unknown words stay unknown",
           {"truthy": Option("words", (), help="extra words meaning true"),
            "falsy": Option("words", (), help="extra words meaning false")},
           (("yes", True), ("x", True), ("0", False))),
    Parser("money", parse_money, "an amount: £345.89, USD;699.99, 1 200,50 €",
           {"currency": Option("text", None, help="expected ISO currency code; others are errors"),
            "decimal": DECIMAL, "plausible": PLAUSIBLE},
           (("£345.89", 345.89), ("USD;699.99", 699.99))),
    Parser("date", parse_date, "a date: 2026-06-01, 2012-01-21 19:00:12, 21/01/2012, 21 Jan 2012", {
        "dayfirst": Option("bool", None, help="01/02/2026 is 1 February (true) or 2 January (false)"),
        "formats": Option("words", (), help="strptime formats tried first, e.g. '%d %b %Y'"),
        "excel_serial": Option("bool", False, help="read numbers as Excel serial days")},
        (("2012-01-21 19:00:12", "2012-01-21"), ("21 Jan 2012", "2012-01-21"))),
    Parser("reference", parse_reference, "a ServiceNow reference {value, display_value, link}: "
           "the display value, else the value", {
               "use": Option("choice", "display_value", ("display_value", "value", "link")),
               "fallback": Option("bool", True, help="use the value when the chosen part is empty"),
               "collapse": Option("bool", False, help="join lines and runs of spaces into single spaces")},
           (({"value": "5f72", "link": "https://x"}, "5f72"),)),
)}


def parse(name: str, raw: Any, options: Optional[dict] = None, unknown: frozenset = unknown_set()) -> Any:
    """Parse ``raw`` with parser ``name``; None for unknown; ParseError otherwise."""
    parser = PARSERS[name]
    opts = options or {}  # each parser reads its options with their defaults (Parser.defaults)
    if name != "reference" and is_reference(raw):
        raw = unwrap(raw)
    if is_unknown(raw, unknown):
        return None
    try:
        return parser.func(raw, opts)
    except RecursionError:
        raise ParseError("value nested too deeply") from None


__all__ = ["PARSERS", "Parser", "Option", "ParseError", "parse", "is_unknown", "unknown_set",
           "DEFAULT_UNKNOWN", "is_reference", "unwrap"]
