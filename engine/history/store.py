"""A run store, opened for reading or writing: its schema checked, its errors in words.

    store = Store.open("sqlite:///reviews.db", write=True)
    run_id = store.record(recorder, info, summary)      # one transaction
    History(store).runs()                               # what commands ask (read.py, trend.py)

A store made by an older valuate is migrated when it is opened for writing
(``migrate.py``), and refused for reading until then (``valuate history
migrate`` upgrades it explicitly); a store made by a newer valuate is refused.
Every database error becomes a UserError naming the store, its URL's
password redacted.
"""
from __future__ import annotations

import contextlib
import os
from typing import Iterator, Optional

import sqlalchemy as sa

from ..errors import UserError, did_you_mean
from ..version import VERSION
from ..model import Trend
from . import db, maintain, migrate, read, trend
from .names import NotFound
from .schema import FIRST, SCHEMA, metadata, store_info
from .write import insert_runs

NOT_A_STORE = "it holds tables but is not a valuate run store (no valuate_store table); refusing to touch it"


class Store:
    def __init__(self, url: db.StoreUrl, engine, write: bool, exists: bool):
        self.url, self.engine, self.write, self.exists = url, engine, write, exists
        self.notes: list = []  # what opening it did (a migration), for the user

    @property
    def shown(self) -> str:
        return self.url.shown

    @staticmethod
    def open(given: str, write: bool = False) -> "Store":
        url = db.parse(given)
        db.check_file(url, write)
        exists = url.file is None or _has_content(url.file)
        store = Store(url, db.create_engine(url, write), write, exists)
        if exists:
            with store.guard("open"):
                store._check()
        return store

    @contextlib.contextmanager
    def guard(self, doing: str) -> Iterator[None]:
        """Database errors inside become one UserError naming the store and ``doing``."""
        try:
            yield
        except sa.exc.SQLAlchemyError as err:  # a driver's error (DBAPIError) among them
            raise db.failure(self.url, err, doing) from None

    @contextlib.contextmanager
    def connect(self, writing: bool = False) -> Iterator:
        """A transaction: ``writing``, with the store's write lock (BEGIN IMMEDIATE, the advisory
        lock) held to its end; otherwise a snapshot that never waits for a writer."""
        with self.engine.connect() as conn:
            if writing:
                conn.execution_options(**{db.WRITING: True})
            with conn.begin():
                yield conn

    def _check(self) -> None:
        with self.engine.connect() as conn:
            version = schema_version(conn, self.shown)
        if version is None:
            return
        if version > SCHEMA:
            raise UserError(f"the store {self.shown} has schema version {version}, made by a newer valuate "
                            f"(this valuate {VERSION} reads versions {FIRST} to {SCHEMA}); upgrade valuate to use it")
        if version < SCHEMA:
            if not self.write:
                raise UserError(f"the store {self.shown} has schema version {version}, older than this valuate's "
                                f"({SCHEMA}): run 'valuate history migrate --store {self.shown}' to upgrade it "
                                "(valuate versions that only know the old schema can then no longer use it)")
            self.migrate()

    def migrate(self) -> Optional[int]:
        """Bring the store to this valuate's schema; the version it had (None: it was already there)."""
        with self.guard("migrate"), self.connect(writing=True) as conn:
            version = schema_version(conn, self.shown)
            if version is None or version == SCHEMA:
                return None
            migrate.upgrade(conn, version)
            _set(conn, "schema", str(SCHEMA))
        self.notes.append(f"upgraded the store {self.shown} from schema version {version} to {SCHEMA}")
        return version

    def record(self, recorder, info, summary) -> int:
        """Record one run in one transaction; its id."""
        with self.guard("record the run in"), self.connect(writing=True) as conn:
            if schema_version(conn, self.shown) is None:
                create(conn)
            run_id = insert_runs(conn, recorder, info, summary)
        self.exists = True
        return run_id


def _has_content(path: str) -> bool:
    return os.path.exists(path) and os.path.getsize(path) > 0


