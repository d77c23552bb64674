"""JSON Lines catalogs: one service object per line, read as a stream.

A line that is not valid JSON does not stop the batch: it becomes a record
with a problem, reported as an ``error`` verdict naming the line.
"""
from __future__ import annotations

import json
from typing import Iterator

from ..errors import CatalogError, Location
from ..limits import DEFAULT, Limits
from ..model import Source
from ..stdio import real_path
from .jsontools import DECODER
from .records import RawRecord


def lines(path: str) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of each non-blank line; a leading UTF-8 BOM is dropped."""
    try:
        fh = open(real_path(path), "rb")
    except OSError as err:
        raise CatalogError(f"cannot read file: {err.strerror or err}", Location(file=path)) from None
    with fh:
        for lineno, raw in enumerate(fh, start=1):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if raw.strip():
                yield lineno, raw


def read(path: str, limits: Limits = DEFAULT, lazy: bool = False) -> Iterator[RawRecord]:
    """Records of a JSON Lines file; ``lazy`` leaves each line to be decoded by
    whoever evaluates it (``records.materialize``)."""
    count = 0
    for lineno, raw in lines(path):
        count += 1
        source = Source(path, count, lineno)
        if len(raw) > limits.max_record_bytes:
            yield RawRecord(source, problem=f"line {lineno} is {len(raw):,} bytes, over the record limit "
                                            f"of {limits.max_record_bytes:,} (--limit max_record_bytes=...)")
        elif lazy:
            yield RawRecord(source, text=raw)
        else:
            yield decode_line(source, raw)
    if count == 0:
        raise CatalogError("the catalog is empty", Location(file=path))


def decode_line(source: Source, raw: bytes) -> RawRecord:
    lineno = source.line
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return RawRecord(source, problem=f"line {lineno} is not valid UTF-8 (byte offset {err.start})")
    try:
        return RawRecord(source, DECODER.decode(text))
    except json.JSONDecodeError as err:
        return RawRecord(source, problem=f"line {lineno} is not valid JSON: {err.msg} at column {err.colno}")
    except RecursionError:
        return RawRecord(source, problem=f"line {lineno} is nested too deeply to read")
