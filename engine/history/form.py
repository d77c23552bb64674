"""One result as the store keeps it, made where the result was made (in the worker processes).

``ServiceForm`` is called on each ``ServiceResult`` right after evaluation, in
the process that evaluated it, so the work spreads over the workers like the
evaluation itself. It returns a ``Stored`` tuple:

- ``pieces``: findings and criteria not yet written by this process, as
  ``(key, text)``: each is written once per run and referred to by its key
  (most services share most of their findings, and nearly all their criteria);
- ``shell``: the rest of the result as one JSON object (findings as keys);
- ``facts``: the catalog fact: ``=`` plain JSON, ``~`` codec JSON, or empty;
- ``service``: its ``run_services`` row, and ``failing``: its failing findings'
  rows (for ``findings`` and ``run_findings``), as tuples of plain values;
- ``count``: how many findings it has, of every status.


What the run itself adds later (``--compare`` and ``--baseline`` marks, made in
the main process) is added to the shell by ``overlay``.
"""
from __future__ import annotations

import base64
import dataclasses
import gc
import hashlib
from dataclasses import replace
from typing import Any, NamedTuple, Optional

from ..compare import fingerprint, marks_of
from ..model import ERROR, FAILING, ServiceResult
from .codec import FIELDS, Encoder, dumps, plain_json

SHELL = tuple(f for f in FIELDS[ServiceResult]
              if f not in ("findings", "criteria", "to_pass", "facts", "change", "baseline"))
# fields a shell may leave out: those whose default is None or () (an unset value reads back as it)
OPTIONAL = frozenset(f.name for f in dataclasses.fields(ServiceResult) if f.default in (None, ()))
KEEP = 8192  # findings remembered per process; past it the memory starts afresh


class Stored(NamedTuple):
    pieces: tuple
    shell: str
    facts: str
    service: tuple  # its run_services row (row() below)
    failing: tuple  # its failing findings' rows (failing() below)
    count: int


