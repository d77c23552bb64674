"""Raw exports, format by format, as records a mapping can read.

Each export gives its records (with file, record number and line) and the
set of field paths it has, so a mapping that names a field the export lacks
is caught before anything is evaluated. CSV, XLSX and JSON Lines are read as
streams; YAML and JSON documents are parsed whole (as every YAML/JSON parser
does) and the ``records:`` path picks the records out of each document.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from ...errors import CatalogError, Location
from ...model import Source
from ...yamlio import load_documents, read_text
from ..csv_reader import CsvExport
from .. import jsonl_reader
from ..json_reader import _array_items, _skip_ws, member
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

    def __init__(self, path: str, mapping: Mapping):
        self.path, self.mapping = path, mapping

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

    def __init__(self, path: str, mapping: Mapping, table):
        super().__init__(path, mapping)
        self.table = table
        if mapping.records is not None and not mapping.records.is_self:
            raise CatalogError(f"records: {mapping.records.text!r} does not apply to a table "
                               "(each row is a record); remove it", Location(file=mapping.file))

    def fields(self) -> set:
        return {(name,) for name in self.table.header}

    def records(self) -> Iterator[ExportRecord]:
        for row in self.table.rows():
            yield ExportRecord(Source(self.path, row.number, row.line), row.cells, row.problem)


class DocumentExport(Export):
    """YAML (every document) and JSON: records picked out by ``records:``."""

    def __init__(self, path: str, mapping: Mapping, fmt: str):
        super().__init__(path, mapping)
        self.fmt = fmt
        self._records = list(self._read())

    def _read(self) -> Iterator[ExportRecord]:
        text = read_text(self.path)
        if not text.strip():
            raise CatalogError("the export is empty", Location(file=self.path))
        docs = _json_docs(text, self.path) if self.fmt == "json" else load_documents(text, self.path)
        number = 0
        for doc in docs:
            if doc is None:
                continue
            path = _default_records(doc, self.mapping.records)
            lines = _json_lines(text, path) if self.fmt == "json" else None
            for i, (item, line) in enumerate(select(doc, path)):
                number += 1
                if lines is not None and i < len(lines):
                    line = lines[i]
                yield ExportRecord(Source(self.path, number, line), item)

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
        for lineno, raw in jsonl_reader.lines(self.path):
            line = jsonl_reader.decode_line(Source(self.path, number + 1, lineno), raw)
            if line.problem is not None:
                number += 1
                yield ExportRecord(line.source, problem=line.problem)
                continue
            for item, _ in select(line.data, self.mapping.records):
                number += 1
                yield ExportRecord(Source(self.path, number, lineno), item)


def open_export(path: str, fmt: str, mapping: Mapping) -> Export:
    opts = mapping.input
    if fmt == "csv":
        return TableExport(path, mapping, CsvExport(path, opts.encoding, opts.delimiter, opts.header_row))
    if fmt == "xlsx":
        return TableExport(path, mapping, XlsxExport(path, opts.sheet, opts.header_row))
    if fmt == "jsonl":
        return LinesExport(path, mapping)
    if fmt in ("yaml", "json"):
        return DocumentExport(path, mapping, fmt)
    raise CatalogError(f"no export reader for format {fmt!r}", Location(file=path))


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
        return [json.loads(text)]
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


