"""The value balance as each stakeholder perceives it, in words a review board reads.

When effects name whom they affect, a comparison on a balance judged per
perspective (compile/perspectives.py) is decided once per perspective by
durable-rules; the evaluator hands those statuses here with each
perspective's sums. This module only says what was decided: for each
perspective its sums ("brings the user 4 against 1; costs the sponsor 3
against 1"), which lists leave it unknown, and the leaf's message ("not met
for the sponsor: ..."). Nothing here decides a status.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..ingest.perspectives import roles
from ..model.logic import kleene
from ..model import MET, NOT_MET, UNKNOWN, ConditionResult, Perspective, format_value
from ..rules.language import Leaf

KIND = "perspective"  # ConditionResult.kind of a perspective under its comparison


def who(name: str) -> str:
    """A role with its article ('the user'); a stakeholder by its name."""
    return f"the {name}" if name in roles() else name


def names(perspectives, conjunction: str = "and") -> str:
    shown = [who(p.name) for p in perspectives]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} {conjunction} {shown[-1]}"


def sums(p: Perspective) -> str:
    """'brings the user 4 against 1', 'costs the sponsor 3 against 1' (negatives first),
    with 'so far' and the unrecorded lists when the sums are only lower bounds that decide nothing."""
    pos, neg = format_value(p.positives), format_value(p.negatives)
    if p.positives > p.negatives:
        text = f"brings {who(p.name)} {pos} against {neg}"
    elif p.positives < p.negatives:
        text = f"costs {who(p.name)} {neg} against {pos}"
    else:
        text = f"brings {who(p.name)} as much as it costs, {pos} against {neg}"
    if p.status == UNKNOWN:
        text += f" so far ({', '.join(p.unrecorded) or 'a list'} not recorded)"
    return text


def all_sums(perspectives) -> str:
    return "; ".join(sums(p) for p in perspectives)


def views(leaf: Leaf, items: list, statuses: tuple, facts) -> tuple:
    """A Perspective per item of the balance's list, with the status durable-rules gave it."""
    return tuple(worded(Perspective(item["name"], status, item["positives"], item["negatives"],
                                    _unrecorded(leaf, item, facts) if status == UNKNOWN else ()))
                 for item, status in zip(items, statuses))


def worded(p: Perspective) -> Perspective:
    """The perspective with its words (who it is, its sums) for the reports."""
    return replace(p, who=who(p.name), text=sums(p))


def _unrecorded(leaf: Leaf, item: dict, facts) -> tuple:
    """The lists whose absence leaves this perspective unknown: of the side that would decide
    it, with the sums as they are (x > y holds once y is exact, fails once x is)."""
    right = leaf.operand.value if leaf.operand is not None and leaf.operand.kind == "fact" else None
    sides = [p for p in (leaf.path, right) if p in facts.bounds]
    if right is not None and leaf.op in _ORDER:
        field = lambda path: item["positives" if path.endswith(".positives") else "negatives"]  # noqa: E731
        holds = _ORDER[leaf.op](field(leaf.path), field(right))
        sides = [(right if holds else leaf.path) if leaf.op in ("gt", "ge") else (leaf.path if holds else right)]
    return tuple(dict.fromkeys(p for side in sides for p in facts.bounds.get(side, ()) if facts.value(p) is None))


_ORDER = {"gt": lambda a, b: a > b, "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b}


def found(leaf: Leaf, status: str, perspectives: tuple, with_sums: bool = True) -> str:
    """What a comparison judged per perspective found: who it holds for, who not, and (with
    ``with_sums``; a tree shows them beneath instead) each perspective's sums."""
    label = leaf.describe()
    if status == MET:
        text = f"{label} for {names(perspectives)}"
    elif status == NOT_MET:  # what was found, never the requirement as if it held
        text = f"not met for {names([p for p in perspectives if p.status == NOT_MET], 'or')}"
    else:
        waiting = [p for p in perspectives if p.status == UNKNOWN]
        lists = list(dict.fromkeys(m for p in waiting for m in p.unrecorded))
        record = f": {format_value(lists)} not recorded (record them, even as empty lists)" if lists else ""
        text = f"cannot be judged for {names(waiting)}{record}"
    if not with_sums:
        return text
    return f"{text}{';' if status == UNKNOWN else ':'} {all_sums(perspectives)}"


def children(leaf: Leaf, perspectives: tuple) -> tuple:
    """One node per perspective under the comparison, with its sums as values."""
    paths = leaf.fact_paths()
    out = []
    for p in perspectives:
        values = tuple((path, p.positives if path.endswith(".positives") else p.negatives)
                       for path in paths if path.endswith((".positives", ".negatives")))
        out.append(ConditionResult(f"{leaf.describe()} for {who(p.name)}", p.status, KIND, values,
                                   missing=p.unrecorded, found="" if p.status == MET else sums(p)))
    return tuple(out)


def combined(groups: list) -> tuple:
    """The perspectives of several comparisons (or rules) as one: each name's statuses and'ed,
    its sums and unrecorded lists from where it was first judged."""
    order: dict = {}
    for group in groups:
        for p in group:
            order.setdefault(p.name, []).append(p)
    out = []
    for name, seen in order.items():
        first = seen[0]
        status = kleene("all", [p.status for p in seen])
        unrecorded = tuple(dict.fromkeys(m for p in seen if p.status == UNKNOWN for m in p.unrecorded))
        out.append(worded(Perspective(name, status, first.positives, first.negatives, unrecorded)))
    return tuple(out)


def gaps(perspectives: Optional[tuple]) -> list:
    """What an unknown comparison judged per perspective lacks: its unknown perspectives' lists."""
    return list(dict.fromkeys(m for p in perspectives or () if p.status == UNKNOWN for m in p.unrecorded))
