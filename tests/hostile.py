"""Generators for the hostile inputs of tests/test_hardening.py that are too big,
or too binary, to commit: written to tmp_path at test time.

XLSX workbooks are made by hand (a zip of XML parts) so that a test can say
exactly what a hostile one holds: a dimension claiming the whole sheet, a
DTD with entities, a broken workbook part, a million empty rows, a part that
unpacks to gigabytes.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships/officeDocument"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet"/></Relationships>')
HEADER = [["id", "name"], ["a", "A"], ["b", "B"]]


def _cell(ref: str, value) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet(rows=HEADER, dimension=None, prolog="", extra="") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(f'<row r="{i}">' + "".join(_cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(r)) + "</row>"
                   for i, r in enumerate(rows, start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + prolog
            + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{dim}<sheetData>{body}{extra}</sheetData></worksheet>")


def xlsx(path: Path, sheet_xml: str = None, workbook: str = WORKBOOK, parts=()) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml if sheet_xml is not None else sheet())
        for name, data in parts:
            z.writestr(name, data)
    return path


def xlsx_many_rows(path: Path, rows: int) -> Path:
    """A sheet of ``rows`` empty <row/> elements after a real header: megabytes zipped."""
    head = sheet()[: -len("</sheetData></worksheet>")]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", _WB_RELS)):
            z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(head.encode())
            block = b"<row/>" * 100_000
            for _ in range(rows // 100_000):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return path


def xlsx_bomb(path: Path, unpacked_mib: int = 600) -> Path:
    """A workbook whose shared strings unpack to ``unpacked_mib`` MiB (zipped: a few MB)."""
    xlsx(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            chunk = b" " * (1 << 20)
            for _ in range(unpacked_mib):
                fh.write(chunk)
    return path


def xlsx_cells(path: Path, rows: list, formats: dict) -> Path:
    """A real workbook (openpyxl) with number formats per cell, e.g. {"B2": "[h]:mm"}."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for ref, fmt in formats.items():
        ws[ref].number_format = fmt
    wb.save(path)
    return path


def jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def wide_csv(path: Path, columns: int, rows: int = 3) -> Path:
    with path.open("w") as fh:
        fh.write(",".join(["id", "name"] + [f"c{i}" for i in range(columns)]) + "\n")
        for r in range(rows):
            fh.write(",".join([f"r{r}", "N"] + ["1"] * columns) + "\n")
    return path


def diamond_profiles(directory: Path, files: int = 5, times: int = 40) -> Path:
    """Profiles p1..pN, each extending the next ``times`` times: times^(N-1) loads if not memoised."""
    names = [f"p{i}" for i in range(1, files + 1)]
    for i, name in enumerate(names):
        text = f"profile: {name}\nparameters: {{min_headroom: 0.{i + 1}}}\n"
        if i + 1 < len(names):
            text += "extends: [" + ", ".join([f"{names[i + 1]}.yaml"] * times) + "]\n"
        (directory / f"{name}.yaml").write_text(text)
    return directory / "p1.yaml"
