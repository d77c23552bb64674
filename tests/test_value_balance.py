"""The value balance of docs/specification.md#value-balance-with-bounds, decided by durable-rules.

Two independent checks on random facts:
- VAL-001 (through the whole pipeline) agrees with the contract's wording,
  implemented here from scratch: an unrecorded list (absent; [] is recorded)
  makes its side's sum a lower bound; met only when every negative source is
  recorded and positives exceed negatives, not met only when every positive
  source is recorded and positives do not exceed negatives;
- any comparison on such lower bounds (every operator, against the other side,
  a literal or a parameter) agrees with interval reasoning in
  tests/reference.py: met when it holds for every value the bounds allow, not
  met when for none, else unknown.
"""
from __future__ import annotations

import datetime as dt
import functools

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import reference
import valuate
from valuate.engine.compile import compile_packs
from valuate.engine.documents import Reader
from valuate.engine.evaluate import Evaluator
from valuate.engine.ingest.validate import validate
from valuate.engine.rules.conditions import Scope, parse_condition
from valuate.engine.rules.derived import output_types
from valuate.engine.rules.language import Pack, Parameter, Rule
from valuate.engine.schema import FactSchema

AS_OF = dt.date(2026, 11, 28)
POSITIVE = ("costs.removed", "risks.removed")
NEGATIVE = ("costs.imposed", "risks.imposed")

effects = st.lists(st.fixed_dictionaries({}, optional={"impact": st.integers(1, 5)}), max_size=3)
recorded = st.one_of(st.none(), effects)  # None: the list is not recorded at all
outcomes = st.one_of(st.none(), st.lists(st.fixed_dictionaries(
    {"effect": st.sampled_from(["positive", "negative"])}, optional={"impact": st.integers(1, 5)}), max_size=4))


@st.composite
def services(draw):
    lists = {"outcomes": draw(outcomes), **{p: draw(recorded) for p in POSITIVE + NEGATIVE}}
    return fact_of(lists), lists


def fact_of(lists: dict) -> dict:
    """The fact recording each list given (None: left unrecorded) at its dotted path."""
    fact: dict = {}
    for path, value in lists.items():
        if value is not None:
            node = fact
            *parents, last = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = value
    return fact


def contract_value(lists: dict) -> str:
    """The value balance as the specification words it (weights 1.0)."""
    def impact(e):
        return e.get("impact", 1)
    outs = lists["outcomes"] or []
    pos = sum(impact(o) for o in outs if o["effect"] == "positive") + sum(
        impact(e) for p in POSITIVE for e in lists[p] or [])
    neg = sum(impact(o) for o in outs if o["effect"] == "negative") + sum(
        impact(e) for p in NEGATIVE for e in lists[p] or [])
    negatives_recorded = lists["outcomes"] is not None and all(lists[p] is not None for p in NEGATIVE)
    positives_recorded = lists["outcomes"] is not None and all(lists[p] is not None for p in POSITIVE)
    if negatives_recorded and pos > neg:
        return "met"
    if positives_recorded and pos <= neg:
        return "not_met"
    return "unknown"


@settings(max_examples=300, deadline=None)
@given(st.lists(services(), min_size=1, max_size=12))
def test_val_001_agrees_with_the_contract(drawn):
    records = tuple({"id": f"s{i}", **fact} for i, (fact, _) in enumerate(drawn))
    request = valuate.RunRequest(valuate.Policy(as_of=AS_OF), valuate.Inputs(records=records),
                                 valuate.RunOptions(suggest=False))
    results = list(valuate.run(request, policy=_default()).results())
    for result, (_, lists) in zip(results, drawn):
        assert result.criterion("value").status == contract_value(lists), (lists, result.finding("VAL-001"))


@functools.lru_cache(maxsize=1)
def _default():
    return valuate.load_policy(valuate.Policy(as_of=AS_OF))


# --- any comparison on lower bounds --------------------------------------

SIDES = ("derived.value_balance.positives", "derived.value_balance.negatives")
comparisons = st.fixed_dictionaries({
    "fact": st.sampled_from(SIDES),
    "op": st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"]),
    "operand": st.one_of(st.sampled_from([{"fact": s} for s in SIDES]), st.integers(0, 12),
                         st.just({"param": "limit"}))})


LIMIT = Parameter("limit", "number", 0)


def _same_side(docs: list) -> bool:
    """A side compared with itself: refused for a balance judged per perspective (the shipped one)."""
    return any(isinstance(d["operand"], dict) and d["operand"].get("fact") == d["fact"] for d in docs)


def _pack(docs: list):
    default = _default().packs[0]
    parameters = {**default.parameters, "limit": LIMIT}
    reader = Reader("generated.yaml")
    scope = Scope(FactSchema.default(), None, parameters, output_types(default.derived))
    rules = []
    for i, doc in enumerate(docs):
        body = {"fact": doc["fact"], doc["op"]: doc["operand"]}
        cond = parse_condition(reader, body, {"c": body}, "c", f"rules[{i}]", scope)
        assert cond is not None, [str(p) for p in reader.problems]
        rules.append(Rule(f"B-{i}", "t", "advisory", "info", "r", "m", cond, {}, "itil4"))
    return Pack("itil4", "1", "t", "", parameters, default.derived, tuple(rules), "generated")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(comparisons, min_size=1, max_size=6), st.lists(services(), min_size=1, max_size=6),
       st.integers(0, 12))
def test_comparisons_on_bounds_agree_with_interval_reasoning(docs, drawn, limit):
    assume(not _same_side(docs))
    pack = _pack(docs)
    params = {name: p.default for name, p in pack.parameters.items()}
    params["limit"] = limit
    evaluator = Evaluator(compile_packs([pack], {"itil4": params}), AS_OF)
    try:
        for raw, lists in drawn:
            fact, errors = validate({"id": "x", **raw})
            assert fact is not None, errors
            decided = evaluator.statuses(fact, evaluator.derived_values(fact))
            values = _bounds(lists)
            for compiled in evaluator.program.rules:
                want = reference.evaluate(compiled.rule.condition, fact, {"limit": limit}, values)
                got = decided[compiled.index].get(0, "unknown")
                assert got == want, (compiled.rule.condition.describe(), lists)
    finally:
        evaluator.close()


def _bounds(lists: dict) -> dict:
    """The two sides as reference.Bound, computed here from the lists."""
    def impact(e):
        return e.get("impact", 1)
    outs = lists["outcomes"] or []
    pos = sum(impact(o) for o in outs if o["effect"] == "positive") + sum(
        impact(e) for p in POSITIVE for e in lists[p] or [])
    neg = sum(impact(o) for o in outs if o["effect"] == "negative") + sum(
        impact(e) for p in NEGATIVE for e in lists[p] or [])
    recorded = lambda paths: lists["outcomes"] is not None and all(lists[p] is not None for p in paths)  # noqa: E731
    return {SIDES[0]: reference.Bound(pos, recorded(POSITIVE)), SIDES[1]: reference.Bound(neg, recorded(NEGATIVE))}
