"""Per service, which facts the deciding rules read it records: three bit masks.

Computed where the service is evaluated (a worker), so only three integers
travel back to the main process, which adds them up for the run's data
coverage table (explain/coverage.py).
"""
from __future__ import annotations

from ..model import INDETERMINATE, UNKNOWN, ServiceResult
from ..rules.language import Leaf, walk
from ..values import get


def deciding_paths(program) -> tuple:
    """(fact path, criterion) for every catalog fact a counting rule reads, in rule order.

    Derived facts count by their inputs, fact-dependent parameters by the
    facts their cases read."""
    derived = {out: d.inputs for p in program.packs for d in p.derived.values() for out in d.outputs}
    cases = {key: v.fact_paths() for pack, values in program.params.items() for name, v in values.items()
             if hasattr(v, "fact_paths") for key in (name, f"{pack}.{name}")}
    out: dict = {}
    for compiled in program.rules:
        rule = compiled.rule
        if not rule.deciding or rule.severity != "error":
            continue
        for node in (n for c in rule.conditions() for n in walk(c)):
            if not isinstance(node, Leaf):
                continue
            paths = list(node.fact_paths())
            if node.operand is not None and node.operand.kind == "param":
                paths += cases.get(node.operand.value, [])
            for path in paths:
                for fact in derived.get(path, (path,)):
                    out.setdefault(fact, rule.criterion)
    return tuple(out.items())


class CoverageProbe:
    def __init__(self, program):
        self.paths = deciding_paths(program)
        self.index = {path: i for i, (path, _) in enumerate(self.paths)}

    def masks(self, result: ServiceResult) -> tuple:
        """(recorded, read but empty, blocking) bits per deciding path, for a judged service."""
        if result.facts is None:
            return ()
        recorded = sum(1 << i for i, (path, _) in enumerate(self.paths) if get(result.facts, path) is not None)
        empty = 0
        for path, prov in (result.provenance or {}).items():
            if prov.unknown and path in self.index:
                empty |= 1 << self.index[path]
        blocking = 0
        if result.verdict == INDETERMINATE:
            for f in result.findings:
                if f.counts and f.status == UNKNOWN and not f.waived:
                    for m in f.missing:
                        if m in self.index:
                            blocking |= 1 << self.index[m]
        return recorded, empty, blocking
