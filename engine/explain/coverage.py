"""The data coverage of a run, in figures and in words.

For a catalog that is mostly indeterminate, listing the same missing facts
under every service tells nobody what to do. This says it once: for every
fact the deciding rules read, how many services record it, which export field
feeds it (or that the mapping has none), and how many verdicts it blocks; and
per criterion, in a sentence, what it waits for and where that could come
from.

A sentence says a criterion waits for a fact only when some verdict on the
criterion was unknown for lack of it. A fact the criterion can be decided
without (one of several alternatives, or a value compared only where it is
given) is listed as optional, never as something the criterion lacks
(evaluate/coverage.py works out which is which from the condition trees).
"""
from __future__ import annotations

from typing import Optional

from ..ingest.mapping.sources import NO_SOURCE, source_of
from ..model import Coverage, CoverageRow
from ..rules.reach import ALTERNATIVE, NEVER, REQUIRED


class CoverageCount:
    """Adds up the probes' masks as outcomes arrive (main process). ``plan``: the
    CoveragePlan the probes share; ``judged``: rules ran (else nothing can wait)."""

    def __init__(self, plan, judged: bool = True):
        self.plan = plan
        self.paths = plan.paths
        self.judged = judged
        self.services = 0
        self.recorded = [0] * len(self.paths)
        self.empty = [0] * len(self.paths)
        self.blocks = [0] * len(self.paths)
        self.waits = [[0] * len(self.paths) for _ in plan.criteria]
        self.waiting = [0] * len(plan.criteria)  # services whose criterion waits for some fact

    def add(self, masks: tuple) -> None:
        if not masks:
            return
        self.services += 1
        recorded, empty, blocks, waits = masks
        for counts, mask in zip((self.recorded, self.empty, self.blocks), (recorded, empty, blocks)):
            _count(counts, mask)
        for c, mask in enumerate(waits):
            if mask:
                self.waiting[c] += 1
                _count(self.waits[c], mask)

    def result(self, sources: Optional[dict]) -> Coverage:
        rows = tuple(CoverageRow(path, criterion, self.recorded[i], self.empty[i], self.blocks[i],
                                 source_of(sources, path))
                     for i, (path, criterion) in enumerate(self.paths))
        return Coverage(self.services, rows, self.notes(rows, sources is not None))

    def notes(self, rows: tuple, mapped: bool) -> tuple:
        """Per criterion with gaps, one sentence: what it waits for, what is optional, and where from."""
        out = []
        for c, (criterion, needs) in enumerate(self.plan.needs):
            gaps = [(rows[i], kind, self.waits[c][i]) for i, kind in needs if rows[i].recorded < self.services]
            if not self.services or not gaps:
                continue
            name = criterion.replace("warranty.", "")
            if self.judged:
                out.append(_judged(name, gaps, self.waiting[c], self.services, mapped))
            else:
                out.append(_unjudged(name, gaps, [rows[i] for i, kind in needs if kind != NEVER],
                                     self.services, mapped))
        return tuple(out)


def _count(counts: list, mask: int) -> None:
    i = 0
    while mask:
        if mask & 1:
            counts[i] += 1
        mask >>= 1
        i += 1


def _judged(name: str, gaps: list, waiting: int, services: int, mapped: bool) -> str:
    """What the verdicts on one criterion waited for: only facts some verdict lacked."""
    waited = [(r, n) for r, _, n in gaps if n]
    idle = [r for r, kind, n in gaps if not n and kind == REQUIRED]
    if waited:
        text = (f"{name} waits for data in {waiting} of {services} service{'s' * (services != 1)}: "
                + _listed([r for r, _ in waited], services, mapped, dict((r.path, n) for r, n in waited)))
    else:
        text = f"{name} waits for no data"
    text += _optional(gaps, services, mapped)
    if idle:
        text += "; also read, not recorded for every service: " + _listed(idle, services, mapped)
    return text


def _unjudged(name: str, gaps: list, needed: list, services: int, mapped: bool) -> str:
    """Facts alone (no rules ran): what is lacking, by what the criterion needs of it."""
    required = [r for r, kind, _ in gaps if kind == REQUIRED]
    if needed and all(r.recorded == 0 for r in needed):  # nothing it could be judged on
        text = f"{name} is never recorded: " + _listed([r for r, k, _ in gaps if k != NEVER], services, mapped)
        rest = [g for g in gaps if g[1] == NEVER]
    elif required:
        text = f"{name} is not recorded for every service: " + _listed(required, services, mapped)
        rest = [g for g in gaps if g[1] != REQUIRED]
    else:
        text, rest = f"{name} lacks optional data only", gaps
    return text + _optional(rest, services, mapped)


def _optional(gaps: list, services: int, mapped: bool) -> str:
    """Gaps in facts the criterion can be decided without, that no verdict waited for."""
    out = ""
    for kind, what in ((ALTERNATIVE, "optional, one of alternatives"), (NEVER, "optional, read only where given")):
        rows = [r for r, k, n in gaps if k == kind and not n]
        if rows:
            out += f"; {what}: " + _listed(rows, services, mapped)
    return out


def _listed(gaps: list, services: int, mapped: bool, waits: Optional[dict] = None) -> str:
    """The facts with their counts (and export fields), the unmapped ones with a join hint."""
    waits = waits or {}
    parts = [_said(r, services) + _waits(waits.get(r.path, 0)) for r in gaps if r.source != NO_SOURCE]
    unsourced = [r.path for r in gaps if r.source == NO_SOURCE]
    if unsourced:
        parts.append(f"no source in this mapping for {', '.join(unsourced)}: merge an export that has "
                     f"{'it' if len(unsourced) == 1 else 'them'} with {JOIN_HINT}")
    slo = [r.path for r in gaps if r.path in SLO_FACTS] if mapped else []  # joins need a mapping
    if slo:
        parts.append(f"SLO data records {', '.join(slo)}: --join sloth=FILE or --join openslo=FILE")
    return "; ".join(parts)


def _waits(n: int) -> str:
    return f" ({n} wait{'s' if n == 1 else ''} for it)" if n else ""


JOIN_HINT = "--join MAPPING=FILE"
# What the shipped SLO presets (sloth, openslo) record. The hint names them only
# for these facts: an SLO file says nothing of capacity, security or continuity,
# nor of measured availability. A test keeps this in step with the presets.
SLO_FACTS = frozenset({"warranty.availability.target"})


def _said(row: CoverageRow, services: int) -> str:
    if row.source is None:  # a canonical catalog: no export field to name
        return f"{row.path} recorded by {row.recorded} of {services}"
    field = row.source.replace("export fields ", "").replace("export field ", "")
    missing = services - row.recorded - row.empty
    if row.empty:
        return f"{field} is empty in {row.empty} of {services}" + (f" and missing in {missing}" if missing else "")
    return f"{row.path} recorded by {row.recorded} of {services} (from {row.source})"
