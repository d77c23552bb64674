"""Where the records are in a parsed catalog document (docs/specification.md#facts)."""
from __future__ import annotations

from typing import Any

from ..errors import CatalogError, Location, excerpt
from ..documents import kind_of
from ..model import Provenance, RecordError


def records_of(doc: Any, path: str, single_ok: bool = False) -> list:
    """The list of records in ``doc``: a top-level list or ``{services: [...]}``."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if "services" in doc:
            services = doc["services"]
            if isinstance(services, list):
                return services
            raise CatalogError(f"'services' must be a list, got {kind_of(services)}",
                               Location(file=path, path="services"))
        if single_ok and "id" in doc:
            return [doc]
        raise CatalogError("expected a list of services or a mapping with a 'services' list; "
                           f"found a mapping with keys {', '.join(excerpt(k) for k in list(doc)[:5])}",
                           Location(file=path))
    raise CatalogError(f"expected a list of services or a mapping with a 'services' list, got "
                       f"{kind_of(doc, quote=False)}", Location(file=path))


# `valuate facts` writes {mapping, services: [{source, id, fact, provenance, errors}], summary}:
# read as a catalog, each entry is its fact, with the errors the mapping found kept.
FACTS_ENTRY_KEYS = frozenset({"source", "id", "fact", "provenance", "errors"})


def is_facts_entry(item: Any) -> bool:
    return (isinstance(item, dict) and "source" in item and ("fact" in item or "errors" in item)
            and set(item) <= FACTS_ENTRY_KEYS)


def unwrap_facts_entry(item: dict) -> tuple:
    """(fact, errors, provenance) of one entry of a ``valuate facts`` document."""
    errors = tuple(RecordError(str(e.get("path", "")), str(e.get("message", "")))
                   for e in item.get("errors") or () if isinstance(e, dict))
    provenance = None
    if isinstance(item.get("provenance"), dict):
        fields = set(Provenance.__dataclass_fields__)
        provenance = {str(path): Provenance(**{k: v for k, v in p.items() if k in fields})
                      for path, p in item["provenance"].items() if isinstance(p, dict) and "file" in p}
    return item.get("fact"), errors, provenance
