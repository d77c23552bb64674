"""The real CLI in a subprocess, for the hostile cases of issue 26 (and later ones).

``valuate(...)`` never accepts an internal error (exit 3) or a traceback;
``refused(...)`` is exit 2 with one ``valuate: error:`` line holding every fragment;
``snapshot(folder)`` is every file under a folder with its bytes, to show that a refused
run wrote nothing (no file changed, none added, no temporary file left).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import AS_OF

TIMEOUT = 60


def valuate(*args, cwd: Path, timeout: float = TIMEOUT, env=None, **kwargs) -> subprocess.CompletedProcess:
    environ = {**os.environ, **(env or {})}
    environ.pop("VALUATE_CONFIG", None)
    proc = subprocess.run([sys.executable, "-m", "valuate", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=environ, **kwargs)
    assert proc.returncode != 3, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    return proc


def refused(proc, *fragments) -> str:
    line = proc.stderr.strip()
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert line.count("\n") == 0 and line.startswith("valuate: error: "), line
    for fragment in fragments:
        assert fragment in line, line
    return line


def check(*args, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return valuate("check", *args, "--as-of", AS_OF, cwd=cwd, **kwargs)


def snapshot(folder: Path) -> dict:
    """relative path -> bytes (or the link target, for a symlink) of everything under ``folder``."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = path.read_bytes()
        else:
            out[rel] = "dir"
    return out
