"""JSON decoding that does not lose data silently.

Python's json keeps the last of two equal keys in an object and drops the
first without a word. valuate decodes objects through a hook that keeps them
as plain dicts, except that an object with a repeated key becomes a
``KeyedTwice`` dict naming the keys; validation turns that into an error on
the record ("duplicate key ..."), so nothing is lost unnoticed.
"""
from __future__ import annotations

import json


class KeyedTwice(dict):
    __slots__ = ("duplicate_keys",)


def _pairs(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set = set()
        marked = KeyedTwice(out)
        marked.duplicate_keys = sorted({k for k, _ in pairs if k in seen or seen.add(k)})
        return marked
    return out


DECODER = json.JSONDecoder(object_pairs_hook=_pairs)