def schema_version(conn, shown: str) -> Optional[int]:
    """The store's schema version; None for an empty database; a UserError for a database of something else."""
    names = set(sa.inspect(conn).get_table_names())
    if "valuate_store" not in names:
        if names:
            raise UserError(f"the store {shown}: {NOT_A_STORE}")
        return None
    value = conn.execute(sa.select(store_info.c.value).where(store_info.c.name == "schema")).scalar()
    if value is None or not str(value).isdigit():
        raise UserError(f"the store {shown}: its valuate_store table has no schema version (found {value!r})")
    return int(value)


def create(conn) -> None:
    metadata.create_all(conn)
    _set(conn, "schema", str(SCHEMA))
    _set(conn, "created_by", f"valuate {VERSION}")


def _set(conn, name: str, value: str) -> None:
    conn.execute(store_info.delete().where(store_info.c.name == name))
    conn.execute(store_info.insert().values(name=name, value=value))


class History:
    """What commands ask of a store, each in its own transaction (store.py's Store underneath)."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def shown(self) -> str:
        return self.store.shown

    @contextlib.contextmanager
    def _reading(self, doing: str = "read") -> Iterator:
        with self.store.guard(doing):
            if not self.store.exists:
                yield None
                return
            with self.store.connect() as conn:
                if schema_version(conn, self.shown) is None:
                    yield None
                else:
                    yield conn

    def runs(self, last: Optional[int] = None) -> list:
        with self._reading() as conn:
            return [] if conn is None else read.list_runs(conn, last)

    def run(self, name: str):
        with self._reading() as conn:
            if conn is None:
                raise UserError(read.EMPTY.format(shown=self.shown))
            return read.find_run(conn, name, self.shown)

    @contextlib.contextmanager
    def report(self, name: str) -> Iterator:
        """(LoadedRun, its results as they are decoded), inside one read transaction."""
        with self._reading() as conn:
            if conn is None:
                raise UserError(read.EMPTY.format(shown=self.shown))
            loaded = read.load_run(conn, read.find_run(conn, name, self.shown))
            yield loaded, loaded.results(conn)

    def snapshot(self, name: str):
        """The run ``name`` as --compare compares with it; None when the store holds no run yet
        and ``name`` is ``last`` (the first review has nothing to compare with)."""
        with self._reading() as conn:
            if conn is None or (name == "last" and not read.list_runs(conn, 1)):
                if name == "last":
                    return None
                raise UserError(read.EMPTY.format(shown=self.shown))
            return read.snapshot(conn, read.find_run(conn, name, self.shown), self.shown)

    def board_trend(self):
        with self._reading() as conn:
            return Trend(self.shown) if conn is None else trend.board_trend(conn, self.shown)

    def counts(self, last: Optional[int], criterion: Optional[str] = None) -> tuple:
        with self._reading() as conn:
            if conn is None:
                return (), []
            return trend.counts(conn, last, criterion)

    def timeline(self, service: str, last: Optional[int]) -> list:
        with self._reading() as conn:
            if conn is None:
                return []
            moments = trend.timeline(conn, service, last)
            if not moments:
                known = trend.known_services(conn)
                if service not in known:
                    raise NotFound(f"no service {service!r} in the store {self.shown}"
                                    f"{did_you_mean(service, known)}")
            return moments

    def prune(self, keep: Optional[int], before: Optional[str]) -> tuple:
        """(runs removed, findings no run refers to any more, removed)."""
        with self.store.guard("prune"), self.store.connect(writing=True) as conn:
            if schema_version(conn, self.shown) is None:
                return [], 0
            victims = maintain.doomed(conn, keep, before)
            return victims, maintain.prune(conn, victims)

    def export(self, out, names: tuple = ()) -> int:
        with self._reading() as conn:
            if conn is None:
                return 0
            chosen = [read.find_run(conn, n, self.shown) for n in names] if names else read.list_runs(conn)
            return maintain.export(conn, out, chosen)
