"""The condition operators, one declaration each, that every consumer dispatches through.

An operator (``ge``, ``in``, ``contains`` ...) is known to the parser (which
operand it takes, on which field types), to the compiler (its durable-rules
lowering), to explanations (its words, what would make it pass), to lint
(its negation, how it bounds a value) and to the editor schema. Each of those
reads it here, from one ``Operator``. Functions that cannot live in this wing
(the lowering is the compiler's, the inversion explain's) are registered by
name or by operand shape in their own module through ``registry``, which
refuses a table without an entry for some operator when that module is
imported: a missing entry is never a ``KeyError`` while a service is judged.

A new operator: an entry here, its lowering (engine/compile/conditions.py)
and, when its operand is of a new shape, that shape's parser and inversion
(docs/contributing/new-operator.md).
"""
from __future__ import annotations

import operator as _op
from dataclasses import dataclass
from typing import Any, Callable, Optional

# What follows the operator in YAML (Operator.operand).
VALUE = "value"  # a literal, {param: NAME} or {fact: PATH}
VALUES = "values"  # a non-empty list of literals
TEST = "test"  # present | absent | empty | not_empty (Operator "is")
CONDITION = "condition"  # a condition on each item of a list
ENTRY = "entry"  # a literal or {param: NAME} looked for among a list's entries
RANGE = "range"  # [LOW, HIGH], each what a VALUE operator takes
SHAPES = (VALUE, VALUES, TEST, CONDITION, ENTRY, RANGE)

# How a comparison bounds the value on its left (Operator.sense): what the
# satisfiability check, the lower bounds of the value balance and "what would
# make it pass" reason about. None: the operator is opaque to them.
LOWER, UPPER, EQUAL, UNEQUAL, MEMBER, NON_MEMBER = "lower", "upper", "equal", "unequal", "member", "non_member"

SCALARS = ("number", "string", "boolean", "date")


class OperatorTableError(Exception):
    """A consumer lacks an entry for some operator: a programming error, found on import."""


@dataclass(frozen=True)
class Operator:
    name: str
    operand: str  # one of SHAPES
    lowering: str  # its durable-rules lowering, by name (compile/conditions.py LOWERINGS)
    words: str  # what a failed leaf found: {path} {value} {threshold} {inner} {any_case}
    schema: dict  # the JSON Schema of its operand (facts/schemas/condition.schema.json)
    symbol: str = ""  # how Leaf.describe writes it: "x >= 3", "some item of x: ..."
    negation: Optional[str] = None  # the operator met exactly where this one is not met (both decided)
    reverse: Optional[str] = None  # the same comparison with its sides swapped: x >= y is y <= x
    sense: Optional[str] = None  # LOWER, UPPER, ... (above); strict: an open bound (gt, lt)
    strict: bool = False
    durable: str = ""  # the durable-rules comparison of a VALUE operator ("" is equality)
    kinds: tuple = SCALARS  # the field kinds it applies to
    ordered: bool = False  # orders values: refuses booleans and enumerated strings
    case: bool = False  # accepts case: insensitive on strings
    # on two plain values, for explanations and candidate changes only: durable-rules decides rules
    holds: Optional[Callable[[Any, Any], bool]] = None
    # a compound: met where each part (an operator of its own, on the operand of the same
    # position) is met, so reasoning about it is reasoning about its parts (Leaf.parts)
    parts: tuple = ()


@dataclass(frozen=True)
class Test:
    """One value of ``is``."""

    name: str
    negation: str
    words: str  # what a failed ``is`` found: {path} {value}
    recorded: bool  # decided by whether the fact is recorded (present / absent), never unknown
    needs_list: bool = False


_PARAM = {"type": "object", "required": ["param"], "properties": {"param": {"type": "string"}},
          "additionalProperties": False}
_FACT = {"type": "object", "required": ["fact"], "properties": {"fact": {"type": "string"}},
         "additionalProperties": False}
_LITERAL = {"type": ["string", "number", "boolean"]}
_VALUE_SCHEMA = {"description": "A literal, {param: NAME} (PACK.NAME for a required pack's) or {fact: PATH}.",
                 "anyOf": [_LITERAL, _PARAM, _FACT]}
_VALUES_SCHEMA = {"type": "array", "minItems": 1, "items": _LITERAL}
_CONDITION_SCHEMA = {"$ref": "#/$defs/condition"}
_RANGE_SCHEMA = {"description": "[LOW, HIGH], inclusive: numbers or dates, each also {param: NAME} or {fact: PATH}.",
                 "type": "array", "minItems": 2, "maxItems": 2,
                 "items": {"anyOf": [{"type": ["number", "string"]}, _PARAM, _FACT]}}


