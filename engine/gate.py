"""``--fail-on``: whether a run fails, and which services count as its failures.

A service fails at LEVEL when its verdict is at or above it (indeterminate <
not_valuable < error). Against a baseline only new findings count: a new
not-met finding that decides a verdict counts as not_valuable, a new unknown
one as indeterminate, a new invalid record as error; advisory findings
never fail a run. The CLI turns ``failed`` into its exit code; ``--quiet``
lists the services ``fails`` accepts.
"""
from __future__ import annotations

from typing import Callable

from .model import ServiceResult, Summary

FAIL_LEVELS = {"never": (), "not_valuable": ("not_valuable", "error"),
               "indeterminate": ("indeterminate", "not_valuable", "error")}


def levels(fail_on: str) -> tuple:
    return FAIL_LEVELS[fail_on]


def failed(summary: Summary, fail_on: str) -> bool:
    """Whether the finished run has anything at or above ``fail_on`` (new, under a baseline)."""
    return summary.fails_at(levels(fail_on))


def fails(fail_on: str, baselined: bool) -> Callable[[ServiceResult], bool]:
    """A predicate: does this (baseline-marked) result make the run fail at ``fail_on``?
    With ``never`` nothing fails the run, and the default level says what a failure is."""
    wanted = set(levels(fail_on if fail_on != "never" else "not_valuable"))
    return lambda result: result.fails_at(wanted, baselined)
