"""The command line through click's runner: formats, exit codes, errors."""
from __future__ import annotations

import json

from conftest import AS_OF, SAMPLE, golden


def test_check_json_matches_golden(cli):
    result = cli("check", SAMPLE, "--format", "json", "--as-of", AS_OF, "--fail-on", "never")
    assert result.exit_code == 0
    golden("sample.json", result.output)


def test_check_text_matches_golden(cli):
    result = cli("check", SAMPLE, "--as-of", AS_OF)
    assert result.exit_code == 1  # the sample has not_valuable services
    golden("sample.txt", result.output)


def test_explain_text_matches_golden(cli):
    result = cli("explain", SAMPLE, "print", "--as-of", AS_OF)
    assert result.exit_code == 0
    golden("explain-print.txt", result.output)


def test_explain_json_has_condition_trees(cli):
    result = cli("explain", SAMPLE, "crm", "--as-of", AS_OF, "--format", "json")
    doc = json.loads(result.output)
    war = next(f for f in doc["service"]["findings"] if f["rule"] == "WAR-001")
    assert war["conditions"]["status"] == "not_met"
    own_target, policy_minimum = war["conditions"]["children"]
    assert own_target["status"] == "not_met" and policy_minimum["status"] == "met"
    assert own_target["values"] == {"warranty.availability.measured": 99.82,
                                    "warranty.availability.target": 99.9}


def test_fail_on_levels(cli, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("- id: x\n  utility: {performance_support: [a]}\n")  # indeterminate
    assert cli("check", str(good)).exit_code == 0
    assert cli("check", str(good), "--fail-on", "indeterminate").exit_code == 1
    assert cli("check", SAMPLE, "--fail-on", "never").exit_code == 0


def test_output_file_is_written(cli, tmp_path):
    out = tmp_path / "report.json"
    result = cli("check", SAMPLE, "--format", "json", "--as-of", AS_OF, "--output", str(out))
    assert result.exit_code == 1
    assert json.loads(out.read_text())["summary"]["services"] == 15
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_unknown_service_is_a_user_error(cli):
    result = cli("explain", SAMPLE, "no-such-service")
    assert result.exit_code == 2
    assert "no service with id 'no-such-service'" in result.output


def test_missing_catalog_is_exit_2(cli):
    result = cli("check", "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml: no such catalog file" in result.output


def test_unknown_format_is_refused(cli):
    result = cli("check", SAMPLE, "--format", "pdf")
    assert result.exit_code == 2
    assert "pdf" in result.output


def test_bad_rule_pack_reports_file_line(cli, tmp_path):
    pack = tmp_path / "bad.yaml"
    pack.write_text("pack: bad\nrules:\n  - metadata: {id: X-1, title: t, criterion: utility, severity: error,"
                    " rationale: r, remediation: m}\n    condition: {fact: utility.perfomance_support,"
                    " is: not_empty}\n")
    result = cli("check", SAMPLE, "--rules", str(pack))
    assert result.exit_code == 2
    assert f"{pack}:4:17" in result.output
    assert "did you mean 'utility.performance_support'" in result.output


def test_set_overrides_a_parameter(cli):
    base = json.loads(cli("check", SAMPLE, "--format", "json", "--as-of", AS_OF).output)
    strict = json.loads(cli("check", SAMPLE, "--format", "json", "--as-of", AS_OF,
                            "--set", "min_headroom=0.6").output)
    verdict = {s["id"]: s["verdict"] for s in base["services"]}
    strict_verdict = {s["id"]: s["verdict"] for s in strict["services"]}
    assert verdict["payroll"] == "valuable" and strict_verdict["payroll"] == "not_valuable"
    assert base["rules"]["digest"] != strict["rules"]["digest"]


def test_set_unknown_parameter(cli):
    result = cli("check", SAMPLE, "--set", "min_headrom=0.2")
    assert result.exit_code == 2
    assert "did you mean 'min_headroom'" in result.output


def test_rules_list(cli):
    result = cli("rules", "list")
    assert result.exit_code == 0
    assert "WAR-001" in result.output and "18 rules in itil4" in result.output


def test_as_of_must_be_a_date(cli):
    result = cli("check", SAMPLE, "--as-of", "yesterday")
    assert result.exit_code == 2
