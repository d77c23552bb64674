"""A validator compiled from the fact schema, for the hot path.

Each compiled check returns the value cleaned the way valuate reads facts
(nulls inside mappings dropped: null is absent; YAML dates as ISO strings), so
one walk both checks and normalises a record.

jsonschema is thorough but costs about a millisecond per rich record here;
the batch must do tens of thousands per second. This module turns the
subset of JSON Schema that facts/service.schema.json uses (type, enum,
required, properties, items, minimum/maximum/exclusiveMinimum, minLength,
pattern + format date, $ref) into nested closures once, and checks a record
with them. It refuses any other keyword when compiling, so the schema cannot
grow a rule this checker would silently ignore, and a property test keeps it
in step with jsonschema on random records (tests/test_fastcheck.py).
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any, Callable, Optional

from ..documents import kind_of
from ..errors import did_you_mean
from ..model import RecordError
from ..values import HugeInt, non_finite, printable, surrogate_in

Check = Callable[[Any, list, list], Any]  # (value, path parts, errors) -> cleaned value
MAX_DEPTH = 32  # nesting allowed in parts of a record the schema does not describe (set_max_depth)
MAX_INT = 2 ** 63  # durable-rules reads integers as 64-bit
SUPPORTED = {"type", "enum", "required", "properties", "items", "minimum", "maximum",
             "exclusiveMinimum", "minLength", "pattern", "format", "$ref", "description",
             "title", "$schema", "$id", "$defs"}
_TYPE_WORDS = {"string": "a string", "number": "a number", "integer": "an integer",
               "boolean": "true or false", "array": "a list", "object": "a mapping"}


def path_text(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _is_type(value: Any, kind: str) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind == "integer":
        return (isinstance(value, int) and abs(value) < MAX_INT) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, int):
        return abs(value) < MAX_INT
    return isinstance(value, float) and math.isfinite(value)  # number


def _num(x: Any) -> str:
    return str(int(x)) if isinstance(x, float) and x == int(x) else str(x)


class UnknownKey(RecordError):
    """A key the schema does not describe where it describes every key: no rule can read it.

    Only reported when compiled with ``unknown_keys``; validation makes it a
    warning (or, with --strict, an error)."""


EXTENSION_PREFIXES = ("x-", "x_")  # a team's own fields, kept on purpose: never reported


class Compiler:
    def __init__(self, root: dict, unknown_keys: bool = False):
        self.root = root
        self.unknown_keys = unknown_keys
        self._refs: dict = {}

    def compile(self, node: dict) -> Check:
        unknown = set(node) - SUPPORTED
        if unknown:
            raise ValueError(f"fact schema uses unsupported keywords: {sorted(unknown)}")
        if "$ref" in node:
            return self._ref(node["$ref"])
        checks: list[Check] = []
        kind = node.get("type")
        if kind is not None:
            checks.append(self._type(kind))
        if "enum" in node:
            checks.append(self._enum(tuple(node["enum"])))
        if any(k in node for k in ("minimum", "maximum", "exclusiveMinimum")):
            checks.append(self._range(node))
        if "minLength" in node:
            checks.append(self._min_length(node["minLength"]))
        if "pattern" in node or node.get("format") == "date":
            checks.append(self._date(node.get("pattern")))
        if "properties" in node or "required" in node:
            checks.append(self._object(node.get("properties", {}), tuple(node.get("required", ()))))
        if "items" in node:
            checks.append(self._items(self.compile(node["items"])))
        return _all(checks, gate_on_type=kind)

    def _ref(self, ref: str) -> Check:
        if self._refs.get(ref) is not None:  # compiled already: call it directly
            return self._refs[ref]
        if ref not in self._refs:
            self._refs[ref] = None  # placeholder against recursion
            target = self.root
            for part in ref[2:].split("/"):
                target = target[part]
            self._refs[ref] = self.compile(target)
            return self._refs[ref]
        return lambda v, p, e: self._refs[ref](v, p, e)  # a recursive schema: resolved when called

    def at(self, path: str) -> Optional[Check]:
        """The check of the value at a dotted fact path (objects only, no list items), or None."""
        node = self.root
        for part in path.split("."):
            while "$ref" in node:
                node = self._resolve(node["$ref"])
            node = node.get("properties", {}).get(part)
            if node is None:
                return None
        return self.compile(node)

    def _resolve(self, ref: str) -> dict:
        target = self.root
        for part in ref[2:].split("/"):
            target = target[part]
        return target

    @staticmethod
    def _type(kind: str) -> Check:
        def check(value, path, errors):
            if isinstance(value, float) and not math.isfinite(value):  # what the field wants, and NaN in words
                wanted = "a finite number" if kind in ("number", "integer") else _TYPE_WORDS[kind]
                errors.append(RecordError(path_text(path), f"expected {wanted}, got {non_finite(value)}"))
            elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= MAX_INT:
                written = f": {value}" if isinstance(value, HugeInt) else ""
                errors.append(RecordError(path_text(path), f"number too large (more than 64 bits){written}"))
            elif isinstance(value, str) and surrogate_in(value):
                errors.append(_not_unicode(path, value))
            elif not _is_type(value, kind):
                errors.append(RecordError(path_text(path), f"expected {_TYPE_WORDS[kind]}, got {kind_of(value)}"))
            return value
        return check

    @staticmethod
    def _enum(values: tuple) -> Check:
        def check(value, path, errors):
            if isinstance(value, bool) or not isinstance(value, str) or value not in values:
                errors.append(RecordError(path_text(path),
                                          f"expected one of {', '.join(map(str, values))}; got {kind_of(value)}"))
            return value
        return check

    @staticmethod
    def _range(node: dict) -> Check:
        low, high, above = node.get("minimum"), node.get("maximum"), node.get("exclusiveMinimum")
        if low is not None and high is not None:
            words = f"expected a number from {_num(low)} to {_num(high)}"
        elif above is not None:
            words = f"expected a number above {_num(above)}"
        elif low is not None:
            words = f"expected a number of at least {_num(low)}"
        else:
            words = f"expected a number of at most {_num(high)}"

        def check(value, path, errors):
            if not _is_type(value, "number"):
                return value
            if (low is not None and value < low) or (high is not None and value > high) \
                    or (above is not None and value <= above):
                errors.append(RecordError(path_text(path), f"{words}, got {kind_of(value)}"))
            return value
        return check

    @staticmethod
    def _min_length(n: int) -> Check:
        def check(value, path, errors):
            if isinstance(value, str) and len(value) < n:
                errors.append(RecordError(path_text(path), "must not be empty"))
            return value
        return check

    @staticmethod
    def _date(pattern: Optional[str]) -> Check:
        regex = re.compile(pattern or r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

        def check(value, path, errors):
            if isinstance(value, _dt.datetime):
                return value.date().isoformat()
            if isinstance(value, _dt.date):
                return value.isoformat()
            if not isinstance(value, str):
                return value
            ok = bool(regex.search(value))
            if ok:
                try:
                    _dt.date.fromisoformat(value)
                except ValueError:
                    ok = False
            if not ok:
                errors.append(RecordError(path_text(path), f"expected a date as YYYY-MM-DD, got {kind_of(value)}"))
            return value
        return check

    def _object(self, props: dict, required: tuple) -> Check:
        compiled = {name: self.compile(sub) for name, sub in props.items()}
        report_unknown = self.unknown_keys and bool(props)

        def check(value, path, errors):
            if not isinstance(value, dict):
                return value
            out = _members(value, path, errors, compiled)
            for name in required:
                if name not in out:
                    errors.append(RecordError(path_text(path + [name]), "missing: required here"))
            if report_unknown and not value.keys() <= compiled.keys():
                _unknown(value, path, errors, compiled)
            return out
        return check

    @staticmethod
    def _items(inner: Check) -> Check:
        def check(value, path, errors):
            return _elements(value, path, errors, inner) if isinstance(value, list) else value
        return check


def _all(checks: list, gate_on_type: Optional[str]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if gate_on_type is not None:
        first, rest = checks[0], checks[1:]

        def check(value, path, errors):
            # A value of the wrong type gets one error (the type), as a person expects.
            if not _is_type(value, gate_on_type):  # (a NaN: the type says it, not "a finite number")
                plain = isinstance(value, float) and not math.isfinite(value)
                return first(value if plain else clean_any(value, path, errors), path, errors)
            if isinstance(value, str) and surrogate_in(value):
                errors.append(_not_unicode(path, value))
                return value
            for c in rest:
                value = c(value, path, errors)
            return value
        return check

    def check_all(value, path, errors):
        for c in checks:
            value = c(value, path, errors)
        return value
    return check_all


def _not_unicode(path: list, text: str) -> RecordError:
    """A string holding an unpaired surrogate (JSON's "\\ud800" alone): half a character,
    which no output can write."""
    return RecordError(path_text(path), f"not valid Unicode text: it holds the unpaired surrogate "
                                        f"\\u{ord(surrogate_in(text)):04x} (half of a character)")


def _duplicates(value: dict, path: list, errors: list) -> None:
    dups = getattr(value, "duplicate_keys", None)
    if dups:
        errors.append(RecordError(path_text(path), "duplicate key " + ", ".join(map(repr, dups))
                                  + " in one mapping: only one value can be kept, so none is trusted"))


def _members(value: dict, path: list, errors: list, checks: dict) -> dict:
    """A mapping's members, each through its check (``clean_any`` when the schema
    has none); null members dropped (null is absent), odd keys refused."""
    _duplicates(value, path, errors)
    out = {}
    for name, sub in value.items():
        if sub is None:
            continue
        if not isinstance(name, str):
            errors.append(RecordError(path_text(path), f"field names must be strings, got {kind_of(name)}"))
            continue
        if surrogate_in(name):
            errors.append(_not_unicode(path + [printable(name)], name))
            continue
        path.append(name)
        out[name] = checks.get(name, clean_any)(sub, path, errors)
        path.pop()
    return out


def _unknown(value: dict, path: list, errors: list, known: dict) -> None:
    for name in value:
        if name not in known and isinstance(name, str) and not name.startswith(EXTENSION_PREFIXES):
            errors.append(UnknownKey(path_text(path + [name]), "unknown key: not in the fact schema, so no rule "
                                     "reads it" + did_you_mean(name, list(known))))


def _elements(value: list, path: list, errors: list, check: Check) -> list:
    out = []
    for i, item in enumerate(value):
        path.append(i)
        out.append(check(item, path, errors))
        path.pop()
    return out


def clean_any(value: Any, path: list, errors: list) -> Any:
    """Normalise a value the schema says nothing about (or of the wrong type)."""
    if len(path) > MAX_DEPTH:
        errors.append(RecordError(path_text(path), f"nested deeper than {MAX_DEPTH} levels"))
        return None
    if isinstance(value, dict):
        return _members(value, path, errors, {})
    if isinstance(value, list):
        return _elements(value, path, errors, clean_any)
    if isinstance(value, float) and not math.isfinite(value):
        errors.append(RecordError(path_text(path), f"expected a finite number, got {non_finite(value)}"))
    elif isinstance(value, str) and surrogate_in(value):
        errors.append(_not_unicode(path, value))
    elif isinstance(value, _dt.datetime):
        return value.date().isoformat()
    elif isinstance(value, _dt.date):
        return value.isoformat()
    return value


def set_max_depth(depth: int) -> None:
    """Apply ``--limit max_depth`` for this run (worker processes inherit it)."""
    global MAX_DEPTH
    MAX_DEPTH = depth


def compile_schema(schema: dict, unknown_keys: bool = False) -> Check:
    """The check for ``schema``; ``unknown_keys`` also reports (as ``UnknownKey``) keys that
    objects with declared properties do not declare."""
    return Compiler(schema, unknown_keys).compile(schema)


def compile_at(schema: dict, path: str) -> Optional[Check]:
    """The check for the value at one fact path (see Compiler.at)."""
    return Compiler(schema).at(path)
