"""A service's level, read from its findings and criteria (three-valued).

A requirement holds when its rule's finding is met or not applicable, its
criterion is met, or (``verdict``) the service is valuable. A requirement
that is unknown keeps the service below that level, and the shortfall names
the facts whose absence made it unknown: recording them is what would lift
it. A finding that fails under an active waiver counts toward a level only
when the waiver names that level (``levels:`` in the waiver file): a waiver
excuses a failure for the verdict, it does not earn a grade.
"""
from __future__ import annotations

from typing import Optional

from ..model import (ERROR, INDETERMINATE, MET, NOT_APPLICABLE, NOT_MET, NOT_VALUABLE, UNKNOWN, VALUABLE, WAIVED,
                     ServiceResult)
from ..model.levels import LevelResult, Shortfall
from .ladder import CRITERIA, VERDICT, Ladder

_VERDICT_STATUS = {VALUABLE: MET, NOT_VALUABLE: NOT_MET, INDETERMINATE: UNKNOWN}


def grade(ladder: Ladder, result: ServiceResult) -> Optional[LevelResult]:
    """The highest level whose requirements, and all those below, hold; None for an invalid record."""
    if result.verdict == ERROR:
        return None
    reached = None
    for level in ladder.levels:
        short = tuple(s for s in (_shortfall(result, req, level.name) for req in level.requires) if s)
        if short:
            return LevelResult(reached, level.name, short)
        reached = level.name
    return LevelResult(reached)


def _shortfall(result: ServiceResult, req: str, level: str) -> Optional[Shortfall]:
    if req == VERDICT:
        return _verdict(result, level)
    if req in CRITERIA:
        return _criterion(result, req, level)
    finding = result.finding(req)
    if finding is None or finding.status in (MET, NOT_APPLICABLE) \
            or (finding.waived and _counts_for(finding, level)):
        return None  # None: a rule a profile switched off, nothing to meet
    status = WAIVED if finding.waived else finding.status
    return Shortfall(req, status, finding.message, finding.missing if status == UNKNOWN else ())


def _criterion(result: ServiceResult, name: str, level: str) -> Optional[Shortfall]:
    status = result.status_of(name.partition(".")[2] or name)  # a dimension by its own name
    concerned = [f for f in _of(result, name) if f.counts and f.failing]
    if status == MET or (status == WAIVED and all(_counts_for(f, level) for f in concerned if f.waived)):
        return None
    return _from(name, status, concerned)


def _verdict(result: ServiceResult, level: str) -> Optional[Shortfall]:
    concerned = [f for f in result.findings if f.counts and f.failing]
    if result.verdict == VALUABLE and all(_counts_for(f, level) for f in concerned if f.waived):
        return None
    status = WAIVED if result.verdict == VALUABLE else _VERDICT_STATUS[result.verdict]
    return _from(VERDICT, status, concerned)


def _from(name: str, status: str, concerned: list) -> Shortfall:
    """The shortfall of a criterion or the verdict: its failing findings' messages and gaps."""
    wanted = [f for f in concerned if (f.status == status) or status == WAIVED]
    missing = tuple(dict.fromkeys(m for f in wanted for m in f.missing)) if status == UNKNOWN else ()
    message = "; ".join(f"{f.rule}: {f.message}" for f in wanted) or status
    return Shortfall(name, status, message, missing)


def _of(result: ServiceResult, name: str) -> list:
    top, _, dimension = name.partition(".")
    return [f for f in result.findings if f.criterion == top and (not dimension or f.dimension == dimension)]


def _counts_for(finding, level: str) -> bool:
    """A waived finding counts toward ``level`` only where its waiver names it."""
    return level in getattr(finding.waiver, "levels", ())
