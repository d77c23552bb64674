"""Helpers for reading YAML rule documents into problems with positions.

Every problem names the file, the line and column from the YAML mark, and the
path through the document (``rules[2].condition.all[1]``), like pre-commit's
config errors. Unknown keys get a "did you mean".
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from .errors import Location, Problem
from .errors import did_you_mean


class Reader:
    """Collects problems for one file instead of stopping at the first."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def at(self, container: Any, key: Any = None, path: str = "") -> Location:
        line = col = None
        where = getattr(container, "where", None)
        if where is not None:
            line, col = where(key)
        return Location(file=self.file, line=line, column=col, path=path or None)

    def error(self, message: str, location: Location, code: str = "schema") -> None:
        self.problems.append(Problem(message, location, "error", code))

    def warn(self, message: str, location: Location, code: str = "lint") -> None:
        self.problems.append(Problem(message, location, "warning", code))

    def mapping(self, node: Any, location: Location, what: str) -> bool:
        if isinstance(node, dict):
            return True
        self.error(f"{what} must be a mapping, got {kind_of(node)}", location)
        return False

    def sequence(self, node: Any, location: Location, what: str) -> bool:
        if isinstance(node, list):
            return True
        self.error(f"{what} must be a list, got {kind_of(node)}", location)
        return False

    def keys(self, node: dict, path: str, required: Iterable[str], optional: Iterable[str],
             what: str) -> bool:
        """Report missing required keys and unknown keys; True when all is well."""
        required, allowed = list(required), set(required) | set(optional)
        ok = True
        for key in node:
            if key not in allowed:
                hint = did_you_mean(str(key), sorted(allowed))
                self.error(f"unknown key {key!r} in {what}{hint}",
                           self.at(node, key, join(path, str(key))))
                ok = False
        for key in required:
            if key not in node:
                self.error(f"{what} is missing required key {key!r}", self.at(node, None, path))
                ok = False
        return ok

    def string(self, node: dict, key: str, path: str, what: str,
               choices: Optional[Iterable[str]] = None) -> Optional[str]:
        """``node[key]`` as text; ``path`` is the path of ``node`` (the key is added to it)."""
        value = node.get(key)
        loc = self.at(node, key, join(path, key))
        if not isinstance(value, str) or not value.strip():
            self.error(f"{what} must be a non-empty string, got {kind_of(value)}", loc)
            return None
        if choices is not None and value not in choices:
            choices = list(choices)
            self.error(f"{what} must be one of {', '.join(choices)}; got {value!r}"
                       f"{did_you_mean(value, choices)}", loc)
            return None
        return value.strip()


def join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"a string ({short!r})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
