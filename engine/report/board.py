"""The board summary's figures, computed once from the model records for HTML and Markdown.

A review board reads the catalog as a portfolio: which services need a
decision and why (one plain-English reason per failed criterion, with the
owner, provider and waiver state), verdicts by provider, tier or any fact
path (``--group-by``), every service against the criteria (a heatmap), the
value x warranty grid (keep / fix / invest / retire), spend by verdict in
money (engine/report/money.py), and the waivers. Everything comes from ``ServiceResult`` records:
catalog facts such as owner, tier and budget are read from ``facts``, the
validated canonical fact, at their canonical paths.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..model import DIMENSIONS, ERROR, MET, NOT_MET, UNKNOWN, WAIVED, RunInfo, ServiceResult, format_value
from ..model.logic import kleene
from . import view
from .money import fact_at  # money itself (budgets, stakes, spend): engine/report/money.py

GROUP_BY = ("provider", "tier")  # always shown; --group-by adds more
NOT_RECORDED = "(not recorded)"
INVALID = "(invalid record)"
HEAT_COLUMNS = ("utility", *DIMENSIONS, "value")  # each column's label is view.LABELS or the dimension


def owner(result: ServiceResult) -> str:
    """Who answers for the service: its owner, else its relationship manager, in words."""
    if fact_at(result, "owner"):
        return f"owner {fact_at(result, 'owner')}"
    manager = fact_at(result, "relationship.manager")
    return f"relationship manager {manager}" if manager else "owner not recorded"


def who(result: ServiceResult) -> str:
    """Owner, provider and tier in one line, as the needs-a-decision list shows them."""
    parts = [owner(result), f"provider {fact_at(result, 'provider') or 'not recorded'}"]
    if fact_at(result, "tier") is not None:
        parts.append(f"tier {fact_at(result, 'tier')}")
    return " · ".join(parts)


def amount(result: ServiceResult, term) -> Any:
    """The money a value-balance effect records (costs carry ``amount``), or None."""
    items = fact_at(result, term.list)
    item = items[term.index] if isinstance(items, list) and term.index < len(items) else None
    return item.get("amount") if isinstance(item, dict) else None


def waiver_state(result: ServiceResult) -> str:
    """What waivers do for a service, in words: 'no waiver' when none applies."""
    parts = [f"{f.rule} waived until {f.waiver.expires}" for f in result.findings if f.waived]
    parts += [f"waiver for {f.rule} expired on {f.waiver.expires}" for f in result.findings
              if f.waiver is not None and not f.waiver.active]
    return "; ".join(parts) or "no waiver"


def needs_decision(services) -> list:
    """Not-valuable services, each with its reasons (view.reasons)."""
    return [r for r in services if r.verdict == "not_valuable"]


def waiting(services) -> list:
    """(criteria labels not judged, [services]) for the indeterminate services, those that wait
    for the same criteria together (a catalog that records no warranty reads as one line)."""
    out: dict = {}
    for r in services:
        if r.verdict == "indeterminate":
            out.setdefault(tuple(label for label, _, _ in view.reasons(r, UNKNOWN)), []).append(r)
    return list(out.items())


def heat(result: ServiceResult) -> list:
    """(column, status, waived) per heatmap column, a waived one ``waived`` (met only under a
    waiver); empty for an invalid record."""
    if result.verdict == ERROR:
        return []
    return [(col, view.status_of(result, col), view.status_of(result, col) == WAIVED) for col in HEAT_COLUMNS]


def criteria_counts(services) -> list:
    """(label, {status: n}) for utility, warranty, its four dimensions and value, over judged
    services: waived (met only under a waiver) counted apart from met."""
    judged = [r for r in services if r.verdict != ERROR]
    rows = []
    for name in ("utility", "warranty", *DIMENSIONS, "value"):
        counts = {key: 0 for key in view.STATUS_KEYS}
        for r in judged:
            counts[view.status_of(r, name)] += 1
        rows.append((view.LABELS.get(name, name), counts))
    return rows


# (key, name, value axis, warranty axis, what it means for the board)
QUADRANTS = (("fix", "Fix", MET, NOT_MET, "worth having, not fit for use: fix the warranty"),
             ("keep", "Keep", MET, MET, "brings value and is fit for use"),
             ("retire", "Retire", NOT_MET, NOT_MET, "neither brings value nor is fit for use"),
             ("invest", "Invest", NOT_MET, MET, "fit for use, its value falls short: invest in it or rethink it"))


def axes(result: ServiceResult) -> tuple:
    """(value axis, warranty axis) as people read them: met, not_met, unknown or waived (met only
    under a waiver, its own state). The value axis is utility and the value balance together."""
    status = {name: view.status_of(result, name) for name in ("utility", "value", "warranty")}
    both = [MET if status[name] == WAIVED else status[name] for name in ("utility", "value")]
    value = kleene("all", both)
    if value == MET and WAIVED in (status["utility"], status["value"]):
        value = WAIVED
    return value, status["warranty"]


def quadrant_of(result: ServiceResult) -> Optional[str]:
    """keep / fix / invest / retire, ``waived`` when an axis is met only under a waiver (a waived
    finding still fails, so it is neither keep nor fix), or None when an axis is unknown or the
    record invalid."""
    if result.verdict == ERROR:
        return None
    value, warranty = axes(result)
    if WAIVED in (value, warranty) and UNKNOWN not in (value, warranty):
        return WAIVED
    return next((key for key, _, v, w, _ in QUADRANTS if (v, w) == (value, warranty)), None)


def without_waiver(result: ServiceResult) -> Optional[str]:
    """The quadrant a waived service is in once its waivers end (a waived axis fails again)."""
    value, warranty = (NOT_MET if axis == WAIVED else axis for axis in axes(result))
    return next((key for key, _, v, w, _ in QUADRANTS if (v, w) == (value, warranty)), None)


def grid(services) -> tuple:
    """({quadrant: [services]}, [services not placed: an axis unknown], invalid records). The
    quadrants' dict also holds ``waived``: the services placed only by a waiver, apart."""
    placed: dict = {key: [] for key in (*(q[0] for q in QUADRANTS), WAIVED)}
    unplaced, invalid = [], 0
    for r in services:
        key = quadrant_of(r)
        if key is not None:
            placed[key].append(r)
        elif r.verdict == ERROR:
            invalid += 1
        else:
            unplaced.append(r)
    return placed, unplaced, invalid


