"""The run store when things go wrong: writers at once, a kill -9 mid-write, a full disk, bad URLs.

Against a real SQLite file and a real PostgreSQL server (tests/pg.py), in
processes of their own where a process is what the case is about.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import AS_OF, ROOT, SAMPLE, bench_module

TIMEOUT = 180


def valuate(*args, cwd=ROOT, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "valuate", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=TIMEOUT, **kw)


def record(store: str, *extra, catalog=SAMPLE, day=AS_OF) -> list:
    return [sys.executable, "-m", "valuate", "check", str(catalog), "--as-of", day, "--store", store,
            "--fail-on", "never", "--format", "jsonl", *map(str, extra)]


def runs_in(store: str) -> list:
    from valuate.engine.history import open_history
    return [(r.id, r.services) for r in open_history(store).runs()]


def check_consistent(store: str) -> None:
    """Every run complete: as many service rows and decoded services as it counted."""
    from valuate.engine.history import open_history
    history = open_history(store)
    for run in history.runs():
        with history.report(str(run.id)) as (loaded, results):
            assert sum(1 for _ in results) == run.services == loaded.summary.services
        with history.store.connect() as conn:
            rows = conn.execute(sa.text("SELECT count(*) FROM run_services WHERE run_id = :r"), {"r": run.id}).scalar()
        assert rows == run.services
    if store.startswith("sqlite:///"):
        db = sqlite3.connect(store[len("sqlite:///"):])
        try:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            db.close()


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Path:
    """5,000 varied services: a commit that takes a moment (some MB written), a store over 1 MiB."""
    return bench_module("synth").write_catalog(5000, tmp_path_factory.mktemp("medium") / "medium.jsonl",
                                               mix="varied")


# -- Writers at once ----------------------------------------------------------------------

def test_a_writer_waits_for_the_one_holding_the_store(store_url, tmp_path):
    """Hold the store's write lock (as a recording run does) and start a run: it waits, then records."""
    from valuate.engine.history import open_history
    assert subprocess.run(record(store_url), cwd=ROOT, capture_output=True, timeout=TIMEOUT).returncode == 0
    history = open_history(store_url, write=True)
    with history.store.connect(writing=True) as conn:  # BEGIN IMMEDIATE / the advisory lock, as a commit
        conn.execute(sa.text("SELECT count(*) FROM runs")).scalar()
        waiting = subprocess.Popen(record(store_url, "--compare", "last", day="2026-12-28"), cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(4)  # long enough for the run to reach its commit (15 services)
        assert waiting.poll() is None, waiting.stderr.read()  # still waiting for the lock, not failed
        assert runs_in(store_url) == [(1, 15)]  # readers are not held up
    _, err = waiting.communicate(timeout=TIMEOUT)
    assert waiting.returncode == 0, err
    assert "recorded run 2" in err and runs_in(store_url) == [(1, 15), (2, 15)]


def test_runs_recorded_at_once_never_interleave(store_url, tmp_path):
    """Four processes, each recording two runs with --compare last, all started together."""
    script = ("import subprocess, sys\n"
              "for day in sys.argv[2:]:\n"
              "    subprocess.run(sys.argv[1].split('\\x1f') + ['--as-of', day], check=True,"
              " stdout=subprocess.DEVNULL)\n")
    base = "\x1f".join([sys.executable, "-m", "valuate", "check", SAMPLE, "--store", store_url, "--fail-on", "never",
                        "--format", "jsonl", "--compare", "last"])
    procs = [subprocess.Popen([sys.executable, "-c", script, base, f"2026-{m:02d}-28", f"2026-{m + 4:02d}-28"],
                              cwd=ROOT, stderr=subprocess.PIPE, text=True) for m in range(1, 5)]
    for p in procs:
        _, err = p.communicate(timeout=TIMEOUT)
        assert p.returncode == 0, err
    assert [i for i, _ in runs_in(store_url)] == list(range(1, 9))
    check_consistent(store_url)


# -- kill -9 in the middle of recording --------------------------------------------------

def _writing(store_url: str, proc: subprocess.Popen, tmp_path: Path) -> bool:
    """Whether the run is inside its recording transaction, having written some of it."""
    if store_url.startswith("sqlite:///"):
        wal = Path(store_url[len("sqlite:///"):] + "-wal")
        return wal.exists() and wal.stat().st_size > (1 << 20)
    engine = sa.create_engine(store_url.replace("postgresql://", "postgresql+psycopg://"), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        busy = conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'valuate' "
                                    "AND backend_xid IS NOT NULL")).scalar()
    engine.dispose()
    return bool(busy)


