"""The floor: the default policy of docs/specification.md#three-valued-criteria in plain Python, written only for the benchmark.

It decides the same verdicts as valuate's ITIL 4 pack with dictionary look-ups
and comparisons, and nothing else: no durable-rules, no explanations. The
benchmark runs it on the same records in the same process and fails loudly if
a single verdict differs.
"""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

MET, NOT, UNK = "met", "not_met", "unknown"


def _and(xs):
    return NOT if NOT in xs else UNK if UNK in xs else MET


def _or(xs):
    return MET if MET in xs else UNK if UNK in xs else NOT


def _g(d, *path):
    for p in path:
        if not isinstance(d, dict) or d.get(p) is None:
            return None
        d = d[p]
    return d


def _nonempty(v):
    return UNK if v is None else (MET if len(v) else NOT)


def _exact(x):
    return Fraction(x) if isinstance(x, int) else Fraction(str(x))


def _invalid(s: dict) -> bool:
    effects = list(s.get("outcomes") or [])
    for kind in ("costs", "risks"):
        for side in ("removed", "imposed"):
            effects += _g(s, kind, side) or []
    return any(not isinstance(e.get("impact", 1), (int, float)) or isinstance(e.get("impact", 1), bool)
               for e in effects)


def verdict(s: dict, as_of: dt.date, min_headroom=Fraction(1, 10), max_age=365) -> str:
    if _invalid(s):  # the only kind of invalid record the synthetic catalogs contain
        return "error"
    utility = _or([_nonempty(_g(s, "utility", "performance_support")),
                   _nonempty(_g(s, "utility", "constraints_removed"))])
    m, t = _g(s, "warranty", "availability", "measured"), _g(s, "warranty", "availability", "target")
    avail = UNK if m is None or t is None else (MET if m >= t else NOT)
    peak, cap = _g(s, "warranty", "capacity", "peak_demand"), _g(s, "warranty", "capacity", "max_capacity")
    capacity = UNK if peak is None or cap is None else (
        MET if 1 - _exact(peak) / _exact(cap) >= min_headroom else NOT)
    ocf, controls = _g(s, "warranty", "security", "open_critical_findings"), _g(s, "warranty", "security", "controls")
    security = _and([UNK if ocf is None else (MET if ocf == 0 else NOT), _nonempty(controls)])
    c = _g(s, "warranty", "continuity") or {}
    plan = UNK if c.get("plan") is None else (MET if c["plan"] is True else NOT)
    last = c.get("last_tested")
    age = UNK if last is None else (MET if (as_of - dt.date.fromisoformat(str(last))).days <= max_age else NOT)
    rto, rto_t = c.get("rto_hours"), c.get("rto_target_hours")
    rto_ok = MET if rto is None or rto_t is None else (MET if rto <= rto_t else NOT)
    warranty = _and([avail, capacity, security, _and([plan, age, rto_ok])])
    # value balance (docs/specification.md#value-balance-with-bounds): unrecorded lists make a side a lower bound
    outcomes = s.get("outcomes")
    pos = neg = 0
    for o in outcomes or []:
        if o["effect"] == "positive":
            pos += o.get("impact", 1)
        else:
            neg += o.get("impact", 1)
    recorded = {"removed": outcomes is not None, "imposed": outcomes is not None}
    for kind in ("costs", "risks"):
        for side in ("removed", "imposed"):
            items = _g(s, kind, side)
            recorded[side] = recorded[side] and items is not None
            total = sum(e.get("impact", 1) for e in items or [])
            if side == "removed":
                pos += total
            else:
                neg += total
    value = MET if recorded["imposed"] and pos > neg else NOT if recorded["removed"] and pos <= neg else UNK
    statuses = [utility, warranty, value]
    return "not_valuable" if NOT in statuses else "indeterminate" if UNK in statuses else "valuable"
