"""Where settings come from besides the command line: a config file and the environment.

The file is ``valuate.toml`` or the ``[tool.valuate]`` table of
``pyproject.toml``, in the working directory or the nearest directory above
it that has one (``valuate.toml`` first); ``--config FILE`` (or
``VALUATE_CONFIG``) names one instead and ``--no-config`` ignores it. Paths
in a file are relative to the file's directory, so a job started in a
subdirectory reads the same files. Variables are ``VALUATE_<SETTING>``
(``VALUATE_FAIL_ON=indeterminate``), and ``VALUATE_<COMMAND>_<SETTING>`` for
a command's own settings (``VALUATE_SERVE_PORT``), which the file holds in
the command's table (engine/config/tables.py).
"""
from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from ..errors import Location, UserError, did_you_mean
from ..stdio import real_path
from .settings import BY_NAME, TABLES, command_line_only, variables
from .tables import header_line, misplaced, read_tables

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, packaged for 3.10 (a dependency there)
    import tomli as tomllib

CONFIG_ENV = "VALUATE_CONFIG"
NOT_SETTINGS = {CONFIG_ENV, "VALUATE_SAMPLES"}  # variables valuate reads that are not settings


@dataclass(frozen=True)
class ConfigFile:
    path: Path
    values: Mapping  # setting dest -> raw TOML value (the top-level keys)
    lines: Mapping  # setting dest -> line of its key (for messages)
    tables: Mapping = field(default_factory=dict)  # command -> {dest: raw value} of its own table
    table_lines: Mapping = field(default_factory=dict)  # command -> {dest: line}

    def where(self, dest: str, command: Optional[str] = None) -> str:
        line = (self.lines if command is None else self.table_lines.get(command, {})).get(dest)
        return f"{self.path}:{line}" if line else str(self.path)


def discover(start: Path) -> Optional[Path]:
    """The nearest valuate.toml, or pyproject.toml with a [tool.valuate] table, at or above ``start``."""
    for folder in (start, *start.parents):
        if (folder / "valuate.toml").is_file():
            return folder / "valuate.toml"
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and re.search(r"^\s*\[tool\.valuate\]", _read(pyproject), re.M):
            return pyproject
    return None


def load_file(path: Path) -> ConfigFile:
    text = _read(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _toml_error(err, text, path) from None
    if path.name == "pyproject.toml":
        doc = doc.get("tool", {}).get("valuate", {})
        section = "[tool.valuate]"
    else:
        section = None
    if not isinstance(doc, dict):
        raise UserError("[tool.valuate] must be a table", Location(file=str(path)))
    values, lines, written = {}, {}, {}
    for key, value in doc.items():
        dest = key.replace("-", "_")
        line = _line_of(text, key, section) or header_line(text, key, section)
        if key.replace("_", "-") in TABLES:  # a command's own table: read_tables reads it
            continue
        if dest not in BY_NAME:
            hint = misplaced(key) or (f"{_suggest(key)}; the top-level keys are the shared settings: "
                                      f"{', '.join(BY_NAME[d].name for d in BY_NAME)}; a command's own settings "
                                      f"go in its table: {', '.join(f'[{t}]' for t in TABLES)}")
            raise UserError(f"unknown key {key!r}{hint}", Location(file=str(path), line=line))
        if dest in values:  # fail_on and fail-on: one setting written twice, one value would be lost
            first = written[dest]
            raise UserError(f"{first!r} (line {lines[dest]}) and {key!r} (line {line}) are one setting, "
                            f"{BY_NAME[dest].name}, given twice; keep one of them",
                            Location(file=str(path), line=line))
        values[dest], lines[dest], written[dest] = value, line, key
    tables, table_lines = read_tables(doc, text, path, section, _line_of)
    return ConfigFile(path, values, lines, tables, table_lines)


def find(config: Optional[str], no_config: bool, env: Mapping, cwd: Path) -> Optional[ConfigFile]:
    if no_config:
        return None
    named = config or env.get(CONFIG_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise UserError("no such config file", Location(file=str(named)))
        return load_file(path)
    found = discover(cwd)
    return load_file(found) if found is not None else None


def environment(env: Mapping) -> tuple[dict, list]:
    """(variable -> text of each VALUATE_* setting variable, warnings for near misses)."""
    values, warnings = {}, []
    known, unread = variables(), command_line_only()
    for name, value in env.items():
        if not name.startswith("VALUATE_") or name in NOT_SETTINGS:
            continue
        if name in known:
            values[name] = value
            continue
        if name in unread:
            s = unread[name]
            warnings.append(f"environment variable {name} is not read: --{s.name} is command line only "
                            f"({s.cli_only})")
            continue
        # Other VALUATE_ variables may belong to someone else: only near misses of a
        # setting's name are told (compared without the shared prefix, which would match all).
        close = difflib.get_close_matches(name[8:], [n[8:] for n in known], n=1, cutoff=0.8)
        if close:
            warnings.append(f"environment variable {name} is not a valuate setting "
                            f"(did you mean 'VALUATE_{close[0]}'?)")
    return values, warnings


def _suggest(key: str) -> str:
    names = [s.name for s in BY_NAME.values()] + list(TABLES)
    return did_you_mean(key, names) or did_you_mean(key.replace("_", "-"), names)


def _line_of(text: str, key: str, section: Optional[str]) -> Optional[int]:
    """The line of ``key = ...`` (inside ``section`` when given); TOML parsers do not keep lines."""
    start = 0
    if section is not None:
        found = text.find(section)
        start = text.count("\n", 0, found) if found >= 0 else 0
    pattern = re.compile(r'^\s*["\']?' + re.escape(key) + r'["\']?\s*=')
    for number, line in enumerate(text.splitlines()[start:], start + 1):
        if pattern.match(line):
            return number
    return None


_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")
_KEY = re.compile(r'^\s*["\']?([A-Za-z0-9_-]+)["\']?\s*=')


def _toml_error(err: Exception, text: str, path: Path) -> UserError:
    """The parser's error; a key written twice is named, with both its lines."""
    found = _AT_LINE.search(str(err))
    line = int(found[1]) if found else None
    lines = text.splitlines()
    key = _KEY.match(lines[line - 1]) if line and line <= len(lines) else None
    if key is not None and "overwrite" in str(err):
        first = next((n for n, t in enumerate(lines[:line - 1], 1) if (m := _KEY.match(t)) and m[1] == key[1]), None)
        if first is not None:
            return UserError(f"the key {key[1]!r} is given twice (lines {first} and {line}); keep one of them",
                             Location(file=str(path), line=line))
    return UserError(f"invalid TOML: {err}", Location(file=str(path), line=line))


def _read(path: Path) -> str:
    try:
        with open(real_path(path), encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read config file: {err}", Location(file=str(path))) from None
