"""Value as each stakeholder perceives it (docs/specification.md#value-as-each-stakeholder-perceives-it).

Property tests against the independent reference evaluator (tests/reference.py),
on random services whose effects name random perspectives (``for``): consumer
roles and listed stakeholders, a stakeholder named by several effects, lists
left unrecorded, and ``value_perspectives`` lists that name roles no effect
names. durable-rules, fed by the compiler, must decide every perspective and
their **and** as the reference does; without ``for`` the verdicts are those of
revision 2.
"""
from __future__ import annotations

import datetime as dt
import functools

import pytest
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
from valuate.engine.rules.language import Pack, Rule
from valuate.engine.schema import FactSchema
from test_value_balance import _pack as balance_pack, contract_value, fact_of

AS_OF = dt.date(2026, 11, 28)
STAKEHOLDERS = ("Works council", "Finance")
NAMES = reference.ROLES + STAKEHOLDERS
LISTS = ("costs.removed", "risks.removed", "costs.imposed", "risks.imposed")

whom = st.one_of(st.none(), st.just([]), st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))


def _effect(extra: dict):
    return st.builds(lambda impact, names: {**extra, **({"impact": impact} if impact else {}),
                                            **({"for": names} if names is not None else {})},
                     st.one_of(st.none(), st.integers(1, 5)), whom)


effects = st.lists(_effect({}), max_size=3)
outcomes = st.lists(st.sampled_from(["positive", "negative"]).flatmap(lambda e: _effect({"effect": e})), max_size=4)


@st.composite
def services(draw):
    """A service with the effect lists recorded or not, effects naming random perspectives; the
    stakeholders are listed (so that every name is valid) unless no effect names one."""
    kept = st.sampled_from([True] * 6 + [False])  # most lists recorded, so that perspectives get decided
    recorded = {"outcomes": draw(outcomes) if draw(kept) else None,
                **{p: draw(effects) if draw(kept) else None for p in LISTS}}
    fact = fact_of(recorded)
    if draw(st.booleans()) or any(n in STAKEHOLDERS for v in recorded.values() for e in v or () for n in e.get("for") or ()):
        fact["stakeholders"] = [{"name": n} for n in STAKEHOLDERS]
    return fact, recorded


value_perspectives = st.sampled_from([(), ("customer", "user"), ("sponsor",), ("Works council", "customer"),
                                      ("customer",)])


@functools.lru_cache(maxsize=8)
def _policy(chosen: tuple):
    return valuate.load_policy(valuate.Policy(as_of=AS_OF, params={"value_perspectives": list(chosen)}))


def _run(records, chosen):
    request = valuate.RunRequest(valuate.Policy(as_of=AS_OF, params={"value_perspectives": list(chosen)}),
                                 valuate.Inputs(records=tuple(records)), valuate.RunOptions(suggest=False))
    return list(valuate.run(request, policy=_policy(chosen)).results())


VAL = None


def _val_rule():
    global VAL
    if VAL is None:
        VAL = _policy(()).packs[0].rule("VAL-001")
    return VAL


SIDES = ("derived.value_balance.positives", "derived.value_balance.negatives")


def _values(fact: dict, chosen: tuple) -> dict:
    spread = reference.perspectives(fact, chosen)
    return {SIDES[0]: reference.Sides(spread, "positives"), SIDES[1]: reference.Sides(spread, "negatives")}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(services(), min_size=1, max_size=8), value_perspectives)
def test_each_perspective_and_their_and_agree_with_the_reference(drawn, chosen):
    records = [{"id": f"s{i}", **fact} for i, (fact, _) in enumerate(drawn)]
    for result, (fact, lists) in zip(_run(records, chosen), drawn):
        assert result.verdict != "error", result.errors
        spread = reference.perspectives(fact, chosen)
        values = _values(fact, chosen)
        want = reference.evaluate(_val_rule().condition, fact, {}, values)
        value = result.criterion("value")
        assert value.status == want, (fact, chosen, result.finding("VAL-001").message)
        each = reference.per_perspective(_val_rule().condition, fact, {}, values)
        if spread[0][0] is None:  # no effect names anyone: judged once, exactly as revision 2
            assert value.perspectives == ()
            assert value.status == contract_value(lists)
            continue
        got = [(p.name, p.status, p.positives, p.negatives) for p in value.perspectives]
        assert got == [(name, status, pos.low, neg.low) for (name, pos, neg), status in zip(spread, each)], \
            (fact, chosen)
        for p in value.perspectives:  # an unknown perspective names what to record, a decided one nothing
            assert bool(p.unrecorded) == (p.status == "unknown"), p


@settings(max_examples=150, deadline=None)
@given(st.lists(services(), min_size=1, max_size=8))
def test_without_for_every_verdict_is_that_of_revision_2(drawn):
    records = [{"id": f"s{i}", **_without_for(fact)} for i, (fact, _) in enumerate(drawn)]
    for chosen in ((), ("customer", "user")):  # value_perspectives changes nothing without for
        for result, (_, lists) in zip(_run(records, chosen), drawn):
            assert result.criterion("value").status == contract_value(lists)
            assert result.criterion("value").perspectives == ()


