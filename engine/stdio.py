"""A catalog on standard input (``valuate check -``), read like any file.

Readers, digests and error messages all work on file names, and a run
reads its catalogs more than once (the input digest first, then the
records). So standard input is copied once, in blocks, to a private
temporary file, and every place that opens a catalog asks ``real_path``:
the name ``<stdin>`` shows in reports and messages, the copy is read.
Every reader of any input asks it too, which notes the file as one of the
run's inputs (engine/reads.py): no output of the run may replace it.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from typing import BinaryIO, Optional

from .reads import note

DASH = "-"  # what a user writes for standard input
STDIN = "<stdin>"  # how it is named in reports and messages
_copy: dict = {}


def is_stdin(path) -> bool:
    return str(path) in (DASH, STDIN)


def real_path(path) -> str:
    """The file to open for ``path``: the copy of standard input for ``<stdin>``, else ``path``
    (noted as an input of the run)."""
    if str(path) != STDIN or STDIN not in _copy:
        note(path)
        return str(path)
    return _copy[STDIN]


def spool(stream: Optional[BinaryIO] = None) -> str:
    """Copy standard input (or ``stream``) to a temporary file, removed at exit; from now on
    ``<stdin>`` reads that copy. Each run spools afresh (a library may run many times)."""
    stream = stream if stream is not None else sys.stdin.buffer
    fd, path = tempfile.mkstemp(prefix="valuate-stdin-")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    _copy[STDIN] = path
    atexit.register(_remove, path)
    return path


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
