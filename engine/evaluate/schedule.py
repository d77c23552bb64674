"""What comes into force later: a service's verdict on each day scheduled rules start to decide.

A rule with ``effective: DAY`` after the evaluation date is decided by
durable-rules like any other, but its finding does not count yet
(``Finding.in_force``). Here the same findings are composed again as they
will count on each such day (every rule due by then in force, the rest as
today), so a report can say which services would fail on which date.
"""
from __future__ import annotations

from dataclasses import replace

from ..model import Upcoming
from ..rules.language import SHADOW
from .compose import compose


def upcoming(findings: tuple, verdict: str, exempt: frozenset = frozenset()) -> tuple:
    """Upcoming per day some scheduled rule fails for the service, or the verdict changes."""
    days = sorted({f.effective for f in findings if f.scheduled})
    out = []
    for day in days:
        due = [replace(f, in_force=True) if not f.in_force and f.effective <= day else f
               for f in standing(findings, day)]
        then = compose(due, (None, None), exempt)[1]
        failing = tuple(f.rule for f in findings if f.scheduled and f.effective == day and f.failing
                        and not f.waived)
        if failing or then != verdict:
            out.append(Upcoming(day, then, failing))
    return tuple(out)


def standing(findings, day: str) -> list:
    """The findings as they count on ``day``: a shadow of a rule (RULE@DAY, policy/shadows.py)
    due by then stands in for the rule, the latest one due when a parameter changes twice."""
    latest: dict = {}
    for f in findings:
        base, _, when = f.rule.partition(SHADOW)
        if when and when <= day:
            latest[base] = max(latest.get(base, ""), when)
    if not latest:
        return list(findings)
    return [f for f in findings if f.rule.partition(SHADOW)[0] not in latest
            or f.rule.partition(SHADOW)[2] == latest[f.rule.partition(SHADOW)[0]]]
