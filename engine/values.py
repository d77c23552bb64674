"""Reading fact values by dotted path, and exact arithmetic on them.

Numbers are taken at their written decimal value (``Fraction(str(x))``), so
``1 - 900/1000`` is exactly 0.1 and compares equal to a 0.1 threshold, as the
contract requires. Derived facts, the value balance and "what would make it
pass" all compute with these, so their figures agree to the last digit.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

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
