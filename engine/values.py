"""Reading fact values by dotted path, and exact arithmetic on them.

Numbers are taken at their written decimal value (``Fraction(str(x))``), so
``1 - 900/1000`` is exactly 0.1 and compares equal to a 0.1 threshold, as the
contract requires. Derived facts, the value balance and "what would make it
pass" all compute with these, so their figures agree to the last digit.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from fractions import Fraction
from typing import Any, Optional

_SPLIT: dict = {}


def get(fact: dict, path: str) -> Any:
    parts = _SPLIT.get(path)
    if parts is None:
        parts = _SPLIT[path] = tuple(path.split("."))
    node: Any = fact
    for part in parts:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
        if node is None:
            return None
    return node


def exact(x: Any):
    """A number at its written decimal value: ints stay ints (exact and fast)."""
    if isinstance(x, int):
        return x
    if x.is_integer():
        return int(x)
    return Fraction(str(x))


def plain(x: Any) -> Any:
    """Back to a JSON number: an int when whole, else the nearest float."""
    if isinstance(x, int):
        return x
    return x.numerator if x.denominator == 1 else float(x)


class HugeInt(int):
    """An integer written with more digits than Python converts (4,300 by default).

    JSON and YAML readers keep such a number as this marker instead of crashing:
    its value is 2**64 with the number's sign, so the fact validator refuses it
    as "too large" like any other integer past 64 bits, and it prints as what
    was written ("a 5,000-digit number"), never as a wrong value."""

    digits: int = 0

    @classmethod
    def of(cls, text: str) -> "HugeInt":
        sign = -1 if text.startswith("-") else 1
        out = cls(sign * 2 ** 64)
        out.digits = len(text.lstrip("+-"))
        return out

    def __repr__(self) -> str:
        return f"{'-' if self < 0 else ''}<a {self.digits:,}-digit number>"

    __str__ = __repr__


def non_finite(x: Any) -> str:
    """A NaN or an infinity (JSON's NaN / Infinity tokens, YAML's .nan / .inf) in words."""
    return "NaN (not a number)" if x != x else f"{'minus ' if x < 0 else ''}infinity (not a finite number)"


_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_in(text: str) -> Optional[str]:
    """The first unpaired surrogate in ``text`` (JSON's "\\ud800" decodes to one), or None.

    Such a string is not Unicode text: it cannot be written as UTF-8."""
    if text.isascii():
        return None
    found = _SURROGATE.search(text)
    return found.group() if found else None


def printable(text: str) -> str:
    """``text`` with unpaired surrogates written as ``\\udXXX``, so it can be shown."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def showable(value: Any) -> Any:
    """A value read from an export or a YAML file, as every output can show it.

    Readers produce more than JSON has: dates and times, Excel durations
    (timedeltas, shown as hours), bytes (YAML ``!!binary``), sets (``!!set``),
    NaN and infinities, integers too long to print, half characters. Each
    becomes plain JSON-able text, numbers, lists and mappings, so that
    provenance and ``valuate facts`` hold what was read without crashing a
    writer or leaving a bare ``NaN`` token in JSON."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, HugeInt):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, _dt.timedelta):
        return plain(Fraction(int(value.total_seconds() * 1_000_000), 3_600_000_000))
    if hasattr(value, "isoformat"):  # dates, datetimes and times of day
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return f"(binary data, {len(value):,} bytes)"
    if isinstance(value, dict):
        return {printable(str(k)): showable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((showable(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [showable(v) for v in value]
    return printable(repr(value))
