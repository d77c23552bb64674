"""Mapping one export record to a canonical fact, its provenance and its errors.

For each field the sources are tried in order and the first non-empty one is
used (empty: missing, null, an unknown word, an empty list); then the value
map, list splitting/joining/picking and the parser turn it into the
canonical value. A value the parser cannot read becomes a ``RecordError`` on
the canonical path that names the export field, the record and the raw
value; the other fields are still mapped, and the batch goes on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from ...model import Provenance, RecordError, Source
from ...values import showable
from .definition import FieldSpec, Mapping
from .parsers import ParseError, is_reference, is_unknown, parse, unwrap
from .sourcepath import WILDCARD, resolve


@dataclass
class Result:
    fact: dict
    provenance: dict  # canonical path -> Provenance
    errors: list  # RecordError


@dataclass(frozen=True)
class Where:
    """The record being mapped: its source, and whether it is a row or a record."""

    source: Source
    unit: str = "record"
    via: Optional[str] = None

    def prov(self, field: Optional[str], raw: Any, line: Optional[int] = None, **kw) -> Provenance:
        return Provenance(self.source.file, self.source.record, line or self.source.line, field,
                          _plain(raw), kw.pop("via", self.via), unit=self.unit, **kw)

    def describe(self, line: Optional[int]) -> str:
        text = f"{self.source.file} {self.unit} {self.source.record}"
        line = line or self.source.line
        return text + (f", line {line}" if line is not None else "")


def apply(mapping: Mapping, data: Any, where: Where) -> Result:
    out = Result({}, {}, [])
    for spec in mapping.fields:
        _field(spec, data, "", out.fact, out, where, mapping)
    return out


def export_path(base: str, src: str) -> str:
    """The export field ``src`` names, read in the node at ``base`` (an element of an
    ``each`` list, "" for the record): ``.`` inside ``serviceBenefits[0]`` is that element."""
    if not base:
        return src
    if src in (".", "$"):
        return base
    return base + src if src.startswith("[") else f"{base}.{src}"


def _field(spec: FieldSpec, node: Any, prefix: str, target: dict, out: Result, where: Where,
           mapping: Mapping, base: str = "") -> bool:
    """Map one field into ``target``; True when a value was read from the export.
    ``base``: where ``node`` is in the export record, so that messages and provenance
    name the export field itself, never a path relative to a list element."""
    path = prefix + spec.target
    if spec.kind == "items":
        return _items(spec, [(node, g, base) for g in spec.items], path, target, out, where, mapping)
    if spec.kind == "each":
        return _each(spec, node, path, target, out, where, mapping, base)
    if spec.has_constant:
        _set(target, spec.target, spec.constant)
        out.provenance[path] = Provenance(mapping.file, line=spec.line, raw=spec.constant, via="constant")
        return False
    chosen, empty = None, None
    for src in spec.sources:
        found = resolve(node, src)
        if not found.present:
            continue
        if _empty(found.value, spec.unknown):
            empty = empty or (src, found)
            continue
        chosen = (src, found)
        break
    if chosen is None:
        if spec.has_default:
            _set(target, spec.target, spec.default)
            field = export_path(base, empty[0].text) if empty else None
            out.provenance[path] = Provenance(mapping.file, line=spec.line, field=field, raw=spec.default,
                                              via="default")
        elif empty is not None:
            out.provenance[path] = where.prov(export_path(base, empty[0].text), empty[1].value, empty[1].line,
                                              unknown=True)
        return False
    src, found = chosen
    field = export_path(base, src.text)
    prov = where.prov(field, found.value, found.line)
    try:
        value = convert(spec, found.value)
    except ParseError as err:
        message = f"{err} (field {field!r} = {_short(found.value)}, {where.describe(found.line)})"
        out.errors.append(RecordError(path, message, prov))
        out.provenance[path] = prov
        return True
    if value is None:
        out.provenance[path] = where.prov(field, found.value, found.line, unknown=True)
        return False
    _set(target, spec.target, value)
    out.provenance[path] = prov
    return True


def _items(spec, groups, path, target, out, where, mapping) -> bool:
    """Fixed or per-element list items; an item exists only if the export gave it a value."""
    items, read_any = [], False
    for node, group, base in groups:
        item, scratch = {}, Result({}, {}, [])
        index = f"{path}[{len(items)}]."
        from_export = [_field(sub, node, index, item, scratch, where, mapping, base) for sub in group]
        if any(from_export) or scratch.errors:
            items.append(item)
            out.provenance.update(scratch.provenance)
            out.errors.extend(scratch.errors)
            read_any = True
        else:  # keep only the "empty, so unknown" notes of a dropped item, under the list
            for key, prov in scratch.provenance.items():
                if prov.unknown:
                    out.provenance.setdefault(path, prov)
    if items:
        _set(target, spec.target, items)
    return read_any


def _each(spec, node, path, target, out, where, mapping, base: str = "") -> bool:
    found = resolve(node, spec.each)
    source = export_path(base, spec.each.text)
    if not found.present or _empty(found.value, spec.unknown):
        if found.present:
            out.provenance[path] = where.prov(source, found.value, found.line, unknown=True)
        return False
    elements = found.value
    if isinstance(elements, list) and WILDCARD not in spec.each.segments:
        placed = [(e, f"{source}[{i}]") for i, e in enumerate(elements)]  # each element by its index
    elif isinstance(elements, list):
        placed = [(e, source) for e in elements]  # gathered from several lists: the path names them
    else:  # a cell to split, or one value standing for a list of one
        parts = _split(elements, spec.split) if isinstance(elements, str) and spec.split else [elements]
        placed = [(e, source) for e in parts]
    groups = [(e, spec.fields, at) for e, at in placed
              if not _empty(e, spec.unknown) and not means_nothing(e, spec.nothing)]
    nothing = any(means_nothing(e, spec.nothing) for e, _ in placed)
    unknown = any(_empty(e, spec.unknown) for e, _ in placed)
    if not groups and nothing and not unknown:  # only "none" words (with an unknown one: unknown)
        _set(target, spec.target, [])  # the export says there are none: recorded as none
        out.provenance[path] = where.prov(source, found.value, found.line)
        return True
    return _items(spec, groups, path, target, out, where, mapping)


def means_nothing(raw: Any, words: frozenset) -> bool:
    """A value that says "none at all" (a ``nothing`` word; trimmed, any case)."""
    raw = unwrap(raw)
    return bool(words) and isinstance(raw, str) and raw.strip().casefold() in words


def convert(spec: FieldSpec, raw: Any) -> Any:
    """The canonical value for a non-empty raw value (None when it reads as unknown).

    In a list field the words that mean "none at all" (``nothing``) are no items:
    a list of only such words is recorded as empty ("None" certifications: none)."""
    if spec.kind == "list":
        items = _split(raw, spec.split) if isinstance(raw, str) and spec.split else \
            raw if isinstance(raw, list) else [raw]
        items = [x for x in items if not means_nothing(x, spec.nothing)]
        values = [v for v in (_one(spec, x) for x in items) if v is not None]
        return values if values or not items else None
    if isinstance(raw, list) or isinstance(raw, str) and spec.split:
        items = _split(raw, spec.split) if isinstance(raw, str) else raw
        if not items:
            return None  # an empty list says nothing about a single fact
        if spec.join_with is not None:
            parts = [v for v in (_one(spec, x) for x in items) if v is not None]
            return spec.join_with.join(str(p) for p in parts) or None
        if spec.pick is not None:
            return _pick([v for v in (_one(spec, x) for x in items) if v is not None], spec.pick)
        if len(items) == 1:
            return _one(spec, items[0])
        raise ParseError(f"expected one value, got a list of {len(items)} (add pick: or join_with: to the field)")
    return _one(spec, raw)


def _one(spec: FieldSpec, raw: Any) -> Any:
    mappable = not isinstance(raw, (list, dict)) or is_reference(raw)
    if spec.value_map is not None and mappable:
        key = _map_key(unwrap(raw))
        if key in spec.value_map:
            return spec.value_map[key]
    try:
        return parse(spec.parser, raw, spec.options, spec.unknown)
    except ParseError as err:
        if spec.value_map:
            keys = ", ".join(repr(k) for k in list(spec.value_map)[:6])
            raise ParseError(f"not in the value map ({keys}) and {err}") from None
        raise


def _pick(values: list, how: str) -> Any:
    if not values:
        return None
    if how == "first":
        return values[0]
    if how == "last":
        return values[-1]
    try:
        return max(values) if how == "max" else min(values)
    except TypeError:
        raise ParseError(f"cannot take the {how} of mixed values {values!r}") from None


def _split(text: str, seps: tuple) -> list:
    pattern = "|".join(re.escape(s) for s in seps)
    return [part.strip() for part in re.split(pattern, text) if part.strip()]


def _empty(value: Any, unknown: frozenset) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_empty(v, unknown) for v in value)
    if isinstance(value, dict):
        return not value or is_reference(value) and _empty(unwrap(value), unknown)
    return is_unknown(value, unknown)


def _map_key(raw: Any) -> str:
    if isinstance(raw, bool):
        return str(raw).lower()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip().casefold()


def _set(target: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _plain(raw: Any) -> Any:
    """The raw value as every output can show it (values.showable: dates as ISO text,
    Excel durations as hours, NaN as text, bytes described...)."""
    return showable(raw)


def _short(raw: Any) -> str:
    text = repr(_plain(raw))
    return text if len(text) <= 80 else text[:77] + "..."
