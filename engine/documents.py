"""Helpers for reading YAML rule documents into problems with positions.

Every problem names the file, the line and column from the YAML mark, and the
path through the document (``rules[2].condition.all[1]``), like pre-commit's
config errors. Unknown keys get a "did you mean".
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from .errors import EXCERPT, Location, Problem, did_you_mean, excerpt


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

    def document(self, node: Any, location: Location, what: str) -> bool:
        """The whole document is a mapping; if not, the file is not one of ours, and the
        error names its kind only, never its content (it may be any file: a profile's
        ``extends`` can name one)."""
        if isinstance(node, dict):
            return True
        self.error(f"{what} must be a mapping, got {kind_of(node, quote=False)}; "
                   "is this the right file?", location)
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
        if not path and node and not any(key in allowed or did_you_mean(str(key), sorted(allowed)) for key in node):
            # none of the keys, nor a misspelling of one: another kind of file, whose keys are not shown
            self.error(f"{what} has none of its keys ({', '.join(sorted(allowed))}); is this the right file?",
                       self.at(node))
            return False
        ok = True
        for key in node:
            if key not in allowed:
                hint = did_you_mean(str(key), sorted(allowed))
                self.error(f"unknown key {excerpt(key)} in {what}{hint}",
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
            self.error(f"{what} must be one of {', '.join(choices)}; got {excerpt(value)}"
                       f"{did_you_mean(value, choices)}", loc)
            return None
        return value.strip()


def join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def kind_of(value: Any, quote: bool = True) -> str:
    """What a value is, in words, with a bounded excerpt of it (``errors.excerpt``);
    ``quote=False`` names the kind alone: for the whole document of a file that is not the
    expected kind of valuate document, whose content is never shown (SECURITY.md)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})" if quote else "a boolean"
    if isinstance(value, (int, float)):
        text = str(value)
        return (f"a number ({text if len(text) <= EXCERPT else text[:EXCERPT - 3] + '...'})"
                if quote else "a number")
    if isinstance(value, str):
        return f"a string ({excerpt(value)})" if quote else "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
