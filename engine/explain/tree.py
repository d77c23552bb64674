"""Explanation trees: which conditions held, which failed, on which values.

Leaf and root statuses come from durable-rules (which of the met / not-met
rules fired); ``all`` / ``any`` / ``not`` nodes in between are shown with the
Kleene composition of their children. Values are read from the validated
fact, so an explanation shows what the catalog said (dates as written),
not the engine's encoding.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from ..model.logic import kleene
from ..model import MET, UNKNOWN, ConditionResult, counted, format_value
from ..rules.language import Group, Leaf
from ..rules.operators import LOWER, OPERATORS, TEST, UPPER
from . import perspectives
from .words import leaf_failure, not_recorded, own_message, requirement, unchosen

_PARTS: dict = {}  # path -> how to read it: ("derived",), ("param", name) or its parts


class Facts:
    """Read access to one service's values: fact paths, derived.*, param.*.

    Lookups are memoised: the same paths are read by the payload, several
    rules' evidence, messages and explanations of one service.
    """

    __slots__ = ("fact", "derived", "params", "derived_inputs", "_seen", "param_inputs", "bounds", "cases",
                 "notes", "perspectives")

    def __init__(self, fact: dict, derived: dict, params: dict, derived_inputs: dict,
                 param_inputs: Optional[dict] = None, bounds: Optional[dict] = None,
                 cases: Optional[dict] = None, notes: Optional[dict] = None, perspectives: Optional[dict] = None):
        self.fact, self.derived, self.params = fact, derived, params
        self.derived_inputs = derived_inputs  # derived path -> input fact paths
        self._seen: dict = {}
        self.param_inputs = param_inputs or {}  # fact-dependent param -> fact paths its cases read
        self.bounds = bounds or {}  # lower-bound derived path -> the lists that make it exact
        self.cases = cases or {}  # fact-dependent param -> its ParamCases (params: the value chosen, or None)
        self.notes = notes or {}  # derived path unknown although its inputs are recorded -> why, in words
        # id(leaf) -> Perspective per perspective, for comparisons on a balance judged per
        # perspective when effects name whom they affect (explain/perspectives.py)
        self.perspectives = perspectives or {}

    def said(self, path: str) -> Any:
        """A value as a message names it: a fact-dependent parameter whose case is not
        chosen reads as the values its cases give ("180 or 365"), not as unrecorded."""
        value = self.value(path)
        if value is None and path.startswith("param.") and path[6:] in self.cases:
            return " or ".join(dict.fromkeys(format_value(c.value) for c in self.cases[path[6:]].cases))
        return value

    def read_paths(self, leaf: Leaf) -> list:
        """Fact paths a leaf depends on, including those choosing a parameter's case."""
        return leaf.fact_paths() + [p for name in leaf.params() for p in self.param_inputs.get(name, ())]

    def value(self, path: str) -> Any:
        seen = self._seen
        if path in seen:
            return seen[path]
        parts = _PARTS.get(path)
        if parts is None:
            parts = _PARTS[path] = _parts(path)
        if parts[0] == "derived.":
            value = self.derived.get(path)
        elif parts[0] == "param.":
            value = self.params.get(parts[1])
        else:
            value = self.fact
            for part in parts:
                value = value.get(part) if isinstance(value, dict) else None
                if value is None:
                    break
        seen[path] = value
        return value

    def absent_inputs(self, path: str) -> list:
        """The fact paths whose absence leaves ``path`` unknown (or, for a lower
        bound, inexact). An empty list is recorded: only absent facts count."""
        if not path.startswith("derived."):
            return [path] if self.value(path) is None else []
        if path in self.bounds:
            return [p for p in self.bounds[path] if self.value(p) is None]
        if path in self.derived:
            return []
        inputs = self.derived_inputs.get(path, ())
        absent = [p for p in inputs if self.value(p) is None]
        return absent or [path]

    def gaps(self, leaf: Leaf) -> list:
        """What an unknown leaf lacks: its absent facts, and for a comparison of
        lower bounds the unrecorded lists of the side that would decide it."""
        if id(leaf) in self.perspectives:  # the lists each undecided perspective waits for
            return perspectives.gaps(self.perspectives[id(leaf)])
        paths = self.read_paths(leaf)
        if leaf.operand is not None and any(p in self.bounds for p in paths):
            paths = [p for p in paths if p not in self.bounds] + self._deciding_bound(leaf)
        return list(dict.fromkeys(m for p in paths for m in self.absent_inputs(p)))

    def _deciding_bound(self, leaf: Leaf) -> list:
        """The bounded side whose exactness the comparison waits for: with the
        bounds as they are, ``x > y`` would hold if y were exact, and fail if x were."""
        right = leaf.operand.value if leaf.operand.kind == "fact" else None
        x = self.value(leaf.path)
        y = self.value(right) if right else (self.params.get(leaf.operand.value)
                                              if leaf.operand.kind == "param" else leaf.operand.value)
        sides = [p for p in (leaf.path, right) if p in self.bounds]
        op = OPERATORS[leaf.op]
        if op.sense not in (LOWER, UPPER) or not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
            return sides
        holds = op.holds(x, y)
        wanted = (right if holds else leaf.path) if op.sense == LOWER else (leaf.path if holds else right)
        return [p for p in (wanted,) if p in self.bounds] or sides


def _parts(path: str) -> tuple:
    if path.startswith("derived."):
        return ("derived.",)
    if path.startswith("param."):
        return ("param.", path[6:])
    return tuple(path.split("."))


