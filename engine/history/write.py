"""Recording a run: everything the Recorder collected, in one transaction, or nothing.

The transaction takes the store's write lock first (``BEGIN IMMEDIATE`` on
SQLite, an advisory lock on PostgreSQL), so two runs recorded at once queue
up: each sees the other's run complete or not at all, and each finding's
"failing since" is carried from the run recorded just before it (the first
run of its unbroken streak, when it failed there too with the same status
and no waiver covered it; else this run's date). A process killed half way
leaves an open transaction, which the database rolls back: no partial run.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import zlib
from typing import Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..model import RunInfo, Summary
from .codec import CODEC, Encoder, dumps, field_table
from .record import Recorder
from .schema import CatalogText, escape_nul, findings, run_chunks, run_findings, run_services, run_waivers, runs

BATCH = 5000  # rows per executemany
FINDING_COLUMNS = ("id", "service", "rule", "status", "fingerprint", "counts", "message")
RUN_FINDING_COLUMNS = ("run_id", "position", "seq", "finding", "streak", "waived", "since")
WAIVER_COLUMNS = ("run_id", "seq", "service", "target", "state", "expires", "approved_by", "reason", "source", "used")
SERVICE_COLUMNS = ("position", "service", "name", "verdict", "utility", "warranty", "value", "availability",
                   "capacity", "security", "continuity", "budget_planned", "budget_actual", "currency",
                   "costs_imposed", "costs_removed")


def head_text(info: RunInfo, summary: Summary) -> bytes:
    """The report's frame, compressed: three lines, the codec's version and field table, then
    the RunInfo and the Summary as the codec writes them."""
    enc = Encoder()
    lines = [dumps({"codec": CODEC, "fields": field_table()}), enc.text(info), enc.text(summary)]
    return zlib.compress("\n".join(lines).encode("utf-8", "surrogatepass"))


def insert_runs(conn, recorder: Recorder, info: RunInfo, summary: Summary) -> int:
    """Write the run (the caller holds the transaction and the write lock); its id."""
    previous = conn.execute(sa.select(sa.func.max(runs.c.id))).scalar()
    streaks = _streaks(conn, previous) if previous is not None else {}
    row = _run_row(info, summary)
    row["findings"] = recorder.findings
    run_id = conn.execute(runs.insert().values(**row)).inserted_primary_key[0]
    bulk(conn, run_chunks.insert(), ("run_id", "seq", "data"),
         ((run_id, i, data) for i, data in enumerate(recorder.chunks)))
    bulk(conn, run_services.insert(), ("run_id", *SERVICE_COLUMNS), ((run_id, *r) for r in recorder.services))
    _findings(conn, run_id, recorder, streaks, info.as_of)
    bulk(conn, run_waivers.insert(), WAIVER_COLUMNS, _waivers(run_id, info, summary))
    return run_id


def recorded_at() -> str:
    """Now, in UTC; SOURCE_DATE_EPOCH (reproducible builds' convention) pins it, for tests and transcripts."""
    pinned = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    now = _dt.datetime.fromtimestamp(int(pinned), _dt.timezone.utc) if pinned.isdigit() else \
        _dt.datetime.now(_dt.timezone.utc)
    return now.isoformat(timespec="seconds")


def _run_row(info: RunInfo, summary: Summary) -> dict:
    digests = dict(info.digests)
    return {"recorded_at": recorded_at(),
            "as_of": info.as_of, "tool_version": info.version, "rules_digest": info.digest,
            "inputs_digest": digests.get("digest"), "digests": json.dumps(digests),
            "packs": json.dumps(list(info.packs)), "profile": info.profile[0] if info.profile else None,
            "waiver_file": info.waiver_file, "catalogs": json.dumps(list(info.inputs), ensure_ascii=False),
            "services": summary.services, **summary.verdicts, "waived": summary.waived,
            "criteria": json.dumps(summary.criteria), "codec": CODEC, "head": head_text(info, summary)}


def _streaks(conn, previous: int) -> dict:
    """Streak key -> since, for the open findings of the run before this one (a finding failing
    now for other values, so with another finding id, goes on with the same streak)."""
    query = (sa.select(run_findings.c.streak, run_findings.c.since)
             .where(run_findings.c.run_id == previous, run_findings.c.waived == sa.false()))
    return dict(conn.execute(query).all())


class FindingRows:
    """Rows of ``findings`` (each distinct finding once, across runs too) and ``run_findings``."""

    def __init__(self, conn):
        self.conn = conn
        # skips a finding already stored, by its id
        self.ignore = (sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert)(findings) \
            .on_conflict_do_nothing(index_elements=["id"])
        self.known: set = set()
        self.new: list = []
        self.seen: list = []

    def add(self, run_id: int, position: int, seq: int, fid: int, streak: int, service: str, rule: str, status: str,
            fp: str, counts: bool, message: str, waived: bool, since: str) -> None:
        if fid not in self.known:
            self.known.add(fid)
            self.new.append((fid, service, rule, status, fp, bool(counts), message))
        self.seen.append((run_id, position, seq, fid, streak, bool(waived), since))
        if len(self.seen) >= BATCH:
            self.flush()

    def flush(self) -> None:
        bulk(self.conn, self.ignore, FINDING_COLUMNS, self.new)
        bulk(self.conn, run_findings.insert(), RUN_FINDING_COLUMNS, self.seen)
        self.new.clear()
        self.seen.clear()


def _findings(conn, run_id: int, recorder: Recorder, streaks: dict, as_of: str) -> None:
    rows = FindingRows(conn)
    for position, seq, fid, streak, service, rule, status, fp, counts, message, waived in recorder.failing:
        since = as_of if waived else streaks.get(streak, as_of)
        rows.add(run_id, position, seq, fid, streak, service, rule, status, fp, counts, message, waived, since)
    rows.flush()


def _waivers(run_id: int, info: RunInfo, summary: Summary) -> Iterator[tuple]:
    unused = set(summary.unused_waivers)
    for i, w in enumerate(info.waivers or ()):
        yield (run_id, i, w.service, w.target, w.state, w.expires, w.approved_by, w.reason, w.source,
               w.active and w not in unused)


def _escaper(texts: list):
    """What CatalogText does to a bound value, for the rows bulk hands to the driver itself."""
    def escape(row: tuple) -> tuple:
        row = list(row)
        for i in texts:
            if row[i] is not None:
                row[i] = escape_nul(row[i])
        return tuple(row)
    return escape


def bulk(conn, statement, columns: tuple, rows: Iterable[tuple]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) in batches: the statement compiled once by
    SQLAlchemy for this database, the values handed to the driver as they are (already of the
    columns' types), which spares SQLAlchemy's processing of every parameter of every row."""
    compiled = statement.compile(dialect=conn.dialect)
    sql = str(compiled)
    table = statement.table
    texts = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, CatalogText)]
    escape = _escaper(texts) if conn.dialect.name == "postgresql" and texts else None
    if compiled.positional:
        order = [columns.index(name) for name in compiled.positiontup]
        shape = None if order == list(range(len(columns))) else (lambda r: tuple(r[i] for i in order))
    else:
        shape = lambda r: dict(zip(columns, r))  # noqa: E731 (named parameters: psycopg)
    batch: list = []
    for row in rows:
        row = escape(row) if escape is not None else row
        batch.append(row if shape is None else shape(row))
        if len(batch) >= BATCH:
            conn.exec_driver_sql(sql, batch)
            batch = []
    if batch:
        conn.exec_driver_sql(sql, batch)
