"""Frames between the server and its child processes: two lengths, a pickle, then raw bytes.

The pickle carries the message; the raw tail carries a request body on the
way in and the answer's JSON on the way out, written as it is (never pickled,
so never copied into a pickle). Only the server and the processes it started
write to these pipes: nothing a client sends is ever unpickled.
"""
from __future__ import annotations

import asyncio
import pickle
import struct
from typing import Any, BinaryIO, Iterable, Optional

HEADER = struct.Struct("!QQ")  # pickle length, tail length


def encode(message: Any, tail: Iterable[bytes] = ()) -> list:
    tail = [t for t in tail if t]
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return [HEADER.pack(len(data), sum(len(t) for t in tail)), data, *tail]


def write(stream: BinaryIO, message: Any, tail: bytes = b"") -> None:
    for part in encode(message, (tail,)):
        stream.write(part)
    stream.flush()


def read(stream: BinaryIO) -> Optional[tuple]:
    """(message, tail bytes), or None at the end of the stream."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    size, tail = HEADER.unpack(head)
    data = stream.read(size)
    rest = stream.read(tail) if tail else b""
    if len(data) < size or len(rest) < tail:
        return None
    return pickle.loads(data), rest


async def receive(reader: asyncio.StreamReader) -> tuple:
    """(message, tail bytes); EOFError when the process ended."""
    try:
        size, tail = HEADER.unpack(await reader.readexactly(HEADER.size))
        message = pickle.loads(await reader.readexactly(size))
        return message, (await reader.readexactly(tail) if tail else b"")
    except asyncio.IncompleteReadError:
        raise EOFError from None
