"""rules/reach.py: the statuses a rule can give, reasoned on its tree, must hold every
status the rule really gives. Checked against the reference interpreter on generated
conditions, and against durable-rules on the shipped pack (derived facts, lower bounds
and a tiered profile included)."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reference
from test_compiler_property import PARAMS, _pack, facts, rules
from valuate.engine.evaluate import Evaluator
from valuate.engine.evaluate.findings import RuleLayout
from valuate.engine.ingest.validate import validate
from valuate.engine.policy import load_policy
from valuate.engine.request import Policy
from valuate.engine.rules.derived import ABSENT_WITHOUT_AN_INPUT, FUNCTIONS, KNOWN_WITH_ITS_INPUTS
from valuate.engine.rules.reach import (ALTERNATIVE, NEVER, REQUIRED, Reads, leaf_statuses, need, reachable,
                                        rule_facts, rule_statuses)
from valuate.engine.values import get

AS_OF = dt.date(2026, 11, 28)


def _given(fact: dict):
    return lambda path: get(fact, path) is not None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rules, min_size=1, max_size=4), st.lists(facts, min_size=1, max_size=6))
def test_the_status_a_rule_gives_is_among_those_reasoned_for_its_facts(docs, fact_list):
    pack = _pack(docs)
    reads = Reads.of([pack], {"gen": PARAMS})
    for raw in fact_list:
        fact, errors = validate(raw)
        assert fact is not None, errors
        for rule in pack.rules:
            status = reference.rule_status(rule, fact, PARAMS)
            possible = rule_statuses(rule, lambda leaf: leaf_statuses(leaf, _given(fact), reads))
            assert status in possible, (rule.describe(), fact, possible)
            assert status in reachable(rule, reads)


money = st.sampled_from([0, 1, 3, 5])
effects = st.lists(st.fixed_dictionaries({"description": st.just("e")}, optional={"impact": st.sampled_from([1, 5])}),
                   max_size=2)
itil_facts = st.fixed_dictionaries({"id": st.just("s")}, optional={
    "tier": st.integers(1, 3),
    "utility": st.fixed_dictionaries({}, optional={"performance_support": st.lists(st.just("x"), max_size=1),
                                                   "constraints_removed": st.lists(st.just("y"), max_size=1)}),
    "outcomes": st.lists(st.fixed_dictionaries({"description": st.just("o"),
                                                "effect": st.sampled_from(["positive", "negative"])},
                                               optional={"impact": st.sampled_from([1, 4])}), max_size=2),
    "costs": st.fixed_dictionaries({}, optional={"removed": effects, "imposed": effects}),
    "risks": st.fixed_dictionaries({}, optional={"removed": effects, "imposed": effects}),
    "warranty": st.fixed_dictionaries({}, optional={
        "availability": st.fixed_dictionaries({}, optional={"target": st.sampled_from([99.0, 99.9]),
                                                            "measured": st.sampled_from([98.0, 99.95])}),
        "capacity": st.fixed_dictionaries({}, optional={"peak_demand": money, "max_capacity": st.sampled_from([1, 4])}),
        "continuity": st.fixed_dictionaries({}, optional={
            "plan": st.booleans(), "last_tested": st.sampled_from(["2026-10-01", "2026-01-01", "2024-01-01"]),
            "rto_hours": money, "rto_target_hours": money})}),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(itil_facts, min_size=1, max_size=10))
def test_durable_rules_gives_only_reasoned_statuses_on_the_shipped_pack(fact_list):
    policy = load_policy(Policy(profile="examples/team/profile.yaml", rules=("rules/itil4", "examples/team/team")))
    program = policy.program
    reads = Reads.of(program.packs, program.params)
    evaluator = Evaluator(program, AS_OF)
    try:
        layouts = [RuleLayout(c, {}) for c in program.rules]
        for raw in fact_list:
            fact, errors = validate(raw)
            assert fact is not None, errors
            decision = evaluator.decide(fact)
            for layout in layouts:
                status = layout.status(decision.decided[layout.compiled.index])
                possible = rule_statuses(layout.rule, lambda leaf: leaf_statuses(leaf, _given(fact), reads))
                assert status in possible, (layout.rule.id, fact, possible)
    finally:
        evaluator.close()


def test_what_the_shipped_criteria_need_of_their_facts():
    program = load_policy(Policy()).program
    reads = Reads.of(program.packs, program.params)
    by_id = {c.rule.id: c.rule for c in program.rules}

    def needs(rule_id):
        rule = by_id[rule_id]
        return {p: need([rule], p, reads) for p in rule_facts(rule, reads)}

    assert needs("UTL-001") == {"utility.performance_support": ALTERNATIVE, "utility.constraints_removed": ALTERNATIVE}
    assert needs("WAR-004") == {"warranty.continuity.plan": REQUIRED, "warranty.continuity.last_tested": REQUIRED,
                                "warranty.continuity.rto_hours": NEVER, "warranty.continuity.rto_target_hours": NEVER}
    # met needs every negative list recorded; a positive list can be left out where the rest outweighs
    assert needs("VAL-001") == {"outcomes": REQUIRED, "costs.imposed": REQUIRED, "risks.imposed": REQUIRED,
                                "costs.removed": ALTERNATIVE, "risks.removed": ALTERNATIVE}
    assert reachable(by_id["ADV-002"], reads) == {"met", "not_met"}  # provider is present: never unknown


def test_every_derived_function_is_classified_for_reach():
    """A new derived function must say what it gives without its inputs (rules/derived.py)."""
    assert KNOWN_WITH_ITS_INPUTS <= set(FUNCTIONS) and ABSENT_WITHOUT_AN_INPUT <= set(FUNCTIONS)
    unclassified = set(FUNCTIONS) - KNOWN_WITH_ITS_INPUTS - ABSENT_WITHOUT_AN_INPUT
    assert unclassified == {"unlinked"}  # neither: sometimes known without 'to', and may lack targets
