"""Digests of everything a report depends on, so that a report says what produced it.

The same rules, profile, waivers, facts, evaluation date and tool version
give the same digests and a byte-identical JSON report.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable, Optional

from ..stdio import real_path


def file_digest(paths: Iterable[str]) -> Optional[str]:
    """sha256 over the contents of the files, in order (names do not count)."""
    paths = list(paths)
    if not paths:
        return None
    h = hashlib.sha256()
    for path in paths:
        p = Path(real_path(path))
        if not p.is_file():
            return None  # an unreadable catalog is reported by the reader, with its name
        with open(p, "rb") as fh:  # in blocks: a catalog may be gigabytes
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        h.update(b"\0")
    return "sha256:" + h.hexdigest()


def input_digests(rules: str, profile: Optional[str], waivers: Optional[str], facts: Optional[str],
                  as_of: str, version: str) -> tuple:
    """((input, digest), ...) for RunInfo.digests; ``digest`` covers them all."""
    parts = (("rules", rules), ("profile", profile), ("waivers", waivers), ("facts", facts))
    h = hashlib.sha256()
    for name, value in parts + (("as_of", as_of), ("version", version)):
        h.update(f"{name}={value or ''}\n".encode())
    return parts + (("digest", "sha256:" + h.hexdigest()),)
