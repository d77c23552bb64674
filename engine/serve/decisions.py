"""The decision log: one JSON line per evaluation, and what happens when it cannot be written.

The file is checked when the server starts (and on every reload): it must not
be one of the server's inputs, by any spelling, and must be a regular file the
server can append to. When a write fails later (a full disk, a removed
directory), the answer is still sent, with ``X-Valuate-Decision-Log: not
written``, and the line goes to standard error instead: a verdict is never
lost, and the caller learns nothing about the server's files.
"""
from __future__ import annotations

import json
import os
import stat
import sys
from typing import Iterable

from ..errors import Location, UserError
from ..yamlio import file_kind
from .paths import refuse_as_output

OPTION = "--decision-log"


class DecisionLog:
    def __init__(self, path: str):
        self.path = path

    def check(self, inputs: Iterable[str]) -> None:
        """A UserError unless the log can be appended to and is none of ``inputs``."""
        refuse_as_output(self.path, inputs, OPTION)
        where = Location(file=str(self.path))
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            info = None
        except OSError as err:
            raise UserError(f"{OPTION}: cannot use this file: {err.strerror or err}", where) from None
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise UserError(f"{OPTION} must be a regular file, not {file_kind(info.st_mode)}", where)
        try:
            with open(self.path, "a", encoding="utf-8"):
                pass
        except OSError as err:
            raise UserError(f"{OPTION}: cannot write the decision log: {err.strerror or err}", where) from None

    def write(self, entry: dict) -> bool:
        """Append ``entry``; False (and the entry on standard error) when it could not be written."""
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        try:
            with open(self.path, "a", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write(line)
            return True
        except OSError as err:
            sys.stderr.write(f"valuate serve: the decision log {self.path} could not be written "
                             f"({err.strerror or err}); the decision: {line}")
            return False
