"""YAML catalogs: a list of services, or a mapping with a ``services`` list.

Several documents in one file (``---``) are read one after the other; each
may be a list, a mapping with ``services``, or a single service mapping.
"""
from __future__ import annotations

from typing import Iterator

from ..errors import CatalogError, Location
from ..limits import DEFAULT, Limits
from ..model import Source
from ..yamlio import load_documents, read_text
from .records import RawRecord
from .shape import is_facts_entry, records_of, unwrap_facts_entry


def read(path: str, limits: Limits = DEFAULT) -> Iterator[RawRecord]:
    text = read_text(path, limits.max_file_bytes, "max_file_bytes")
    count = 0
    for doc in load_documents(text, path, max_nodes=limits.max_yaml_values, max_depth=limits.max_depth + 4):
        if doc is None:
            continue
        items = records_of(doc, path, single_ok=True)
        for i, item in enumerate(items):
            count += 1
            line = items.where(i)[0] if hasattr(items, "where") else None
            yield record(Source(path, count, line), item)
    if count == 0 and not text.strip():
        raise CatalogError("the catalog is empty", Location(file=path))


def record(source: Source, item) -> RawRecord:
    """One record; an entry of a ``valuate facts`` document is its fact (errors and provenance kept)."""
    if not is_facts_entry(item):
        return RawRecord(source, item)
    fact, errors, provenance = unwrap_facts_entry(item)
    if fact is None:
        return RawRecord(source, problem="; ".join(str(e) for e in errors) or "no fact in this entry")
    return RawRecord(source, fact, provenance=provenance, errors=errors)
