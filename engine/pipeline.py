"""The one evaluation pipeline: a ``RunRequest`` in, one result per input record out.

    from valuate.engine.pipeline import run
    from valuate.engine.request import Inputs, Policy, RunRequest

    request = RunRequest(Policy(as_of=date(2026, 11, 28)), Inputs(("catalog.yaml",)))
    current = run(request)
    for result in current.results():
        print(result.id, result.verdict)
    print(current.summary.to_dict())

Every command goes through here (check, explain, diff, tune, rules test;
``facts`` uses the read stage alone, since it runs no rules). The stages:

1. policy: packs, profile, ``--set``, waivers, compiled once (engine/policy);
2. read: the catalogs through their readers, or a mapping and its joins
   (engine/ingest), or records given in memory;
3. evaluate: each record validated and judged, in this process or in worker
   processes (engine/evaluate), in input order;
4. account: the later of two records with one id becomes an ``error``, the
   summary is counted and the waivers that applied are noted.

Records stream through: only a bounded window is in memory at any time.
"""
from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Callable, Iterable, Iterator, Optional

from .evaluate import EvalSpec, Outcome, outcomes
from .evaluate.batch import PENDING, DuplicateGuard, RepeatMarker, evaluate_one, label_of
from .evaluate.parallel import outcome_of
from .ingest import read_catalog
from .ingest.fastcheck import set_max_depth
from .ingest.mapping import ReadStats, read_mapped
from .ingest.mapping.session import prepare_mapping
from .ingest.records import RawRecord, materialize
from .limits import DEFAULT as DEFAULT_LIMITS
from .limits import Limits
from .model import ERROR, Report, ServiceResult, Source, Summary
from .policy import LoadedPolicy, load_policy
from .request import Inputs, RunRequest

IN_MEMORY = "(records)"  # the source file name of records given in memory


class Run:
    """One run of a policy over some inputs. Iterate ``outcomes()`` or ``results()`` once.

    ``info`` (the report header) is known before the first record; ``summary``
    and ``stats`` (what a mapping skipped) are complete once iteration ends.
    """

    def __init__(self, request: RunRequest, policy: LoadedPolicy, render: Optional[Callable] = None):
        self.request = request
        self.policy = policy
        self.render = render
        self.info = policy.run_info(request.inputs.catalogs)
        self.summary = Summary()
        self.stats = ReadStats()
        self._used: set = set()

    def outcomes(self) -> Iterator[Outcome]:
        """Per input record, in order: its verdict for the summary, and either the
        record rendered by ``render`` (in the worker that evaluated it) or its result."""
        options, waivers = self.request.options, self.policy.waivers
        lazy = options.jobs > 1 and options.only is None
        records = read_inputs(self.request.inputs, self.request.policy.limits, self.stats, lazy)
        if options.only is not None:
            records = _first_with_id(records, options.only)
        else:
            marker = RepeatMarker()
            records = (marker.mark(raw) for raw in records)
        spec = EvalSpec(self.policy.program, self.info.as_of, options.conditions, options.suggest, waivers)
        render = partial(self.render, run=self.info) if self.render is not None else None
        guard = DuplicateGuard()
        settle = _Settler(spec, render)
        try:
            for outcome in outcomes(spec, records, options.jobs, render):
                outcome = settle(outcome, guard) if outcome.verdict == PENDING else _checked(outcome, guard)
                self.summary.count(outcome.verdict, outcome.criteria, outcome.waived)
                self._used.update(outcome.waivers_used)
                yield outcome
        finally:
            settle.close()
        self.summary.blank_rows = self.stats.blank_rows
        if waivers is not None:
            self.summary.unused_waivers = waivers.unused(self._used)

    def results(self) -> Iterator[ServiceResult]:
        if self.render is not None:
            raise ValueError("this run renders records in its workers; iterate outcomes() instead")
        return (o.result for o in self.outcomes())

    def report(self) -> Report:
        """The whole run in memory (small catalogs, tests, library callers)."""
        services = tuple(self.results())
        return Report(self.info, services, self.summary)

    def write_to(self, writer, progress=None) -> Summary:
        """Feed every record to an output format's writer (engine/report), then close it."""
        for outcome in self.outcomes():
            if outcome.text is not None:
                writer.write_rendered(outcome.text)
            else:
                writer.write(outcome.result)
            if progress is not None:
                progress.tick(self.summary.services)
        if progress is not None:
            progress.finish(self.summary.services)
        writer.close(self.summary)
        return self.summary


