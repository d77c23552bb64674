"""``valuate rules test``: a pack's YAML test cases, failures with explanations, coverage
of what the cases assert, --profile, --cases targets and --rules-of."""
from __future__ import annotations

import json

from conftest import golden

TEAM = "tests/data/team-pack"


def test_shipped_pack_passes_with_full_coverage(cli):
    result = cli("rules", "test", "rules/itil4", "--min-coverage", "100")
    assert result.exit_code == 0, result.output
    assert "itil4: " in result.output and " 0 failed" in result.output
    assert "100.0% of the reachable statuses asserted" in result.output


def test_team_pack_coverage_and_min_coverage(cli):
    result = cli("rules", "test", TEAM)
    assert result.exit_code == 0
    golden("rules-test-team.txt", result.output)
    # TEAM-002 (existence only) cannot be unknown; no case asserts TEAM-001 unknown, and TEAM-002
    # is not met in the budget cases (no owner) but no case asserts it: 3 of 5 statuses
    assert "TEAM-001     met ✓  not_met ✓  unknown ✗   missing: unknown" in result.output
    assert "TEAM-002     met ✓  not_met ✗  unknown -   missing: not_met\n" in result.output
    assert "60.0% of the reachable statuses asserted" in result.output
    low = cli("rules", "test", TEAM, "--min-coverage", "90")
    assert low.exit_code == 1 and "coverage 60.0% is below --min-coverage 90%" in low.output
    assert cli("rules", "test", TEAM, "--min-coverage", "60").exit_code == 0


CASES = """\
rule: TEAM-001
cases:
  - name: on plan
    facts: {budget: {planned: 100, actual: 100}}
    expect: met
  - name: over plan
    facts: {budget: {planned: 100, actual: 120}}
    expect: not_met
  - name: no plan recorded
    facts: {budget: {actual: 120}}
    expect: unknown
"""


def test_coverage_drops_when_the_unknown_case_is_deleted(cli, tmp_path):
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASES)
    full = cli("rules", "test", TEAM, "--cases", str(cases), "--min-coverage", "100")
    assert full.exit_code == 0, full.output
    # coverage is over the rules the case file targets (TEAM-001), not the whole pack
    assert "TEAM-002" not in full.output and "100.0% of the reachable statuses asserted" in full.output
    cases.write_text(CASES.split("  - name: no plan recorded")[0])
    less = cli("rules", "test", TEAM, "--cases", str(cases), "--min-coverage", "100")
    assert less.exit_code == 1
    assert "TEAM-001     met ✓  not_met ✓  unknown ✗   missing: unknown" in less.output
    assert "66.7% of the reachable statuses asserted" in less.output
    # a status that only happens to come out is not covered: unknown still comes out, unasserted
    cases.write_text(CASES.replace("expect: unknown", "expect: {verdict: indeterminate}"))
    assert "66.7%" in cli("rules", "test", TEAM, "--cases", str(cases)).output
    everything = cli("rules", "test", TEAM, "--cases", str(cases), "--rules-of", "team")
    assert "TEAM-002" in everything.output and "40.0% of the reachable statuses asserted" in everything.output


def test_cases_run_under_a_profile(cli, tmp_path):
    profile = tmp_path / "profile.yaml"
    profile.write_text("parameters:\n  max_overspend:\n    cases:\n      - {when: {fact: tier, eq: 1}, value: 1.0}\n"
                       "      - {value: default}\n")
    cases = tmp_path / "cases.yaml"
    cases.write_text("rule: TEAM-001\ncases:\n  - name: tier 1 allows no overspend\n"
                     "    facts: {tier: 1, budget: {planned: 100, actual: 101}}\n    expect: not_met\n"
                     "  - name: others keep the pack's default\n"
                     "    facts: {tier: 2, budget: {planned: 100, actual: 105}}\n    expect: met\n")
    assert cli("rules", "test", TEAM, "--cases", str(cases), "--profile", str(profile)).exit_code == 0
    without = cli("rules", "test", TEAM, "--cases", str(cases))
    assert without.exit_code == 1 and "TEAM-001: expected not_met, got met" in without.output