def piece_key(text: str) -> str:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=9).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def key64(*parts: str) -> int:
    """A 64-bit signed digest of ``parts``: the same in every process and every run."""
    digest = hashlib.blake2b("\x00".join(parts).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def finding_id(service: str, rule: str, status: str, fingerprint: str, counts: bool, message: str) -> int:
    """A finding's key in the findings table: a digest of everything it holds."""
    return key64(service, rule, status, fingerprint, "1" if counts else "0", message)


def streak_key(service: str, rule: str, status: str) -> int:
    """What a streak of failing follows from run to run: one service failing one rule one way."""
    return key64(service, rule, status)


class ServiceForm:
    """Picklable (sent to each worker); its memory of written pieces stays in each process."""

    def __init__(self):
        self._seen: dict = {}  # id(finding) -> (finding, key, fingerprint)
        # CriterionResult -> key, by value: of 8,817 in 3,000 varied services, 371 differ
        self._criteria: dict = {}
        self._encoder = Encoder()

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()

    def __call__(self, result: ServiceResult) -> Stored:
        # The encoding makes many short-lived containers, all freed by reference counting;
        # left on, the cyclic collector would run over the worker's whole heap (its memos)
        # every few hundred of them, for nothing: that alone doubled the cost of storing.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._form(result)
        finally:
            if enabled:
                gc.enable()

    def _form(self, result: ServiceResult) -> Stored:
        enc = self._encoder
        pieces, hits = [], []
        for f in result.findings:
            hit = self._seen.get(id(f))
            if hit is None or hit[0] is not f:
                hit = self._remember(f, pieces)
            hits.append(hit)
        shell = {"findings": [hit[1] for hit in hits], "criteria": [self._criterion(c, pieces) for c in result.criteria]}
        if result.to_pass is not None:  # a piece too, so the C encoder writes it (rarely shared)
            text = enc.fast_text(result.to_pass)
            shell["to_pass"] = key = piece_key(text)
            pieces.append((key, text))
        for name in SHELL:
            v = getattr(result, name)
            if name not in OPTIONAL or (v is not None and v != ()):
                shell[name] = enc.value(v)
        marks = _marks(result)
        if marks:
            shell["marks"] = marks
        key = result.id if result.id is not None else f"(record {result.position})"
        return Stored(tuple(pieces), dumps(shell), facts_text(result.facts, enc), row(result, key),
                      failing(result, key, hits), len(result.findings))

    def _criterion(self, c, pieces: list) -> str:
        key = self._criteria.get(c)
        if key is None:
            text = self._encoder.fast_text(c)
            key = piece_key(text)
            pieces.append((key, text))
            if len(self._criteria) >= KEEP:
                self._criteria.clear()
            self._criteria[c] = key
        return key

    def _remember(self, f, pieces: list) -> tuple:
        bare = replace(f, since=None, baseline=None) if f.since is not None or f.baseline is not None else f
        text = self._encoder.fast_text(bare)
        key = piece_key(text)
        pieces.append((key, text))
        fp = fingerprint(f.status, f.evidence) if f.status in FAILING else None
        if len(self._seen) >= KEEP:
            self._seen.clear()
        hit = self._seen[id(f)] = (f, key, fp)
        return hit


def failing(result: ServiceResult, key: str, hits: list) -> tuple:
    """(position, seq, finding id, streak key, service, rule, status, fingerprint, counts, message,
    waived) of each failing finding (seq: its place among the service's findings)."""
    if result.verdict == ERROR:
        rows = [(0, m.rule, m.status, m.fingerprint, m.counts, m.message, False) for m in marks_of(result)]
    else:
        rows = [(i, f.rule, f.status, fp, f.counts, f.message, f.waived)
                for i, (f, (_, _, fp)) in enumerate(zip(result.findings, hits)) if f.status in FAILING]
    return tuple((result.position, seq, finding_id(key, rule, status, fp, counts, message),
                  streak_key(key, rule, status), key, rule, status, fp, counts, message, waived)
                 for seq, rule, status, fp, counts, message, waived in rows)


def _marks(result: ServiceResult) -> list:
    """[index, since, baseline] of the findings the run marked (--compare, --baseline)."""
    return [[i, f.since, f.baseline] for i, f in enumerate(result.findings)
            if f.since is not None or f.baseline is not None]


def overlay(stored: Stored, result: ServiceResult) -> Stored:
    """``stored`` (made before the run marked ``result``) with the run's marks added."""
    enc = Encoder()
    extra = {}
    if result.change is not None:
        extra["change"] = enc.value(result.change)
    if result.baseline is not None:
        extra["baseline"] = result.baseline
    marks = _marks(result)
    if marks:
        extra["marks"] = marks
    if not extra:
        return stored
    return stored._replace(shell=stored.shell[:-1] + "," + dumps(extra)[1:])


def facts_text(facts: Any, enc: Encoder) -> str:
    if facts is None:
        return ""
    text = plain_json(facts)
    return "=" + text if text is not None else "~" + enc.text(facts)


def row(result: ServiceResult, key: str) -> tuple:
    """(position, service, name, verdict, utility, warranty, value, the four dimensions,
    budget planned, actual, currency, costs imposed, costs removed)."""
    status = {c.name: c.status for c in result.criteria}
    warranty = result.criterion("warranty")
    dims = dict(warranty.dimensions) if warranty is not None else {}
    facts = result.facts if isinstance(result.facts, dict) else {}
    budget = facts.get("budget") if isinstance(facts.get("budget"), dict) else {}
    costs = facts.get("costs") if isinstance(facts.get("costs"), dict) else {}
    return (result.position, key, result.name, result.verdict, status.get("utility"), status.get("warranty"),
            status.get("value"), dims.get("availability"), dims.get("capacity"), dims.get("security"),
            dims.get("continuity"), _number(budget.get("planned")), _number(budget.get("actual")),
            _text(budget.get("currency")), _amounts(costs.get("imposed")), _amounts(costs.get("removed")))


def _number(v: Any) -> Optional[float]:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _text(v: Any) -> Optional[str]:
    return v if isinstance(v, str) else None


def _amounts(items: Any) -> Optional[float]:
    """The recorded amounts of a list of costs, summed (None when none records one)."""
    found = [_number(i.get("amount")) for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    found = [a for a in found if a is not None]
    return sum(found) if found else None
