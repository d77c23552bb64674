"""Where a workbook's XML breaks: the sheet row (or shared string) a parse error is in.

openpyxl stops at the first malformed XML (a byte that is not UTF-8, a character
XML does not allow) with the parser's line and column inside one of the zip's
parts, which says nothing to someone looking at the sheet. Once the workbook is
known to be broken, its sheet parts and shared strings are parsed again here,
one by one, with expat (no DTD is accepted: the first declaration stops the
parse, so no entity is ever expanded), and the first error is reported at the
row whose ``<row>`` element holds it, or at the shared string that does (with
the first row using it, when one is found).
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import Optional
from xml.parsers import expat

_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml", re.I)
_STRINGS_PART = re.compile(r"xl/sharedStrings\.xml", re.I)
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_R = re.compile(rb'\br="(\d+)"')
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>]")


@dataclass(frozen=True)
class XmlBreak:
    part: str
    problem: str  # expat's words
    row: Optional[int] = None  # the sheet row holding the error (or first showing the broken string)
    shared: Optional[int] = None  # the 0-based shared string holding it

    def words(self) -> str:
        where = f"part {self.part}" if self.row is None else f"row {self.row}"
        if self.shared is not None:
            where = f"shared string {self.shared + 1} (used first in {where})" if self.row else \
                f"shared string {self.shared + 1}"
        return (f"{where} cannot be read: its XML is broken ({self.problem}; a byte that is not UTF-8, "
                "or a character XML does not allow); the workbook is refused")


class _Doctype(Exception):
    pass


def _first_error(data: bytes) -> Optional[tuple]:
    """(byte offset, expat's message) of the first error in ``data``, or None."""
    parser = expat.ParserCreate()

    def refuse(*_):
        raise _Doctype()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except _Doctype:
        return None
    except expat.ExpatError as err:
        return parser.ErrorByteIndex, expat.ErrorString(err.code)
    return None


def locate(path: str, limit: int) -> Optional[XmlBreak]:
    """The first XML error among the sheets and shared strings of the workbook at ``path``."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if i.file_size <= limit]
            strings = [i for i in infos if _STRINGS_PART.fullmatch(i.filename)]
            sheets = [i for i in infos if _SHEET_PART.fullmatch(i.filename)]
            for info in strings + sheets:
                data = archive.read(info)
                found = _first_error(data)
                if found is None:
                    continue
                offset, problem = found
                if info in strings:
                    shared = max(len(_SI.findall(data, 0, offset)) - 1, 0)
                    return XmlBreak(info.filename, problem, _row_using(archive, sheets, shared), shared)
                return XmlBreak(info.filename, problem, row=_row_at(data, offset))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, RuntimeError):
        return None
    return None


def _row_at(data: bytes, offset: int) -> Optional[int]:
    """The number of the row whose element starts last before ``offset``."""
    row, count = None, 0
    for found in _ROW.finditer(data, 0, max(offset, 0) + 1):
        count += 1
        number = _R.search(found[1])
        row = int(number[1]) if number else count
    return row


def _row_using(archive: zipfile.ZipFile, sheets: list, index: int) -> Optional[int]:
    """The first row of the first sheet with a cell showing shared string ``index``."""
    cell = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*\bt="s"[^>]*>\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*'
                      + str(index).encode() + rb"\s*<")
    for info in sheets:
        data = archive.read(info)
        found = cell.search(data)
        if found is not None:
            return _row_at(data, found.start())
    return None


__all__ = ["XmlBreak", "locate"]
