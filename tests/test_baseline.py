"""The baseline: accept today's findings, fail only on new ones; and the comparison under it."""
from __future__ import annotations

import json
import shutil

import jsonschema
import pytest

from conftest import AS_OF, ROOT, SAMPLE
from conftest import check as run_check
from valuate.engine.compare import Comparer, baseline_document, load_snapshot, snapshot_of


@pytest.fixture
def catalog(tmp_path):
    copy = tmp_path / "catalog.yaml"
    shutil.copy(ROOT / SAMPLE, copy)
    return copy


@pytest.fixture
def baseline(cli, catalog, tmp_path):
    path = tmp_path / "valuate-baseline.json"
    done = cli("baseline", "create", str(catalog), "--as-of", AS_OF, "-o", str(path))
    assert done.exit_code == 0, done.output
    assert f"wrote {path}: " in done.output
    return path


def overload_payroll(catalog) -> None:
    """payroll's peak demand rises to 990 of 1000: WAR-002 (capacity headroom) now fails."""
    text = catalog.read_text()
    assert text.count("peak_demand: 700") == 1
    catalog.write_text(text.replace("peak_demand: 700", "peak_demand: 990"))


def test_a_new_failure_fails_the_build_and_nothing_else_does(cli, catalog, baseline):
    same = cli("check", str(catalog), "--as-of", AS_OF, "--baseline", str(baseline))
    assert same.exit_code == 0, same.output  # the sample has 6 not-valuable services, all in the baseline
    assert "0 new findings not in the baseline" in same.output

    overload_payroll(catalog)
    changed = cli("check", str(catalog), "--as-of", AS_OF, "--baseline", str(baseline))
    assert changed.exit_code == 1
    new = [line for line in changed.output.splitlines() if "[new]" in line or "  new: " in line]
    assert new == ["      warranty.capacity      not_met  WAR-002  peak demand 990 of 1000 leaves only 0.01 "
                   "headroom (0.1 required)  [new]",
                   "valuate:   new: payroll / WAR-002 (not_met): peak demand 990 of 1000 leaves only 0.01 "
                   "headroom (0.1 required)"]
    assert "1 new finding not in the baseline" in changed.output
    # everything is still reported: crm's known failure too, marked as such
    assert "WAR-001  measured availability 99.82% is below the agreed target of 99.9%  [in baseline]" \
        in changed.output


def test_fail_on_counts_only_new_findings_at_its_level(cli, catalog, baseline):
    text = catalog.read_text()
    catalog.write_text(text.replace("last_tested: 2026-06-01", "last_tested: null", 1))  # payroll: unknown now
    args = ("check", str(catalog), "--as-of", AS_OF, "--baseline", str(baseline))
    assert cli(*args).exit_code == 0  # a new unknown is an indeterminate-level finding
    assert cli(*args, "--fail-on", "indeterminate").exit_code == 1


def test_fixed_entries_are_listed_so_the_baseline_can_shrink(cli, catalog, baseline, tmp_path):
    text = catalog.read_text()
    catalog.write_text(text.replace("measured: 99.82", "measured: 99.95"))  # crm now meets its target
    out = tmp_path / "report.json"
    done = cli("check", str(catalog), "--as-of", AS_OF, "--baseline", str(baseline), "-f", "text", "-f",
               f"json:{out}")
    doc = json.loads(out.read_text())
    schema = json.loads((ROOT / "facts" / "report.schema.json").read_text())
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    assert doc["baseline"]["fixed"] == [{"service": "crm", "rule": "WAR-001", "status": "not_met",
                                         "since": AS_OF}]
    assert doc["baseline"]["new"]["not_valuable"] == 0
    war = next(f for s in doc["services"] if s["id"] == "vpn" for f in s["findings"] if f["rule"] == "WAR-003")
    assert war["baseline"] == "unchanged"
    assert "1 baseline entry no longer occurs (fixed)" in done.output


def test_recreating_keeps_since_and_a_report_works_as_a_baseline(cli, catalog, baseline, tmp_path):
    later = cli("baseline", "create", str(catalog), "--as-of", "2026-12-05", "-o", str(baseline))
    assert later.exit_code == 0
    entries = json.loads(baseline.read_text())["findings"]
    assert {e["since"] for e in entries} == {AS_OF}  # first seen on the earlier run
    report = tmp_path / "previous.json"
    assert cli("check", str(catalog), "--as-of", AS_OF, "-f", f"json:{report}", "--fail-on", "never").exit_code == 0
    overload_payroll(catalog)
    assert cli("check", str(catalog), "--as-of", AS_OF, "--baseline", str(report)).exit_code == 1


