"""Turning command-line mapping options into a loaded mapping and extra joins."""
from __future__ import annotations

from typing import Iterable

from ...errors import UserError
from .definition import JoinSpec, Mapping
from .spec import load


def prepare_mapping(mapping, joins: Iterable[str] = ()) -> tuple[Mapping, tuple]:
    """(Mapping, extra JoinSpecs) from ``--mapping`` and ``--join MAPPING=FILE`` values."""
    if mapping is None:
        raise UserError("--join needs --mapping: joins merge into a mapped export")
    loaded = mapping if isinstance(mapping, Mapping) else load(str(mapping))
    return loaded, parse_joins(joins)


def parse_joins(texts: Iterable[str]) -> tuple:
    """``sloth=slos.yml`` (repeatable): files read with one mapping form one join, merged by id."""
    files: dict = {}
    for text in texts:
        name, sep, file = str(text).partition("=")
        if not sep or not name.strip() or not file.strip():
            raise UserError(f"--join expects MAPPING=FILE (e.g. sloth=slos.yml), got {text!r}")
        files.setdefault(name.strip(), []).append(file.strip())
    out = []
    for name, paths in files.items():
        joined = load(name)
        out.append(JoinSpec(name=joined.name, mapping=joined, files=tuple(paths)))
    return tuple(out)
