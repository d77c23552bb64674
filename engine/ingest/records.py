"""The unit that flows from readers to the evaluator: one raw record."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..model import Source


@dataclass(frozen=True)
class RawRecord:
    """A record as read, before validation. ``problem`` is set when the record
    itself could not be parsed (a bad JSON line): it is still a record and it
    still gets a result, with verdict ``error``.

    Records read through a mapping (engine/ingest/mapping) carry the mapped
    fact in ``data``, ``provenance`` (canonical path -> model.Provenance) and
    ``errors``: RecordErrors for values their parser could not read, which
    make the record's verdict ``error`` while the batch goes on."""

    source: Source
    data: Any = None
    problem: Optional[str] = None
    provenance: Optional[dict] = None
    errors: tuple = ()
    # A JSON Lines record not decoded yet (bytes of its line): worker processes
    # decode it (jsonl_reader.materialize), which is cheaper than decoding here
    # and pickling the result.
    text: Optional[bytes] = None
    # An earlier record seemed to have the same id (a cheap look, before
    # validation): it is validated but judged only if it turns out to stand.
    repeat: bool = False

