"""The server's own files: never named in a response, never written over.

A client learns nothing about the server's file system from an answer: every
path of a file the server read (rule packs, profile layers, waivers, mappings,
joined exports, its temporary files) is shown by its own name alone, and any
other absolute path left in an error message is cut to its last part.

An output the server writes (the decision log) may not be one of its inputs,
by any spelling (a symlink, a relative or absolute path, a hard link), nor lie
inside a rule pack directory.
"""
from __future__ import annotations

import json
import os
import re
from typing import Iterable, Optional

from ..errors import Location, UserError

# an absolute path's directories (not after a word, a scheme's '//', or another path)
_ABSOLUTE = re.compile(r"(?<![\w.~:/\\-])/(?:[^\s/:'\"(),;<>\[\]{}]+/)+(?=[^\s/])")


class Redactor:
    """Replaces the server's paths by their shown names, longest first."""

    def __init__(self, pairs: Iterable[tuple]):
        kept = {}
        for full, shown in pairs:
            if len(full) > 1:  # never "/" itself
                kept.setdefault(full, shown)
        self.pairs = tuple(sorted(kept.items(), key=lambda p: -len(p[0])))

    def text(self, text: str) -> str:
        """``text`` (a service object, a document) with the known paths replaced."""
        for full, shown in self.pairs:
            if full in text:
                text = text.replace(full, shown)
        return text

    def message(self, text: str) -> str:
        """An error message: the known paths replaced, and any other absolute one cut short."""
        return _ABSOLUTE.sub("", self.text(text))

    def __add__(self, other: "Redactor") -> "Redactor":
        return Redactor(self.pairs + other.pairs)


def shown_as(roots: Iterable[Optional[str]]) -> Redactor:
    """Each root (a file or a directory the server reads) shown by its own name, whatever
    spelling reaches it (absolute, resolved through symlinks) and as JSON writes it."""
    pairs = []
    for root in roots:
        if not root:
            continue
        name = os.path.basename(os.path.normpath(str(root))) or str(root)
        for full in {os.path.abspath(str(root)), os.path.realpath(str(root))}:
            for spelling, shown in ((full, name), (json.dumps(full)[1:-1], json.dumps(name)[1:-1]),
                                    (json.dumps(full, ensure_ascii=True)[1:-1], json.dumps(name)[1:-1])):
                pairs.append((spelling, shown))
    return Redactor(pairs)


def refuse_as_output(output: str, inputs: Iterable[str], option: str) -> None:
    """A UserError when ``output`` is one of ``inputs`` or inside an input directory."""
    target = os.path.realpath(output)
    try:
        info = os.stat(target)
    except OSError:
        info = None
    for item in inputs:
        if not item:
            continue
        real = os.path.realpath(str(item))
        try:
            other = os.stat(real)
        except OSError:
            continue
        if os.path.isdir(real):
            same = os.path.commonpath([target, real]) == real
        else:
            same = target == real or (info is not None and (info.st_dev, info.st_ino) == (other.st_dev, other.st_ino))
        if same:
            raise UserError(f"{option} would write into one of this server's inputs ({item}); "
                            "choose a file outside the rule packs, profile, waivers and mappings",
                            Location(file=str(output)))
