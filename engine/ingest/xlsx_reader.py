"""XLSX exports through openpyxl, read row by row (read-only mode).

The first sheet is read unless the mapping names ``sheet`` (a name or a
1-based number); the header is row ``header_row`` (default 1). Cells keep
their types: numbers stay numbers and date cells arrive as dates (durations
as timedeltas, times of day as times), so the parsers see what Excel stored
rather than what it displayed. Each record's ``line`` is its sheet row number.

A workbook is a zip of XML parts, and a small file can unpack to gigabytes or
claim a million rows. Before openpyxl parses anything the zip's members are
measured (their unpacked sizes against ``max_xlsx_bytes``) and the sheet's
rows are counted at C speed (at most Excel's 1,048,576); the sheet's own
``dimension`` is ignored (it may claim the whole sheet), rows are padded
only to their last cell, and at most ``MAX_CELLS`` cells are read. XML is
parsed by openpyxl with defusedxml, which refuses DTDs and entities (no
external entity is ever fetched, no entity bomb expands). Anything broken
inside the workbook is an error naming the file, never a crash.
"""
from __future__ import annotations

import os
import re
import zipfile
import zlib
from typing import Any, Iterator

from ..errors import CatalogError, Location, did_you_mean
from ..limits import DEFAULT, Limits
from ..model import counted
from ..stdio import real_path
from ..yamlio import check_regular
from .csv_reader import Row
from .xlsx_locate import locate

MAX_ROWS = 1_048_576  # Excel's own last row: a sheet claiming more is not a workbook Excel wrote
MAX_CELLS = 50_000_000  # cells read from one sheet, padding included (about 1M rows x 50 columns)
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.I)
# What a broken or hostile workbook raises from inside openpyxl, zipfile and the XML parser
# (defusedxml's refusals are ValueErrors; ElementTree's ParseError is a SyntaxError).
_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError, TypeError,
           SyntaxError, OSError, AttributeError, NotImplementedError)


