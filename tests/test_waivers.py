"""Waivers: a waived finding keeps its status, shows the waiver and no longer counts;
expired waivers no longer apply and are reported; expiring ones are warned about."""
from __future__ import annotations

import json
import textwrap

import pytest

from conftest import AS_OF, SAMPLE

WAIVERS = "examples/waivers.yaml"


def run(cli, *args):
    result = cli("check", SAMPLE, "--format", "json", "--as-of", AS_OF, "--fail-on", "never", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def by_id(doc):
    return {s["id"]: s for s in doc["services"]}


def finding(service, rule):
    return next(f for f in service["findings"] if f["rule"] == rule)


def test_waived_finding_keeps_status_and_stops_counting(cli):
    doc, _ = run(cli, "--waivers", WAIVERS)
    crm = by_id(doc)["crm"]
    war = finding(crm, "WAR-001")
    assert war["status"] == "not_met"
    assert war["waived"] == {"reason": "Database cluster migration; availability recovers after the cut-over",
                             "approved_by": "Change Advisory Board (CAB-2026-114)", "expires": "2026-12-15",
                             "source": "examples/waivers.yaml:4"}
    assert crm["criteria"]["warranty"]["dimensions"]["availability"] == "met"
    assert crm["verdict"] == "valuable"
    vpn = by_id(doc)["vpn"]  # a criterion waiver covers the dimension's rules
    assert "waived" in finding(vpn, "WAR-003") and vpn["verdict"] == "valuable"
    assert doc["summary"]["waived"] == 2 and doc["summary"]["valuable"] == 5


def test_expired_waiver_no_longer_applies_and_is_reported(cli):
    doc, err = run(cli, "--waivers", WAIVERS)
    dw = by_id(doc)["data-warehouse"]
    war = finding(dw, "WAR-002")
    assert "waived" not in war and war["waiver_expired"]["expires"] == "2026-10-31"
    assert dw["verdict"] == "not_valuable"
    assert [w["service"] for w in doc["waivers"]["expired"]] == ["data-warehouse"]
    assert doc["waivers"]["expired"][0]["days_left"] == -28
    assert "waiver data-warehouse / WAR-002 expired on 2026-10-31" in err


def test_expiring_window_is_settable(cli):
    doc, err = run(cli, "--waivers", WAIVERS)
    assert [(w["service"], w["days_left"]) for w in doc["waivers"]["expiring"]] == [("crm", 17)]
    assert "waiver crm / WAR-001 expires on 2026-12-15, in 17 days" in err
    doc, err = run(cli, "--waivers", WAIVERS, "--waiver-warning-days", "10")
    assert doc["waivers"]["expiring"] == [] and "expires on" not in err
    doc, _ = run(cli, "--waivers", WAIVERS, "--waiver-warning-days", "200")
    assert [w["service"] for w in doc["waivers"]["expiring"]] == ["crm", "vpn"]


def test_waiver_applies_on_its_last_day_only(cli):
    assert by_id(run(cli, "--waivers", WAIVERS, "--as-of", "2026-12-15")[0])["crm"]["verdict"] == "valuable"
    late, err = run(cli, "--waivers", WAIVERS, "--as-of", "2026-12-16")
    assert by_id(late)["crm"]["verdict"] == "not_valuable" and "crm / WAR-001 expired" in err


def test_text_report_shows_waivers(cli):
    result = cli("check", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS)
    out = result.stdout
    assert "ok  valuable (waived) crm" in out  # issue 23: waived services read so, not "ok valuable"
    assert "[waived until 2026-12-15: Database cluster migration" in out
    assert "[waiver expired 2026-10-31]" in out
    assert "waiver data-warehouse / WAR-002 expired on 2026-10-31 (28 days ago)" in out
    assert "1 error; 2 waived findings\n" in out


def test_unused_waiver_is_reported(cli, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("- {service: crmm, rule: WAR-001, reason: r, approved_by: a, expires: 2027-01-31}\n"
                    "- {service: payroll, rule: WAR-001, reason: r, approved_by: a, expires: 2027-01-31}\n")
    doc, err = run(cli, "--waivers", str(path))
    assert [w["service"] for w in doc["waivers"]["unused"]] == ["crmm", "payroll"]  # payroll's WAR-001 is met
    assert "waiver crmm / WAR-001 waived nothing" in err


@pytest.mark.parametrize("text,where,message", [
    ("- {service: crm, rule: WAR-01, reason: r, approved_by: a, expires: 2027-01-01}\n", ":1:",
     "unknown rule 'WAR-01' (did you mean 'WAR-001'"),
    ("- {service: crm, criterion: warranty.avail, reason: r, approved_by: a, expires: 2027-01-01}\n", ":1:",
     "unknown criterion 'warranty.avail'"),
    ("- {service: crm, rule: WAR-001, reason: r, expires: 2027-01-01}\n", ":1:",
     "missing required key 'approved_by'"),
    ("- {service: crm, rule: WAR-001, reason: r, approved_by: a, expires: next week}\n", ":1:",
     "'expires' must be a date"),
    ("- {service: crm, rule: WAR-001, criterion: utility, reason: r, approved_by: a, expires: 2027-01-01}\n", ":1:",
     "exactly one of 'rule'"),
    ("- {service: crm, rule: WAR-001, reason: r, approved_by: a, expires: 2027-01-01}\n"
     "- {service: crm, rule: WAR-001, reason: r2, approved_by: b, expires: 2027-02-01}\n", ":2:",
     "a second waiver for crm / WAR-001"),
    ("waivers: {crm: yes}\n", "w.yaml", "a waiver file is a list of waivers"),
])
def test_waiver_errors_name_file_and_line(cli, tmp_path, text, where, message):
    path = tmp_path / "w.yaml"
    path.write_text(textwrap.dedent(text))
    result = cli("check", SAMPLE, "--waivers", str(path))
    assert result.exit_code == 2, result.output
    assert message in result.output and where in result.output, result.output


def test_explain_shows_the_waiver(cli):
    result = cli("explain", SAMPLE, "crm", "--as-of", AS_OF, "--waivers", WAIVERS)
    assert result.exit_code == 0
    assert "waived until 2026-12-15: Database cluster migration" in result.stdout
    assert "(approved by Change Advisory Board (CAB-2026-114); examples/waivers.yaml:4)" in result.stdout


def test_fail_on_waiver_gates_expired_and_unused(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from conftest import ROOT
    valuate = str(Path(sys.executable).parent / "valuate")
    base = [valuate, "check", "facts/samples/catalog.yaml", "--as-of", "2026-11-28", "--fail-on", "never",
            "--waivers", "examples/waivers.yaml"]

    def run(*extra):
        return subprocess.run(base + list(extra), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run().returncode == 0
    expired = run("--fail-on-waiver", "expired")
    assert expired.returncode == 1
    assert "--fail-on-waiver: waiver data-warehouse / WAR-002 expired on 2026-10-31" in expired.stderr
    unused_file = tmp_path / "w.yaml"
    unused_file.write_text("- {service: nobody, rule: WAR-001, reason: r, approved_by: b, expires: 2027-01-01}\n")
    unused = subprocess.run(base[:-1] + [str(unused_file), "--fail-on-waiver", "unused"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert unused.returncode == 1 and "waiver nobody / WAR-001 waived nothing" in unused.stderr
    wrong = run("--fail-on-waiver", "expird")
    assert wrong.returncode == 2 and "did you mean 'expired'" in wrong.stderr
