"""Levels and dates in words, shared by the text, Markdown and HTML reports.

A service's level and what keeps it from the next; the policy's rules and
parameter cases coming into force later; the distribution of levels and, per
day, how many services would fail once those rules decide.
"""
from __future__ import annotations

from ..model import NO_LEVEL, RunInfo, ServiceResult, Summary


def level_name(name) -> str:
    return name if name else "no level"


def level_lines(result: ServiceResult) -> list:
    """'level bronze; short of silver: ...' and what comes into force, under a service."""
    out = []
    lv = result.level
    if lv is not None:
        line = f"      level {level_name(lv.level)}"
        if lv.next is not None:
            line += f"; short of {lv.next}: " + "; ".join(s.text() for s in lv.short)
        out.append(line)
    for u in result.upcoming:
        failing = f"{', '.join(u.rules)} fail{'s' * (len(u.rules) == 1)}" if u.rules else "nothing new fails"
        out.append(f"      from {u.effective}: {failing}; the verdict would be {u.verdict}")
    return out


def scheduled_lines(run: RunInfo) -> list:
    return [f"coming into force: {s.text()}" for s in run.scheduled]


def distribution(run: RunInfo, summary: Summary) -> list:
    """(level, services) lowest first, 'no level' first of all."""
    if summary.levels is None:
        return []
    return [(level_name(None if name == NO_LEVEL else name), summary.levels.get(name, 0))
            for name in (NO_LEVEL,) + tuple(run.levels)]


def upcoming_lines(summary: Summary) -> list:
    out = []
    for day in summary.coming_into_force():
        rules = ", ".join(f"{rule} {n}" for rule, n in day["rules"].items())
        out.append(f"from {day['effective']}: {day['services_failing']} services fail rules coming into force"
                   + (f" ({rules})" if rules else "") + f"; {day['verdict_changes']} verdicts would change")
    return out


def summary_lines(run: RunInfo, summary: Summary) -> list:
    out = []
    rows = distribution(run, summary)
    if rows:
        out.append("levels: " + " · ".join(f"{name} {n}" for name, n in rows)
                   + f" ({summary.short} one requirement short of the next)")
    return out + moved_lines(summary) + upcoming_lines(summary) + [t.text() for t in summary.targets]


MOVES_SHOWN = 20  # services listed one by one per direction; the JSON report lists them all


def moved_lines(summary: Summary) -> list:
    """Since the last review (--compare): the services that moved up or down a level."""
    c = summary.comparison
    if c is None or not c.levels:
        return []
    out = []
    for way in ("up", "down"):
        moves = c.moved(way)
        if moves:
            out.append(f"since the last review, {len(moves)} moved {way} a level: "
                       + "; ".join(f"{sid} ({then} → {now})" for sid, _, then, now, _ in moves[:MOVES_SHOWN])
                       + (f"; ... and {len(moves) - MOVES_SHOWN} more" if len(moves) > MOVES_SHOWN else ""))
    return out


SHOWN = 20  # services a board lists one by one per list; the JSON report has them all


def one_step_short(services) -> list:
    """(service, next level, the one requirement missing), for services one step short."""
    return [(r, r.level.next, r.level.short[0]) for r in services
            if r.level is not None and r.level.one_step_short]


def coming_into_force(run: RunInfo, services) -> list:
    """(day, [(service, rule ids failing that day, the verdict from that day, what to do)]),
    what to do being each failing rule's remediation."""
    fix = {r.id: r.remediation for r in run.rules}
    days: dict = {}
    for r in services:
        for u in r.upcoming:
            if u.rules or u.verdict != r.verdict:
                todo = "; ".join(dict.fromkeys(fix.get(rule, "") for rule in u.rules if fix.get(rule)))
                days.setdefault(u.effective, []).append((r, u.rules, u.verdict, todo))
    return sorted(days.items())
