"""JSON catalogs: a top-level array or an object with a ``services`` array.

Records are decoded one at a time with ``raw_decode`` so that each keeps the
line it starts on (for reports that point into the file). The document is
read to its end: after the catalog's closing ``]`` or ``}`` only whitespace
may follow (two arrays one after the other, a second ``services`` member or
a truncated tail would otherwise lose records without a word), and the
object's own keys must be distinct. Either every record is read or the file
is refused with its line. A catalog of up to ``CHECK_FIRST_BYTES`` is read
to its end before its first record is handed on, so a refused file produces
no output at all; a bigger one streams, and is refused when its end is reached.
"""
from __future__ import annotations

import json
from typing import Iterator

from ..errors import CatalogError, Location
from ..limits import DEFAULT, Limits
from ..model import Source
from ..yamlio import read_text
from .jsontools import raw_decode
from .records import RawRecord
from .shape import records_of
from .yaml_reader import record


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _line(text: str, pos: int, cache: list) -> int:
    # Lines counted incrementally: positions only move forward.
    last_pos, last_line = cache
    line = last_line + text.count("\n", last_pos, pos)
    cache[0], cache[1] = pos, line
    return line


def _fail(path: str, text: str, err: json.JSONDecodeError) -> CatalogError:
    return CatalogError(f"invalid JSON: {err.msg}", Location(file=path, line=err.lineno, column=err.colno))


def _array_items(text: str, pos: int, path: str, ends: list = None) -> Iterator[tuple[int, int, object]]:
    """Yield (start, end, value) for the items of the array starting at ``pos``;
    ``ends`` (when given) receives the offset just after the closing ']'."""
    pos = _skip_ws(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        if ends is not None:
            ends.append(pos + 1)
        return
    while True:
        start = pos
        try:
            value, pos = raw_decode(text, pos)
        except json.JSONDecodeError as err:
            raise _fail(path, text, err) from None
        yield start, pos, value
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            if ends is not None:
                ends.append(pos + 1)
            return
        if pos >= len(text):
            raise CatalogError("invalid JSON: the file ends inside the list of services (cut short?)",
                               Location(file=path, line=line_at(text, pos)))
        raise CatalogError("invalid JSON: expected ',' or ']' after an array item",
                           Location(file=path, line=line_at(text, pos)))


CHECK_FIRST_BYTES = 64 << 20  # decoded whole first: a few hundred MB of objects at most


def read(path: str, limits: Limits = DEFAULT) -> Iterator[RawRecord]:
    text = read_text(path, limits.max_file_bytes, "max_file_bytes")
    records = _records(path, text, limits)
    if len(text) <= CHECK_FIRST_BYTES:
        records = iter(list(records))  # the whole document checked before the first record goes out
    yield from records


def records_in(path: str, text: str, limits: Limits = DEFAULT) -> Iterator[RawRecord]:
    """The records of JSON catalog text already in memory (a request body), one at a time:
    a caller can stop after as many as it takes; a malformed document raises CatalogError
    when its fault is reached, ``path`` naming it."""
    return _records(path, text, limits)


def _records(path: str, text: str, limits: Limits) -> Iterator[RawRecord]:
    pos = _skip_ws(text, 0)
    if pos == len(text):
        raise CatalogError("the catalog is empty", Location(file=path))
    members = _Members(text, path)
    if text[pos] == "[":
        located = pos
    else:
        try:
            located = _find_services_array(members, pos) if text[pos] == "{" else None
            if located is None:
                records_of(raw_decode(text, pos)[0], path)  # not a catalog: raises a clear error
                raise CatalogError("expected a list of services or a mapping with a 'services' list",
                                   Location(file=path))
        except json.JSONDecodeError as err:
            raise _fail(path, text, err) from None
        except RecursionError:
            raise CatalogError("JSON nested too deeply to read", Location(file=path)) from None
    cache = [0, 1]
    ends: list = []
    try:
        for i, (offset, end, item) in enumerate(_array_items(text, located, path, ends)):
            source = Source(path, i + 1, _line(text, offset, cache))
            if end - offset > limits.max_record_bytes:
                yield RawRecord(source, problem=f"record is {end - offset:,} characters, over the record limit "
                                                f"of {limits.max_record_bytes:,} (--limit max_record_bytes=...)")
            else:
                yield record(source, item)
        end = members.finish(ends[0]) if text[pos] == "{" else ends[0]
    except RecursionError:
        raise CatalogError("JSON nested too deeply to read", Location(file=path)) from None
    except json.JSONDecodeError as err:
        raise _fail(path, text, err) from None
    after = _skip_ws(text, end)
    if after < len(text):
        what = "a second JSON document" if text[after] in "[{" else "more text"
        raise CatalogError(f"invalid JSON: {what} after the end of the catalog; a JSON catalog is one "
                           "document (for one service per line use JSON Lines, .jsonl)",
                           Location(file=path, line=line_at(text, after)))


class _Members:
    """The members of the catalog's top-level object, read around the services array.

    Keys before ``services`` are decoded while looking for it (``member``);
    after the array ends, ``finish`` reads the remaining members up to the
    closing brace. A key seen twice, ``services`` above all, refuses the file:
    JSON would keep only the last value."""

    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        self.keys: dict = {}  # key -> offset

    def seen(self, key, at: int) -> None:
        if key in self.keys:
            first = line_at(self.text, self.keys[key])
            raise CatalogError(f"duplicate key {key!r} in the catalog object (first at line {first}): "
                               "JSON keeps only the last, so the file is refused",
                               Location(file=self.path, line=line_at(self.text, at)))
        self.keys[key] = at

    def finish(self, pos: int) -> int:
        """Offset just after the object's closing brace, given the offset after the services array."""
        text = self.text
        pos = _skip_ws(text, pos)
        while pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            key_at = pos
            key, pos = raw_decode(text, pos)
            if not isinstance(key, str):
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, key_at)
            self.seen(key, key_at)
            pos = _skip_ws(text, pos)
            if pos >= len(text) or text[pos] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
            _, pos = raw_decode(text, _skip_ws(text, pos + 1))
            pos = _skip_ws(text, pos)
        if pos >= len(text):
            raise CatalogError("invalid JSON: the file ends before the catalog object is closed (cut short?)",
                               Location(file=self.path, line=line_at(text, pos)))
        if text[pos] != "}":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        return pos + 1


def member(text: str, pos: int, wanted: str, seen=None):
    """Offset of the value of member ``wanted`` of the object starting at ``pos``
    (None when absent); every member before it is decoded, so malformed JSON
    raises json.JSONDecodeError with its position. ``seen(key, offset)`` is
    told every key read, ``wanted`` included."""
    if pos >= len(text) or text[pos] != "{":
        return None
    pos = _skip_ws(text, pos + 1)
    while pos < len(text) and text[pos] != "}":
        key_at = pos
        key, pos = raw_decode(text, pos)
        if seen is not None:
            seen(key, key_at)
        pos = _skip_ws(text, pos)
        if pos >= len(text) or text[pos] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
        pos = _skip_ws(text, pos + 1)
        if key == wanted:
            return pos
        _, pos = raw_decode(text, pos)
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
    return None


def _find_services_array(members: _Members, pos: int):
    """Offset of the '[' of the top-level "services" member, if it is an array."""
    text = members.text
    found = member(text, pos, "services", members.seen)
    return found if found is not None and found < len(text) and text[found] == "[" else None
