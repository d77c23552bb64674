"""What follows an operator in a condition, checked: operands, literals, fact paths, parameters.

A comparison's operand is a literal (checked against the field's type, so
``impact: "high"`` is caught at load time), ``{param: NAME}`` (of the field's
type) or ``{fact: PATH}`` (of the same kind); a fact path is checked against
the fact schema, the item schema of a list, or the derived facts, with a
did-you-mean. conditions.py parses each operator's operand through these.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Optional

from ..documents import Reader, join, kind_of
from ..errors import did_you_mean
from ..schema import FactSchema, FieldType
from .language import MAX_NUMBER, Operand
from .operators import EQUAL, OPERATORS, UNEQUAL


@dataclass
class Scope:
    """What a condition may refer to: fact fields, parameters, derived facts."""

    schema: FactSchema
    base: Optional[FieldType]  # None = the whole fact; else a list's item type
    params: dict  # name -> Parameter
    derived: dict  # "derived.x" -> FieldType
    item_path: str = ""  # the list path when inside an item condition
    placeholders: Optional[frozenset] = None  # names a node's messages may use; None: no messages here


def fact_type(r, node, path, scope, fpath) -> Optional[FieldType]:
    loc = r.at(node, "fact", join(path, "fact"))
    if not isinstance(fpath, str) or not fpath:
        r.error(f"'fact' must be a dotted path such as warranty.availability.measured, got {kind_of(fpath)}", loc)
        return None
    if scope.base is None and fpath.startswith("derived."):
        if fpath in scope.derived:
            return scope.derived[fpath]
        r.error(f"unknown derived fact {fpath!r}{did_you_mean(fpath, sorted(scope.derived))}",
                loc, code="fact-path")
        return None
    if fpath == "." and scope.base is not None:
        return scope.base
    ftype = scope.schema.lookup(fpath, scope.base)
    if ftype is None:
        where = f"items of {scope.item_path}" if scope.base is not None else "the fact schema"
        extra = tuple(scope.derived) if scope.base is None else ()
        r.error(f"unknown fact path {fpath!r} (not in {where})"
                f"{scope.schema.suggest(fpath, scope.base, extra)}", loc, code="fact-path")
    return ftype


def operand_of(r, node, key, sub, scope, fpath, ftype, op=None) -> Optional[Operand]:
    """The operand at ``node[key]`` of operator ``op`` (default: the key itself)."""
    arg, loc, op = node[key], r.at(node, key, sub), op if op is not None else key
    if isinstance(arg, dict):
        if set(arg) == {"param"}:
            return _param_operand(r, arg["param"], scope, fpath, ftype, loc)
        if set(arg) == {"fact"}:
            other = fact_type(r, arg, sub, scope, arg["fact"])
            if other is None:
                return None
            if other.kind != ftype.kind:
                r.error(f"cannot compare {fpath} ({ftype.describe()}) with {arg['fact']} "
                        f"({other.describe()})", loc, code="type")
                return None
            return Operand("fact", arg["fact"])
        r.error(f"an operand is a literal, {{param: NAME}} or {{fact: PATH}}; got keys "
                f"{', '.join(map(str, arg))}", loc)
        return None
    value = literal(r, arg, ftype, fpath, loc)
    if value is None:
        return None
    if ftype.enum and OPERATORS[op].sense not in (EQUAL, UNEQUAL):  # in / not_in take lists: _set
        r.error(f"{fpath} is one of {', '.join(ftype.enum)}; only eq/ne/in make sense", loc, code="type")
        return None
    return Operand("value", value)


def _param_operand(r, name, scope, fpath, ftype, loc) -> Optional[Operand]:
    param = scope.params.get(name)
    if param is None:
        other = ("; another pack's parameter is read as PACK.NAME, and the pack must be listed "
                 "under 'requires' in pack.yaml") if "." in str(name) else ""
        r.error(f"unknown parameter {name!r}{did_you_mean(str(name), sorted(scope.params))}{other}",
                loc, code="param")
        return None
    kind = "number" if param.kind == "integer" else param.kind
    if kind != ftype.kind:
        r.error(f"parameter {name!r} is {param.kind} but {fpath} is {ftype.describe()}", loc, code="type")
        return None
    return Operand("param", name)


def literal(r: Reader, value: Any, ftype: FieldType, fpath: str, loc) -> Any:
    """Check (and normalise) a literal against the field's type; None if wrong."""
    kind = ftype.kind
    ok = False
    if kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value \
            and value not in (float("inf"), float("-inf"))
        if ok and abs(value) > MAX_NUMBER:
            r.error(f"{fpath}: the number {value:g} is out of range (at most {MAX_NUMBER:.0e} in magnitude)",
                    loc, code="type")
            return None
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "string":
        ok = isinstance(value, str)
        if ok and ftype.enum and value not in ftype.enum:
            r.error(f"{fpath} is one of {', '.join(ftype.enum)}, so {value!r} can never match"
                    f"{did_you_mean(value, list(ftype.enum))}", loc, code="type")
            return None
    elif kind == "date":
        day = as_date(value)
        ok = day is not None
        if ok and not _dt.date.min < day < _dt.date.max:  # a day before or after it must exist
            r.error(f"{fpath}: the date {day} is out of range (from 0001-01-02 to 9999-12-30)", loc, code="type")
            return None
        value = day if ok else value
    if not ok:
        r.error(f"{fpath} is {ftype.describe()}, but the value is {kind_of(value)}", loc, code="type")
        return None
    return value


def as_date(value: Any) -> Optional[_dt.date]:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