def _without_for(fact: dict) -> dict:
    def strip(items):
        return None if items is None else [{k: v for k, v in e.items() if k != "for"} for e in items]
    out = {k: v for k, v in fact.items() if k not in ("outcomes", "costs", "risks")}
    if "outcomes" in fact:
        out["outcomes"] = strip(fact["outcomes"])
    for group in ("costs", "risks"):
        if group in fact:
            out[group] = {k: strip(v) for k, v in fact[group].items()}
    return out


# --- any comparison on a balance judged per perspective -------------------

comparisons = st.fixed_dictionaries({
    "fact": st.sampled_from(SIDES),
    "op": st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"]),
    "operand": st.one_of(st.integers(0, 12), st.just({"param": "limit"}), st.sampled_from(SIDES))})


def _pack(docs: list):
    """The rules of test_value_balance's comparisons, a side written as the other side's fact."""
    return balance_pack([{**d, "operand": {"fact": d["operand"]} if d["operand"] in SIDES else d["operand"]}
                         for d in docs])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(comparisons, min_size=1, max_size=5), st.lists(services(), min_size=1, max_size=5),
       st.integers(0, 12), value_perspectives)
def test_comparisons_per_perspective_agree_with_interval_reasoning(docs, drawn, limit, chosen):
    assume(all(d["operand"] != d["fact"] for d in docs))  # a side against itself is refused
    pack = _pack(docs)
    params = {name: p.default for name, p in pack.parameters.items()}
    params.update(limit=limit, value_perspectives=list(chosen))
    evaluator = Evaluator(compile_packs([pack], {"itil4": params}), AS_OF)
    try:
        for raw, _ in drawn:
            fact, errors = validate({"id": "x", **raw})
            assert fact is not None, errors
            decision = evaluator.decide(fact)
            values = _values(fact, chosen)
            for compiled in evaluator.program.rules:
                cond = compiled.rule.condition
                want = reference.evaluate(cond, fact, {"limit": limit}, values)
                assert decision.decided[compiled.index].get(0, "unknown") == want, (cond.describe(), raw, chosen)
                seen = decision.facts.perspectives.get(id(cond))
                if seen is not None:  # each perspective as durable-rules decided it on its own
                    each = reference.per_perspective(cond, fact, {"limit": limit}, values)
                    assert [p.status for p in seen] == each, (cond.describe(), raw, chosen)
    finally:
        evaluator.close()


# --- the shapes around it -------------------------------------------------

@pytest.mark.parametrize("names, where, message", [
    (["usr"], "outcomes[0].for[0]", "'usr' is neither a consumer role (customer, user, sponsor) nor the name of "
                                    "an entry in stakeholders (none is listed) (did you mean 'user'?)"),
    (["user", ""], "outcomes[0].for[1]", "must not be empty"),
    ("user", "outcomes[0].for", "expected a list, got a string ('user')"),
    (["Finance"], "outcomes[0].for[0]", "'Finance' is neither"),
])
def test_a_for_naming_no_role_or_stakeholder_is_an_error_on_that_field(names, where, message):
    fact, errors = validate({"id": "x", "outcomes": [{"effect": "positive", "for": names}]})
    assert fact is None and errors[0].path == where and errors[0].message.startswith(message), errors


def test_a_listed_stakeholder_may_be_named_and_a_near_miss_is_suggested():
    base = {"id": "x", "stakeholders": [{"name": "Works council"}]}
    assert validate({**base, "outcomes": [{"effect": "positive", "for": ["Works council", "user"]}]})[0]
    fact, errors = validate({**base, "costs": {"imposed": [{"for": ["works council"]}]}})
    assert fact is None and errors[0].path == "costs.imposed[0].for[0]"
    assert "did you mean 'Works council'?" in errors[0].message and "('Works council')" in errors[0].message


@pytest.mark.parametrize("body, message", [
    ({"fact": "derived.value_balance.positives", "gt": {"fact": "derived.capacity_headroom"}},
     "compares derived.value_balance.positives with derived.capacity_headroom"),
    # an operator that is not a comparison is refused, never judged once over every effect
    ({"fact": "derived.value_balance.positives", "between": [1, 5]},
     "tests derived.value_balance.positives with 'between'"),
    ({"fact": "derived.capacity_headroom", "between": [0, {"fact": "derived.value_balance.negatives"}]},
     "tests derived.value_balance.negatives with 'between'"),
])
def test_a_pack_testing_a_side_judged_per_perspective_other_than_by_a_comparison_is_refused(body, message):
    from valuate.engine.errors import RulePackError
    default = _policy(()).packs[0]
    reader = Reader("generated.yaml")
    scope = Scope(FactSchema.default(), None, default.parameters, output_types(default.derived))
    cond = parse_condition(reader, body, {"c": body}, "c", "rules[0]", scope)
    pack = Pack("itil4", "1", "t", "", default.parameters, default.derived,
                (Rule("P-0", "t", "advisory", "info", "r", "m", cond, {}, "itil4"),), "generated")
    with pytest.raises(RulePackError, match="balance judged per perspective") as raised:
        compile_packs([pack], {"itil4": {n: p.default for n, p in default.parameters.items()}})
    assert message in str(raised.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(services(), min_size=1, max_size=6), value_perspectives)
