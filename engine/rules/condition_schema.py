"""The JSON Schema of a condition (facts/schemas/condition.schema.json), made from the operator table.

Editors complete and check rule files with it, and ``valuate init`` copies it
into a new policy repository. It is written from the table of operators
(engine/rules/operators.py) and the fact schema (the paths offered after
``fact:``); tests/test_schemas.py fails when the file in the repository is
not what this module makes, and ``UPDATE_GOLDEN=1`` rewrites it.
"""
from __future__ import annotations

import json

from ..schema import FactSchema
from .operators import OPERATORS

_MESSAGES = {
    "type": "object",
    "description": "Templates per status: {fact.path}, {param.NAME}, {missing}, {failed}, {held}.",
    "properties": {"met": {"type": "string"}, "not_met": {"type": "string"}, "unknown": {"type": "string"}},
    "additionalProperties": False,
}


def _group() -> dict:
    conditions = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}
    return {"type": "object",
            "properties": {"all": conditions, "any": conditions, "not": {"$ref": "#/$defs/condition"},
                           "label": {"type": "string"}, "messages": _MESSAGES},
            "oneOf": [{"required": [k]} for k in ("all", "any", "not")],
            "additionalProperties": False}


def _leaf(schema: FactSchema) -> dict:
    fact = {"type": "string",
            "description": "A fact path (inside any_item / all_items: relative to the item, '.' the item itself).",
            "examples": schema.all_paths()}
    case_ops = " / ".join(name for name, op in OPERATORS.items() if op.case)
    case = {"enum": ["sensitive", "insensitive"],
            "description": f"insensitive: {case_ops} compare strings in any case."}
    properties = {"fact": fact, **{name: op.schema for name, op in OPERATORS.items()},
                  "case": case, "label": {"type": "string"}, "messages": _MESSAGES}
    return {"type": "object", "required": ["fact"], "properties": properties,
            "oneOf": [{"required": [name]} for name in OPERATORS], "additionalProperties": False}


def condition_schema(schema: FactSchema) -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "valuate condition",
        "description": "A condition of the rule language: all / any / not, or a fact with one operator "
                       "(docs/guides/rule-language.md).",
        "$ref": "#/$defs/condition",
        "$defs": {"condition": {"anyOf": [{"$ref": "#/$defs/group"}, {"$ref": "#/$defs/leaf"}]},
                  "group": _group(), "leaf": _leaf(schema)},
    }


def condition_schema_text(schema: FactSchema) -> str:
    """The file's text: two-space indents, a final newline."""
    return json.dumps(condition_schema(schema), indent=2, ensure_ascii=False) + "\n"
