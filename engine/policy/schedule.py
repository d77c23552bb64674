"""The policy's dates and grades: what comes into force later, and the one ladder of levels.

Rules and parameter cases may carry ``effective: DAY``. A rule not yet in
force is compiled and decided as always (its findings do not count, see
evaluate/findings.py); a parameter case not yet in force is left out of the
value the rules are compiled with, so until its day the case below applies.
Both are listed (``Scheduled``) so that reports say what is coming.
"""
from __future__ import annotations

import datetime as _dt

from ..errors import RulePackError
from ..levels import Ladder, check_ladder, ladder_of
from ..model import Scheduled
from ..rules.language import SHADOW
from ..rules.param_cases import describe_case, in_force
from typing import Optional


def scheduled_rules(packs, day: _dt.date) -> tuple:
    return tuple(Scheduled(r.effective.isoformat(), rule=r.id, days_left=(r.effective - day).days)
                 for p in packs for r in p.rules if not r.in_force(day) and SHADOW not in r.id)


def scheduled_cases(params: dict, day: _dt.date) -> tuple[dict, tuple]:
    """(params with only the cases in force on ``day``, Scheduled for each case left out)."""
    out, later = {}, []
    for pack, values in params.items():
        out[pack] = {}
        for name, value in values.items():
            out[pack][name], left = in_force(value, day)
            later += [Scheduled(c.effective.isoformat(), parameter=f"{pack}.{name}", case=describe_case(c),
                                days_left=(c.effective - day).days) for c in left]
    return out, tuple(sorted(later, key=lambda s: s.effective))


def has_dated_cases(params: dict) -> bool:
    return any(c.effective is not None for values in params.values() for v in values.values()
               for c in getattr(v, "cases", ()))


def checked_ladder(packs) -> Optional[Ladder]:
    """The run's ladder (a profile's is held by the first pack), its requirements checked."""
    ladder, problems = ladder_of(packs)
    if ladder is not None:
        ids = [r.id for p in packs for r in p.rules] + [rid for p in packs for rid in p.disabled]
        problems += [p for p in check_ladder(ladder, ids) if p.severity == "error"]
    if problems:
        raise RulePackError(problems)
    return ladder
