"""A renamed rule keeps what names it: ``aliases:`` (its former ids) in its metadata.

The ITIL 4 pack is copied and WAR-001 renamed WAR-AVAILABILITY with
``aliases: [WAR-001]``; what was written against WAR-001 (a baseline, an
earlier report, a waiver, a profile, the pack's own test cases, explain
--rule and rules show) still means that rule.
"""
from __future__ import annotations

import json
import shutil

import pytest

from conftest import AS_OF, ROOT, SAMPLE
from valuate.engine.errors import RulePackError
from valuate.engine.rules import load_packs

NEW = "WAR-AVAILABILITY"


def renamed_pack(tmp_path, aliases: str = "[WAR-001]"):
    pack = tmp_path / "renamed"
    shutil.copytree(ROOT / "rules" / "itil4", pack)
    rules = pack / "rules" / "warranty.yaml"
    text = rules.read_text()
    assert text.count("      id: WAR-001\n") == 1
    rules.write_text(text.replace("      id: WAR-001\n", f"      id: {NEW}\n      aliases: {aliases}\n"))
    return pack


@pytest.fixture
def pack(tmp_path):
    return renamed_pack(tmp_path)


@pytest.fixture
def catalog(tmp_path):
    shutil.copy(ROOT / SAMPLE, tmp_path / "catalog.yaml")
    return tmp_path / "catalog.yaml"


def test_a_baseline_and_a_report_made_before_the_rename_still_match(cli, pack, catalog, tmp_path):
    baseline, report = tmp_path / "baseline.json", tmp_path / "before.json"
    assert cli("baseline", "create", str(catalog), "--as-of", AS_OF, "-o", str(baseline)).exit_code == 0
    cli("check", str(catalog), "--as-of", AS_OF, "-f", f"json:{report}")
    assert "WAR-001" in baseline.read_text()
    done = cli("check", str(catalog), "-r", str(pack), "--as-of", AS_OF, "--baseline", str(baseline))
    assert done.exit_code == 0, done.output
    assert "0 new findings not in the baseline" in done.output
    assert f"{NEW}  measured availability 99.82% is below" in done.output
    compared = json.loads(cli("check", str(catalog), "-r", str(pack), "--as-of", AS_OF, "--compare", str(report),
                              "-f", "json").output)
    assert NEW not in json.dumps(compared["comparison"]["new"]), "a renamed rule's finding is not news"
    again = tmp_path / "again.json"  # re-created: the entry keeps its first date, under the id it has now
    shutil.copy(baseline, again)
    assert cli("baseline", "create", str(catalog), "-r", str(pack), "--as-of", "2026-12-01", "-o", str(again)) \
        .exit_code == 0
    entry = next(e for e in json.loads(again.read_text())["findings"] if e["rule"] == NEW)
    assert entry["since"] == AS_OF


def test_waivers_profiles_and_explain_take_the_former_id(cli, pack, catalog, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - service: crm\n    rule: WAR-001\n    reason: failover in Q1\n"
                       "    approved_by: cab\n    expires: 2027-03-01\n")
    done = cli("explain", str(catalog), "crm", "-r", str(pack), "--as-of", AS_OF, "--waivers", str(waivers),
               "--rule", "WAR-001", "--format", "json")
    assert done.exit_code == 0, done.output
    finding = json.loads(done.output)
    assert json.dumps(finding).count(NEW) and "waive" in json.dumps(finding)
    profile = tmp_path / "profile.yaml"
    profile.write_text("rules:\n  WAR-001: {enabled: false}\n")
    off = cli("check", str(catalog), "-r", str(pack), "--as-of", AS_OF, "--profile", str(profile), "-f", "json")
    assert NEW not in {f["rule"] for s in json.loads(off.output)["services"] for f in s["findings"]}
    shown = cli("rules", "show", "WAR-001", "-r", str(pack))
    assert shown.exit_code == 0 and NEW in shown.output


