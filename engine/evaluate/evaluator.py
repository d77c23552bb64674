"""Evaluate one validated fact: derived facts, payload, durable-rules, findings."""
from __future__ import annotations

import datetime as _dt
import itertools
import json
from typing import Any

from ..compile.program import CompiledRule, Program
from ..errors import EngineError
from ..explain.tree import Facts, build, describe_with_values, kleene, why_not
from ..model import MET, NOT_MET, UNKNOWN, Finding
from ..rules.cases import ParamCases
from ..rules.model import Group, Rule
from ..rules.templates import format_value, render
from .compose import compose, exempt_keys, sort_key
from .derived import compute
from .host import DurableHost
from .payload import build_payload


class Evaluator:
    """Holds one compiled Program and its durable-rules host for this process."""

    def __init__(self, program: Program, as_of: _dt.date):
        self.program = program
        self.as_of = as_of
        self.host = DurableHost(program)
        self._ids = itertools.count(1)
        self._derived = [(d, program.params[p.name]) for p in program.packs for d in p.derived.values()]
        self._derived_inputs = {out: d.inputs for d, _ in self._derived for out in d.outputs}
        self._params = {name: value for p in program.packs for name, value in program.params[p.name].items()}
        # Fact-dependent parameters have no one value: per service, the case
        # durable-rules selected (None when unknown) is shown in explanations.
        self._param_inputs = {name: v.fact_paths() for name, v in self._params.items() if isinstance(v, ParamCases)}
        self._params.update({name: None for name in self._param_inputs})
        self.selected: dict = {}  # param name -> value chosen for the last service
        self._exempt = exempt_keys(program.packs)
        self._balance = _balance_paths(program)

    def close(self) -> None:
        self.host.close()

    def derived_values(self, fact: dict) -> dict:
        values: dict = {}
        for derived, params in self._derived:
            values.update(compute(derived, fact, params, self.as_of))
        return values

    def statuses(self, fact: dict, derived: dict) -> list:
        """Per compiled rule, {node index: met | not_met} as durable-rules decided."""
        payload = build_payload(self.program.plan, fact, derived, next(self._ids))
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        decided: list = [dict() for _ in self.program.rules]
        self.selected = {}
        for name in self.host.fire(text):
            if name in self.program.selectors:
                pack, param, case = self.program.selectors[name]
                self.selected[param] = self.program.params[pack][param].cases[case].value
                continue
            rule_index, node, met = self.program.names[name]
            status = MET if met else NOT_MET
            previous = decided[rule_index].get(node)
            if previous is not None and previous != status:
                raise EngineError(f"rule {self.program.rules[rule_index].rule.id}: durable-rules found "
                                  f"condition {node} both met and not met")
            decided[rule_index][node] = status
        return decided

    def findings(self, fact: dict) -> tuple[list, tuple]:
        derived = self.derived_values(fact)
        decided = self.statuses(fact, derived)
        params = {**self._params, **self.selected} if self._param_inputs else self._params
        facts = Facts(fact, derived, params, self._derived_inputs, self._param_inputs)
        out = [self._finding(c, decided[c.index], facts) for c in self.program.rules]
        out.sort(key=sort_key)
        totals = tuple(facts.value(p) if facts.value(p) is not None else 0 for p in self._balance)
        return out, totals if len(totals) == 2 else (None, None)

    def evaluate(self, fact: dict):
        """(criteria, verdict, findings) for one valid fact."""
        findings, totals = self.findings(fact)
        criteria, verdict = compose(findings, totals, self._exempt)
        return criteria, verdict, tuple(findings)

    def _finding(self, compiled: CompiledRule, decided: dict, facts: Facts) -> Finding:
        rule = compiled.rule
        tree = build(rule.condition, decided, [0], facts)
        status = decided.get(0, UNKNOWN)
        if isinstance(rule.condition, Group):
            composed = kleene(rule.condition.kind, [c.status for c in tree.children])
            if composed != status:
                raise EngineError(f"rule {rule.id}: durable-rules decided {status} but its conditions "
                                  f"compose to {composed}")
        evidence = _evidence(compiled, facts)
        missing = tree.missing if status == UNKNOWN else ()
        message = _message(rule, status, facts, missing, tree, _node_templates(compiled, tree, status))
        return Finding(rule.id, rule.top_criterion, rule.dimension, status, rule.severity, rule.title,
                       message, evidence, missing, tree, rule.pack)


def _evidence(compiled: CompiledRule, facts: Facts) -> tuple:
    paths: list = []
    for node in compiled.nodes:
        if isinstance(node, Group):
            continue
        for p in node.fact_paths():
            if p.startswith("derived."):
                paths.extend(facts.derived_inputs.get(p, ()))
            paths.append(p)
        if node.operand is not None and node.operand.kind == "param":
            paths.extend(facts.param_inputs.get(node.operand.value, ()))
            paths.append(f"param.{node.operand.value}")
    return tuple((p, _jsonable(facts.value(p))) for p in dict.fromkeys(paths))


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _node_templates(compiled: CompiledRule, tree, status: str) -> list:
    """The messages of the conditions that explain ``status``, when each has one.

    A node may carry its own messages (``messages:`` beside ``label:``). When
    every condition explaining the rule's status has a message for it, those
    are the rule's message; otherwise the rule's own message is used.
    """
    if not any(getattr(n, "messages", None) for n in compiled.nodes):
        return []
    results = []

    def visit(c):
        results.append(c)
        for child in c.children:
            visit(child)

    visit(tree)
    by_id = {id(c): n for c, n in zip(results, compiled.nodes)}
    reasons = why_not(tree, status)
    templates = [(by_id[id(c)].messages or {}).get(status) for c in reasons]
    return templates if templates and all(templates) else []


def _message(rule: Rule, status: str, facts: Facts, missing: tuple, tree, node_templates=()) -> str:
    template = rule.messages.get(status)
    if template is None and not node_templates:
        if status == MET:
            return rule.title
        if status == UNKNOWN:
            return f"{rule.title}: cannot be judged, {format_value(list(missing))} not recorded"
        return f"{rule.title}: not met: {'; '.join(describe_with_values(c) for c in why_not(tree))}"

    def lookup(name: str) -> Any:
        if name == "missing":
            return list(missing) or None
        if name in ("failed", "held"):
            want = NOT_MET if name == "failed" else MET
            return "; ".join(describe_with_values(c) for c in why_not(tree, want)) or None
        if name == "status":
            return status
        return facts.value(name)

    if node_templates:
        return "; ".join(dict.fromkeys(render(t, lookup) for t in node_templates))
    return render(template, lookup)


def _balance_paths(program: Program) -> tuple:
    for compiled in program.rules:
        if compiled.rule.criterion != "value":
            continue
        for node in compiled.nodes:
            for p in getattr(node, "fact_paths", lambda: [])():
                if p.endswith(".positives"):
                    return (p, p[: -len("positives")] + "negatives")
    return ()
