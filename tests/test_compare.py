"""check --compare: the sample judged on two days with two services changed, in every format."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from conftest import AS_OF, ROOT, SAMPLE

VPN_FIXED = ("open_critical_findings: 2}", "open_critical_findings: 0}")  # vpn: WAR-003 met now
EMAIL_BROKEN = ("availability: {target: 99.9, measured: 99.99}", "availability: {target: 99.9, measured: 99.5}")


@pytest.fixture
def runs(cli, tmp_path):
    """yesterday.json: the sample as it was; today.yaml: vpn fixed, email broken."""
    yesterday = tmp_path / "yesterday.json"
    done = cli("check", SAMPLE, "--as-of", AS_OF, "-f", f"json:{yesterday}", "--fail-on", "never")
    assert done.exit_code == 0, done.output
    text = (ROOT / SAMPLE).read_text(encoding="utf-8")
    for old, new in (VPN_FIXED, EMAIL_BROKEN):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    today = tmp_path / "today.yaml"
    today.write_text(text, encoding="utf-8")
    return yesterday, today


def _check(cli, today, yesterday, fmt: str, *extra) -> str:
    done = cli("check", str(today), "--as-of", AS_OF, "--compare", str(yesterday), "--format", fmt,
               "--fail-on", "never", *extra)
    assert done.exit_code == 0, done.output
    return done.output


def test_the_comparison_lists_exactly_the_two_changes(cli, runs):
    yesterday, today = runs
    doc = json.loads(_check(cli, today, yesterday, "json"))
    jsonschema.validate(doc, json.loads((ROOT / "facts" / "report.schema.json").read_text()),
                        cls=jsonschema.Draft202012Validator)
    c = doc["comparison"]
    assert [s["id"] for s in c["services"]] == ["email", "vpn"]
    email, vpn = c["services"]
    assert email["verdict"] == {"then": "valuable", "now": "not_valuable"}
    assert [m["rule"] for m in email["new"]] == ["WAR-001"] and email["fixed"] == []
    assert vpn["verdict"] == {"then": "not_valuable", "now": "valuable"}
    assert [m["rule"] for m in vpn["fixed"]] == ["WAR-003"] and vpn["new"] == []
    assert c["added"] == [] and c["removed"] == [] and c["changed"] == 0
    assert c["verdicts"]["valuable"] == {"then": 3, "now": 3}  # one gained, one lost
    assert c["previous"] == str(yesterday) and c["then"] == c["now"] == AS_OF
    by_id = {s["id"]: s for s in doc["services"]}
    unwaived = {"newly_waived": [], "still_waived": [], "waiver_ended": []}  # no waiver file either time
    assert by_id["email"]["change"] == {"then": "valuable", "new": ["WAR-001"], "fixed": [], "changed": [], **unwaived}
    assert by_id["payroll"]["change"] == {"then": "valuable", "new": [], "fixed": [], "changed": [], **unwaived}
    still = {s["id"] for s in c["still_failing"]}
    assert "crm" in still and not still & {"email", "vpn", "payroll"}


def test_failing_since_is_carried_forward_from_report_to_report(cli, runs, tmp_path):
    yesterday, today = runs
    second = tmp_path / "second.json"
    done = cli("check", str(today), "--as-of", "2026-12-05", "--compare", str(yesterday), "-f", f"json:{second}",
               "--fail-on", "never")
    assert done.exit_code == 0, done.output
    doc = json.loads(second.read_text())
    crm = next(s for s in doc["services"] if s["id"] == "crm")
    war = next(f for f in crm["findings"] if f["rule"] == "WAR-001")
    assert war["since"] == AS_OF  # it failed in the first report already
    email = next(s for s in doc["services"] if s["id"] == "email")
    assert next(f for f in email["findings"] if f["rule"] == "WAR-001")["since"] == "2026-12-05"
    # the third review, against the second report, still knows the first date
    third = json.loads(cli("check", str(today), "--as-of", "2026-12-12", "--compare", str(second),
                           "--format", "json", "--fail-on", "never").output)
    crm = next(s for s in third["services"] if s["id"] == "crm")
    assert next(f for f in crm["findings"] if f["rule"] == "WAR-001")["since"] == AS_OF
    assert next(s for s in third["comparison"]["still_failing"] if s["id"] == "crm")["rules"][0]["since"] == AS_OF


def test_every_format_shows_the_changes(cli, runs):
    yesterday, today = runs
    text = _check(cli, today, yesterday, "text")
    assert "since the last review (" in text and "2 newly failing" not in text
    assert "  newly failing: email — Corporate e-mail (valuable → not valuable): WAR-001 measured availability" in text
    assert "  fixed: vpn — Remote access VPN (not valuable → valuable): WAR-003" in text
    assert "      since the last review: was valuable; newly failing: WAR-001" in text
    jsonl = [json.loads(line) for line in _check(cli, today, yesterday, "jsonl").splitlines()]
    assert [s["id"] for s in jsonl[-1]["comparison"]["services"]] == ["email", "vpn"]
    markdown = _check(cli, today, yesterday, "markdown")
    assert "### Since the last review" in markdown and "**Newly failing** (1)" in markdown
    html = _check(cli, today, yesterday, "html")
    assert 'id="since-last-review"' in html and "failing since" in html
    sarif = json.loads(_check(cli, today, yesterday, "sarif", "--sarif-include", "unknown,met"))
    results = sarif["runs"][0]["results"]
    states = {(r["properties"]["service"], r["ruleId"]): r.get("baselineState") for r in results}
    assert states[("email", "WAR-001")] == "new" and states[("email", "valuate.verdict")] == "new"
    assert states[("crm", "WAR-001")] == "unchanged" and states[("vpn", "valuate.verdict")] == "new"
    assert sarif["runs"][0]["properties"]["comparison"]["previous"] == str(yesterday)
    junit = ET.fromstring(_check(cli, today, yesterday, "junit"))
    props = [p.get("value") for p in junit.iter("property") if p.get("name", "").startswith("comparison.")]
    assert any(v.startswith("fixed: vpn") for v in props)
    github = _check(cli, today, yesterday, "github")
    assert "WAR-001 not_met: measured availability 99.5%25 is below" in github  # % escaped as Actions wants
    assert "[new since the last review]" in github and "since the last review (" in github.splitlines()[-1]


def test_a_baseline_file_or_a_missing_file_is_refused(cli, runs, tmp_path):
    yesterday, today = runs
    baseline = tmp_path / "b.json"
    assert cli("baseline", "create", str(today), "--as-of", AS_OF, "-o", str(baseline)).exit_code == 0
    refused = cli("check", str(today), "--as-of", AS_OF, "--compare", str(baseline))
    assert refused.exit_code == 2 and "this is a baseline file (use --baseline for it)" in refused.output
    missing = cli("check", str(today), "--as-of", AS_OF, "--compare", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "nope.json" in missing.output
