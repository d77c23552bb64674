"""Which export field feeds each canonical fact, as a mapping (and its joins) says.

Explanations use it to tell a service owner where a missing fact would come
from ("export field 'business.SLA.availability' (facts/mappings/gitlab.yaml:31)")
or that the mapping has no source for it at all, and the data coverage table
of a run says the same per fact path.
"""
from __future__ import annotations

from typing import Optional

from .definition import FieldSpec, Mapping

NO_SOURCE = "no source in this mapping"


def fact_sources(mapping: Mapping, extra_joins: tuple = ()) -> dict:
    """canonical path -> where it comes from, in words (lists of objects by their list path)."""
    out: dict = {}
    for spec in mapping.fields:
        out.setdefault(spec.target, _describe(spec, mapping.file))
    for join in tuple(mapping.joins) + tuple(extra_joins):
        for target, text in fact_sources(join.mapping).items():
            out.setdefault(target, f"{text}, joined from {', '.join(join.files)} ({join.name})")
    return out


def source_of(sources: Optional[dict], path: str) -> Optional[str]:
    """Where ``path`` would come from: its own entry, or the list of objects it lies in.

    None when nothing is known (a canonical catalog, no mapping); NO_SOURCE when
    the mapping in use has no field for it."""
    if sources is None:
        return None
    while True:
        if path in sources:
            return sources[path]
        if "." not in path:
            return NO_SOURCE
        path = path.rpartition(".")[0]


def _describe(spec: FieldSpec, file: str) -> str:
    where = f"{file}:{spec.line}" if spec.line else file
    if spec.has_constant:
        return f"a constant in the mapping ({where})"
    paths = [s.text for s in spec.sources]
    if spec.kind == "each" and spec.each is not None:
        paths = [spec.each.text]
    elif spec.kind == "items":
        paths = [s.text for group in spec.items for sub in group for s in sub.sources]
    if not paths:
        return f"the mapping ({where})"
    named = " or ".join(repr(p) for p in dict.fromkeys(paths))
    return f"export field{'s' if len(set(paths)) > 1 else ''} {named} ({where})"
