"""The canonical fact schema's shape: which fact paths exist and their types.

The fact schema (``facts/service.schema.json``) is the single source of truth
for which fact paths exist and what type each has: the validator checks
records against it, and the rule checker uses it to type-check conditions and
to suggest the right name for a misspelt path.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .data import FACT_SCHEMA
from .errors import did_you_mean

@dataclass(frozen=True)
class FieldType:
    """The type of one fact path, as the rule compiler needs it."""

    kind: str  # number | string | boolean | date | array | object
    enum: tuple = ()
    integer: bool = False
    item: Optional["FieldType"] = None  # for arrays
    fields: dict = field(default_factory=dict, compare=False, hash=False)  # for objects

    def describe(self) -> str:
        if self.kind == "array" and self.item is not None:
            return "a list of " + self.item.plural()
        if self.enum:
            return "one of " + ", ".join(map(str, self.enum))
        noun = self._noun()
        if noun not in _NOUNS:  # an array whose items the schema leaves open
            return noun
        return ("an " if noun[0] in "aeiou" else "a ") + noun

    def plural(self) -> str:
        """What many of these are called: 'strings', 'lists of integers', 'values among a, b'."""
        if self.kind == "array" and self.item is not None:
            return "lists of " + self.item.plural()
        if self.enum:
            return "values among " + ", ".join(map(str, self.enum))
        return self._noun() + "s"

    def _noun(self) -> str:
        return "integer" if self.integer else self.kind


_NOUNS = frozenset({"integer", "number", "string", "boolean", "date", "object"})


def _resolve(node: dict, root: dict) -> dict:
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _field_type(node: dict, root: dict) -> FieldType:
    node = _resolve(node, root)
    if "enum" in node:
        return FieldType("string", enum=tuple(node["enum"]))
    kind = node.get("type")
    if kind == "array":
        return FieldType("array", item=_field_type(node.get("items", {}), root))
    if kind == "object":
        props = {name: _field_type(sub, root) for name, sub in node.get("properties", {}).items()}
        return FieldType("object", fields=props)
    if kind == "string" and node.get("format") == "date":
        return FieldType("date")
    if kind == "integer":
        return FieldType("number", integer=True)
    if kind in ("number", "string", "boolean"):
        return FieldType(kind)
    return FieldType("object")


class FactSchema:
    """Typed view of the canonical fact schema: path -> FieldType."""

    def __init__(self, document: dict):
        self.document = document
        self.root = _field_type(document, document)

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "FactSchema":
        with open(FACT_SCHEMA, encoding="utf-8") as fh:
            return cls(json.load(fh))

    def lookup(self, path: str, base: Optional[FieldType] = None) -> Optional[FieldType]:
        """The type at a dotted path below ``base`` (the whole fact by default)."""
        node = base or self.root
        if path == ".":
            return node
        for part in path.split("."):
            if node.kind != "object" or part not in node.fields:
                return None
            node = node.fields[part]
        return node

    def all_paths(self, base: Optional[FieldType] = None) -> list[str]:
        """Every dotted path below ``base`` (objects and leaves, not list items)."""
        out: list[str] = []

        def walk(node: FieldType, prefix: str) -> None:
            for name, sub in node.fields.items():
                path = f"{prefix}{name}"
                out.append(path)
                if sub.kind == "object":
                    walk(sub, path + ".")

        walk(base or self.root, "")
        return out

    def suggest(self, path: str, base: Optional[FieldType] = None, extra: tuple = ()) -> str:
        """A ' (did you mean ...?)' suffix for a path the schema does not have."""
        return did_you_mean(path, list(self.all_paths(base)) + list(extra))

    def single_value_problem(self, path: str) -> Optional[str]:
        """Why ``path`` cannot group services (no such fact, an object, or a list of objects), or None.

        A group is one value: text, number, date and yes/no facts qualify, and lists of
        them (one group per element, e.g. tags)."""
        found = self.lookup(path)
        if found is None:
            return f"{path!r} is not a fact path of the fact schema{self.suggest(path)}"
        item = found.item if found.kind == "array" else None
        if found.kind == "object" or (item is not None and item.kind in ("object", "array")):
            kind = "a list of records" if item is not None else "an object"
            return (f"{path!r} is {kind}, not a value; group by a text, number, date or yes/no fact, "
                    "or a list of them, such as provider, tier, owner, lifecycle or tags")
        return None
