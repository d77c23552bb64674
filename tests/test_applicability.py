"""applies_when (not_applicable), case-insensitive matching and contains, through the CLI and the library."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, check
from valuate.engine.errors import RulePackError
from valuate.engine.evaluate.compose import compose
from valuate.engine.model import MET, NOT_APPLICABLE, NOT_MET, Finding
from valuate.engine.rules import load_packs

PACK = """\
pack: team
rules:
  - metadata: {id: SEC-MFA, title: MFA protects confidential data, criterion: warranty.security,
               severity: error, rationale: r, remediation: m}
    applies_when: {fact: warranty.security.data_classification, in: [confidential, restricted]}
    condition: {fact: warranty.security.controls, contains: mfa, case: insensitive}
  - metadata: {id: ADV-IT, title: Run by corporate IT, criterion: advisory, severity: info,
               rationale: r, remediation: m}
    condition: {fact: provider, eq: corporate it, case: insensitive}
"""
SERVICES = """\
- {id: mfa, provider: Corporate IT, warranty: {security: {data_classification: confidential, controls: [SSO, MFA]}}}
- {id: no-mfa, provider: CORPORATE it, warranty: {security: {data_classification: restricted, controls: [sso]}}}
- {id: internal, provider: Other, warranty: {security: {data_classification: internal, controls: [sso]}}}
- {id: unclassified, warranty: {security: {controls: [sso]}}}
"""


@pytest.fixture
def team(tmp_path) -> tuple[Path, Path]:
    (tmp_path / "pack.yaml").write_text(PACK)
    (tmp_path / "catalog.yaml").write_text(SERVICES)
    return tmp_path / "pack.yaml", tmp_path / "catalog.yaml"


def test_statuses_and_verdicts(team):
    pack, catalog = team
    with_team = check([catalog], rules=["rules/itil4", pack], as_of="2026-11-28")
    alone = check([catalog], rules=["rules/itil4"], as_of="2026-11-28")
    status = {s.id: s.finding("SEC-MFA").status for s in with_team.services}
    assert status == {"mfa": "met", "no-mfa": "not_met", "internal": "not_applicable", "unclassified": "unknown"}
    advisory = {s.id: s.finding("ADV-IT").status for s in with_team.services}
    assert advisory == {"mfa": "met", "no-mfa": "met", "internal": "not_met", "unclassified": "unknown"}
    # not applicable never changes a verdict: the internal service is judged as without the rule
    base = {s.id: (s.verdict, [c.status for c in s.criteria]) for s in alone.services}
    assert base["internal"] == (with_team.services[2].verdict, [c.status for c in with_team.services[2].criteria])
    assert with_team.summary.not_applicable == 1
    unclassified = with_team.services[3].finding("SEC-MFA")
    assert unclassified.missing == ("warranty.security.data_classification",)


def test_reports_show_not_applicable_plainly(cli, team):
    pack, catalog = team
    args = ["--rules", "rules/itil4", "--rules", str(pack), "--as-of", "2026-11-28"]
    text = cli("check", str(catalog), *args, "--fail-on", "never").output
    assert "4 services: " in text and "; 1 not applicable findings" in text
    assert "SEC-MFA" not in text.split("internal")[1].split("\n??")[0].split("\nNO")[0]
    explained = cli("explain", str(catalog), "internal", *args).output
    assert "– SEC-MFA MFA protects confidential data [not_applicable]" in explained
    assert "not applicable: warranty.security.data_classification is internal" in explained
    doc = json.loads(cli("check", str(catalog), *args, "--format", "json", "--fail-on", "never").output)
    jsonschema.validate(doc, json.loads((ROOT / "facts" / "report.schema.json").read_text()))
    assert doc["summary"]["not_applicable"] == 1
    finding = next(f for f in doc["services"][2]["findings"] if f["rule"] == "SEC-MFA")
    assert finding["status"] == "not_applicable"


def test_a_waiver_never_covers_a_rule_that_does_not_apply(team, tmp_path):
    pack, catalog = team
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("- {service: internal, rule: SEC-MFA, reason: r, approved_by: b, expires: 2027-01-01}\n")
    report = check([catalog], rules=["rules/itil4", pack], waivers=waivers, as_of="2026-11-28")
    assert [w.service for w in report.summary.unused_waivers] == ["internal"]
    assert report.services[2].finding("SEC-MFA").waiver is None


def _finding(rule, status, dimension="security"):
    return Finding(rule, "warranty", dimension, status, "error", "t", "m")


def test_a_criterion_whose_rules_all_do_not_apply_is_not_required():
    criteria, _ = compose([_finding("A", NOT_APPLICABLE)], (None, None))
    assert dict(criteria[1].dimensions)["security"] == MET
    criteria, _ = compose([_finding("A", NOT_APPLICABLE), _finding("B", NOT_MET)], (None, None))
    assert dict(criteria[1].dimensions)["security"] == NOT_MET


@pytest.mark.parametrize("condition,error", [
    ("{fact: warranty.security.data_classification, eq: secret, case: insensitive}", "can never match, in any case"),
    ("{fact: tier, eq: 1, case: insensitive}", "'case' applies to eq, ne, in, not_in, contains on strings"),
    ("{fact: provider, eq: x, case: sometimes}", "'case' is sensitive or insensitive"),
    ("{fact: provider, contains: x}", "contains needs a list of strings"),
    ("{fact: outputs, any_item: {fact: ., eq: x, case: insensitive}}", "use {fact: outputs, contains: VALUE"),
])
def test_matching_mistakes_are_reported_where_they_are(tmp_path, condition, error):
    path = tmp_path / "p.yaml"
    path.write_text("pack: p\nrules:\n  - metadata: {id: A-1, title: t, criterion: advisory, severity: info,"
                    f" rationale: r, remediation: m}}\n    condition: {condition}\n")
    with pytest.raises(RulePackError) as caught:
        load_packs([str(path)])
    assert error in str(caught.value) and f"{path}:" in str(caught.value)


def test_enumerated_literals_match_in_any_case(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("pack: p\nrules:\n  - metadata: {id: A-1, title: t, criterion: advisory, severity: info,"
                    " rationale: r, remediation: m}\n    condition: {fact: warranty.security.data_classification,"
                    " eq: Confidential, case: insensitive}\n")
    (pack,) = load_packs([str(path)])
    assert pack.rules[0].condition.describe().endswith("(any case)")


def test_not_applicable_messages_need_applies_when(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("pack: p\nrules:\n  - metadata: {id: A-1, title: t, criterion: advisory, severity: info,"
                    " rationale: r, remediation: m}\n    condition: {fact: owner, is: present}\n"
                    "    messages: {not_applicable: x}\n")
    with pytest.raises(RulePackError, match="unknown key 'not_applicable'"):
        load_packs([str(path)])


def test_explain_one_rule(cli, team):
    pack, catalog = team
    args = ["explain", str(catalog), "internal", "--rules", "rules/itil4", "--rules", str(pack), "--as-of",
            "2026-11-28", "--rule", "SEC-MFA"]
    text = cli(*args).output
    assert text.splitlines()[1] == "├─ – SEC-MFA MFA protects confidential data [not_applicable]"
    assert "WAR-001" not in text
    doc = json.loads(cli(*args, "--format", "json").output)
    assert doc["finding"]["status"] == "not_applicable" and doc["finding"]["conditions"]["kind"] == "applies_when"
    wrong = cli(*args[:-1], "SEC-MF")
    assert wrong.exit_code == 2 and "did you mean 'SEC-MFA'" in wrong.output


ADVERSARIAL = ROOT / "tests" / "adversarial"
AW_SERVICES = ADVERSARIAL / "applies-when-services.yaml"


@pytest.mark.parametrize("name", ["applies-when-not-pack.yaml", "applies-when-any-pack.yaml",
                                  "applies-when-shapes-pack.yaml"])
def test_every_tree_shape_works_in_applies_when(cli, name):
    """Issue 21 item 4: `not`, `any`, nested groups, is: absent, parameters, quantifiers in
    applies_when exited 3 ("durable-rules decided met but its conditions compose to not_met")
    while lint passed the pack. Every status is the reference interpreter's, in every output."""
    import yaml

    import reference
    from valuate.engine.ingest.validate import validate

    pack_path = ADVERSARIAL / name
    args = ["--rules", str(pack_path), "--as-of", "2026-11-28"]
    lint = cli("rules", "lint", str(pack_path))
    assert lint.exit_code == 0 and "0 errors" in lint.output, lint.output
    run = cli("check", str(AW_SERVICES), *args, "--format", "json", "--fail-on", "never")
    assert run.exit_code == 0, run.output
    (pack,) = load_packs([str(pack_path)])
    params = {k: p.default for k, p in pack.parameters.items()}
    raw = yaml.safe_load(AW_SERVICES.read_text())
    got = {s["id"]: {f["rule"]: f for f in s["findings"]} for s in json.loads(run.output)["services"]}
    for record in raw:
        fact, errors = validate(record)
        assert fact is not None, errors
        for rule in pack.rules:
            finding = got[fact["id"]][rule.id]
            assert finding["status"] == reference.rule_status(rule, fact, params), (fact["id"], rule.id)
            if finding["status"] == "unknown":  # names what is really not recorded
                assert finding["missing"] and all(reference.get(fact, m) is None for m in finding["missing"])
            explained = cli("explain", str(AW_SERVICES), fact["id"], *args, "--rule", rule.id)
            assert explained.exit_code == 0, explained.output
    for fmt in ("html", "markdown", "sarif", "junit"):
        assert cli("check", str(AW_SERVICES), *args, "--format", fmt, "--fail-on", "never").exit_code == 0, fmt


def test_unknown_under_a_negation_names_its_facts(cli):
    """Every fact an unknown applies_when waits for is named, those under `not` included."""
    args = ["--rules", str(ADVERSARIAL / "applies-when-shapes-pack.yaml"), "--as-of", "2026-11-28"]
    doc = json.loads(cli("check", str(AW_SERVICES), *args, "--format", "json", "--fail-on", "never").output)
    tier1 = {f["rule"]: f for f in doc["services"][0]["findings"]}
    assert tier1["AW-ITEMS"]["missing"] == ["outcomes", "offerings"]
    assert tier1["AW-ITEMS"]["message"] == "list quantifiers: cannot be judged, outcomes, offerings not recorded"
