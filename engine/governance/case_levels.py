"""What a rule test case asserts of levels and dates: the service's level, and its verdict
from a later day once the rules scheduled by then decide (``expect: {level, verdict_from}``)."""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..errors import Location, Problem
from ..model import NO_LEVEL, VERDICTS


def dated_verdicts(raw: Any, loc: Location, problems: list) -> dict:
    """``verdict_from: {2027-03-01: not_valuable}``: ISO day -> the verdict expected from that day on."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem("'verdict_from' maps a date to the verdict expected from that day on", loc))
        return {}
    out = {}
    for day, verdict in raw.items():
        try:
            day = day if isinstance(day, _dt.date) else _dt.date.fromisoformat(str(day))
        except ValueError:
            problems.append(Problem(f"'verdict_from' keys are dates YYYY-MM-DD, got {day!r}", loc))
            continue
        if verdict not in VERDICTS:
            problems.append(Problem(f"expected verdict {verdict!r} is not one of {', '.join(VERDICTS)}", loc))
        out[day] = verdict
    return out


def graded(expect: dict, result) -> list:
    """What a case asserts of the level and of the verdict on later days."""
    out = []
    want = expect.get("level")
    if want is not None:
        got = (result.level.level or NO_LEVEL) if result.level is not None else "nothing (no levels declared)"
        if got != want:
            short = "; ".join(s.text() for s in result.level.short) if result.level is not None else ""
            out.append(f"level: expected {want}, got {got}" + (f" (short of {result.level.next}: {short})"
                                                              if short else ""))
    for day, verdict in expect.get("verdict_from", {}).items():
        got = verdict_on(result, day)
        if got != verdict:
            out.append(f"verdict from {day}: expected {verdict}, got {got}")
    return out


def verdict_on(result, day: _dt.date) -> str:
    """The verdict from ``day`` on: that of the latest date some scheduled rule decides by then."""
    got = result.verdict
    for u in result.upcoming:
        if _dt.date.fromisoformat(u.effective) <= day:
            got = u.verdict
    return got
