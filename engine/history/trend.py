"""How the portfolio moved over the stored reviews: counts per run, one service's timeline,
and the board's trend record (``model.Trend``) a new run is reported with.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa

from ..errors import UserError, did_you_mean
from ..model import CRITERIA, DIMENSIONS, MET, NOT_MET, UNKNOWN, VERDICTS, Trend, TrendPoint
from ..model.trend import ABSENT, CODES
from .read import StoredRun, list_runs
from .schema import findings, run_findings, run_services

BOARD_REVIEWS = 12  # the board shows this run and the 11 before it
STATUSES = (MET, NOT_MET, UNKNOWN)
COLUMNS = {**{c: c for c in CRITERIA}, **{d: d for d in DIMENSIONS}, **{f"warranty.{d}": d for d in DIMENSIONS}}


def board_trend(conn, shown: str, reviews: int = BOARD_REVIEWS - 1) -> Trend:
    """The last ``reviews`` stored runs and each service's verdict in them."""
    points = tuple(TrendPoint(r.id, r.as_of, r.services, r.verdicts) for r in list_runs(conn, reviews))
    index = {p.run: i for i, p in enumerate(points)}
    codes: dict = {}
    if points:
        rows = conn.execute(sa.select(run_services.c.run_id, run_services.c.service, run_services.c.verdict)
                            .where(run_services.c.run_id.in_(list(index))))
        for run_id, key, verdict in rows:
            line = codes.get(key)
            if line is None:
                line = codes[key] = [ABSENT] * len(points)
            line[index[run_id]] = CODES.get(verdict, ABSENT)
    return Trend(shown, points, {k: "".join(v) for k, v in codes.items()})


@dataclass(frozen=True)
class CountRow:
    run: StoredRun
    counts: tuple  # ((verdict or status, n), ...)


def counts(conn, last: Optional[int], criterion: Optional[str] = None) -> tuple:
    """(columns, [CountRow]) per run: verdict counts, or one criterion's statuses over judged services."""
    chosen = list_runs(conn, last)
    if criterion is None:
        return ("services", *VERDICTS), [CountRow(r, (("services", r.services), *r.verdicts)) for r in chosen]
    column = COLUMNS.get(criterion)
    if column is None:
        raise UserError(f"--criterion {criterion!r} is not a criterion{did_you_mean(criterion, list(COLUMNS))}; "
                        f"give one of {', '.join(COLUMNS)}")
    col = run_services.c[column]
    found: dict = {}
    if chosen:
        query = (sa.select(run_services.c.run_id, col, sa.func.count()).where(
            run_services.c.run_id.in_([r.id for r in chosen]), col.is_not(None))
            .group_by(run_services.c.run_id, col))
        for run_id, status, n in conn.execute(query):
            found.setdefault(run_id, {})[status] = n
    rows = [CountRow(r, tuple((s, found.get(r.id, {}).get(s, 0)) for s in STATUSES)) for r in chosen]
    return STATUSES, rows


@dataclass(frozen=True)
class Moment:
    """One service in one run: its verdict, criteria and failing findings then."""

    run: StoredRun
    name: Optional[str]
    verdict: str
    criteria: tuple  # ((criterion or dimension, status), ...)
    failing: tuple  # ((rule, status, since, waived, counts), ...)

    def to_dict(self) -> dict:
        return {"run": self.run.id, "as_of": self.run.as_of, "name": self.name, "verdict": self.verdict,
                "criteria": dict(self.criteria),
                "failing": [{"rule": r, "status": s, "since": since, "waived": w, "counts": c}
                            for r, s, since, w, c in self.failing]}


def timeline(conn, service: str, last: Optional[int]) -> list:
    """The service (by id) in each of the last runs that had it, oldest first."""
    chosen = {r.id: r for r in list_runs(conn, last)}
    if not chosen:
        return []
    names = ("name", "verdict", *CRITERIA, *DIMENSIONS)
    query = (sa.select(run_services.c.run_id, run_services.c.position, *(run_services.c[n] for n in names))
             .where(run_services.c.service == service, run_services.c.run_id.in_(list(chosen)))
             .order_by(run_services.c.run_id, run_services.c.position))
    out = []
    for run_id, position, name, verdict, *statuses in conn.execute(query).all():
        rows = conn.execute(sa.select(findings.c.rule, findings.c.status, run_findings.c.since, run_findings.c.waived,
                                      findings.c.counts)
                            .join(findings, findings.c.id == run_findings.c.finding)
                            .where(run_findings.c.run_id == run_id, run_findings.c.position == position)
                            .order_by(run_findings.c.seq))
        criteria = tuple((n, s) for n, s in zip(names[2:], statuses) if s is not None)
        out.append(Moment(chosen[run_id], name, verdict, criteria,
                          tuple((r, s, since, bool(w), bool(c)) for r, s, since, w, c in rows)))
    return out


def known_services(conn, limit: int = 5000) -> list:
    """Service ids of the store, for a did-you-mean."""
    return list(conn.execute(sa.select(run_services.c.service).distinct().limit(limit)).scalars())
