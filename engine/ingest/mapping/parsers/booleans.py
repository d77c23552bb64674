"""Booleans: yes/no, true/false, 1/0, x, y/n, on/off, ✓.

Only words in the true or false sets become true or false. Words in the
unknown set (empty, ``?``, ``n/a``, ``-`` ...) are unknown, never false; any
other word is an error, because guessing would turn noise into a verdict.
"""
from __future__ import annotations

from typing import Any

from .base import ParseError, text_of

TRUE_WORDS = ("yes", "y", "true", "t", "1", "x", "on", "✓", "✔", "checked", "ja", "oui", "si", "sí")
FALSE_WORDS = ("no", "n", "false", "f", "0", "off", "✗", "✘", "unchecked", "nein", "non")


def parse_boolean(raw: Any, opts: dict) -> Any:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    text = text_of(raw, "yes or no").casefold()
    truthy = {w.casefold() for w in TRUE_WORDS} | {str(w).strip().casefold() for w in opts.get("truthy") or ()}
    falsy = {w.casefold() for w in FALSE_WORDS} | {str(w).strip().casefold() for w in opts.get("falsy") or ()}
    if text in truthy and text in falsy:
        raise ParseError(f"{text!r} is listed as both true and false for this field")
    if text in truthy:
        return True
    if text in falsy:
        return False
    raise ParseError(f"expected yes or no (yes/no, true/false, 1/0, x), got {raw!r}; "
                     "add it to truthy or falsy on this field, or to unknown")
