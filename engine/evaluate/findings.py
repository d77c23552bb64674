"""Findings from durable-rules' decisions, built lean for the batch.

Everything that does not depend on the service is worked out once per rule
(``RuleLayout``): the nodes in post-order, which templates need the
conditions behind a status, the evidence paths. Per service only statuses,
values and messages are computed; the full condition tree (``ConditionResult``)
is built only when an output needs it (explain, HTML, Markdown).

A finding is a function of the rule's decided statuses and of the values it
reads (its evidence, the values its messages name and, with a tree, the
values its conditions show), so findings are memoised on exactly those: most
services of a catalog share most of their findings (an advisory rule that
holds reads the same for thousands of services), and the memo returns the
same frozen object, which later stages (suggestions, output) memoise on too.
"""
from __future__ import annotations

from typing import Any, Optional

from ..compile.plan import ItemPlan, add_condition
from ..compile.program import CompiledRule
from ..schema import FactSchema
from ..errors import EngineError
from ..explain import perspectives
from ..explain.tree import Facts, build, describe_with_values, gaps_of
from ..explain.words import group_failure, not_recorded, own_message
from ..model.logic import applicable, kleene
from ..model import MET, NOT_APPLICABLE, NOT_MET, UNKNOWN, ConditionResult, Finding
from ..rules.language import Group
from ..rules.templates import SPECIAL, placeholders, render

_REASONS = {"failed": NOT_MET, "held": MET}


