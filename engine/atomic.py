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
- a target that is one of the run's inputs (the catalog, a mapping, a
  profile, a rule file...) is refused.
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
    if info is not None:
        for item in inputs:
            if _same_or_inside(target, info, str(item)):
                raise UserError(f"--output would overwrite an input of this run ({item}); choose another file",
                                where)
    return target


def _same_or_inside(target: Path, info: os.stat_result, item: str) -> bool:
    try:
        other = os.stat(item)
    except OSError:
        return False
    if stat.S_ISDIR(other.st_mode):  # a rule pack directory: none of its files
        inside = os.path.realpath(target)
        return os.path.commonpath([inside, os.path.realpath(item)]) == os.path.realpath(item)
    return (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino)


@contextlib.contextmanager
def atomic_output(path: str, inputs: Iterable[str] = ()) -> Iterator[TextIO]:
    shown = Location(file=str(path))
    make_parents(path)  # reports/valuate.sarif in a fresh checkout (engine/outdirs.py)
    target = resolve_target(path, inputs)
    directory = target.parent if str(target.parent) else Path(".")
    _sweep(directory, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{_prefix(target.name)}{os.getpid()}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise UserError(f"cannot write output: {err.strerror or err}", shown) from None
    try:
        # mkstemp creates the file 0600; a report is meant to be shared like
        # any file the user writes, so give it the usual mode under the umask.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        # File names that are not UTF-8 reach us as surrogate escapes (PEP 383);
        # they are written as \udcXX rather than stopping the report.
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as fh:
            yield fh
        os.replace(tmp, target)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if err.errno in WRITE_ERRORS:
            raise UserError(f"cannot write output: {err.strerror}", shown) from None
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
