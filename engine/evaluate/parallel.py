"""Evaluation across worker processes, results kept in input order.

Each worker builds its own Evaluator, and so its own durable-rules host,
inside the worker process (a host is never shared across threads or
processes). Records travel to workers in chunks; each comes back as an
``Outcome``: the verdict and criterion statuses for the summary, and either
the record already rendered by a streaming output format or the whole
ServiceResult. A worker that dies (at any moment: while a chunk is being
sent, evaluated or returned) is replaced (engine/evaluate/workers.py: a pipe
per worker, so one death cannot leave the others' results half-read); the
records of its chunk are re-run one by one, and a record whose own worker
dies on it ``ATTEMPTS`` times is reported as an error against that record.
No record is dropped, none is reported twice.

Workers never outlive the main process: on Linux each asks the kernel to
kill it when its parent dies (``PR_SET_PDEATHSIG``, so even ``kill -9`` of
the main process leaves no orphan computing), elsewhere it checks its parent
before each chunk; and when the main process stops early (Ctrl-C, SIGTERM,
an error) it kills its workers instead of waiting for their chunks.
"""
from __future__ import annotations

import ctypes
import datetime as _dt
import multiprocessing
import os
import signal
import sys
from collections import OrderedDict
from dataclasses import dataclass
from itertools import chain, islice
from typing import Callable, Iterable, Iterator, Optional

from ..model import ERROR, RecordError, ServiceResult, Source, not_applicable
from ..ingest.jsonl_reader import materialize
from .batch import PENDING, error_result, evaluate_one
from .evaluator import Evaluator
from .workers import WorkerPool

CHUNK = 256
SERIAL_BELOW = 2000  # small catalogs are faster without starting workers
IN_FLIGHT_PER_JOB = 4
ATTEMPTS = 2  # times a record may take its worker down with it before it is reported as the cause


@dataclass(frozen=True)
class Outcome:
    position: int
    id: Optional[str]
    name: Optional[str]
    source: Optional[Source]
    verdict: str
    criteria: tuple  # ((criterion, status), ...)
    text: Optional[str] = None  # rendered by the output format, when it streams
    result: Optional[ServiceResult] = None  # otherwise the whole record
    waived: int = 0  # findings a waiver kept from counting
    not_applicable: int = 0  # findings of rules that do not apply to the service
    waivers_used: tuple = ()  # indices of the waivers that applied
    coverage: tuple = ()  # the coverage probe's masks (evaluate/coverage.py), for a judged service
    warnings: tuple = ()  # RecordError: the record's unknown keys (not errors without --strict)
    valuable_by_waiver: bool = False  # valuable only because a waiver covers a deciding failure
    stored: object = None  # what ``record`` made of the result (a run store's form), when one is given
    level: object = None  # LevelResult, when the policy declares levels
    upcoming: tuple = ()  # Upcoming, per day scheduled rules come into force


@dataclass(frozen=True)
class EvalSpec:
    """Everything a process needs to build its own Evaluator (sent to workers once)."""

    program: object
    as_of: str
    conditions: bool = False  # build condition trees
    suggest: bool = True  # work out what would make failing services pass
    waivers: object = None  # a policy WaiverSet, or None
    sources: Optional[dict] = None  # canonical path -> export field feeding it (mapped inputs)
    strict: bool = False  # unknown keys in a record are errors (check --strict)
    targets: tuple = ()  # levels.Target: each graded service notes the targets it is in scope of

    def evaluator(self) -> Evaluator:
        """This process's evaluator for the spec: kept for the next run of the same spec
        (a server or a rules test runs many small ones; building one costs milliseconds)."""
        key = (id(self.program), self.as_of, self.conditions, self.suggest, id(self.waivers), id(self.sources),
               self.strict, self.targets)
        kept = _EVALUATORS.get(key)
        if kept is not None and kept[0] is self.program:
            _EVALUATORS.move_to_end(key)
            return kept[1]
        evaluator = Evaluator(self.program, _dt.date.fromisoformat(self.as_of), explain=self.conditions,
                              suggest=self.suggest, waivers=self.waivers, sources=self.sources)
        evaluator.strict = self.strict
        evaluator.targets = self.targets
        # the program is kept with it, so its id cannot be reused while the entry lives
        _EVALUATORS[key] = (self.program, evaluator)
        if len(_EVALUATORS) > KEEP_EVALUATORS:
            _EVALUATORS.popitem(last=False)
        return evaluator


