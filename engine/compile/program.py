"""Compile packs into a ``Program``: durable-rules rulesets plus the maps back.

For every rule, the root of its condition and each leaf get a durable rule
for "met" and one for "not met" (a single-leaf rule needs just the one pair).
The root pair decides the rule; the leaf pairs say which conditions held and
which failed, for the explanation. The rules are packed into as many
rulesets as durable-rules' limits require, and every limit is checked here,
at compile time, with the rule's file and line in the message.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Optional

from ..errors import Problem, RulePackError
from ..schema import FactSchema
from ..rules.param_cases import ParamCases
from ..rules.operators import QUANTIFIERS
from ..rules.language import EXACT_SUFFIX, Condition, Group, Leaf, Pack, Rule, Term
from .conditions import both, payload_keys, selectors
from .limits import alpha_nodes, alternatives, expression_count, node_count
from .perspectives import every, perspective, problems as spread_problems, sides_of, spread_leaf
from .plan import MAX_PROPERTIES, PayloadPlan, build_plan, derived_paths_read

MAX_ALTERNATIVES = 32  # firings one durable rule may produce for one fact
MAX_EXPRESSIONS = 31  # durable-rules refuses a rule whose expression sequence reaches 32 (error 113)
MAX_NODES_PER_RULESET = 60  # durable-rules fails (error 303) past 64 matching nodes
MAX_RULES_PER_RULESET = 200  # registration slows sharply, then hangs, near 512

_ruleset_ids = itertools.count(1)


@dataclass(frozen=True)
class CompiledRule:
    index: int
    rule: Rule
    nodes: tuple  # condition nodes in pre-order; 0 is the root; then applies_when's, if any
    children: tuple  # per node, the indices of its children
    decided: tuple  # node indices durable-rules decides (both roots and the leaves)
    applies_at: Optional[int] = None  # index of the applies_when root in nodes
    # comparisons with a fact-dependent parameter are decided where every case agrees
    # (conditions.select); False only for a rule past durable-rules' limits with it
    agree: bool = True


@dataclass(frozen=True)
class Program:
    packs: tuple
    params: dict  # pack name -> {param: value}
    rules: tuple  # CompiledRule
    rulesets: tuple  # (name, definition dict) to register with durable-rules
    names: dict  # durable rule name -> (rule index, node index, met?)
    plan: PayloadPlan
    # durable rule name -> (pack, parameter, case index): which case of a
    # fact-dependent parameter applied to the service (for explanations)
    selectors: dict = field(default_factory=dict)
    keys: tuple = ()  # per ruleset, the payload properties its rules read (frozensets)
    # The last ``spread_rulesets`` rulesets take one fact per perspective of a balance judged
    # per perspective (compile/perspectives.py), not the service's payload; their durable rule
    # names -> (rule index, node index, met?), as ``names``.
    spread_names: dict = field(default_factory=dict)
    spread_rulesets: int = 0

    def rule(self, rule_id: str) -> Optional[CompiledRule]:
        return next((c for c in self.rules if c.rule.id == rule_id), None)


def number_nodes(cond: Condition, nodes: Optional[list] = None, children: Optional[list] = None) -> tuple[list, list]:
    """Pre-order numbering; appending to ``nodes`` / ``children`` numbers a second tree after the first."""
    nodes = [] if nodes is None else nodes
    children = [] if children is None else children

    def visit(node) -> int:
        idx = len(nodes)
        nodes.append(node)
        children.append(())
        if isinstance(node, Group):
            children[idx] = tuple(visit(c) for c in node.children)
        return idx

    visit(cond)
    return nodes, children


def compile_packs(packs: list, params: dict, schema: Optional[FactSchema] = None) -> Program:
    """Compile ``packs`` with resolved ``params`` (pack -> name -> value)."""
    schema = schema or FactSchema.default()
    compiled, definitions, names, problems = [], [], {}, []
    for pack in packs:
        problems.extend(_check_cases(pack, scoped_params(pack, params)))
    if problems:
        raise RulePackError(problems)
    bounds = lower_bounds(packs)
    sides = sides_of(packs)
    spread_defs: list = []
    spread_names: dict = {}
    for pack in packs:
        for rule in pack.rules:
            index = len(compiled)
            nodes, children = number_nodes(rule.condition)
            # applies_when is compiled like the condition: its own met / not met pair (and its
            # leaves' pairs, for the explanation), numbered after the condition's nodes
            applies_at = len(nodes) if rule.applies_when is not None else None
            if applies_at is not None:
                number_nodes(rule.applies_when, nodes, children)
            decided = tuple(i for i, n in enumerate(nodes) if i in (0, applies_at) or isinstance(n, Leaf))
            readable = scoped_params(pack, params)
            refused = spread_problems(rule, sides, readable) if sides else []
            if refused:  # the rule cannot be compiled: say why, compile_packs raises below
                problems.extend(refused)
                continue
            found, trouble = _rule_definitions(rule, index, nodes, decided, readable, bounds, sides)
            agree = True
            if trouble and any(isinstance(v, ParamCases) for v in readable.values()):
                # past durable-rules' limits with the every-case branch of a fact-dependent
                # parameter (conditions.select): without it, for every node of the rule alike
                agree = False
                readable = {k: replace(v, agree=False) if isinstance(v, ParamCases) else v
                            for k, v in readable.items()}
                found, trouble = _rule_definitions(rule, index, nodes, decided, readable, bounds, sides)
            problems.extend(trouble)
            for name, node_index, flag, expr in found:
                definitions.append((index, name, {"all": [{"m": expr}]}, node_count(expr)))
                names[name] = (index, node_index, flag)
            for name, node_index, flag, expr in _spread_definitions(index, nodes, decided, readable, sides):
                problems.extend(_check_expr(rule, node_index, expr))
                spread_defs.append((index, name, {"all": [{"m": expr}]}, node_count(expr)))
                spread_names[name] = (index, node_index, flag)
            compiled.append(CompiledRule(index, rule, tuple(nodes), tuple(children), decided, applies_at, agree))
    chosen, when = _selectors(packs, params, definitions, problems)
    conditions = [c for p in packs for r in p.rules for c in r.conditions()]
    read = [d for c in conditions for d in derived_paths_read(c)]
    plan = build_plan(conditions + when,
                      read + [bounds[d] for d in read if d in bounds], schema)
    plan.spreads = sorted({sides[d].items for d in read if d in sides})
    if plan.property_count() > MAX_PROPERTIES:
        problems.append(Problem(f"the packs read {plan.property_count()} fact properties; durable-rules "
                                f"accepts at most {MAX_PROPERTIES} per fact", None, "error", "limit"))
    if problems:
        raise RulePackError(problems)
    spread = _split(spread_defs)
    rulesets = tuple(_split(definitions) + spread)
    keys = tuple(frozenset({"id"}) | {k for body in rs.values() for k in payload_keys(body["all"][0]["m"])}
                 for _, rs in rulesets)
    return Program(tuple(packs), params, tuple(compiled), rulesets, names, plan, chosen, keys,
                   spread_names, len(spread))


def _rule_definitions(rule: Rule, index: int, nodes: list, decided: tuple, readable: dict,
                      bounds: dict, sides: Optional[dict] = None) -> tuple[list, list]:
    """(name, node, met?, durable expression) for each decided node of one rule, and the
    limits they break."""
    found, problems = [], []
    lower = (lambda leaf, values: every(leaf, values, sides)) if sides else None
    for node_index in decided:
        met, not_met = both(nodes[node_index], readable, bounds=bounds, lower=lower)
        for flag, expr in ((True, met), (False, not_met)):
            problems.extend(_check_expr(rule, node_index, expr))
            found.append((f"r{index}n{node_index}{'t' if flag else 'f'}", node_index, flag, expr))
    return found, problems


def _spread_definitions(index: int, nodes: list, decided: tuple, readable: dict, sides: dict) -> list:
    """(name, node, met?, durable expression) deciding each leaf on a balance judged per
    perspective from one perspective: asserted once per perspective (compile/perspectives.py)."""
    out = []
    for node_index in decided:
        if sides and spread_leaf(nodes[node_index], sides):
            met, not_met = perspective(nodes[node_index], readable, sides)
            out += [(f"r{index}n{node_index}pt", node_index, True, met),
                    (f"r{index}n{node_index}pf", node_index, False, not_met)]
    return out


def scoped_params(pack: Pack, params: dict) -> dict:
    """The parameter values a pack's conditions read: its own by name, those of the packs it
    requires as PACK.NAME."""
    out = dict(params[pack.name])
    for dep in pack.requires:
        out.update({f"{dep}.{name}": value for name, value in params.get(dep, {}).items()})
    return out


def lower_bounds(packs) -> dict:
    """Lower-bound derived paths (a balance side) -> the payload key marking them exact."""
    return {out: out + EXACT_SUFFIX for p in packs for d in p.derived.values() for out in d.lower_bounds()}


def _params_read(cond: Condition, inside_item: bool = False):
    """(parameter name, read inside a list-item condition?) for every param operand."""
    stack = [(cond, inside_item)]
    while stack:
        node, inside = stack.pop()
        if isinstance(node, Group):
            stack.extend((c, inside) for c in node.children)
            continue
        for name in node.params():
            yield name, inside
        if node.op in QUANTIFIERS:
            stack.append((node.inner, True))


def _check_cases(pack: Pack, values: dict) -> list[Problem]:
    """Where a fact-dependent parameter cannot be used, say so at the rule."""
    cases = {n for n, v in values.items() if isinstance(v, ParamCases)}
    if not cases:
        return []
    out = []
    for rule in pack.rules:
        for name, inside in (x for c in rule.conditions() for x in _params_read(c)):
            if name in cases and inside:
                out.append(Problem(f"rule {rule.id} compares list items with parameter {name!r}, which "
                                   "depends on a fact; item conditions need a single value",
                                   rule.location, "error", "param"))
    for derived in pack.derived.values():
        spread = derived.spread
        if spread is not None and spread.only is not None and spread.only.value in cases:
            out.append(Problem(f"parameter {spread.only.value!r} fixes the perspectives of derived fact "
                               f"{derived.name!r}; the perspectives cannot depend on a fact",
                               derived.location, "error", "param"))
        for term in _terms(derived.args):
            if term.weight is not None and term.weight.kind == "param" and term.weight.value in cases:
                out.append(Problem(f"parameter {term.weight.value!r} weights derived fact {derived.name!r}; "
                                   "a weight cannot depend on a fact", derived.location, "error", "param"))
    return out


def _terms(args):
    for value in args.values():
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, Term):
                yield item


def _selectors(packs: list, params: dict, definitions: list, problems: list) -> tuple[dict, list]:
    """Durable rules that tell which case of each fact-dependent parameter applied."""
    chosen: dict = {}
    when: list = []
    used = {_owner(p.name, n) for p in packs for r in p.rules for c in r.conditions() for n, _ in _params_read(c)}
    for k, (pack_name, name) in enumerate(sorted(used)):
        value = params[pack_name][name]
        if not isinstance(value, ParamCases):
            continue
        when.extend(c.when for c in value.cases if c.when is not None)
        for i, expr in enumerate(selectors(value)):
            rule_name = f"s{k}c{i}"
            if alternatives(expr) > MAX_ALTERNATIVES or node_count(expr) > MAX_NODES_PER_RULESET \
                    or expression_count(expr) > MAX_EXPRESSIONS:
                problems.append(Problem(f"the cases of parameter {name!r} are too complex for durable-rules; "
                                        "use simpler 'when' conditions", value.location, "error", "limit"))
                break
            definitions.append((("param", k), rule_name, {"all": [{"m": expr}]}, node_count(expr)))
            chosen[rule_name] = (pack_name, name, i)
    return chosen, when


def _owner(pack: str, name: str) -> tuple:
    """(pack, parameter) that a parameter name read by ``pack`` means (PACK.NAME: another pack's)."""
    owner, _, short = name.rpartition(".")
    return (owner, short) if owner else (pack, name)


def _check_expr(rule: Rule, node_index: int, expr: dict) -> list[Problem]:
    out = []
    paths = alternatives(expr)
    if paths > MAX_ALTERNATIVES:
        out.append(Problem(f"rule {rule.id}: condition expands to {paths} alternative paths in "
                           f"durable-rules (limit {MAX_ALTERNATIVES}); split it into several rules "
                           "or reduce any-of-all nesting", rule.location, "error", "limit"))
    exprs = expression_count(expr)
    if exprs > MAX_EXPRESSIONS:
        out.append(Problem(f"rule {rule.id}: condition needs {exprs} durable-rules expression entries "
                           f"(limit {MAX_EXPRESSIONS}: each all/any costs 2); split it into several rules",
                           rule.location, "error", "limit"))
    if node_count(expr) > MAX_NODES_PER_RULESET:
        out.append(Problem(f"rule {rule.id}: condition needs {node_count(expr)} durable-rules nodes "
                           f"(limit {MAX_NODES_PER_RULESET} per ruleset); split it into several rules",
                           rule.location, "error", "limit"))
    return out


def _split(definitions: list) -> list:
    """Pack durable rules into as few rulesets as the node and rule limits allow.

    A rule's durable rules stay together so that one ruleset decides it. Each
    ruleset costs one assert per service, so fewer is faster; the distinct
    alpha nodes of a ruleset (shared tests counted once) must stay under
    durable-rules' matching stack of 64.
    """
    groups: dict = {}
    for index, name, body, _ in definitions:
        groups.setdefault(index, []).append((name, body))
    rulesets: list = []
    current: dict = {}
    seen: set = set()
    for group in groups.values():
        trial = set(seen)
        for _, body in group:
            alpha_nodes(body["all"][0]["m"], "root", trial)
        if current and (len(trial) > MAX_NODES_PER_RULESET
                        or len(current) + len(group) > MAX_RULES_PER_RULESET):
            rulesets.append(current)
            current, trial = {}, set()
            for _, body in group:
                alpha_nodes(body["all"][0]["m"], "root", trial)
        current.update(group)
        seen = trial
    if current:
        rulesets.append(current)
    return [(f"valuate{next(_ruleset_ids)}_{i}", rs) for i, rs in enumerate(rulesets)]
