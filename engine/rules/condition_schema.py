"""The JSON Schema of a condition (facts/schemas/condition.schema.json), made from the operator table.

Editors complete and check rule files with it, and ``valuate init`` copies it
into a new policy repository. It is written from the table of operators
(engine/rules/operators.py) and the fact schema (the paths offered after
``fact:``); tests/test_schemas.py fails when the file in the repository is
not what this module makes, and ``UPDATE_GOLDEN=1`` rewrites it.
"""
from __future__ import annotations

import json
from typing import Optional

from ..schema import FactSchema
from .operators import OPERATORS

_MESSAGES = {
    "type": "object",
    "description": "Templates per status: {fact.path}, {param.NAME}, {missing}, {failed}, {held}.",
    "properties": {"met": {"type": "string"}, "not_met": {"type": "string"}, "unknown": {"type": "string"}},
    "additionalProperties": False,
}


DECLARED = r"^(derived|param)\.[A-Za-z_][A-Za-z0-9_.]*$"  # a pack's derived facts and parameters


def _path(schema: FactSchema, declared: Optional[tuple] = None) -> dict:
    """A fact path of the catalog: one of the schema's (an enum, so an editor lists them and a
    misspelt one is flagged at ``fact:``), or a derived fact / parameter of the pack: any
    ``derived.NAME`` / ``param.NAME`` in the bundled schema (the loader checks those against
    the pack), only the ones ``declared`` in a pack's own (``valuate rules schema``)."""
    if declared is not None:
        return {"description": "A fact path of the service schema, or a derived fact / parameter of the pack.",
                "enum": schema.all_paths() + list(declared)}
    return {"description": "A fact path of the service schema, or derived.NAME / param.NAME of the pack.",
            "anyOf": [{"enum": schema.all_paths()}, {"type": "string", "pattern": DECLARED}]}


_ITEM_PATH = {"type": "string", "description": "A path relative to the list's item ('.' the item itself)."}


def _group(context: str = "") -> dict:
    conditions = {"type": "array", "minItems": 1, "items": {"$ref": f"#/$defs/{context}condition"}}
    return {"type": "object",
            "properties": {"all": conditions, "any": conditions, "not": {"$ref": f"#/$defs/{context}condition"},
                           "label": {"type": "string"}, "messages": _MESSAGES},
            "oneOf": [{"required": [k]} for k in ("all", "any", "not")],
            "additionalProperties": False}


def _leaf(fact: dict) -> dict:
    """A fact with one operator; the conditions of any_item / all_items are about the item
    (``item_condition``: their paths are relative, so no enum of catalog paths applies)."""
    case_ops = " / ".join(name for name, op in OPERATORS.items() if op.case)
    case = {"enum": ["sensitive", "insensitive"],
            "description": f"insensitive: {case_ops} compare strings in any case."}
    ops = {name: ({"$ref": "#/$defs/item_condition"} if op.schema.get("$ref") == "#/$defs/condition" else op.schema)
           for name, op in OPERATORS.items()}
    properties = {"fact": fact, **ops, "case": case, "label": {"type": "string"}, "messages": _MESSAGES}
    return {"type": "object", "required": ["fact"], "properties": properties,
            "oneOf": [{"required": [name]} for name in OPERATORS], "additionalProperties": False}


def condition_schema(schema: FactSchema, declared: Optional[tuple] = None) -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "valuate condition",
        "description": "A condition of the rule language: all / any / not, or a fact with one operator "
                       "(docs/guides/rule-language.md).",
        "$ref": "#/$defs/condition",
        "$defs": {"condition": {"anyOf": [{"$ref": "#/$defs/group"}, {"$ref": "#/$defs/leaf"}]},
                  "group": _group(), "leaf": _leaf(_path(schema, declared)),
                  "item_condition": {"anyOf": [{"$ref": "#/$defs/item_group"}, {"$ref": "#/$defs/item_leaf"}]},
                  "item_group": _group("item_"), "item_leaf": _leaf(_ITEM_PATH)},
    }


def condition_schema_text(schema: FactSchema, declared: Optional[tuple] = None) -> str:
    """The file's text: two-space indents, a final newline."""
    return json.dumps(condition_schema(schema, declared), indent=2, ensure_ascii=False) + "\n"
