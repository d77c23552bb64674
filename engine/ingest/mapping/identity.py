"""CSV and XLSX catalogs without a mapping: columns named by canonical fact paths.

A table whose header row names canonical paths (``id``, ``name``,
``warranty.availability.target``, ``utility.performance_support``...) is read
through an identity mapping built from the header: each column gets the
parser of its fact's type (percent, number, boolean, date, text; list
fields split on ``;``). A column that is not a canonical path is an error
with a did-you-mean; any other export needs ``--mapping``. These are the
readers of the two formats in ingest/registry.py.
"""
from __future__ import annotations

from typing import Iterator

from ...errors import CatalogError, Location
from ...limits import DEFAULT, Limits
from ...schema import FactSchema
from ..csv_reader import CsvExport
from ..records import RawRecord
from ..xlsx_reader import XlsxExport
from .fields import default_parser
from .definition import FieldSpec, Mapping
from .parsers import unknown_set
from .reader import read_mapped
from .sourcepath import SourcePath

LIST_SEPARATOR = ";"


def identity_mapping(header: list, path: str) -> Mapping:
    schema = FactSchema.default()
    unknown = unknown_set()
    specs = []
    for name in header:
        ftype = schema.lookup(name)
        if ftype is None or ftype.kind == "object" or ftype.kind == "array" and ftype.item.kind == "object":
            hint = schema.suggest(name)
            raise CatalogError(f"column {name!r} is not a canonical fact path{hint}; "
                               "name columns by fact path (id, name, warranty.availability.target, ...) "
                               "or give --mapping", Location(file=path, line=1))
        kind = "list" if ftype.kind == "array" else "scalar"
        scalar = ftype.item if kind == "list" else ftype
        parser, options = default_parser(scalar, name), {}
        if name.endswith("_hours") and parser == "number":
            # a duration in hours: 4, 4h, PT4H, and Excel duration or time cells alike
            parser, options = "duration", {"default_unit": "hours"}
        specs.append(FieldSpec(name, kind, sources=(SourcePath(name, (name,)),),
                               parser=parser, options=options, unknown=unknown,
                               split=(LIST_SEPARATOR,) if kind == "list" else ()))
    if "id" not in header:
        raise CatalogError("the table has no 'id' column; name columns by canonical fact path "
                           "or give --mapping", Location(file=path, line=1))
    return Mapping(file=path, name="(columns)", fields=tuple(specs), unknown=unknown)


def read_table(path: str, fmt: str, limits: Limits = DEFAULT, stats=None) -> Iterator[RawRecord]:
    table = CsvExport(path, limits=limits) if fmt == "csv" else XlsxExport(path, limits=limits)
    yield from read_mapped(path, identity_mapping(table.header, path), fmt, stats, limits=limits)


def read_csv(path: str, limits: Limits = DEFAULT, stats=None) -> Iterator[RawRecord]:
    return read_table(path, "csv", limits, stats)


def read_xlsx(path: str, limits: Limits = DEFAULT, stats=None) -> Iterator[RawRecord]:
    return read_table(path, "xlsx", limits, stats)
