"""CSV exports, read as a stream: one record per row after the header.

The dialect (delimiter, quoting) is sniffed from the start of the file unless
the mapping gives ``delimiter``; UTF-8 with or without a BOM is the default
encoding; quoted cells may hold newlines. Each record remembers its row
number (1 = the first row after the header) and the line it starts on.

Nothing is dropped without a word:
- fully empty rows are not records, but they are counted (``blank_rows``);
- a row with more cells than the header has columns, or bigger than the
  record limit (``max_record_bytes``, which is also the cell limit), becomes
  an ``error`` record naming the row, and the batch goes on; physical lines
  are read with that bound, so one enormous line costs no memory;
- a quote that is never closed would swallow every row after it into one
  cell: the file is refused, naming the line where the quote opened. A file
  of up to ``CHECK_FIRST_BYTES`` is read to its end before its first row is
  handed on, so such a file produces no output at all.
"""
from __future__ import annotations

import codecs
import csv
import os
from dataclasses import dataclass
from typing import Iterator, Optional

from ..errors import CatalogError, Location
from ..stdio import real_path
from ..limits import DEFAULT, Limits
from ..model import counted
from ..yamlio import check_regular

SNIFF_BYTES = 64 * 1024
CHECK_FIRST_BYTES = 16 << 20
DELIMITERS = ",;\t|"
# Fed to the csv parser after the last line: inside an unclosed quoted cell it
# ends up in the cell, anywhere else it is a row of its own. (A noncharacter,
# so no real export holds it.)
_END = "\ufdd0valuate-end-of-file\ufdd0"
_DONE = object()


@dataclass(frozen=True)
class Row:
    number: int  # 1-based among data rows
    line: int  # physical line the row starts on
    cells: Optional[dict]  # header -> text
    problem: Optional[str] = None


def _encoding(name: str) -> str:
    return "utf-8-sig" if name.replace("_", "-").lower() in ("utf-8", "utf8") else name


class _Lines:
    """The file's physical lines for the csv parser, each cut at ``limit`` characters.

    The rest of a longer line is read and dropped (its number is kept in
    ``overlong``); the row that holds it becomes an error record. After the
    last line comes ``_END``."""

    def __init__(self, fh, limit: int):
        self.fh, self.limit = fh, limit
        self.overlong: set = set()
        self.count = 0
        self.ended = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.ended:
            raise StopIteration
        line = self.fh.readline(self.limit + 1)
        if not line:
            self.ended = True
            return _END
        self.count += 1
        if len(line) > self.limit and not line.endswith(("\n", "\r")):
            self.overlong.add(self.count)
            while True:
                rest = self.fh.readline(1 << 20)
                if not rest or rest.endswith(("\n", "\r")):
                    break
        return line


