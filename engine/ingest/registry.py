"""Catalog formats: one reader module per format, chosen by extension or by name."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator, Optional

from ..errors import CatalogError, Location
from ..limits import DEFAULT, Limits
from ..reads import note
from ..stdio import DASH, STDIN, is_stdin, keep_only, real_path, spool
from . import json_reader, jsonl_reader, yaml_reader
from .formats import EXTENSIONS, STREAMED, format_for
from .mapping import identity
from .records import RawRecord

# CSV and XLSX catalogs without a mapping name their columns by canonical fact paths:
# they are read through an identity mapping built from the header (mapping/identity.py).
READERS: dict[str, Callable[..., Iterator[RawRecord]]] = {
    "yaml": yaml_reader.read,
    "json": json_reader.read,
    "jsonl": jsonl_reader.read,
    "csv": identity.read_csv,
    "xlsx": identity.read_xlsx,
}

__all__ = ["READERS", "EXTENSIONS", "STREAMED", "format_for", "read_catalog", "expand_catalogs", "count_hint"]


def read_catalog(path: str, explicit: Optional[str] = None, limits: Limits = DEFAULT,
                 lazy: bool = False, stats=None) -> Iterator[RawRecord]:
    """Records of one catalog; ``lazy``: JSON Lines records are decoded later,
    by the process that evaluates them (see jsonl_reader.materialize); ``stats``
    (a mapping ReadStats) counts what tables skip (blank rows)."""
    file = Path(real_path(path))
    if not file.exists():
        raise CatalogError("no such catalog file", Location(file=path))
    if not file.is_file():
        raise CatalogError("not a regular file", Location(file=path))
    fmt = format_for(path, explicit)
    size = file.stat().st_size
    if fmt not in STREAMED and size > limits.max_file_bytes:
        raise CatalogError(f"the file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} for a "
                           f"{fmt} catalog read whole (use JSON Lines, or --limit max_file_bytes=...)",
                           Location(file=path))
    if fmt == "jsonl":
        return READERS[fmt](path, limits, lazy=lazy)
    if fmt in ("csv", "xlsx"):
        return READERS[fmt](path, limits, stats)
    return READERS[fmt](path, limits)


def expand_catalogs(paths, stdin_name: Optional[str] = None) -> tuple:
    """The catalog files a run reads: ``-`` is standard input (copied once, named
    ``<stdin>`` or ``stdin_name``: --stdin-filename), a directory is every file with a
    known extension under it, in sorted order (hidden files and folders left out),
    anything else is itself."""
    paths = [str(p) for p in paths]
    name = stdin_name or STDIN
    if DASH in paths and stdin_name and stdin_name in paths:
        raise CatalogError(f"--stdin-filename {stdin_name} is also read as a file in this run; "
                           "name standard input after another file", Location(file=stdin_name))
    if DASH not in paths:  # a new spool forgets the old name; without one, only this run's name stands
        keep_only({STDIN, name})
    out: list = []
    for path in paths:
        if path == DASH or (path == name and is_stdin(path)):  # the latter: already expanded
            if name in out:
                raise CatalogError("standard input (-) can be read only once", Location(file=name))
            if path == DASH:
                spool(name=name)
            out.append(name)
        elif Path(path).is_dir():
            out.extend(_walk(path))
        else:
            out.append(path)
    return tuple(out)


def _walk(directory: str) -> list:
    note(directory, tuple(EXTENSIONS))  # a catalog written inside would be read by the next run
    root = Path(directory)
    found = sorted((p.relative_to(root).parts, p) for p in root.rglob("*")
                   if p.suffix.lower() in EXTENSIONS and p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(root).parts))
    if not found:
        raise CatalogError(f"no catalog files ({', '.join(EXTENSIONS)}) in this directory",
                           Location(file=directory))
    return [str(p) for _, p in found]


def count_hint(catalogs, explicit: Optional[str] = None) -> Optional[int]:
    """How many records the catalogs hold, when that is cheap to know beforehand (JSON Lines:
    one per non-blank line, counted in blocks), for a progress bar; None otherwise."""
    total = 0
    for path in catalogs:
        try:
            if format_for(str(path), explicit) != "jsonl":
                return None
            with open(real_path(path), "rb") as fh:
                total += sum(1 for line in fh if line.strip())
        except (CatalogError, OSError):
            return None
    return total
