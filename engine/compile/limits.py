"""What a compiled condition costs durable-rules, checked against its limits at compile time.

durable-rules fails late and obscurely past its limits (error 303 past 64
matching nodes, error 113 at 32 expression entries, firings multiplied by
``$or``), so the compiler counts each expression's alternatives, nodes and
entries and refuses a rule with its location (compile/program.py).
"""
from __future__ import annotations

import json
from typing import Any


def alternatives(expr: dict) -> int:
    """How many times durable-rules may fire for ``expr`` on one fact.

    durable-rules expands ``$or`` into separate paths through its network
    (and-of-ors multiplies out) and fires once per true path. Inside
    ``$iany`` / ``$iall`` the item condition is evaluated per item and does
    not multiply.
    """
    if "$and" in expr:
        total = 1
        for p in expr["$and"]:
            total *= alternatives(p)
        return total
    if "$or" in expr:
        return sum(alternatives(p) for p in expr["$or"])
    return 1


def node_count(expr: Any) -> int:
    """Alpha nodes an expression needs (an upper bound, nothing shared)."""
    if isinstance(expr, dict):
        total = 0
        for op, body in expr.items():
            if op in ("$and", "$or"):
                total += sum(node_count(p) for p in body)
            elif op in ("$iany", "$iall"):
                total += 1 + sum(node_count(inner) for inner in body.values())
            else:
                total += 1
        return total
    return 1


def expression_count(expr: Any) -> int:
    """Entries durable-rules' rule parser appends to one rule's expression
    sequence (it refuses the rule at 32, error 113): an opening and a closing
    entry per ``$and`` / ``$or``, and one per comparison with another fact,
    including those inside list-item conditions."""
    if not isinstance(expr, dict):
        return 0
    total = 0
    for op, body in expr.items():
        if op in ("$and", "$or"):
            total += 2 + sum(expression_count(p) for p in body)
        elif op in ("$iany", "$iall"):
            total += sum(expression_count(inner) for inner in body.values())
        elif isinstance(body, dict):
            total += sum(1 for v in body.values() if isinstance(v, dict))
    return total


def alpha_nodes(expr: dict, parent: Any, seen: set) -> list:
    """Add the alpha nodes ``expr`` needs below ``parent`` to ``seen``; return its ends.

    durable-rules shares an alpha node between rules when the same test hangs
    off the same parent, and pushes each matching node at most once per fact,
    so the distinct nodes of a ruleset bound its matching stack (64).
    Every ``$or`` gets a fresh forward node; list-item conditions count too.
    """
    ends = [parent]
    for item in (expr["$and"] if set(expr) == {"$and"} else [expr]):
        nxt: list = []
        for at in ends:
            if "$or" in item:
                forward = ("forward", len(seen))
                seen.add(forward)
                for branch in item["$or"]:
                    nxt.extend(alpha_nodes(branch, forward, seen))
            else:
                key = (at, json.dumps(item, sort_keys=True))
                seen.add(key)
                nxt.append(key)
        ends = nxt
    return ends
