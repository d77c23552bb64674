"""One record in, exactly one ServiceResult out; and the duplicate-id guard of a run."""
from __future__ import annotations

import hashlib
from array import array
from typing import Optional

from ..ingest.mapping.combine import combine
from ..ingest.records import RawRecord, materialize
from ..ingest.validate import validate_record
from ..model import ERROR, RecordError, ServiceResult
from ..values import printable
from .evaluator import Evaluator


def label_of(data, key: str):
    """A record's id or name as text, when it has a usable one (even an invalid record);
    half characters (unpaired surrogates) written as \\udXXX so every output can show it."""
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return printable(str(value))
    return None


def error_result(position: int, raw: RawRecord, errors: tuple) -> ServiceResult:
    return ServiceResult(position, label_of(raw.data, "id"), label_of(raw.data, "name"), ERROR,
                         errors=errors, source=raw.source, provenance=raw.provenance)


PENDING = "pending"  # a valid repeat of an earlier id, not evaluated: the run decides (never output)


def evaluate_one(raw: RawRecord, position: int, evaluator: Evaluator) -> ServiceResult:
    """Validate and evaluate one record; a bad record becomes an ``error`` result.

    A record marked ``repeat`` is validated only: when valid it comes back
    ``PENDING`` with its fact, and the run either rejects it as a duplicate or
    has it judged (``judge_pending``) if the earlier record was invalid."""
    raw = materialize(raw)
    if raw.problem is not None:
        return ServiceResult(position, None, None, ERROR, errors=(RecordError("", raw.problem),),
                             source=raw.source)
    fact, errors, warnings = validate_record(raw.data, evaluator.strict)
    if raw.errors or raw.provenance is not None:  # read through a mapping
        fact, errors = combine(raw, fact, errors)
    if fact is None:
        return error_result(position, raw, tuple(errors))
    pending = ServiceResult(position, fact["id"], fact.get("name"), PENDING, source=raw.source, facts=fact,
                            provenance=raw.provenance, warnings=tuple(warnings))
    return pending if raw.repeat else judge_pending(pending, evaluator)


def judge_pending(pending: ServiceResult, evaluator: Evaluator) -> ServiceResult:
    """Evaluate a validated record (its fact, source and provenance) into its result."""
    criteria, verdict, findings = evaluator.judge(pending.facts)
    result = ServiceResult(pending.position, pending.id, pending.name, verdict, criteria, findings,
                           source=pending.source, facts=pending.facts, provenance=pending.provenance,
                           warnings=pending.warnings)
    return evaluator.enrich(result)


class _DigestTable:
    """64-bit digest -> 64-bit value, open addressing in two flat arrays.

    A dict of Python ints costs over 100 bytes an entry; this costs 32 at
    most (two 8-byte slots, at most half full), which is what keeps the
    batch's memory flat at a million services.
    """

    def __init__(self, capacity: int = 1 << 16):
        self.keys = array("Q", bytes(8 * capacity))
        self.values = array("Q", bytes(8 * capacity))
        self.mask = capacity - 1
        self.size = 0

    def get(self, key: int) -> Optional[int]:
        keys, i = self.keys, key & self.mask
        while True:
            k = keys[i]
            if k == key:
                return self.values[i]
            if k == 0:
                return None
            i = (i + 1) & self.mask

    def put(self, key: int, value: int) -> None:
        """Add a key that is not there yet."""
        if 2 * (self.size + 1) > len(self.keys):
            self._grow()
        keys, i = self.keys, key & self.mask
        while keys[i] != 0:
            i = (i + 1) & self.mask
        keys[i], self.values[i] = key, value
        self.size += 1

    def _grow(self) -> None:
        old = zip(self.keys, self.values)
        self.__init__(2 * len(self.keys))
        for k, v in old:
            if k:
                self.put(k, v)


def _key(text: str) -> int:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") or 1  # 0 marks an empty slot


class SeenIds:
    """Ids met so far in the input, valid or not (64-bit digests, compact)."""

    def __init__(self) -> None:
        self.table = _DigestTable()

    def add(self, record_id: str) -> bool:
        """True when the id is new."""
        key = _key(record_id)
        if self.table.get(key) is not None:
            return False
        self.table.put(key, 1)
        return True


def record_id(raw: RawRecord) -> Optional[str]:
    """The record's id without decoding more than needed.

    A JSON Lines line still undecoded is only scanned when it starts with its
    id (as valuate and most exporters write it); anything else is decoded."""
    if raw.text is None:
        return label_of(raw.data, "id")
    text = raw.text.lstrip()
    for head in (b'{"id":"', b'{"id": "'):
        if text.startswith(head):
            end = text.find(b'"', len(head))
            value = text[len(head):end]
            if end > 0 and b"\\" not in value:
                try:
                    return value.decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return label_of(materialize(raw).data, "id")


class DuplicateGuard:
    """The later of two valid records with one id becomes an error (docs/specification.md#verdict-composition).

    Applied in input order to evaluated results, so it works the same whether
    records were evaluated here or in worker processes. Ids are kept as 64-bit
    digests (a false duplicate needs a collision: about 1 in 10^7 even at a
    million ids) with a packed location of their first record, in a compact
    table (``_DigestTable``): memory stays small at a million services.
    """

    def __init__(self) -> None:
        self.table = _DigestTable()
        self.files: list = []

    def check(self, result: ServiceResult) -> Optional[ServiceResult]:
        """The error result replacing ``result``, or None when it stands."""
        if result.verdict == ERROR or result.id is None:
            return None
        key = _key(result.id)
        where = self.table.get(key)
        if where is None:
            self.table.put(key, self._pack(result))
            return None
        message = f"duplicate id {result.id!r}: already used by the record at {self._unpack(where)}"
        return ServiceResult(result.position, result.id, result.name, ERROR,
                             errors=(RecordError("id", message),), source=result.source,
                             provenance=result.provenance)

    def _pack(self, result: ServiceResult) -> int:
        """file index (16 bits) | has line (1) | line or record number (47)."""
        src = result.source
        if src is None:
            return result.position & (2**47 - 1)
        if not self.files or self.files[-1] != src.file:
            self.files.append(src.file)
        number, has_line = (src.line, 1) if src.line is not None else (src.record, 0)
        return (((len(self.files) - 1) & 0xFFFF) << 48) | (has_line << 47) | (number & (2**47 - 1))

    def _unpack(self, packed: int) -> str:
        if not self.files:
            return f"position {packed}"
        file, has_line, number = self.files[packed >> 48], (packed >> 47) & 1, packed & (2**47 - 1)
        return f"{file}:{number}" if has_line else f"{file} record {number}"
