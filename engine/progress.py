"""Progress of a long batch on standard error: services done and services/s.

Shown only when standard error is a terminal, and rewritten in place.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TextIO


@dataclass
class Progress:
    """Services done and services/s on standard error, only when it is a terminal."""

    stream: TextIO = sys.stderr
    every: float = 0.5

    def __post_init__(self) -> None:
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = self.last = time.monotonic()

    def tick(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            rate = done / max(now - self.start, 1e-9)
            self.stream.write(f"\rvaluate: {done:,} services, {rate:,.0f}/s ")
            self.stream.flush()

    def finish(self, done: int) -> None:
        if self.enabled and self.last != self.start:
            rate = done / max(time.monotonic() - self.start, 1e-9)
            self.stream.write(f"\rvaluate: {done:,} services, {rate:,.0f}/s \n")
