"""A team's pack beside the ITIL 4 one (examples/team): another pack's parameters, one tier
list, value: default, a layered profile that overrides one case, requires."""
from __future__ import annotations

import pytest

from conftest import ROOT, check
from valuate.engine.errors import RulePackError, UserError
from valuate.engine.policy import load_policy
from valuate.engine.request import Policy
from valuate.engine.rules import load_packs
from valuate.engine.rules.param_cases import ParamCases

TEAM = ROOT / "examples" / "team"


def _cases(policy, pack, name):
    value = policy.program.params[pack][name]
    assert isinstance(value, ParamCases)
    return [(c.when.describe() if c.when else None, c.value) for c in value.cases]


def test_one_tier_list_decides_both_packs(tmp_path):
    catalog = tmp_path / "c.yaml"
    catalog.write_text("- {id: t1, tier: 1, warranty: {availability: {target: 99.9, measured: 99.92}}}\n"
                       "- {id: t3, tier: 3, warranty: {availability: {target: 99.0, measured: 99.5}}}\n")
    report = check([catalog], rules=[TEAM / "team"], profile=TEAM / "profile.yaml", as_of="2026-11-28")
    t1, t3 = report.services
    assert t1.finding("WAR-001").status == "not_met" and t1.finding("TEAM-001").status == "not_met"
    assert "below the policy minimum of 99.95%" in t1.finding("TEAM-001").message
    assert t3.finding("WAR-001").status == "met" and t3.finding("TEAM-001").status == "met"
    assert dict(t1.finding("TEAM-001").evidence)["param.itil4.min_availability_target"] == 99.95


def test_requires_brings_the_bundled_pack_and_orders_the_packs():
    packs = load_packs([str(TEAM / "team")])
    assert [p.name for p in packs] == ["itil4", "team"]
    assert [p.name for p in load_packs([str(TEAM / "team"), "itil4"])] == ["itil4", "team"]


def test_value_default_and_a_layer_that_overrides_one_case():
    ours = load_policy(Policy(rules=(str(TEAM / "team"),), profile=str(TEAM / "profile.yaml")))
    assert _cases(ours, "itil4", "min_availability_target") == [("tier == 1", 99.95), ("tier == 2", 99.9),
                                                                 (None, 0)]
    strict = load_policy(Policy(rules=(str(TEAM / "team"),), profile=str(TEAM / "strict.yaml")))
    assert _cases(strict, "itil4", "min_availability_target") == [("tier == 1", 99.99), ("tier == 2", 99.9),
                                                                   (None, 0)]
    assert _cases(strict, "itil4", "max_test_age_days") == [("tier == 1", 180), (None, 365)]


def test_a_new_case_goes_before_the_default(tmp_path):
    layer = tmp_path / "p.yaml"
    layer.write_text(f"extends: {TEAM / 'profile.yaml'}\nparameters:\n  itil4.min_availability_target:\n"
                     "    cases: [{when: {fact: tier, eq: 3}, value: 99.5}]\n  itil4.min_headroom:\n"
                     "    cases: [{when: {fact: tier, eq: 1}, value: 0.3}]\n")
    policy = load_policy(Policy(rules=(str(TEAM / "team"),), profile=str(layer)))
    assert _cases(policy, "itil4", "min_availability_target")[2:] == [("tier == 3", 99.5), (None, 0)]
    assert _cases(policy, "itil4", "min_headroom") == [("tier == 1", 0.3), (None, 0.1)]


def _pack(tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text("pack: p\n" + text + "rules:\n  - metadata: {id: P-1, title: t, criterion: advisory,"
                    " severity: info, rationale: r, remediation: m}\n    condition: {fact: warranty.availability"
                    ".target, ge: {param: itil4.min_availability_target}}\n")
    return path


def test_another_packs_parameter_needs_requires(tmp_path, cli):
    path = _pack(tmp_path, "")
    with pytest.raises(RulePackError) as caught:
        load_packs(["itil4", str(path)])
    assert "unknown parameter 'itil4.min_availability_target'" in str(caught.value)
    assert "must be listed under 'requires'" in str(caught.value) and f"{path}:" in str(caught.value)
    lint = cli("rules", "lint", "rules/itil4", str(path))
    assert lint.exit_code == 2 and "[param]" in lint.output
    assert cli("rules", "lint", str(_pack(tmp_path, "requires: [itil4]\n"))).exit_code == 0


def test_missing_and_circular_requirements(tmp_path):
    with pytest.raises(RulePackError, match="requires pack 'nowhere', which is not loaded"):
        load_packs([str(_pack(tmp_path, "requires: [nowhere]\n"))])
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("pack: a\nrequires: [b]\nrules: []\n")
    b.write_text("pack: b\nrequires: [a]\nrules: []\n")
    with pytest.raises(RulePackError, match="require each other in a circle"):
        load_packs([str(a), str(b)])


def test_plain_default_resets_a_parameter():
    policy = load_policy(Policy(params={"min_headroom": 0.3}))
    assert policy.program.params["itil4"]["min_headroom"] == 0.3
    reset = load_policy(Policy(params={"min_headroom": "default"}))
    assert reset.program.params["itil4"]["min_headroom"] == 0.1
    with pytest.raises(UserError, match="expected a number"):
        load_policy(Policy(params={"min_headroom": "defaults"}))