def _gone(store_url: str) -> None:
    """PostgreSQL: wait until the server has seen the client die and rolled its transaction back."""
    if store_url.startswith("sqlite:///"):
        return
    engine = sa.create_engine(store_url.replace("postgresql://", "postgresql+psycopg://"), poolclass=sa.pool.NullPool)
    deadline = time.monotonic() + 30
    with engine.connect() as conn:
        while conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'valuate'")).scalar():
            assert time.monotonic() < deadline
            time.sleep(0.1)
    engine.dispose()


def test_sigkill_while_recording_leaves_no_partial_run(store_url, medium, tmp_path):
    assert subprocess.run(record(store_url), cwd=ROOT, capture_output=True, timeout=TIMEOUT).returncode == 0
    proc = subprocess.Popen(record(store_url, "--jobs", "2", catalog=medium), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + TIMEOUT
    while not _writing(store_url, proc, tmp_path):
        assert proc.poll() is None, "the run ended before it was caught writing"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, as an OOM killer would
    proc.wait(timeout=TIMEOUT)
    assert proc.returncode == -signal.SIGKILL
    _gone(store_url)
    assert runs_in(store_url) == [(1, 15)]
    check_consistent(store_url)
    done = subprocess.run(record(store_url), cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0 and "recorded run " in done.stderr, done.stderr
    # SQLite's AUTOINCREMENT rolled back with the run, so it is run 2; a PostgreSQL sequence
    # is not transactional, so the killed run's id stays used (ids are never reused either way)
    assert runs_in(store_url) == [(1, 15), (2 if store_url.startswith("sqlite") else 3, 15)]


# -- A full disk ---------------------------------------------------------------------------

def test_a_full_database_is_a_clear_error_and_the_report_is_still_written(cli, tmp_path, monkeypatch):
    """SQLite's own 'database or disk is full' (SQLITE_FULL), by capping the file with max_page_count
    on the store's connections: the error path a full disk takes, injected at the connection layer."""
    store = f"sqlite:///{tmp_path / 'reviews.db'}"
    first = cli("check", SAMPLE, "--as-of", "2026-10-28", "--store", store, "--fail-on", "never", "-f", "jsonl:-")
    assert first.exit_code == 0, first.output
    db = sqlite3.connect(tmp_path / "reviews.db")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.close()
    from valuate.engine.history import db
    monkeypatch.setattr(db, "PRAGMAS", (*db.PRAGMAS, f"PRAGMA max_page_count = {pages + 2}"))
    report = tmp_path / "report.json"
    done = cli("check", SAMPLE, "--as-of", AS_OF, "--store", store, "--fail-on", "never", "-f", f"json:{report}")
    assert done.exit_code == 2, done.output
    assert "cannot record the run in the store" in done.output and "the disk is full" in done.output
    assert "the reports were written; the run was not recorded" in done.output
    plain = cli("check", SAMPLE, "--as-of", AS_OF, "--fail-on", "never", "-f", f"json:{tmp_path / 'plain.json'}")
    assert plain.exit_code == 0 and report.read_bytes() == (tmp_path / "plain.json").read_bytes()
    monkeypatch.setattr(db, "PRAGMAS", db.PRAGMAS[:-1])
    assert runs_in(store) == [(1, 15)]
    check_consistent(store)


def _mount_tmpfs(path: Path, size: str) -> bool:
    if os.geteuid() != 0:
        return False
    path.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_a_full_disk_is_a_clear_error_and_the_report_is_still_written(tmp_path, medium):
    """A real full disk: the store on a 1 MiB tmpfs, the report beside it on the ordinary disk."""
    disk = tmp_path / "small"
    if not _mount_tmpfs(disk, "1m"):
        pytest.skip("cannot mount a small tmpfs here (needs root and mount rights); the SQLITE_FULL test "
                    "above takes the same error path")
    try:
        store = f"sqlite:///{disk / 'reviews.db'}"
        assert valuate("check", SAMPLE, "--as-of", "2026-10-28", "--store", store, "--fail-on", "never",
                       "-f", "jsonl").returncode == 0
        report = tmp_path / "report.jsonl"
        done = valuate("check", medium, "--as-of", AS_OF, "--store", store, "--fail-on", "never", "--jobs", "2",
                       "-f", f"jsonl:{report}")
        assert done.returncode == 2, done.stderr
        assert "the disk is full" in done.stderr and "the run was not recorded" in done.stderr, done.stderr
        assert report.read_text().count("\n") == 5002  # header, every service, summary
        assert runs_in(store) == [(1, 15)]
        check_consistent(store)
    finally:
        if subprocess.run(["umount", str(disk)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(disk)], check=True)  # detached now, gone once unused


# -- Bad URLs and unreachable servers ------------------------------------------------------

@pytest.mark.parametrize("url, writing, reading", [
    ("mysql://admin:hunter2pw@db.example/reviews", "'mysql' stores are not supported", None),
    ("postgresql://admin:hunter2pw@127.0.0.1:notaport/reviews", "is not a store URL", None),
    ("postgresql://admin:hunter2pw@127.0.0.1:1/reviews",
     "cannot open the store postgresql://admin:***@127.0.0.1:1/reviews: connection failed", None),
    ("postgresql://admin:hunter2pw@127.0.0.1:1", "name the database", None),
    ("sqlite:///no/such/folder/reviews.db", "cannot create no/such/folder/reviews.db: no folder", "no store at"),
    ("README.md", "README.md is not an SQLite database", None),
    ("", "--store is empty", "history list needs a run store"),
])
def test_bad_store_urls_exit_2_without_the_password(url, writing, reading):
    for args, words in ((("check", SAMPLE, "--as-of", AS_OF, "--store", url), writing),
                        (("history", "list", "--store", url), reading or writing)):
        done = valuate(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("valuate: error: ") and words in done.stderr, done.stderr
        assert "hunter2pw" not in done.stderr + done.stdout and "Traceback" not in done.stderr


def test_a_wrong_password_is_refused_and_not_shown(postgres):
    url = postgres.url(postgres.database(), password="not-the-Pw")
    done = valuate("check", SAMPLE, "--as-of", AS_OF, "--store", url)
    assert done.returncode == 2 and "password authentication failed" in done.stderr, done.stderr
    assert "not-the-Pw" not in done.stderr and ":***@" in done.stderr


def test_a_database_that_is_not_a_store_is_left_alone(tmp_path):
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE accounts (id INTEGER)")
    db.commit()
    db.close()
    done = valuate("check", SAMPLE, "--as-of", AS_OF, "--store", other)
    assert done.returncode == 2 and "not a valuate run store" in done.stderr, done.stderr
    db = sqlite3.connect(other)
    assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["accounts"]
    db.close()


def test_read_commands_never_create_a_store(tmp_path):
    done = valuate("history", "list", "--store", tmp_path / "typo.db")
    assert done.returncode == 2 and "no store at" in done.stderr and not (tmp_path / "typo.db").exists()
    done = valuate("check", SAMPLE, "--as-of", AS_OF, "--compare", "last")
    assert done.returncode == 2 and "--compare last names a stored run: give the store with --store" in done.stderr


def test_a_store_from_a_newer_valuate_is_refused(store_url):
    assert subprocess.run(record(store_url), cwd=ROOT, capture_output=True, timeout=TIMEOUT).returncode == 0
    engine = sa.create_engine(store_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE valuate_store SET value = '99' WHERE name = 'schema'"))
    engine.dispose()
    for args in (record(store_url)[3:], ("history", "list", "--store", store_url)):
        done = valuate(*args)
        assert done.returncode == 2, done.stderr
        assert "has schema version 99, made by a newer valuate" in done.stderr and "upgrade valuate" in done.stderr


def test_a_damaged_run_is_an_error_naming_it_not_a_crash(tmp_path):
    store = tmp_path / "reviews.db"
    assert subprocess.run(record(f"sqlite:///{store}"), cwd=ROOT, capture_output=True, timeout=TIMEOUT).returncode == 0
    db = sqlite3.connect(store)
    db.execute("UPDATE run_chunks SET data = X'789c4b4c4a0600024d0127'")  # valid zlib, not the codec's lines
    db.execute("UPDATE runs SET head = X'00'")
    db.commit()
    db.close()
    done = valuate("history", "show", "last", "--store", store, "-f", "json")
    assert done.returncode == 2 and "run 1 cannot be read back from the store" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    listed = valuate("history", "list", "--store", store)
    assert listed.returncode == 0 and "1 run in" in listed.stdout  # what is not damaged still reads
