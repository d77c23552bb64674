"""The batch: every raw record in, exactly one ServiceResult out, in order."""
from __future__ import annotations

from typing import Iterable, Iterator

from ..ingest.mapping.combine import combine
from ..ingest.records import RawRecord
from ..ingest.validate import validate
from ..model import ERROR, RecordError, ServiceResult
from .evaluator import Evaluator


def _label(data, key: str):
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
    return None


def evaluate_records(records: Iterable[RawRecord], evaluator: Evaluator) -> Iterator[ServiceResult]:
    """Validate and evaluate each record; a bad record becomes an ``error`` result."""
    first_seen: dict = {}
    for position, raw in enumerate(records, start=1):
        rid, name = _label(raw.data, "id"), _label(raw.data, "name")
        if raw.problem is not None:
            yield ServiceResult(position, None, None, ERROR, errors=(RecordError("", raw.problem),),
                                source=raw.source)
            continue
        fact, errors = validate(raw.data)
        if raw.errors or raw.provenance is not None:  # read through a mapping
            fact, errors = combine(raw, fact, errors)
        if fact is not None and fact["id"] in first_seen:
            where = first_seen[fact["id"]]
            errors = [RecordError("id", f"duplicate id {fact['id']!r}: already used by the record at {where}")]
            fact = None
        if fact is None:
            yield ServiceResult(position, rid, name, ERROR, errors=tuple(errors), source=raw.source,
                                provenance=raw.provenance)
            continue
        first_seen[fact["id"]] = raw.source
        criteria, verdict, findings = evaluator.evaluate(fact)
        yield ServiceResult(position, fact["id"], fact.get("name"), verdict, criteria, findings,
                            source=raw.source, facts=fact, provenance=raw.provenance)
