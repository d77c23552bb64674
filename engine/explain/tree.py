"""Explanation trees: which conditions held, which failed, on which values.

Leaf and root statuses come from durable-rules (which of the met / not-met
rules fired); ``all`` / ``any`` / ``not`` nodes in between are shown with the
Kleene composition of their children. Values are read from the validated
fact, so an explanation shows what the catalog said (dates as written),
not the engine's encoding.
"""
from __future__ import annotations

from typing import Any, Optional

from ..logic import kleene
from ..model import UNKNOWN, ConditionResult
from ..rules.language import Group, Leaf

_PARTS: dict = {}  # path -> how to read it: ("derived",), ("param", name) or its parts


class Facts:
    """Read access to one service's values: fact paths, derived.*, param.*.

    Lookups are memoised: the same paths are read by the payload, several
    rules' evidence, messages and explanations of one service.
    """

    __slots__ = ("fact", "derived", "params", "derived_inputs", "_seen", "param_inputs")

    def __init__(self, fact: dict, derived: dict, params: dict, derived_inputs: dict,
                 param_inputs: Optional[dict] = None):
        self.fact, self.derived, self.params = fact, derived, params
        self.derived_inputs = derived_inputs  # derived path -> input fact paths
        self._seen: dict = {}
        self.param_inputs = param_inputs or {}  # fact-dependent param -> fact paths its cases read

    def read_paths(self, leaf: Leaf) -> list:
        """Fact paths a leaf depends on, including those choosing a parameter's case."""
        paths = leaf.fact_paths()
        if leaf.operand is not None and leaf.operand.kind == "param":
            paths = paths + list(self.param_inputs.get(leaf.operand.value, ()))
        return paths

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
        """The fact paths whose absence leaves ``path`` unknown."""
        if not path.startswith("derived."):
            return [path] if self.value(path) is None else []
        if path in self.derived:
            return []
        inputs = self.derived_inputs.get(path, ())
        absent = [p for p in inputs if self.value(p) in (None, [], {})]
        return absent or [path]


def _parts(path: str) -> tuple:
    if path.startswith("derived."):
        return ("derived.",)
    if path.startswith("param."):
        return ("param.", path[6:])
    return tuple(path.split("."))


def build(node: Any, statuses: dict, index: list, facts: Facts) -> ConditionResult:
    """The ConditionResult tree for one rule; ``index`` numbers nodes in pre-order."""
    me = index[0]
    index[0] += 1
    if isinstance(node, Group):
        children = tuple(build(c, statuses, index, facts) for c in node.children)
        status = statuses.get(me) or kleene(node.kind, [c.status for c in children])
        missing = tuple(dict.fromkeys(m for c in children if c.status == UNKNOWN for m in c.missing))
        return ConditionResult(node.describe(), status, node.kind, missing=missing if status == UNKNOWN else (),
                               children=children)
    return _leaf(node, statuses.get(me, UNKNOWN), facts)


def _leaf(leaf: Leaf, status: str, facts: Facts) -> ConditionResult:
    values = tuple((p, _shown(facts.value(p))) for p in leaf.fact_paths())
    expected = _expected(leaf, facts)
    missing: tuple = ()
    if status == UNKNOWN:
        missing = tuple(dict.fromkeys(m for p in facts.read_paths(leaf) for m in facts.absent_inputs(p)))
        if not missing and leaf.inner is not None:
            missing = _item_gaps(leaf, facts)
    kind = leaf.test if leaf.op == "is" else leaf.op
    return ConditionResult(leaf.describe(), status, kind, values, expected, missing)


def _expected(leaf: Leaf, facts: Facts) -> Optional[Any]:
    op = leaf.operand
    if op is None:
        return None
    if op.kind == "param":
        return {"param": op.value, "value": facts.params.get(op.value)}
    if op.kind == "fact":
        return {"fact": op.value, "value": _shown(facts.value(op.value))}
    return _shown(list(op.value) if isinstance(op.value, tuple) else op.value)


def _item_gaps(leaf: Leaf, facts: Facts) -> tuple:
    """Item fields the inner condition reads that some items lack."""
    items = facts.value(leaf.path) or []
    inner_paths = [p for n in _walk(leaf.inner) for p in n.fact_paths() if p != "."]
    gaps = []
    for i, item in enumerate(items):
        for p in inner_paths:
            if not isinstance(item, dict) or item.get(p) is None:
                gaps.append(f"{leaf.path}[{i}].{p}")
    return tuple(dict.fromkeys(gaps))


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
    from ..model import format_value
    shown = []
    for path, value in _values(c):
        if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
            value = f"{len(value)} items"
        shown.append(f"{path} = {format_value(value)}")
    if isinstance(c.expected, dict) and "param" in c.expected:
        shown.append(f"{c.expected['param']} = {format_value(c.expected['value'])}")
    return f"{c.description} ({'; '.join(shown)})" if shown else c.description


def _values(c: ConditionResult) -> list:
    if not c.children:
        return list(c.values)
    return list(dict.fromkeys(v for child in c.children for v in _values(child)
                              if not isinstance(v[1], (list, dict))))
