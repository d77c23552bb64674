"""Profiles: parameter overrides (plain and per fact), extends, rules disabled or re-graded, --set on top."""
from __future__ import annotations

import json
import textwrap

import pytest

from conftest import AS_OF, SAMPLE

STRICT = "examples/profiles/strict-availability.yaml"
TIERED = "examples/profiles/tiered.yaml"


def run(cli, *args):
    result = cli("check", SAMPLE, "--format", "json", "--as-of", AS_OF, "--fail-on", "never", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def services(doc):
    return {s["id"]: s for s in doc["services"]}


def finding(service, rule):
    return next((f for f in service["findings"] if f["rule"] == rule), None)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_default_policy_is_unchanged_by_the_new_parameter(cli):
    doc = services(run(cli))
    assert finding(doc["payroll"], "WAR-001")["evidence"]["param.min_availability_target"] == 0
    assert {k: v["verdict"] for k, v in doc.items()} == {
        "payroll": "valuable", "crm": "not_valuable", "email": "valuable", "hr-portal": "indeterminate",
        "data-warehouse": "not_valuable", "vpn": "not_valuable", "legacy-fax": "not_valuable",
        "service-desk": "valuable", "backup": "not_valuable", "intranet-wiki": "indeterminate",
        "print": "not_valuable", "analytics-sandbox": "error", "expense-app": "indeterminate",
        "payslip-app": "not_valuable", "canteen-booking": "indeterminate"}


def test_profile_raises_the_availability_floor(cli):
    doc = services(run(cli, "--profile", STRICT))
    war = finding(doc["service-desk"], "WAR-001")
    assert war["status"] == "not_met"
    assert war["message"] == "measured availability 99.4% is below the policy minimum of 99.95%"
    assert doc["service-desk"]["verdict"] == "not_valuable"
    assert finding(doc["payroll"], "WAR-001")["status"] == "met"  # 99.95 is not below 99.95
    # below its own target too: both failures are told
    assert finding(doc["crm"], "WAR-001")["message"] == (
        "measured availability 99.82% is below the agreed target of 99.9%; "
        "measured availability 99.82% is below the policy minimum of 99.95%")


def test_fact_dependent_parameter_by_tier(cli):
    doc = services(run(cli, "--profile", TIERED))
    # tier 1 needs 99.95: vpn (99.93) fails; tier 2 needs 99.5: hr-portal (99.7) passes
    assert finding(doc["vpn"], "WAR-001")["evidence"]["param.min_availability_target"] == 99.95
    assert finding(doc["vpn"], "WAR-001")["status"] == "not_met"
    assert finding(doc["hr-portal"], "WAR-001")["evidence"]["param.min_availability_target"] == 99.5
    assert finding(doc["hr-portal"], "WAR-001")["status"] == "met"
    assert finding(doc["print"], "WAR-001")["message"].endswith("below the policy minimum of 99.5%")


def test_unknown_tier_makes_the_tiered_comparison_unknown(cli, tmp_path):
    catalog = write(tmp_path, "c.yaml", """\
        - id: no-tier
          warranty: {availability: {target: 99, measured: 99.7}}
        """)
    result = cli("check", catalog, "--format", "json", "--as-of", AS_OF, "--profile", TIERED)
    war = finding(json.loads(result.output)["services"][0], "WAR-001")
    assert war["status"] == "unknown" and war["missing"] == ["tier"]
    assert "tier not recorded" in war["message"]


def test_extends_layers_and_set_wins(cli, tmp_path):
    base = write(tmp_path, "base.yaml", """\
        parameters: {min_headroom: 0.3, max_test_age_days: 100}
        """)
    child = write(tmp_path, "child.yaml", """\
        extends: base.yaml
        parameters: {itil4.min_headroom: 0.05}
        """)
    doc = run(cli, "--profile", child)
    params = {s["rule"]: s["evidence"] for s in doc["services"][0]["findings"]}
    assert params["WAR-002"]["param.min_headroom"] == 0.05  # the child wins
    assert params["WAR-004"]["param.max_test_age_days"] == 100  # inherited from the base
    doc = run(cli, "--profile", child, "--set", "min_headroom=0.5")
    params = {s["rule"]: s["evidence"] for s in doc["services"][0]["findings"]}
    assert params["WAR-002"]["param.min_headroom"] == 0.5  # --set wins over every layer
    assert doc["inputs"]["profile"].startswith("sha256:")
    assert doc["profile"] == {"name": "child", "files": [base, child]}


def test_disabling_a_rule_and_its_criterion(cli, tmp_path):
    profile = write(tmp_path, "p.yaml", """\
        rules:
          WAR-004: {enabled: false}
          ADV-011: {enabled: false}
        """)
    base, tuned = services(run(cli)), services(run(cli, "--profile", profile))
    assert finding(tuned["backup"], "WAR-004") is None and finding(tuned["backup"], "ADV-011") is None
    # continuity is no longer required: it counts as met, with no findings
    assert tuned["backup"]["criteria"]["warranty"]["dimensions"]["continuity"] == "met"
    assert base["backup"]["verdict"] == "not_valuable" and tuned["backup"]["verdict"] == "valuable"
    assert tuned["hr-portal"]["verdict"] == "valuable"  # its only gap was the untested continuity plan


def test_downgraded_rule_no_longer_counts(cli, tmp_path):
    profile = write(tmp_path, "p.yaml", "rules:\n  WAR-002: {severity: warning}\n")
    doc = services(run(cli, "--profile", profile))
    war = finding(doc["data-warehouse"], "WAR-002")
    assert war["severity"] == "warning" and war["status"] == "not_met"
    assert doc["data-warehouse"]["criteria"]["warranty"]["dimensions"]["capacity"] == "met"
    assert doc["data-warehouse"]["verdict"] == "valuable"


@pytest.mark.parametrize("text,where,message", [
    ("parameters:\n  min_headrom: 0.2\n", ":2:3", "unknown parameter 'min_headrom' (did you mean 'min_headroom'"),
    ("parameters:\n  min_headroom: lots\n", ":2:3", "expected a number, got a string ('lots')"),
    ("parameters:\n  min_headroom: 2\n", ":2:3", "must be at most 1"),
    ("rules:\n  WAR-01: {enabled: false}\n", ":2:3", "unknown rule 'WAR-01' (did you mean 'WAR-001'"),
    ("rules:\n  WAR-001: {enabled: no-thanks}\n", ":2:", "'enabled' must be true or false"),
    ("rules:\n  WAR-001: {severity: fatal}\n", ":2:", "the severity must be one of error, warning, info"),
    ("paramters: {}\n", ":1:1", "unknown key 'paramters' in a profile (did you mean 'parameters'"),
    ("parameters:\n  min_headroom:\n    cases:\n      - {when: {fact: teir, eq: 1}, value: 0.2}\n      - {value: 0.1}\n",
     ":4:", "unknown fact path 'teir'"),
    ("parameters:\n  min_headroom:\n    cases:\n      - {value: 0.1}\n      - {when: {fact: tier, eq: 1}, value: 0.2}\n",
     ":4:", "only the last case may omit 'when'"),
    ("parameters:\n  min_headroom:\n    cases:\n      - {when: {fact: tier, eq: 1}, value: high}\n      - {value: 0.1}\n",
     ":4:", "case value: expected a number"),
    ("extends: missing.yaml\n", "missing.yaml", "cannot read file"),
])
def test_profile_errors_name_file_and_line(cli, tmp_path, text, where, message):
    profile = write(tmp_path, "p.yaml", text)
    result = cli("check", SAMPLE, "--profile", profile)
    assert result.exit_code == 2, result.output
    assert message in result.output and where in result.output, result.output


def test_extends_cycle_is_an_error(cli, tmp_path):
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    b = write(tmp_path, "b.yaml", "extends: a.yaml\n")
    result = cli("check", SAMPLE, "--profile", b)
    assert result.exit_code == 2 and "extend each other in a circle" in result.output


def test_fact_dependent_parameter_refused_in_item_conditions(cli, tmp_path):
    profile = write(tmp_path, "p.yaml", """\
        parameters:
          weight_outcomes:
            cases:
              - {when: {fact: tier, eq: 1}, value: 2}
              - {value: 1}
        """)
    result = cli("check", SAMPLE, "--profile", profile)
    assert result.exit_code == 2
    assert "parameter 'weight_outcomes' weights derived fact 'value_balance'; a weight cannot depend on a fact" \
        in result.output


@pytest.mark.parametrize("cases", [
    # refining (no default of its own): the later would silently replace the earlier
    "      - {when: {fact: tier, eq: 1}, value: 0.5}\n      - {when: {fact: tier, eq: 1}, value: 0.9}\n",
    # a full list: the later would never apply; labels do not make two 'when's different
    "      - {when: {fact: tier, eq: 1}, value: 0.5}\n      - {when: {fact: tier, eq: 1, label: top}, value: 0.9}\n"
    "      - {value: 0.1}\n",
])
def test_two_cases_with_the_same_when_are_an_error_naming_both_lines(cli, tmp_path, cases):
    """Issue 21, item 8: check and lint refuse it, naming both cases' lines."""
    profile = write(tmp_path, "p.yaml", "parameters:\n  min_headroom:\n    cases:\n" + cases)
    for args in (("check", SAMPLE, "--profile", profile), ("rules", "lint", "rules/itil4", "--profile", profile)):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert f"{profile}:5:9" in result.output, result.output
        assert "cases 1 and 2 have the same 'when' (tier == 1), at line 4 and line 5" in result.output