def test_bad_baselines_are_one_line_errors(cli, catalog, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"valuate_baseline": 1, "findings": [{"service": "x"}]}')
    done = cli("check", str(catalog), "--baseline", str(broken))
    assert done.exit_code == 2
    assert f"{broken}, findings[0]: baseline entry lacks rule, status, fingerprint" in done.output
    assert cli("check", str(catalog), "--baseline", str(tmp_path / "none.json")).exit_code == 2
    other = tmp_path / "other.json"
    other.write_text("[]")
    refused = cli("baseline", "create", str(catalog), "-o", str(other))
    assert refused.exit_code == 2 and "not a valuate baseline" in refused.output
    assert other.read_text() == "[]"


def test_waived_findings_are_not_baselined(repo):
    report = run_check([SAMPLE], as_of=AS_OF, waivers="examples/waivers.yaml")
    snapshot = snapshot_of(report.services, AS_OF)
    assert snapshot.finding("crm", "WAR-001").waived  # a waived finding still fails: the snapshot knows it
    doc = baseline_document(snapshot, report.run)
    entries = {(e["service"], e["rule"]) for e in doc["findings"]}
    assert ("crm", "WAR-001") not in entries  # waived: not baselined, so its expiry must still bite
    assert ("data-warehouse", "WAR-002") in entries  # its waiver expired
    assert doc["entries"] == len(doc["findings"]) and doc["fingerprints"] == 2


def test_the_comparison_says_what_changed_between_two_runs(repo, tmp_path):
    before = run_check([SAMPLE], as_of=AS_OF)
    previous = tmp_path / "before.json"
    from valuate.engine.report import render
    with open(previous, "w", encoding="utf-8") as fh:
        render("json", before, fh)
    text = (ROOT / SAMPLE).read_text()
    text = text.replace("peak_demand: 700", "peak_demand: 990").replace("measured: 99.82", "measured: 99.95")
    text = text.replace("open_critical_findings: 2", "open_critical_findings: 3")  # vpn: other evidence
    changed = tmp_path / "after.yaml"
    changed.write_text(text.replace("- id: email\n", "- id: e-mail\n"))
    after = run_check([changed], as_of=AS_OF)
    comparer = Comparer(load_snapshot(str(previous)), AS_OF)
    deltas = {r.id: comparer.add(r) for r in after.services}
    comparison = comparer.finish()
    assert [m.rule for m in deltas["payroll"].new] == ["WAR-002"]
    assert [m.rule for m in deltas["crm"].fixed] == ["WAR-001"]
    (vpn_before, vpn_now), = [(a, b) for a, b in deltas["vpn"].changed]
    assert vpn_before.rule == vpn_now.rule == "WAR-003" and vpn_before.since == AS_OF
    assert deltas["e-mail"].added and [s.id for s in comparison.removed] == ["email"]
    doc = comparison.to_dict()
    assert doc["added"] == ["e-mail"] and doc["removed"][0]["id"] == "email"
    verdicts = doc["verdicts"]
    assert verdicts["valuable"] == {"then": 3, "now": 3}  # payroll lost, crm gained
    assert doc["new"] >= 1 and doc["fixed"] >= 1 and doc["changed"] >= 1


def test_baseline_create_writes_the_baseline_check_reads(cli, tmp_path, monkeypatch):
    """The config file's baseline key (and VALUATE_BASELINE) is where baseline create writes,
    so the next check finds it (issue 25 item 4); -o still wins."""
    import shutil
    shutil.copy(SAMPLE, tmp_path / "catalog.yaml")
    (tmp_path / "valuate.toml").write_text('catalogs = ["catalog.yaml"]\nbaseline = "ci/base.json"\n'
                                           f'as-of = {AS_OF}\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()  # a checkout: its folders may be made from a subdirectory
    monkeypatch.chdir(tmp_path / "sub")  # paths in the file are relative to the file
    done = cli("baseline", "create")
    assert done.exit_code == 0 and "(the baseline of " in done.output, done.output
    assert "valuate.toml:2)" in done.output
    assert (tmp_path / "ci" / "base.json").is_file() and not (tmp_path / "sub" / "valuate-baseline.json").exists()
    done = cli("check")
    assert done.exit_code == 0, done.output
    monkeypatch.setenv("VALUATE_BASELINE", "env.json")
    assert cli("baseline", "create").exit_code == 0 and (tmp_path / "sub" / "env.json").is_file()
    assert cli("baseline", "create", "-o", "given.json").exit_code == 0 and (tmp_path / "sub" / "given.json").is_file()
    monkeypatch.delenv("VALUATE_BASELINE")
    monkeypatch.chdir(tmp_path.parent)
    (tmp_path.parent / "valuate.toml").unlink(missing_ok=True)