class RuleLayout:
    """What a rule's findings need, computed once per compiled rule."""

    def __init__(self, compiled: CompiledRule, derived_inputs: dict, param_inputs: Optional[dict] = None,
                 as_of=None):
        param_inputs = param_inputs or {}  # fact-dependent parameter -> fact paths choosing its case
        self.compiled = compiled
        self.rule = rule = compiled.rule
        # a rule with a date decides from that day on; before it, it is reported only
        self.in_force = as_of is None or rule.in_force(as_of)
        self.effective = rule.effective.isoformat() if rule.effective is not None else None
        self.applies_at = compiled.applies_at  # root of applies_when among the nodes, if any
        self.roots = (0,) if self.applies_at is None else (0, self.applies_at)
        nodes, children = compiled.nodes, compiled.children
        self.groups = [i for i in reversed(range(len(nodes))) if isinstance(nodes[i], Group)]
        self.leaves = [i for i, n in enumerate(nodes) if not isinstance(n, Group)]
        self.kinds = [n.kind if isinstance(n, Group) else None for n in nodes]
        self.children = children
        self.leaf_paths = {i: nodes[i].fact_paths() + [p for name in nodes[i].params()
                                                       for p in param_inputs.get(name, ())]
                           for i in self.leaves}
        paths: list = []
        for i in self.leaves:
            node = nodes[i]
            for p in node.fact_paths():
                if p.startswith("derived."):
                    paths.extend(derived_inputs.get(p, ()))
                paths.append(p)
            for name in node.params():
                paths.extend(param_inputs.get(name, ()))
                paths.append(f"param.{name}")
        self.evidence_paths = tuple(dict.fromkeys(paths))
        # Lists of objects are shown cut down to the item fields the rule reads.
        plan: dict = {}
        for cond in rule.conditions():
            add_condition(plan, cond, FactSchema.default())
        self.item_plans = {path: fp.item for path, fp in plan.items() if fp.item is not None}
        self.node_messages = any(getattr(n, "messages", None) for n in nodes)
        templates = list(rule.messages.values()) + [t for n in nodes for t in (getattr(n, "messages", None)
                                                                                 or {}).values()]
        # values a message names that the evidence does not hold in full (it shows
        # lists of objects cut down to the fields the rule reads)
        self.named = tuple(dict.fromkeys(p for t in templates for p in placeholders(t)
                                         if (p not in SPECIAL or p in ("id", "name"))
                                         and (p not in self.evidence_paths or p in self.item_plans)))
        self.shown = tuple(dict.fromkeys(p for i in self.leaves for p in nodes[i].fact_paths()))
        self.memo: dict = {}

    @property
    def deciding(self) -> bool:
        """The rule takes part in the verdict on this evaluation date."""
        return self.rule.deciding and self.in_force

    def key(self, decided: dict, evidence: tuple, facts: Facts, with_tree: bool) -> tuple:
        """Everything a finding depends on (see the module doc)."""
        named = repr(tuple(facts.value(p) for p in self.named)) if self.named else ""
        shown = repr(tuple(facts.value(p) for p in self.shown)) if with_tree else ""
        return (tuple(decided.get(i) for i in self.compiled.decided), repr(evidence), named, shown)

    def evidence(self, facts: Facts) -> tuple:
        out = []
        for path in self.evidence_paths:
            value = facts.value(path)
            item = self.item_plans.get(path)
            if item is not None and value is not None:
                value = [_slim(v, item) for v in value]
            out.append((path, _jsonable(value)))
        return tuple(out)

    def status(self, decided: dict) -> str:
        """The rule's status from durable-rules' decisions on its roots: the condition's,
        unless applies_when is not met (not applicable) or unknown (unknown)."""
        status = decided.get(0, UNKNOWN)
        if self.applies_at is None:
            return status
        return applicable(decided.get(self.applies_at, UNKNOWN), status)

    def explained_by(self, decided: dict) -> int:
        """The root whose tree explains the status: applies_when's when it is not met."""
        if self.applies_at is not None and decided.get(self.applies_at) != MET:
            return self.applies_at
        return 0

    def statuses(self, decided: dict) -> list:
        """Status of every node: durable-rules' for roots and leaves, Kleene in between."""
        out = [decided.get(i, UNKNOWN) for i in range(len(self.kinds))]
        for i in self.groups:
            composed = kleene(self.kinds[i], [out[c] for c in self.children[i]])
            if i in self.roots:  # each root (the condition's, applies_when's) against its own decision
                if composed != out[i]:
                    raise EngineError(f"rule {self.rule.id}: durable-rules decided {out[i]} but its "
                                      f"conditions compose to {composed}")
            else:
                out[i] = composed
        return out

    def reasons(self, statuses: list, want: str, index: int = 0) -> list:
        """Node indices that make node ``index`` have status ``want``: only those that count.

        A not-met ``all`` is explained by its not-met children; a not-met ``any``
        failed in every alternative, so it is one reason (its label says what it
        means). A met ``any`` by the alternatives that held, a met ``all`` by all
        its children; unknown follows unknown children. Leaves and ``not`` are
        reasons in themselves.
        """
        if statuses[index] != want:
            return []
        kind = self.kinds[index]
        if kind is None or kind == "not" or (want == NOT_MET and kind == "any"):
            return [index]
        return [i for c in self.children[index] for i in self.reasons(statuses, want, c)]

    def missing(self, statuses: list, facts: Facts, root: int = 0) -> tuple:
        # Only unknown leaves under unknown parents count: an unknown branch of
        # an ``any`` that is met anyway is not why the rule is unknown. A quantifier
        # over a recorded list waits for the item fields its items lack.
        nodes = self.compiled.nodes
        return tuple(dict.fromkeys(m for i in self._unknown_leaves(statuses, root) if i in self.leaf_paths
                                   for m in gaps_of(nodes[i], facts)))

    def _unknown_leaves(self, statuses: list, index: int) -> list:
        """The leaves that make node ``index`` unknown: ``not`` is unknown exactly when what
        it negates is, so the search goes on below it (a reason in itself only for met / not met)."""
        out = []
        for i in self.reasons(statuses, UNKNOWN, index):
            out.extend(self._unknown_leaves(statuses, self.children[i][0]) if self.kinds[i] == "not" else [i])
        return out

    def tree(self, decided: dict, facts: Facts, root: int) -> ConditionResult:
        """The explanation tree: the condition's, or why the rule does not (or may not) apply."""
        if root == 0:
            return build(self.rule.condition, decided, [0], facts)
        applies = build(self.rule.applies_when, decided, [root], facts)
        return ConditionResult(f"the rule applies: {applies.description}", applies.status, "applies_when",
                               missing=applies.missing, children=(applies,))


MEMO_LIMIT = 4096  # distinct findings kept per rule; a catalog of varied services starts afresh past it


def make_finding(layout: RuleLayout, decided: dict, facts: Facts, with_tree: bool) -> Finding:
    evidence = layout.evidence(facts)
    key = layout.key(decided, evidence, facts, with_tree)
    found = layout.memo.get(key)
    if found is None:
        if len(layout.memo) >= MEMO_LIMIT:
            layout.memo.clear()
        found = layout.memo[key] = _finding(layout, decided, facts, with_tree, evidence)
    return found


def _finding(layout: RuleLayout, decided: dict, facts: Facts, with_tree: bool, evidence: tuple) -> Finding:
    rule = layout.rule
    statuses = layout.statuses(decided)
    status, root = layout.status(decided), layout.explained_by(decided)
    missing = layout.missing(statuses, facts, root) if status == UNKNOWN else ()
    tree = layout.tree(decided, facts, root) if with_tree else None
    seen = _perspectives(layout, facts)
    message = (_perspective_message(layout, statuses, status, facts, decided, root, seen) if seen else None) \
        or _message(layout, statuses, status, facts, missing, decided, root)
    return Finding(rule.id, rule.top_criterion, rule.dimension, status, rule.severity, rule.title,
                   message, evidence, missing, tree, rule.pack, effective=layout.effective,
                   in_force=layout.in_force, perspectives=perspectives.combined(list(seen.values())) if seen else ())


