"""JSON Lines catalogs: one service object per line, read as a stream.

A line that is not valid JSON does not stop the batch: it becomes a record
with a problem, reported as an ``error`` verdict naming the line. Lines are
read with a bound: a line longer than the record limit is skipped to its end
without being held in memory, and becomes such a record too.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Iterator, Union

from ..errors import CatalogError, Location
from ..limits import DEFAULT, Limits
from ..model import Source
from ..stdio import real_path
from .jsontools import decode
from .records import RawRecord

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Overlong:
    """A line longer than the record limit: only its length was kept."""

    length: int


def lines(path: str, max_bytes: int = DEFAULT.max_record_bytes) -> Iterator[tuple[int, Union[bytes, Overlong]]]:
    """(line number, bytes) of each non-blank line; a leading UTF-8 BOM is dropped.

    A line over ``max_bytes`` comes as ``Overlong(length)``: it is read to
    its end in chunks and dropped, so one 3 GB line costs no memory."""
    try:
        fh = open(real_path(path), "rb")
    except OSError as err:
        raise CatalogError(f"cannot read file: {err.strerror or err}", Location(file=path)) from None
    with fh:
        lineno = 0
        while True:
            raw = fh.readline(max_bytes + 1)
            if not raw:
                return
            lineno += 1
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                yield lineno, Overlong(len(raw) + _skip_line(fh))
            elif raw.strip():
                yield lineno, raw


def _skip_line(fh) -> int:
    """Read past the rest of the current line; how many bytes it had."""
    skipped = 0
    while True:
        chunk = fh.readline(_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def read(path: str, limits: Limits = DEFAULT, lazy: bool = False) -> Iterator[RawRecord]:
    """Records of a JSON Lines file; ``lazy`` leaves each line to be decoded by
    whoever evaluates it (``materialize``)."""
    count = 0
    for lineno, raw in lines(path, limits.max_record_bytes):
        count += 1
        source = Source(path, count, lineno)
        if isinstance(raw, Overlong) or len(raw) > limits.max_record_bytes:
            yield RawRecord(source, problem=overlong(lineno, raw, limits))
        elif lazy:
            yield RawRecord(source, text=raw)
        else:
            yield decode_line(source, raw)
    if count == 0:
        raise CatalogError("the catalog is empty", Location(file=path))


def overlong(lineno: int, raw, limits: Limits) -> str:
    length = raw.length if isinstance(raw, Overlong) else len(raw)
    return (f"line {lineno} is {length:,} bytes, over the record limit of {limits.max_record_bytes:,} "
            "(--limit max_record_bytes=...)")


def decode_line(source: Source, raw: bytes) -> RawRecord:
    lineno = source.line
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return RawRecord(source, problem=f"line {lineno} is not valid UTF-8 (byte offset {err.start})")
    try:
        return RawRecord(source, decode(text))
    except json.JSONDecodeError as err:
        return RawRecord(source, problem=f"line {lineno} is not valid JSON: {err.msg} at column {err.colno}")
    except RecursionError:
        return RawRecord(source, problem=f"line {lineno} is nested too deeply to read")


def materialize(raw: RawRecord) -> RawRecord:
    """The record with its data decoded (JSON Lines records read lazily); any other as it is."""
    if raw.text is None:
        return raw
    decoded = decode_line(raw.source, raw.text)
    return replace(decoded, repeat=True) if raw.repeat else decoded
