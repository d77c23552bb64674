"""Raw exports, format by format, as records a mapping can read.

Each export gives its records (with file, record number and line) and the
set of field paths it has, so a mapping that names a field the export lacks
is caught before anything is evaluated. CSV, XLSX and JSON Lines are read as
streams; YAML and JSON documents are parsed whole (as every YAML/JSON parser
does) and the ``records:`` path picks the records out of each document.

Duplicate keys are errors here as in canonical catalogs: JSON would keep the
last value without a word. A record holding one is an error record; one
outside the records (the document's own keys) refuses the file. YAML refuses
them while parsing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from ...errors import CatalogError, Location
from ...limits import DEFAULT, Limits
from ...model import Source
from ...yamlio import check_regular, load_documents, read_text
from ..csv_reader import CsvExport
from ..formats import format_for
from .. import jsonl_reader
from ..json_reader import _array_items, _skip_ws, member
from ..jsontools import decode, duplicates
from ..records import RawRecord
from ..xlsx_reader import XlsxExport
from .definition import Mapping
from .sourcepath import WILDCARD, SourcePath, select, shapes


@dataclass(frozen=True)
class ExportRecord:
    source: Source
    data: Any = None
    problem: Optional[str] = None


class Export:
    unit = "record"

    def __init__(self, path: str, mapping: Mapping, limits: Limits = DEFAULT):
        self.path, self.mapping, self.limits = path, mapping, limits

    def blank_rows(self) -> int:
        """Empty rows skipped by the last pass over the records (tables only)."""
        return 0

    def fields(self) -> set:
        """Every field path shape present in some record."""
        out: set = set()
        for rec in self.records():
            if rec.problem is None:
                out |= shapes(rec.data)
        return out

    def records(self) -> Iterator[ExportRecord]:
        raise NotImplementedError


class TableExport(Export):
    """CSV and XLSX: the header is the set of fields; a record per row."""

    unit = "row"

    def __init__(self, path: str, mapping: Mapping, table, limits: Limits = DEFAULT):
        super().__init__(path, mapping, limits)
        self.table = table
        if mapping.records is not None and not mapping.records.is_self:
            raise CatalogError(f"records: {mapping.records.text!r} does not apply to a table "
                               "(each row is a record); remove it", Location(file=mapping.file))

    def fields(self) -> set:
        return {(name,) for name in self.table.header}

    def records(self) -> Iterator[ExportRecord]:
        for row in self.table.rows():
            yield ExportRecord(Source(self.path, row.number, row.line), row.cells, row.problem)

    def blank_rows(self) -> int:
        return self.table.blank_rows


class DocumentExport(Export):
    """YAML (every document) and JSON: records picked out by ``records:``."""

    def __init__(self, path: str, mapping: Mapping, fmt: str, limits: Limits = DEFAULT):
        super().__init__(path, mapping, limits)
        self.fmt = fmt
        self._records = list(self._read())

    def _read(self) -> Iterator[ExportRecord]:
        text = read_text(self.path, self.limits.max_file_bytes, "max_file_bytes")
        if not text.strip():
            raise CatalogError("the export is empty", Location(file=self.path))
        docs = _json_docs(text, self.path) if self.fmt == "json" else load_documents(
            text, self.path, max_nodes=self.limits.max_yaml_values)
        number = 0
        for doc in docs:
            if doc is None:
                continue
            path = _default_records(doc, self.mapping.records)
            lines = _json_lines(text, path) if self.fmt == "json" else None
            inside: set = set()
            for i, (item, line) in enumerate(select(doc, path)):
                number += 1
                if lines is not None and i < len(lines):
                    line = lines[i]
                found = duplicates(item) if self.fmt == "json" else []
                inside.update(id(node) for node in _objects(item))
                deep = too_deep(item, self.limits.max_depth)
                if found or deep:
                    yield ExportRecord(Source(self.path, number, line), problem=deep or _keyed_twice(found))
                else:
                    yield ExportRecord(Source(self.path, number, line), plain_sets(item))
            if self.fmt == "json":
                _document_keys(doc, inside, self.path)

    def fields(self) -> set:
        out: set = set()
        for rec in self._records:
            out |= shapes(rec.data)
        return out

    def records(self) -> Iterator[ExportRecord]:
        return iter(self._records)


class LinesExport(Export):
    """JSON Lines: one document per line, streamed (twice: fields, then records)."""

    def records(self) -> Iterator[ExportRecord]:
        number = 0
        for lineno, raw in jsonl_reader.lines(self.path, self.limits.max_record_bytes):
            source = Source(self.path, number + 1, lineno)
            if isinstance(raw, jsonl_reader.Overlong) or len(raw) > self.limits.max_record_bytes:
                line = RawRecord(source, problem=jsonl_reader.overlong(lineno, raw, self.limits))
            else:
                line = jsonl_reader.decode_line(source, raw)
            found = duplicates(line.data) if line.problem is None else []
            if line.problem is not None or found:
                number += 1
                yield ExportRecord(line.source, problem=line.problem or f"line {lineno}: {_keyed_twice(found)}")
                continue
            for item, _ in select(line.data, self.mapping.records):
                number += 1
                deep = too_deep(item, self.limits.max_depth)
                yield ExportRecord(Source(self.path, number, lineno), None if deep else item, deep)


def export_format(path: str, mapping: Mapping, explicit: Optional[str]) -> str:
    """The format of an export: the command line's, else the mapping's, else its extension's."""
    return format_for(path, explicit or mapping.input.format)


