"""Parse YAML condition trees into ``Leaf`` / ``Group`` nodes, type-checked.

Grammar (each node is a mapping; ``label`` is allowed everywhere)::

    {all: [COND, ...]}   {any: [COND, ...]}   {not: COND}
    {fact: PATH, eq|ne|lt|le|gt|ge: OPERAND}      OPERAND = literal | {param: NAME} | {fact: PATH}
    {fact: PATH, in|not_in: [literal, ...]}
    {fact: PATH, is: present|absent|empty|not_empty}
    {fact: LIST, any_item|all_items: COND}        inner paths are relative to the item; "." is the item
    {fact: LIST, contains: VALUE}                 a list of strings has an entry equal to VALUE
    {fact: PATH, between: [OPERAND, OPERAND]}     LOW <= PATH <= HIGH, on numbers or dates
    case: insensitive                             beside eq / ne / in / not_in / contains on strings

Paths are checked against the fact schema (or the list's item schema), with
a did-you-mean for misspellings; literals are checked against the field's
type, so ``impact: "high"`` in a rule is caught here, not at run time
(operands.py). Each operator's operand is parsed by its shape, from the
table of operators (operators.py).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from ..errors import did_you_mean
from .language import Condition, Group, Leaf, Operand
from ..documents import Reader, join, kind_of
from .matching import case_of, contains_leaf, enum_any_case
from .operands import Scope, as_date, fact_type, literal, operand_of
from .operators import CONDITION, ENTRY, OPERATORS, RANGE, TEST, TESTS, VALUE, VALUES, by_shape
from .templates import parse_template, unknown_placeholders

__all__ = ["Scope", "parse_condition", "literal", "as_date", "GROUPS"]

GROUPS = ("all", "any", "not")


def parse_condition(r: Reader, node: Any, container: Any, key: Any, path: str,
                    scope: Scope) -> Optional[Condition]:
    loc = r.at(container, key, path)
    if not r.mapping(node, loc, "a condition"):
        return None
    label = node.get("label")
    if label is not None and not isinstance(label, str):
        r.error(f"label must be a string, got {kind_of(label)}", r.at(node, "label", join(path, "label")))
        label = None
    messages = _node_messages(r, node, path, scope)
    groups = [k for k in GROUPS if k in node]
    if groups:
        result = _group(r, node, groups, path, scope, label, loc)
    elif "fact" not in node:
        r.error("a condition needs either all/any/not or a 'fact' with an operator"
                + did_you_mean(next(iter(node), ""), list(GROUPS) + ["fact"]), loc)
        return None
    else:
        result = _leaf(r, node, path, scope, label, loc)
    if result is None or messages is None:
        return result
    return replace(result, messages=messages)


def _node_messages(r, node, path, scope) -> Optional[dict]:
    """A node's own messages: used for the rule when this node alone explains its status."""
    if "messages" not in node:
        return None
    body, sub = node["messages"], join(path, "messages")
    loc = r.at(node, "messages", sub)
    if scope.placeholders is None:
        r.error("a condition inside a list-item condition cannot carry messages", loc)
        return None
    if not r.mapping(body, loc, "'messages'"):
        return None
    r.keys(body, sub, (), ("met", "not_met", "unknown"), "messages")
    out = {}
    for status, text in body.items():
        if status not in ("met", "not_met", "unknown"):
            continue
        sloc = r.at(body, status, join(sub, status))
        if not isinstance(text, str):
            r.error(f"a message must be a string, got {kind_of(text)}", sloc)
            continue
        template, err = parse_template(text)
        bad = unknown_placeholders(template, scope.placeholders) if template else []
        if err or bad:
            r.error(f"message template: {err}" if err else
                    f"message template names unknown values: {', '.join(bad)}", sloc,
                    code="schema" if err else "fact-path")
            continue
        out[status] = template
    return out or None


def _group(r, node, groups, path, scope, label, loc) -> Optional[Group]:
    kind = groups[0]
    r.keys(node, path, [kind], ["label", "messages"], f"an '{kind}' condition")
    if len(groups) > 1:
        r.error(f"a condition may use only one of all/any/not, found {', '.join(groups)}", loc)
        return None
    body, sub = node[kind], join(path, kind)
    if kind == "not":
        child = parse_condition(r, body, node, kind, sub, scope)
        return Group("not", (child,), label, loc) if child is not None else None
    if not r.sequence(body, r.at(node, kind, sub), f"'{kind}'"):
        return None
    if not body:
        r.error(f"'{kind}' needs at least one condition", r.at(node, kind, sub))
        return None
    children = [parse_condition(r, c, body, i, join(sub, i), scope) for i, c in enumerate(body)]
    if any(c is None for c in children):
        return None
    return Group(kind, tuple(children), label, loc)


def _leaf(r, node, path, scope, label, loc) -> Optional[Leaf]:
    ops = [k for k in node if k in OPERATORS]
    others = [k for k in node if k not in OPERATORS and k not in ("fact", "label", "messages", "case")]
    for k in others:
        r.error(f"unknown key {k!r} in a condition{did_you_mean(str(k), list(OPERATORS))}",
                r.at(node, k, join(path, str(k))))
    if len(ops) != 1:
        what = "no operator" if not ops else f"several operators ({', '.join(ops)})"
        r.error(f"a 'fact' condition needs exactly one operator of {', '.join(OPERATORS)}; found {what}",
                loc)
        return None
    op = ops[0]
    fpath = node["fact"]
    ftype = fact_type(r, node, path, scope, fpath)
    if others or ftype is None:
        return None
    case = case_of(r, node, path, op, ftype, fpath, scope)
    if case is None:
        return None
    if not case:
        return _typed_leaf(r, node, path, scope, label, loc, op, fpath, ftype)
    leaf = _typed_leaf(r, node, path, scope, label, loc, op, fpath, replace(ftype, enum=()))
    return enum_any_case(r, replace(leaf, case=case), ftype, r.at(node, op, join(path, op))) if leaf else None


