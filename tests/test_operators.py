"""One test over the table of operators (engine/rules/operators.py): for every operator, its
example parses, compiles onto durable-rules and decides what the reference evaluator decides;
its explanation has words and a candidate change; lint knows of it what the table says; the
condition schema accepts it and refuses a wrong operand. A consumer without an entry for an
operator fails when it is imported (registry), and an operator nobody knows is never comparable."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import jsonschema
import pytest

import reference
from test_schemas import REGISTRY
from valuate.engine.compile import compile_packs
from valuate.engine.documents import Reader
from valuate.engine.evaluate import Evaluator
from valuate.engine.explain.inverse import Context, plan
from valuate.engine.ingest.validate import validate
from valuate.engine.model import MET, NOT_MET, UNKNOWN
from valuate.engine.rules.conditions import Scope, parse_condition
from valuate.engine.rules.language import Group, Leaf, Operand, Pack, Parameter, Rule
from valuate.engine.rules.operators import OPERATORS, TEST, TESTS, OperatorTableError, registry
from valuate.engine.rules.reach import Reads, leaf_statuses
from valuate.engine.governance import satisfiable
from valuate.engine.schema import FactSchema

SCHEMA = FactSchema.default()
DAY = dt.date(2026, 11, 28)
PARAMS = {"p": 99.9}
PARAM_DEFS = {"p": Parameter("p", "number", 99.9)}
M = "warranty.availability.measured"


def measured(v):
    return {"id": "s", "warranty": {"availability": {"measured": v}}}


#: Per operator: a condition, and facts with the status each must get (one per status at least).
EXAMPLES = {
    "eq": ({"fact": "tier", "eq": 1}, [({"id": "s", "tier": 1}, MET), ({"id": "s", "tier": 2}, NOT_MET)]),
    "ne": ({"fact": "tier", "ne": 1}, [({"id": "s", "tier": 2}, MET), ({"id": "s", "tier": 1}, NOT_MET)]),
    "lt": ({"fact": M, "lt": {"param": "p"}}, [(measured(99), MET), (measured(99.9), NOT_MET)]),
    "le": ({"fact": M, "le": 99.9}, [(measured(99.9), MET), (measured(99.95), NOT_MET)]),
    "gt": ({"fact": M, "gt": 99.9}, [(measured(99.95), MET), (measured(99.9), NOT_MET)]),
    "ge": ({"fact": M, "ge": {"param": "p"}}, [(measured(99.9), MET), (measured(99.5), NOT_MET)]),
    "in": ({"fact": "tier", "in": [1, 2]}, [({"id": "s", "tier": 2}, MET), ({"id": "s", "tier": 3}, NOT_MET)]),
    "not_in": ({"fact": "tier", "not_in": [1, 2]}, [({"id": "s", "tier": 3}, MET),
                                                    ({"id": "s", "tier": 1}, NOT_MET)]),
    "is": ({"fact": "owner", "is": "present"}, [({"id": "s", "owner": "ann"}, MET), ({"id": "s"}, NOT_MET)]),
    "any_item": ({"fact": "outputs", "any_item": {"fact": ".", "eq": "payslips"}},
                 [({"id": "s", "outputs": ["a", "payslips"]}, MET), ({"id": "s", "outputs": ["a"]}, NOT_MET)]),
    "all_items": ({"fact": "outputs", "all_items": {"fact": ".", "ne": "x"}},
                  [({"id": "s", "outputs": ["a", "b"]}, MET), ({"id": "s", "outputs": ["a", "x"]}, NOT_MET)]),
    "contains": ({"fact": "outputs", "contains": "payslips"},
                 [({"id": "s", "outputs": ["payslips"]}, MET), ({"id": "s", "outputs": []}, NOT_MET)]),
    "between": ({"fact": M, "between": [99, {"param": "p"}]},
                [(measured(99), MET), (measured(99.9), MET), (measured(99.95), NOT_MET), (measured(98.9), NOT_MET)]),
}
UNRECORDED = {"id": "s"}  # unknown for every example but "is" (absence decides it)


def parsed(doc) -> Leaf:
    reader = Reader("example.yaml")
    leaf = parse_condition(reader, doc, {"c": doc}, "c", "c", Scope(SCHEMA, None, PARAM_DEFS, {}))
    assert leaf is not None, [str(p) for p in reader.problems]
    return leaf


def decided(leaf, facts: list) -> list:
    """(status durable-rules gives, the finding) per fact, for a one-rule pack of ``leaf``."""
    rule = Rule("R-1", "t", "utility", "error", "r", "m", leaf, {}, "gen")
    program = compile_packs([Pack("gen", "1", "gen", "", PARAM_DEFS, {}, (rule,), "generated")], {"gen": PARAMS})
    evaluator = Evaluator(program, DAY)
    try:
        out = []
        for raw in facts:
            fact, errors = validate(raw)
            assert fact is not None, errors
            (finding,), _ = evaluator.findings(fact, explain=True)
            out.append((fact, finding))
        return out
    finally:
        evaluator.close()


def test_every_operator_has_an_example():
    assert set(EXAMPLES) == set(OPERATORS), "add an example for each new operator to EXAMPLES"


def test_the_reference_evaluator_covers_every_operator():
    """tests/reference.py evaluates in its own way; it still has to know every operator."""
    assert reference.OPERATORS == set(OPERATORS)
    assert reference.TESTS == set(TESTS)


@pytest.mark.parametrize("name", list(OPERATORS))
def test_operator(name):
    doc, cases = EXAMPLES[name]
    op = OPERATORS[name]
    leaf = parsed(doc)
    assert isinstance(leaf, Leaf) and leaf.op == name and op.symbol in leaf.describe()
    _schema(doc, name)
    facts = [f for f, _ in cases] + ([] if op.operand == TEST else [UNRECORDED])
    wanted = [s for _, s in cases] + ([] if op.operand == TEST else [UNKNOWN])
    reads = Reads({}, {}, {})
    for (fact, finding), want in zip(decided(leaf, facts), wanted):
        # compile: durable-rules decides what the independent reference evaluator decides
        assert finding.status == want == reference.evaluate(leaf, fact, PARAMS), (name, fact)
        # reach: the status is among those the leaf can have with these facts recorded
        assert want in leaf_statuses(leaf, lambda p: _recorded(fact, p), reads)
        tree = finding.condition
        if want == NOT_MET:  # explain: words of what was found, and a change to try (or none, said)
            assert tree.found and "{" not in tree.found, (name, tree.found)
            ctx = Context(fact, lambda p: _value(fact, p), {}, PARAMS, DAY)
            edits = plan(leaf, tree, MET, ctx)
            assert edits is None or all(e.path == leaf.path for e in edits), edits
        if want == UNKNOWN:
            assert finding.missing and leaf.path in tree.found
    _lint(leaf, op)


def _schema(doc, name):
    validator = jsonschema.Draft202012Validator({"$ref": "condition.schema.json"}, registry=REGISTRY)
    assert not list(validator.iter_errors(doc)), name
    assert list(validator.iter_errors({"fact": doc["fact"], name: {"nonsense": 1}})), name


def _lint(leaf, op):
    """What the table says lint knows: a negation and a bound make ``x and not x`` provably
    never hold; an operator without them is opaque (nothing is claimed)."""
    type_of = satisfiable.types_of([], SCHEMA)
    leaf = replace(leaf, operand=_literal(leaf.operand))  # lint reasons on literals only
    both = Group("all", (leaf, Group("not", (leaf,))))
    if op.parts:  # a compound: one of its parts' negation beside it never holds
        first = leaf.parts().children[0]
        both = Group("all", (leaf, replace(first, op=OPERATORS[first.op].negation)))
    found = satisfiable.analyse(both, type_of)
    comparable = op.sense is not None or op.operand == TEST or bool(op.parts)
    assert bool(found) == comparable and all(f.kind == "never" for f in found), (leaf.op, found)
    assert satisfiable.possible(leaf, type_of) == (True, True)


def test_an_operator_nobody_knows_is_never_comparable():
    """Lint reasons only about operators the table gives a bound: an unknown one is opaque."""
    type_of = satisfiable.types_of([], SCHEMA)
    odd = Leaf("tier", "approximately", operand=Operand("value", 1), kind="number")
    never = Group("all", (Leaf("tier", "eq", operand=Operand("value", 1), kind="number"), odd,
                          Leaf("tier", "eq", operand=Operand("value", 1), kind="number")))
    assert satisfiable.analyse(never, type_of) == []
    assert satisfiable.possible(odd, type_of) == (True, True)


def test_a_consumer_missing_an_operator_fails_on_import():
    partial = {op.lowering: object() for op in list(OPERATORS.values())[:-1]}
    last = list(OPERATORS.values())[-1]
    if last.lowering in partial:  # shares its lowering with another operator: drop that one too
        partial = {k: v for k, v in partial.items() if k != last.lowering}
    with pytest.raises(OperatorTableError, match=last.name):
        registry(partial, lambda op: op.lowering, "a consumer")


def _literal(operand):
    if operand is None or operand.kind == "param":
        return operand if operand is None else Operand("value", PARAMS[operand.value])
    if operand.kind == "range":
        return Operand("range", tuple(_literal(o) for o in operand.value))
    return operand


def _value(fact, path):
    node = fact
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _recorded(fact, path) -> bool:
    return _value(fact, path) is not None


@pytest.mark.parametrize("doc,words", [
    ({"fact": M, "between": [99]}, "between needs [LOW, HIGH], a list of two bounds; got a list of 1"),
    ({"fact": M, "between": 99}, "got a number (99)"),
    ({"fact": "owner", "between": ["a", "b"]}, "between needs a number or a date, but owner is a string"),
    ({"fact": "warranty.continuity.last_tested", "between": ["2026-01-01", {"param": "p"}]},
     "parameter 'p' is number but warranty.continuity.last_tested is a date"),
    ({"fact": M, "between": [99, {"fact": "owner"}]}, "cannot compare warranty.availability.measured"),
    ({"fact": M, "between": [99, "high"]}, "warranty.availability.measured is a number"),
])
def test_between_refuses_what_it_cannot_compare(doc, words):
    reader = Reader("bad.yaml")
    assert parse_condition(reader, doc, {"c": doc}, "c", "c", Scope(SCHEMA, None, PARAM_DEFS, {})) is None
    assert any(words in str(p) for p in reader.problems), [str(p) for p in reader.problems]


def test_between_bounds_in_the_wrong_order_never_hold():
    leaf = parsed({"fact": M, "between": [99.9, 99]})
    (found,) = satisfiable.analyse(leaf, satisfiable.types_of([], SCHEMA))
    assert found.kind == "never" and found.root


@pytest.mark.parametrize("value,edits", [
    (98, [("set", 99, "at least", False)]),  # below: up to the low bound
    (99.95, [("set", 99.9, "at most", False)]),  # above: down to the high bound
    (None, [("set", 99, "at least", True)]),  # unrecorded: a value within, standing in
])
def test_what_would_make_between_pass(value, edits):
    leaf = parsed({"fact": M, "between": [99, {"param": "p"}]})
    fact = measured(value) if value is not None else {"id": "s"}
    (_, finding), = decided(leaf, [fact])
    ctx = Context(fact, lambda p: _value(fact, p), {}, PARAMS, DAY)
    got = plan(leaf, finding.condition, MET, ctx)
    assert [(e.action, e.value, e.relation, e.example) for e in got] == edits
    if value is None:
        assert got[0].requirement == f"{M} between 99 and param p"


def test_between_end_to_end(cli):
    """tests/data/between-pack.yaml through check: bounds included, unknown when unrecorded; --set
    moves the parameter bound."""
    args = ["check", "tests/data/between-services.yaml", "--rules", "tests/data/between-pack.yaml",
            "--as-of", "2026-11-28", "--fail-on", "never", "-f", "json"]
    got = {s["id"]: s["findings"][0]["status"] for s in json.loads(cli(*args).output)["services"]}
    assert got == {"inside": MET, "on-the-bound": MET, "below": NOT_MET, "above": NOT_MET, "unrecorded": UNKNOWN}
    raised = {s["id"]: s["findings"][0]["status"]
              for s in json.loads(cli(*args, "--set", "ceiling=99.9999").output)["services"]}
    assert raised["above"] == MET
