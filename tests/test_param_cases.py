"""Fact-dependent parameters (``cases`` with ``when``) compiled onto durable-rules
must decide what the reference interpreter decides, and the case durable-rules
reports as applied must be the one the reference selects."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import reference
from valuate.engine.compile import compile_packs
from valuate.engine.errors import RulePackError
from valuate.engine.evaluate import Evaluator
from valuate.engine.evaluate.findings import RuleLayout
from valuate.engine.ingest.validate import validate
from valuate.engine.schema import FactSchema
from valuate.engine.rules.param_cases import Case, ParamCases
from valuate.engine.rules.conditions import Scope, parse_condition
from valuate.engine.rules.language import Group, Pack, Parameter, Rule, leaves
from valuate.engine.documents import Reader

SCHEMA = FactSchema.default()
NUMBERS = ["warranty.availability.measured", "warranty.availability.target", "budget.actual", "tier"]
NUM_VALUES = st.sampled_from([0, 1, 2, 50, 99.5, 99.9, 99.95, 100])
PARAM_DEFS = {"p": Parameter("p", "number", 50)}

when_leaf = st.one_of(
    st.builds(lambda op, v: {"fact": "tier", op: v}, st.sampled_from(["eq", "ne", "lt", "ge"]), st.integers(0, 4)),
    st.builds(lambda v: {"fact": "name", "in": v}, st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=2)),
    st.builds(lambda v: {"fact": "warranty.continuity.plan", "eq": v}, st.booleans()),
    st.builds(lambda t: {"fact": "tier", "is": t}, st.sampled_from(["present", "absent"])),
    st.builds(lambda t: {"fact": "outputs", "is": t}, st.sampled_from(["empty", "not_empty"])),
)
whens = st.recursive(when_leaf, lambda kids: st.one_of(
    st.builds(lambda k, xs: {k: xs}, st.sampled_from(["all", "any"]), st.lists(kids, min_size=1, max_size=2)),
    st.builds(lambda x: {"not": x}, kids)), max_leaves=3)
case_lists = st.tuples(st.lists(st.tuples(whens, NUM_VALUES), min_size=1, max_size=3), NUM_VALUES)

leaf = st.one_of(
    st.builds(lambda path, op: {"fact": path, op: {"param": "p"}}, st.sampled_from(NUMBERS),
              st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"])),
    st.builds(lambda path, op, v: {"fact": path, op: v}, st.sampled_from(NUMBERS), st.sampled_from(["lt", "ge"]),
              NUM_VALUES),
)
conditions = st.recursive(leaf, lambda kids: st.one_of(
    st.builds(lambda k, xs: {k: xs}, st.sampled_from(["all", "any"]), st.lists(kids, min_size=1, max_size=2)),
    st.builds(lambda x: {"not": x}, kids)), max_leaves=3)

maybe_num = st.fixed_dictionaries({}, optional={"measured": NUM_VALUES, "target": NUM_VALUES})
facts = st.fixed_dictionaries({"id": st.just("s")}, optional={
    "name": st.sampled_from(["a", "b", "c"]), "tier": st.integers(0, 4),
    "outputs": st.lists(st.just("x"), max_size=1),
    "warranty": st.fixed_dictionaries({}, optional={
        "availability": maybe_num, "continuity": st.fixed_dictionaries({}, optional={"plan": st.booleans()})}),
    "budget": st.fixed_dictionaries({}, optional={"actual": NUM_VALUES}),
})


def _parse(doc, scope):
    reader = Reader("generated.yaml")
    cond = parse_condition(reader, doc, {"c": doc}, "c", "c", scope)
    assert cond is not None, [str(p) for p in reader.problems]
    return cond


def _cases(raw) -> ParamCases:
    scope = Scope(SCHEMA, None, {}, {})
    whens_values, default = raw
    return ParamCases(tuple(Case(_parse(w, scope), v) for w, v in whens_values) + (Case(None, default),))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(conditions, st.one_of(st.none(), conditions)), min_size=1, max_size=4), case_lists,
       st.lists(facts, min_size=1, max_size=6))
def test_fact_dependent_parameters_agree_with_reference(docs, raw_cases, fact_list):
    """In a rule's condition and in its applies_when alike."""
    scope = Scope(SCHEMA, None, PARAM_DEFS, {})
    rules = tuple(Rule(f"R-{i}", "t", "advisory", "info", "r", "m", _parse(d, scope), {}, "gen",
                       applies_when=None if when is None else _parse(when, scope))
                  for i, (d, when) in enumerate(docs))
    pack = Pack("gen", "1", "gen", "", PARAM_DEFS, {}, rules, "generated")
    params = {"p": _cases(raw_cases)}
    try:
        program = compile_packs([pack], {"gen": params})
    except RulePackError as err:
        assume(all(word not in str(err) for word in ("alternative paths", "nodes", "expression entries",
                                                    "too complex")))
        raise
    reads_p = any(leaf.operand is not None and leaf.operand.kind == "param"
                  for r in rules for c in r.conditions() for leaf in leaves(c))
    evaluator = Evaluator(program, dt.date(2026, 11, 28))
    try:
        for raw in fact_list:
            fact, errors = validate(raw)
            assert fact is not None, errors
            decided = evaluator.statuses(fact, {})
            for compiled in program.rules:
                for idx in compiled.decided:
                    node = compiled.nodes[idx]
                    want = reference.evaluate(node, fact, params, agree=compiled.agree)
                    if want != "unknown" and not isinstance(node, Group) and node.operand is not None \
                            and node.operand.kind == "param" \
                            and reference.select(params["p"], fact, params) is reference.UNKNOWN_VALUE:
                        event("no case chosen, every case agrees")
                    assert decided[compiled.index].get(idx, "unknown") == want, (node.describe(), fact)
                layout = RuleLayout(compiled, {})
                statuses = layout.statuses(decided[compiled.index])
                assert statuses == [reference.evaluate(n, fact, params, agree=compiled.agree) for n in compiled.nodes], fact
                assert layout.status(decided[compiled.index]) == reference.rule_status(compiled.rule, fact, params, agree=compiled.agree)
            if reads_p:  # durable-rules also says which case applied, for explanations
                chosen = reference.select(params["p"], fact, params)
                expected = None if chosen is reference.UNKNOWN_VALUE else chosen
                event("case selection unknown" if expected is None else "a case applied")
                assert evaluator.selected.get("p") == expected, fact
    finally:
        evaluator.close()


def test_unknown_when_makes_the_comparison_unknown():
    scope = Scope(SCHEMA, None, PARAM_DEFS, {})
    cond = _parse({"fact": "warranty.availability.measured", "ge": {"param": "p"}}, scope)
    pack = Pack("gen", "1", "gen", "", PARAM_DEFS, {}, (Rule("R", "t", "advisory", "info", "r", "m", cond, {},
                                                               "gen"),), "generated")
    params = {"p": _cases(([({"fact": "tier", "eq": 1}, 99.95)], 99.5))}
    evaluator = Evaluator(compile_packs([pack], {"gen": params}), dt.date(2026, 11, 28))
    try:
        def status(**fact):
            valid, errors = validate({"id": "s", "warranty": {"availability": {"measured": 99.7}}, **fact})
            return evaluator.statuses(valid, {})[0].get(0, "unknown")
        assert status(tier=1) == "not_met"
        assert status(tier=2) == "met"
        assert status() == "unknown"  # no tier: which threshold applies is unknown
    finally:
        evaluator.close()