def _typed_leaf(r, node, path, scope, label, loc, op, fpath, ftype) -> Optional[Leaf]:
    """The leaf of operator ``op`` on a field of type ``ftype``, parsed by its operand's shape."""
    return _SHAPES[OPERATORS[op].operand](r, node, path, scope, label, loc, op, fpath, ftype)


def _entry(r, node, path, scope, label, loc, op, fpath, ftype) -> Optional[Leaf]:
    sub = join(path, op)
    return contains_leaf(r, node, op, sub, fpath, ftype, label, loc,
                         lambda item: operand_of(r, node, op, sub, scope, fpath, item))


def _is(r, node, path, scope, label, loc, op, fpath, ftype) -> Optional[Leaf]:
    return _test(r, op, fpath, ftype, node[op], r.at(node, op, join(path, op)), label, loc)


def _quantified(r, node, path, scope, label, loc, op, fpath, ftype) -> Optional[Leaf]:
    sub = join(path, op)
    if ftype.kind != "array":
        r.error(f"{op} needs a list, but {fpath} is {ftype.describe()}", r.at(node, op, sub))
        return None
    item_scope = Scope(scope.schema, ftype.item, scope.params, {}, _abs(scope, fpath))
    inner = parse_condition(r, node[op], node, op, sub, item_scope)
    return Leaf(fpath, op, inner=inner, label=label, location=loc, kind="array") if inner is not None else None


def _scalar(r, node, path, op, fpath, ftype) -> bool:
    if ftype.kind in ("number", "string", "boolean", "date"):
        return True
    r.error(f"cannot compare {fpath} ({ftype.describe()}) with {op}; "
            "use 'is: empty' / 'is: not_empty' or any_item / all_items for lists", r.at(node, op, join(path, op)))
    return False


def _members(r, node, path, scope, label, loc, op, fpath, ftype) -> Optional[Leaf]:
    if not _scalar(r, node, path, op, fpath, ftype):
        return None
    return _set(r, fpath, ftype, op, node[op], r.at(node, op, join(path, op)), label, loc)


def _compared(r, node, path, scope, label, loc, op, fpath, ftype) -> Optional[Leaf]:
    if not _scalar(r, node, path, op, fpath, ftype):
        return None
    sub = join(path, op)
    operand = operand_of(r, node, op, sub, scope, fpath, ftype)
    if operand is None:
        return None
    if OPERATORS[op].ordered and ftype.kind == "boolean":
        r.error(f"{op} does not order booleans; use eq or ne on {fpath}", r.at(node, op, sub))
        return None
    return Leaf(fpath, op, operand=operand, label=label, location=loc, kind=ftype.kind)


def _range(r, node, path, scope, label, loc, op, fpath, ftype) -> Optional[Leaf]:
    """``[LOW, HIGH]``: two operands, each what a comparison takes, on the kinds the operator orders."""
    sub, arg = join(path, op), node[op]
    arg_loc = r.at(node, op, sub)
    if ftype.kind not in OPERATORS[op].kinds:
        r.error(f"{op} needs {' or '.join('a ' + k for k in OPERATORS[op].kinds)}, but {fpath} is "
                f"{ftype.describe()}", arg_loc, code="type")
        return None
    if not isinstance(arg, list) or len(arg) != 2:
        got = f"a list of {len(arg)}" if isinstance(arg, list) else kind_of(arg)
        r.error(f"{op} needs [LOW, HIGH], a list of two bounds; got {got}", arg_loc)
        return None
    bounds = [operand_of(r, arg, i, join(sub, i), scope, fpath, ftype, op) for i in range(2)]
    if any(b is None for b in bounds):
        return None
    return Leaf(fpath, op, operand=Operand("range", tuple(bounds)), label=label, location=loc, kind=ftype.kind)


_SHAPES = by_shape({VALUE: _compared, VALUES: _members, TEST: _is, CONDITION: _quantified, ENTRY: _entry,
                    RANGE: _range},
                   "the condition parser (engine/rules/conditions.py)")


def _abs(scope: Scope, path: str) -> str:
    return f"{scope.item_path}[].{path}" if scope.item_path else path


def _test(r, op, fpath, ftype, arg, arg_loc, label, loc) -> Optional[Leaf]:
    if not isinstance(arg, str) or arg not in TESTS:
        r.error(f"'is' must be one of {', '.join(TESTS)}; got {kind_of(arg)}"
                f"{did_you_mean(str(arg), list(TESTS))}", arg_loc)
        return None
    if TESTS[arg].needs_list and ftype.kind != "array":
        r.error(f"'is: {arg}' needs a list, but {fpath} is {ftype.describe()}", arg_loc)
        return None
    return Leaf(fpath, op, test=arg, label=label, location=loc, kind=ftype.kind)


def _set(r, fpath, ftype, op, arg, arg_loc, label, loc) -> Optional[Leaf]:
    if not isinstance(arg, list) or not arg:
        r.error(f"{op} needs a non-empty list of values, got {kind_of(arg)}", arg_loc)
        return None
    values = [literal(r, v, ftype, fpath, arg_loc) for v in arg]
    if any(v is None for v in values):
        return None
    return Leaf(fpath, op, operand=Operand("value", tuple(values)), label=label, location=loc, kind=ftype.kind)