def first_undecodable(path: str, encoding: str) -> Optional[tuple]:
    """(line, byte) of the first byte of the file that ``encoding`` cannot decode, or None.

    Decoded in blocks with an incremental decoder; the line is counted in the bytes
    before the bad one (the bytes the decoder holds over from the block before are part
    of one character, never a newline)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            try:
                line += decoder.decode(block).count("\n")
            except UnicodeDecodeError as err:
                return line + err.object[: err.start].count(b"\n"), err.object[err.start]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as err:  # the file ends inside a character
        return line, err.object[err.start]
    return None


class CsvExport:
    def __init__(self, path: str, encoding: str = "utf-8", delimiter: Optional[str] = None,
                 header_row: int = 1, limits: Limits = DEFAULT):
        self.path, self.encoding, self.header_row = path, _encoding(encoding), header_row
        self.limit = limits.max_record_bytes
        self.blank_rows = 0  # fully empty rows seen by the last rows() pass
        try:
            check_regular(path)
        except OSError as err:
            raise CatalogError(f"cannot read file: {err.strerror or err}", Location(file=path)) from None
        self.dialect = self._dialect(delimiter)
        self.header = self._read_header()

    def _open(self):
        try:
            return open(real_path(self.path), encoding=self.encoding, newline="")
        except OSError as err:
            raise CatalogError(f"cannot read file: {err.strerror or err}", Location(file=self.path)) from None

    def _dialect(self, delimiter: Optional[str]):
        if delimiter is not None:
            return type("Given", (csv.excel,), {"delimiter": delimiter})
        with self._open() as fh:
            sample = self._guard(lambda: fh.read(SNIFF_BYTES), 1)
        if self.header_row > 1:  # title lines above the header would mislead the sniffer
            sample = "\n".join(sample.split("\n")[self.header_row - 1:])
        try:
            return csv.Sniffer().sniff(sample, delimiters=DELIMITERS)
        except csv.Error:
            return csv.excel  # one column, or too little text to tell: plain commas

    def _guard(self, fn, line: int):
        try:
            return fn()
        except UnicodeDecodeError as err:
            # the text layer decodes in blocks, so the line the parser was on is not where the
            # byte is: the file's bytes are decoded again to find the real line
            line, byte = first_undecodable(real_path(self.path), self.encoding) or (line, err.object[err.start])
            raise CatalogError(f"not valid {self.encoding.replace('-sig', '')} text (byte 0x{byte:02x}); "
                               "set input.encoding in the mapping (e.g. cp1252 for Excel on Windows)",
                               Location(file=self.path, line=line)) from None
        except csv.Error as err:
            raise CatalogError(f"unreadable CSV: {err}", Location(file=self.path, line=line)) from None

    def _rows(self, fh) -> Iterator[tuple[int, Optional[list], Optional[str]]]:
        """(first line, cells, problem) per row; cells are None for a row over the limit."""
        csv.field_size_limit(max(self.limit, 1))  # the record limit is the cell limit too
        lines = _Lines(fh, self.limit)
        reader = csv.reader(lines, self.dialect)
        start = 1
        while True:
            try:
                cells = self._guard(lambda: next(reader, _DONE), start)
            except CatalogError as err:
                if "field larger than field limit" not in err.message:
                    raise
                cells = None  # the rest of that line was dropped; the parser starts afresh on the next
            if cells is _DONE:
                return
            end = reader.line_num
            if cells and _END in cells[-1]:
                if cells == [_END]:
                    return
                raise CatalogError("a quoted cell that opens here is never closed (the quote would swallow "
                                   "every row after it); close it or fix the quoting",
                                   Location(file=self.path, line=start))
            too_big = cells is None or any(n in lines.overlong for n in range(start, end + 1)) \
                or sum(map(len, cells)) > self.limit
            yield start, (None if too_big else cells), (self._over(start) if too_big else None)
            start = end + 1

    def _over(self, line: int) -> str:
        return (f"the row starting at line {line} is over the record limit of {self.limit:,} characters "
                "(--limit max_record_bytes=...)")

    def _read_header(self) -> list:
        with self._open() as fh:
            for index, (line, cells, problem) in enumerate(self._rows(fh), start=1):
                if index == self.header_row:
                    if problem is not None:
                        raise CatalogError(f"the header row is over the record limit of {self.limit:,} characters",
                                           Location(file=self.path, line=line))
                    return self._names(cells, line)
        raise CatalogError("the CSV file is empty (no header row)", Location(file=self.path))

    def _names(self, cells: list, line: int) -> list:
        names, seen = [], {}
        for i, cell in enumerate(cells, start=1):
            name = cell.strip() or f"column {i}"
            if name in seen:
                raise CatalogError(f"two columns are named {name!r} (columns {seen[name]} and {i})",
                                   Location(file=self.path, line=line))
            seen[name] = i
            names.append(name)
        return names

    def rows(self) -> Iterator[Row]:
        rows = self._data_rows()
        if os.path.getsize(self.path) <= CHECK_FIRST_BYTES:
            rows = iter(list(rows))  # an unclosed quote at the end refuses the file before any output
        yield from rows

    def _data_rows(self) -> Iterator[Row]:
        self.blank_rows = 0
        with self._open() as fh:
            number = 0
            for index, (line, cells, problem) in enumerate(self._rows(fh), start=1):
                if index <= self.header_row:
                    continue
                if cells is not None and not any(c.strip() for c in cells):
                    self.blank_rows += 1
                    continue
                number += 1
                if problem is not None:
                    yield Row(number, line, None, f"row {number}: {problem}")
                    continue
                if len(cells) > len(self.header):
                    extra = [c for c in cells[len(self.header):] if c.strip()]
                    if extra:
                        yield Row(number, line, None, f"row {number} (line {line}) has {counted(len(cells), 'cell')} "
                                                      f"but the header has {counted(len(self.header), 'column')}")
                        continue
                yield Row(number, line, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(self.header)})