NONE = "(none)"  # the label of the group of services whose list is recorded empty
_EMPTY = object()  # their group's value (no catalog value can be it)


def group_label(path: str, value: Any) -> str:
    if value is None:
        return NOT_RECORDED
    return f"tier {value}" if path == "tier" else format_value(value)


def group_values(result: ServiceResult, path: str) -> list:
    """The values a service is grouped under by ``path``: each element of a list once (a service
    owned by three teams is in three groups), each element of an export's list that a mapping
    joined into one text (its provenance holds the list: GitLab's teams), else the one value."""
    value = fact_at(result, path)
    if isinstance(value, list):
        return list(dict.fromkeys(v for v in value if not isinstance(v, (dict, list)))) or [_EMPTY]
    return _joined(result, path, value) or [value]


def _joined(result: ServiceResult, path: str, value: Any) -> list:
    """The elements of the export list ``value`` was joined from (``a, b`` from [a, b]), or []."""
    prov = (result.provenance or {}).get(path)
    raw = getattr(prov, "raw", None)
    if not isinstance(value, str) or not isinstance(raw, list) or len(raw) < 2 \
            or any(isinstance(x, (dict, list)) for x in raw):
        return []
    parts = [str(x) for x in raw]
    gap = value.find(parts[1], len(parts[0]))
    sep = value[len(parts[0]):gap] if value.startswith(parts[0]) and gap > 0 else None
    return list(dict.fromkeys(parts)) if sep is not None and sep.join(parts) == value else []


def _group_key(value: Any) -> tuple:
    """Groups sort by value: numbers, text, then '(none)' and '(not recorded)' last."""
    empty = value is _EMPTY
    return (empty, value is None, "" if empty else type(value).__name__, "" if empty or value is None else value)


def groups(services, path: str) -> list:
    """(group label, {verdict key: n}, total) per value of a fact path, sorted by value
    (valuable under a waiver counted apart: view.VERDICT_KEYS). A list-valued fact gives one
    group per element, so a service with several is counted in each of its groups."""
    found: dict = {}
    for r in services:
        values = [None] if r.verdict == ERROR else group_values(r, path)
        for value in values:
            key = (r.verdict == ERROR, *_group_key(value))
            label = INVALID if r.verdict == ERROR else NONE if value is _EMPTY else group_label(path, value)
            found.setdefault(key, (label, {v: 0 for v in view.VERDICT_KEYS}))[1][view.verdict_key(r)] += 1
    return [(label, counts, sum(counts.values())) for _, (label, counts) in sorted(found.items())]


def several(services, path: str) -> int:
    """How many services are in more than one group of ``path`` (a list with several values)."""
    return sum(1 for r in services if r.verdict != ERROR and len(group_values(r, path)) > 1)


def group_paths(run: RunInfo) -> tuple:
    return tuple(dict.fromkeys(GROUP_BY + tuple(run.group_by)))


def waiver_state_of(run: RunInfo, waiver, unused: list) -> str:
    if not waiver.active:
        return "expired"
    if waiver in unused:
        return "unused"
    return f"expiring within {run.waiver_warning_days} days" if waiver.expiring else "active"


PANEL_ORDER = ("expired", "unused", "expiring", "active")  # the most urgent first


def waiver_panel(run: RunInfo, unused: list) -> list:
    """(state, waiver) for every waiver of the file, each once, the most urgent state first:
    expired, unused (waived nothing), expiring within the warning window, active."""
    rows = [(waiver_state_of(run, w, unused), w) for w in run.waivers or ()]
    return sorted(rows, key=lambda row: PANEL_ORDER.index(row[0].split()[0]))
