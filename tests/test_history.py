"""The run store (check --store, valuate history), against an SQLite file and a real PostgreSQL.

Every test here runs twice through the ``store_url`` fixture (tests/pg.py):
once on a fresh SQLite file, once on a fresh database of a throwaway
PostgreSQL cluster started for the session (skipped, saying why, where the
server binaries are absent).
"""
from __future__ import annotations

import json
from pathlib import Path

from conftest import AS_OF, ROOT, SAMPLE

FORMATS = ("text", "json", "jsonl", "markdown", "html", "junit", "sarif", "github", "gitlab-codequality")
WAIVERS = "examples/waivers.yaml"
VPN_FIXED = ("open_critical_findings: 2}", "open_critical_findings: 0}")
EMAIL_BROKEN = ("availability: {target: 99.9, measured: 99.99}", "availability: {target: 99.9, measured: 99.5}")


def ok(cli, *args, code: int = 0):
    done = cli(*[str(a) for a in args])
    assert done.exit_code == code, done.output
    return done


def changed(tmp_path: Path, *edits) -> Path:
    """The sample with ``edits`` ((old, new), ...) made, as a new catalog file."""
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / f"catalog-{len(list(tmp_path.glob('catalog-*')))}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def every_format(tmp_path: Path, name: str) -> list:
    return [a for fmt in FORMATS for a in ("--format", f"{fmt}:{tmp_path / f'{name}.{fmt}'}")]


def test_show_prints_each_report_byte_for_byte_as_check_wrote_it(cli, store_url, tmp_path):
    ok(cli, "check", SAMPLE, "--as-of", "2026-10-28", "--store", store_url, "--fail-on", "never",
       "--format", f"json:{tmp_path / 'first.json'}")
    ok(cli, "check", changed(tmp_path, VPN_FIXED), "--as-of", AS_OF, "--store", store_url, "--waivers", WAIVERS,
       "--compare", "last", "--fail-on", "never", *every_format(tmp_path, "check"))
    for fmt in FORMATS:
        # with check's --fail-on: what the CI formats hold follows it (issue 25 item 5)
        ok(cli, "history", "show", "last", "--store", store_url, "--fail-on", "never",
           "--format", f"{fmt}:{tmp_path / f'show.{fmt}'}")
        assert (tmp_path / f"show.{fmt}").read_bytes() == (tmp_path / f"check.{fmt}").read_bytes(), fmt
    # by id and by date too, and the first run as it was
    ok(cli, "history", "show", "1", "--store", store_url, "--format", f"json:{tmp_path / 'one.json'}")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "first.json").read_bytes()
    ok(cli, "history", "show", AS_OF, "--store", store_url, "--fail-on", "never",
       "--format", f"sarif:{tmp_path / 'dated.sarif'}")
    assert (tmp_path / "dated.sarif").read_bytes() == (tmp_path / "check.sarif").read_bytes()


def test_a_format_check_did_not_write_is_the_one_it_would_have_written(cli, store_url, tmp_path):
    """Stored with JSON alone, shown as HTML: what check --format html writes for the same run."""
    ok(cli, "check", SAMPLE, "--as-of", AS_OF, "--store", store_url, "--fail-on", "never",
       "--format", f"json:{tmp_path / 'run.json'}")
    ok(cli, "check", SAMPLE, "--as-of", AS_OF, "--fail-on", "never", *every_format(tmp_path, "plain"))
    for fmt in FORMATS:
        # with check's --fail-on: what the CI formats hold follows it (issue 25 item 5)
        ok(cli, "history", "show", "last", "--store", store_url, "--fail-on", "never",
           "--format", f"{fmt}:{tmp_path / f'show.{fmt}'}")
        # (the board formats would add the store's trend from its second review on)
        assert (tmp_path / f"show.{fmt}").read_bytes() == (tmp_path / f"plain.{fmt}").read_bytes(), fmt
    assert (tmp_path / "run.json").read_bytes() == (tmp_path / "plain.json").read_bytes()  # --store changes no report


