"""``valuate config show``: every setting, its value, and where the value came from.

The shared settings first (as valuate check reads them: config show takes
check's options, to show what a command line would change), then each
command's own table ([explain], [serve], [rules-lint], ...).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from . import DEFAULT, Resolved, read_sources
from .settings import CHECK, CONFIG_SHOW, TABLES, own_settings, shared_settings

# What an empty default means, said instead of "(none)".
MEANING = {"rules": "(the bundled ITIL 4 pack)", "as_of": "(today)", "jobs": "(the number of cores)",
           "output": "(standard output)", "input_format": "(from the extension)",
           "workers": "(the number of cores)", "max_pending": "(4 per worker)"}


@dataclass(frozen=True)
class Shown:
    shared: Resolved  # the top-level keys
    tables: tuple  # (table name, command, Resolved of its own settings), in the commands' order
    file: Optional[Path]
    warnings: tuple = ()

    @property
    def as_json(self) -> bool:
        return next(r for _, command, r in self.tables if command == CONFIG_SHOW).values["json"]


def gather(explicit: Mapping, env: Optional[Mapping] = None, cwd: Optional[Path] = None) -> Shown:
    """Every setting a file or a variable may set, resolved; ``explicit``: config show's command line."""
    src = read_sources(explicit.get("config"), bool(explicit.get("no_config")), env, cwd)
    values, origins = {}, {}
    for s in shared_settings():  # each as a command reading it does (check, where check takes it)
        values[s.dest], origins[s.dest] = src.value(s, CHECK if CHECK in s.commands else min(s.commands), explicit)
    shared = Resolved(CHECK, values, origins, src.file.path if src.file else None, src.warnings, shared_settings())
    tables = tuple((name, command, src.resolve(command, explicit if command == CONFIG_SHOW else {},
                                               own_settings(command))) for name, command in TABLES.items())
    return Shown(shared, tables, shared.file, src.warnings)


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


def _rows(resolved: Resolved) -> list:
    return [(s.name, MEANING.get(s.dest, "(none)") if value in (None, ()) else shown(value), origin)
            for s, value, origin in resolved.rows()]


def show_text(shown_: Shown) -> str:
    head = f"config file: {shown_.file}" if shown_.file else \
        "config file: none (no valuate.toml or pyproject.toml [tool.valuate] here or above)"
    blocks = [("", _rows(shown_.shared))] + [(f"[{name}]", _rows(r)) for name, _, r in shown_.tables]
    every = [row for _, rows in blocks for row in rows]
    width = max(len(name) for name, _, _ in every)
    vwidth = min(max(len(v) for _, v, _ in every), 48)
    lines = [head, "precedence: command line > environment (VALUATE_*) > config file > default"]
    for title, rows in blocks:
        lines += ["", *([title] if title else [])]
        lines += [f"{name:<{width}}  {value:<{vwidth}}  {origin}" for name, value, origin in rows]
    return "\n".join(lines) + "\n"


def show_json(shown_: Shown) -> dict:
    def plain(value):
        if isinstance(value, tuple):
            return [list(v) if isinstance(v, tuple) else v for v in value]
        return value.isoformat() if isinstance(value, _dt.date) else value

    def entries(resolved: Resolved, command: Optional[str]) -> dict:
        return {s.name: {"value": plain(value), "from": origin, "env": s.env if command is None else
                         s.variable(command), "default": origin == DEFAULT} for s, value, origin in resolved.rows()}
    return {"file": str(shown_.file) if shown_.file else None, "settings": entries(shown_.shared, None),
            "tables": {name: entries(r, command) for name, command, r in shown_.tables}}
