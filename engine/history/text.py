"""What ``history list`` and ``history trend`` print: text tables for people, JSON for scripts.

Catalog text (service names) passes through ``terminal.safe`` like every
text report, so a name holding an escape sequence cannot drive the terminal.
"""
from __future__ import annotations

import json

from ..model import VERDICTS
from ..report.terminal import safe

WORDS = {"services": "services", "valuable": "valuable", "not_valuable": "not valuable",
         "indeterminate": "indeterminate", "error": "error", "met": "met", "not_met": "not met",
         "unknown": "unknown"}
SYMBOLS = {"valuable": "✓", "not_valuable": "✗", "indeterminate": "?", "error": "!", None: "·"}


def _table(heads: list, rows: list, right: set) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(heads, *rows)]
    lines = []
    for row in [heads, *rows]:
        cells = [str(x).rjust(w) if i in right else str(x).ljust(w) for i, (x, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def runs_text(runs: list, shown: str) -> str:
    if not runs:
        return f"the store {shown} holds no runs yet (valuate check --store {shown} ... records one)\n"
    heads = ["run", "recorded (UTC)", "as of", "services", *(WORDS[v] for v in VERDICTS), "rules", "inputs"]
    rows = [[r.id, r.recorded_at.replace("+00:00", ""), r.as_of, r.services, *(n for _, n in r.verdicts),
             r.rules_digest[7:19], (r.inputs_digest or "")[7:19]] for r in runs]
    extra = sorted({f"profile {r.profile}" for r in runs if r.profile} |
                   {f"waivers {r.waiver_file}" for r in runs if r.waiver_file})
    tail = f"{len(runs)} run{'s' * (len(runs) != 1)} in {shown}" + (f" ({'; '.join(extra)})" if extra else "")
    return _table(heads, rows, set(range(3, 8)) | {0}) + "\n" + safe(tail) + "\n"


def runs_json(runs: list) -> str:
    return json.dumps([r.to_dict() for r in runs], ensure_ascii=False, indent=2) + "\n"


def counts_text(columns: tuple, rows: list, shown: str, criterion=None) -> str:
    if not rows:
        return f"the store {shown} holds no runs yet\n"
    heads = ["run", "as of", *(WORDS[c] for c in columns)]
    body = [[r.run.id, r.run.as_of, *(n for _, n in r.counts)] for r in rows]
    what = f"{criterion}: services met, not met and unknown" if criterion else "verdicts"
    first, last = rows[0].counts, rows[-1].counts
    moved = ", ".join(f"{WORDS[k]} {a} → {b}" for (k, a), (_, b) in zip(first, last) if k != "services")
    return (_table(heads, body, set(range(2, len(heads))) | {0})
            + f"\n{what} over {len(rows)} review{'s' * (len(rows) != 1)}, run {rows[0].run.id} to "
              f"{rows[-1].run.id}: {moved}\n")


def counts_json(columns: tuple, rows: list, criterion=None) -> str:
    doc = {"criterion": criterion, "columns": list(columns),
           "runs": [{"run": r.run.id, "as_of": r.run.as_of, **dict(r.counts)} for r in rows]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def timeline_text(service: str, moments: list, shown: str) -> str:
    if not moments:
        return safe(f"no run in {shown} has the service {service!r}") + "\n"
    heads = ["run", "as of", "verdict", "criteria", "failing (since)"]
    rows = []
    for m in moments:
        crit = " ".join(f"{c}:{_status(s)}" for c, s in m.criteria if c in ("utility", "warranty", "value"))
        failing = ", ".join(f"{r} {s} ({'waived' if w else 'since ' + since})" for r, s, since, w, c in m.failing if c)
        advisory = sum(1 for *_, c in m.failing if not c)
        failing += (", " if failing else "") + f"{advisory} advisory" if advisory else ""
        rows.append([m.run.id, m.run.as_of, f"{SYMBOLS.get(m.verdict, '')} {WORDS.get(m.verdict, m.verdict)}",
                     crit, failing or "—"])
    name = moments[-1].name
    head = f"{service}" + (f" ({name})" if name else "") + f": {len(moments)} review{'s' * (len(moments) != 1)}"
    streak = _streak(moments)
    return safe(head) + "\n" + "\n".join(safe(line) for line in _table(heads, rows, {0}).splitlines()) + "\n" \
        + (f"\n{streak}\n" if streak else "")


def _status(s: str) -> str:
    return {"met": "✓", "not_met": "✗", "unknown": "?"}.get(s, s)


def _streak(moments: list) -> str:
    """When the last review's deciding failures began: the first run of their unbroken streak."""
    last = moments[-1]
    dates = [since for _, _, since, waived, counts in last.failing if counts and not waived]
    if not dates:
        return ""
    return f"failing since {min(dates)} (the first review of an unbroken failing streak), as of {last.run.as_of}"


def timeline_json(service: str, moments: list) -> str:
    return json.dumps({"service": service, "runs": [m.to_dict() for m in moments]}, ensure_ascii=False,
                      indent=2) + "\n"
