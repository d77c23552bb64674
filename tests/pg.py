"""A throwaway PostgreSQL cluster for the run store's tests: one per test session.

``initdb`` and ``pg_ctl`` from Debian's postgresql package (/usr/lib/postgresql/*/bin;
.ci/run installs it when missing) make a cluster in a temporary directory,
listening on a free port of 127.0.0.1 only, with password authentication for
TCP (so the tests see a real password, and that messages redact it). As
root the server runs as the ``postgres`` user: initdb refuses root. Each test
gets a database of its own (``database``). Where the binaries are absent the
tests that need the server skip, saying so.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Optional

import pytest

USER, PASSWORD = "valuate", "s3cret-Pw"
TIMEOUT = 60


def bindir() -> Optional[Path]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="valuate-pg-"))
        self.data, self.sockets = self.root / "data", self.root / "sockets"
        self.port = free_port()
        self.as_user = "postgres" if os.geteuid() == 0 else None
        self.started = False

    def _run(self, *args: str) -> None:
        done = subprocess.run([str(a) for a in args], user=self.as_user, capture_output=True, text=True,
                              timeout=TIMEOUT, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")

    def start(self) -> "Cluster":
        self.sockets.mkdir(parents=True)
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self.as_user:
            shutil.chown(self.root, self.as_user)
            shutil.chown(self.sockets, self.as_user)
            shutil.chown(pwfile, self.as_user)
        self._run(self.bin / "initdb", "-D", self.data, "-U", USER, "--pwfile", pwfile, "--auth-local=trust",
                  "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.sockets} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run(self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.root / "log", "-w", "-t", "60",
                  "start")
        self.started = True
        return self

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg
        with psycopg.connect(host="127.0.0.1", port=self.port, user=USER, password=PASSWORD, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        self.admin(f"CREATE DATABASE {name}")
        return name

    def stop(self) -> None:
        try:
            if self.started:
                self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def skip_reason() -> Optional[str]:
    if bindir() is None:
        return ("PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin: "
                "apt-get install postgresql (.ci/run does this)")
    if os.geteuid() == 0:
        try:
            import pwd
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user to run the server as (initdb refuses root)"
    return None


@pytest.fixture(scope="session")
def postgres():
    """The session's cluster (started on first use, stopped at the end)."""
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    cluster = Cluster(bindir())
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A fresh, empty store: an SQLite file, then a database of the session's PostgreSQL cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reviews.db'}"
    cluster = request.getfixturevalue("postgres")
    return cluster.url(cluster.database())
