"""A run store as schema version 1 had it: the fixture the migration test upgrades.

Version 1 kept, per run, service and failing finding, one ``findings`` row
with its message and "failing since" (engine/history/migrate.py describes
it); every other table was as in version 2. ``write_v1`` makes such a store
from the runs of a version-2 store, row for row, as valuate with schema 1
would have recorded the same runs.
"""
from __future__ import annotations

import sqlalchemy as sa

from valuate.engine.history import schema

V1 = sa.MetaData()
for table in (schema.store_info, schema.runs, schema.run_chunks, schema.run_services, schema.run_waivers):
    table.to_metadata(V1)
FINDINGS_V1 = sa.Table(
    "findings", V1,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("fingerprint", sa.String(16), nullable=False),
    sa.Column("counts", sa.Boolean, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("waived", sa.Boolean, nullable=False),
    sa.Column("since", sa.String(10), nullable=False))


def engine_of(url: str):
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"), poolclass=sa.pool.NullPool)


def write_v1(source: str, target: str) -> None:
    """Copy the runs of the version-2 store ``source`` into a new version-1 store ``target``."""
    src, dst = engine_of(source), engine_of(target)
    with src.connect() as old, dst.begin() as new:
        V1.create_all(new)
        new.execute(V1.tables["valuate_store"].insert(), [{"name": "schema", "value": "1"},
                                                          {"name": "created_by", "value": "valuate 0.1.0"}])
        for name in ("runs", "run_chunks", "run_services", "run_waivers"):
            rows = [dict(r._mapping) for r in old.execute(sa.select(schema.metadata.tables[name]))]
            if rows:
                new.execute(V1.tables[name].insert(), rows)
        f, rf = schema.findings, schema.run_findings
        joined = sa.select(rf.c.run_id, rf.c.position, rf.c.seq, f.c.rule, f.c.status, f.c.fingerprint, f.c.counts,
                           f.c.message, rf.c.waived, rf.c.since).join(f, f.c.id == rf.c.finding)
        rows = [dict(r._mapping) for r in old.execute(joined)]
        new.execute(FINDINGS_V1.insert(), rows)
        if new.dialect.name == "postgresql":  # the copied ids: the sequence goes on after them
            new.execute(sa.text("SELECT setval(pg_get_serial_sequence('runs', 'id'), (SELECT max(id) FROM runs))"))
    src.dispose()
    dst.dispose()
