"""Joining a mapped record's own errors with the canonical-fact validation.

A mapped record may carry errors (a value its parser could not read) and
still validate, since the unreadable field is left out; it must then be an
``error`` all the same. Validation errors on a mapped field are told where
the value came from (export field, record, raw text).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..records import RawRecord


def combine(raw: RawRecord, fact: Optional[dict], errors: list) -> tuple[Optional[dict], list]:
    prov = raw.provenance or {}
    mapped = list(raw.errors)
    seen = {e.path for e in mapped}
    for err in errors:
        if err.path in seen:
            continue
        origin = _origin(prov, err.path)
        if origin is not None:
            err = replace(err, message=f"{err.message} (from {origin})", provenance=origin)
        mapped.append(err)
    if mapped:
        return None, sorted(mapped, key=lambda e: e.path)
    return fact, []


def _origin(prov: dict, path: str):
    """The provenance of ``path`` or of the nearest fact above it."""
    while path:
        if path in prov:
            return prov[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None
