"""Text and ServiceNow reference objects.

ServiceNow's Table API returns reference fields as ``{"link": ..., "value":
<sys_id>}``, and with ``sysparm_display_value=all`` every field as
``{"display_value": ..., "value": ...}``. The ``reference`` parser takes the
display value (what people read) and falls back to the value (the sys_id).
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from .base import ParseError, text_of

REFERENCE_KEYS = frozenset({"value", "display_value", "link"})


def is_reference(raw: Any) -> bool:
    """A ServiceNow reference or display-value object."""
    return (isinstance(raw, dict) and bool(raw) and set(raw) <= REFERENCE_KEYS
            and ("value" in raw or "display_value" in raw))


def unwrap(raw: Any, use: str = "display_value", fallback: bool = True) -> Any:
    """The chosen part of a reference object (other values pass through)."""
    if not is_reference(raw):
        return raw
    value = raw.get(use)
    if (value is None or value == "") and fallback:
        for other in ("display_value", "value"):
            if raw.get(other) not in (None, ""):
                return raw[other]
    return value


def parse_string(raw: Any, opts: dict) -> Any:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # XLSX numeric cells: 1001.0 is the id 1001
    if isinstance(raw, (_dt.date, _dt.datetime, _dt.time)):
        return raw.isoformat()
    if isinstance(raw, _dt.timedelta):
        return str(raw)  # 2:00:00, 1 day, 4:00:00
    text = text_of(raw, "text")
    if opts.get("collapse"):
        text = " ".join(text.split())  # wrapped YAML/CSV text becomes one line
    limit = opts.get("max_length")
    if limit and len(text) > limit:
        raise ParseError(f"text of {len(text)} characters is longer than max_length {limit}")
    return text


def parse_reference(raw: Any, opts: dict) -> Any:
    if isinstance(raw, dict) and not is_reference(raw):
        keys = ", ".join(map(str, list(raw)[:5]))
        raise ParseError(f"expected a reference {{value, display_value, link}}, got a mapping with keys {keys}")
    value = unwrap(raw, opts.get("use") or "display_value", opts.get("fallback", True))
    if value is None or value == "":
        return None
    return parse_string(value, opts)
