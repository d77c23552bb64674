"""``valuate config show``: every setting, its value, and where the value came from."""
from __future__ import annotations

import datetime as _dt
from typing import Any

from . import DEFAULT, Resolved

# What an empty default means, said instead of "(none)".
MEANING = {"rules": "(the bundled ITIL 4 pack)", "as_of": "(today)", "jobs": "(the number of cores)",
           "output": "(standard output)", "input_format": "(from the extension)"}


def shown(value: Any) -> str:
    """A value as a person reads it in the table (and writes it in valuate.toml)."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        if not value:
            return "(none)"
        return ", ".join(f"{v[0]}={v[1]}" if isinstance(v, tuple) else str(v) for v in value)
    return str(value)


def show_text(resolved: Resolved) -> str:
    head = f"config file: {resolved.file}" if resolved.file else \
        "config file: none (no valuate.toml or pyproject.toml [tool.valuate] here or above)"
    rows = [(s.name, MEANING.get(s.dest, "(none)") if value in (None, ()) else shown(value), origin)
            for s, value, origin in resolved.rows()]
    width = max(len(name) for name, _, _ in rows)
    vwidth = min(max(len(v) for _, v, _ in rows), 48)
    lines = [head, "precedence: command line > environment (VALUATE_*) > config file > default", ""]
    lines += [f"{name:<{width}}  {value:<{vwidth}}  {origin}" for name, value, origin in rows]
    return "\n".join(lines) + "\n"


def show_json(resolved: Resolved) -> dict:
    def plain(value):
        if isinstance(value, tuple):
            return [list(v) if isinstance(v, tuple) else v for v in value]
        return value.isoformat() if isinstance(value, _dt.date) else value
    return {"file": str(resolved.file) if resolved.file else None,
            "settings": {s.name: {"value": plain(value), "from": origin, "env": s.env,
                                  "default": origin == DEFAULT}
                         for s, value, origin in resolved.rows()}}
