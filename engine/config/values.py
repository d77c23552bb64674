"""Reading a setting's value: from the command line (typed by click), a TOML file (typed by
TOML) or the environment (text: lists comma-separated, booleans 1/0/true/false/yes/no), each
checked against the setting's kind, choices and bounds (engine/config/settings.py)."""
from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from ..errors import Location, UserError, did_you_mean
from .settings import Setting


def parse(setting: Setting, value: Any, where: str) -> Any:
    """``value`` as the setting's type; a UserError naming ``where`` (file:line or variable) otherwise."""
    try:
        return _PARSERS[setting.kind](setting, value)
    except ValueError as err:
        raise UserError(f"{setting.name}: {err}", _location(where)) from None


def _location(where: str):
    file, _, line = where.rpartition(":")
    if file and line.isdigit():
        return Location(file=file, line=int(line))
    return Location(file=where)


def _text(s: Setting, v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"expected text, got {type(v).__name__} {v!r}")
    return v


def _texts(s: Setting, v: Any) -> tuple:
    if isinstance(v, str):
        v = [part.strip() for part in v.split(",") if part.strip()]
    if not isinstance(v, (list, tuple)):
        raise ValueError(f"expected a list of text, got {type(v).__name__} {v!r}")
    return tuple(_text(s, item) for item in v)


def _choice(s: Setting, v: Any) -> str:
    if v not in s.choices:
        raise ValueError(f"expected one of {', '.join(s.choices)}, got {v!r}"
                         f"{did_you_mean(str(v), list(s.choices))}")
    return v


def _choices(s: Setting, v: Any) -> tuple:
    items = [part.strip() for item in _texts(s, v) for part in item.split(",") if part.strip()]
    return tuple(dict.fromkeys(_choice(s, item) for item in items))


def _bool(s: Setting, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    words = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}
    if isinstance(v, str) and v.strip().lower() in words:
        return words[v.strip().lower()]
    raise ValueError(f"expected true or false, got {v!r}")


def _int(s: Setting, v: Any) -> int:
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"expected a whole number, got {v!r}")
    return _bounded(s, v)


def _float(s: Setting, v: Any) -> float:
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            raise ValueError(f"expected a number, got {v!r}") from None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ValueError(f"expected a number, got {v!r}")
    return _bounded(s, float(v))


def _bounded(s: Setting, v):
    if s.minimum is not None and v < s.minimum:
        raise ValueError(f"expected at least {s.minimum:g}, got {v:g}")
    if s.maximum is not None and v > s.maximum:
        raise ValueError(f"expected at most {s.maximum:g}, got {v if v < 10 ** 30 else 'a larger number'}")
    return v


def _date(s: Setting, v: Any) -> _dt.date:
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    try:
        return _dt.date.fromisoformat(str(v))
    except ValueError:
        raise ValueError(f"{v!r} is not a date in the form YYYY-MM-DD") from None


def _pairs(s: Setting, v: Any) -> tuple:
    """NAME=VALUE items; a TOML table {name = value} keeps its values' types."""
    if isinstance(v, dict):
        return tuple((str(k), item) for k, item in v.items())
    out = []
    for item in _texts(s, v):
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"expected NAME=VALUE, got {item!r}")
        out.append((name.strip(), raw))
    return tuple(out)


_PARSERS = {"path": _text, "paths": _texts, "text": _text, "texts": _texts, "choice": _choice,
            "choices": _choices, "bool": _bool, "int": _int, "float": _float, "date": _date, "pairs": _pairs}
