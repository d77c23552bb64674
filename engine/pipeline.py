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
   summary is counted and the waivers that applied are noted; against a
   baseline (``RunOptions.baseline``) each open finding is marked new or
   known, and against an earlier report (``RunOptions.compare``) each
   result gets what changed since (engine/compare), in this process,
   before any output sees it.

Records stream through: only a bounded window is in memory at any time.
"""
from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Callable, Iterable, Iterator, Optional

from .compare import Baseline, BaselineTally, Review, Snapshot, load_previous, load_snapshot
from .evaluate import EvalSpec, Outcome, outcomes
from .evaluate.batch import PENDING, DuplicateGuard, finish_pending
from .evaluate.coverage import CoverageProbe, coverage_plan
from .evaluate.parallel import outcome_of
from .explain.coverage import CoverageCount
from .ingest import expand_catalogs, read_catalog
from .ingest.fastcheck import set_max_depth
from .ingest.ids import SeenIds, label_of, record_id
from .ingest.mapping import ReadStats, read_mapped
from .ingest.mapping.facts import document
from .ingest.mapping.session import prepare_mapping
from .ingest.mapping.sources import fact_sources
from .ingest.jsonl_reader import materialize
from .ingest.records import RawRecord
from .levels import TargetTally
from .limits import DEFAULT as DEFAULT_LIMITS
from .limits import Limits
from .model import ERROR, NO_LEVEL, Report, ServiceResult, Source, Summary
from .policy import LoadedPolicy, load_policy
from .ingest.validate import validate
from .request import Inputs, Policy, RunRequest
from .errors import UserError
from .schema import FactSchema

IN_MEMORY = "(records)"  # the source file name of records given in memory


class Run:
    """One run of a policy over some inputs. Iterate ``outcomes()`` or ``results()`` once.

    ``info`` (the report header) is known before the first record; ``summary``
    and ``stats`` (what a mapping skipped) are complete once iteration ends.
    """

    def __init__(self, request: RunRequest, policy: LoadedPolicy, render: Optional[Callable] = None,
                 on_warning: Optional[Callable[[str], None]] = None, record: Optional[Callable] = None):
        self.request = request
        self.policy = policy
        self.record = record
        renamed = policy.renames()  # what an earlier file names by a rule's former id
        self.baseline = _baseline(request.options.baseline, renamed)
        self.on_warning = on_warning
        self.info = replace(policy.run_info(request.inputs.catalogs), group_by=tuple(request.options.group_by))
        given = request.options.compare
        self.previous = load_previous(given).renamed(renamed) if given is not None else None
        # Baseline states and comparisons are set here, in this process, so
        # records cannot be rendered in the workers that evaluated them.
        self.render = render if self.baseline is None and self.previous is None else None
        self.summary = Summary(levels=dict.fromkeys((NO_LEVEL,) + self.info.levels, 0) if self.info.levels else None)
        self.stats = ReadStats()
        self.warnings = 0  # records' warnings (unknown keys), each also passed to on_warning
        self._used: set = set()

    def outcomes(self) -> Iterator[Outcome]:
        """Per input record, in order: its verdict for the summary, and either the
        record rendered by ``render`` (in the worker that evaluated it) or its result."""
        options, waivers, inputs = self.request.options, self.policy.waivers, self.request.inputs
        lazy = options.jobs > 1 and options.only is None
        mapping = _prepared(inputs)
        records = read_inputs(inputs, self.request.policy.limits, self.stats, lazy, mapping)
        if options.only is not None:
            records = _first_with_id(records, options.only)
        sources = fact_sources(*mapping) if mapping is not None else None
        spec = EvalSpec(self.policy.program, self.info.as_of, options.conditions, options.suggest, waivers,
                        sources, options.strict, self.policy.targets)
        render = partial(self.render, run=self.info) if self.render is not None else None
        account = _Accounting(spec, render, self.record)
        coverage = CoverageCount(coverage_plan(self.policy.program))
        tally = BaselineTally(self.baseline) if self.baseline is not None else None
        progress = TargetTally(self.policy.targets, self.policy.as_of) if self.policy.targets else None
        review = Review(self.previous, self.info.as_of, self.info.levels) if self.previous is not None else None
        try:
            for outcome in outcomes(spec, _mark_repeats(records), options.jobs, render, self.record):
                outcome = account.checked(outcome)
                if tally is not None:
                    outcome = _against(self.baseline, tally, outcome)
                if review is not None and outcome.result is not None:
                    outcome = replace(outcome, result=review.mark(outcome.result))
                self._warn(outcome)
                self.summary.count(outcome.verdict, outcome.criteria, outcome.waived, outcome.not_applicable,
                                   outcome.valuable_by_waiver)
                self.summary.grade(outcome.verdict, outcome.level, outcome.upcoming)
                if progress is not None:
                    progress.add(outcome.id, outcome.level)
                self._used.update(outcome.waivers_used)
                coverage.add(outcome.coverage)
                yield outcome
        finally:
            account.close()
        self.summary.blank_rows = self.stats.blank_rows
        if waivers is not None:
            self.summary.unused_waivers = waivers.unused(self._used)
        self.summary.coverage = coverage.result(sources)
        if tally is not None:
            self.summary.baseline = tally.summary()
        if progress is not None:
            self.summary.targets = progress.result()
        if review is not None:
            self.summary.comparison = review.finish()

    def _warn(self, outcome: Outcome) -> None:
        for w in outcome.warnings:
            self.warnings += 1
            if self.on_warning is not None:
                label = outcome.id if outcome.id is not None else f"record {outcome.position}"
                self.on_warning(f"{outcome.source or label}: {label}: {w}")

    def results(self) -> Iterator[ServiceResult]:
        if self.render is not None:
            raise ValueError("this run renders records in its workers; iterate outcomes() instead")
        return (o.result for o in self.outcomes())

    def report(self) -> Report:
        """The whole run in memory (small catalogs, tests, library callers)."""
        services = tuple(self.results())
        return Report(self.info, services, self.summary)

    def write_to(self, writer, progress=None, observe: Optional[Callable] = None) -> Summary:
        """Feed every record to an output format's writer (engine/report), then close it;
        ``observe`` sees each outcome too (a run store's recorder)."""
        for outcome in self.outcomes():
            if observe is not None:
                observe(outcome)
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


def run(request: RunRequest, policy: Optional[LoadedPolicy] = None, render: Optional[Callable] = None,
        on_warning: Optional[Callable[[str], None]] = None, record: Optional[Callable] = None) -> Run:
    """Start a run: the policy and a baseline are loaded now (so a bad pack fails before
    any output), records are read and judged as the run is iterated.

    ``policy``: an already loaded policy to reuse (diff, tune, rules test, a server);
    ``render``: a picklable ``(ServiceResult, run=RunInfo) -> str`` (an output format's
    ``render_record``), called in the process that evaluated each record;
    ``on_warning``: called with each record warning (an unknown key), as one line;
    ``record``: a picklable ``(ServiceResult) -> value`` called where each record is evaluated,
    its value on ``Outcome.stored`` (what a run store keeps, made in the workers).
    """
    set_max_depth(request.policy.limits.max_depth)
    check_group_by(request.options.group_by)
    request = replace(request, inputs=expanded(request.inputs))
    return Run(request, policy or load_policy(request.policy), render, on_warning, record)


def expanded(inputs: Inputs) -> Inputs:
    """``inputs`` with ``-`` (standard input) and directories replaced by the files read."""
    if inputs.records is not None:
        return inputs
    return replace(inputs, catalogs=expand_catalogs(inputs.catalogs, inputs.stdin_name))


def _baseline(given, renamed: dict) -> Optional[Baseline]:
    if given is None:
        return None
    return Baseline((given if isinstance(given, Snapshot) else load_snapshot(str(given))).renamed(renamed))


def _against(baseline: Baseline, tally: BaselineTally, outcome: Outcome) -> Outcome:
    """The outcome with its result's findings marked new or known, and counted."""
    if outcome.result is None:
        return outcome
    marked, states = baseline.apply(outcome.result)
    tally.add(states)
    return replace(outcome, result=marked)


def check_group_by(paths) -> None:
    """Each ``--group-by`` path names a fact of the fact schema holding a value or a list of values
    (one group per element), never an object (did you mean...?)."""
    for path in paths:
        problem = FactSchema.default().single_value_problem(path)
        if problem is not None:
            raise UserError(f"--group-by {problem}")


def read_inputs(inputs: Inputs, limits: Limits = DEFAULT_LIMITS, stats: Optional[ReadStats] = None,
                lazy: bool = False, prepared: Optional[tuple] = None) -> Iterator[RawRecord]:
    """The read stage: records of every input in order, through a mapping when one is given.

    ``lazy``: JSON Lines records stay undecoded until the process that evaluates
    them needs them (workers decode in parallel). ``prepared``: the mapping and
    extra joins already loaded (``_prepared``)."""
    if inputs.records is not None:
        return _in_memory(inputs.records)
    stats = stats if stats is not None else ReadStats()
    if inputs.mapping is None and not inputs.joins:
        return (r for path in inputs.catalogs
                for r in read_catalog(str(path), inputs.input_format, limits, lazy, stats))
    mapping, extra = prepared or prepare_mapping(inputs.mapping, inputs.joins)
    return (r for path in inputs.catalogs
            for r in read_mapped(str(path), mapping, inputs.input_format, stats, extra, limits))


def facts_document(inputs: Inputs, limits: Limits = DEFAULT_LIMITS) -> dict:
    """``valuate facts``: the read stage alone, each record's canonical fact with provenance
    and errors, plus what the mapping skipped or left unmapped. Runs no rules."""
    stats = ReadStats()
    inputs = expanded(inputs)
    prepared = _prepared(inputs)
    records = list(read_inputs(inputs, limits, stats, prepared=prepared))
    name = getattr(inputs.mapping, "name", inputs.mapping)
    doc = document(records, stats, None if name is None else str(name))
    doc["coverage"] = _facts_coverage(records, doc["services"], prepared).to_dict()
    return doc


def _facts_coverage(records: list, entries: list, prepared: Optional[tuple]):
    """Data coverage of the facts alone: what the bundled ITIL 4 pack's deciding rules
    would read, recorded by how many valid records (no rules run, so nothing blocks);
    ``entries``: the document's, which say which records are errors (duplicates too)."""
    probe = CoverageProbe(load_policy(Policy()).program)
    count = CoverageCount(probe.plan, judged=False)
    for raw, listed in zip(records, entries):
        fact, errors = validate(raw.data) if "errors" not in listed else (None, ())
        if fact is not None:
            count.add(probe.masks(ServiceResult(0, fact["id"], None, "", facts=fact, provenance=raw.provenance)))
    return count.result(fact_sources(*prepared) if prepared is not None else None)


def _prepared(inputs: Inputs) -> Optional[tuple]:
    """(Mapping, extra joins) when the inputs are raw exports read through a mapping."""
    if inputs.records is not None or (inputs.mapping is None and not inputs.joins):
        return None
    return prepare_mapping(inputs.mapping, inputs.joins)


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


def _mark_repeats(records: Iterable[RawRecord]) -> Iterator[RawRecord]:
    """Mark each record whose id an earlier record had: it is validated, not evaluated,
    and the run makes it a duplicate in input order (see _Accounting)."""
    seen = SeenIds()
    for raw in records:
        rid = record_id(raw)
        if rid is not None and not seen.add(rid):
            raw = replace(raw, repeat=True)
        yield raw


class _Accounting:
    """In input order: a record whose id an earlier record had, valid or not, becomes an error.

    Every record claims its id (DuplicateGuard); a repeat (see _mark_repeats)
    comes back unrendered, so its duplicate error joins its own errors. One
    that stands after all (the cheap look at its id was wrong) is finished here."""

    def __init__(self, spec: EvalSpec, render: Optional[Callable], record: Optional[Callable] = None):
        self.spec, self.render, self.record = spec, render, record
        self.guard = DuplicateGuard()
        self.evaluator = None

    def checked(self, outcome: Outcome) -> Outcome:
        if outcome.id is None and outcome.verdict != PENDING:
            return outcome
        probe = outcome.result if outcome.result is not None else \
            ServiceResult(outcome.position, outcome.id, outcome.name, outcome.verdict, source=outcome.source)
        duplicate = self.guard.check(probe)
        if duplicate is not None:
            return Outcome(duplicate.position, duplicate.id, duplicate.name, duplicate.source, ERROR, (),
                           result=duplicate)
        if outcome.verdict != PENDING:
            return outcome
        if self.evaluator is None:
            self.evaluator = self.spec.evaluator()
        return outcome_of(finish_pending(outcome.result, self.evaluator), self.render, self.evaluator, self.record)

    def close(self) -> None:
        self.evaluator = None  # the spec's evaluator stays with the process (EvalSpec.evaluator)


__all__ = ["Run", "run", "expanded", "read_inputs", "facts_document"]