def test_quiet_colour_and_sarif_options_apply_when_shown(cli, store_url, tmp_path):
    ok(cli, "check", SAMPLE, "--as-of", AS_OF, "--store", store_url, "--fail-on", "never", "--quiet",
       "--color", "always", "--format", f"text:{tmp_path / 'q.txt'}", "--sarif-include", "unknown,met",
       "--format", f"sarif:{tmp_path / 'all.sarif'}")
    ok(cli, "history", "show", "--store", store_url, "--quiet", "--color", "always", "--fail-on", "never",
       "--format", f"text:{tmp_path / 'q2.txt'}")
    assert (tmp_path / "q2.txt").read_bytes() == (tmp_path / "q.txt").read_bytes()
    ok(cli, "history", "show", "--store", store_url, "--sarif-include", "unknown,met", "--fail-on", "never",
       "--format", f"sarif:{tmp_path / 'all2.sarif'}")
    assert (tmp_path / "all2.sarif").read_bytes() == (tmp_path / "all.sarif").read_bytes()


def test_mapped_exports_with_provenance_and_invalid_records_come_back_whole(cli, store_url, tmp_path):
    for catalog, extra in (("tests/data/small-export.csv", ("--mapping", "tests/data/small-export.mapping.yaml")),
                           ("tests/adversarial/hostile-names.jsonl", ()),
                           ("tests/adversarial/nul.jsonl", ()), ("tests/adversarial/impossible-dates.yaml", ())):
        name = Path(catalog).stem
        ok(cli, "check", catalog, "--as-of", AS_OF, "--store", store_url, "--fail-on", "never", *extra,
           "--format", f"json:{tmp_path / f'{name}.json'}", "--format", f"html:{tmp_path / f'{name}.html'}")
        for fmt in ("json", "html"):
            ok(cli, "history", "show", "last", "--store", store_url, "--format", f"{fmt}:{tmp_path / f'{name}.2.{fmt}'}")
            assert (tmp_path / f"{name}.2.{fmt}").read_bytes() == (tmp_path / f"{name}.{fmt}").read_bytes(), name


def test_compare_last_says_what_a_compared_file_says(cli, store_url, tmp_path):
    first = tmp_path / "first.json"
    ok(cli, "check", SAMPLE, "--as-of", "2026-10-28", "--store", store_url, "--fail-on", "never",
       "--format", f"json:{first}")
    today = changed(tmp_path, VPN_FIXED, EMAIL_BROKEN)
    ok(cli, "check", today, "--as-of", AS_OF, "--store", store_url, "--compare", "last", "--fail-on", "never",
       "--format", f"json:{tmp_path / 'from-store.json'}")
    ok(cli, "check", today, "--as-of", AS_OF, "--compare", first, "--fail-on", "never",
       "--format", f"json:{tmp_path / 'from-file.json'}")
    stored = json.loads((tmp_path / "from-store.json").read_text())
    filed = json.loads((tmp_path / "from-file.json").read_text())
    assert stored["comparison"]["previous"] == f"run 1 of {store_url.replace('s3cret-Pw', '***')}"
    assert filed["comparison"]["previous"] == str(first)
    stored["comparison"]["previous"] = filed["comparison"]["previous"]
    assert stored == filed
    assert {"email", "vpn"} <= {s["id"] for s in stored["comparison"]["services"]}


def _since(report: Path, service: str, rule: str):
    doc = json.loads(report.read_text())
    found = next(s for s in doc["services"] if s["id"] == service)
    return next((f.get("since") for f in found["findings"] if f["rule"] == rule), None)


