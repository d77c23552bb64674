"""Write an output file all at once: a temporary file in the same directory,
renamed over the target only when complete, so an interrupted or failing run
never leaves a half-written report behind (after ``kill -9``, which no handler
sees, the next run writing the same target removes the dead writer's file).

The target is checked first, so that ``--output`` can only ever create or
replace a report:

- a symlink is written *through*: the file it points to is replaced (in its
  own directory) and the link stays a link;
- an existing target that is not a regular file (a FIFO, a device such as
  /dev/null, a directory) is refused: renaming over it would replace the
  node itself (as root, ``--output /dev/null`` would destroy the device);
- a target that is one of the run's inputs (the config file, a catalog, a
  mapping or join, a profile or what it extends, waivers, a rule file or
  any file inside a pack directory, the baseline, the compared report) is
  refused: the inputs are those the reading code noted (engine/reads.py),
  checked when the output is opened and again just before it is renamed
  into place, plus those the settings name.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import socket
import stat
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from .errors import Location, UserError
from .outdirs import make_parents
from .reads import RunInputs, current
from .yamlio import file_kind

# Errors of writing itself (full disk, quota, read-only or failing device):
# the environment's, reported as such, never as a bug in valuate.
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.ENXIO})


def resolve_target(path: str, inputs: Iterable[str] = ()) -> Path:
    """The regular file ``--output path`` will replace (symlinks followed), or a UserError."""
    where = Location(file=str(path))
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as err:  # a symlink loop, a path through a file...
        raise UserError(f"cannot write output: {err.strerror or err}", where) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UserError(f"cannot write output over {file_kind(info.st_mode)}: --output replaces regular "
                        "files only (write to standard output to feed a pipe or a device)", where)
    refuse_input(path, inputs)
    return target


def refuse_input(path: str, inputs: Iterable[str] = ()) -> None:
    """A UserError when writing ``path`` would replace one of the run's inputs: those this
    run has read so far (engine/reads.py), and ``inputs`` (what its settings name)."""
    named = RunInputs()
    for item in inputs:  # directories among them are noted by their readers, with what they read
        named.add(item)
    for known in (named, current()):
        holder = known.holder(path)
        if holder is None:
            continue
        if os.path.isdir(holder):
            raise UserError(f"an output may not be written inside {holder}, a folder this run reads "
                            "(a rule pack or a folder of catalogs: the next run would read it); "
                            "choose another file", Location(file=str(path)))
        raise UserError(f"the output would overwrite an input of this run ({holder}); choose another file",
                        Location(file=str(path)))


class PendingOutput:
    """One output being written to its temporary file; ``commit`` renames it into place."""

    def __init__(self, path: str, inputs: Iterable[str] = ()):
        self.shown, self.inputs = str(path), tuple(inputs)
        refuse_input(path, self.inputs)  # before a folder is made for it: inside a pack is refused
        make_parents(path)  # reports/valuate.sarif in a fresh checkout (engine/outdirs.py)
        self.target = resolve_target(path, self.inputs)
        directory = self.target.parent if str(self.target.parent) else Path(".")
        _sweep(directory, self.target.name)
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f"{_prefix(self.target.name)}{os.getpid()}.", suffix=".tmp",
                                            dir=directory)
        except OSError as err:
            raise UserError(f"cannot write output: {err.strerror or err}", Location(file=self.shown)) from None
        # mkstemp creates the file 0600; a report is meant to be shared like
        # any file the user writes, so give it the usual mode under the umask.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(self.tmp, 0o666 & ~mask)
        # File names that are not UTF-8 reach us as surrogate escapes (PEP 383);
        # they are written as \udcXX rather than stopping the report.
        self.fh: TextIO = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n")

    def close(self) -> None:
        """Flush and close the temporary file (a full disk fails here)."""
        try:
            self.fh.close()
        except OSError as err:
            self.discard()
            raise self._error(err) from None

    def check(self) -> None:
        """Once more, just before the rename: inputs read while the run went on count too."""
        resolve_target(self.shown, self.inputs)

    def commit(self) -> None:
        try:
            os.replace(self.tmp, self.target)
        except OSError as err:
            self.discard()
            raise self._error(err) from None

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self.tmp)

    def _error(self, err: OSError) -> BaseException:
        if err.errno in WRITE_ERRORS:
            return UserError(f"cannot write output: {err.strerror}", Location(file=self.shown))
        return err


@contextlib.contextmanager
def atomic_outputs(paths: Iterable[str], inputs: Iterable[str] = ()) -> Iterator[list]:
    """Open every output (each to a temporary file), yield their streams, and only when the
    whole run succeeded rename them all into place: first every one is closed and checked
    again, then all are renamed, so a refused output leaves every target as it was."""
    pending: list = []
    try:
        for path in paths:
            pending.append(PendingOutput(path, inputs))
        yield [p.fh for p in pending]
        for p in pending:
            p.close()
        for p in pending:
            p.check()
        for p in pending:
            p.commit()
    except OSError as err:
        for p in pending:
            p.discard()
        if err.errno in WRITE_ERRORS and pending:  # with none, it was standard output (cli.py says so)
            raise UserError(f"cannot write output: {err.strerror}",
                            Location(file=", ".join(p.shown for p in pending))) from None
        raise
    except BaseException:
        for p in pending:
            p.discard()
        raise


@contextlib.contextmanager
def atomic_output(path: str, inputs: Iterable[str] = ()) -> Iterator[TextIO]:
    """One output file, written atomically and never over an input (see ``atomic_outputs``)."""
    with atomic_outputs([path], inputs) as streams:
        yield streams[0]


# The temporary file's name carries the writer's host and pid, so that what a writer
# killed with SIGKILL left behind (no handler runs then) is removed by the next run
# writing the same target, and only if that writer is gone: a live writer's file, or
# one from another host sharing the directory, is never touched.
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "surrogateescape")).hexdigest()[:8]


def _prefix(name: str) -> str:
    return f".{name}.{_HOST}-"


def _sweep(directory: Path, name: str) -> None:
    prefix = _prefix(name)
    try:
        entries = [e for e in os.scandir(directory) if e.name.startswith(prefix) and e.name.endswith(".tmp")]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True
