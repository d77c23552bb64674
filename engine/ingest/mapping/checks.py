"""Checks of a mapping against the export it reads: absent fields, unmapped fields.

A source field that no record of the export has is a mistake in the mapping
(a typo, or the wrong export): it is reported with the mapping's file:line
and a did-you-mean from the export's own fields. Export fields that the
mapping neither reads nor ``ignore``s are listed by ``valuate facts`` so a
user can see what a mapping leaves out.
"""
from __future__ import annotations

import fnmatch
from typing import Iterator

from ...errors import Location, Problem, did_you_mean
from .definition import FieldSpec, Mapping, MappingError
from .sourcepath import WILDCARD, SourcePath, render


def used_shapes(mapping: Mapping) -> Iterator[tuple[SourcePath, tuple, FieldSpec, bool]]:
    """(source, its full shape, the field using it, optional?) for every source read."""
    for spec in mapping.fields:
        yield from _spec_shapes(spec, (), False)
    for path, _ in mapping.where:
        yield path, path.shape(), None, False


def _spec_shapes(spec: FieldSpec, prefix: tuple, optional: bool):
    optional = optional or spec.optional
    for src in spec.sources:
        yield src, prefix + src.shape(), spec, optional
    for group in spec.items:
        for sub in group:
            yield from _spec_shapes(sub, prefix, optional)
    if spec.each is not None:
        each = prefix + spec.each.shape()
        yield spec.each, each, spec, optional
        for sub in spec.fields:
            yield from _spec_shapes(sub, each + (WILDCARD,), optional)


def _present(shape: tuple, src: SourcePath, known: set, prefix: tuple) -> bool:
    if not shape or shape in known or (src.text,) in known or prefix + (src.text,) in known:
        return True
    # an element of a list of scalars (each: tags, from: .) or a scalar treated as a one-item list
    trimmed = shape[:-1] if shape and shape[-1] == WILDCARD else shape
    return trimmed in known or (trimmed and trimmed[-1] == WILDCARD and trimmed[:-1] in known)


def check_present(mapping: Mapping, known: set, export: str) -> None:
    """Raise when the mapping reads a field that no record of the export has.

    Of a list of fallbacks one present field is enough; ``optional: true``
    fields are not checked (a preset for exports that vary)."""
    if not known:
        return
    names = sorted({render(s) for s in known})
    groups: dict = {}
    for src, shape, spec, optional in used_shapes(mapping):
        if optional:
            continue
        prefix = shape[: len(shape) - len(src.shape())]
        key = (id(spec), src.text) if spec is not None and spec.each is src else id(spec) if spec else id(src)
        groups.setdefault(key, []).append((src, shape, spec, _present(shape, src, known, prefix)))
    for group in groups.values():
        if any(ok for *_, ok in group):
            continue
        src, shape, spec, _ = group[0]
        line = spec.line if spec is not None else None
        column = spec.column if spec is not None else None
        used_for = f" (for {spec.target})" if spec is not None else ""
        if len(group) == 1:
            what = f"field {render(shape)!r}{used_for} is not"
        else:
            what = "none of the fields " + ", ".join(repr(render(g[1])) for g in group) + f"{used_for} is"
        # said as the mapping file's own problems are: file:line:col, the field's path, [mapping]
        where = Location(file=mapping.file, line=line, column=column, path=spec.at if spec is not None else None)
        raise MappingError([Problem(f"{what} in the export {export}{did_you_mean(render(shape), names)}",
                                    where, code="mapping")])


def unmapped(mapping: Mapping, known: set) -> list[str]:
    """Export fields the mapping neither reads nor ignores, outermost first.

    Linear in the export's fields (an export may have 100,000 columns): what
    the mapping reads is indexed by every prefix, and a field already listed
    covers everything under it."""
    used = [shape for _, shape, _, _ in used_shapes(mapping)]
    used += [(src.text,) for src, _, _, _ in used_shapes(mapping)]
    read = set(used)  # a field read as a whole covers what is under it
    on_the_way = {u[:i] for u in used for i in range(1, len(u) + 1)}  # prefixes of what is read
    literal = [p for p in mapping.ignore if not any(c in p for c in "*?[")]
    patterns = [p for p in mapping.ignore if p not in literal]
    out, listed = [], set()
    for shape in sorted(known, key=lambda s: (len(s), s)):
        if shape in on_the_way or any(shape[:i] in read for i in range(1, len(shape))):
            continue  # read, or on the way to something read, or under something read
        if any(shape[:i] in listed for i in range(1, len(shape))):
            continue
        text = render(shape)
        if any(text == p or text.startswith(p + ".") or text.startswith(p + "[") for p in literal) \
                or any(fnmatch.fnmatchcase(text, pat) or text.startswith(pat + ".") or text.startswith(pat + "[")
                       for pat in patterns):
            continue
        listed.add(shape)
        out.append(shape)
    return [render(s) for s in out]
