"""The batch: every raw record in, exactly one ServiceResult out, in order."""
from __future__ import annotations

import hashlib
from typing import Iterable, Iterator, Optional

from ..ingest.mapping.combine import combine
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
                         errors=errors, source=raw.source, provenance=raw.provenance)


def evaluate_one(raw: RawRecord, position: int, evaluator: Evaluator) -> ServiceResult:
    """Validate and evaluate one record; a bad record becomes an ``error`` result."""
    if raw.problem is not None:
        return ServiceResult(position, None, None, ERROR, errors=(RecordError("", raw.problem),),
                             source=raw.source)
    fact, errors = validate(raw.data)
    if raw.errors or raw.provenance is not None:  # read through a mapping
        fact, errors = combine(raw, fact, errors)
    if fact is None:
        return error_result(position, raw, tuple(errors))
    criteria, verdict, findings = evaluator.evaluate(fact)
    result = ServiceResult(position, fact["id"], fact.get("name"), verdict, criteria, findings,
                           source=raw.source, facts=fact, provenance=raw.provenance)
    if evaluator.waivers is not None:  # before suggestions: a waived failure needs no fix
        result = evaluator.waivers.apply(result)
    return evaluator.enrich(result)


class DuplicateGuard:
    """The later of two valid records with one id becomes an error (CONTRACT.md §2).

    Applied in input order to evaluated results, so it works the same whether
    records were evaluated here or in worker processes. Memory matters at a
    million services: ids are kept as 64-bit digests (a false duplicate needs a
    collision, about 1 in 10^13 at a million ids) mapped to a packed location.
    """

    def __init__(self) -> None:
        self.first_seen: dict = {}
        self.files: list = []

    def check(self, result: ServiceResult) -> Optional[ServiceResult]:
        """The error result replacing ``result``, or None when it stands."""
        if result.verdict == ERROR or result.id is None:
            return None
        key = int.from_bytes(hashlib.blake2b(result.id.encode("utf-8", "surrogatepass"),
                                             digest_size=8).digest(), "big")
        where = self.first_seen.get(key)
        if where is None:
            self.first_seen[key] = self._pack(result)
            return None
        message = f"duplicate id {result.id!r}: already used by the record at {self._unpack(where)}"
        return ServiceResult(result.position, result.id, result.name, ERROR,
                             errors=(RecordError("id", message),), source=result.source,
                             provenance=result.provenance)

    def _pack(self, result: ServiceResult) -> int:
        src = result.source
        if src is None:
            return result.position
        if not self.files or self.files[-1] != src.file:
            self.files.append(src.file)
        line = src.line if src.line is not None else 0
        return ((len(self.files) - 1) << 80) | (src.record << 40) | line

    def _unpack(self, packed: int) -> str:
        if not self.files:
            return f"position {packed}"
        file, record, line = self.files[packed >> 80], (packed >> 40) & (2**40 - 1), packed & (2**40 - 1)
        return str(Source(file, record, line or None))


def evaluate_records(records: Iterable[RawRecord], evaluator: Evaluator) -> Iterator[ServiceResult]:
    guard = DuplicateGuard()
    for position, raw in enumerate(records, start=1):
        result = evaluate_one(raw, position, evaluator)
        yield guard.check(result) or result
