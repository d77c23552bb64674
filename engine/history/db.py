"""Opening a run store: the URL read and checked, one SQLAlchemy engine, errors in words.

SQLite (the embedded default: one file, nothing to set up) runs in WAL mode,
so readers never wait for a writer, with a busy timeout, so a second writer
waits for the first instead of failing; a writing transaction starts with
``BEGIN IMMEDIATE`` (it takes the write lock at once, so two writers queue
up rather than both reading and then one failing to upgrade); a reading one,
even a writer's, with a plain ``BEGIN``. PostgreSQL is
reached through psycopg 3; writers serialise on a transaction-scoped advisory
lock, readers use REPEATABLE READ (one snapshot across their queries) and a
read-only session. Every message that shows the URL shows it with the
password replaced by ``***``.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url

from ..errors import UserError
from .names import sqlite_file

BUSY_TIMEOUT_S = 60.0  # how long a writer waits for another writer's transaction (SQLite)
CONNECT_TIMEOUT_S = 10  # how long to wait for a PostgreSQL server to answer
WRITE_LOCK = 0x76616C7561746531  # PostgreSQL advisory lock key of the writers ("valuate1")
WRITING = "valuate_writing"  # the execution option a writing transaction is begun with (Store.connect)
PRAGMAS = ("PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON")
KINDS = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql",
         "postgresql+psycopg": "postgresql"}


@dataclass(frozen=True)
class StoreUrl:
    """A store's address: ``kind`` sqlite | postgresql, the URL SQLAlchemy connects to, and
    ``shown``: the URL as messages and reports print it (password redacted)."""

    kind: str
    url: URL
    shown: str
    file: Optional[str] = None  # the SQLite file


def redact(text: str) -> str:
    """``text`` with the password of any URL in it replaced by ``***``."""
    return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


def parse(given: str) -> StoreUrl:
    """The store ``given`` names (a URL, or an SQLite file name), or a UserError saying why not."""
    text = given.strip()
    if not text:
        raise UserError("--store is empty: give sqlite:///FILE or postgresql://USER@HOST/DB")
    file = sqlite_file(text)
    if file is not None and not text.startswith("sqlite:"):
        text = "sqlite:///" + file
    try:
        url = make_url(text)
    except (sa.exc.ArgumentError, ValueError) as err:
        raise UserError(f"--store {redact(given)!r} is not a store URL ({err}); give sqlite:///FILE or "
                        "postgresql://USER:PASSWORD@HOST:PORT/DB") from None
    kind = KINDS.get(url.drivername)
    if kind is None:
        raise UserError(f"--store {redact(given)!r}: {url.drivername!r} stores are not supported; "
                        "give sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/DB")
    if kind == "sqlite":
        if not url.database or url.database == ":memory:":
            raise UserError(f"--store {given!r}: an SQLite store needs a file (sqlite:///reviews.db)")
        return StoreUrl(kind, url, url.render_as_string(hide_password=True), url.database)
    if not url.database:
        raise UserError(f"--store {redact(given)!r}: name the database (postgresql://USER@HOST/DB)")
    url = url.set(drivername="postgresql+psycopg")
    return StoreUrl(kind, url, redact(url.set(drivername="postgresql").render_as_string(hide_password=True)))


def create_engine(store: StoreUrl, write: bool) -> Engine:
    """An engine for ``store``; nothing is connected yet. ``write=False``: read-only sessions."""
    if store.kind == "sqlite":
        return _sqlite(store, write)
    args = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "valuate"}
    if not write:
        args["options"] = "-c default_transaction_read_only=on"
    engine = sa.create_engine(store.url, connect_args=args, poolclass=sa.pool.NullPool,
                              isolation_level="READ COMMITTED" if write else "REPEATABLE READ")
    if write:
        @event.listens_for(engine, "begin")
        def _lock(conn):  # one writer at a time: the run's id and "failing since" follow the last run
            if conn.get_execution_options().get(WRITING):
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")
    return engine


def _sqlite(store: StoreUrl, write: bool) -> Engine:
    path = store.file
    if write:
        url = store.url
    else:  # read-only: the file is never created or changed (file: URI, mode=ro)
        url = sa.engine.URL.create("sqlite", database=f"file:{_uri_path(path)}?mode=ro",
                                   query={"uri": "true"})
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S}, poolclass=sa.pool.NullPool)

    @event.listens_for(engine, "connect")
    def _connect(dbapi, record):
        dbapi.isolation_level = None  # SQLAlchemy's begin event below decides how a transaction starts
        cursor = dbapi.cursor()
        for pragma in PRAGMAS if write else ("PRAGMA query_only = ON",):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # a writing transaction takes the write lock at once; a reader a snapshot
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITING) else "BEGIN")
    return engine


def _uri_path(path: str) -> str:
    return quote(os.path.abspath(path))


def check_file(store: StoreUrl, write: bool) -> None:
    """An SQLite store's file: read commands need it to exist, writers need its folder."""
    path = store.file
    if path is None:
        return
    if os.path.isdir(path):
        raise UserError(f"--store {store.shown}: {path} is a directory, not a store file")
    if not write and not os.path.exists(path):
        raise UserError(f"--store {store.shown}: no store at {path} (nothing has been recorded there yet; "
                        f"valuate check --store {store.shown} ... records the first run)")
    folder = os.path.dirname(os.path.abspath(path))
    if write and not os.path.isdir(folder):
        raise UserError(f"--store {store.shown}: cannot create {path}: no folder {folder}")


def failure(store: StoreUrl, err: Exception, doing: str) -> UserError:
    """A database error as one line naming the store (password redacted) and what was being done."""
    orig = getattr(err, "orig", None) or err
    text = " ".join(str(orig).split()) or type(orig).__name__
    password = store.url.password
    if password and len(str(password)) >= 3:
        text = text.replace(str(password), "***")
    if "file is not a database" in text:
        text = f"{store.file} is not an SQLite database"
    elif "database or disk is full" in text:
        text = "the disk is full (database or disk is full)"
    return UserError(f"cannot {doing} the store {store.shown}: {redact(text)}")
