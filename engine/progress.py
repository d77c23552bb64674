"""Progress of a long batch on standard error: done of total, services/s, time left.

Drawn with click's progress bar (click is already what the CLI is built on)
when the number of records is known beforehand (``total``, counted from
JSON Lines files, whose lines are records) it shows a bar, a percentage and
an ETA; otherwise the count and the rate. It is shown only when standard
error is a terminal and the report is not written to that same terminal
(a progress line inside the text report would garble it); never in a file.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Optional, TextIO

import click


def same_terminal(a: TextIO, b: TextIO) -> bool:
    """Whether two streams are the same terminal device."""
    try:
        if not (a.isatty() and b.isatty()):
            return False
        sa, sb = os.fstat(a.fileno()), os.fstat(b.fileno())
    except (AttributeError, OSError, ValueError):
        return False
    return (sa.st_rdev, sa.st_ino) == (sb.st_rdev, sb.st_ino)


def wanted(stderr: TextIO, stdout: TextIO, report_on_stdout: bool) -> bool:
    """Progress goes on a terminal stderr, unless the report is printed on that terminal."""
    try:
        on_terminal = stderr.isatty()
    except (AttributeError, ValueError):
        return False
    return on_terminal and not (report_on_stdout and same_terminal(stdout, stderr))


def plural(n: int, word: str = "service") -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class Progress:
    """``tick(done)`` as records finish, ``finish(done)`` at the end; silent when not ``enabled``."""

    every = 0.2  # seconds between redraws

    def __init__(self, total: Optional[int] = None, stream: Optional[TextIO] = None, enabled: bool = False):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.total = total
        self.start = self.last = time.monotonic()
        self.bar = None

    def _open(self):
        # The bar draws itself only once it is entered; its label says what is counted.
        self.bar = click.progressbar(length=self.total, label="valuate", file=self.stream, show_eta=True,
                                     show_pos=True, show_percent=self.total is not None, item_show_func=lambda text: text, width=24)
        self.bar.__enter__()

    def tick(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        if self.bar is None:
            self._open()
        self.bar.update(done - self.bar.pos, self._rate(done, now))

    def finish(self, done: int) -> None:
        if not self.enabled or self.bar is None:
            return
        self.bar.update(done - self.bar.pos, self._rate(done, time.monotonic()))
        self.bar.__exit__(None, None, None)

    def _rate(self, done: int, now: float) -> str:
        return f"{plural(done)}, {done / max(now - self.start, 1e-9):,.0f}/s"
