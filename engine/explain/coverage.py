"""The data coverage of a run, in figures and in words.

For a catalog that is mostly indeterminate, listing the same missing facts
under every service tells nobody what to do. This says it once: for every
fact the deciding rules read, how many services record it, which export field
feeds it (or that the mapping has none), and how many verdicts it blocks; and
per criterion, in a sentence, what is never recorded and where it could come
from.
"""
from __future__ import annotations

from typing import Optional

from ..ingest.mapping.sources import NO_SOURCE, source_of
from ..model import Coverage, CoverageRow

class CoverageCount:
    """Adds up the probes' masks as outcomes arrive (main process)."""

    def __init__(self, paths: tuple):
        self.paths = paths
        self.services = 0
        self.recorded = [0] * len(paths)
        self.empty = [0] * len(paths)
        self.blocks = [0] * len(paths)

    def add(self, masks: tuple) -> None:
        if not masks:
            return
        self.services += 1
        for counts, mask in zip((self.recorded, self.empty, self.blocks), masks):
            i = 0
            while mask:
                if mask & 1:
                    counts[i] += 1
                mask >>= 1
                i += 1

    def result(self, sources: Optional[dict]) -> Coverage:
        rows = tuple(CoverageRow(path, criterion, self.recorded[i], self.empty[i], self.blocks[i],
                                 source_of(sources, path))
                     for i, (path, criterion) in enumerate(self.paths))
        return Coverage(self.services, rows, notes(rows, self.services, sources is not None))


def notes(rows: tuple, services: int, mapped: bool) -> tuple:
    """Per criterion with gaps, one sentence: what is never or partly recorded, and where from."""
    out = []
    for criterion in dict.fromkeys(r.criterion for r in rows):
        gaps = [r for r in rows if r.criterion == criterion and r.recorded < services]
        if not services or not gaps:
            continue
        state = "never recorded" if all(r.recorded == 0 for r in gaps) else "not recorded for every service"
        parts = [_said(r, services) for r in gaps if r.source != NO_SOURCE]
        unsourced = [r.path for r in gaps if r.source == NO_SOURCE]
        if unsourced:
            parts.append(f"no source in this mapping for {', '.join(unsourced)}: merge an export that has "
                         f"{'it' if len(unsourced) == 1 else 'them'} with {JOIN_HINT}")
        slo = [r.path for r in gaps if r.path in SLO_FACTS] if mapped else []  # joins need a mapping
        if slo:
            parts.append(f"SLO data records {', '.join(slo)}: --join sloth=FILE or --join openslo=FILE")
        blocked = max(r.blocks for r in gaps)
        if blocked:
            parts.append(f"{blocked} verdict{'s wait' if blocked != 1 else ' waits'} for it")
        out.append(f"{criterion.replace('warranty.', '')} is {state}: " + "; ".join(parts))
    return tuple(out)


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
