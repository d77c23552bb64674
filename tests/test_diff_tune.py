"""``valuate diff`` and ``valuate tune``: which services a policy change flips, and why."""
from __future__ import annotations

import json
import shutil

import yaml

from conftest import AS_OF, ROOT, SAMPLE, golden

STRICT = "examples/profiles/strict-availability.yaml"


def between_targets(floor: float) -> list:
    """From the catalog itself: services whose measured availability is at or above
    their own target but below ``floor``, in catalog order."""
    doc = yaml.safe_load((ROOT / SAMPLE).read_text())
    out = []
    for s in doc["services"] if isinstance(doc, dict) else doc:
        avail = (s.get("warranty") or {}).get("availability") or {}
        m, t = avail.get("measured"), avail.get("target")
        if isinstance(m, (int, float)) and isinstance(t, (int, float)) and t <= m < floor:
            out.append(s["id"])
    return out


def test_raising_the_availability_floor_lists_exactly_the_services_between_targets(cli):
    result = cli("diff", SAMPLE, "--head", STRICT, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    expected = between_targets(99.95)
    assert len(expected) == 10  # a guard: the sample has services on both sides of the floor
    assert [c["id"] for c in doc["changes"]] == expected
    for change in doc["changes"]:
        assert change["criteria"]["warranty.availability"] == {"base": "met", "head": "not_met"}
        (war,) = change["findings"]
        assert war["rule"] == "WAR-001" and war["head"]["status"] == "not_met"
        assert "below the policy minimum of 99.95%" in war["head"]["message"]
    assert doc["summary"] == {"services": 15, "changed": 10, "unchanged": 5, "flips": 4, "finding_changes": 6,
                              "transitions": {"indeterminate->not_valuable": 3, "not_valuable->not_valuable": 6,
                                              "valuable->not_valuable": 1}}
    assert sum(c["flip"] for c in doc["changes"]) == 4
    assert doc["parameters"] == [{"name": "itil4.min_availability_target", "base": 0, "head": 99.95}]
    assert doc["head"]["kind"] == "profile" and doc["head"]["profile"] == "strict-availability"
    golden("diff-strict.json", result.output)


def test_diff_text_and_fail_on_change(cli):
    result = cli("diff", SAMPLE, "--head", STRICT, "--as-of", AS_OF, "--fail-on-change")
    assert result.exit_code == 1
    assert result.output.rstrip().endswith(
        "10 of 15 services changed: 4 verdicts flipped (3 indeterminate → not_valuable, 1 valuable → not_valuable); "
        "6 with the verdict unchanged (6 not_valuable → not_valuable)")
    # verdict flips first, then the services whose findings changed but not their verdict
    flips, rest = result.output.split("verdict flips (4):\n")[1].split("finding changes, verdict unchanged (6):\n")
    assert "(verdict unchanged)" not in flips and rest.count("(verdict unchanged)") == 6
    golden("diff-strict.txt", result.output)
    same = cli("diff", SAMPLE, "--base", STRICT, "--head", STRICT, "--as-of", AS_OF, "--fail-on-change")
    assert same.exit_code == 0 and "0 of 15 services changed" in same.output


def test_diff_of_a_rule_change_between_two_packs(cli, tmp_path):
    head = tmp_path / "itil4"
    shutil.copytree(ROOT / "rules" / "itil4", head)
    rules = head / "rules" / "warranty.yaml"
    old = 'eq: 0\n          label: "no open critical findings"'
    assert old in rules.read_text()
    rules.write_text(rules.read_text().replace(old, 'le: 2\n          label: "at most two open critical findings"'))
    doc = json.loads(cli("diff", SAMPLE, "--base", "rules/itil4", "--head", str(head), "--as-of", AS_OF,
                         "--format", "json").output)
    assert doc["base"]["kind"] == doc["head"]["kind"] == "pack"
    assert doc["base"]["rules"]["digest"] != doc["head"]["rules"]["digest"]
    # vpn has two open critical findings and controls: it flips. legacy-fax has one but no
    # controls, so WAR-003 stays not met there and it is not listed.
    (change,) = doc["changes"]
    assert change["id"] == "vpn" and change["verdict"] == {"base": "not_valuable", "head": "valuable"}
    assert change["criteria"] == {"warranty": {"base": "not_met", "head": "met"},
                                  "warranty.security": {"base": "not_met", "head": "met"}}
    assert [(f["rule"], f["base"]["status"], f["head"]["status"]) for f in change["findings"]] == [
        ("WAR-003", "not_met", "met")]


def test_diff_profile_disabling_a_rule(cli, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("rules:\n  WAR-004: {enabled: false}\n")
    doc = json.loads(cli("diff", SAMPLE, "--head", str(profile), "--as-of", AS_OF, "--format", "json").output)
    assert doc["rules"]["removed"] == ["WAR-004"]
    flipped = {c["id"]: c["verdict"] for c in doc["changes"]}
    assert flipped["backup"] == {"base": "not_valuable", "head": "valuable"}
    backup = next(c for c in doc["changes"] if c["id"] == "backup")
    assert backup["findings"][0]["rule"] == "WAR-004" and backup["findings"][0]["head"] is None


def test_diff_sides_are_stacks_of_packs_and_a_profile(cli):
    team = "examples/team"
    stacked = json.loads(cli("diff", SAMPLE, "--base", "itil4", "--head", f"itil4+{team}/team+{team}/profile.yaml",
                             "--as-of", AS_OF, "--format", "json").output)
    repeated = json.loads(cli("diff", SAMPLE, "--base", "itil4", "--head", f"{team}/team", "--head",
                              f"{team}/profile.yaml", "--as-of", AS_OF, "--format", "json").output)
    assert stacked["head"]["kind"] == "stack" and stacked["head"]["profile"] == "ours"
    assert stacked["head"]["rules"]["packs"] == ["itil4", "team"]
    assert stacked["changes"] == repeated["changes"] and stacked["rules"]["added"] == ["TEAM-001", "TEAM-002",
                                                                                      "TEAM-003"]
    two = cli("diff", SAMPLE, "--head", f"{team}/profile.yaml+{team}/strict.yaml")
    assert two.exit_code == 2 and "at most one profile" in two.output


def test_diff_needs_a_side_and_an_existing_file(cli):
    assert cli("diff", SAMPLE).exit_code == 2
    result = cli("diff", SAMPLE, "--head", "nope.yaml")
    assert result.exit_code == 2 and "nope.yaml: no such rule pack or profile" in result.output


def test_tune_lists_counts_and_changes(cli):
    result = cli("tune", SAMPLE, "--param", "min_headroom", "--values", "0.05,0.2,0.4", "--as-of", AS_OF,
                 "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["parameter"] == "itil4.min_headroom" and doc["current"] == 0.1
    current, low, same, high = doc["trials"]
    assert current["current"] and current["summary"]["valuable"] == 3 and current["changed"] == 0
    assert [c["id"] for c in low["changes"]] == ["data-warehouse"]  # 0.05 headroom exactly
    assert low["changes"][0]["verdict"] == {"current": "not_valuable", "trial": "valuable"}
    assert same["changes"] == []
    assert [c["id"] for c in high["changes"]] == ["payroll", "service-desk", "canteen-booking"]
    # each trial agrees with a plain check under --set
    for trial in (low, high):
        check = json.loads(cli("check", SAMPLE, "--format", "json", "--as-of", AS_OF, "--fail-on", "never",
                               "--set", f"min_headroom={trial['value']}").output)
        assert {k: check["summary"][k] for k in trial["summary"]} == trial["summary"]


def test_tune_text(cli):
    result = cli("tune", SAMPLE, "--param", "min_availability_target", "--values", "99,99.5,99.95",
                 "--as-of", AS_OF)
    assert result.exit_code == 0
    golden("tune-availability.txt", result.output)


def test_tune_errors(cli):
    result = cli("tune", SAMPLE, "--param", "min_headrom", "--values", "0.2")
    assert result.exit_code == 2 and "did you mean 'min_headroom'" in result.output
    result = cli("tune", SAMPLE, "--param", "min_headroom", "--values", "0.2,lots")
    assert result.exit_code == 2 and "expected a number, got a string ('lots')" in result.output


def test_tune_sweeps_one_case_and_separates_flips(cli):
    team = ["--rules", "examples/team/team", "--profile", "examples/team/profile.yaml", "--as-of", AS_OF]
    args = ["tune", SAMPLE, *team, "--param", "itil4.min_availability_target", "--values", "99.9,99.99"]
    doc = json.loads(cli(*args, "--case", "{fact: tier, eq: 1}", "--format", "json").output)
    assert doc["case"] == "tier == 1" and doc["current"] == 99.95
    current, lower, higher = doc["trials"]
    assert higher["flips"] == 1 and [c["id"] for c in higher["changes"]] == ["payroll"]
    assert lower["flips"] == 0 and lower["changed"] == 4
    assert all(not c["flip"] for c in lower["changes"])
    # the other cases keep their values: a plain check with the same profile agrees with the trial
    missing = cli(*args, "--case", "{fact: tier, eq: 5}")
    assert missing.exit_code == 2 and "has no case tier == 5 (its cases: tier == 1; tier == 2; default)" in missing.output
    plain = cli("tune", SAMPLE, "--param", "min_headroom", "--values", "0.2", "--case", "default")
    assert plain.exit_code == 2 and "does not depend on a fact" in plain.output


def test_diff_and_tune_count_waived_apart_from_met(cli):
    """A criterion met only under a waiver reads 'waived', never 'met' (issue 21's settled state), and a
    service valuable only under a waiver is its own verdict in the transitions and the tune table."""
    waivers = ("--waivers", "examples/waivers.yaml", "--as-of", AS_OF)
    doc = json.loads(cli("diff", SAMPLE, "--head", "examples/team/strict.yaml", *waivers, "--format", "json").output)
    crm = next(c for c in doc["changes"] if c["id"] == "crm")
    assert crm["criteria"]["warranty"] == {"base": "waived", "head": "not_met"}
    assert crm["valuable_waived"] == {"base": True, "head": False}
    assert doc["summary"]["transitions"]["valuable_waived->not_valuable"] == 2  # crm and vpn
    assert doc["summary"]["transitions"]["valuable->not_valuable"] == 2
    text = cli("diff", SAMPLE, "--head", "examples/team/strict.yaml", *waivers).output
    assert "crm — Customer relationship management: valuable (waived) → not_valuable" in text
    assert "2 valuable (waived) → not_valuable" in text and "warranty               waived → not_met" in text
    tune = cli("tune", SAMPLE, "--param", "min_availability_target", "--values", "99.95", *waivers, "--format", "json")
    current, trial = json.loads(tune.output)["trials"]
    assert (current["summary"]["valuable"], current["summary"]["valuable_waived"]) == (5, 2)
    assert (trial["summary"]["valuable"], trial["summary"]["valuable_waived"]) == (3, 1)
    vpn = next(c for c in trial["changes"] if c["id"] == "vpn")
    assert vpn["criteria"]["warranty"] == {"current": "waived", "trial": "not_met"}
    table = cli("tune", SAMPLE, "--param", "min_availability_target", "--values", "99.95", *waivers).output
    assert table.splitlines()[3].split() == ["value", "valuable", "(waived)", "not_valuable", "indeterminate",
                                             "error", "flips", "changed"]
    assert table.splitlines()[4].split() == ["0", "(current)", "3", "2", "5", "4", "1", "0", "0"]
    assert "  vpn: valuable (waived) → not_valuable (warranty waived → not_met" in table
