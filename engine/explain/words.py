"""What a condition found, in words: the failure a review board reads.

A condition's label says what is required ("a continuity plan exists"); when
the condition is not met or unknown, the explanation must say what was found
instead ("no continuity plan", "open critical security findings: 2 (none
allowed)"), never repeat the requirement as if it held. A node's own
``messages:`` (in the pack) win; otherwise the words are made from the
operator, the value seen and the threshold.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from ..model import MET, NOT_MET, UNKNOWN, format_value
from ..rules.language import Group, Leaf
from ..rules.operators import CONDITION, OPERATORS, TEST, TESTS
from ..rules.templates import render


def own_message(node, status: str, facts, missing: tuple) -> Optional[str]:
    """The node's own message for ``status``, rendered, or None."""
    template = (getattr(node, "messages", None) or {}).get(status)
    if template is None:
        return None

    def lookup(name: str) -> Any:
        if name == "missing":
            return list(missing) or None
        if name == "status":
            return status
        return facts.said(name)

    return render(template, lookup)


def unchosen(leaf: Leaf, facts, missing: tuple, found: str) -> str:
    """An unknown comparison with a fact-dependent parameter whose case cannot be chosen:
    say which facts the case depends on and what each case gives. When the leaf's own
    facts are recorded, that is all it lacks: its own words (written for its own facts
    being absent) would name the wrong fact."""
    name = next((n for n in leaf.params() if n in facts.cases and facts.params.get(n) is None), None)
    if name is None:
        return found
    cases = facts.cases[name]
    choosing = cases.fact_paths()
    absent = [p for p in choosing if p in missing]
    if not absent:
        return found
    which = "which is" if len(absent) == 1 else "which are"
    depends = f"{name} depends on {', '.join(absent)}, {which} not recorded: {cases.describe()}"
    if all(m in choosing for m in missing):
        seen = "; ".join(f"{p} = {format_value(_show(facts.value(p)))}" for p in leaf.fact_paths())
        return f"{depends} ({seen})"
    return f"{found}; {depends}"


def not_recorded(missing, notes: Optional[dict] = None) -> str:
    """What an unknown condition lacks, in words: the facts it waits for. Never a fact
    that is recorded, and never an empty list ("(none) not recorded"): with nothing
    named, it says only that the recorded facts do not decide it. ``notes``: why a derived
    fact is unknown although its inputs are recorded (said instead of "not recorded")."""
    notes = notes or {}
    said = list(dict.fromkeys(notes[m] for m in missing if m in notes))
    missing = [m for m in missing if m not in notes]
    if missing:
        said.append(f"{format_value(missing)} not recorded")
    return "; ".join(said) or "the facts recorded do not decide it"


def requirement(node, negated: bool) -> str:
    """What the rule requires of a node under an odd number of ``not``s: its negation, in
    the operator's own words where the table has one (``tier != 1``, ``owner is absent``);
    "" for a node not negated (its description is the requirement)."""
    if not negated:
        return ""
    if isinstance(node, Group):
        if node.label:
            return f"not ({node.label})"
        if node.kind == "not":
            return node.children[0].describe()
        # De Morgan: not (a and b) is (not a) or (not b); not (a or b) is (not a) and (not b)
        joiner = " or " if node.kind == "all" else " and "
        return joiner.join(f"({requirement(c, True)})" if isinstance(c, Group) and c.kind != "not"
                           else requirement(c, True) for c in node.children)
    op = OPERATORS[node.op]
    if node.label:
        return f"not ({node.label})"
    if op.operand == TEST:
        return replace(node, test=TESTS[node.test].negation).describe()
    if op.negation is not None:
        return replace(node, op=op.negation).describe()
    return f"not ({node.describe()})"


def leaf_failure(leaf: Leaf, status: str, facts, missing: tuple) -> str:
    """What a not-met or unknown leaf found, made from its operator's words and the values."""
    if status == UNKNOWN:
        return not_recorded(missing, facts.notes)
    op, value = OPERATORS[leaf.op], _show(facts.value(leaf.path))
    if op.operand == TEST:
        return TESTS[leaf.test].words.format(path=leaf.path, value=value)
    if op.operand == CONDITION:
        return op.words.format(path=leaf.path, inner=leaf.inner.describe())
    return op.words.format(path=leaf.path, value=value, threshold=_threshold(leaf, facts),
                           any_case=", in any case" if leaf.case else "")


def group_failure(node: Group, status: str, children: tuple) -> str:
    """What a not-met or unknown all / any / not found, from its children's findings."""
    if status == UNKNOWN:
        return not_recorded(dict.fromkeys(m for c in children if c.status == UNKNOWN for m in c.missing))
    if node.kind == "not":
        return f"{children[0].description} (must not hold)"
    failed = [c.found or f"not met: {c.description}" for c in children if c.status == NOT_MET]
    if node.kind == "any":
        return "none of the alternatives holds: " + "; ".join(failed)
    return "; ".join(failed)


def _threshold(leaf: Leaf, facts) -> str:
    return " and ".join(_said(op, facts) for op in leaf.operands())


def _said(op, facts) -> str:
    if op.kind == "param":
        return f"{_show(facts.params.get(op.value))} ({op.value})"
    if op.kind == "fact":
        return f"{_show(facts.value(op.value))} ({op.value})"
    if isinstance(op.value, (list, tuple)):
        return ", ".join(_show(v) for v in op.value)
    return _show(op.value)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return _count(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return format_value(value)


def _count(value: Any) -> str:
    n = len(value) if isinstance(value, (list, tuple)) else 0
    return f"{n} entr{'y' if n == 1 else 'ies'}"


__all__ = ["own_message", "requirement", "leaf_failure", "group_failure", "unchosen", "not_recorded", "MET"]