def build(node: Any, statuses: dict, index: list, facts: Facts, negated: bool = False) -> ConditionResult:
    """The ConditionResult tree for one rule; ``index`` numbers nodes in pre-order.
    ``negated``: the node is under an odd number of ``not``s, so the rule requires
    its negation (``required``), and only an unknown status is a failure of its own."""
    me = index[0]
    index[0] += 1
    required = requirement(node, negated)
    if isinstance(node, Group):
        inner = not negated if node.kind == "not" else negated
        children = tuple(build(c, statuses, index, facts, inner) for c in node.children)
        status = statuses.get(me) or kleene(node.kind, [c.status for c in children])
        if node.kind == "any" and status == MET:  # the alternatives that did not hold did not matter
            children = tuple(c if c.status == MET else replace(c, applies=False) for c in children)
        missing = tuple(dict.fromkeys(m for c in children if c.status == UNKNOWN for m in c.missing))
        missing = missing if status == UNKNOWN else ()
        # a group says what it found only in its own words (pack messages); the
        # children's findings are shown under it
        found = "" if _fine(status, negated) else own_message(node, status, facts, missing) or ""
        return ConditionResult(node.describe(), status, node.kind, missing=missing, children=children, found=found,
                               required=required)
    return _leaf(node, statuses.get(me, UNKNOWN), facts, negated, required)


def _fine(status: str, negated: bool) -> bool:
    """Whether a node's status needs no words of what was found: met, or, under a ``not``,
    met or not met (what the rule needs of it is the negation: the line shows it)."""
    return status == MET or negated and status != UNKNOWN


def _leaf(leaf: Leaf, status: str, facts: Facts, negated: bool = False, required: str = "") -> ConditionResult:
    values = tuple((p, _shown(facts.value(p))) for p in leaf.fact_paths())
    expected = _expected(leaf, facts)
    missing = gaps_of(leaf, facts) if status == UNKNOWN else ()
    seen = facts.perspectives.get(id(leaf))
    if seen:  # judged per perspective: who it holds for, each perspective's sums beneath
        found = "" if status == MET else perspectives.found(leaf, status, seen, with_sums=False)
        return ConditionResult(leaf.describe(), status, leaf.op, values, expected, missing,
                               perspectives.children(leaf, seen), found, required=required)
    found = "" if _fine(status, negated) else (own_message(leaf, status, facts, missing)
                                               or leaf_failure(leaf, status, facts, missing))
    if status == UNKNOWN:
        found = unchosen(leaf, facts, missing, found)
        if any(p in facts.notes for p in missing):  # the pack's words are for a fact not recorded
            found = not_recorded(missing, facts.notes)
    kind = leaf.test if OPERATORS[leaf.op].operand == TEST else leaf.op
    return ConditionResult(leaf.describe(), status, kind, values, expected, missing, found=found, required=required)


def _expected(leaf: Leaf, facts: Facts) -> Optional[Any]:
    if leaf.operand is None:
        return None
    if leaf.operand.kind == "range":  # [low, high], each as a single operand shows
        return [_expected_one(op, facts) for op in leaf.operands()]
    return _expected_one(leaf.operand, facts)


def _expected_one(op, facts: Facts) -> Any:
    if op.kind == "param":
        value = facts.params.get(op.value)
        if value is None and op.value in facts.cases:  # no case chosen: what each one gives
            return {"param": op.value, "value": None, "cases": facts.cases[op.value].describe()}
        return {"param": op.value, "value": value}
    if op.kind == "fact":
        return {"fact": op.value, "value": _shown(facts.value(op.value))}
    return _shown(list(op.value) if isinstance(op.value, tuple) else op.value)


def gaps_of(leaf: Leaf, facts: Facts) -> tuple:
    """What an unknown leaf waits for: its absent facts, or, for a quantifier over a
    recorded list, the item fields some items lack (in lists inside items too).
    Every path named is absent in the service: an explanation never says a
    recorded fact is missing."""
    gaps = facts.gaps(leaf)
    if not gaps and leaf.inner is not None:
        gaps = _gaps_in(leaf.path, leaf.inner, facts.value(leaf.path) or [])
    return tuple(dict.fromkeys(gaps))


def _gaps_in(prefix: str, inner, items: list):
    for i, item in enumerate(items):
        for node in _walk(inner):
            for p in (p for p in node.fact_paths() if p != "."):
                value = _item_value(item, p)
                if value is None:
                    yield f"{prefix}[{i}].{p}"
                elif node.inner is not None and p == node.path and isinstance(value, list):
                    yield from _gaps_in(f"{prefix}[{i}].{p}", node.inner, value)


def _item_value(item: Any, path: str) -> Any:
    """A field of one list item, by a dotted path relative to the item."""
    for part in path.split("."):
        item = item.get(part) if isinstance(item, dict) else None
        if item is None:
            return None
    return item


def _walk(node):
    if isinstance(node, Group):
        for c in node.children:
            yield from _walk(c)
    else:
        yield node


def _shown(value: Any) -> Any:
    """Values as evidence: JSON-friendly, dates as ISO strings."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def describe_with_values(c: ConditionResult) -> str:
    shown = []
    for path, value in _values(c):
        if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
            value = counted(len(value), "item")
        shown.append(f"{path} = {format_value(value)}")
    for expected in c.expected if isinstance(c.expected, list) else [c.expected]:
        if isinstance(expected, dict) and "param" in expected:
            shown.append(f"{expected['param']} = {format_value(expected['value'])}")
    return f"{c.description} ({'; '.join(shown)})" if shown else c.description


def _values(c: ConditionResult) -> list:
    if not c.children:
        return list(c.values)
    return list(dict.fromkeys(v for child in c.children for v in _values(child)
                              if not isinstance(v[1], (list, dict))))
