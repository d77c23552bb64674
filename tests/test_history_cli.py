"""The run store's settings, what `valuate history` prints (golden files), and serve's history endpoints.

The goldens come from twelve monthly reviews of a changing catalog
(bench/reviews.py) recorded into SQLite, with SOURCE_DATE_EPOCH pinning the
recorded times.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from conftest import AS_OF, ROOT, SAMPLE, bench_module, golden
from test_history import ok

try:  # the real-server helper: tests/serving.py on main, test_serve.py on this branch's base
    from serving import Server
except ImportError:
    from test_serve import Server

EPOCH = "1798761600"  # 2027-01-01T00:00:00Z


def twelve_reviews(cli, directory: Path, store: str, last: tuple = ()) -> list:
    """bench/reviews.py's twelve months recorded into ``store``, as the board would (in this process);
    ``last``: extra options for the twelfth review (a board report, say)."""
    paths = bench_module("reviews").write(directory)
    for i, (day, path) in enumerate(paths):
        extra = last if i == len(paths) - 1 else ()
        ok(cli, "check", path, "--as-of", day.isoformat(), "--store", store, "--compare", "last",
           "--fail-on", "never", "--format", "jsonl:-" if not extra else "json:-", *extra)
    return paths


@pytest.fixture
def reviews(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    twelve_reviews(cli, Path("reviews"), "reviews.db")
    return "reviews.db"


def test_what_history_prints_matches_the_golden_files(cli, reviews):
    for name, args in (("history-list.txt", ("list",)), ("history-list.json", ("list", "--format", "json")),
                       ("history-trend.txt", ("trend",)), ("history-trend.json", ("trend", "-f", "json")),
                       ("history-trend-security.txt", ("trend", "--criterion", "security", "--last", "6")),
                       ("history-trend-service.txt", ("trend", "--service", "customer-relationship-management")),
                       ("history-trend-service.json", ("trend", "--service", "corporate-e-mail", "-f", "json"))):
        golden(name, ok(cli, "history", *args, "--store", reviews).output)


def test_twelve_reviews_trend_as_the_catalog_changed(cli, reviews):
    trend = json.loads(ok(cli, "history", "trend", "--store", reviews, "-f", "json").output)["runs"]
    assert len(trend) == 12 and [r["run"] for r in trend] == list(range(1, 13))
    assert trend[0]["services"] == 24 and trend[-1]["services"] == 25  # two added, one retired
    assert trend[-1]["valuable"] > trend[0]["valuable"] and trend[0]["error"] == 1 and trend[-1]["error"] == 0
    moved = ok(cli, "history", "trend", "--store", reviews, "--last", "3").output
    assert moved.splitlines()[-1].startswith("verdicts over 3 reviews, run 10 to 12: valuable ")


def test_the_store_setting_from_the_environment_and_the_config_file(cli, tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "valuate.toml").write_text('store = "reviews/store.db"\ncompare = "last"\nfail-on = "never"\n')
    (project / "reviews").mkdir()
    monkeypatch.chdir(project / "sub")
    catalog = str(ROOT / SAMPLE)
    done = ok(cli, "check", catalog, "--as-of", AS_OF, "-f", "jsonl:-")
    assert "holds no run yet" in done.output and (project / "reviews" / "store.db").exists()  # the file's folder
    shown = ok(cli, "config", "show").output
    row = next(line for line in shown.splitlines() if line.startswith("store "))
    assert row.split()[1].endswith("project/reviews/store.db") and "valuate.toml:1" in row
    assert "compare" in shown and next(line for line in shown.splitlines()
                                       if line.startswith("compare ")).split()[1] == "last"  # a run, no path
    assert ok(cli, "check", catalog, "--as-of", AS_OF, "-f", "jsonl:-").output.count("recorded run 2") == 1
    monkeypatch.setenv("VALUATE_STORE", str(tmp_path / "other.db"))
    ok(cli, "check", catalog, "--as-of", AS_OF, "-f", "jsonl:-")
    assert (tmp_path / "other.db").exists()
    doc = json.loads(ok(cli, "config", "show", "--json").output)
    assert doc["settings"]["store"]["from"] == "environment VALUATE_STORE"
    assert len(json.loads(ok(cli, "history", "list", "-f", "json").output)) == 1  # VALUATE_STORE's store


def test_the_report_never_replaces_the_store(cli, tmp_path):
    store = tmp_path / "reviews.db"
    ok(cli, "check", SAMPLE, "--as-of", AS_OF, "--store", store, "-f", "jsonl:-", "--fail-on", "never")
    done = ok(cli, "check", SAMPLE, "--as-of", AS_OF, "--store", store, "-f", f"json:{store}", "--fail-on", "never",
              code=2)
    assert "is one of the run's inputs" in done.output or "input" in done.output
    assert len(json.loads(ok(cli, "history", "list", "--store", store, "-f", "json").output)) == 1
    shown = ok(cli, "history", "show", "--store", store, "-f", f"json:{store}", code=2)
    assert "valuate: error:" in shown.output


def test_serve_reads_the_store_and_never_writes_it(store_url, tmp_path):
    for day in ("2026-10-28", AS_OF):
        subprocess.run([sys.executable, "-m", "valuate", "check", SAMPLE, "--as-of", day, "--store", store_url,
                        "--fail-on", "never", "-f", "jsonl"], cwd=ROOT, check=True, capture_output=True)
    file = Path(store_url[len("sqlite:///"):]) if store_url.startswith("sqlite") else None
    before = hashlib.sha256(file.read_bytes()).hexdigest() if file else None
    server = Server(tmp_path, "--workers", "1", "--store", store_url)
    try:
        runs = httpx.get(f"{server.url}/v1/history/runs").json()
        assert [(r["id"], r["as_of"]) for r in runs["runs"]] == [(1, "2026-10-28"), (2, AS_OF)]
        assert ":***@" in runs["store"] or runs["store"].startswith("sqlite:")
        assert [r["id"] for r in httpx.get(f"{server.url}/v1/history/runs?last=1").json()["runs"]] == [2]
        vpn = httpx.get(f"{server.url}/v1/history/services/vpn").json()
        assert [r["verdict"] for r in vpn["runs"]] == ["not_valuable", "not_valuable"]
        assert {f["rule"]: f["since"] for f in vpn["runs"][1]["failing"]}["WAR-003"] == "2026-10-28"
        missing = httpx.get(f"{server.url}/v1/history/services/vpm")
        assert missing.status_code == 404 and "did you mean 'vpn'" in missing.json()["error"]
        assert httpx.get(f"{server.url}/v1/history/runs?last=0").status_code == 400
        paths = httpx.get(f"{server.url}/openapi.json").json()["paths"]
        assert "/v1/history/runs" in paths and "/v1/history/services/{service}" in paths
    finally:
        server.stop()
    assert file is None or hashlib.sha256(file.read_bytes()).hexdigest() == before
    if file is None:
        return
    bare = Server(tmp_path, "--workers", "1")  # without --store (once: the same on either store)
    try:
        assert httpx.get(f"{bare.url}/v1/history/runs").status_code == 404
    finally:
        bare.stop()
