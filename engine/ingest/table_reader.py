"""CSV and XLSX catalogs without a mapping: columns named by canonical fact paths.

A table whose header row names canonical paths (``id``, ``name``,
``warranty.availability.target``, ``utility.performance_support``...) is read
through an identity mapping built from the header: each column gets the
parser of its fact's type (percent, number, boolean, date, text; list
fields split on ``;``). A column that is not a canonical path is an error
with a did-you-mean; any other export needs ``--mapping``.
"""
from __future__ import annotations

from typing import Iterator

from ..limits import DEFAULT, Limits
from .records import RawRecord


def read_csv(path: str, limits: Limits = DEFAULT, stats=None) -> Iterator[RawRecord]:
    from .mapping.identity import read_table
    return read_table(path, "csv", limits, stats)


def read_xlsx(path: str, limits: Limits = DEFAULT, stats=None) -> Iterator[RawRecord]:
    from .mapping.identity import read_table
    return read_table(path, "xlsx", limits, stats)
