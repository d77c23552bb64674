"""Issue 21, item 3: a tiered profile (``cases`` keyed on tier) and a service without tier.

durable-rules decides a comparison every case agrees on (met where every case's value
passes, not met where every one fails); elsewhere it is unknown, and the explanation
names the fact the case depends on and what each case gives; "what would make it pass"
offers recording that fact."""
from __future__ import annotations

import datetime as dt
import json
import textwrap

from conftest import AS_OF
from valuate.engine.compile import compile_packs
from valuate.engine.evaluate import Evaluator
from valuate.engine.ingest.validate import validate
from valuate.engine.rules.conditions import Scope, parse_condition
from valuate.engine.rules.language import Pack, Parameter, Rule
from valuate.engine.rules.param_cases import Case, ParamCases
from valuate.engine.schema import FactSchema
from valuate.engine.documents import Reader

TEAM = "examples/team/profile.yaml"  # max_test_age_days: 180 for tier 1, else the pack's 365


def _catalog(tmp_path, last_tested: str = "2026-10-01") -> str:
    path = tmp_path / "x.yaml"
    tested = f", last_tested: {last_tested}" if last_tested else ""
    path.write_text(f"- {{id: x, warranty: {{continuity: {{plan: true{tested}}}}}}}\n")
    return str(path)


