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

from ..atomic import refuse_input
from ..compare import baseline_document, load_snapshot, snapshot_of
from ..compare.files import BASELINE_KEY
from ..errors import Location, UserError
from ..model import Summary
from ..pipeline import run
from ..reads import unnoted
from ..request import RunRequest


def create_baseline(request: RunRequest, previous: Optional[str] = None,
                    include_advisory: bool = False) -> tuple[dict, Summary, int]:
    """(the baseline document, the run's summary, how many advisory findings were left out);
    ``previous``: an older baseline to date entries by. Advisory findings (they never fail a
    job) are held only with ``include_advisory``; the file says which (``advisory``), so a
    check against it does not call every advisory finding new."""
    current = run(request)  # the policy read, and the catalogs noted: the inputs
    if previous is not None:
        refuse_input(previous)  # before reading it as an older baseline: it may be a catalog
    older = _older(previous)
    older = older.renamed(current.policy.renames()) if older is not None else None
    snapshot = snapshot_of(current.results(), current.info.as_of)
    left_out = 0
    if not include_advisory:
        counting = snapshot.counting()
        left_out = sum(1 for m in snapshot.findings() if not m.waived) - sum(1 for m in counting.findings()
                                                                             if not m.waived)
        snapshot = counting
    return baseline_document(snapshot, current.info, older), current.summary, left_out


def _older(path: Optional[str]):
    """The baseline about to be replaced, if there is one; anything else there is not overwritten."""
    if path is None or not Path(path).exists():
        return None
    with unnoted():  # the file this command updates: it may replace it (and nothing else)
        snapshot = load_snapshot(path)
    if snapshot.kind != "baseline":
        raise UserError(f"exists and is not a valuate baseline (no '{BASELINE_KEY}' key); "
                        "remove it or name another file with -o", Location(file=path))
    return snapshot
