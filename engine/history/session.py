"""``check --store``: what one run asks of its store, from its start to its commit.

At the start the store is opened for writing (a bad URL, an unreachable
server or a store from a newer valuate stop the run before any work), an
older store is migrated, ``--compare RUN`` becomes the stored run's snapshot
and the board's trend is read. While the run streams, ``recorder.add`` sees
every outcome (``form`` made most of it in the workers). After the reports
are written, ``commit`` records the run in one transaction; a failure then
(a full disk, the server gone) is kept for the caller to report, so the
reports the run wrote stay written.
"""
from __future__ import annotations

from typing import Optional

from ..errors import UserError
from .form import ServiceForm
from .names import is_run_name
from .record import Recorder
from .store import History, Store


class Recording:
    def __init__(self, given: str, compare: Optional[str] = None):
        store = Store.open(given, write=True)
        self.history = History(store)
        self.notes: list = list(store.notes)
        self.compare = None  # the stored run --compare names, as a compare.Snapshot
        self.compares = compare is not None and is_run_name(compare)
        if self.compares:
            self.compare = self.history.snapshot(compare)
            if self.compare is None:
                self.notes.append(f"--compare last: the store {store.shown} holds no run yet; this run is its "
                                  "first, so there is nothing to compare with")
        self.trend = self.history.board_trend()
        self.form = ServiceForm()
        self.recorder = Recorder(self.form)
        self.run_id: Optional[int] = None
        self.failure: Optional[UserError] = None

    @property
    def shown(self) -> str:
        return self.history.shown

    def commit(self, info, summary) -> None:
        """Record the run; a UserError is kept in ``failure`` (the reports are written already)."""
        try:
            if self.recorder.broken is not None:
                raise self.recorder.broken
            self.run_id = self.history.store.record(self.recorder, info, summary)
            self.notes.append(f"recorded run {self.run_id} (as of {info.as_of}) in {self.shown}")
        except UserError as err:
            self.failure = UserError(f"{err} (the reports were written; the run was not recorded)")
        except OSError as err:  # the temporary spool files (a full /tmp), or the SQLite file itself
            self.failure = UserError(f"cannot record the run in {self.shown}: {err.strerror or err} "
                                     "(the reports were written; the run was not recorded)")
        finally:
            self.recorder.close()
