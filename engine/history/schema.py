"""The store's tables (schema version 2), and the check that a store is one this valuate reads.

- ``valuate_store``: name/value pairs: ``schema`` (the version), ``created_by``;
- ``runs``: one row per recorded run: when, the evaluation date, the tool
  version, the rules and input digests, profile, waiver file, catalogs, the
  verdict counts, and ``head``: the report's frame (RunInfo and Summary) as
  the codec writes it, compressed;
- ``run_chunks``: the run's services as the codec writes them, compressed, in
  order (what ``history show`` renders a report from);
- ``run_services``: per run and service: verdict, criteria, the warranty
  dimensions and money (budget, cost amounts): what trends and timelines read;
- ``findings``: every failing finding once (service, rule, status, evidence
  fingerprint, message), however many runs it was seen in, keyed by a digest
  of exactly those;
- ``run_findings``: which findings each run had, per service, waived or not,
  and since when each has been failing (the first run of its unbroken streak);
- ``run_waivers``: the waiver file's entries as the run saw them.

Version 1 (the first layout) kept each run's findings with their messages in
one ``findings`` table per run row; ``migrate.py`` moves such a store on.
"""
from __future__ import annotations

import sqlalchemy as sa

from .names import SCHEMA

ESC = "\u2400"  # ␀: stands for NUL in PostgreSQL text, which cannot hold NUL


def escape_nul(text: str) -> str:
    """Catalog text as PostgreSQL can hold it: NUL as ␀0, ␀ itself doubled (reversible)."""
    if "\x00" not in text and ESC not in text:
        return text
    return text.replace(ESC, ESC + ESC).replace("\x00", ESC + "0")


def unescape_nul(text: str) -> str:
    if ESC not in text:
        return text
    out, chars = [], iter(text)
    for c in chars:
        out.append(c if c != ESC else {"0": "\x00", ESC: ESC}[next(chars)])
    return "".join(out)


class CatalogText(sa.types.TypeDecorator):
    """Text that comes from a catalog or a waiver file (ids, names, messages): any character,
    NUL included (on PostgreSQL it is escaped, see escape_nul)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return escape_nul(value) if value is not None and dialect.name == "postgresql" else value

    def process_result_value(self, value, dialect):
        return unescape_nul(value) if value is not None and dialect.name == "postgresql" else value
FIRST = 1  # the oldest version it can migrate from

metadata = sa.MetaData()
_NO_ROWID = {"sqlite_with_rowid": False}  # SQLite: the table is its primary key's B-tree, no second index

store_info = sa.Table(
    "valuate_store", metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False), **_NO_ROWID)

runs = sa.Table(
    "runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),  # never reused (prune)
    sa.Column("recorded_at", sa.String(32), nullable=False),  # UTC, ISO 8601
    sa.Column("as_of", sa.String(10), nullable=False),
    sa.Column("tool_version", sa.String(40), nullable=False),
    sa.Column("rules_digest", sa.String(80), nullable=False),
    sa.Column("inputs_digest", sa.String(80)),  # over rules, profile, waivers, facts, date and version
    sa.Column("digests", sa.Text, nullable=False),  # JSON: each input's digest
    sa.Column("packs", sa.Text, nullable=False),  # JSON list
    sa.Column("profile", CatalogText),
    sa.Column("waiver_file", sa.Text),
    sa.Column("catalogs", sa.Text, nullable=False),  # JSON list
    sa.Column("services", sa.Integer, nullable=False),
    sa.Column("valuable", sa.Integer, nullable=False),
    sa.Column("not_valuable", sa.Integer, nullable=False),
    sa.Column("indeterminate", sa.Integer, nullable=False),
    sa.Column("error", sa.Integer, nullable=False),
    sa.Column("waived", sa.Integer, nullable=False),
    sa.Column("findings", sa.Integer, nullable=False),  # of every status, over all services
    sa.Column("criteria", sa.Text, nullable=False),  # JSON: {criterion: {status: count}}
    sa.Column("codec", sa.Integer, nullable=False),
    sa.Column("head", sa.LargeBinary, nullable=False),
    sqlite_autoincrement=True)
sa.Index("runs_by_date", runs.c.as_of)

run_chunks = sa.Table(
    "run_chunks", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False), **_NO_ROWID)

run_services = sa.Table(
    "run_services", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("service", CatalogText, nullable=False),  # the id, or "(record N)" for an invalid record
    sa.Column("name", CatalogText),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("utility", sa.String(8)),
    sa.Column("warranty", sa.String(8)),
    sa.Column("value", sa.String(8)),
    sa.Column("availability", sa.String(8)),
    sa.Column("capacity", sa.String(8)),
    sa.Column("security", sa.String(8)),
    sa.Column("continuity", sa.String(8)),
    sa.Column("budget_planned", sa.Float),
    sa.Column("budget_actual", sa.Float),
    sa.Column("currency", sa.String(16)),
    sa.Column("costs_imposed", sa.Float),  # the amounts recorded on costs.imposed items, summed
    sa.Column("costs_removed", sa.Float),
    **_NO_ROWID)
sa.Index("run_services_by_service", run_services.c.service, run_services.c.run_id)

findings = sa.Table(
    "findings", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),  # digest of the columns below
    sa.Column("service", CatalogText, nullable=False),
    sa.Column("rule", CatalogText, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # not_met | unknown | error (an invalid record)
    sa.Column("fingerprint", sa.String(16), nullable=False),
    sa.Column("counts", sa.Boolean, nullable=False),  # decides a verdict (advisory findings do not)
    sa.Column("message", CatalogText, nullable=False),
    **_NO_ROWID)

run_findings = sa.Table(
    "run_findings", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),  # its place among the service's findings
    # no foreign key: deleting a finding would then scan this table for each; see maintain.prune
    sa.Column("finding", sa.BigInteger, nullable=False),
    # the next run's "failing since" looks this up (form.streak_key: service, rule and status)
    sa.Column("streak", sa.BigInteger, nullable=False),
    sa.Column("waived", sa.Boolean, nullable=False),  # an active waiver covers it: not open
    sa.Column("since", sa.String(10), nullable=False),  # first run of its unbroken failing streak
    **_NO_ROWID)

run_waivers = sa.Table(
    "run_waivers", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("service", CatalogText, nullable=False),
    sa.Column("target", CatalogText, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # active | expired, as of the run's date
    sa.Column("expires", sa.String(10), nullable=False),
    sa.Column("approved_by", CatalogText, nullable=False),
    sa.Column("reason", CatalogText, nullable=False),
    sa.Column("source", CatalogText, nullable=False),
    sa.Column("used", sa.Boolean, nullable=False),  # waived something in this run
    **_NO_ROWID)

TABLES = ("runs", "run_chunks", "run_services", "findings", "run_findings", "run_waivers")
