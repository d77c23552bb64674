"""JSON catalogs: a top-level array or an object with a ``services`` array.

Records are decoded one at a time with ``json.JSONDecoder.raw_decode`` so that
each keeps the line it starts on (for reports that point into the file).
"""
from __future__ import annotations

import json
from typing import Iterator

from ..errors import CatalogError, Location
from ..limits import DEFAULT, Limits
from ..model import Source
from ..yamlio import read_text
from .jsontools import DECODER as _decoder
from .records import RawRecord
from .shape import records_of
from .yaml_reader import record


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line(text: str, pos: int, cache: list) -> int:
    # Lines counted incrementally: positions only move forward.
    last_pos, last_line = cache
    line = last_line + text.count("\n", last_pos, pos)
    cache[0], cache[1] = pos, line
    return line


def _fail(path: str, text: str, err: json.JSONDecodeError) -> CatalogError:
    return CatalogError(f"invalid JSON: {err.msg}", Location(file=path, line=err.lineno, column=err.colno))


def _array_items(text: str, pos: int, path: str) -> Iterator[tuple[int, int, object]]:
    """Yield (start, end, value) for the items of the array starting at ``pos``."""
    pos = _skip_ws(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        start = pos
        try:
            value, pos = _decoder.raw_decode(text, pos)
        except json.JSONDecodeError as err:
            raise _fail(path, text, err) from None
        yield start, pos, value
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return
        line = text.count("\n", 0, pos) + 1
        raise CatalogError("invalid JSON: expected ',' or ']' after an array item",
                           Location(file=path, line=line))


def read(path: str, limits: Limits = DEFAULT) -> Iterator[RawRecord]:
    text = read_text(path)
    pos = _skip_ws(text, 0)
    if pos == len(text):
        raise CatalogError("the catalog is empty", Location(file=path))
    if text[pos] == "[":
        located = pos
    else:
        try:
            located = _find_services_array(text, pos) if text[pos] == "{" else None
            if located is None:
                records_of(_decoder.decode(text), path)  # not a catalog: raises a clear error
                raise CatalogError("expected a list of services or a mapping with a 'services' list",
                                   Location(file=path))
        except json.JSONDecodeError as err:
            raise _fail(path, text, err) from None
        except RecursionError:
            raise CatalogError("JSON nested too deeply to read", Location(file=path)) from None
    cache = [0, 1]
    try:
        for i, (offset, end, item) in enumerate(_array_items(text, located, path)):
            source = Source(path, i + 1, _line(text, offset, cache))
            if end - offset > limits.max_record_bytes:
                yield RawRecord(source, problem=f"record is {end - offset:,} characters, over the record limit "
                                                f"of {limits.max_record_bytes:,} (--limit max_record_bytes=...)")
            else:
                yield record(source, item)
    except RecursionError:
        raise CatalogError("JSON nested too deeply to read", Location(file=path)) from None


def member(text: str, pos: int, wanted: str):
    """Offset of the value of member ``wanted`` of the object starting at ``pos``
    (None when absent); every member before it is decoded, so malformed JSON
    raises json.JSONDecodeError with its position."""
    if pos >= len(text) or text[pos] != "{":
        return None
    pos = _skip_ws(text, pos + 1)
    while pos < len(text) and text[pos] != "}":
        key, pos = _decoder.raw_decode(text, pos)
        pos = _skip_ws(text, pos)
        if pos >= len(text) or text[pos] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
        pos = _skip_ws(text, pos + 1)
        if key == wanted:
            return pos
        _, pos = _decoder.raw_decode(text, pos)
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
    return None


def _find_services_array(text: str, pos: int):
    """Offset of the '[' of the top-level "services" member, if it is an array."""
    found = member(text, pos, "services")
    return found if found is not None and found < len(text) and text[found] == "[" else None
