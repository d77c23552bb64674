"""Declared derived facts: a closed set of aggregate functions, named in YAML.

A pack may need numbers the catalog does not state directly (capacity
headroom, the age of the last continuity test, the value balance). These are
declared, not programmed: each derived fact names exactly one function from
``FUNCTIONS`` with fact paths as arguments. The evaluator computes them with
exact arithmetic before the fact reaches durable-rules; the *comparisons* on
them are still made by durable-rules.

    derived:
      capacity_headroom: {headroom: {used: warranty.capacity.peak_demand,
                                     capacity: warranty.capacity.max_capacity}}
      test_age_days:     {days_since: warranty.continuity.last_tested}
      value_balance:
        balance:
          positive: [{list: outcomes, where: {effect: positive}, field: impact, default: 1}]
          negative: [{list: costs.imposed, field: impact, default: 1}]
          perspectives: {field: for, only: {param: value_perspectives}}   # optional

A balance with ``perspectives`` is also summed per perspective (whom each
effect names in ``field``; language.Spread); a comparison of its sides then
holds when it holds from every perspective (compile/perspectives.py).
"""
from __future__ import annotations

from typing import Any, Optional

from ..errors import did_you_mean
from ..schema import FactSchema, FieldType
from .operands import literal
from .language import MAX_NUMBER, PERSPECTIVES, Derived, Operand, Spread, Term
from ..documents import Reader, join, kind_of

#: function -> (argument keys required, optional, what it yields)
FUNCTIONS = {
    "headroom": (("used", "capacity"), (), "1 - used / capacity"),
    "ratio": (("numerator", "denominator"), (), "numerator / denominator"),
    "difference": (("from", "subtract"), (), "from - subtract"),
    "days_since": ((), (), "days from a date to the evaluation date"),
    "days_until": ((), (), "days from the evaluation date to a date"),
    "count": (("list",), ("where",), "number of items (matching where)"),
    "sum": (("list",), ("where", "field", "default", "weight"), "sum of an item field"),
    "balance": (("positive", "negative"), ("perspectives",),
                "positives and negatives of weighted sums (per perspective with 'perspectives')"),
    "unlinked": (("list", "link", "to"), ("where",),
                 "items none of whose link values is listed in 'to'"),
}
#: What a function gives when its inputs are absent, for reasoning about which
#: statuses a rule can reach (rules/reach.py); kept beside FUNCTIONS so that a new
#: function is classified where it is declared (a test checks every one is).
#: Absent as soon as one input is absent:
ABSENT_WITHOUT_AN_INPUT = frozenset({"headroom", "ratio", "difference", "days_since", "days_until",
                                     "count", "sum"})
#: Known whenever every input is recorded (headroom and ratio divide, unlinked may lack its targets):
KNOWN_WITH_ITS_INPUTS = frozenset({"difference", "days_since", "days_until", "count", "sum", "balance"})
NUMBER = FieldType("number")
INTEGER = FieldType("number", integer=True)


def parse_derived(r: Reader, node: Any, schema: FactSchema, params: dict, path: str) -> dict:
    """Parse the ``derived:`` mapping; returns name -> Derived."""
    out: dict = {}
    if node is None:
        return out
    if not r.mapping(node, r.at(node, None, path), "'derived'"):
        return out
    for name, body in node.items():
        sub = join(path, name)
        loc = r.at(node, name, sub)
        if not isinstance(name, str) or not name.isidentifier():
            r.error(f"derived fact names are identifiers (letters, digits, _), got {name!r}", loc)
            continue
        if not r.mapping(body, loc, f"derived fact {name!r}"):
            continue
        funcs = [k for k in body if k in FUNCTIONS]
        if len(funcs) != 1 or len(body) != 1:
            r.error(f"derived fact {name!r} must name exactly one function of "
                    f"{', '.join(FUNCTIONS)}; got {', '.join(map(str, body)) or 'nothing'}", loc)
            continue
        parsed = _parse_function(r, name, funcs[0], body[funcs[0]], body, join(sub, funcs[0]),
                                 schema, params)
        if parsed is not None:
            out[name] = Derived(name, funcs[0], parsed["args"], tuple(parsed["inputs"]),
                                tuple(parsed["outputs"]), loc)
    return out