def test_the_packs_own_cases_naming_the_former_id_still_pass(cli, pack):
    done = cli("rules", "test", str(pack))
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("aliases, message", [
    ("[WAR-002]", "alias 'WAR-002' of rule WAR-AVAILABILITY is the id of rule WAR-002"),
    (f"[{NEW}]", "is the rule's own id"),
    ("[WAR-001, WAR-001]", "aliases lists an id twice"),
    ("['1-bad']", "alias '1-bad' must start with a letter"),
    ("WAR-001", "aliases must be a list of former rule ids, got a string"),
    ("[12]", r"aliases: an item is a number \(12\); a former rule id is text"),
    ("[]", None),
])
def test_an_alias_names_one_rule_only(tmp_path, aliases, message):
    if message is None:  # no former ids: allowed, nothing to honour
        assert load_packs([str(renamed_pack(tmp_path, aliases))])[0].aliases == ()
        return
    with pytest.raises(RulePackError, match=message) as err:
        load_packs([str(renamed_pack(tmp_path, aliases))])
    assert "warranty.yaml:" in str(err.value)


def test_two_packs_cannot_share_an_alias(tmp_path):
    first = renamed_pack(tmp_path)
    other = tmp_path / "other.yaml"
    other.write_text("pack: other\nrules:\n  - metadata: {id: OTHER-1, aliases: [WAR-001], title: t, "
                     "criterion: advisory, severity: info, rationale: r, remediation: m}\n"
                     "    condition: {fact: name, is: present}\n")
    with pytest.raises(RulePackError, match="alias 'WAR-001' of rule OTHER-1 is an alias of rule WAR-AVAILABILITY"):
        load_packs([str(first), str(other)])


def test_diff_across_a_rename_sees_one_rule(cli, pack, catalog):
    done = cli("diff", str(catalog), "--as-of", AS_OF, "--base", "itil4", "--head", str(pack), "-f", "json")
    assert done.exit_code == 0, done.output
    doc = json.loads(done.output)
    assert doc["rules"]["renamed"] == [{"rule": NEW, "was": "WAR-001"}]
    assert NEW not in doc["rules"]["added"] and "WAR-001" not in doc["rules"]["removed"]
    assert doc["summary"]["changed"] == 0
    text = cli("diff", str(catalog), "--as-of", AS_OF, "--base", "itil4", "--head", str(pack)).output
    assert f"rule WAR-001 renamed {NEW}" in text


def test_reports_name_the_former_ids(cli, pack, catalog):
    doc = json.loads(cli("check", str(catalog), "-r", str(pack), "--as-of", AS_OF, "-f", "sarif").output)
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert rules[NEW]["deprecatedIds"] == ["WAR-001"] and "deprecatedIds" not in rules["WAR-002"]
    shown = cli("rules", "show", NEW, "-r", str(pack), "-f", "json")
    assert json.loads(shown.output)["aliases"] == ["WAR-001"]


def test_lint_asks_for_the_id_where_a_file_names_a_former_one(cli, pack, tmp_path):
    waivers, profile = tmp_path / "waivers.yaml", tmp_path / "profile.yaml"
    waivers.write_text("waivers:\n  - service: crm\n    rule: WAR-001\n    reason: failover in Q1\n"
                       "    approved_by: cab\n    expires: 2027-03-01\n  - service: crm\n    criterion: value\n"
                       "    reason: r\n    approved_by: cab\n    expires: 2027-03-01\n")
    profile.write_text("rules:\n  WAR-001: {severity: warning}\n")
    done = cli("rules", "lint", str(pack), "--waivers", str(waivers), "--profile", str(profile),
               "--as-of", AS_OF)
    assert done.exit_code == 0, done.output
    assert f"{waivers}:2: warning: this waiver names rule {NEW} by its former id WAR-001 (an alias, still " \
           f"honoured); write {NEW} [rule-alias]" in done.output
    assert f"{profile}:2: warning: this profile names rule {NEW} by its former id WAR-001" in done.output
