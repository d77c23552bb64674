"""``--watch``: run a command again whenever a file it reads changes.

File events come from watchfiles (a small, maintained wrapper around the
Rust ``notify`` crate, with wheels for every supported Python): it debounces
an editor's burst of writes into one batch and falls back to polling where
the platform has no events, which a hand-written polling loop would do worse.
It is imported only when ``--watch`` is given, so ordinary runs start as fast
as before. The loop takes any iterator of change batches, so it is tested
without touching the file system or sleeping.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Optional


def watch_and_run(paths: list, once: Callable[[], int], say: Callable[[str], None],
                  changes: Optional[Iterable] = None) -> int:
    """Run ``once`` now and after every batch of changes; return the last run's exit code.

    Ctrl-C ends the watch (it is how one stops it), not as an interruption."""
    code = once()
    try:
        for batch in changes if changes is not None else file_changes(paths):
            names = sorted({Path(p).name for _, p in batch})
            say(f"valuate: changed: {', '.join(names)}; running again")
            code = once()
    except KeyboardInterrupt:
        pass
    say("valuate: stopped watching")
    return code


def file_changes(paths: list, **options) -> Iterable:
    """Batches of (change, path) for ``paths`` (files or directories that exist)."""
    from watchfiles import watch  # only --watch needs it

    existing = sorted({str(Path(p)) for p in paths if Path(p).exists()})
    if not existing:
        return iter(())
    # raise_interrupt: Ctrl-C comes to watch_and_run as KeyboardInterrupt, which ends the
    # watch quietly; with False, watchfiles would log "KeyboardInterrupt caught, stopping
    # watch" itself, a stray line on standard error.
    return watch(*existing, raise_interrupt=True, **options)


__all__ = ["watch_and_run", "file_changes"]
