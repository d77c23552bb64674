"""Reading the ``fields:`` of a mapping file into checked ``FieldSpec``s.

A field is written as a source path (``name``), a list of fallback paths
(``[friendly_name, name]``) or a mapping with ``from``/``value``/``default``,
``parser`` and its options, ``map``, ``split``, ``join_with``, ``pick``,
``unknown``, ``nothing`` (list fields: words meaning "none at all", read as an
empty list), and for lists of objects ``items`` or ``each`` + ``fields``.
Target paths are checked against the canonical fact schema, parser options
against the parser, constants against the target's type.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Optional

from ...errors import did_you_mean
from ...schema import FactSchema, FieldType
from ...yamlio import LocDict
from ...documents import Reader, join, kind_of
from .definition import FieldSpec
from .parsers import PARSERS, unknown_set
from .sourcepath import PathSyntaxError, SourcePath, parse_path

FIELD_KEYS = ("from", "value", "default", "parser", "map", "split", "join_with", "pick", "unknown",
              "nothing", "optional", "items", "each", "fields")
PICKS = ("first", "last", "min", "max")
OPTION_MAX = 10 ** 15  # a parser option past this is a mistake (the rule language's limit too)
_KIND_PARSER = {"string": "string", "number": "number", "boolean": "boolean", "date": "date"}


@lru_cache(maxsize=1)
def percent_targets() -> frozenset:
    """Canonical paths typed as percents in the schema: their default parser is ``percent``."""
    doc = FactSchema.default().document
    out = set()

    def walk(node: dict, prefix: str) -> None:
        for name, sub in node.get("properties", {}).items():
            path = f"{prefix}{name}"
            if sub.get("$ref") == "#/$defs/percent":
                out.add(path)
            walk(sub, path + ".")

    walk(doc, "")
    return frozenset(out)


def default_parser(ftype: FieldType, target: str) -> str:
    if target in percent_targets():
        return "percent"
    if ftype.kind == "number":
        return "integer" if ftype.integer else "number"
    return _KIND_PARSER.get(ftype.kind, "string")


class FieldReader:
    """Parses field specs for one mapping file, collecting problems in ``reader``."""

    def __init__(self, reader: Reader, schema: FactSchema, unknown: frozenset, nothing: frozenset = frozenset()):
        self.r, self.schema, self.unknown, self.nothing = reader, schema, unknown, nothing

    def fields(self, node: Any, path: str, base: Optional[FieldType] = None, prefix: str = "") -> tuple:
        if not self.r.mapping(node, self.r.at(node, None, path), "fields"):
            return ()
        out = []
        for target, spec in node.items():
            loc = self.r.at(node, target, join(path, str(target)))
            ftype = self._target(target, loc, base, prefix)
            if ftype is not None:
                parsed = self.field(str(target), spec, ftype, join(path, str(target)), loc, prefix)
                if parsed is not None:
                    out.append(parsed)
        return tuple(out)

    def _target(self, target: Any, loc, base, prefix: str) -> Optional[FieldType]:
        if not isinstance(target, str) or not target.strip():
            self.r.error(f"a field name must be a canonical fact path, got {kind_of(target)}", loc)
            return None
        if "[" in target:
            self.r.error(f"{target!r}: write list items with items: or each: on the list field "
                         "(see docs/guides/catalogs.md, Mapping file reference)", loc)
            return None
        ftype = self.schema.lookup(target, base)
        if ftype is None:
            where = f"the items of {prefix.rstrip('.')}" if prefix else "the canonical fact"
            self.r.error(f"{target!r} is not a field of {where}{self.schema.suggest(target, base)}", loc)
            return None
        if ftype.kind == "object":
            self.r.error(f"{target!r} is a group of facts; map its fields one by one "
                         f"(e.g. {target}.{next(iter(ftype.fields), 'name')})", loc)
            return None
        return ftype

    def field(self, target: str, spec: Any, ftype: FieldType, path: str, loc, prefix: str) -> Optional[FieldSpec]:
        if isinstance(spec, str) or isinstance(spec, list) and all(isinstance(s, str) for s in spec):
            spec = _located({"from": spec}, loc)
        elif not isinstance(spec, dict):
            self.r.error(f"{target}: expected a source field, a list of fallbacks or a mapping, got "
                         f"{kind_of(spec)} (write value: ... for a constant)", loc)
            return None
        item = ftype.item if ftype.kind == "array" else None
        objects = item is not None and item.kind == "object"
        if objects:
            return self._objects(target, spec, item, path, loc, prefix)
        kind = "list" if ftype.kind == "array" else "scalar"
        scalar = item if kind == "list" else ftype
        parser = spec.get("parser", default_parser(scalar, prefix + target))
        if parser not in PARSERS:
            self.r.error(f"unknown parser {parser!r}; known: {', '.join(PARSERS)}"
                         f"{self._hint(str(parser), list(PARSERS))}", self.r.at(spec, "parser", join(path, "parser")))
            return None
        allowed = [k for k in FIELD_KEYS if k not in ("items", "each", "fields")] + list(PARSERS[parser].options)
        for key in spec:
            owners = [n for n, p in PARSERS.items() if key in p.options]
            if key not in allowed and owners:
                self.r.error(f"{key!r} is an option of parser {' or '.join(owners)}, not of {parser} "
                             f"(the parser of {target!r}; set parser: to change it)",
                             self.r.at(spec, key, join(path, str(key))))
                return None
        if not self.r.keys(spec, path, (), allowed, f"field {target!r} (parser {parser})"):
            return None
        if ("from" in spec) == ("value" in spec):
            self.r.error(f"field {target!r} needs either from: (export fields) or value: (a constant)", loc)
            return None
        return FieldSpec(
            target=target, kind=kind, sources=self._sources(spec, path), parser=parser,
            constant=spec.get("value"), has_constant="value" in spec,
            default=spec.get("default"), has_default="default" in spec,
            options=self._options(spec, parser, path), value_map=self._map(spec, path),
            split=self._split(spec, path), join_with=self._join_with(spec, path, scalar, kind),
            pick=self._pick(spec, path, kind), unknown=self._unknown(spec, path),
            nothing=self._nothing(spec, path, kind == "list", target),
            optional=self._flag(spec, "optional", path), file=self.r.file, line=loc.line, column=loc.column, at=loc.path or "")

    def _objects(self, target, spec, item: FieldType, path, loc, prefix) -> Optional[FieldSpec]:
        if "items" not in spec and "each" not in spec:
            self.r.error(f"{target!r} is a list of objects: give items: [...] (fixed items) or "
                         "each: SOURCE_LIST with fields: {...} (one item per element)", loc)
            return None
        if not self.r.keys(spec, path, (), ("items", "each", "fields", "split", "unknown", "nothing", "optional"),
                           f"list field {target!r}"):
            return None
        sub_prefix = f"{prefix}{target}[]."
        if "items" in spec:
            items = spec["items"]
            if not self.r.sequence(items, self.r.at(spec, "items", join(path, "items")), "items"):
                return None
            groups = tuple(self.fields(it, join(join(path, "items"), i), item, sub_prefix)
                           for i, it in enumerate(items))
            if "nothing" in spec:  # fixed items are not read from a list of the export
                self.r.error(f"nothing (words meaning an empty list) applies to each:, not to the fixed items "
                             f"of {target!r}", self.r.at(spec, "nothing", join(path, "nothing")))
            return FieldSpec(target, "items", items=groups, optional=self._flag(spec, "optional", path),
                             file=self.r.file, line=loc.line, column=loc.column, at=loc.path or "")
        if "each" in spec:
            each = self._path(spec["each"], self.r.at(spec, "each", join(path, "each")))
            subs = self.fields(spec.get("fields"), join(path, "fields"), item, sub_prefix)
            if each is None:
                return None
            return FieldSpec(target, "each", each=each, fields=subs, split=self._split(spec, path),
                             unknown=self._unknown(spec, path), nothing=self._nothing(spec, path, True, target),
                             optional=self._flag(spec, "optional", path), file=self.r.file, line=loc.line,
                             column=loc.column, at=loc.path or "")
        return None

    def _sources(self, spec: dict, path: str) -> tuple:
        raw = spec.get("from")
        if raw is None:
            return ()
        loc = self.r.at(spec, "from", join(path, "from"))
        texts = raw if isinstance(raw, list) else [raw]
        out = tuple(p for p in (self._path(t, loc) for t in texts) if p is not None)
        return out

    def _path(self, text: Any, loc) -> Optional[SourcePath]:
        if not isinstance(text, str):
            self.r.error(f"a source field must be text, got {kind_of(text)}", loc)
            return None
        try:
            return parse_path(text)
        except PathSyntaxError as err:
            self.r.error(str(err), loc)
            return None

    def _options(self, spec: dict, parser: str, path: str) -> dict:
        out = {}
        for name, opt in PARSERS[parser].options.items():
            if name not in spec:
                continue
            value, loc = spec[name], self.r.at(spec, name, join(path, name))
            problem = check_option(opt, value)
            if problem:
                self.r.error(f"option {name!r} of parser {parser}: {problem}", loc)
            else:
                out[name] = value
        return out

    def _map(self, spec: dict, path: str) -> Optional[dict]:
        if "map" not in spec:
            return None
        node = spec["map"]
        if not self.r.mapping(node, self.r.at(spec, "map", join(path, "map")), "map"):
            return None
        return {_key(k): v for k, v in node.items()}

    def _split(self, spec: dict, path: str) -> tuple:
        value = spec.get("split")
        if value is None:
            return ()
        seps = value if isinstance(value, list) else [value]
        if not seps or not all(isinstance(s, str) and s for s in seps):
            self.r.error("split must be a separator or a list of separators (e.g. ';' or [',', ';'])",
                         self.r.at(spec, "split", join(path, "split")))
            return ()
        return tuple(seps)

    def _join_with(self, spec, path, scalar: FieldType, kind: str) -> Optional[str]:
        value = spec.get("join_with")
        if value is None:
            return None
        loc = self.r.at(spec, "join_with", join(path, "join_with"))
        if not isinstance(value, str) or kind != "scalar" or scalar.kind != "string":
            self.r.error("join_with (text between joined items) applies to a text field only", loc)
            return None
        return value

    def _pick(self, spec, path, kind: str) -> Optional[str]:
        value = spec.get("pick")
        if value is None:
            return None
        loc = self.r.at(spec, "pick", join(path, "pick"))
        if value not in PICKS or kind != "scalar":
            self.r.error(f"pick must be one of {', '.join(PICKS)} on a single-valued field, got {value!r}", loc)
            return None
        return value

    def _flag(self, spec, key: str, path: str) -> bool:
        value = spec.get(key, False)
        if not isinstance(value, bool):
            self.r.error(f"{key} must be true or false, got {kind_of(value)}", self.r.at(spec, key, join(path, key)))
            return False
        return value

    def _unknown(self, spec, path) -> frozenset:
        if "unknown" not in spec:
            return self.unknown
        return words_option(self.r, spec, "unknown", path)

    def _nothing(self, spec, path: str, is_list: bool, target: str) -> frozenset:
        """A list field's words for "none at all": its own, else the mapping's."""
        if "nothing" not in spec:  # the mapping's words, less those this field reads as unknown
            return self.nothing - self._unknown(spec, path) if is_list else frozenset()
        if not is_list:
            self.r.error(f"nothing (words meaning an empty list) applies to list fields; {target!r} holds one "
                         "value (to read a word as a value, use map:, e.g. map: {none: 0})",
                         self.r.at(spec, "nothing", join(path, "nothing")))
            return frozenset()
        return nothing_option(self.r, spec, path, self._unknown(spec, path))

    def _hint(self, word: str, choices: list) -> str:
        return did_you_mean(word, choices)


def _located(node: dict, loc) -> dict:
    """A mapping made from shorthand, placed where the shorthand was written."""
    out = LocDict(node)
    out.mark = (loc.line, loc.column)
    out.key_marks = {k: out.mark for k in node}
    return out


def words_option(r: Reader, node: dict, key: str, path: str) -> frozenset:
    value = node[key]
    if not isinstance(value, list) or not all(isinstance(w, (str, int, float)) for w in value):
        r.error(f"{key} must be a list of words, e.g. ['', '?', 'n/a', '-']", r.at(node, key, join(path, key)))
        return unknown_set()
    return unknown_set(value) | {""}


def nothing_option(r: Reader, node: dict, path: str, unknown: frozenset) -> frozenset:
    """The ``nothing`` words of a mapping or a field: a list of non-empty words, none of
    them also an unknown word (a value cannot mean both "not recorded" and "none")."""
    value, loc = node["nothing"], r.at(node, "nothing", join(path, "nothing"))
    if not isinstance(value, list) or not all(isinstance(w, (str, int, float)) and not isinstance(w, bool)
                                              for w in value):
        r.error("nothing must be a list of words meaning none at all, e.g. [None, No certifications]", loc)
        return frozenset()
    words = unknown_set(value)
    if "" in words:
        r.error("nothing cannot hold an empty word: an empty value is always unknown", loc)
    both = sorted(w for w in words & unknown if w)
    if both:
        r.error(f"{', '.join(repr(w) for w in both)} cannot mean both unknown and nothing; "
                "take it out of one of the two lists", loc)
    return words - {""}


def _key(k: Any) -> str:
    if isinstance(k, bool):
        return str(k).lower()
    return str(k).strip().casefold()


def check_option(opt, value: Any) -> Optional[str]:
    """None when ``value`` suits the option, else what is wrong."""
    if opt.kind == "choice":
        return None if value in opt.choices else f"expected one of {', '.join(map(str, opt.choices))}, got {value!r}"
    if opt.kind == "bool":
        return None if isinstance(value, bool) else f"expected true or false, got {kind_of(value)}"
    if opt.kind in ("number", "int"):
        ok = isinstance(value, int if opt.kind == "int" else (int, float)) and not isinstance(value, bool)
        if not ok or not value > 0 or isinstance(value, float) and not math.isfinite(value):  # NaN, .inf
            return f"expected a finite positive {'whole ' if opt.kind == 'int' else ''}number, got {kind_of(value)}"
        highest = opt.maximum if opt.maximum is not None else OPTION_MAX
        return None if value <= highest else f"expected a number of at most {highest:g}, got {kind_of(value)}"
    if opt.kind == "text":
        return None if isinstance(value, str) and value.strip() else f"expected text, got {kind_of(value)}"
    if opt.kind == "words":
        ok = isinstance(value, list) and all(isinstance(w, (str, int)) for w in value)
        return None if ok else f"expected a list of words, got {kind_of(value)}"
    if opt.kind == "range":
        ok = (isinstance(value, list) and len(value) == 2 and all(
            v is None or isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
            and (None in value or value[0] <= value[1]))
        return None if ok else f"expected [low, high] (numbers, low <= high), got {value!r}"
    return None