def test_what_would_make_it_pass_never_drops_a_perspective(drawn, chosen):
    """Every effect naming someone is kept (lowered at most), no for is changed, and each change
    to the balance says whom it helps (verified changes only: whatif re-evaluated them)."""
    records = tuple({"id": f"s{i}", **fact} for i, (fact, _) in enumerate(drawn))
    request = valuate.RunRequest(valuate.Policy(as_of=AS_OF, params={"value_perspectives": list(chosen)}),
                                 valuate.Inputs(records=records), valuate.RunOptions(suggest=True))
    for result in valuate.run(request, policy=_policy(chosen)).results():
        if result.to_pass is None or not result.to_pass.verified or not result.criterion("value").perspectives:
            continue
        for change in result.to_pass.changes:
            if change.rule != "VAL-001" or change.action != "set" or not isinstance(change.current, list):
                continue
            kept = [(e.get("description"), tuple(e["for"])) for e in change.proposed if e.get("for")]
            for e in change.current:
                if e.get("for"):
                    assert (e.get("description"), tuple(e["for"])) in kept, (change.text, e)
            assert "helps" in change.text or "for the" in change.text or " for " in change.text, change.text


# --- from an export ---------------------------------------------------------

EXPORT = """Service,Benefit,Benefit impact,Benefit for,Fee,Fee impact,Fee borne by
PAY,Payslips on the phone,4,Users,Licence,3,Finance department
HR,Self-service leave,3,"Users, Finance department",Licence,1,
CRM,Pipeline view,3,Sales reps,Licence,2,Users
"""
EFFECTS_MAPPING = """description: Service export naming whom each effect affects
fields:
  id: Service
  outcomes:
    items:
      - description: Benefit
        effect: {value: positive}
        impact: Benefit impact
        for: {from: Benefit for, split: ",", map: {Users: user, Finance department: sponsor}}
  costs.imposed:
    items:
      - description: Fee
        impact: Fee impact
        for: {from: Fee borne by, map: {Users: user, Finance department: sponsor}}
"""


def test_a_mapping_fills_for_from_a_column_and_an_unknown_name_is_an_error_on_that_column(cli, tmp_path):
    import json
    (tmp_path / "effects.csv").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "effects.mapping.yaml").write_text(EFFECTS_MAPPING, encoding="utf-8")
    args = (str(tmp_path / "effects.csv"), "--mapping", str(tmp_path / "effects.mapping.yaml"))
    doc = json.loads(cli("check", *args, "--as-of", "2026-11-28", "--format", "json", "--fail-on", "never").output)
    pay, hr, crm = doc["services"]
    # PAY: the user gains, the sponsor only pays; HR's fee names no one, so it counts for both
    assert [(p["name"], p["positives"], p["negatives"]) for p in pay["criteria"]["value"]["perspectives"]] == \
        [("user", 4, 0), ("sponsor", 0, 3)]
    assert [(p["name"], p["positives"], p["negatives"]) for p in hr["criteria"]["value"]["perspectives"]] == \
        [("user", 3, 1), ("sponsor", 3, 1)]
    assert crm["verdict"] == "error"
    (error,) = crm["errors"]
    assert error["path"] == "outcomes[0].for[0]" and "'Sales reps' is neither a consumer role" in error["message"]
    assert "Benefit for = 'Sales reps'" in error["message"]


def test_every_wrong_shape_around_for_is_an_error_on_its_field_never_a_crash(cli):
    import json
    from conftest import ROOT
    path = ROOT / "tests" / "adversarial" / "perspectives-shapes.yaml"
    done = cli("check", str(path), "--as-of", "2026-11-28", "--format", "json", "--fail-on", "never")
    assert done.exit_code == 0, done.output
    got = {s["id"]: (s["verdict"], [e["path"] for e in s.get("errors") or []]) for s in json.loads(done.output)["services"]}
    assert got == {
        "outcomes-true": ("error", ["outcomes"]),
        "stakeholders-true": ("error", ["stakeholders"]),
        "stakeholders-text": ("error", ["outcomes[0].for[0]", "stakeholders"]),
        "for-mapping": ("error", ["outcomes[0].for"]),
        "for-numbers": ("error", ["outcomes[0].for[0]", "outcomes[0].for[1]"]),
        "for-text": ("error", ["costs.imposed[0].for"]),
        "costs-number": ("error", ["costs.imposed"]),
        "risks-true": ("error", ["risks"]),
        "stakeholder-unnamed": ("error", ["outcomes[0].for[0]", "stakeholders[1].name"]),
        "item-not-object": ("error", ["outcomes[0]"]),
        "fine": ("indeterminate", []),
    }