def open_export(path: str, fmt: str, mapping: Mapping, limits: Limits = DEFAULT) -> Export:
    """The export at ``path`` in format ``fmt``; it must be a regular file (a FIFO or
    /dev/zero would be read forever), of at most the limits' sizes."""
    try:
        check_regular(path)
    except OSError as err:
        raise CatalogError(f"cannot read file: {err.strerror or err}", Location(file=path)) from None
    opts = mapping.input
    if fmt == "csv":
        return TableExport(path, mapping, CsvExport(path, opts.encoding, opts.delimiter, opts.header_row, limits),
                           limits)
    if fmt == "xlsx":
        return TableExport(path, mapping, XlsxExport(path, opts.sheet, opts.header_row, limits), limits)
    if fmt == "jsonl":
        return LinesExport(path, mapping, limits)
    if fmt in ("yaml", "json"):
        return DocumentExport(path, mapping, fmt, limits)
    raise CatalogError(f"no export reader for format {fmt!r}", Location(file=path))


def _keyed_twice(found: list) -> str:
    where, keys = found[0]
    return (f"duplicate key {', '.join(map(repr, keys))} in one object{f' at {where}' if where else ''}: "
            "JSON keeps only the last value, so none is trusted")


def too_deep(value: Any, limit: int) -> Optional[str]:
    """Why a record nested deeper than ``limit`` levels is an error (None when it is not):
    found with a stack, before any walk that recurses through the record could crash."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth >= limit:
                return f"nested deeper than {limit} levels (--limit max_depth=...)"
            stack.extend((v, depth + 1) for v in (node.values() if isinstance(node, dict) else node))
    return None


def _objects(value: Any) -> Iterator[Any]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _document_keys(doc: Any, inside: set, path: str) -> None:
    """A duplicate key outside every record refuses the file: which value held the records?"""
    for node in _objects(doc):
        if id(node) not in inside and getattr(node, "duplicate_keys", None):
            raise CatalogError(f"duplicate key {', '.join(map(repr, node.duplicate_keys))} in the document, "
                               "outside the records: JSON keeps only the last value, so the file is refused",
                               Location(file=path))


def plain_sets(value: Any) -> Any:
    """YAML ``!!set`` values as sorted lists: a list is what a mapping reads, and a set's
    order changes from run to run. Walked with a stack, not recursion: an export's record
    may nest thousands of levels deep, and must become an error, not a crash."""
    if isinstance(value, (set, frozenset)):
        return _sorted(value)
    stack, seen = [value], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias met twice (or a YAML structure that holds itself)
            continue
        seen.add(id(node))
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, sub in list(items):
            if isinstance(sub, (set, frozenset)):
                node[key] = _sorted(sub)
            elif isinstance(sub, (dict, list)):
                stack.append(sub)
    return value


def _sorted(value) -> list:
    return sorted((_sorted(v) if isinstance(v, (set, frozenset)) else v for v in value), key=repr)


def _default_records(doc: Any, records: Optional[SourcePath]) -> Optional[SourcePath]:
    """Without ``records:``, a list's items, a ``services`` list's items, or the document itself."""
    if records is not None:
        return records
    if isinstance(doc, list):
        return SourcePath("[*]", (WILDCARD,))
    if isinstance(doc, dict) and isinstance(doc.get("services"), list):
        return SourcePath("services[*]", ("services", WILDCARD))
    return None


def _json_docs(text: str, path: str) -> list:
    try:
        return [decode(text)]
    except json.JSONDecodeError as err:
        raise CatalogError(f"invalid JSON: {err.msg}", Location(file=path, line=err.lineno, column=err.colno)) from None
    except RecursionError:
        raise CatalogError("JSON nested too deeply to read", Location(file=path)) from None


def _json_lines(text: str, records: Optional[SourcePath]) -> Optional[list]:
    """Start lines of the records when ``records`` is KEY.KEY[*] (or [*]); else None."""
    if records is None or not records.segments or records.segments[-1] != WILDCARD:
        return None
    keys = records.segments[:-1]
    if not all(isinstance(k, str) and k != WILDCARD for k in keys):
        return None
    try:
        pos = _skip_ws(text, 0)
        for key in keys:
            pos = member(text, pos, key)
            if pos is None:
                return None
        if text[pos] != "[":
            return None
        lines, last, line = [], 0, 1
        for offset, _end, _ in _array_items(text, pos, ""):
            line += text.count("\n", last, offset)
            last = offset
            lines.append(line)
        return lines
    except (json.JSONDecodeError, CatalogError, IndexError, RecursionError):
        return None


