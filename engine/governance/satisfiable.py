"""Conditions that can never hold, or always hold: interval and set reasoning per fact path.

The condition is first put in negation normal form (``not`` pushed down to
the leaves, which negate exactly by swapping operators). Then, within every
``all`` (nested ``all`` flattened into it), the leaves on one fact path must
be satisfiable together: ``x > 5 and x < 3``, ``x == 1 and x == 2``,
``x is absent and x >= 3``, ``l is empty and l is not empty`` cannot. Within
every ``any`` the *negations* of the leaves on one path must be satisfiable
together, or the ``any`` always holds (whenever the path is recorded):
``x > 5 or x <= 5``. Leaves compared with a parameter or another fact are
not reasoned about (their value is not fixed); integers and enumerations
narrow the domain (``n > 1 and n < 2`` has no integer).

Each finding is a proof; nothing is reported on a guess.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Optional

from ..model import MET, NOT_APPLICABLE, NOT_MET
from ..schema import FactSchema, FieldType
from ..rules.derived import output_types
from ..rules.language import Group, Leaf
from ..rules.operators import EQUAL, LOWER, MEMBER, NON_MEMBER, TEST, TESTS, UNEQUAL, UPPER, negation, operator
from ..rules.reach import reachable


@dataclass(frozen=True)
class Node:
    """A condition in negation normal form; ``origin`` is the YAML node it came from."""

    kind: str  # all | any | atom
    children: tuple = ()
    atom: Optional[Leaf] = None  # the (possibly negated) leaf
    origin: object = None
    negated: bool = False  # an opaque leaf's negation (a quantifier's): kept, never reasoned about


@dataclass(frozen=True)
class Finding:
    kind: str  # never | always
    origin: object  # Leaf or Group, for its location
    atoms: tuple  # the leaves that conflict
    root: bool  # the finding decides the whole rule


def nnf(cond, negate: bool = False) -> Node:
    if isinstance(cond, Group):
        if cond.kind == "not":
            return nnf(cond.children[0], not negate)
        kind = {"all": "any", "any": "all"}[cond.kind] if negate else cond.kind
        return Node(kind, tuple(nnf(c, negate) for c in cond.children), origin=cond)
    parts = cond.parts()
    if parts is not None:  # a compound operator is reasoned about as its parts, found at its place
        node = nnf(parts, negate)
        return Node(node.kind, node.children, origin=cond)
    if negate and _negate(cond) is None:
        return Node("atom", atom=cond, origin=cond, negated=True)
    return Node("atom", atom=_negate(cond) if negate else cond, origin=cond)


def _opaque(node: Node) -> bool:
    """Leaves not reasoned about: those the operator table gives no bound of a value
    (quantifiers, list entries, an operator unknown here), negated opaque leaves, and
    case-insensitive comparisons (``x == 'A'`` and ``x == 'a'`` can both hold)."""
    op = operator(node.atom.op)
    return node.negated or op is None or (op.sense is None and op.operand != TEST) or bool(node.atom.case)


def _negate(leaf: Leaf) -> Optional[Leaf]:
    """The leaf met exactly where ``leaf`` is not met, or None when no operator says so."""
    if leaf.test is not None:
        return replace(leaf, test=TESTS[leaf.test].negation, label=None)
    if negation(leaf.op) is None:
        return None
    return replace(leaf, op=negation(leaf.op), label=None)


def analyse(cond, type_of: Callable[[str], Optional[FieldType]]) -> list[Finding]:
    """Every never-holds / always-holds conflict in one condition (not into list items)."""
    root = nnf(cond)
    found: list[Finding] = []
    _visit(root, None, type_of, found)
    can_meet, can_fail = _possible(root, type_of)
    return [Finding(f.kind, f.origin, f.atoms, (f.kind == "never" and not can_meet)
                    or (f.kind == "always" and not can_fail)) for f in found]


def types_of(packs, schema: FactSchema) -> Callable[[str], Optional[FieldType]]:
    """The type of a fact path or of a derived fact of ``packs``, for the checks here."""
    derived = {path: t for p in packs for path, t in output_types(p.derived).items()}
    return lambda path: derived.get(path) if path.startswith("derived.") else schema.lookup(path)


def possible(cond, type_of: Callable[[str], Optional[FieldType]]) -> tuple[bool, bool]:
    """(can be met, can be not met) on values alone, each False only when proven."""
    return _possible(nnf(cond), type_of)


def statuses(rule, reads, type_of: Callable[[str], Optional[FieldType]]) -> frozenset:
    """Every status ``rule`` can give: those its facts being recorded or absent allow
    (rules/reach.py, ``reads`` a reach.Reads), less met / not met where the values
    its conditions require cannot hold together (a proof, as everywhere here)."""
    out = set(reachable(rule, reads))
    meet, fail = possible(rule.condition, type_of)
    if rule.applies_when is not None:
        applies, skips = possible(rule.applies_when, type_of)
        meet, fail = meet and applies, fail and applies
        if not skips:
            out.discard(NOT_APPLICABLE)
    if not meet:
        out.discard(MET)
    if not fail:
        out.discard(NOT_MET)
    return frozenset(out)


def _flat(node: Node, kind: str) -> list:
    out = []
    for child in node.children:
        out.extend(_flat(child, kind) if child.kind == kind else [child])
    return out


def _visit(node: Node, parent_kind: Optional[str], type_of, found: list) -> None:
    if node.kind == "atom":
        if parent_kind is None:  # a rule that is a single leaf
            _conflicts([node], "all", node, type_of, found)
            _conflicts([node], "any", node, type_of, found)
        return
    members = _flat(node, node.kind)
    if parent_kind != node.kind:
        _conflicts([m for m in members if m.kind == "atom"], node.kind, node, type_of, found)
    for m in members:
        if m.kind != "atom":
            _visit(m, node.kind, type_of, found)
        else:  # a leaf that alone always holds inside an 'all', or never inside an 'any'
            _conflicts([m], "any" if node.kind == "all" else "all", m, type_of, found)


def _conflicts(atoms: list, kind: str, node: Node, type_of, found: list) -> None:
    by_path: dict = {}
    for a in atoms:
        if not _opaque(a):
            by_path.setdefault(a.atom.path, []).append(a.atom)
    for path, leaves in by_path.items():
        group = leaves if kind == "all" else [_negate(x) for x in leaves]
        if not satisfiable(group, type_of(path)):
            found.append(Finding("never" if kind == "all" else "always", node.origin, tuple(leaves), False))


def _possible(node: Node, type_of) -> tuple[bool, bool]:
    """(can be met, can be not met), each False only when proven."""
    if node.kind == "atom":
        leaf = node.atom
        if _opaque(node):
            return True, True
        ftype = type_of(leaf.path)
        return satisfiable([leaf], ftype), satisfiable([_negate(leaf)], ftype)
    parts = [_possible(c, type_of) for c in node.children]
    members = [m for m in _flat(node, node.kind) if m.kind == "atom"]
    by_path: dict = {}
    for m in members:
        if not _opaque(m):
            by_path.setdefault(m.atom.path, []).append(m.atom)
    if node.kind == "all":
        meet = all(p[0] for p in parts) and all(satisfiable(ls, type_of(p)) for p, ls in by_path.items())
        return meet, any(p[1] for p in parts)
    fail = all(p[1] for p in parts) and all(satisfiable([_negate(x) for x in ls], type_of(p))
                                            for p, ls in by_path.items())
    return any(p[0] for p in parts), fail


def satisfiable(leaves: list, ftype: Optional[FieldType]) -> bool:
    """Can every leaf (all on one path) hold at once? True unless proven otherwise."""
    tests = {x.test for x in leaves if x.test is not None}
    needs_value = [x for x in leaves if x.test != "absent"]
    if "absent" in tests and needs_value:
        return False
    if {"empty", "not_empty"} <= tests:
        return False
    literal = [x for x in leaves if x.operand is not None and x.operand.kind == "value"]
    if not literal or ftype is None:
        return True
    if ftype.kind in ("number", "date"):
        return _numbers(literal, ftype.integer or ftype.kind == "date")
    if ftype.kind in ("string", "boolean"):
        domain = set(ftype.enum) if ftype.enum else ({True, False} if ftype.kind == "boolean" else None)
        return _choices(literal, domain)
    return True


def _num(v) -> float:
    return v.toordinal() if hasattr(v, "toordinal") else v


def _numbers(leaves: list, integer: bool) -> bool:
    lo, lo_open, hi, hi_open = -math.inf, False, math.inf, False
    allowed: Optional[set] = None
    excluded: set = set()
    for x in leaves:
        v, op = x.operand.value, operator(x.op)
        if op.sense in (MEMBER, NON_MEMBER):
            values = {_num(i) for i in v}
            if op.sense == MEMBER:
                allowed = values if allowed is None else allowed & values
            else:
                excluded |= values
            continue
        v = _num(v)
        if op.sense == EQUAL:
            allowed = {v} if allowed is None else allowed & {v}
        elif op.sense == UNEQUAL:
            excluded.add(v)
        elif op.sense == LOWER and (v > lo or (v == lo and op.strict)):
            lo, lo_open = v, op.strict
        elif op.sense == UPPER and (v < hi or (v == hi and op.strict)):
            hi, hi_open = v, op.strict

    def inside(v) -> bool:
        above = v > lo or (v == lo and not lo_open)
        below = v < hi or (v == hi and not hi_open)
        return above and below and v not in excluded and (not integer or float(v).is_integer())

    if allowed is not None:
        return any(inside(v) for v in allowed)
    if integer:
        lo = math.floor(lo) + 1 if lo_open and float(lo).is_integer() else math.ceil(lo) if lo != -math.inf else lo
        hi = math.ceil(hi) - 1 if hi_open and float(hi).is_integer() else math.floor(hi) if hi != math.inf else hi
        lo_open = hi_open = False
        if lo > hi:
            return False
        if hi - lo < 1000:  # a few integers: are they all excluded?
            return any(inside(v) for v in range(int(lo), int(hi) + 1))
        return True
    if lo > hi or (lo == hi and (lo_open or hi_open)):
        return False
    return not (lo == hi and lo in excluded)


def _choices(leaves: list, domain: Optional[set]) -> bool:
    allowed = domain
    excluded: set = set()
    for x in leaves:
        v, sense = x.operand.value, operator(x.op).sense
        if sense == EQUAL:
            allowed = {v} if allowed is None else allowed & {v}
        elif sense == MEMBER:
            allowed = set(v) if allowed is None else allowed & set(v)
        elif sense == UNEQUAL:
            excluded.add(v)
        elif sense == NON_MEMBER:
            excluded |= set(v)
        else:
            return True  # ordering on strings: not reasoned about
    if allowed is None:
        return True  # an unbounded domain minus finitely many values
    return bool(allowed - excluded)