def run(request: RunRequest, policy: Optional[LoadedPolicy] = None, render: Optional[Callable] = None) -> Run:
    """Start a run: the policy is loaded now (so a bad pack fails before any output),
    records are read and judged as the run is iterated.

    ``policy``: an already loaded policy to reuse (diff, tune, rules test, a server);
    ``render``: a picklable ``(ServiceResult, run=RunInfo) -> str`` (an output format's
    ``render_record``), called in the process that evaluated each record.
    """
    set_max_depth(request.policy.limits.max_depth)
    return Run(request, policy or load_policy(request.policy), render)


def read_inputs(inputs: Inputs, limits: Limits = DEFAULT_LIMITS, stats: Optional[ReadStats] = None,
                lazy: bool = False) -> Iterator[RawRecord]:
    """The read stage: records of every input in order, through a mapping when one is given.

    ``lazy``: JSON Lines records stay undecoded until the process that evaluates
    them needs them (workers decode in parallel)."""
    if inputs.records is not None:
        return _in_memory(inputs.records)
    stats = stats if stats is not None else ReadStats()
    if inputs.mapping is None and not inputs.joins:
        return (r for path in inputs.catalogs
                for r in read_catalog(str(path), inputs.input_format, limits, lazy, stats))
    mapping, extra = prepare_mapping(inputs.mapping, inputs.joins)
    return (r for path in inputs.catalogs
            for r in read_mapped(str(path), mapping, inputs.input_format, stats, extra, limits))


def facts_document(inputs: Inputs, limits: Limits = DEFAULT_LIMITS) -> dict:
    """``valuate facts``: the read stage alone, each record's canonical fact with provenance
    and errors, plus what the mapping skipped or left unmapped. Runs no rules."""
    from .ingest.mapping.facts import document
    stats = ReadStats()
    records = list(read_inputs(inputs, limits, stats))
    name = getattr(inputs.mapping, "name", inputs.mapping)
    return document(records, stats, None if name is None else str(name))


def _in_memory(records: Iterable) -> Iterator[RawRecord]:
    for i, record in enumerate(records, start=1):
        yield record if isinstance(record, RawRecord) else RawRecord(Source(IN_MEMORY, i), record)


def _first_with_id(records: Iterable[RawRecord], wanted: str) -> Iterator[RawRecord]:
    """Only the first record whose id is ``wanted``: the others are not evaluated at all."""
    for raw in records:
        raw = materialize(raw)
        if raw.problem is None and label_of(raw.data, "id") == wanted:
            yield raw
            return


class _Settler:
    """Settles a PENDING outcome (a valid record whose id an earlier one seemed to have):
    a duplicate error when an earlier valid record holds the id, else judged here
    after all (the earlier ones were all invalid), with an evaluator made on demand."""

    def __init__(self, spec: EvalSpec, render: Optional[Callable]):
        self.spec, self.render = spec, render
        self.evaluator = None

    def __call__(self, outcome: Outcome, guard: DuplicateGuard) -> Outcome:
        probe = ServiceResult(outcome.position, outcome.id, outcome.name, PENDING, source=outcome.source)
        duplicate = guard.check(probe)  # registers the id when it stands
        if duplicate is not None:
            return Outcome(duplicate.position, duplicate.id, duplicate.name, duplicate.source, ERROR, (),
                           result=duplicate)
        if self.evaluator is None:
            self.evaluator = self.spec.evaluator()
        raw = replace(outcome.raw, repeat=False)
        return outcome_of(evaluate_one(raw, outcome.position, self.evaluator), self.render, self.evaluator.waivers)

    def close(self) -> None:
        if self.evaluator is not None:
            self.evaluator.close()


def _checked(outcome: Outcome, guard: DuplicateGuard) -> Outcome:
    """The outcome, or an ``error`` outcome when an earlier record had the same id."""
    if outcome.verdict == ERROR or outcome.id is None:
        return outcome
    probe = ServiceResult(outcome.position, outcome.id, outcome.name, outcome.verdict, source=outcome.source)
    duplicate = guard.check(probe)
    if duplicate is None:
        return outcome
    return Outcome(duplicate.position, duplicate.id, duplicate.name, duplicate.source, ERROR, (),
                   result=duplicate)


__all__ = ["Run", "run", "read_inputs", "facts_document"]
