"""``valuate baseline create``: record what a catalog fails on today, to fail only on what is new.

The baseline is written from one ordinary run (engine/pipeline) reduced to
its open findings (engine/compare): each not-met or unknown finding that no
active waiver covers (a waived one is left out, so it is new once the waiver
ends), and each invalid record, by service id and rule id with a
fingerprint of its evidence. Re-creating a baseline over an older one keeps
the date each entry was first seen (``since``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..compare import baseline_document, load_snapshot, snapshot_of
from ..compare.files import BASELINE_KEY
from ..errors import Location, UserError
from ..model import Summary
from ..pipeline import run
from ..request import RunRequest


def create_baseline(request: RunRequest, previous: Optional[str] = None) -> tuple[dict, Summary]:
    """(the baseline document, the run's summary); ``previous``: an older baseline to date entries by."""
    current = run(request)
    older = _older(previous)
    older = older.renamed(current.policy.renames()) if older is not None else None
    snapshot = snapshot_of(current.results(), current.info.as_of)
    return baseline_document(snapshot, current.info, older), current.summary


def _older(path: Optional[str]):
    """The baseline about to be replaced, if there is one; anything else there is not overwritten."""
    if path is None or not Path(path).exists():
        return None
    snapshot = load_snapshot(path)
    if snapshot.kind != "baseline":
        raise UserError(f"exists and is not a valuate baseline (no '{BASELINE_KEY}' key); "
                        "remove it or name another file with -o", Location(file=path))
    return snapshot
