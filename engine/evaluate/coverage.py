"""Per service, which facts the deciding rules read it records: bit masks.

Computed where the service is evaluated (a worker), so only a few integers
travel back to the main process, which adds them up for the run's data
coverage table (explain/coverage.py).

What a criterion needs of each fact it reads is worked out once, from its
rules' condition trees (rules/reach.py): a fact whose absence can leave the
criterion unknown while nothing else is missing is required (or, where the
criterion can still be met without it, one of several alternatives); a fact
it is decided without, like a recovery time compared only where both times
are given, is never needed. Per service, the probe records which facts an
unknown criterion actually waited for (its findings' missing facts), so
that a coverage sentence says a criterion waits for a fact only when some
verdict on it did.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import INDETERMINATE, UNKNOWN, ServiceResult
from ..rules.language import leaves
from ..rules.reach import Reads, need
from ..values import get


@dataclass(frozen=True)
class CoveragePlan:
    """The facts the counting rules read, and what each criterion needs of them."""

    paths: tuple  # (fact path, the first criterion reading it), in rule order
    needs: tuple  # (criterion, ((path index, REQUIRED | ALTERNATIVE | NEVER), ...)), in rule order

    @property
    def criteria(self) -> tuple:
        return tuple(c for c, _ in self.needs)


def coverage_plan(program) -> CoveragePlan:
    """Derived facts count by their inputs, fact-dependent parameters by the facts their
    cases read; a fact read by several criteria is needed by each in its own way."""
    reads = Reads.of(program.packs, program.params)
    by_criterion: dict = {}
    for compiled in program.rules:
        rule = compiled.rule
        if rule.deciding and rule.severity == "error":
            by_criterion.setdefault(rule.criterion, []).append(rule)
    paths: dict = {}
    read: dict = {}
    for criterion, rules in by_criterion.items():
        mine = read[criterion] = list(dict.fromkeys(p for r in rules for c in r.conditions()
                                                    for leaf in leaves(c) for p in reads.facts(leaf)))
        for path in mine:
            paths.setdefault(path, criterion)
    index = {p: i for i, p in enumerate(paths)}
    needs = tuple((criterion, tuple((index[p], need(by_criterion[criterion], p, reads)) for p in mine))
                  for criterion, mine in read.items())
    return CoveragePlan(tuple(paths.items()), needs)


class CoverageProbe:
    def __init__(self, program):
        self.plan = coverage_plan(program)
        self.paths = self.plan.paths
        self.index = {path: i for i, (path, _) in enumerate(self.paths)}
        self.criteria = {c: i for i, c in enumerate(self.plan.criteria)}

    def masks(self, result: ServiceResult) -> tuple:
        """(recorded, read but empty, blocking, waited for per criterion) bits per deciding
        path, for a judged service. Blocking: an indeterminate verdict waits for the fact;
        waited for: the criterion (in ``plan.criteria`` order) is unknown for lack of it."""
        if result.facts is None:
            return ()
        recorded = sum(1 << i for i, (path, _) in enumerate(self.paths) if get(result.facts, path) is not None)
        empty = 0
        for path, prov in (result.provenance or {}).items():
            if prov.unknown and path in self.index:
                empty |= 1 << self.index[path]
        blocking = 0
        waits = [0] * len(self.criteria)
        for f in result.findings:
            if not (f.counts and f.status == UNKNOWN and not f.waived):
                continue
            bits = sum(1 << self.index[m] for m in dict.fromkeys(f.missing) if m in self.index)
            at = self.criteria.get(f"{f.criterion}.{f.dimension}" if f.dimension else f.criterion)
            if at is not None:
                waits[at] |= bits
            if result.verdict == INDETERMINATE:
                blocking |= bits
        return recorded, empty, blocking, tuple(waits)
