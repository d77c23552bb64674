"""Where the records are in a parsed catalog document (CONTRACT.md section 1)."""
from __future__ import annotations

from typing import Any

from ..errors import CatalogError, Location
from ..documents import kind_of


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
                           f"found a mapping with keys {', '.join(map(str, list(doc)[:5]))}",
                           Location(file=path))
    raise CatalogError(f"expected a list of services or a mapping with a 'services' list, got "
                       f"{kind_of(doc)}", Location(file=path))
