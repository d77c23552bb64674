"""A store made by an older valuate (schema version 1) is migrated to version 2, on SQLite and PostgreSQL.

The version-1 fixture holds three real runs (tests/history_v1.py copies them
row for row into the version-1 layout); after the upgrade every run still
renders byte for byte as it did, "failing since" goes on from the old rows,
and each distinct finding is kept once.
"""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from conftest import AS_OF, SAMPLE
from history_v1 import engine_of, write_v1
from test_history import VPN_FIXED, changed, ok

DAYS = ("2026-08-28", "2026-09-28", "2026-10-28")


@pytest.fixture
def v1_store(cli, store_url, tmp_path):
    """(store_url holding schema 1 with three runs, {run id: its JSON report as check wrote it})."""
    scratch = f"sqlite:///{tmp_path / 'scratch.db'}"
    reports = {}
    for i, (day, catalog) in enumerate(zip(DAYS, (SAMPLE, SAMPLE, changed(tmp_path, VPN_FIXED))), 1):
        reports[i] = tmp_path / f"run-{i}.json"
        waivers = ("--waivers", "examples/waivers.yaml") if i == 2 else ()  # waiver rows in the fixture too
        ok(cli, "check", catalog, "--as-of", day, "--store", scratch, "--compare", "last", "--fail-on", "never",
           *waivers, "--format", f"json:{reports[i]}")
    write_v1(scratch, store_url)
    return store_url, reports


def schema_version(url: str) -> str:
    engine = engine_of(url)
    with engine.connect() as conn:
        value = conn.execute(sa.text("SELECT value FROM valuate_store WHERE name = 'schema'")).scalar()
    engine.dispose()
    return value


def test_check_upgrades_a_version_1_store_and_carries_its_history_on(cli, v1_store, tmp_path):
    store, reports = v1_store
    refused = ok(cli, "history", "list", "--store", store, code=2).output
    assert "has schema version 1, older than this valuate's (2)" in refused
    assert "run 'valuate history migrate --store " in refused and schema_version(store) == "1"  # left as it was
    done = ok(cli, "check", SAMPLE, "--as-of", AS_OF, "--store", store, "--compare", "last", "--fail-on", "never",
              "--format", f"json:{tmp_path / 'run-4.json'}")
    assert "upgraded the store" in done.output and "from schema version 1 to 2" in done.output
    assert "recorded run 4" in done.output and schema_version(store) == "2"
    for run, report in reports.items():  # every old run renders as it did
        ok(cli, "history", "show", run, "--store", store, "--format", f"json:{tmp_path / f'shown-{run}.json'}")
        assert (tmp_path / f"shown-{run}.json").read_bytes() == report.read_bytes()
    doc = json.loads((tmp_path / "run-4.json").read_text())
    fax = next(s for s in doc["services"] if s["id"] == "legacy-fax")
    assert next(f for f in fax["findings"] if f["rule"] == "UTL-001")["since"] == DAYS[0]  # carried from schema 1
    vpn = next(s for s in doc["services"] if s["id"] == "vpn")
    assert next(f for f in vpn["findings"] if f["rule"] == "WAR-003")["since"] == AS_OF  # fixed in run 3, again now
    engine = engine_of(store)
    with engine.connect() as conn:
        distinct = conn.execute(sa.text("SELECT count(*) FROM findings")).scalar()
        seen = conn.execute(sa.text("SELECT count(*) FROM run_findings")).scalar()
        names = set(sa.inspect(conn).get_table_names())
    engine.dispose()
    assert seen > 2 * distinct  # four runs of one catalog: most findings stored once
    assert "findings_v1" not in names


def test_history_migrate_upgrades_once(cli, v1_store):
    store, _ = v1_store
    first = ok(cli, "history", "migrate", "--store", store).output
    assert "from schema version 1 to 2" in first and schema_version(store) == "2"
    again = ok(cli, "history", "migrate", "--store", store).output
    assert "has schema version 2 already" in again
    listed = json.loads(ok(cli, "history", "list", "--store", store, "--format", "json").output)
    assert [(r["id"], r["as_of"]) for r in listed] == list(zip((1, 2, 3), DAYS))
