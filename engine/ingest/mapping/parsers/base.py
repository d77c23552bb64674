"""What every parser shares: the error it raises, the unknown words, option specs.

A parser turns one raw export value (text from a CSV cell, a YAML scalar, an
XLSX cell's number or date) into one canonical value. It returns ``None`` for
*unknown* (an empty cell, ``?``, ``n/a``, ``-``): unknown is never turned into
``false``, ``0`` or an empty list. Anything it cannot read raises
``ParseError`` with a message saying what was expected; the mapping layer adds
the file, record, field and raw value.
"""
from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Optional

from ....values import HugeInt, non_finite

#: Words that mean "not recorded" in real exports (compared trimmed, case-insensitively).
DEFAULT_UNKNOWN = ("", "?", "??", "-", "--", "n/a", "na", "#n/a", "unknown", "tbd", "tba", "null")


class ParseError(ValueError):
    """A raw value that does not read as the parser's type."""


@dataclass(frozen=True)
class Option:
    """One option a parser accepts in a mapping field: its kind and default."""

    kind: str  # choice | number | range | words | text | bool | int
    default: Any = None
    choices: tuple = ()
    help: str = ""
    maximum: Optional[float] = None  # number and int options: the largest value that makes sense


@dataclass(frozen=True)
class Parser:
    name: str
    func: Callable[[Any, dict], Any]
    summary: str
    options: dict = field(default_factory=dict)  # name -> Option
    examples: tuple = ()  # (raw, result) pairs shown in docs and tested


def is_unknown(raw: Any, words: frozenset) -> bool:
    """True for None and for strings in the unknown set (trimmed, any case)."""
    if raw is None:
        return True
    return isinstance(raw, str) and raw.strip().casefold() in words


def unknown_set(words=DEFAULT_UNKNOWN) -> frozenset:
    return frozenset(str(w).strip().casefold() for w in words)


def text_of(raw: Any, what: str) -> str:
    """The raw value as stripped text; lists and mappings are refused."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        raise ParseError(f"expected {what}, got a boolean ({str(raw).lower()})")
    if isinstance(raw, HugeInt):  # its digits were never kept: no text can be faithful to it
        raise ParseError(f"expected {what}, got a {raw.digits:,}-digit number, too long to read as {what} "
                         "(write it as a string in the export)")
    if isinstance(raw, (float, Decimal)) and not math.isfinite(raw):  # JSON's NaN / Infinity are no text
        raise ParseError(f"expected {what}, got {non_finite(raw)}")
    if isinstance(raw, (int, float, Decimal)):
        return str(raw)
    if isinstance(raw, (list, tuple)):
        raise ParseError(f"expected {what}, got a list of {len(raw)} (use split/pick/join_with)")
    if isinstance(raw, dict):
        keys = ", ".join(map(str, list(raw)[:5]))
        raise ParseError(f"expected {what}, got a mapping with keys {keys}")
    if isinstance(raw, (_dt.date, _dt.datetime)):
        raise ParseError(f"expected {what}, got a date ({raw.isoformat()})")
    if isinstance(raw, _dt.time):
        raise ParseError(f"expected {what}, got a time of day ({raw.isoformat()})")
    if isinstance(raw, _dt.timedelta):
        raise ParseError(f"expected {what}, got a duration ({raw})")
    if isinstance(raw, (bytes, bytearray)):
        raise ParseError(f"expected {what}, got binary data ({len(raw):,} bytes)")
    if isinstance(raw, (set, frozenset)):
        raise ParseError(f"expected {what}, got a set of {len(raw)}")
    raise ParseError(f"expected {what}, got {type(raw).__name__}")


def plain(number: Decimal) -> Any:
    """A Decimal as the plainest JSON number: an int when integral, else a float."""
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def check_range(value: Decimal, bounds: Optional[list], unit: str = "") -> None:
    """Refuse values outside the plausible range the mapping declared."""
    if not bounds:
        return
    low, high = (Decimal(str(b)) if b is not None else None for b in bounds)
    if (low is not None and value < low) or (high is not None and value > high):
        shown = f"{plain(value)}{unit}"
        raise ParseError(f"{shown} is outside the plausible range {_bound(low)}{unit} to "
                         f"{_bound(high)}{unit} declared for this field")


def _bound(b: Optional[Decimal]) -> str:
    return "any" if b is None else str(plain(b))