def test_failing_since_is_the_first_run_of_an_unbroken_streak(cli, store_url, tmp_path):
    """vpn fails WAR-003 in runs 1-3, passes in run 4 and fails again in run 5."""
    fixed = changed(tmp_path, VPN_FIXED)
    days = ["2026-07-28", "2026-08-28", "2026-09-28", "2026-10-28", AS_OF]
    for i, (day, catalog) in enumerate(zip(days, [SAMPLE, SAMPLE, SAMPLE, fixed, SAMPLE]), 1):
        ok(cli, "check", catalog, "--as-of", day, "--store", store_url, "--compare", "last", "--fail-on", "never",
           "--format", f"json:{tmp_path / f'{i}.json'}")
    assert _since(tmp_path / "3.json", "vpn", "WAR-003") == "2026-07-28"  # failing since the first run
    assert _since(tmp_path / "4.json", "vpn", "WAR-003") is None  # met
    assert _since(tmp_path / "5.json", "vpn", "WAR-003") == AS_OF  # a new streak
    assert _since(tmp_path / "5.json", "crm", "WAR-001") == "2026-07-28"  # unbroken all along
    timeline = json.loads(ok(cli, "history", "trend", "--store", store_url, "--service", "vpn",
                             "--format", "json").output)
    war3 = [next((f["since"] for f in r["failing"] if f["rule"] == "WAR-003"), None) for r in timeline["runs"]]
    assert war3 == ["2026-07-28", "2026-07-28", "2026-07-28", None, AS_OF]
    # compared with run 2 rather than the last: still failing since run 1
    ok(cli, "check", SAMPLE, "--as-of", AS_OF, "--store", store_url, "--compare", "2", "--fail-on", "never",
       "--format", f"json:{tmp_path / '6.json'}")
    assert _since(tmp_path / "6.json", "vpn", "WAR-003") == "2026-07-28"
    # the stored history keeps those dates when the runs that began the streaks are pruned
    ok(cli, "history", "prune", "--store", store_url, "--keep", "2")
    ok(cli, "check", SAMPLE, "--as-of", "2026-12-28", "--store", store_url, "--compare", "last", "--fail-on", "never",
       "--format", f"json:{tmp_path / '7.json'}")
    assert _since(tmp_path / "7.json", "crm", "WAR-001") == "2026-07-28"


