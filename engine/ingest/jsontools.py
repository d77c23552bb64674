"""JSON decoding that does not lose data silently, nor crash on what it reads.

Python's json keeps the last of two equal keys in an object and drops the
first without a word. valuate decodes objects through a hook that keeps them
as plain dicts, except that an object with a repeated key becomes a
``KeyedTwice`` dict naming the keys; validation turns that into an error on
the record ("duplicate key ..."), so nothing is lost unnoticed.

Python also refuses to convert an integer of more than 4,300 digits, with a
bare ValueError from inside the decoder. ``decode`` retries such text with a
decoder that keeps those integers as ``HugeInt`` markers, which validation
refuses as too large: one record in error, never a crashed batch. (The
retry costs nothing on ordinary input: a Python-level integer hook on every
number would slow all decoding down.)
"""
from __future__ import annotations

import json
from typing import Any

from ..values import HugeInt


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


def _integer(text: str):
    try:
        return int(text)
    except ValueError:
        return HugeInt.of(text)


DECODER = json.JSONDecoder(object_pairs_hook=_pairs)
_PATIENT = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=_integer)


def raw_decode(text: str, pos: int = 0) -> tuple[Any, int]:
    """``DECODER.raw_decode``, with integers too long for Python kept as ``HugeInt``."""
    try:
        return DECODER.raw_decode(text, pos)
    except json.JSONDecodeError:
        raise
    except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
        return _PATIENT.raw_decode(text, pos)


def decode(text: str) -> Any:
    """``DECODER.decode`` (the whole text must be one value), with ``HugeInt``s as above."""
    try:
        return DECODER.decode(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        return _PATIENT.decode(text)


def duplicates(value: Any, path: str = "") -> list:
    """(path, keys) of every object in ``value`` that had a key twice, outermost first."""
    out, stack = [], [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            if isinstance(node, KeyedTwice):
                out.append((where, node.duplicate_keys))
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((v, f"{where}[{i}]") for i, v in reversed(list(enumerate(node))))
    return out
