"""XLSX exports through openpyxl, read row by row (read-only mode).

The first sheet is read unless the mapping names ``sheet`` (a name or a
1-based number); the header is row ``header_row`` (default 1). Cells keep
their types: numbers stay numbers and date cells arrive as dates, so the
parsers see what Excel stored rather than what it displayed. Each record's
``line`` is its sheet row number.
"""
from __future__ import annotations

import zipfile
from typing import Any, Iterator

from ..errors import CatalogError, Location
from ..stdio import real_path
from .csv_reader import Row


class XlsxExport:
    def __init__(self, path: str, sheet: Any = None, header_row: int = 1):
        self.path, self.sheet_wanted, self.header_row = path, sheet, header_row
        wb = self._open()
        try:
            ws = self._sheet(wb)
            self.sheet_name = ws.title
            self.header = self._header(ws)
        finally:
            wb.close()

    def _open(self):
        import openpyxl  # imported here: only XLSX users pay for it
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            return openpyxl.load_workbook(real_path(self.path), read_only=True, data_only=True)
        except FileNotFoundError:
            raise CatalogError("no such file", Location(file=self.path)) from None
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
            raise CatalogError(f"not a readable XLSX workbook ({type(err).__name__}: {err})",
                               Location(file=self.path)) from None

    def _sheet(self, wb):
        names = wb.sheetnames
        want = self.sheet_wanted
        if want is None:
            return wb[names[0]]
        if isinstance(want, int):
            if 1 <= want <= len(names):
                return wb[names[want - 1]]
            raise CatalogError(f"the workbook has {len(names)} sheets, not {want}", Location(file=self.path))
        if want in names:
            return wb[want]
        from ..errors import did_you_mean
        raise CatalogError(f"no sheet named {want!r}; sheets: {', '.join(names)}{did_you_mean(want, names)}",
                           Location(file=self.path))

    def _header(self, ws) -> list:
        for values in ws.iter_rows(min_row=self.header_row, max_row=self.header_row, values_only=True):
            names = [("" if v is None else str(v)).strip() for v in values]
            while names and not names[-1]:
                names.pop()
            seen: dict = {}
            out = []
            for i, name in enumerate(names, start=1):
                name = name or f"column {i}"
                if name in seen:
                    raise CatalogError(f"two columns are named {name!r} (columns {seen[name]} and {i})",
                                       Location(file=self.path, line=self.header_row))
                seen[name] = i
                out.append(name)
            if out:
                return out
        raise CatalogError(f"sheet {self.sheet_name!r} has no header in row {self.header_row}",
                           Location(file=self.path))

    def rows(self) -> Iterator[Row]:
        wb = self._open()
        try:
            ws = self._sheet(wb)
            number = 0
            for line, values in enumerate(ws.iter_rows(min_row=self.header_row + 1, values_only=True),
                                          start=self.header_row + 1):
                if all(v is None or isinstance(v, str) and not v.strip() for v in values):
                    continue
                number += 1
                extra = [v for v in values[len(self.header):] if v not in (None, "")]
                if extra:
                    yield Row(number, line, None, f"row {line} has values beyond the {len(self.header)} "
                                                  "named columns")
                    continue
                yield Row(number, line, {h: values[i] if i < len(values) else None
                                         for i, h in enumerate(self.header)})
        finally:
            wb.close()
