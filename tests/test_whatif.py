"""What would make it pass: suggestions are derived, verified, and really work."""
from __future__ import annotations

import copy
import datetime as dt
import json
import textwrap
from fractions import Fraction

import pytest
import yaml

from conftest import AS_OF, ROOT, SAMPLE, check
from valuate.engine.explain.edits import boundary, step_for

DATE = dt.date.fromisoformat(AS_OF)


@pytest.fixture(scope="module")
def sample():
    return check([str(ROOT / SAMPLE)], as_of=DATE)


def apply_change(record: dict, change: dict) -> None:
    """Apply one change as a user would edit the catalog (independent of engine code)."""
    *parents, last = change["path"].split(".")
    node = record
    for part in parents:
        node = node.setdefault(part, {})
    if change["action"] == "remove":
        del node[last]
    elif change["action"] == "add":
        node[last] = list(node.get(last) or []) + change["to"]
    else:
        node[last] = change["to"]


PROFILES = [None, "examples/profiles/tiered.yaml", "examples/profiles/corporate.yaml"]


@pytest.mark.parametrize("profile", PROFILES)
def test_every_failing_sample_service_passes_after_its_changes(profile, tmp_path):
    report = check([str(ROOT / SAMPLE)], as_of=DATE, profile=str(ROOT / profile) if profile else None)
    raw = yaml.safe_load((ROOT / SAMPLE).read_text())["services"]
    failing = [s for s in report.services if s.verdict in ("not_valuable", "indeterminate")]
    assert len(failing) >= 9
    edited = copy.deepcopy(raw)
    for result in failing:
        to_pass = result.to_dict()["to_pass"]
        assert to_pass["verified"] is True, (result.id, to_pass)
        assert to_pass["changes"], result.id
        record = next(r for r in edited if r.get("id") == result.id)
        for change in to_pass["changes"]:
            assert "example" not in change and change["kind"] in ("record", "change"), change
            assert (change["kind"] == "record") == (change["from"] is None), change
            apply_change(record, change)
    path = tmp_path / "fixed.yaml"
    path.write_text(yaml.safe_dump({"services": edited}, sort_keys=False))
    rerun = {s.id: s.verdict for s in check([str(path)], as_of=DATE,
                                            profile=str(ROOT / profile) if profile else None).services}
    for result in failing:  # a real re-run through check, not the engine's own verification
        assert rerun[result.id] == "valuable", result.id
    assert rerun["payroll"] == "valuable" and rerun["analytics-sandbox"] == "error"


def test_no_stand_in_value_is_presented_as_a_target(sample):
    """A fact nobody recorded is asked for with what would pass, never with the value the
    verification happened to use (expense-app records nothing: every change is of that kind)."""
    expense = next(s for s in sample.services if s.id == "expense-app")
    records = expense.to_pass.of_kind("record")
    assert records and records == expense.to_pass.changes
    texts = {c.path: c.text for c in records}
    assert texts["warranty.availability.target"] == (
        "record warranty.availability.target and warranty.availability.measured "
        "(passes when warranty.availability.measured >= warranty.availability.target)")
    assert texts["warranty.continuity.plan"] == \
        "confirm that a continuity plan exists (record warranty.continuity.plan as true)"
    for c in records:
        if isinstance(c.proposed, (int, float)) and not isinstance(c.proposed, bool) and c.proposed != 0:
            assert str(c.proposed) not in c.text.replace("2025-11-28", ""), c.text


def test_a_failed_balance_is_fixed_by_cutting_what_it_imposes_or_retiring(sample):
    fax = next(s for s in sample.services if s.id == "legacy-fax")
    texts = [c.text for c in fax.to_pass.changes if c.rule == "VAL-001"]
    assert texts == ["remove the imposed risk 'unsupported operating system' (impact 4)",
                     "remove the imposed cost 'line rental and maintenance' (impact 3)",
                     "remove the negative outcome 'dedicated phone lines to maintain' (impact 2)"]
    assert not any("positive outcome" in t for t in texts)  # no invented benefits
    assert fax.to_pass.advice.startswith("or retire the service")


def test_only_failing_services_get_suggestions(sample):
    for s in sample.services:
        assert (s.to_pass is not None) == (s.verdict in ("not_valuable", "indeterminate")), s.id


def test_suggestions_can_be_switched_off(cli):
    report = check([str(ROOT / SAMPLE)], as_of=DATE, suggest=False)
    assert all(s.to_pass is None for s in report.services)
    out = cli("check", SAMPLE, "--as-of", AS_OF, "--format", "json", "--no-suggestions").output
    assert "to_pass" not in out and "to_pass" in cli("check", SAMPLE, "--as-of", AS_OF, "--format", "json").output


def test_removing_a_fact_is_not_the_first_idea(sample):
    # print fails "rto absent or target absent or rto <= target": lowering rto wins over deleting it
    (change,) = [c for c in next(s for s in sample.services if s.id == "print").to_pass.changes
                 if c.rule == "WAR-004"]
    assert change.action == "set" and change.path == "warranty.continuity.rto_hours" and change.proposed == 8


