"""The inputs of this run: every file it reads, which no output of the run may replace.

    with run_inputs():                # one command, one run (the CLI opens it around each)
        note("valuate.toml")          # each reader, as it opens a file
        ...
        refused = current().holder("report.json")   # the output writer (engine/atomic.py)

Readers note what they open: ``stdio.real_path``, which every reader asks for
the file to open, notes it, so an input added later is covered by
construction. The file is known by its resolved path (symlinks followed, ``.``
and ``..`` gone) and, when it exists, by device and inode, so a hard link or
another spelling is the same file. A directory noted by the code that reads
it (a rule pack, a folder of catalogs) holds every file under it with the
suffixes that reader takes: a file written there would be read by the next
run as a rule or a catalog (a report.html beside the catalogs would not).

Scopes nest: a run inside a command's scope adds to it. Outside any scope
nothing is kept (a server reads many requests; it checks its own outputs).
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import stat
from dataclasses import dataclass, field
from typing import Iterator, Optional


def resolved(path) -> str:
    """``path`` with every symlink followed, also when the file itself does not exist yet."""
    return os.path.realpath(os.fspath(path))


def identity(path) -> Optional[tuple]:
    """(device, inode) of the file ``path`` names (symlinks followed), None if there is none."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino)


@dataclass
class RunInputs:
    """The files and directories one run reads, each with the name it was given as."""

    files: dict = field(default_factory=dict)  # resolved path -> name as given
    ids: dict = field(default_factory=dict)  # (device, inode) -> name as given
    trees: dict = field(default_factory=dict)  # resolved directory -> (name as given, suffixes read)

    def add(self, path, suffixes: tuple = ()) -> None:
        """Note ``path``; a directory holds the files under it ending in ``suffixes``
        (a directory noted without them is not an input by itself)."""
        name = os.fspath(path)
        if name in ("", "-"):
            return
        real = resolved(name)
        try:
            info = os.stat(real)
        except (OSError, ValueError):
            self.files.setdefault(real, name)  # read later, or probed and missing
            return
        if stat.S_ISDIR(info.st_mode):
            if suffixes:
                self.trees.setdefault(real, (name, tuple(x.lower() for x in suffixes)))
            return
        self.files.setdefault(real, name)
        self.ids.setdefault((info.st_dev, info.st_ino), name)

    def watched(self) -> list:
        """What ``--watch`` watches: every file and folder noted (their resolved paths)."""
        return sorted(set(self.files) | set(self.trees))

    def holder(self, target) -> Optional[str]:
        """The input (as it was named) that writing ``target`` would replace or add to, if any."""
        real = resolved(target)
        if real in self.files:
            return self.files[real]
        found = identity(real)
        if found is not None and found in self.ids:
            return self.ids[found]
        for tree, (name, suffixes) in self.trees.items():
            if real.startswith(tree.rstrip(os.sep) + os.sep) and real.lower().endswith(suffixes):
                return name
        return None


_CURRENT: contextvars.ContextVar = contextvars.ContextVar("valuate_run_inputs", default=None)


@contextlib.contextmanager
def run_inputs() -> Iterator[RunInputs]:
    """The scope of one run: files noted inside it are its inputs. Nested scopes share one set."""
    active = _CURRENT.get()
    if active is not None:
        yield active
        return
    token = _CURRENT.set(RunInputs())
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def note(path, suffixes: tuple = ()) -> None:
    """``path`` is read by this run (nothing happens outside a run's scope); a directory
    with every file under it that ends in one of ``suffixes``."""
    active = _CURRENT.get()
    if active is not None and path is not None:
        active.add(path, suffixes)


def current() -> RunInputs:
    """This run's inputs (an empty set outside any scope)."""
    active = _CURRENT.get()
    return active if active is not None else RunInputs()


@contextlib.contextmanager
def unnoted() -> Iterator[None]:
    """Reads that are not inputs: the earlier version of the file a command is meant to
    update (``baseline create`` reads the baseline it replaces, for its dates)."""
    token = _CURRENT.set(None)
    try:
        yield
    finally:
        _CURRENT.reset(token)


__all__ = ["RunInputs", "run_inputs", "note", "current", "unnoted", "resolved", "identity"]
