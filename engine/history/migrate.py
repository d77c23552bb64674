"""Upgrading a store made by an older valuate to this schema, one version at a time, in one transaction.

Version 1 (the first layout) kept a row per run, service and failing finding,
message and all, in ``findings``:

    findings(run_id, position, seq, rule, status, fingerprint, counts, message, waived, since)

Version 2 keeps each distinct finding once (``findings``, keyed by a digest
of service, rule, status, fingerprint, counts and message) and per run only
which findings it had (``run_findings``): a catalog reviewed monthly stores
most of its findings once instead of once a month. The other tables are the
same in both. Each step runs inside the caller's transaction: a failed
upgrade leaves the store as it was.
"""
from __future__ import annotations

from .schema import SCHEMA, findings, run_findings, unescape_nul
from .form import finding_id, streak_key
from .write import FindingRows


def upgrade(conn, version: int) -> None:
    while version < SCHEMA:
        STEPS[version](conn)
        version += 1


def _v1_to_v2(conn) -> None:
    conn.exec_driver_sql("ALTER TABLE findings RENAME TO findings_v1")
    if conn.dialect.name == "postgresql":  # the primary key's index keeps its name: free it for the new table
        conn.exec_driver_sql("ALTER TABLE findings_v1 RENAME CONSTRAINT findings_pkey TO findings_v1_pkey")
    findings.create(conn)
    run_findings.create(conn)
    old = conn.exec_driver_sql(
        "SELECT f.run_id, f.position, f.seq, s.service, f.rule, f.status, f.fingerprint, f.counts, f.message, "
        "f.waived, f.since FROM findings_v1 f JOIN run_services s ON s.run_id = f.run_id "
        "AND s.position = f.position ORDER BY f.run_id, f.position, f.seq").all()
    rows = FindingRows(conn)
    raw = unescape_nul if conn.dialect.name == "postgresql" else (lambda text: text)  # driver rows, as stored
    for run_id, position, seq, service, rule, status, fp, counts, message, waived, since in old:
        service, rule, message = raw(service), raw(rule), raw(message)
        fid = finding_id(service, rule, status, fp, bool(counts), message)
        rows.add(run_id, position, seq, fid, streak_key(service, rule, status), service, rule, status, fp, counts,
                 message, waived, since)
    rows.flush()
    conn.exec_driver_sql("DROP TABLE findings_v1")


STEPS = {1: _v1_to_v2}  # from version N to N + 1