def pack(tmp_path, condition: str, derived: str = "") -> str:
    path = tmp_path / "pack.yaml"
    path.write_text(textwrap.dedent(f"""\
        pack: t
        parameters:
          limit: {{type: number, default: 2.5}}
        {derived}
        rules:
          - metadata: {{id: T-1, title: t, criterion: utility, severity: error, rationale: r, remediation: m}}
            condition: {condition}
        """))
    return str(path)


# Valuable under the ITIL 4 pack, so only the extra rule T-1 decides whether it passes.
VALUABLE = {
    "outcomes": [{"effect": "positive", "impact": 4}],
    "utility": {"performance_support": ["x"]},
    "warranty": {"availability": {"target": 99.9, "measured": 99.95},
                 "capacity": {"peak_demand": 700, "max_capacity": 1000},
                 "security": {"controls": ["sso"], "open_critical_findings": 0},
                 "continuity": {"plan": True, "last_tested": "2026-06-01"}},
    "costs": {"imposed": []}, "risks": {"imposed": []},
}


def suggest(tmp_path, condition, record, derived=""):
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([{"id": "s", **VALUABLE, **record}]))
    rules = [str(ROOT / "rules" / "itil4"), pack(tmp_path, condition, derived)]
    (result,) = check([str(cat)], rules=rules, as_of=DATE).services
    return result


@pytest.mark.parametrize("condition, record, expected", [
    ("{fact: budget.actual, gt: {param: limit}}", {"budget": {"actual": 1}}, 2.51),
    ("{fact: budget.actual, lt: 3}", {"budget": {"actual": 7}}, 2.9),
    ("{not: {fact: budget.actual, ge: 3}}", {"budget": {"actual": 7}}, 2.9),
    ("{fact: consumers.customer, eq: CFO}", {}, "CFO"),
    ("{fact: tier, in: [1, 2]}", {"tier": 5}, 1),
])
def test_comparisons_are_inverted_at_the_threshold(tmp_path, condition, record, expected):
    result = suggest(tmp_path, condition, record)
    assert result.to_pass.verified
    assert [c.proposed for c in result.to_pass.changes] == [expected]


def test_derived_facts_are_inverted_onto_their_inputs(tmp_path):
    derived = textwrap.dedent("""\
        derived:
          spare: {difference: {from: budget.planned, subtract: budget.actual}}
          due: {days_until: relationship.last_review}
          fill: {ratio: {numerator: budget.actual, denominator: budget.planned}}
        """).replace("\n", "\n        ")
    cond = "{all: [{fact: derived.spare, ge: 10}, {fact: derived.due, ge: 30}, {fact: derived.fill, le: 0.5}]}"
    result = suggest(tmp_path, cond, {"budget": {"planned": 100, "actual": 95},
                                      "relationship": {"last_review": "2026-12-01"}}, derived)
    assert result.to_pass.verified, result.to_pass.note
    changes = {c.path: c.proposed for c in result.to_pass.changes}
    # spare: planned = actual + 10; due: a review 30 days after as_of; fill: actual = 0.5 x planned
    assert changes == {"budget.planned": 105, "relationship.last_review": "2026-12-28", "budget.actual": 50}


def test_unverifiable_suggestions_are_not_shown(tmp_path):
    cond = "{fact: offerings, all_items: {fact: target_group, is: present}}"
    result = suggest(tmp_path, cond, {"offerings": [{"name": "x"}]})
    assert result.verdict == "not_valuable"
    assert result.to_pass.verified is False and result.to_pass.changes == ()
    assert "T-1" in result.to_pass.note
    assert result.to_dict()["to_pass"] == {"verified": False, "changes": [], "note": result.to_pass.note}


def test_boundaries():
    assert boundary("gt", 99.9, "number") == 99.91
    assert boundary("gt", 3, "number", integer=True) == 4
    assert boundary("lt", "2026-01-01", "date") == "2025-12-31"
    assert boundary("ne", True, "boolean") is False
    assert step_for(0.25, False) == Fraction(1, 1000)
    assert step_for(8, False) == Fraction(1, 10)


def test_no_rule_to_change_is_said_plainly(tmp_path):
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([{"id": "s", "utility": {"performance_support": ["x"]}}]))
    (result,) = check([str(cat)], rules=[pack(tmp_path, "{fact: utility.performance_support, is: not_empty}")],
                          as_of=DATE).services
    assert result.verdict == "indeterminate"  # warranty and value have no rules here
    assert not result.to_pass.verified
    assert result.to_pass.note == ("no change can make it valuable: no rule of the run's packs decides availability, "
                                   "capacity, security, continuity or value, and a criterion no rule decides stays "
                                   "unknown")


def test_a_failing_rule_beside_an_undecided_criterion_is_not_called_no_failure(tmp_path):
    """A rule fails and the pack decides no other criterion: the note says which criteria no
    rule decides (before: 'no deciding rule fails', although one did)."""
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([{"id": "s", "utility": {"performance_support": []}}]))
    (result,) = check([str(cat)], rules=[pack(tmp_path, "{fact: utility.performance_support, is: not_empty}")],
                      as_of=DATE).services
    assert result.verdict == "not_valuable"
    assert "no deciding rule fails" not in result.to_pass.note
    assert "no rule of the run's packs decides availability" in result.to_pass.note