def _war004(cli, catalog) -> dict:
    result = cli("explain", catalog, "x", "--profile", TEAM, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    service = json.loads(result.output)["service"]
    return next(f for f in service["findings"] if f["rule"] == "WAR-004"), service


def test_every_case_passing_is_met_without_the_tier(cli, tmp_path):
    """The repro: tested 58 days ago passes 180 and 365 days alike."""
    war, _ = _war004(cli, _catalog(tmp_path))
    assert war["status"] == "met"
    assert war["message"] == "continuity plan tested 58 days ago (limit 180 or 365)"
    text = cli("explain", _catalog(tmp_path), "x", "--profile", TEAM, "--rule", "WAR-004", "--as-of", AS_OF).output
    assert "(threshold max_test_age_days: 180 when tier == 1; 365 otherwise, whichever applies)" in text
    assert "not recorded" not in text.split("recovery time")[0]


def test_every_case_failing_is_not_met(cli, tmp_path):
    war, _ = _war004(cli, _catalog(tmp_path, "2025-01-01"))  # 696 days: over 180 and 365
    assert war["status"] == "not_met"
    assert war["message"] == "continuity plan last tested 696 days ago (at most 180 or 365 allowed)"


def test_where_the_cases_disagree_the_explanation_names_the_tier(cli, tmp_path):
    catalog = _catalog(tmp_path, "2026-01-01")  # 331 days: within 365, not within 180
    war, service = _war004(cli, catalog)
    assert war["status"] == "unknown" and war["missing"] == ["tier"]
    assert war["message"] == ("max_test_age_days depends on tier, which is not recorded: 180 when tier == 1; "
                              "365 otherwise (derived.continuity_test_age_days = 331)")
    assert "date of the last continuity test not recorded" not in json.dumps(war)
    tier = [c for c in service["to_pass"]["changes"] if c["rule"] == "WAR-004"]
    assert [c["text"] for c in tier] == ["record tier (passes when tier != 1: max_test_age_days is then 365)"]
    text = cli("explain", catalog, "x", "--profile", TEAM, "--as-of", AS_OF).output
    assert "no verified change found" not in text
    assert "record tier (passes when tier != 1: max_test_age_days is then 365)  [WAR-004]" in text


def test_without_the_date_the_strictest_case_is_offered(cli, tmp_path):
    war, service = _war004(cli, _catalog(tmp_path, ""))
    assert war["status"] == "unknown"
    assert war["message"] == ("date of the last continuity test not recorded (a test within 180 or 365 days is "
                              "required); max_test_age_days depends on tier, which is not recorded: 180 when "
                              "tier == 1; 365 otherwise")
    (change,) = [c["text"] for c in service["to_pass"]["changes"] if c["rule"] == "WAR-004"]
    assert change == "record warranty.continuity.last_tested (passes on or after 2026-06-01)"  # 180 days


def test_check_counts_the_service_whose_cases_agree(cli, tmp_path):
    catalog = tmp_path / "c.yaml"
    catalog.write_text(textwrap.dedent("""\
        - {id: recent, warranty: {continuity: {plan: true, last_tested: 2026-10-01}}}
        - {id: between, warranty: {continuity: {plan: true, last_tested: 2026-01-01}}}
        - {id: stale, warranty: {continuity: {plan: true, last_tested: 2025-01-01}}}
        """))
    doc = json.loads(cli("check", str(catalog), "--profile", TEAM, "--as-of", AS_OF, "--format", "json",
                         "--fail-on", "never").output)
    dims = {s["id"]: s["criteria"]["warranty"]["dimensions"]["continuity"] for s in doc["services"]}
    assert dims == {"recent": "met", "between": "unknown", "stale": "not_met"}


def test_init_profile_comment_says_what_a_service_without_tier_gets(cli, tmp_path):
    """The scaffold's comment: without tier, met only where every case agrees, else unknown;
    its suggested first case gives such a service the pack's default."""
    assert cli("init", str(tmp_path / "p")).exit_code == 0
    profile = tmp_path / "p" / "profile.yaml"
    text = profile.read_text()
    assert "every other service" not in text and "A service with no tier is judged only where every case agrees" in text
    catalog = tmp_path / "c.yaml"
    catalog.write_text("- {id: top, warranty: {availability: {target: 90, measured: 99.99}}}\n"
                       "- {id: low, warranty: {availability: {target: 90, measured: 99.5}}}\n")

    def availability(path):
        doc = json.loads(cli("check", str(catalog), "--profile", str(path), "--as-of", AS_OF, "--format", "json",
                             "--fail-on", "never").output)
        return {s["id"]: s["criteria"]["warranty"]["dimensions"]["availability"] for s in doc["services"]}

    assert availability(profile) == {"top": "met", "low": "unknown"}
    first = text.split("make this the first case:")[1].strip().splitlines()[0].strip()
    assert first == "- {when: {fact: tier, is: absent}, value: default}"
    edited = tmp_path / "edited.yaml"
    edited.write_text(text.replace("    cases:\n", f"    cases:\n      {first}\n", 1))
    assert availability(edited) == {"top": "met", "low": "met"}


def test_the_every_case_branch_yields_to_durable_rules_limits():
    """Three comparisons with a three-case parameter: with the every-case branch the rule
    would fire along 64 paths (limit 32); the compiler leaves the branch out for that rule
    alone, and it is then decided as before (unknown where the case is)."""
    schema = FactSchema.default()
    scope = Scope(schema, None, {"p": Parameter("p", "number", 1)}, {})
    reader = Reader("t.yaml")
    doc = {"all": [{"fact": path, "ge": {"param": "p"}} for path in
                   ("budget.actual", "budget.planned", "warranty.availability.measured")]}
    cond = parse_condition(reader, doc, {"c": doc}, "c", "c", scope)
    tier = parse_condition(reader, {"fact": "tier", "eq": 1}, {"w": {}}, "w", "w", Scope(schema, None, {}, {}))
    two = parse_condition(reader, {"fact": "tier", "eq": 2}, {"w": {}}, "w", "w", Scope(schema, None, {}, {}))
    simple = {"fact": "budget.actual", "ge": {"param": "p"}}
    one = parse_condition(reader, simple, {"c": simple}, "c", "c", scope)
    rules = (Rule("BIG", "t", "advisory", "info", "r", "m", cond, {}, "gen"),
             Rule("ONE", "t", "advisory", "info", "r", "m", one, {}, "gen"))
    pack = Pack("gen", "1", "gen", "", {"p": Parameter("p", "number", 1)}, {}, rules, "generated")
    cases = ParamCases((Case(tier, 10), Case(two, 5), Case(None, 1)))
    program = compile_packs([pack], {"gen": {"p": cases}})
    assert [c.agree for c in program.rules] == [False, True]
    evaluator = Evaluator(program, dt.date(2026, 11, 28))
    try:
        fact, _ = validate({"id": "s", "budget": {"actual": 20, "planned": 20},
                            "warranty": {"availability": {"measured": 20}}})
        decided = evaluator.statuses(fact, {})
        assert decided[0].get(0, "unknown") == "unknown"  # BIG: no every-case branch
        assert decided[1].get(0) == "met"  # ONE: 20 >= 10, 5 and 1 alike
    finally:
        evaluator.close()


def test_cases_of_one_value_need_no_case_chosen(cli, tmp_path):
    """Found by the differential test: every case giving the same value decides the comparison."""
    profile = tmp_path / "p.yaml"
    profile.write_text("parameters:\n  min_headroom:\n    cases:\n      - {when: {fact: tier, eq: 1}, value: 0.2}\n"
                       "      - {value: 0.2}\n")
    catalog = tmp_path / "c.yaml"
    catalog.write_text("- {id: x, warranty: {capacity: {peak_demand: 50, max_capacity: 100}}}\n")
    doc = json.loads(cli("check", str(catalog), "--profile", str(profile), "--as-of", AS_OF, "--format", "json",
                         "--fail-on", "never").output)
    war = next(f for f in doc["services"][0]["findings"] if f["rule"] == "WAR-002")
    assert war["status"] == "met" and war["message"].endswith("(at least 0.2 required)")
