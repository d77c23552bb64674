"""One record in, exactly one ServiceResult out; and the duplicate-id guard of a run."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..ingest.ids import IdClaims, label_of
from ..ingest.mapping.combine import combine
from ..ingest.jsonl_reader import materialize
from ..ingest.records import RawRecord
from ..ingest.validate import validate_record
from ..model import ERROR, RecordError, ServiceResult
from .evaluator import Evaluator


def error_result(position: int, raw: RawRecord, errors: tuple) -> ServiceResult:
    return ServiceResult(position, label_of(raw.data, "id"), label_of(raw.data, "name"), ERROR,
                         errors=errors, source=raw.source, provenance=raw.provenance)


PENDING = "pending"  # a repeat of an earlier id, validated only: the run decides (never output)


def evaluate_one(raw: RawRecord, position: int, evaluator: Evaluator) -> ServiceResult:
    """Validate and evaluate one record; a bad record becomes an ``error`` result.

    A record marked ``repeat`` is validated only and comes back ``PENDING``
    (with its fact when valid, its errors otherwise), unrendered: the run
    makes it a duplicate error, keeping its own errors, or, should the
    earlier id turn out to be another (``finish_pending``), finishes it."""
    raw = materialize(raw)
    if raw.problem is not None:
        result = error_result(position, raw, (RecordError("", raw.problem),))
    else:
        fact, errors, warnings = validate_record(raw.data, evaluator.strict)
        if raw.errors or raw.provenance is not None:  # read through a mapping
            fact, errors = combine(raw, fact, errors)
        if fact is not None:
            pending = ServiceResult(position, fact["id"], fact.get("name"), PENDING, source=raw.source,
                                    facts=fact, provenance=raw.provenance, warnings=tuple(warnings))
            return pending if raw.repeat else judge_pending(pending, evaluator)
        result = error_result(position, raw, tuple(errors))
    return replace(result, verdict=PENDING) if raw.repeat else result


def finish_pending(pending: ServiceResult, evaluator: Evaluator) -> ServiceResult:
    """A repeat that stands: judged when valid, else the error it is."""
    if pending.facts is None:
        return replace(pending, verdict=ERROR)
    return judge_pending(pending, evaluator)


def judge_pending(pending: ServiceResult, evaluator: Evaluator) -> ServiceResult:
    """Evaluate a validated record (its fact, source and provenance) into its result."""
    criteria, verdict, findings = evaluator.judge(pending.facts)
    result = ServiceResult(pending.position, pending.id, pending.name, verdict, criteria, findings,
                           source=pending.source, facts=pending.facts, provenance=pending.provenance,
                           warnings=pending.warnings)
    return evaluator.enrich(result)


class DuplicateGuard:
    """The later of two records with one id becomes an error, whatever the first was
    (docs/specification.md#verdict-composition): every record claims its id
    (``IdClaims``), valid or not.

    Applied in input order to evaluated results, so it works the same whether
    records were evaluated here or in worker processes. A later record that is
    invalid anyway keeps its own errors beside the duplicate one."""

    def __init__(self) -> None:
        self.claims = IdClaims()

    def check(self, result: ServiceResult) -> Optional[ServiceResult]:
        """The error result replacing ``result``, or None when it stands."""
        message = self.claims.claim(result.id, result.source, result.position)
        if message is None:
            return None
        errors = tuple(sorted(result.errors + (RecordError("id", message),), key=lambda e: e.path))
        return ServiceResult(result.position, result.id, result.name, ERROR, errors=errors, source=result.source,
                             provenance=result.provenance)
