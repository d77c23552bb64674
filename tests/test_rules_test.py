"""``valuate rules test``: a pack's YAML test cases, failures with explanations, coverage."""
from __future__ import annotations

import json

from conftest import golden

TEAM = "tests/data/team-pack"


def test_shipped_pack_passes_with_full_coverage(cli):
    result = cli("rules", "test", "rules/itil4", "--min-coverage", "100")
    assert result.exit_code == 0, result.output
    assert "itil4: " in result.output and " 0 failed" in result.output
    assert "100.0% of the reachable statuses exercised" in result.output


def test_team_pack_coverage_and_min_coverage(cli):
    result = cli("rules", "test", TEAM)
    assert result.exit_code == 0
    golden("rules-test-team.txt", result.output)
    # TEAM-002 (existence only) cannot be unknown; no case leaves TEAM-001 unknown: 4 of 5 statuses
    assert "TEAM-001     met ✓  not_met ✓  unknown ✗   missing: unknown" in result.output
    assert "TEAM-002     met ✓  not_met ✓  unknown -\n" in result.output
    assert "80.0% of the reachable statuses exercised" in result.output
    low = cli("rules", "test", TEAM, "--min-coverage", "90")
    assert low.exit_code == 1 and "coverage 80.0% is below --min-coverage 90%" in low.output
    assert cli("rules", "test", TEAM, "--min-coverage", "80").exit_code == 0


def test_failures_come_with_the_explanation(cli, tmp_path):
    cases = tmp_path / "wrong.yaml"
    cases.write_text("rule: TEAM-001\ncases:\n  - name: wrong expectation\n"
                     "    facts: {budget: {planned: 100, actual: 120}}\n    expect: met\n")
    result = cli("rules", "test", TEAM, "--cases", str(cases))
    assert result.exit_code == 1
    assert f"FAIL {cases}:3:5, cases[0]: wrong expectation" in result.output
    assert "TEAM-001: expected met, got not_met" in result.output
    assert "derived.spend_ratio is 1.2 (at most 1.05 (max_overspend) allowed)" in result.output
    doc = json.loads(cli("rules", "test", TEAM, "--cases", str(cases), "--format", "json").output)
    (pack,) = doc["packs"]
    assert pack["passed"] == 0 and pack["failures"][0]["explanation"]
    # coverage counts what the cases exercised: owner is absent, so TEAM-002 was not met
    assert pack["coverage"]["rules"]["TEAM-002"] == {"met": False, "not_met": True, "unknown": None}


def test_bad_case_files_are_usage_errors(cli, tmp_path):
    cases = tmp_path / "bad.yaml"
    cases.write_text("cases:\n  - name: x\n    facts: {}\n    expect: {rules: {TEAM-01: met}}\n")
    result = cli("rules", "test", TEAM, "--cases", str(cases))
    assert result.exit_code == 2 and "unknown rule 'TEAM-01' in expect" in result.output
    assert f"{cases}:2:5" in result.output
    assert cli("rules", "test", TEAM, "rules/itil4", "--cases", str(cases)).exit_code == 2
    single = tmp_path / "p.yaml"
    single.write_text("pack: p\nrules:\n  - metadata: {id: A-1, title: t, criterion: advisory, severity: info,"
                      " rationale: r, remediation: m}\n    condition: {fact: owner, is: present}\n")
    result = cli("rules", "test", str(single))
    assert result.exit_code == 2 and "has no tests/ directory" in result.output
