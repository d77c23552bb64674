"""CI-native outputs: SARIF as GitHub takes it, GitHub annotations, GitLab Code Quality."""
from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import AS_OF, SAMPLE, sample
from test_reports import _validate_sarif
from valuate.engine.report import github, sarif

# GitLab's documented Code Quality report format (docs.gitlab.com, ci/testing/code_quality,
# "Code Quality report format"): an array of issues; each has description, check_name,
# fingerprint, severity (one of five words) and location.path with location.lines.begin
# (or location.positions.begin.line).
CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object", "required": ["path"],
                "properties": {"path": {"type": "string", "minLength": 1},
                               "lines": {"type": "object", "required": ["begin"],
                                         "properties": {"begin": {"type": "integer", "minimum": 1}}}},
                "anyOf": [{"required": ["lines"]}, {"required": ["positions"]}]},
        },
    },
}


def run(cli, *args) -> str:
    done = cli("check", *args, "--as-of", AS_OF, "--fail-on", "never")
    assert done.exit_code == 0, done.output
    return done.output


def test_gitlab_sample_sarif_has_only_failed_results(cli, tmp_path):
    catalog = sample("gitlab-com-service-catalog/service-catalog.yml")
    out = tmp_path / "gitlab.sarif"
    run(cli, str(catalog), "--mapping", "gitlab", "-f", f"sarif:{out}")
    doc = json.loads(out.read_text())
    _validate_sarif(doc)
    # Every not-met finding of the GitLab catalog is advisory (severity warning or info): none
    # can fail the job, so by default SARIF holds none of them (issue 25 item 5).
    assert doc["runs"][0]["results"] == []
    advisory = tmp_path / "advisory.sarif"
    run(cli, str(catalog), "--mapping", "gitlab", "-f", f"sarif:{advisory}", "--include-advisory")
    doc = json.loads(advisory.read_text())
    _validate_sarif(doc)
    results = doc["runs"][0]["results"]
    assert results and all(r["kind"] == "fail" and r["level"] in ("warning", "note") for r in results)
    everything = tmp_path / "all.sarif"
    run(cli, str(catalog), "--mapping", "gitlab", "-f", f"sarif:{everything}", "--sarif-include", "unknown,met",
        "--include-advisory")
    assert len(json.loads(everything.read_text())["runs"][0]["results"]) > len(results)


def test_sarif_stays_within_githubs_limit(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 5)
    out = tmp_path / "r.sarif"
    done = cli("check", SAMPLE, "--as-of", AS_OF, "-f", f"sarif:{out}", "--fail-on", "never")
    doc = json.loads(out.read_text())
    results = doc["runs"][0]["results"]
    assert len(results) == 5 and {r["level"] for r in results} == {"error"}
    note = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert note["level"] == "warning" and "13 results left out" in note["message"]["text"]
    assert "valuate: warning: SARIF: 13 results left out" in done.output


def test_sarif_results_carry_their_baseline_state(cli, tmp_path):
    base = tmp_path / "b.json"
    cli("baseline", "create", SAMPLE, "--as-of", AS_OF, "-o", str(base))
    out = tmp_path / "r.sarif"
    cli("check", SAMPLE, "--as-of", AS_OF, "--baseline", str(base), "-f", f"sarif:{out}")
    doc = json.loads(out.read_text())
    _validate_sarif(doc)
    assert {r["baselineState"] for r in doc["runs"][0]["results"]} == {"unchanged"}


def test_code_quality_has_the_documented_fields_and_stable_fingerprints(cli, tmp_path):
    doc = json.loads(run(cli, SAMPLE, "--format", "gitlab-codequality"))
    jsonschema.validate(doc, CODE_QUALITY)
    assert len({i["fingerprint"] for i in doc}) == len(doc)  # GitLab drops issues sharing one
    crm = next(i for i in doc if i["check_name"] == "WAR-001")
    assert crm["location"] == {"path": SAMPLE, "lines": {"begin": 43}} and crm["severity"] == "major"
    invalid = next(i for i in doc if i["check_name"] == "valuate.record")
    assert invalid["severity"] == "critical" and "impact" in invalid["description"]
    changed = tmp_path / "c.yaml"
    changed.write_text(open(SAMPLE).read().replace("measured: 99.82", "measured: 99.5"))
    again = json.loads(run(cli, str(changed), "--format", "gitlab-codequality"))
    assert next(i for i in again if i["check_name"] == "WAR-001")["fingerprint"] == crm["fingerprint"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**crm, "severity": "high"}], CODE_QUALITY)


def test_github_annotations_are_escaped_and_located(cli):
    lines = run(cli, SAMPLE, "--format", "github").splitlines()
    crm = next(line for line in lines if "crm" in line)  # --fail-on never: nothing fails the job
    assert crm.startswith("::warning file=facts/samples/catalog.yaml,line=43,title=valuate%3A crm is not valuable::")
    assert "99.82%25 is below" in crm and "%0Ato pass: raise" in crm
    assert lines[-1] == "::notice title=valuate::15 services: 3 valuable, 7 not valuable, 4 indeterminate, 1 error"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_known_failures_are_notices_under_a_baseline(cli, tmp_path):
    base = tmp_path / "b.json"
    cli("baseline", "create", SAMPLE, "--as-of", AS_OF, "-o", str(base))
    done = cli("check", SAMPLE, "--as-of", AS_OF, "--baseline", str(base), "--format", "github")
    assert done.exit_code == 0
    kinds = {line.split(" ")[0].split("::")[1] for line in done.output.splitlines() if line.startswith("::")}
    assert kinds == {"debug", "notice"}
