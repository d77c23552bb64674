"""One test over the table of operators (engine/rules/operators.py): for every operator, its
example parses, compiles onto durable-rules and decides what the reference evaluator decides;
its explanation has words and a candidate change; lint knows of it what the table says; the
condition schema accepts it and refuses a wrong operand. A consumer without an entry for an
operator fails when it is imported (registry), and an operator nobody knows is never comparable."""
from __future__ import annotations

import datetime as dt
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
    if leaf.operand is not None and leaf.operand.kind == "param":  # lint reasons on literals only
        leaf = replace(leaf, operand=Operand("value", PARAMS[leaf.operand.value]))
    both = Group("all", (leaf, Group("not", (leaf,))))
    found = satisfiable.analyse(both, type_of)
    comparable = op.sense is not None or op.operand == TEST
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


def _value(fact, path):
    node = fact
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _recorded(fact, path) -> bool:
    return _value(fact, path) is not None
