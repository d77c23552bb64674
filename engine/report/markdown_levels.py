"""The Markdown board's levels and dates: the distribution of levels, the services one
requirement short of the next, and what comes into force (which services would fail on
which day, and what would make them pass). Catalog text goes through ``md``, links go to
``anchor``: the Markdown report's own, passed in (it imports this module, not the reverse)."""
from __future__ import annotations

from ..model import Report
from . import view
from .levels import SHOWN, coming_into_force, distribution, level_name, moved_lines, one_step_short


def levels_board(report: Report, md, anchor) -> list:
    return _levels(report, md, anchor) + _targets(report, md) + _coming(report, md, anchor)


def _targets(report: Report, md) -> list:
    if not report.summary.targets:
        return []
    lines = ["### Targets", "", "| target | services in scope | level | by | days left | reached | state | not yet |",
             "| --- | --- | --- | --- | ---: | ---: | --- | --- |"]
    for p in report.summary.targets:
        t = p.target
        lines.append(f"| {md(t.name)} | {md(t.scope_text())} | {md(t.level)} | {md(t.by)} | {p.days_left} | "
                     f"{p.reached} of {p.services} | **{md(p.state)}** | {md(', '.join(p.not_reached))} |")
    return lines + [""]


def _levels(report: Report, md, anchor) -> list:
    rows = distribution(report.run, report.summary)
    if not rows:
        return []
    lines = ["### Levels", "", "| level | services |", "| --- | ---: |"]
    lines += [f"| {md(name)} | {n} |" for name, n in rows]
    lines += ["", "Each level requires, on top of the one below: "
              + "; ".join(f"**{md(name)}** {md(', '.join(reqs))}" for name, reqs in report.run.ladder) + ".", ""]
    lines += [f"- {md(line)}" for line in moved_lines(report.summary)] + ([""] if moved_lines(report.summary) else [])
    short = one_step_short(report.services)
    lines += [f"#### One step short of the next level ({len(short)})", ""]
    lines += [f"- [{md(view.title(r))}](#{anchor(r)}) — {md(level_name(r.level.level))} → **{md(nxt)}**: "
              f"{md(s.text())}" for r, nxt, s in short[:SHOWN]] or ["None."]
    if len(short) > SHOWN:
        lines.append(f"- ... and {len(short) - SHOWN} more (the JSON report has every service's level)")
    return lines + [""]


def _coming(report: Report, md, anchor) -> list:
    if not report.run.scheduled:
        return []
    lines = ["### Coming into force", ""]
    lines += [f"- {md(s.text())}" for s in report.run.scheduled]
    for day, rows in coming_into_force(report.run, report.services):
        lines += ["", f"#### From {md(day)}: {len(rows)} services would fail", "",
                  "| service | verdict now | from then | failing | to pass |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| [{md(view.title(r))}](#{anchor(r)}) | {md(r.verdict)} | {md(then)} | "
                  f"{md(', '.join(rules))} | {md(todo)} |" for r, rules, then, todo in rows[:SHOWN]]
        if len(rows) > SHOWN:
            lines.append(f"| ... and {len(rows) - SHOWN} more (the JSON report lists them all) | | | | |")
    return lines + [""]
