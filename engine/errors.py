"""Errors a user can act on, each able to say where the problem is.

Every error raised for bad input (a rule pack, a catalog, a command-line value)
is a ``UserError``: the CLI prints it as one line and exits 2. Anything else
escaping the library is a bug in valuate.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Location:
    """Where something is: a file, and within it a line/column, a record or a path."""

    file: Optional[str] = None
    line: Optional[int] = None  # 1-based
    column: Optional[int] = None  # 1-based
    record: Optional[int] = None  # 1-based position of a record in its catalog
    path: Optional[str] = None  # a path through the document, e.g. rules[3].condition

    def __str__(self) -> str:
        parts = []
        if self.file:
            head = self.file
            if self.line is not None:
                head += f":{self.line}"
                if self.column is not None:
                    head += f":{self.column}"
            parts.append(head)
        if self.record is not None:
            parts.append(f"record {self.record}")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class UserError(Exception):
    """A problem with the user's input; printed as one line, exit code 2."""

    def __init__(self, message: str, location: Optional[Location] = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is not None and str(self.location):
            return f"{self.location}: {self.message}"
        return self.message

    def lines(self) -> list[str]:
        """The error as the CLI prints it, one line per problem, after its one prefix."""
        return str(self).splitlines() or [""]


class ProblemsError(UserError):
    """A file with one or more problems (a rule pack, a mapping), one line each."""

    def __init__(self, problems: list["Problem"]):
        self.problems = list(problems)
        first = self.problems[0]
        super().__init__(first.message, first.location)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def lines(self) -> list[str]:
        # the CLI's "valuate: error:" already says what each line is
        return [p.plain() for p in self.problems]


class RulePackError(ProblemsError):
    """A rule pack that cannot be loaded or compiled; may carry several problems."""


class CatalogError(UserError):
    """A catalog that cannot be read at all (unreadable file, not a catalog)."""


class EngineError(Exception):
    """durable-rules reported something it should not have: a bug or a limit."""


@dataclass(frozen=True)
class Problem:
    """One finding of the pack loader or linter."""

    message: str
    location: Optional[Location] = None
    severity: str = "error"  # error | warning
    code: str = "pack"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location is not None and str(self.location) else ""
        return f"{where}{self.severity}: {self.message} [{self.code}]"

    def plain(self) -> str:
        """Without the severity word: for a line that already starts with one."""
        where = f"{self.location}: " if self.location is not None and str(self.location) else ""
        return f"{where}{self.message} [{self.code}]"


EXCERPT = 40  # characters of a value an error message may quote


def excerpt(value, limit: int = EXCERPT) -> str:
    """A value quoted in an error message: the repr of its text (control characters
    escaped), at most ``limit`` characters of it, longer text cut with '...'. Only values
    of a document that did read as the expected kind of valuate document are ever quoted
    (SECURITY.md, "What error messages show")."""
    text = value if isinstance(value, str) else str(value)
    return repr(text[: limit - 3]) + "..." if len(text) > limit else repr(text)


def did_you_mean(word: str, candidates: list[str]) -> str:
    """A ' (did you mean ...?)' suffix naming the closest candidates, or nothing."""
    close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"