def test_failures_come_with_the_explanation(cli, tmp_path):
    cases = tmp_path / "wrong.yaml"
    cases.write_text("rule: TEAM-001\ncases:\n  - name: wrong expectation\n"
                     "    facts: {budget: {planned: 100, actual: 120}}\n    expect: met\n")
    result = cli("rules", "test", TEAM, "--cases", str(cases))
    assert result.exit_code == 1
    assert f"FAIL {cases}:3:5, cases[0]: wrong expectation" in result.output
    assert "TEAM-001: expected met, got not_met" in result.output
    # the rule's explanation tree for that case
    assert "├─ ✗ TEAM-001 Spend stays near plan [not_met]" in result.output
    assert "derived.spend_ratio is 1.2 (at most 1.05 (max_overspend) allowed)" in result.output
    doc = json.loads(cli("rules", "test", TEAM, "--cases", str(cases), "--format", "json").output)
    (pack,) = doc["packs"]
    assert pack["passed"] == 0 and pack["failures"][0]["explanation"]
    # coverage counts what the cases asserted and got: TEAM-001 met was asserted but not got
    assert pack["coverage"]["rules"] == {"TEAM-001": {"met": False, "not_met": False, "unknown": False}}


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
    assert "no such pack loaded" in cli("rules", "test", TEAM, "--rules-of", "tema").output


OWNER_PACK = """\
pack: owners
rules:
  - metadata: {id: OWN-1, title: an owner is named, criterion: advisory, severity: warning, rationale: r, remediation: m}
    condition:
      all:
        - {fact: owner, is: present}
        - {fact: owner, ne: ""}
  - metadata: {id: OWN-2, title: tier is sane, criterion: advisory, severity: warning, rationale: r, remediation: m}
    condition:
      any:
        - {fact: tier, is: absent}
        - {fact: tier, ge: 1}
"""
OWNER_CASES = """\
cases:
  - {name: named, facts: {owner: ann}, expect: {rules: {OWN-1: met}}}
  - {name: blank, facts: {owner: ""}, expect: {rules: {OWN-1: not_met}}}
  - {name: none, facts: {}, expect: {rules: {OWN-1: not_met, OWN-2: met}}}
  - {name: tier 0, facts: {tier: 0}, expect: {rules: {OWN-2: not_met}}}
"""


def test_coverage_counts_only_statuses_a_rule_can_give(cli, tmp_path):
    """Issue 21, item 6: 'owner is present and owner != ""' is never unknown (without an
    owner the first part is not met), nor is 'tier is absent or tier >= 1': full coverage
    is reachable without weakening the rules, and lint says which statuses cannot occur."""
    (tmp_path / "pack.yaml").write_text(OWNER_PACK)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "owners.yaml").write_text(OWNER_CASES)
    result = cli("rules", "test", str(tmp_path), "--min-coverage", "100")
    assert result.exit_code == 0, result.output
    assert "OWN-1        met ✓  not_met ✓  unknown -\n" in result.output
    assert "OWN-2        met ✓  not_met ✓  unknown -\n" in result.output
    assert "100.0% of the reachable statuses asserted" in result.output
    doc = json.loads(cli("rules", "test", str(tmp_path), "--format", "json").output)
    assert doc["packs"][0]["coverage"]["rules"]["OWN-1"] == {"met": True, "not_met": True, "unknown": None}
    lint = cli("rules", "lint", str(tmp_path))
    assert lint.exit_code == 0, lint.output
    assert f"{tmp_path}/pack.yaml:3:5: note: rule OWN-1 can never be unknown" in lint.output
    assert "rule OWN-2 can never be unknown" in lint.output


def test_a_profile_threshold_by_tier_makes_a_rule_unknown_where_tier_is_missing(cli, tmp_path):
    """The reachable statuses follow the policy the cases run under: with a tier-dependent
    threshold, a rule of existence tests and one comparison can be unknown (no tier)."""
    (tmp_path / "pack.yaml").write_text(
        "pack: t\nparameters:\n  floor: {type: number, default: 1}\nrules:\n"
        "  - metadata: {id: T-1, title: t, criterion: advisory, severity: warning, rationale: r, remediation: m}\n"
        "    condition:\n      any:\n        - {fact: budget.actual, is: absent}\n"
        "        - {fact: budget.actual, ge: {param: floor}}\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.yaml").write_text(
        "rule: T-1\ncases:\n  - {name: a, facts: {tier: 2, budget: {actual: 5}}, expect: met}\n"
        "  - {name: b, facts: {tier: 1, budget: {actual: 0}}, expect: not_met}\n")
    plain = cli("rules", "test", str(tmp_path))
    assert "T-1          met ✓  not_met ✓  unknown -\n" in plain.output
    profile = tmp_path / "profile.yaml"
    profile.write_text("parameters:\n  floor:\n    cases:\n      - {when: {fact: tier, eq: 1}, value: 3}\n"
                       "      - {value: 0}\n")
    tiered = cli("rules", "test", str(tmp_path), "--profile", str(profile))
    assert "T-1          met ✓  not_met ✓  unknown ✗   missing: unknown\n" in tiered.output, tiered.output
