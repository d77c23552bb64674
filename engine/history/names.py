"""How runs and stores are named on the command line; no database is touched here.

A run is named ``last``, ``first``, by its id (``7``) or by its evaluation
date (``2026-05-28``: the last run evaluated on that day). A store is a URL:
``sqlite:///reviews.db`` (a bare file name means the same), ``sqlite:////abs/path.db``
or ``postgresql://USER:PASSWORD@HOST:PORT/DB``. This module is imported by the
settings (to leave ``--compare last`` alone when rebasing paths), so it stays
free of SQLAlchemy, which only runs that use a store pay for importing.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Optional

from ..errors import UserError

SCHEMA = 2  # this valuate's store schema version (schema.py defines its tables)
RUN_NAMES = "last, first, a run id (7) or an evaluation date (2026-05-28)"
SQLITE = "sqlite:///"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class NotFound(UserError):
    """A run or service the store does not hold (serve answers 404)."""


@dataclass(frozen=True)
class RunName:
    """A parsed run name: ``kind`` is last | first | id | date."""

    kind: str
    id: Optional[int] = None
    date: Optional[str] = None

    def __str__(self) -> str:
        return {"id": f"run {self.id}", "date": f"the run of {self.date}"}.get(self.kind, f"the {self.kind} run")


def run_name(text: str) -> Optional[RunName]:
    """The run ``text`` names, or None when it is not a run name (then it may be a file)."""
    text = text.strip()
    if text in ("last", "first"):
        return RunName(text)
    if text.isdigit() and text.isascii():
        return RunName("id", id=int(text))
    if _DATE.fullmatch(text):
        try:
            return RunName("date", date=_dt.date.fromisoformat(text).isoformat())
        except ValueError:
            return None
    return None


def is_run_name(text) -> bool:
    return isinstance(text, str) and run_name(text) is not None


def sqlite_file(store: Optional[str]) -> Optional[str]:
    """The file of an SQLite store (as given, relative or absolute), or None for another kind."""
    if not store:
        return None
    if store.startswith(SQLITE):
        path = store[len(SQLITE):].split("?", 1)[0]
        return path or None
    if "://" in store or store.startswith("sqlite:"):
        return None
    return store

