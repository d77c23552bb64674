"""Numbers as people type them: ``1,234.5``, ``1 234,5``, ``99,9 %``, ``USD;699.99``.

The decimal separator is ``decimal: auto`` by default: when both ``.`` and
``,`` appear the last one is the decimal point; a lone ``,`` is a decimal
comma unless it is followed by exactly three digits (``1,234`` could be
either, so it is refused until the mapping says ``decimal: "."`` or ``","``).
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from .base import Option, ParseError, check_range, plain, text_of

_NUMBER = re.compile(r"^[+-]?\d[\d.,\u00a0\u202f\u2009' ’_]*$|^[+-]?[.,]\d+$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")

DECIMAL = Option("choice", "auto", ("auto", ".", ","), "decimal separator")
PLAUSIBLE = Option("range", None, (), "[low, high]: values outside are errors")


def to_decimal(raw: Any, decimal: str = "auto", what: str = "a number", whole: bool = False) -> Decimal:
    """The number in ``raw`` (already stripped of units), or ParseError."""
    if isinstance(raw, bool):
        raise ParseError(f"expected {what}, got a boolean ({str(raw).lower()})")
    if isinstance(raw, _dt.timedelta):  # an Excel duration cell ([h]:mm): a number of hours
        return Decimal(int(raw.total_seconds() * 1_000_000)) / Decimal(3_600_000_000)
    if isinstance(raw, (int, float)):
        if isinstance(raw, int) and abs(raw) > 10 ** 30:
            raise ParseError(f"expected {what}, got a number out of range")
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ParseError(f"expected {what}, got {raw}")
        return Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    text = text_of(raw, what)
    if len(text) > MAX_TEXT:
        raise ParseError(f"expected {what}, got {len(text)} characters of text")
    if _SCIENTIFIC.match(text):
        value = Decimal(text)
        if abs(value.adjusted()) > 30:  # not a catalog value; and huge ints are slow
            raise ParseError(f"expected {what}, got {text!r} (out of range)")
        return value
    if not _NUMBER.match(text):
        raise ParseError(f"expected {what}, got {text!r}")
    body = _normalise(text, decimal, whole)
    try:
        return Decimal(body)
    except InvalidOperation:
        raise ParseError(f"expected {what}, got {text!r}") from None


def _split_decimal(text: str, decimal: str, whole: bool) -> tuple[str, str, str]:
    """(integer part with grouping, decimal separator or '', fraction)."""
    if decimal in (".", ","):
        head, sep, frac = text.rpartition(decimal)
        return (head, sep, frac) if sep else (text, "", "")
    dot, comma = text.rfind("."), text.rfind(",")
    if dot >= 0 and comma >= 0:
        cut = max(dot, comma)
        return text[:cut], text[cut], text[cut + 1:]
    sep = "." if dot >= 0 else "," if comma >= 0 else ""
    if not sep:
        return text, "", ""
    if text.count(sep) > 1:
        return text, "", ""  # 1.234.567 or 1,234,567: grouping only
    head, _, frac = text.partition(sep)
    if whole and len(frac) == 3 and head.lstrip("+-") not in ("", "0"):
        return text, "", ""  # a whole number: 1,000 and 1.000 are grouping
    if sep == "," and len(frac) == 3 and head.lstrip("+-") not in ("", "0"):
        raise ParseError(f"{text!r} is ambiguous (a thousands separator or a decimal comma?); "
                         "set decimal: \".\" or decimal: \",\" on this field")
    return head, sep, frac


def _normalise(text: str, decimal: str, whole: bool) -> str:
    head, sep, frac = _split_decimal(text, decimal, whole)
    if sep and not frac.isdigit():
        raise ParseError(f"expected a number, got {text!r}")
    if decimal in (".", ",") and decimal in head:
        raise ParseError(f"expected a number with {decimal!r} as decimal separator, got {text!r}")
    sign = head[:1] if head[:1] in "+-" else ""
    digits = head[len(sign):]
    groups = re.split(r"[.,\u00a0\u202f\u2009' ’_]", digits)
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        raise ParseError(f"expected a number, got {text!r} (digit grouping is not in threes)")
    body = sign + "".join(groups) or "0"
    if not body.lstrip("+-").isdigit() and body.lstrip("+-"):
        raise ParseError(f"expected a number, got {text!r}")
    return body + ("." + frac if sep else "")


def parse_number(raw: Any, opts: dict) -> Any:
    value = to_decimal(raw, opts.get("decimal", "auto"))
    check_range(value, opts.get("plausible"))
    return plain(value)


def parse_integer(raw: Any, opts: dict) -> Any:
    value = to_decimal(raw, opts.get("decimal", "auto"), "a whole number", whole=True)
    if value != value.to_integral_value():
        raise ParseError(f"expected a whole number, got {plain(value)}")
    check_range(value, opts.get("plausible"))
    return int(value)


_PERCENT_SUFFIX = re.compile(r"\s*(%|percent|per\s*cent|pct)\s*$", re.I)


def percent_value(raw: Any, opts: dict) -> Decimal:
    """The percent (0-100) in ``raw``, honouring the declared ``scale``."""
    scale = opts.get("scale", "auto")
    marked = False
    if isinstance(raw, str):
        text = raw.strip()
        if len(text) > MAX_TEXT:  # before the suffix search, which is quadratic in long blank runs
            raise ParseError(f"expected a percent or ratio, got {len(text)} characters of text")
        stripped = _PERCENT_SUFFIX.sub("", text)
        marked = stripped != text
        raw = stripped
    try:
        number = to_decimal(raw, opts.get("decimal", "auto"), "a percent or ratio")
    except ParseError as err:
        raise ParseError(f"{err} (e.g. 99.9%, 99,9 %, 0.999 or 99.9)") from None
    if not marked and (scale == "ratio" or scale == "auto" and number <= 1):
        number = number * 100
    if number < 0 or number > 100:
        hint = " (scale: ratio reads 0.999 as 99.9%)" if scale == "percent" else ""
        raise ParseError(f"a percent must be from 0 to 100, got {plain(number)}%{hint}")
    try:
        check_range(number, opts.get("plausible"), "%")
    except ParseError as err:
        if not marked and scale == "percent" and number <= 1:
            raise ParseError(f"{err}; is it a ratio? (scale: ratio reads 0.999 as 99.9%)") from None
        raise
    return number


def parse_percent(raw: Any, opts: dict) -> Any:
    return plain(percent_value(raw, opts))


def parse_ratio(raw: Any, opts: dict) -> Any:
    value = percent_value(raw, {**opts, "plausible": None})
    check_range(value / 100, opts.get("plausible"))
    return plain(value / 100)


_SYMBOLS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB"}
# Written so that every character has one way to match: no two quantifiers may
# take the same run of spaces, and the amount starts and ends with a digit or a
# separator. (An earlier form let "USD" + 140 spaces + "x" backtrack for 76 s.)
_MONEY = re.compile(
    r"^(?P<sign>[+-])?\s*(?:(?P<code1>[A-Za-z]{3})\s*(?:[;:]\s*)?|(?P<sym1>[£$€¥₹₩₽])\s*)?"
    r"(?P<sign2>[+-])?(?P<num>[\d.,](?:[\d.,\u00a0\u202f\u2009' ’_]*[\d.,])?)\s*"
    r"(?:(?P<sym2>[£$€¥₹₩₽])|(?P<code2>[A-Za-z]{3}))?$")
MAX_TEXT = 64  # characters of a number, percent or amount: longer text is not one


def money_value(raw: Any, opts: dict) -> tuple[Decimal, Optional[str]]:
    """(amount, currency code or None) for ``£345.89``, ``USD;699.99``, ``12,50 €``."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return to_decimal(raw), None
    text = text_of(raw, "an amount of money")
    if len(text) > MAX_TEXT:
        raise ParseError(f"expected an amount of money, got {len(text)} characters of text")
    m = _MONEY.match(text)
    if not m:
        raise ParseError(f"expected an amount of money (e.g. £345.89, USD;699.99, 1 200,50 €), got {text!r}")
    code = m["code1"] or m["code2"]
    symbol = m["sym1"] or m["sym2"]
    currency = code.upper() if code else _SYMBOLS.get(symbol) if symbol else None
    amount = to_decimal(m["num"].strip(), opts.get("decimal", "auto"), "an amount of money")
    if "-" in ((m["sign"] or "") + (m["sign2"] or "")):
        amount = -amount
    return amount, currency


def parse_money(raw: Any, opts: dict) -> Any:
    amount, currency = money_value(raw, opts)
    expected = opts.get("currency")
    if expected and currency and currency != expected.upper():
        raise ParseError(f"amount is in {currency}, the field expects {expected.upper()} "
                         "(valuate does not convert currencies)")
    check_range(amount, opts.get("plausible"))
    return plain(amount)