def _compare(name, symbol, words, negation, reverse, sense, holds, durable="", strict=False, ordered=True):
    return Operator(name, VALUE, "compare", words, _VALUE_SCHEMA, symbol, negation, reverse, sense, strict,
                    durable, ordered=ordered, case=not ordered, holds=holds)


_TABLE = (
    _compare("eq", "==", "{path} is {value} ({threshold} required{any_case})", "ne", "eq", EQUAL, _op.eq,
             ordered=False),
    _compare("ne", "!=", "{path} is {value} (anything but {threshold} required{any_case})", "eq", "ne", UNEQUAL,
             _op.ne, "$neq", ordered=False),
    _compare("lt", "<", "{path} is {value} (below {threshold} required{any_case})", "ge", "gt", UPPER, _op.lt,
             "$lt", strict=True),
    _compare("le", "<=", "{path} is {value} (at most {threshold} allowed{any_case})", "gt", "ge", UPPER, _op.le,
             "$lte"),
    _compare("gt", ">", "{path} is {value} (more than {threshold} required{any_case})", "le", "lt", LOWER,
             _op.gt, "$gt", strict=True),
    _compare("ge", ">=", "{path} is {value} (at least {threshold} required{any_case})", "lt", "le", LOWER,
             _op.ge, "$gte"),
    Operator("in", VALUES, "member", "{path} is {value} (one of {threshold} required{any_case})",
             _VALUES_SCHEMA, "in", "not_in", sense=MEMBER, case=True),
    Operator("not_in", VALUES, "member", "{path} is {value} (none of {threshold} allowed{any_case})",
             _VALUES_SCHEMA, "not in", "in", sense=NON_MEMBER, case=True),
    Operator("is", TEST, "test", "", {"enum": ["present", "absent", "empty", "not_empty"]}, "is",
             kinds=SCALARS + ("array", "object")),
    Operator("any_item", CONDITION, "some_item", "no item of {path} meets: {inner}", _CONDITION_SCHEMA,
             "some item", kinds=("array",)),
    Operator("all_items", CONDITION, "every_item", "not every item of {path} meets: {inner}", _CONDITION_SCHEMA,
             "every item", kinds=("array",)),
    Operator("contains", ENTRY, "contains", "no entry of {path} is {threshold}{any_case} ({value})",
             {"description": "A list of strings has this entry.", "anyOf": [{"type": "string"}, _PARAM]},
             "contains", kinds=("array",), case=True),
    Operator("between", RANGE, "parts", "{path} is {value} (between {threshold} required)", _RANGE_SCHEMA,
             "between", kinds=("number", "date"), ordered=True, parts=("ge", "le")),
)

#: Every operator by name, in the order error messages and the schema list them.
OPERATORS: dict = {op.name: op for op in _TABLE}

#: The values of ``is``.
TESTS: dict = {t.name: t for t in (
    Test("present", "absent", "{path} is not recorded", recorded=True),
    Test("absent", "present", "{path} is recorded ({value})", recorded=True),
    Test("empty", "not_empty", "{path} is not empty ({value})", recorded=False, needs_list=True),
    Test("not_empty", "empty", "{path} is empty", recorded=False, needs_list=True),
)}

QUANTIFIERS = tuple(n for n, op in OPERATORS.items() if op.operand == CONDITION)


def operator(name: str) -> Optional[Operator]:
    """The operator of a leaf, or None for a name the table does not have (a negated
    quantifier such as lint's ``not any_item``): never reasoned about as comparable."""
    return OPERATORS.get(name)


def negation(name: str) -> Optional[str]:
    op = OPERATORS.get(name)
    return op.negation if op is not None else None


def registry(entries: dict, key: Callable[[Operator], str], where: str) -> dict:
    """``entries`` as given, once checked to hold ``key(op)`` for every operator of the
    table: a consumer missing an operator fails where it is imported, naming both."""
    missing = [op.name for op in OPERATORS.values() if key(op) not in entries]
    if missing:
        raise OperatorTableError(f"{where} has no entry for the operator(s) {', '.join(missing)} "
                                 "(engine/rules/operators.py)")
    return entries


def by_shape(entries: dict, where: str) -> dict:
    """A registry keyed by operand shape."""
    return registry(entries, lambda op: op.operand, where)


def tests_registry(entries: dict, where: str) -> dict:
    """A registry keyed by the values of ``is``."""
    missing = [t for t in TESTS if t not in entries]
    if missing:
        raise OperatorTableError(f"{where} has no entry for 'is: {', '.join(missing)}'")
    return entries