def test_list_trend_and_a_service_timeline(cli, store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761600")  # 2027-01-01T00:00:00Z: recorded times are pinned
    ok(cli, "check", SAMPLE, "--as-of", "2026-10-28", "--store", store_url, "--fail-on", "never", "-f", "jsonl:-")
    ok(cli, "check", changed(tmp_path, VPN_FIXED, EMAIL_BROKEN), "--as-of", AS_OF, "--store", store_url,
       "--fail-on", "never", "-f", "jsonl:-")
    listed = ok(cli, "history", "list", "--store", store_url).output
    lines = listed.splitlines()
    assert lines[0].split()[:4] == ["run", "recorded", "(UTC)", "as"]
    assert lines[1].split()[:8] == ["1", "2027-01-01T00:00:00", "2026-10-28", "15", "3", "7", "4", "1"]
    assert lines[-1].startswith("2 runs in ")
    runs = json.loads(ok(cli, "history", "list", "--store", store_url, "--format", "json").output)
    assert [(r["id"], r["as_of"], r["valuable"], r["not_valuable"]) for r in runs] == [(1, "2026-10-28", 3, 7),
                                                                                     (2, AS_OF, 3, 7)]
    assert runs[0]["inputs"]["facts"].startswith("sha256:") and runs[0]["recorded_at"] == "2027-01-01T00:00:00+00:00"
    trend = json.loads(ok(cli, "history", "trend", "--store", store_url, "--format", "json").output)
    assert [(r["run"], r["valuable"], r["error"]) for r in trend["runs"]] == [(1, 3, 1), (2, 3, 1)]
    security = json.loads(ok(cli, "history", "trend", "--store", store_url, "--criterion", "warranty.security",
                             "--format", "json").output)
    assert [(r["met"], r["not_met"]) for r in security["runs"]] == [(11, 2), (12, 1)]  # vpn fixed
    text = ok(cli, "history", "trend", "--store", store_url, "--service", "email").output
    assert "✓ valuable" in text and "✗ not valuable" in text and "WAR-001 not_met (since 2026-11-28)" in text
    assert ok(cli, "history", "trend", "--store", store_url, "--last", "1").output.count("\n  2  ") == 1


def test_prune_and_export(cli, store_url, tmp_path):
    for day in ("2026-08-28", "2026-09-28", "2026-10-28", AS_OF):
        ok(cli, "check", SAMPLE, "--as-of", day, "--store", store_url, "--fail-on", "never", "-f", "jsonl:-",
           "--waivers", WAIVERS)
    out = ok(cli, "history", "prune", "--store", store_url, "--before", "2026-09-30").output
    assert out.startswith("removed 2 runs (1, 2)")
    assert [r["id"] for r in json.loads(ok(cli, "history", "list", "--store", store_url, "-f", "json").output)] == [3, 4]
    ok(cli, "history", "prune", "--store", store_url, "--keep", "1")
    ok(cli, "check", SAMPLE, "--as-of", "2026-12-28", "--store", store_url, "--fail-on", "never", "-f", "jsonl:-")
    runs = json.loads(ok(cli, "history", "list", "--store", store_url, "-f", "json").output)
    assert [r["id"] for r in runs] == [4, 5]  # ids are never reused: a run keeps its name
    ok(cli, "history", "export", "--store", store_url, "--output", tmp_path / "all.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert [x["type"] for x in lines] == (["run"] + ["service"] * 15) * 2
    run4 = lines[0]
    assert run4["id"] == 4 and len(run4["waivers"]) == 3 and {w["state"] for w in run4["waivers"]} == {"active",
                                                                                                      "expired"}
    crm = next(x for x in lines[1:14] if x["id"] == "crm")
    assert crm["verdict"] == "valuable" and crm["budget_actual"] == 171000 and crm["currency"] == "EUR"
    assert {f["rule"]: f["waived"] for f in crm["failing"]}["WAR-001"] is True
    assert all(len(f["fingerprint"]) == 16 for x in lines if x["type"] == "service" for f in x["failing"])
    one = ok(cli, "history", "export", "5", "--store", store_url).output.splitlines()
    assert len(one) == 16 and json.loads(one[0])["id"] == 5


def test_runs_are_named_and_a_store_without_history_says_so(cli, store_url, tmp_path):
    done = ok(cli, "check", SAMPLE, "--as-of", AS_OF, "--store", store_url, "--compare", "last",
              "--fail-on", "never", "-f", "jsonl:-")
    assert "holds no run yet; this run is its first, so there is nothing to compare with" in done.output
    for name in ("9", "2025-01-01", "first-ish"):
        done = ok(cli, "history", "show", name, "--store", store_url, code=2)
        assert "valuate: error:" in done.output
    assert "no run 9 in the store" in ok(cli, "history", "show", "9", "--store", store_url, code=2).output
    assert "is not a run name" in ok(cli, "history", "show", "first-ish", "--store", store_url, code=2).output
    assert ok(cli, "history", "show", "first", "--store", store_url, "-f", "json").output.startswith("{")
    unknown = ok(cli, "history", "trend", "--store", store_url, "--service", "vpm", code=2).output
    assert "no service 'vpm'" in unknown and "did you mean 'vpn'" in unknown


def test_an_empty_store_says_it_holds_no_runs(cli, store_url):
    if store_url.startswith("sqlite:///"):  # an empty file (a fresh PostgreSQL database is empty already)
        Path(store_url[len("sqlite:///"):]).touch()
    assert "holds no runs yet" in ok(cli, "history", "list", "--store", store_url).output
    assert "holds no runs yet" in ok(cli, "history", "show", "last", "--store", store_url, code=2).output