KEEP_EVALUATORS = 4
_EVALUATORS: OrderedDict = OrderedDict()


def outcome_of(result: ServiceResult, render: Optional[Callable], evaluator: Evaluator,
               record: Optional[Callable] = None) -> Outcome:
    """The outcome of one result; ``render`` and ``record`` run here, where it was evaluated."""
    if result.verdict == PENDING:  # the run decides what it is; nothing to render yet
        return Outcome(result.position, result.id, result.name, result.source, PENDING, (), result=result,
                       warnings=result.warnings)
    waivers = evaluator.waivers
    return Outcome(result.position, result.id, result.name, result.source, result.verdict,
                   tuple((c.name, result.status_of(c.name)) for c in result.criteria),
                   render(result) if render is not None else None,
                   None if render is not None else result,
                   sum(1 for f in result.findings if f.waived), not_applicable(result),
                   waivers.used_in(result) if waivers is not None else (),
                   evaluator.coverage.masks(result), result.warnings, result.valuable_by_waiver,
                   stored=record(result) if record is not None else None, level=result.level,
                   upcoming=result.upcoming)


_worker: dict = {}
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """Have the kernel SIGKILL this worker when the main process dies (Linux)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the parent check below still holds
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _start_worker(spec: EvalSpec, render, parent: int, record=None) -> None:
    # Ctrl-C is the main process's to handle: it stops feeding and shuts the
    # pool down; workers printing their own KeyboardInterrupt would be noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM (the pool's own terminate(), timeout's signal to the group) ends a
    # worker at once: the main process's handler, inherited by fork, would
    # raise inside the worker's result loop and leave it blocked on a pipe.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    die_with_parent(parent)
    _worker["parent"] = parent
    _worker["evaluator"] = spec.evaluator()
    _worker["render"] = render
    _worker["record"] = record


def _run_chunk(chunk: list) -> list:
    if os.getppid() != _worker["parent"]:  # orphaned (where PR_SET_PDEATHSIG does not exist)
        os._exit(1)
    evaluator, render, record = _worker["evaluator"], _worker["render"], _worker["record"]
    return [outcome_of(evaluate_one(raw, position, evaluator), render, evaluator, record)
            for position, raw in chunk]


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _crashed(position: int, raw) -> Outcome:
    """The outcome of a record whose own worker died on it every time it was tried."""
    message = ("the evaluator process crashed on this record (a bug in valuate or "
               "durable-rules; please report it); the batch went on")
    result = error_result(position, materialize(raw), (RecordError("", message),))
    return Outcome(position, result.id, result.name, raw.source, ERROR, (), None, result)


def _run_parallel(spec: EvalSpec, render, jobs: int, numbered: Iterator, record=None) -> Iterator[Outcome]:
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    pool = WorkerPool(ctx, jobs, _start_worker, (spec, render, os.getpid(), record), _run_chunk, _crashed,
                      ATTEMPTS, jobs * IN_FLIGHT_PER_JOB)
    yield from pool.run(numbered, CHUNK)


def outcomes(spec: EvalSpec, records: Iterable, jobs: int, render: Optional[Callable],
             record: Optional[Callable] = None) -> Iterator[Outcome]:
    """Outcomes for ``records`` in input order, in this process or across ``jobs`` workers.
    ``record``: a picklable ``(ServiceResult) -> value`` whose value rides on ``Outcome.stored``."""
    numbered = enumerate(records, start=1)
    head = list(islice(numbered, SERIAL_BELOW)) if jobs > 1 else []
    if jobs <= 1 or len(head) < SERIAL_BELOW:
        evaluator = spec.evaluator()
        for position, raw in (head or numbered):
            yield outcome_of(evaluate_one(raw, position, evaluator), render, evaluator, record)
        return
    yield from _run_parallel(spec, render, jobs, chain(head, numbered), record)
