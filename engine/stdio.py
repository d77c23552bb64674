"""A catalog on standard input (``valuate check -``), read like any file.

Readers, digests and error messages all work on file names, and a run
reads its catalogs more than once (the input digest first, then the
records). So standard input is copied once, in blocks, to a private
temporary file, and every place that opens a catalog asks ``real_path``:
the name shows in reports and messages, the copy is read. The name is
``<stdin>``, or the file the input really is (``--stdin-filename
catalog.yaml``, as ruff and eslint have it), so that every report points at
the real file and line, and its extension tells the format.
Every reader of any input asks it too, which notes the file as one of the
run's inputs (engine/reads.py): no output of the run may replace it.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from typing import BinaryIO, Iterable, Optional

from .reads import note

DASH = "-"  # what a user writes for standard input
STDIN = "<stdin>"  # how it is named in reports and messages, unless --stdin-filename names it
_copy: dict = {}  # the name standard input goes by in this run -> its spooled copy


def is_stdin(path) -> bool:
    return str(path) in (DASH, STDIN) or str(path) in _copy


def real_path(path) -> str:
    """The file to open for ``path``: the copy of standard input for its name, else ``path``
    (noted as an input of the run)."""
    if str(path) not in _copy:
        note(path)
        return str(path)
    return _copy[str(path)]


def spool(stream: Optional[BinaryIO] = None, name: str = STDIN) -> str:
    """Copy standard input (or ``stream``) to a temporary file, removed at exit; from now on
    ``name`` reads that copy. Each run spools afresh (a library may run many times)."""
    stream = stream if stream is not None else sys.stdin.buffer
    fd, path = tempfile.mkstemp(prefix="valuate-stdin-")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    _copy.clear()
    _copy[name] = path
    atexit.register(_remove, path)
    return path


def keep_only(names: Iterable[str]) -> None:
    """Forget standard input's name unless this run reads it: an earlier run's
    ``--stdin-filename catalog.yaml`` must not stand for the real catalog.yaml later."""
    wanted = set(map(str, names))
    for name in [n for n in _copy if n not in wanted]:
        del _copy[name]


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
