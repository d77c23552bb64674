"""Evaluate one validated fact: derived facts, payload, durable-rules, findings."""
from __future__ import annotations

import datetime as _dt
import itertools
from typing import NamedTuple, Optional

from ..compile.program import Program
from ..errors import EngineError
from ..explain.enrich import Enricher
from ..explain.tree import Facts
from ..compile.perspectives import sides_of, spread_leaf
from ..explain import perspectives
from ..model.logic import kleene
from ..model import MET, NOT_MET, UNKNOWN
from ..rules.param_cases import ParamCases
from ..levels import ladder_of
from .compose import compose, exempt_keys, sort_key, undecided_keys
from .coverage import CoverageProbe
from .derived import compute, unknown_because
from .findings import RuleLayout, make_finding
from .host import DurableHost
from .payload import build_payload, encode, perspective_fact


class Evaluator:
    """Holds one compiled Program and its durable-rules host for this process.

    ``explain=False`` skips building full condition trees (``Finding.condition``
    stays None): messages, evidence and missing facts are still complete. The
    batch uses it for outputs that do not print trees. ``waivers`` (a policy
    WaiverSet) is applied by ``judge``, before composition. ``strict``: the
    batch (batch.evaluate_one) makes a record's unknown keys errors.
    """

    strict = False
    targets: tuple = ()  # levels.Target the graded services are placed in scope of (batch.judge_pending)

    def __init__(self, program: Program, as_of: _dt.date, explain: bool = True, suggest: bool = False,
                 waivers=None, sources: Optional[dict] = None):
        self.program = program
        self.waivers = waivers  # a governance WaiverSet applied to each result, or None
        self.as_of = as_of
        self.explain = explain
        self.host = DurableHost(program)
        self._ids = itertools.count(1)
        self._derived = [(d, program.params[p.name]) for p in program.packs for d in p.derived.values()]
        self._derived_inputs = {out: d.inputs for d, _ in self._derived for out in d.outputs}
        self._bounds = {out: lists for d, _ in self._derived for out, lists in d.lower_bounds().items()}
        self._params = {name: value for p in program.packs for name, value in program.params[p.name].items()}
        # another pack's parameter is read as PACK.NAME
        self._params.update({f"{p.name}.{name}": value for p in program.packs
                             for name, value in program.params[p.name].items()})
        # Fact-dependent parameters have no one value: per service, the case
        # durable-rules selected (None when unknown) is shown in explanations.
        self._cases = {name: v for name, v in self._params.items() if isinstance(v, ParamCases)}
        self._param_inputs = {name: v.fact_paths() for name, v in self._cases.items()}
        self._params.update({name: None for name in self._param_inputs})
        self.selected: dict = {}  # param name -> value chosen for the last service
        self._exempt = exempt_keys(program.packs)
        self.ladder = ladder_of(program.packs)[0]  # the maturity levels services are graded on, if any
        self.undecided = undecided_keys(program.packs, self._exempt)  # unknown whatever the facts
        self._main = len(program.rulesets) - program.spread_rulesets  # rulesets given the service
        sides = sides_of(program.packs)
        self._spread_items = {(c.index, i): sides[n.path].items for c in program.rules
                              for i, n in enumerate(c.nodes) if i in c.decided and spread_leaf(n, sides)}
        self._spread_nodes = tuple(self._spread_items)
        self._balance = _balance_paths(program)
        layouts = [RuleLayout(c, self._derived_inputs, self._param_inputs, as_of) for c in program.rules]
        # Findings come out in report order (criterion, then pack order).
        self._layouts = sorted(layouts, key=lambda lay: sort_key(lay.rule))
        # The value balance item by item, and (with suggest) what would make a failing
        # service pass, verified by evaluating changed facts with this evaluator.
        self.coverage = CoverageProbe(program)  # what each service records of the deciding facts
        self.last: Optional[Decision] = None  # the decision judge() made last
        self.enrich = Enricher(program, as_of, suggest, self, sources)

    @property
    def exempt(self) -> frozenset:
        """Criteria left without counting rules (compose's ``exempt``)."""
        return self._exempt

    def close(self) -> None:
        self.host.close()

    def derived_values(self, fact: dict) -> dict:
        values: dict = {}
        for derived, params in self._derived:
            values.update(compute(derived, fact, params, self.as_of))
        return values

    def derived_notes(self, fact: dict, derived: dict) -> dict:
        """Why a derived fact is unknown although its inputs are recorded (see unknown_because)."""
        notes: dict = {}
        for d, _ in self._derived:
            if not any(out in derived for out in d.outputs):
                notes.update(unknown_because(d, fact, self.as_of))
        return notes

    def statuses(self, fact: dict, derived: dict) -> list:
        """Per compiled rule, {node index: met | not_met} as durable-rules decided."""
        payload = build_payload(self.program.plan, fact, derived, next(self._ids))
        decided: list = [dict() for _ in self.program.rules]
        names, selectors = self.program.names, self.program.selectors
        self.selected = {}
        texts = [encode({k: v for k, v in payload.items() if k in keys}) for keys in self.program.keys[:self._main]]
        for name in self.host.fire(texts):
            if name in selectors:  # which case of a fact-dependent parameter applied
                pack, param, case = selectors[name]
                value = self.program.params[pack][param].cases[case].value
                self.selected[param] = self.selected[f"{pack}.{param}"] = value
                continue
            rule_index, node, met = names[name]
            status = MET if met else NOT_MET
            previous = decided[rule_index].setdefault(node, status)
            if previous != status:
                raise EngineError(f"rule {self.program.rules[rule_index].rule.id}: durable-rules found "
                                  f"condition {node} both met and not met")
        return decided

    def perspective_statuses(self, derived: dict, decided: list) -> dict:
        """(rule index, node index) -> status per perspective, for the comparisons on a balance
        judged per perspective, where effects name whom they affect: one fact per perspective
        asserted into the rulesets deciding them (compile/perspectives.py). Each must compose,
        with Kleene's and, to what the rule's own durable rule decided for all of them."""
        program = self.program
        out: dict = {}
        for path in program.plan.spreads:
            items = derived.get(path) or ()
            if len(items) == 1 and items[0]["name"] is None:  # no effect names anyone: judged once
                continue
            found = {key: [UNKNOWN] * len(items) for key, p in self._spread_items.items() if p == path}
            for k, item in enumerate(items):
                fact = perspective_fact(item, next(self._ids), path)
                texts = [encode({key: v for key, v in fact.items() if key in keys})
                         for keys in program.keys[self._main:]]
                for name in self.host.fire(texts, start=self._main):
                    rule, node, met = program.spread_names[name]
                    found[(rule, node)][k] = MET if met else NOT_MET
            for (rule, node), each in found.items():
                together = kleene("all", each)
                if together != decided[rule].get(node, UNKNOWN):
                    raise EngineError(f"rule {program.rules[rule].rule.id}: durable-rules decided condition "
                                      f"{node} {decided[rule].get(node, UNKNOWN)} but its perspectives compose "
                                      f"to {together}")
                out[(rule, node)] = (path, tuple(each))
        return out

    def decide(self, fact: dict) -> "Decision":
        """One pass through durable-rules: every rule's decided nodes, and the values read."""
        derived = self.derived_values(fact)
        decided = self.statuses(fact, derived)
        params = {**self._params, **self.selected} if self._param_inputs else self._params
        facts = Facts(fact, derived, params, self._derived_inputs, self._param_inputs, self._bounds, self._cases,
                      self.derived_notes(fact, derived))
        if self._spread_nodes:
            for (rule, node), (path, each) in self.perspective_statuses(derived, decided).items():
                leaf = self.program.rules[rule].nodes[node]
                facts.perspectives[id(leaf)] = perspectives.views(leaf, derived[path], each, facts)
        return Decision(fact, decided, facts)

    def findings_of(self, decision: "Decision", explain: Optional[bool] = None, only=None) -> tuple[list, tuple]:
        """Findings (memoised, see findings.py) and the value balance totals of a decision;
        ``only``: the rule ids to build (default: every rule)."""
        explain = self.explain if explain is None else explain
        decided, facts = decision.decided, decision.facts
        out = [make_finding(lay, decided[lay.compiled.index], facts, explain) for lay in self._layouts
               if only is None or lay.rule.id in only]
        if len(self._balance) == 2:
            totals = tuple(facts.value(p) if facts.value(p) is not None else 0 for p in self._balance)
        else:
            totals = (None, None)
        return out, totals

    def findings(self, fact: dict, explain: Optional[bool] = None) -> tuple[list, tuple]:
        return self.findings_of(self.decide(fact), explain)

    def evaluate(self, fact: dict, explain: Optional[bool] = None):
        """(criteria, verdict, findings) for one valid fact, without waivers;
        ``explain`` overrides whether trees are built."""
        findings, totals = self.findings(fact, explain)
        criteria, verdict = compose(findings, totals, self._exempt)
        return criteria, verdict, tuple(findings)

    def judge(self, fact: dict):
        """(criteria, verdict, findings) for one valid fact, its waivers applied.

        The decision is kept (``last``): what would make it pass starts from it
        instead of evaluating the service again."""
        self.last = self.decide(fact)
        findings, totals = self.findings_of(self.last)
        if self.waivers is not None:
            findings = self.waivers.attach(fact["id"], findings)
        criteria, verdict = compose(findings, totals, self._exempt)
        return criteria, verdict, tuple(findings)

    def trees(self, fact: dict, rule_ids) -> list:
        """Findings with condition trees for the given rules, from the last decision when it
        is this fact's (no second pass through the engine), else from a new one."""
        decision = self.last if self.last is not None and self.last.fact is fact else self.decide(fact)
        return self.findings_of(decision, True, set(rule_ids))[0]

    def verdict_of(self, decision: "Decision") -> str:
        """The verdict alone: durable-rules' decisions composed, no findings built.

        For checking changed copies of one service ("what would make it pass"),
        where only the verdict matters (waivers are not applied)."""
        decided = decision.decided
        light = [_Decided(lay.rule.id, lay.rule.top_criterion, lay.rule.dimension,
                          lay.status(decided[lay.compiled.index]), lay.in_force and lay.rule.severity == "error",
                          scheduled=not lay.in_force and lay.rule.severity == "error")
                 for lay in self._layouts if lay.rule.deciding]
        return compose(light, (None, None), self._exempt)[1]

    def failing(self, decision: "Decision") -> set:
        """Ids of the deciding rules the decision did not find met."""
        decided = decision.decided
        return {lay.rule.id for lay in self._layouts
                if lay.deciding and decided[lay.compiled.index].get(0) != MET}

    def verdict(self, fact: dict) -> str:
        return self.verdict_of(self.decide(fact))


class Decision(NamedTuple):
    """durable-rules' decisions on one fact, with the values they were made on."""

    fact: dict
    decided: list  # per compiled rule, {node index: met | not_met}
    facts: Facts


class _Decided(NamedTuple):
    """What composition reads of a finding (waivers are applied later, by the caller)."""

    rule: str
    criterion: str
    dimension: Optional[str]
    status: str
    counts: bool
    waived: bool = False
    scheduled: bool = False  # not yet in force (see Finding.scheduled)


def _balance_paths(program: Program) -> tuple:
    for compiled in program.rules:
        if compiled.rule.criterion != "value":
            continue
        for node in compiled.nodes:
            for p in getattr(node, "fact_paths", lambda: [])():
                if p.endswith(".positives"):
                    return (p, p[: -len("positives")] + "negatives")
    return ()