def _perspectives(layout: RuleLayout, facts: Facts) -> dict:
    """Node index -> Perspectives, for the rule's comparisons judged per perspective."""
    if not facts.perspectives:
        return {}
    nodes = layout.compiled.nodes
    return {i: facts.perspectives[id(nodes[i])] for i in layout.leaves if id(nodes[i]) in facts.perspectives}


def _perspective_message(layout: RuleLayout, statuses: list, status: str, facts: Facts, decided: dict,
                         root: int, seen: dict) -> Optional[str]:
    """The rule's message when effects name whom they affect and its template names the sums
    of a balance judged per perspective (one total no longer says it): what each reason found,
    per perspective for those judged per perspective (explain/perspectives.py)."""
    template = layout.rule.messages.get(status)
    sides = {p for i in seen for p in layout.compiled.nodes[i].fact_paths()}
    if status == NOT_APPLICABLE or (template is not None and not sides & set(placeholders(template))):
        return None
    nodes = layout.compiled.nodes
    parts = []
    for i in layout.reasons(statuses, status, root):
        if i in seen:
            parts.append(perspectives.found(nodes[i], statuses[i], seen[i]))
        else:
            parts.append(_reason_text(layout, statuses, status, facts, decided, i) if status != UNKNOWN
                         else f"{format_value(facts.gaps(nodes[i]))} not recorded")
    return "; ".join(dict.fromkeys(parts)) or None


def _own_reasons(layout: RuleLayout, statuses: list, status: str, root: int = 0) -> list:
    """The conditions that explain ``status``, when each carries its own message for it.

    A condition node may carry its own ``messages:``; when every condition
    explaining the rule's status has one for it, those are the rule's message.
    """
    if not layout.node_messages or status == NOT_APPLICABLE:
        return []
    nodes = layout.compiled.nodes
    reasons = layout.reasons(statuses, status, root)
    has = [(getattr(nodes[i], "messages", None) or {}).get(status) for i in reasons]
    return reasons if reasons and all(has) else []


def _message(layout: RuleLayout, statuses: list, status: str, facts: Facts, missing: tuple,
             decided: dict, root: int = 0) -> str:
    rule = layout.rule
    template = rule.messages.get(status)
    own = _own_reasons(layout, statuses, status, root)
    if own:
        texts = (_subtree(layout, i, decided, facts).found or "" if status != MET
                 else own_message(layout.compiled.nodes[i], status, facts, ()) for i in own)
        return "; ".join(dict.fromkeys(texts))
    if status == UNKNOWN and any(m in facts.notes for m in missing):  # the pack's words are for facts absent
        template = None
    if template is None:
        if status == MET:
            return rule.title
        if status == UNKNOWN:
            return f"{rule.title}: cannot be judged, {not_recorded(missing, facts.notes)}"
        if status == NOT_APPLICABLE:  # what applies_when found instead
            return f"not applicable: {_reason_text(layout, statuses, NOT_MET, facts, decided, root)}"
        return f"{rule.title}: not met: {_reason_text(layout, statuses, NOT_MET, facts, decided)}"

    def lookup(name: str) -> Any:
        if name == "missing":
            return list(missing) or None
        if name == "status":
            return status
        if name in _REASONS:
            want = NOT_MET if status == NOT_APPLICABLE else _REASONS[name]
            return _reason_text(layout, statuses, want, facts, decided, root) or None
        return facts.said(name)

    return render(template, lookup)


def _subtree(layout: RuleLayout, i: int, decided: dict, facts: Facts):
    """The explanation tree of node ``i`` alone (its statuses renumbered from 0)."""
    sub = {j - i: s for j, s in decided.items() if j >= i}
    return build(layout.compiled.nodes[i], sub, [0], facts)


def _reason_text(layout: RuleLayout, statuses: list, want: str, facts: Facts, decided: dict,
                 root: int = 0) -> str:
    """{held}: the conditions that held, with their values; {failed}: what the failing ones found."""
    parts = []
    for i in layout.reasons(statuses, want, root):
        tree = _subtree(layout, i, decided, facts)
        if want == MET:
            parts.append(describe_with_values(tree))
        else:
            parts.append(tree.found or group_failure(layout.compiled.nodes[i], want, tree.children))
    return "; ".join(parts)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _slim(value: Any, plan: ItemPlan) -> Any:
    if plan.scalar is not None or not isinstance(value, dict):
        return value
    out = {}
    for path, fp in plan.fields.items():
        sub = value.get(path)
        if sub is None:
            continue
        out[path] = [_slim(v, fp.item) for v in sub] if fp.item is not None and isinstance(sub, list) else sub
    return out