def output_types(derived: dict) -> dict:
    """derived path -> FieldType, for the condition checker."""
    types = {}
    for d in derived.values():
        for out in d.outputs:
            types[out] = INTEGER if d.function in ("days_since", "days_until", "count", "unlinked") else NUMBER
    return types


def _parse_function(r, name, func, arg, container, path, schema, params) -> Optional[dict]:
    loc = r.at(container, func, path)
    if func in ("days_since", "days_until"):
        if _path(r, arg, container, func, path, schema, ("date",)) is None:
            return None
        return {"args": {"date": arg}, "inputs": [arg], "outputs": [f"derived.{name}"]}
    if not r.mapping(arg, loc, f"the arguments of {func}"):
        return None
    required, optional, _ = FUNCTIONS[func]
    if not r.keys(arg, path, required, optional, f"{func}"):
        return None
    if func in ("headroom", "ratio", "difference"):
        args = {}
        for key in required:
            if _path(r, arg[key], arg, key, join(path, key), schema, ("number",)) is None:
                return None
            args[key] = arg[key]
        return {"args": args, "inputs": list(args.values()), "outputs": [f"derived.{name}"]}
    if func == "balance":
        sides = {}
        for side in ("positive", "negative"):
            terms = _terms(r, arg[side], arg, side, join(path, side), schema, params)
            if terms is None:
                return None
            sides[side] = terms
        inputs = sorted({t.list for ts in sides.values() for t in ts})
        if PERSPECTIVES in arg:
            spread = _spread(r, arg[PERSPECTIVES], arg, join(path, PERSPECTIVES), sides, schema, params)
            if spread is None:
                return None
            sides[PERSPECTIVES] = spread
        return {"args": sides, "inputs": inputs,
                "outputs": [f"derived.{name}.positives", f"derived.{name}.negatives"]}
    if func == "unlinked":
        lst = _path(r, arg["list"], arg, "list", join(path, "list"), schema, ("array",))
        target = _path(r, arg["to"], arg, "to", join(path, "to"), schema, ("array",))
        if lst is None or target is None:
            return None
        link = schema.lookup(arg["link"], lst.item) if isinstance(arg["link"], str) else None
        if link is None or link.kind != "array":
            r.error(f"'link' must name a list field of the items of {arg['list']}, got {arg['link']!r}",
                    r.at(arg, "link", join(path, "link")), code="fact-path")
            return None
        where = _where(r, arg.get("where"), arg, join(path, "where"), lst.item, schema)
        if where is None:
            return None
        return {"args": {"list": arg["list"], "link": arg["link"], "to": arg["to"], "where": where},
                "inputs": [arg["list"], arg["to"]], "outputs": [f"derived.{name}"]}
    term = _term(r, arg, container, func, path, schema, params, counting=(func == "count"))
    if term is None:
        return None
    return {"args": {"term": term}, "inputs": [term.list], "outputs": [f"derived.{name}"]}


def _spread(r, node, container, path, sides, schema, params) -> Optional[Spread]:
    """``perspectives: {field: NAME, only: {param: NAME}}`` of a balance (language.Spread)."""
    if not r.mapping(node, r.at(container, PERSPECTIVES, path), "'perspectives'"):
        return None
    if not r.keys(node, path, ("field",), ("only",), "'perspectives'"):
        return None
    field, loc = node["field"], r.at(node, "field", join(path, "field"))
    for term in (t for ts in sides.values() for t in ts):
        ftype = schema.lookup(field, schema.lookup(term.list).item) if isinstance(field, str) else None
        if ftype is None or ftype.kind != "array" or ftype.item is None or ftype.item.kind != "string":
            r.error(f"'field' must name a list-of-strings field of the items of every summed list "
                    f"({term.list} has none called {field!r})", loc, code="fact-path")
            return None
    only = node.get("only")
    if only is None:
        return Spread(field)
    oloc = r.at(node, "only", join(path, "only"))
    name = only.get("param") if isinstance(only, dict) and set(only) == {"param"} else None
    param = params.get(name) if isinstance(name, str) else None
    if param is None or param.kind != "list":
        lists = sorted(n for n, p in params.items() if p.kind == "list")
        got = repr(name) if isinstance(name, str) else kind_of(only)
        r.error(f"'only' is {{param: NAME}} naming a list parameter of this pack, got {got}"
                f"{did_you_mean(str(name), lists)}", oloc, code="param")
        return None
    return Spread(field, Operand("param", name))


