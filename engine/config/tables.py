"""The tables of valuate.toml that hold a command's own settings: ``[serve]``, ``[rules-lint]``.

    [serve]
    port = 9000                  # valuate serve --port 9000, VALUATE_SERVE_PORT=9000
    [rules-lint]
    format = "json"              # valuate rules lint --format json, VALUATE_RULES_LINT_FORMAT=json

A table is named after its command, with ``-`` for the space (``rules_lint``
is the same table); in ``pyproject.toml`` it is ``[tool.valuate.serve]``.
Shared settings stay top-level keys; a key in the wrong place, or a
command-line-only option, is an error that says where it goes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping, Optional

from ..errors import Location, UserError, did_you_mean
from .settings import BY_NAME, SETTINGS, TABLES, own_settings


def read_tables(doc: Mapping, text: str, path: Path, section: Optional[str],
                line_of: Callable) -> tuple[dict, dict]:
    """(command -> {dest: raw value}, command -> {dest: line}) of the command tables in ``doc``."""
    values: dict = {}
    lines: dict = {}
    spelled: dict = {}  # command -> the table name as written
    for key, body in doc.items():
        name = key.replace("_", "-")
        if name not in TABLES:
            continue
        command = TABLES[name]
        header = _header(key, section)
        where = Location(file=str(path), line=header_line(text, key, section))
        if command in spelled:
            raise UserError(f"[{spelled[command]}] and [{key}] are one table, [{name}]; keep one of them", where)
        if not isinstance(body, dict):
            raise UserError(f"{key!r} is the table of {command}'s own settings: write [{name}] and its keys "
                            "below it", where)
        spelled[command] = key
        values[command], lines[command] = {}, {}
        for item, value in body.items():
            dest = item.replace("-", "_")
            line = line_of(text, item, header)
            known = {s.dest: s for s in own_settings(command)}
            if dest not in known:
                raise UserError(f"unknown key {item!r} in [{name}]{_hint(item, command, known)}",
                                Location(file=str(path), line=line))
            if dest in values[command]:
                raise UserError(f"{item!r} is given twice in [{name}] (as {_written(body, dest)}); keep one",
                                Location(file=str(path), line=line))
            values[command][dest], lines[command][dest] = value, line
    return values, lines


def misplaced(key: str) -> str:
    """Why a top-level key valuate does not take there is still a name it knows ('' if none)."""
    dest = key.replace("-", "_")
    rows = [s for s in SETTINGS if s.dest == dest and s.dest not in BY_NAME]
    if not rows:
        return ""
    if all(s.cli_only for s in rows):
        return f"; --{rows[0].name} is command line only ({rows[0].cli_only})"
    tables = sorted(f"[{name}]" for name, command in TABLES.items() if dest in {s.dest for s in own_settings(command)})
    return f"; {rows[0].name} is a command's own setting: write it in {' or '.join(tables)}"


def _hint(item: str, command: str, known: dict) -> str:
    dest = item.replace("-", "_")
    if dest in BY_NAME:
        return (f": {BY_NAME[dest].name} is a shared setting, a top-level key for every command that takes it; "
                "write it above the first table")
    cli = [s for s in SETTINGS if s.dest == dest and s.cli_only and command in s.commands]
    if cli:
        return f": --{cli[0].name} is command line only ({cli[0].cli_only})"
    names = [s.name for s in known.values()]
    return (did_you_mean(item, names) or did_you_mean(item.replace("_", "-"), names)) + \
        f"; the keys of [{command.replace(' ', '-')}] are {', '.join(names)}"


def _written(body: Mapping, dest: str) -> str:
    return " and ".join(repr(k) for k in body if k.replace("-", "_") == dest)


def _header(key: str, section: Optional[str]) -> str:
    return f"[{key}]" if section is None else f"[tool.valuate.{key}]"


def header_line(text: str, key: str, section: Optional[str]) -> Optional[int]:
    """The line of the table header ``[key]`` (``[tool.valuate.key]`` in pyproject.toml)."""
    header = _header(key, section)
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().replace(" ", "") == header:
            return number
    return None
