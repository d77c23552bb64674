"""Joins: other exports, mapped by their own mapping, merged into matching facts.

The joined exports (for example SLO targets in Sloth or OpenSLO files) are
read once and indexed by their canonical ``key`` (default ``id``); each main
fact is matched on its canonical ``on`` path (default ``id``). ``merge: fill``
(default) only fills facts the main export left unknown; ``override`` lets
the joined value win. Several joined records with one key (a service with
several SLO files) are merged when they agree; when they disagree the
service gets an error naming the values, unless ``duplicates: first`` or
``last`` says which to take (``error`` refuses any duplicate). Provenance of
merged facts points into the joined file.
"""
from __future__ import annotations

import glob
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...errors import CatalogError, Location, UserError
from ...limits import DEFAULT, Limits
from ...yamlio import check_regular
from ...model import RecordError
from .apply import Result, Where, apply
from .checks import check_present, unmapped
from .exports import export_format, open_export
from .definition import JoinSpec


def expand(spec: JoinSpec) -> list[str]:
    """The files of a join, each a regular file (a FIFO or /dev/zero would be read forever).

    A mapping may name any file the user can read: see SECURITY.md."""
    if not spec.files:
        raise CatalogError(f"join {spec.name!r} has no file: give file: in the mapping "
                           f"or --join {spec.name}=FILE", Location(file=spec.mapping.file))
    out = []
    for pattern in spec.files:
        if glob.has_magic(pattern):
            found = sorted(glob.glob(pattern))
            if not found:
                raise CatalogError("no file matches this pattern (a join of the mapping)", Location(file=pattern))
            out.extend(found)
        elif not Path(pattern).exists():
            raise CatalogError("no such file (a join of the mapping)", Location(file=pattern))
        else:
            out.append(pattern)
    for file in out:
        try:
            check_regular(file)
        except UserError as err:
            raise CatalogError(f"{err.message} (a join of the mapping)", err.location) from None
    return out


class JoinIndex:
    def __init__(self, spec: JoinSpec, stats, limits: Limits = DEFAULT):
        self.spec, self.stats = spec, stats
        self.files = expand(spec)
        self.index: dict = {}
        self.records = 0
        for file in self.files:
            export = open_export(file, export_format(file, spec.mapping, spec.format), spec.mapping, limits)
            known = export.fields()
            check_present(spec.mapping, known, file)
            stats.unmapped[file] = unmapped(spec.mapping, known)
            for rec in export.records():
                if rec.problem is not None:
                    continue
                self.records += 1
                result = apply(spec.mapping, rec.data, Where(rec.source, export.unit, via=f"join {spec.name}"))
                key = _get(result.fact, spec.key)
                if key is not None:
                    self.index.setdefault(_norm(key), []).append((rec.source, result))
        self.matched: set = set()

    def merge(self, main: Result) -> None:
        value = _get(main.fact, self.spec.on)
        hits = self.index.get(_norm(value), []) if value is not None else []
        if not hits:
            return
        self.matched.add(_norm(value))
        how = self.spec.duplicates
        if len(hits) > 1 and how == "error":
            return self._duplicate(main, value, hits, "")
        if how == "first" or len(hits) == 1:
            chosen = [hits[0]]
        elif how == "last":
            chosen = [hits[-1]]
        else:
            chosen = hits
        leaves: dict = {}
        for source, joined in chosen:
            for path, leaf in _leaves(joined.fact):
                if path in leaves and leaves[path][0] != leaf:
                    first = leaves[path]
                    detail = f": {path} is {first[0]!r} in {first[1]} but {leaf!r} in {source}"
                    return self._duplicate(main, value, hits, detail)
                leaves.setdefault(path, (leaf, source, joined))
        for path, (leaf, _, joined) in leaves.items():
            if path == self.spec.key or self.spec.merge == "fill" and _get(main.fact, path) is not None:
                continue
            _put(main.fact, path, leaf)
            for key, prov in joined.provenance.items():
                if key == path or key.startswith(path + "[") or key.startswith(path + "."):
                    main.provenance[key] = prov
        for _, joined in chosen:
            for err in joined.errors:
                main.errors.append(replace(err, message=f"{err.message} [join {self.spec.name}]"))

    def _duplicate(self, main: Result, value, hits, detail: str) -> None:
        where = ", ".join(str(s) for s, _ in hits[:5])
        main.errors.append(RecordError(self.spec.on, (
            f"{len(hits)} joined records have {self.spec.key} = {value!r} ({where}){detail}; "
            f"set duplicates: first or last on join {self.spec.name!r}")))

    def finish(self) -> None:
        unmatched = sorted(k for k in self.index if k not in self.matched)
        self.stats.joins.append({"name": self.spec.name, "files": self.files, "records": self.records,
                                 "matched": len(self.matched), "unmatched_keys": unmatched})


def _norm(value: Any) -> str:
    return str(value).strip()


def _get(fact: dict, dotted: str) -> Any:
    node: Any = fact
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _put(fact: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        fact = fact.setdefault(part, {})
    fact[parts[-1]] = value


def _leaves(fact: dict, prefix: str = ""):
    """(dotted path, value) for scalars and lists; objects are walked into."""
    for key, value in fact.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _leaves(value, path + ".")
        else:
            yield path, value