def _terms(r, node, container, key, path, schema, params) -> Optional[tuple]:
    if not r.sequence(node, r.at(container, key, path), f"'{key}'"):
        return None
    terms = [_term(r, t, node, i, join(path, i), schema, params) for i, t in enumerate(node)]
    return None if any(t is None for t in terms) else tuple(terms)


def _term(r, node, container, key, path, schema, params, counting=False) -> Optional[Term]:
    loc = r.at(container, key, path)
    if not r.mapping(node, loc, "a summed list"):
        return None
    allowed = ("where",) if counting else ("where", "field", "default", "weight")
    if not r.keys(node, path, ("list",), allowed, "a summed list"):
        return None
    lst = _path(r, node["list"], node, "list", join(path, "list"), schema, ("array",))
    if lst is None:
        return None
    field = node.get("field")
    if field is not None:
        ftype = schema.lookup(field, lst.item) if isinstance(field, str) else None
        if ftype is None or ftype.kind != "number":
            r.error(f"'field' must name a number field of the items of {node['list']}, got {field!r}",
                    r.at(node, "field", join(path, "field")), code="fact-path")
            return None
    default = node.get("default", 1)
    if isinstance(default, bool) or not isinstance(default, (int, float)) or not abs(default) <= MAX_NUMBER:
        r.error(f"'default' must be a number of at most {MAX_NUMBER:.0e} in magnitude, got {kind_of(default)}",
                r.at(node, "default", join(path, "default")))
        return None
    weight = _weight(r, node, path, params)
    where = _where(r, node.get("where"), node, join(path, "where"), lst.item, schema)
    if where is None or weight is False:
        return None
    return Term(node["list"], field, default, where, weight)


def _weight(r, node, path, params):
    if "weight" not in node:
        return None
    w, loc = node["weight"], r.at(node, "weight", join(path, "weight"))
    if isinstance(w, dict) and set(w) == {"param"}:
        p = params.get(w["param"])
        if p is None or p.kind not in ("number", "integer"):
            r.error(f"weight names unknown or non-numeric parameter {w['param']!r}", loc, code="param")
            return False
        return Operand("param", w["param"])
    if isinstance(w, bool) or not isinstance(w, (int, float)) or not abs(w) <= MAX_NUMBER:
        r.error(f"'weight' must be a number of at most {MAX_NUMBER:.0e} in magnitude or {{param: NAME}}, "
                f"got {kind_of(w)}", loc)
        return False
    return Operand("value", w)


def _where(r, node, container, path, item_type, schema) -> Optional[tuple]:
    if node is None:
        return ()
    if not r.mapping(node, r.at(container, "where", path), "'where'"):
        return None
    out = []
    for field, value in node.items():
        loc = r.at(node, field, join(path, field))
        ftype = schema.lookup(field, item_type) if isinstance(field, str) else None
        if ftype is None or ftype.kind not in ("string", "number", "boolean"):
            r.error(f"'where' field {field!r} is not a scalar field of the list's items", loc, code="fact-path")
            return None
        checked = literal(r, value, ftype, field, loc)
        if checked is None:
            return None
        out.append((field, checked))
    return tuple(out)


def _path(r, value, container, key, path, schema, kinds) -> Optional[FieldType]:
    loc = r.at(container, key, path)
    ftype = schema.lookup(value) if isinstance(value, str) else None
    if ftype is None:
        r.error(f"unknown fact path {value!r}{schema.suggest(str(value))}", loc, code="fact-path")
        return None
    if ftype.kind not in kinds:
        r.error(f"{value} is {ftype.describe()}; expected {' or '.join(kinds)}", loc, code="type")
        return None
    return ftype
