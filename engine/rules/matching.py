"""Matching strings: ``case: insensitive`` and ``contains``, as the condition parser reads them.

``case`` may sit beside eq / ne / in / not_in / contains on strings (or lists
of strings); an enumerated field compared in any case still refuses a
literal that no member matches in any case. ``contains`` asks whether a list
of strings has an entry; its value is a literal or a parameter. The compiler
case-folds both sides before durable-rules compares them.
"""
from __future__ import annotations

from typing import Optional

from ..documents import join, kind_of
from ..errors import did_you_mean
from ..schema import FieldType
from .language import INSENSITIVE, Leaf
from .operators import OPERATORS

CASES = ("sensitive", INSENSITIVE)
CASE_OPS = tuple(name for name, op in OPERATORS.items() if op.case)


def case_of(r, node, path, op, ftype, fpath, scope) -> Optional[str]:
    """'' (exact), INSENSITIVE, or None after an error: which comparisons may ignore case."""
    if "case" not in node:
        return ""
    loc = r.at(node, "case", join(path, "case"))
    value = node["case"]
    if value not in CASES:
        r.error(f"'case' is {' or '.join(CASES)}; got {kind_of(value)}{did_you_mean(str(value), list(CASES))}", loc)
        return None
    strings = ftype.kind == "string" or (ftype.kind == "array" and ftype.item is not None
                                         and ftype.item.kind == "string")
    if op not in CASE_OPS or not strings:
        r.error(f"'case' applies to {', '.join(CASE_OPS)} on strings, not to {op} on {fpath} "
                f"({ftype.describe()})", loc)
        return None
    if fpath == "." and scope.base is not None and value == INSENSITIVE:
        r.error(f"to match list entries in any case, use {{fact: {scope.item_path}, contains: VALUE, "
                "case: insensitive}", loc)
        return None
    return INSENSITIVE if value == INSENSITIVE else ""


def enum_any_case(r, leaf: Leaf, ftype: FieldType, loc) -> Optional[Leaf]:
    """An enumerated field compared in any case: each literal must match some member in any case."""
    if not ftype.enum or leaf.operand is None or leaf.operand.kind != "value":
        return leaf
    folded = {str(e).casefold() for e in ftype.enum}
    values = leaf.operand.value if isinstance(leaf.operand.value, tuple) else (leaf.operand.value,)
    bad = [v for v in values if v.casefold() not in folded]
    if bad:
        r.error(f"{leaf.path} is one of {', '.join(ftype.enum)}, so {bad[0]!r} can never match, in any case",
                loc, code="type")
        return None
    return leaf


def contains_leaf(r, node, op, sub, fpath, ftype, label, loc, operand_of) -> Optional[Leaf]:
    """``{fact: LIST, contains: V}``; ``operand_of(item type)`` parses V as any comparison operand."""
    loc_arg = r.at(node, op, sub)
    if ftype.kind != "array" or ftype.item is None or ftype.item.kind != "string":
        r.error(f"contains needs a list of strings, but {fpath} is {ftype.describe()}", loc_arg, code="type")
        return None
    operand = operand_of(ftype.item)
    if operand is None:
        return None
    if operand.kind == "fact":
        r.error("contains compares with a literal or {param: NAME}, not another fact", loc_arg)
        return None
    return Leaf(fpath, op, operand=operand, label=label, location=loc, kind="array")
