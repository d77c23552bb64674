"""The batch: every raw record in, exactly one ServiceResult out, in order."""
from __future__ import annotations

from typing import Iterable, Iterator, Optional

from ..ingest.records import RawRecord
from ..ingest.validate import validate
from ..model import ERROR, RecordError, ServiceResult, Source
from .evaluator import Evaluator


def _label(data, key: str):
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
    return None


def error_result(position: int, raw: RawRecord, errors: tuple) -> ServiceResult:
    return ServiceResult(position, _label(raw.data, "id"), _label(raw.data, "name"), ERROR,
                         errors=errors, source=raw.source)


def evaluate_one(raw: RawRecord, position: int, evaluator: Evaluator) -> ServiceResult:
    """Validate and evaluate one record; a bad record becomes an ``error`` result."""
    if raw.problem is not None:
        return ServiceResult(position, None, None, ERROR, errors=(RecordError("", raw.problem),),
                             source=raw.source)
    fact, errors = validate(raw.data)
    if fact is None:
        return error_result(position, raw, tuple(errors))
    criteria, verdict, findings = evaluator.evaluate(fact)
    return ServiceResult(position, fact["id"], fact.get("name"), verdict, criteria, findings,
                         source=raw.source, facts=fact)


class DuplicateGuard:
    """The later of two valid records with one id becomes an error (CONTRACT.md §2).

    Applied in input order to evaluated results, so it works the same whether
    records were evaluated here or in worker processes.
    """

    def __init__(self) -> None:
        self.first_seen: dict = {}

    def check(self, result: ServiceResult) -> Optional[ServiceResult]:
        """The error result replacing ``result``, or None when it stands."""
        if result.verdict == ERROR or result.id is None:
            return None
        where = self.first_seen.get(result.id)
        if where is None:
            self.first_seen[result.id] = result.source
            return None
        message = f"duplicate id {result.id!r}: already used by the record at {where}"
        return ServiceResult(result.position, result.id, result.name, ERROR,
                             errors=(RecordError("id", message),), source=result.source)

    def seen_at(self, rid: str) -> Optional[Source]:
        return self.first_seen.get(rid)


def evaluate_records(records: Iterable[RawRecord], evaluator: Evaluator) -> Iterator[ServiceResult]:
    guard = DuplicateGuard()
    for position, raw in enumerate(records, start=1):
        result = evaluate_one(raw, position, evaluator)
        yield guard.check(result) or result
