"""The run store: every ``check --store`` run recorded, and the history read back.

    recording = Recording("sqlite:///reviews.db", compare="last")   # check --store
    ...the run streams: recording.recorder.add(outcome)...
    recording.commit(info, summary)                                 # one transaction

    history = open_history("sqlite:///reviews.db")                 # read-only
    history.runs()            # StoredRun per recorded run, oldest first
    with history.report("last") as (loaded, results): ...        # a run's report rebuilt
    history.counts(12), history.timeline("crm", 12)               # trends
    history.prune(keep=24, before=None), history.export(out)

SQLite (one file, the default) or PostgreSQL, through SQLAlchemy Core; see
schema.py for the tables, codec.py for how a run's records are kept so that
``history show`` renders them byte for byte as ``check`` did. Importing this
package costs nothing: SQLAlchemy is imported when a store is opened.
"""
from __future__ import annotations

from .names import RUN_NAMES, SCHEMA, NotFound, is_run_name, run_name, sqlite_file


def parse_store(given: str):
    """``given`` read as a store URL (a UserError when it is not one); nothing is connected."""
    from .db import parse
    return parse(given)


def open_history(given: str, write: bool = False):
    """The store at ``given`` (a URL or an SQLite file), as a ``store.History``."""
    from .store import History, Store
    return History(Store.open(given, write))


def recording(given: str, compare=None):
    """``check --store``: the store opened for writing, ``--compare RUN`` resolved, the trend read."""
    from .session import Recording
    return Recording(given, compare)


__all__ = ["RUN_NAMES", "SCHEMA", "NotFound", "is_run_name", "run_name", "sqlite_file", "parse_store", "open_history",
           "recording"]