class XlsxExport:
    def __init__(self, path: str, sheet: Any = None, header_row: int = 1, limits: Limits = DEFAULT):
        self.path, self.sheet_wanted, self.header_row = path, sheet, header_row
        self.limits = limits
        self.blank_rows = 0  # fully empty rows seen by the last rows() pass
        self._measure()
        wb = self._open()
        try:
            ws = self._sheet(wb)
            self.sheet_name = ws.title
            self.header = self._guarded(lambda: self._header(ws))
        finally:
            wb.close()

    def _fail(self, err: BaseException) -> CatalogError:
        while (err.__cause__ or err.__context__) is not None:  # openpyxl wraps the parser's error
            err = err.__cause__ or err.__context__
        if type(err).__module__.startswith("defusedxml"):
            return CatalogError("not a readable XLSX workbook: its XML declares a DTD or entities, which no "
                                f"workbook needs and valuate refuses ({type(err).__name__})", Location(file=self.path))
        if type(err).__name__ in ("ExpatError", "ParseError"):  # malformed XML: say in which row
            found = locate(real_path(self.path), self.limits.max_xlsx_bytes)
            if found is not None:
                return CatalogError(f"not a readable XLSX workbook: {found.words()}",
                                    Location(file=self.path, line=found.row))
        detail = " ".join(str(err).split())[:200]  # openpyxl's messages run over several lines
        return CatalogError(f"not a readable XLSX workbook ({type(err).__name__}: {detail})",
                            Location(file=self.path))

    def _guarded(self, fn):
        try:
            return fn()
        except CatalogError:
            raise
        except _BROKEN as err:
            raise self._fail(err) from None

    def _measure(self) -> None:
        """Before openpyxl opens it (which already parses each sheet looking for its size):
        refuse a workbook whose parts unpack to more than ``max_xlsx_bytes`` (a zip
        bomb), or a sheet with more rows than a worksheet can have."""
        try:
            check_regular(self.path)
            with zipfile.ZipFile(real_path(self.path)) as archive:
                members = archive.infolist()
                unpacked = sum(info.file_size for info in members)
                limit = self.limits.max_xlsx_bytes
                if unpacked > limit:
                    raise CatalogError(f"the workbook unpacks to {unpacked:,} bytes, over the limit of {limit:,} "
                                       "(--limit max_xlsx_bytes=...)", Location(file=self.path))
                for info in members:
                    if _SHEET_PART.fullmatch(info.filename):
                        with archive.open(info) as src:
                            self._count_rows(src, info.filename)
        except FileNotFoundError:
            raise CatalogError("no such file", Location(file=self.path)) from None
        except CatalogError:
            raise
        except _BROKEN as err:
            raise self._fail(err) from None

    def _count_rows(self, src, part: str) -> None:
        """Count a sheet's <row> elements at C speed (openpyxl parses about 60,000 a second)."""
        rows, tail = 0, b""
        while rows <= MAX_ROWS:
            chunk = src.read(1 << 20)
            text = tail + chunk
            cut = len(text) - 16 if chunk else len(text)  # a tag may straddle two chunks
            for found in _ROW_TAG.finditer(text):
                if found.start() >= cut:
                    break
                rows += 1
            if not chunk:
                break
            tail = text[cut:]
        if rows > MAX_ROWS:
            raise CatalogError(f"worksheet {part} has more than {MAX_ROWS:,} rows, the most a worksheet "
                               "can have", Location(file=self.path))

    def _open(self):
        os.environ.setdefault("OPENPYXL_DEFUSEDXML", "True")  # read before openpyxl is imported
        import openpyxl  # imported here: only XLSX users pay for it

        if not openpyxl.DEFUSEDXML:
            raise CatalogError("XLSX is read only with defusedxml's protections, and openpyxl is not using "
                               "them (is OPENPYXL_DEFUSEDXML=False set, or defusedxml missing?)",
                               Location(file=self.path))
        try:
            return openpyxl.load_workbook(real_path(self.path), read_only=True, data_only=True, keep_links=False)
        except FileNotFoundError:
            raise CatalogError("no such file", Location(file=self.path)) from None
        except _BROKEN as err:
            raise self._fail(err) from None

    def _sheet(self, wb):
        names = wb.sheetnames
        want = self.sheet_wanted
        if not names:
            raise CatalogError("the workbook has no sheets", Location(file=self.path))
        if want is None:
            ws = wb[names[0]]
        elif isinstance(want, int):
            if not 1 <= want <= len(names):
                raise CatalogError(f"the workbook has {counted(len(names), 'sheet')}, not {want}", Location(file=self.path))
            ws = wb[names[want - 1]]
        elif want in names:
            ws = wb[want]
        else:
            raise CatalogError(f"no sheet named {want!r}; sheets: {', '.join(names)}{did_you_mean(want, names)}",
                               Location(file=self.path))
        if not hasattr(ws, "reset_dimensions"):
            raise CatalogError(f"sheet {ws.title!r} is not a worksheet (a chart sheet?)", Location(file=self.path))
        ws.reset_dimensions()  # its dimension may claim the whole sheet: pad rows to their own cells only
        return ws

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
        self.blank_rows = 0
        wb = self._open()
        try:
            ws = self._sheet(wb)
            values_of = iter(self._guarded(lambda: ws.iter_rows(min_row=self.header_row + 1, values_only=True)))
            number, cells, line = 0, 0, self.header_row
            while True:
                values = self._guarded(lambda: next(values_of, None))
                if values is None:
                    return
                line += 1
                cells += len(values)
                if line > MAX_ROWS:
                    raise CatalogError(f"sheet {ws.title!r} has a row past {MAX_ROWS:,}, the last row a "
                                       "worksheet can have", Location(file=self.path))
                if cells > MAX_CELLS:
                    raise CatalogError(f"sheet {ws.title!r} has more than {MAX_CELLS:,} cells (rows count up to "
                                       "their last cell); split it or export CSV", Location(file=self.path, line=line))
                if all(v is None or isinstance(v, str) and not v.strip() for v in values):
                    self.blank_rows += 1
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
