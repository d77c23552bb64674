"""``valuate facts``: the canonical facts a mapping makes, with provenance.

For debugging a mapping without running rules: each record's fact, where
every fact came from, and what is wrong with it (parser failures and schema
violations), plus the export fields the mapping neither reads nor ignores,
how many records ``where:`` skipped, and how joins matched.
"""
from __future__ import annotations

import json
from typing import Iterable, TextIO

import yaml

from ...model import RecordError
from ...values import showable
from ..ids import IdClaims, label_of
from ..records import RawRecord
from ..validate import validate
from .combine import combine
from .reader import ReadStats

FACT_FORMATS = ("yaml", "json")


def entry(raw: RawRecord) -> dict:
    out: dict = {"source": raw.source.to_dict()}
    if raw.problem is not None:
        out["errors"] = [{"path": "", "message": raw.problem}]
        return out
    fact, errors = validate(raw.data)
    if raw.errors or raw.provenance is not None:
        fact, errors = combine(raw, fact, errors)
    data = raw.data if isinstance(raw.data, dict) else {"value": raw.data}
    out["id"] = data.get("id")
    out["fact"] = without_partial_items(data, raw.errors)
    if raw.provenance:
        out["provenance"] = {k: v.to_dict() for k, v in raw.provenance.items()}
    if errors:
        out["errors"] = [e.to_dict() for e in errors]
    return out


def without_partial_items(data: dict, errors) -> dict:
    """The fact without the lists holding an item a parser could not read whole. Such an item
    holds only the values that did parse (an outcome of just its constant effect), one the
    export never gave; leaving the item out would shift the indexes the errors name. So the
    list goes, as a value that does not parse goes: the errors and the provenance say it all."""
    lists = {e.path.split("[", 1)[0] for e in errors if "[" in e.path}
    if not lists:
        return data
    out = dict(data)
    for path in lists:
        *parents, last = path.split(".")
        node = out
        for part in parents:  # copy the way down: the record's own data is not changed
            child = node.get(part) if isinstance(node, dict) else None
            if not isinstance(child, dict):
                break
            node[part] = node = dict(child)
        else:
            node.pop(last, None)
    return out


def document(records: Iterable[RawRecord], stats: ReadStats, mapping_name: str | None) -> dict:
    claims = IdClaims()  # a later record with an id already used is an error, as in check
    services = []
    for position, raw in enumerate(records, start=1):
        out = entry(raw)
        duplicate = claims.claim(label_of(raw.data, "id"), raw.source, position)
        if duplicate is not None:
            out["errors"] = sorted(out.get("errors", []) + [RecordError("id", duplicate).to_dict()],
                                   key=lambda e: e["path"])
        services.append(out)
    doc: dict = {"mapping": mapping_name, "services": services,
                 "summary": {"records": len(services), "errors": sum(1 for s in services if "errors" in s),
                             "skipped_by_where": stats.skipped}}
    if stats.blank_rows:
        doc["summary"]["blank_rows_skipped"] = stats.blank_rows
    if any(stats.unmapped.values()):
        doc["unmapped_fields"] = {f: fields for f, fields in stats.unmapped.items() if fields}
    if stats.joins:
        doc["joins"] = stats.joins
    return doc


def render(doc: dict, fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump(_plain(doc), out, ensure_ascii=False, indent=2, allow_nan=False)
        out.write("\n")
    else:
        yaml.safe_dump(_plain(doc), out, sort_keys=False, allow_unicode=True, width=100)


def _plain(value):
    """Plain dicts, lists and text for the writers (yaml.safe_dump refuses LocDict/LocList;
    json.dump would write NaN bare and crash on bytes, sets, durations): values.showable."""
    return showable(value)
