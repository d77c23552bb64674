"""The Markdown board's trend (``check --store``): verdict counts per review, and each service's row.

The same figures as the HTML trend (trend_view.py), as a table with the
verdict symbols. Only dates, counts and symbols are printed, and the store's
name as code, so nothing here needs Markdown escaping.
"""
from __future__ import annotations

from ..model import VERDICTS, Report, ServiceResult
from . import view
from .trend_view import last_verdicts, moved, reviews


def section(report: Report) -> list:
    rows = reviews(report)
    if len(rows) < 2:  # the store's first review: nothing to trend yet
        return []
    store = report.summary.trend.store.replace("`", "'")
    lines = [f"### Trend over the last {len(rows)} review{'s' * (len(rows) != 1)}", "",
             f"{moved(rows)} (stored in `{store}`).", "",
             "| verdict | " + " | ".join(r.as_of for r in rows) + " |",
             "| --- | " + " | ".join("---:" for _ in rows) + " |"]
    for v in VERDICTS:
        lines.append(f"| {view.VERDICT_SYMBOL[v]} {view.VERDICT_WORDS[v]} | "
                     + " | ".join(str(dict(r.counts)[v]) for r in rows) + " |")
    lines.append("| **services** | " + " | ".join(f"**{r.total}**" for r in rows) + " |")
    return lines + [""]


def service_line(report: Report, result: ServiceResult) -> list:
    """'Last 12 reviews, oldest first: ✗ ✗ ✓ …' for the service's section, or nothing."""
    seen = last_verdicts(report, result)
    if len(seen) < 2:
        return []
    marks = " ".join(view.VERDICT_SYMBOL[v] if v is not None else "·" for _, _, v in seen)
    return [f"Last {len(seen)} reviews, oldest first ({seen[0][0]} to {seen[-1][0]}; · not in that review): "
            f"{marks}", ""]
