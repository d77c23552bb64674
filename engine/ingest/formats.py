"""Catalog formats by name and by extension: which format a file is, without reading it.

The readers live in registry.py (one module per format); mapping files name a
format too (``input.format``), so this table sits below both: the mapping
wing reads it without importing the readers that use the mapping wing.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import CatalogError, Location
from ..stdio import DASH, STDIN

FORMATS = ("yaml", "json", "jsonl", "csv", "xlsx")
EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
              ".csv": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
STREAMED = {"jsonl", "csv"}  # read record by record; the others are read whole


def format_for(path: str, explicit: Optional[str] = None) -> str:
    if explicit is not None:
        if explicit not in FORMATS:
            raise CatalogError(f"unknown input format {explicit!r}; known: {', '.join(FORMATS)}")
        return explicit
    if str(path) in (DASH, STDIN):  # a --stdin-filename has an extension to tell
        raise CatalogError(f"a catalog on standard input (-) needs --input-format ({', '.join(FORMATS)}), "
                           "or a --stdin-filename with a catalog extension", Location(file=STDIN))
    ext = Path(path).suffix.lower()
    if ext not in EXTENSIONS:
        raise CatalogError(f"cannot tell the format of {Path(path).name!r} from its extension; "
                           f"use one of {', '.join(EXTENSIONS)} or --input-format",
                           Location(file=path))
    return EXTENSIONS[ext]
