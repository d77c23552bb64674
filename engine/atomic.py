"""Write an output file all at once: a temporary file in the same directory,
renamed over the target only when complete, so an interrupted or failing run
never leaves a half-written report behind."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator, TextIO

from .errors import Location, UserError


@contextlib.contextmanager
def atomic_output(path: str) -> Iterator[TextIO]:
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise UserError(f"cannot write output: {err.strerror or err}", Location(file=str(path))) from None
    try:
        # mkstemp creates the file 0600; a report is meant to be shared like
        # any file the user writes, so give it the usual mode under the umask.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
