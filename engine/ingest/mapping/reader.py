"""Reading an export through a mapping: RawRecords with facts, provenance, errors.

    stats = ReadStats()
    for raw in read_mapped("export.csv", load("servicenow-csv"), stats=stats): ...

Every record the ``records:`` path selects (and ``where:`` keeps) comes out
exactly once, in export order; a value its parser cannot read makes that
record's ``errors`` (verdict ``error``), never a stopped batch. Joined
exports are read once, indexed by key, and merged into each matching fact.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

from ...errors import CatalogError, Location
from ...stdio import real_path
from ...limits import DEFAULT, Limits
from ..records import RawRecord
from .apply import Where, apply
from .checks import check_present, unmapped
from .exports import export_format, open_export
from .joins import JoinIndex
from .definition import Mapping
from .sourcepath import resolve


@dataclass
class ReadStats:
    """What a mapped read saw besides its records (for ``valuate facts``)."""

    skipped: int = 0
    blank_rows: int = 0  # fully empty CSV/XLSX rows (not records, but counted)
    unmapped: dict = field(default_factory=dict)  # export file -> [field paths]
    joins: list = field(default_factory=list)  # dicts: name, file, records, matched, unmatched


def read_mapped(path: str, mapping: Mapping, input_format: Optional[str] = None,
                stats: Optional[ReadStats] = None, extra_joins: tuple = (),
                limits: Limits = DEFAULT) -> Iterator[RawRecord]:
    stats = stats if stats is not None else ReadStats()
    if not Path(real_path(path)).exists():
        raise CatalogError("no such catalog file", Location(file=path))
    export = open_export(path, export_format(path, mapping, input_format), mapping, limits)
    known = export.fields()
    check_present(mapping, known, path)
    stats.unmapped[path] = unmapped(mapping, known)
    joins = [JoinIndex(j, stats, limits) for j in mapping.joins + tuple(extra_joins)]
    for rec in export.records():
        if rec.problem is not None:
            yield RawRecord(rec.source, problem=rec.problem)
            continue
        if not _kept(mapping, rec.data):
            stats.skipped += 1
            continue
        result = apply(mapping, rec.data, Where(rec.source, export.unit))
        for join in joins:
            join.merge(result)
        yield RawRecord(rec.source, result.fact, provenance=result.provenance, errors=tuple(result.errors))
    stats.blank_rows += export.blank_rows()
    for join in joins:
        join.finish()


def _kept(mapping: Mapping, data) -> bool:
    for path, accepted in mapping.where:
        found = resolve(data, path)
        value = found.value
        if not found.present or value is None or isinstance(value, (list, dict)):
            return False
        if str(value).strip() not in accepted:
            return False
    return True
