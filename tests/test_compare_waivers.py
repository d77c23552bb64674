"""Waivers in comparisons, baselines and counts (issue 21, item 1).

A waived finding still fails: it is never "fixed" by a waiver. A comparison
knows the waiver states (newly waived, still waived, failing again because
the waiver expired or was removed), every format shows them, SARIF's
baselineState and the baseline follow the same rule, and waived is its own
count wherever a count of met is shown.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from conftest import AS_OF, ROOT, SAMPLE
from conftest import check as run_check
from valuate.engine.report import board, view

WAIVERS = "examples/waivers.yaml"
SCHEMA = ROOT / "facts" / "report.schema.json"


def _json(cli, *args) -> dict:
    done = cli("check", *args, "--format", "json", "--fail-on", "never")
    assert done.exit_code == 0, done.output
    doc = json.loads(done.stdout)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()), cls=jsonschema.Draft202012Validator)
    return doc


def _out(cli, fmt: str, *args) -> str:
    done = cli("check", *args, "--format", fmt, "--fail-on", "never")
    assert done.exit_code == 0, done.output
    return done.stdout


@pytest.fixture
def prev(cli, tmp_path):
    """The sample judged without waivers (the issue's prev.json)."""
    path = tmp_path / "prev.json"
    assert cli("check", SAMPLE, "--as-of", AS_OF, "-f", f"json:{path}", "--fail-on", "never").exit_code == 0
    return path


@pytest.fixture
def prev_waived(cli, tmp_path):
    path = tmp_path / "prev-waived.json"
    done = cli("check", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "-f", f"json:{path}", "--fail-on", "never")
    assert done.exit_code == 0
    return path


def _service(comparison: dict, sid: str) -> dict:
    return next(s for s in comparison["services"] if s["id"] == sid)


def test_a_waiver_is_not_a_fix(cli, prev):
    doc = _json(cli, SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--compare", str(prev))
    c = doc["comparison"]
    assert c["fixed"] == 0 and c["new"] == 0
    assert c["newly_waived"] == 2 and c["still_waived"] == 0 and c["waiver_ended"] == 0
    crm, vpn = _service(c, "crm"), _service(c, "vpn")
    assert crm["fixed"] == [] and [m["rule"] for m in crm["newly_waived"]] == ["WAR-001"]
    assert vpn["fixed"] == [] and [m["rule"] for m in vpn["newly_waived"]] == ["WAR-003"]
    assert crm["newly_waived"][0]["waived"] is True and crm["newly_waived"][0]["waiver_expires"] == "2026-12-15"
    by_id = {s["id"]: s for s in doc["services"]}
    assert by_id["crm"]["change"]["fixed"] == [] and by_id["crm"]["change"]["newly_waived"] == ["WAR-001"]
    text = _out(cli, "text", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--compare", str(prev))
    assert "  fixed: crm" not in text and "0 fixed" in text
    assert "  newly waived: crm — Customer relationship management (not valuable → valuable (waived)): WAR-001 measured " \
           "availability 99.82% is below the agreed target of 99.9% (waived until 2026-12-15)" in text
    assert "      since the last review: was not valuable; newly waived: WAR-001" in text


def test_a_failure_that_arrives_waived_is_shown(cli, tmp_path):
    """email passes in the earlier report and fails now under a waiver: not invisible."""
    before = tmp_path / "before.json"
    assert cli("check", SAMPLE, "--as-of", AS_OF, "-f", f"json:{before}", "--fail-on", "never").exit_code == 0
    text = (ROOT / SAMPLE).read_text()
    old = "availability: {target: 99.9, measured: 99.99}"
    assert text.count(old) == 1
    today = tmp_path / "today.yaml"
    today.write_text(text.replace(old, "availability: {target: 99.9, measured: 99.5}"))
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - {service: email, rule: WAR-001, reason: mail migration, "
                       "approved_by: CAB, expires: 2027-01-31}\n")
    c = _json(cli, str(today), "--as-of", AS_OF, "--waivers", str(waivers), "--compare", str(before))["comparison"]
    email = _service(c, "email")
    assert email["new"] == [] and [m["rule"] for m in email["newly_waived"]] == ["WAR-001"]
    md = _out(cli, "markdown", str(today), "--as-of", AS_OF, "--waivers", str(waivers), "--compare", str(before))
    assert "**Newly waived** (1)" in md and "**Newly failing** (0)" in md


def test_a_waiver_that_expires_or_goes_makes_the_finding_fail_again(cli, prev_waived, tmp_path):
    # removed: the same catalog without the waiver file
    c = _json(cli, SAMPLE, "--as-of", AS_OF, "--compare", str(prev_waived))["comparison"]
    assert c["new"] == 0 and c["waiver_ended"] == 2 and c["fixed"] == 0
    crm = _service(c, "crm")
    assert crm["new"] == [] and [m["rule"] for m in crm["waiver_ended"]] == ["WAR-001"]
    text = _out(cli, "text", SAMPLE, "--as-of", AS_OF, "--compare", str(prev_waived))
    assert "  failing again (waiver expired or removed): crm — Customer relationship management (valuable (waived) → " \
           "not valuable): WAR-001 measured availability 99.82% is below the agreed target of 99.9% " \
           "(waiver removed)" in text
    # expired: data-warehouse's waiver (until 2026-10-31) was active on 2026-10-15
    october = tmp_path / "october.json"
    done = cli("check", SAMPLE, "--as-of", "2026-10-15", "--waivers", WAIVERS, "-f", f"json:{october}",
               "--fail-on", "never")
    assert done.exit_code == 0
    c = _json(cli, SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--compare", str(october))["comparison"]
    dw = _service(c, "data-warehouse")
    assert [m["rule"] for m in dw["waiver_ended"]] == ["WAR-002"] and dw["new"] == [] and c["still_waived"] == 2
    html = _out(cli, "html", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--compare", str(october))
    assert "(waiver expired on 2026-10-31)" in html and "Still waived" in html


def test_still_waived_is_its_own_group(cli, prev_waived):
    doc = _json(cli, SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--compare", str(prev_waived))
    c = doc["comparison"]
    assert c["still_waived"] == 2 and c["newly_waived"] == c["fixed"] == c["new"] == 0
    assert {s["id"] for s in c["still_under_waiver"]} == {"crm", "vpn"}
    assert "crm" not in {s["id"] for s in c["still_failing"]}
    text = _out(cli, "text", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--compare", str(prev_waived))
    assert "  still waived: crm — Customer relationship management (valuable (waived)): WAR-001" in text


def test_sarif_baseline_state_of_waived_findings(cli, prev):
    sarif = json.loads(_out(cli, "sarif", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--compare", str(prev)))
    results = {(r["properties"]["service"], r["ruleId"]): r for r in sarif["runs"][0]["results"]}
    crm = results[("crm", "WAR-001")]
    assert crm["baselineState"] == "unchanged" and crm["suppressions"]  # the same failure, now suppressed
    counts = sarif["runs"][0]["properties"]["comparison"]
    assert counts["newly_waived"] == 2 and counts["fixed"] == 0


def test_the_baseline_does_not_call_a_waived_entry_fixed(cli, tmp_path):
    plain = tmp_path / "plain-baseline.json"
    assert cli("baseline", "create", SAMPLE, "--as-of", AS_OF, "-o", str(plain)).exit_code == 0
    doc = _json(cli, SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--baseline", str(plain))
    b = doc["baseline"]
    assert b["fixed"] == [] and {(w["service"], w["rule"]) for w in b["waived"]} == {("crm", "WAR-001"),
                                                                                      ("vpn", "WAR-003")}
    done = cli("check", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--baseline", str(plain), "--fail-on", "never")
    assert "0 of its 21 entries no longer occur" in done.output and "fixed: crm" not in done.output  # advisory ones aside
    assert "2 of its entries waived now" in done.output and "  waived now: crm / WAR-001" in done.output
    sarif = json.loads(_out(cli, "sarif", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--baseline", str(plain)))
    results = {(r["properties"]["service"], r["ruleId"]): r for r in sarif["runs"][0]["results"]}
    assert results[("crm", "WAR-001")]["baselineState"] == "unchanged"
    # a baseline made under the waivers leaves the waived findings out: they are new once the waiver goes
    waived = tmp_path / "waived-baseline.json"
    made = cli("baseline", "create", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "-o", str(waived))
    assert made.exit_code == 0 and "2 waived findings left out" in made.output
    again = cli("check", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--baseline", str(waived))
    assert again.exit_code == 0, again.output  # waived: new to the baseline, but it does not fail the build
    sarif = json.loads(_out(cli, "sarif", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--baseline", str(waived)))
    results = {(r["properties"]["service"], r["ruleId"]): r for r in sarif["runs"][0]["results"]}
    assert results[("crm", "WAR-001")]["baselineState"] == "new" and results[("crm", "WAR-001")]["suppressions"]
    expired = cli("check", SAMPLE, "--as-of", AS_OF, "--baseline", str(waived))
    assert expired.exit_code == 1 and "new: crm / WAR-001 (not_met)" in expired.output


def test_a_status_change_is_not_a_fix(cli, prev, tmp_path):
    """hr-portal's WAR-004 is unknown then and not met now: still failing, so never "fixed"."""
    text = (ROOT / SAMPLE).read_text()
    assert text.count("continuity: {plan: true}\n") == 1
    today = tmp_path / "today.yaml"
    today.write_text(text.replace("continuity: {plan: true}\n", "continuity: {plan: true, last_tested: 2020-01-01}\n"))
    c = _json(cli, str(today), "--as-of", AS_OF, "--compare", str(prev))["comparison"]
    hr = _service(c, "hr-portal")
    assert [m["rule"] for m in hr["new"]] == ["WAR-004"] and hr["fixed"] == [] and c["fixed"] == 0
    baseline = tmp_path / "b.json"
    assert cli("baseline", "create", SAMPLE, "--as-of", AS_OF, "-o", str(baseline)).exit_code == 0
    b = _json(cli, str(today), "--as-of", AS_OF, "--baseline", str(baseline))["baseline"]
    assert b["fixed"] == [] and b["new"]["not_valuable"] == 1


def test_an_invalid_record_fixes_nothing(cli, prev, tmp_path):
    """crm's record is invalid now: judged on nothing, so its WAR-001 is not fixed (here or in a baseline)."""
    text = (ROOT / SAMPLE).read_text()
    today = tmp_path / "today.yaml"
    today.write_text(text.replace("measured: 99.82", "measured: high"))
    c = _json(cli, str(today), "--as-of", AS_OF, "--compare", str(prev))["comparison"]
    crm = _service(c, "crm")
    assert crm["fixed"] == [] and [m["rule"] for m in crm["new"]] == ["valuate.record"] and c["fixed"] == 0
    baseline = tmp_path / "b.json"
    assert cli("baseline", "create", SAMPLE, "--as-of", AS_OF, "-o", str(baseline)).exit_code == 0
    b = _json(cli, str(today), "--as-of", AS_OF, "--baseline", str(baseline))["baseline"]
    assert b["fixed"] == [] and b["new"]["error"] == 1


def test_waived_is_its_own_count_where_met_is_counted(cli, repo):
    report = run_check([SAMPLE], as_of=AS_OF, waivers=WAIVERS)
    counts = dict(board.criteria_counts(report.services))
    assert counts["availability"] == {"met": 12, "waived": 1, "not_met": 0, "unknown": 1}
    assert counts["security"]["waived"] == 1 and counts["warranty"]["waived"] == 2
    crm = next(r for r in report.services if r.id == "crm")
    assert ("availability", "waived", True) in board.heat(crm)
    assert view.status_of(crm, "warranty") == "waived" and view.status_of(crm, "utility") == "met"
    html = _out(cli, "html", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS)
    assert "✓ 12 met</span>" in html and "⚑ 1 waived</span>" in html
    table = html.split('<table id="services">', 1)[1].split("</table>", 1)[0]
    row = next(tr for tr in table.split("<tr")[1:] if 'data-target="service-2"' in tr)  # crm
    assert 'data-verdict="waived"' in row and 'data-warranty="waived"' in row and 'data-utility="met"' in row
    assert '<span class="badge s-waived">waived</span>' in row
    assert '<option value="warranty:waived">warranty waived</option>' in html
    cards = html.split('<div class="cards">', 1)[1].split("</div></div>", 1)[0]
    assert "valuable (waived)</span><b>2</b>" in cards and "valuable</span><b>3</b>" in cards
    md = _out(cli, "markdown", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS)
    assert "| criterion | ✓ met | ⚑ waived | ✗ not met | ? unknown |" in md
    assert "| availability | 12 | 1 | 0 | 1 |" in md
    assert "| ✓ valuable | 3 |" in md and "| ✓ valuable (waived) | 2 |" in md
    crm_row = next(line for line in md.splitlines() if line.startswith("| 2 | [crm"))
    assert "⚑ waived" in crm_row
    text = _out(cli, "text", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS)
    assert "15 services: 3 valuable, 2 valuable under a waiver, 5 not valuable, 4 indeterminate, 1 error; " \
           "2 waived findings" in text
    github = _out(cli, "github", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS)
    assert "3 valuable, 2 valuable under a waiver, 5 not valuable" in github.splitlines()[-1]
    doc = _json(cli, SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS)
    assert doc["summary"]["valuable"] == 5 and doc["summary"]["valuable_waived"] == 2
    explained = cli("explain", SAMPLE, "crm", "--as-of", AS_OF, "--waivers", WAIVERS).stdout
    assert "├─ ⚑ warranty: waived\n│  ├─ ⚑ availability: waived\n" in explained
    done = cli("check", SAMPLE, "--as-of", AS_OF, "--waivers", WAIVERS, "--format", "junit")
    junit = ET.fromstring(done.stdout)  # as the job sees it: the default --fail-on
    assert done.exit_code == 1 and junit.get("failures") == "5"  # a waived service passes its test
