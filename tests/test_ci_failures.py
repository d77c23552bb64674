"""What fails a CI job shows where the CI shows it, and only that (issue 25 items 3 and 5).

An expired waiver under ``--fail-on-waiver expired`` is an error annotation, a SARIF
result of its own rule, a failed JUnit test case and a Code Quality issue, each at the
waiver's line; CI formats and baselines hold only the findings that can fail the job
unless ``--include-advisory`` asks for the rest; JUnit fails only the services that
fail the job; a finding new since the baseline is marked in every format.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from conftest import AS_OF, SAMPLE
from test_ci_formats import CODE_QUALITY
from test_reports import _validate_sarif, junit_schema  # noqa: F401 (a fixture)

WAIVERS = "examples/waivers.yaml"
EXPIRED_LINE = 14  # data-warehouse / WAR-002, expired on 2026-10-31
GATED = ("--waivers", WAIVERS, "--fail-on-waiver", "expired", "--fail-on", "never")


def out(cli, fmt: str, *args, code: int = 0) -> str:
    done = cli("check", SAMPLE, "--as-of", AS_OF, "-f", fmt, *args)
    assert done.exit_code == code, done.output
    return done.stdout


def test_an_expired_waiver_is_an_error_annotation_at_its_line(cli):
    lines = out(cli, "github", *GATED, code=1).splitlines()
    errors = [line for line in lines if line.startswith("::error")]
    assert errors == [f"::error file={WAIVERS},line={EXPIRED_LINE},title=valuate%3A waiver expired::"
                      "waiver data-warehouse / WAR-002 expired on 2026-10-31: --fail-on-waiver expired fails the job"]
    assert lines[-1].endswith("; 1 waiver fails the job")


def test_an_expired_waiver_is_a_sarif_result_of_its_own_rule(cli):
    doc = json.loads(out(cli, "sarif", *GATED, code=1))
    _validate_sarif(doc)
    run = doc["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    (gate,) = [r for r in run["results"] if r["ruleId"] == "valuate.waiver"]
    assert rules[gate["ruleIndex"]] == "valuate.waiver" and gate["level"] == "error"
    assert gate["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": WAIVERS},
                                                         "region": {"startLine": EXPIRED_LINE}}
    invocation = run["invocations"][0]
    assert invocation["exitCode"] == 1 and "expired on 2026-10-31" in invocation["exitCodeDescription"]
    passed = json.loads(out(cli, "sarif", "--fail-on", "never"))["runs"][0]
    assert passed["invocations"][0]["exitCode"] == 0
    assert "valuate.waiver" not in [r["id"] for r in passed["tool"]["driver"]["rules"]]


def test_an_expired_waiver_is_a_failed_junit_test_case(cli, junit_schema):
    text = out(cli, "junit", *GATED, code=1)
    junit_schema.validate(text)
    root = ET.fromstring(text)
    suite = next(s for s in root.iter("testsuite") if s.get("file") == WAIVERS)
    (case,) = suite.findall("testcase")
    assert case.find("failure").get("type") == "waiver_expired"
    assert f"at {WAIVERS}:{EXPIRED_LINE}" in case.find("system-out").text
    assert root.get("failures") == "1"  # --fail-on never: no service fails the job, the waiver does


def test_an_expired_waiver_is_a_code_quality_issue(cli):
    doc = json.loads(out(cli, "gitlab-codequality", *GATED, code=1))
    jsonschema.validate(doc, CODE_QUALITY)
    (gate,) = [i for i in doc if i["check_name"] == "valuate.waiver"]
    assert gate["location"] == {"path": WAIVERS, "lines": {"begin": EXPIRED_LINE}}
    assert gate["severity"] == "critical"


def test_an_unused_waiver_fails_the_same_way(cli, tmp_path):
    waivers = tmp_path / "w.yaml"
    waivers.write_text("- {service: nobody, rule: WAR-001, reason: r, approved_by: b, expires: 2027-01-01}\n")
    lines = out(cli, "github", "--waivers", str(waivers), "--fail-on-waiver", "unused", "--fail-on", "never",
                code=1).splitlines()
    assert f"::error file={waivers},line=1,title=valuate%3A waiver unused::waiver nobody / WAR-001 waived " \
           "nothing: --fail-on-waiver unused fails the job" in lines


def _advisory_counts(cli, *args) -> dict:
    """How many advisory findings (the bundled pack's ADV rules) each CI format holds."""
    sarif = json.loads(out(cli, "sarif", "--fail-on", "never", *args))["runs"][0]["results"]
    quality = json.loads(out(cli, "gitlab-codequality", "--fail-on", "never", *args))
    github = out(cli, "github", "--fail-on", "never", *args)
    junit = out(cli, "junit", "--fail-on", "never", *args)
    return {"sarif": sum(r["ruleId"].startswith("ADV-") for r in sarif),
            "quality": sum(i["check_name"].startswith("ADV-") for i in quality),
            "github": github.count("ADV-0"), "junit": junit.count("ADV-0")}


def test_advisory_findings_only_on_request(cli):
    assert _advisory_counts(cli) == {"sarif": 0, "quality": 0, "github": 0, "junit": 0}
    asked = _advisory_counts(cli, "--include-advisory")
    assert all(n > 0 for n in asked.values()), asked
    quality = json.loads(out(cli, "gitlab-codequality", "--fail-on", "never", "--include-advisory"))
    severities = {(i["check_name"], i["severity"]) for i in quality if i["check_name"].startswith("ADV-")}
    assert ("ADV-001", "minor") in severities and ("ADV-012", "info") in severities  # the rule's severity


def test_the_baseline_holds_advisory_findings_only_on_request(cli, tmp_path):
    lean, full = tmp_path / "lean.json", tmp_path / "full.json"
    made = cli("baseline", "create", SAMPLE, "--as-of", AS_OF, "-o", str(lean))
    assert made.exit_code == 0 and "21 findings of 15 services; 87 advisory findings left out" in made.output
    cli("baseline", "create", SAMPLE, "--as-of", AS_OF, "-o", str(full), "--include-advisory")
    lean_doc, full_doc = json.loads(lean.read_text()), json.loads(full.read_text())
    assert lean_doc["advisory"] is False and full_doc["advisory"] is True
    assert not any(f["rule"].startswith("ADV-") for f in lean_doc["findings"])
    assert (lean_doc["entries"], full_doc["entries"]) == (21, 108)
    # Checked against the lean baseline, the advisory findings it never held are not "new".
    doc = json.loads(out(cli, "json", "--baseline", str(lean)))
    assert sum(doc["baseline"]["new"].values()) == 0 and doc["baseline"]["fixed"] == []
    advisory = [f for s in doc["services"] for f in s.get("findings", ()) if f["rule"].startswith("ADV-")]
    assert advisory and not any(f.get("baseline") == "new" for f in advisory)


def test_junit_fails_only_the_services_that_fail_the_job(cli, tmp_path, junit_schema):
    base = tmp_path / "b.json"
    cli("baseline", "create", SAMPLE, "--as-of", AS_OF, "-o", str(base))
    green = out(cli, "junit", "--baseline", str(base))
    junit_schema.validate(green)
    root = ET.fromstring(green)
    assert root.get("failures") == "0" and root.get("errors") == "0"
    skipped = [c for c in root.iter("testcase") if c.find("skipped") is not None]
    assert skipped and all("every failure of it is in the baseline" in c.find("skipped").get("message")
                           for c in skipped if "indeterminate" not in c.find("skipped").get("message"))


def test_a_new_finding_is_marked_in_every_format(cli, tmp_path, junit_schema):
    base = tmp_path / "b.json"
    cli("baseline", "create", SAMPLE, "--as-of", AS_OF, "-o", str(base))
    changed = tmp_path / "catalog.yaml"
    text = open(SAMPLE).read()
    assert "peak_demand: 700" in text
    changed.write_text(text.replace("peak_demand: 700", "peak_demand: 999", 1))  # payroll, now short of headroom
    args = (str(changed), "--as-of", AS_OF, "--baseline", str(base))

    def fmt(name):
        done = cli("check", *args, "-f", name)
        assert done.exit_code == 1, done.output
        return done.stdout
    github = [line for line in fmt("github").splitlines() if line.startswith("::error")]
    assert len(github) == 1 and "payroll" in github[0] and "WAR-002 not_met" in github[0] and "[new]" in github[0]
    junit = fmt("junit")
    junit_schema.validate(junit)
    failures = [c for c in ET.fromstring(junit).iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failures] == ["payroll"]
    assert "[new since the baseline]" in failures[0].find("failure").get("message")
    quality = json.loads(fmt("gitlab-codequality"))
    assert [i for i in quality if "[new since the baseline]" in i["description"]][0]["check_name"] == "WAR-002"
    sarif = json.loads(fmt("sarif"))
    _validate_sarif(sarif)
    new = [r for r in sarif["runs"][0]["results"] if r.get("baselineState") == "new"]
    assert {r["ruleId"] for r in new} == {"WAR-002", "valuate.verdict"}
    assert "[new since the baseline]" in next(r for r in new if r["ruleId"] == "WAR-002")["message"]["text"]


def test_sarif_fingerprints_survive_moved_lines(cli, tmp_path):
    first = json.loads(out(cli, "sarif", "--fail-on", "never"))["runs"][0]["results"]
    moved = tmp_path / "catalog.yaml"
    moved.write_text("# a comment that moves every record down\n\n" + open(SAMPLE).read())
    done = cli("check", str(moved), "--as-of", AS_OF, "-f", "sarif", "--fail-on", "never")
    second = json.loads(done.stdout)["runs"][0]["results"]
    key = "valuate/v1"
    assert [r["partialFingerprints"][key] for r in first] == [r["partialFingerprints"][key] for r in second]
    assert first[0]["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 == \
        second[0]["locations"][0]["physicalLocation"]["region"]["startLine"]
