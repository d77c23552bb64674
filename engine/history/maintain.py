"""Keeping a store: pruning old runs, and exporting runs as JSON Lines.

Pruning deletes whole runs (their services, findings seen, chunks and
waivers) in one transaction, then the findings no run refers to any more.
Later runs keep their "failing since" dates: those were worked out when each
run was recorded. Run ids are never reused, so a run keeps its name.
"""
from __future__ import annotations

import json
from typing import Iterator, Optional, TextIO

import sqlalchemy as sa

from ..errors import UserError
from .read import StoredRun, list_runs
from .schema import findings, run_chunks, run_findings, run_services, run_waivers, runs

CHILDREN = (run_findings, run_services, run_chunks, run_waivers)


def doomed(conn, keep: Optional[int], before: Optional[str]) -> list:
    """The runs ``prune --keep N`` (all but the last N) or ``--before DATE`` (evaluated earlier) removes."""
    if (keep is None) == (before is None):
        raise UserError("history prune needs --keep N or --before DATE (one of them)")
    chosen = list_runs(conn)
    if keep is not None:
        return chosen[:max(0, len(chosen) - keep)]
    return [r for r in chosen if r.as_of < before]


def prune(conn, victims: list) -> int:
    """Delete ``victims`` (StoredRun) and the findings only they referred to; how many findings went."""
    ids = [r.id for r in victims]
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        for table in CHILDREN:
            conn.execute(table.delete().where(table.c.run_id.in_(part)))
        conn.execute(runs.delete().where(runs.c.id.in_(part)))
    # one pass over run_findings (no index on its finding column: it would cost ~20 bytes a row)
    referenced = sa.select(run_findings.c.finding).distinct()
    return conn.execute(findings.delete().where(findings.c.id.not_in(referenced))).rowcount or 0


def export(conn, out: TextIO, chosen: list) -> int:
    """Write each run and its services as JSON Lines; the number of lines written."""
    lines = 0
    for run in chosen:
        head = {"type": "run", **run.to_dict(), "waivers": list(_waivers(conn, run))}
        out.write(json.dumps(head, ensure_ascii=False) + "\n")
        lines += 1
        for service in _services(conn, run):
            out.write(json.dumps(service, ensure_ascii=False) + "\n")
            lines += 1
    return lines


def _waivers(conn, run: StoredRun) -> Iterator[dict]:
    columns = ("service", "target", "state", "expires", "approved_by", "reason", "source", "used")
    query = sa.select(*(run_waivers.c[c] for c in columns)).where(run_waivers.c.run_id == run.id) \
        .order_by(run_waivers.c.seq)
    for row in conn.execute(query):
        yield dict(zip(columns, row))


SERVICE = ("position", "service", "name", "verdict", "utility", "warranty", "value", "availability", "capacity",
           "security", "continuity", "budget_planned", "budget_actual", "currency", "costs_imposed", "costs_removed")
FINDING = ("rule", "status", "fingerprint", "counts", "message", "waived", "since")


def _services(conn, run: StoredRun) -> Iterator[dict]:
    failing: dict = {}
    query = (sa.select(run_findings.c.position, findings.c.rule, findings.c.status, findings.c.fingerprint,
                       findings.c.counts, findings.c.message, run_findings.c.waived, run_findings.c.since)
             .join(findings, findings.c.id == run_findings.c.finding).where(run_findings.c.run_id == run.id)
             .order_by(run_findings.c.position, run_findings.c.seq))
    for position, *values in conn.execute(query):
        row = dict(zip(FINDING, values))
        row["counts"], row["waived"] = bool(row["counts"]), bool(row["waived"])
        failing.setdefault(position, []).append(row)
    rows = conn.execute(sa.select(*(run_services.c[c] for c in SERVICE)).where(run_services.c.run_id == run.id)
                        .order_by(run_services.c.position))
    for values in rows:
        row = dict(zip(SERVICE, values))
        row["id"] = row.pop("service")
        yield {"type": "service", "run": run.id, "as_of": run.as_of, **row,
               "failing": failing.get(row["position"], [])}
