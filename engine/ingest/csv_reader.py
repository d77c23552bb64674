"""CSV exports, read as a stream: one record per row after the header.

The dialect (delimiter, quoting) is sniffed from the start of the file unless
the mapping gives ``delimiter``; UTF-8 with or without a BOM is the default
encoding; quoted cells may hold newlines. Each record remembers its row
number (1 = the first row after the header) and the line it starts on.
Fully empty rows are not records. A row with more cells than the header has
columns becomes an ``error`` record naming the row.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Iterator, Optional

from ..errors import CatalogError, Location
from ..stdio import real_path

SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class Row:
    number: int  # 1-based among data rows
    line: int  # physical line the row starts on
    cells: Optional[dict]  # header -> text
    problem: Optional[str] = None


def _encoding(name: str) -> str:
    return "utf-8-sig" if name.replace("_", "-").lower() in ("utf-8", "utf8") else name


class CsvExport:
    def __init__(self, path: str, encoding: str = "utf-8", delimiter: Optional[str] = None,
                 header_row: int = 1):
        self.path, self.encoding, self.header_row = path, _encoding(encoding), header_row
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
            raise CatalogError(f"not valid {self.encoding.replace('-sig', '')} text (byte 0x{err.object[err.start]:02x}); "
                               "set input.encoding in the mapping (e.g. cp1252 for Excel on Windows)",
                               Location(file=self.path, line=line)) from None
        except csv.Error as err:
            raise CatalogError(f"unreadable CSV: {err}", Location(file=self.path, line=line)) from None

    def _rows(self, fh) -> Iterator[tuple[int, list]]:
        reader = csv.reader(fh, self.dialect)
        start = 1
        while True:
            cells = self._guard(lambda: next(reader, None), start)
            if cells is None:
                return
            yield start, cells
            start = reader.line_num + 1

    def _read_header(self) -> list:
        with self._open() as fh:
            for index, (line, cells) in enumerate(self._rows(fh), start=1):
                if index == self.header_row:
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
        with self._open() as fh:
            number = 0
            for index, (line, cells) in enumerate(self._rows(fh), start=1):
                if index <= self.header_row:
                    continue
                if not any(c.strip() for c in cells):
                    continue
                number += 1
                if len(cells) > len(self.header):
                    extra = [c for c in cells[len(self.header):] if c.strip()]
                    if extra:
                        yield Row(number, line, None, f"row {number} (line {line}) has {len(cells)} cells "
                                                      f"but the header has {len(self.header)} columns")
                        continue
                yield Row(number, line, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(self.header)})




