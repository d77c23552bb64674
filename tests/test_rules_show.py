"""``valuate rules show RULE [--compiled]``: a rule as loaded and as durable-rules runs it, in text
and JSON, under --rules / --profile / --set like the other commands; what it prints is what was
loaded (the condition written back parses to the same tree) and what was compiled (the very
definitions registered with durable-rules)."""
from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings

from conftest import ROOT, golden
from test_compiler_property import _pack, conditions
from valuate import Policy
from valuate.engine.documents import Reader
from valuate.engine.governance.show import compiled
from valuate.engine.policy import load_policy
from valuate.engine.rules.conditions import Scope, parse_condition
from valuate.engine.schema import FactSchema
from test_compiler_property import PARAM_DEFS

STRICT = "examples/profiles/strict-availability.yaml"


def stable(text: str) -> str:
    """Outputs name the checkout and number rulesets per process: neither belongs in a golden."""
    return re.sub(r"valuate\d+_(\d+)", r"valuateN_\1", text.replace(f"{ROOT}/", ""))


def test_a_rule_as_loaded_in_text_and_json(cli):
    text = cli("rules", "show", "WAR-004")
    assert text.exit_code == 0, text.output
    golden("rules-show-WAR-004.txt", stable(text.output))
    doc = json.loads(cli("rules", "show", "WAR-004", "--format", "json").output)
    golden("rules-show-WAR-004.json", stable(json.dumps(doc, indent=2, ensure_ascii=False) + "\n"))
    assert doc["reads_parameters"] == {"max_test_age_days": 365}
    assert doc["condition"]["all"][0] == {"fact": "warranty.continuity.plan", "eq": True,
                                          "label": "a continuity plan exists", "messages": {
                                              "not_met": "no continuity plan",
                                              "unknown": "whether a continuity plan exists is not recorded"}}


def test_a_balance_judged_per_perspective_says_so_as_loaded_and_as_compiled(cli):
    doc = json.loads(cli("rules", "show", "VAL-001", "--format", "json").output)
    side = doc["reads_derived"]["derived.value_balance.positives"]
    assert side["per_perspective"] == {"field": "for", "only": "value_perspectives"}
    assert "judged per perspective where effects name whom they affect (for); the perspectives that count: " \
           "parameter value_perspectives" in cli("rules", "show", "VAL-001").output
    text = cli("rules", "show", "VAL-001", "--compiled").output
    assert "Payload properties read: derived.value_balance.perspectives" in text
    assert "one item per perspective" in text and '"$iall"' in text and '"$iany"' in text


def test_a_rule_as_compiled_in_text_and_json(cli):
    text = cli("rules", "show", "WAR-001", "--compiled")
    assert text.exit_code == 0, text.output
    golden("rules-show-WAR-001-compiled.txt", stable(text.output))
    doc = json.loads(cli("rules", "show", "WAR-001", "--compiled", "--format", "json").output)
    golden("rules-show-WAR-001-compiled.json", stable(json.dumps(doc, indent=2, ensure_ascii=False) + "\n"))
    (name, body), = doc["rulesets"].items()
    assert set(body) == set(doc["nodes"]) and all(n.startswith("r") for n in body)
    assert doc["reads"] == ["warranty.availability.measured", "warranty.availability.target"]


def test_the_compiled_rules_are_those_registered_with_durable_rules():
    policy = load_policy(Policy())
    for compiled_rule in policy.program.rules:
        view = compiled(policy, compiled_rule.rule.id)
        registered = dict(policy.program.rulesets)[view.ruleset]
        assert {r.name: r.definition for r in view.rules} == {k: v for k, v in registered.items()
                                                              if k in {r.name for r in view.rules}}
        assert {r.node for r in view.rules} == set(compiled_rule.decided)


def test_profile_and_set_reach_what_is_shown(cli):
    shown = json.loads(cli("rules", "show", "WAR-001", "--profile", STRICT, "--format", "json").output)
    assert shown["reads_parameters"] == {"min_availability_target": 99.95}
    compiled_doc = cli("rules", "show", "WAR-001", "--compiled", "--set", "min_availability_target=99.5").output
    assert '{"$gte": {"warranty.availability.measured": 99.5}}' in compiled_doc


def test_an_unknown_rule_is_a_usage_error_with_a_suggestion(cli):
    result = cli("rules", "show", "WAR-01")
    assert result.exit_code == 2 and "did you mean 'WAR-001'" in result.output


def test_a_rule_of_another_pack(cli):
    result = cli("rules", "show", "--rules", "examples/team/team", "TEAM-001", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["pack"] == "team"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conditions)
def test_the_condition_shown_is_the_condition_loaded(doc):
    """Written back in the rule language, a parsed condition parses to the same tree."""
    cond = _pack([doc]).rules[0].condition
    again = cond.to_data()
    reader = Reader("shown.yaml")
    parsed = parse_condition(reader, again, {"c": again}, "c", "c", Scope(FactSchema.default(), None, PARAM_DEFS, {}))
    assert parsed == cond, (again, [str(p) for p in reader.problems])
