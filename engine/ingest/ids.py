"""Record ids, and the rule that a later record with an id already used is an error.

docs/specification.md (verdict composition): a duplicate ``id`` makes the later record an ``error``,
whatever happened to the first. So every record that carries an id claims it
here, in input order, valid or not: ``{id: a, impact: high}`` (invalid) still
makes a later ``{id: a}`` a duplicate. A record's id is the one its result
reports (``label_of``): the id of the fact when it is valid, else the
record's own ``id`` value as text, numbers as their digits (1001 and 1001.0
are the id "1001", as a mapping's string parser reads them) so that ids that
are equal once read are one id, whichever reader or mapping read them.

Ids are kept as 64-bit digests with a packed location of their first record
in a compact table: memory stays small at a million services (a false
duplicate needs a digest collision, about 1 in 10^7 even at a million ids).
"""
from __future__ import annotations

import hashlib
import math
from array import array
from typing import Any, Optional

from ..model import Source
from ..values import HugeInt, printable
from .jsonl_reader import materialize
from .records import RawRecord


def label_of(data: Any, key: str) -> Optional[str]:
    """A record's id or name as text, when it has a usable one (even an invalid record);
    half characters (unpaired surrogates) written as \\udXXX so every output can show it."""
    if isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, HugeInt) or isinstance(value, float) and not math.isfinite(value):
            return None  # no faithful text ("nan", "<a 5,000-digit number>" would be fake ids)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return printable(str(value))
    return None


def record_id(raw: RawRecord) -> Optional[str]:
    """The record's id without decoding more than needed.

    A JSON Lines line still undecoded is only scanned when it starts with its
    id (as valuate and most exporters write it) and names no other ``"id"``
    (a repeated key: the decoded record keeps the last); anything else is decoded."""
    if raw.text is None:
        return label_of(raw.data, "id")
    text = raw.text.lstrip()
    for head in (b'{"id":"', b'{"id": "'):
        if text.startswith(head) and text.count(b'"id"') == 1:
            end = text.find(b'"', len(head))
            value = text[len(head):end]
            if end > 0 and b"\\" not in value:
                try:
                    return value.decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return label_of(materialize(raw).data, "id")


class _DigestTable:
    """64-bit digest -> 64-bit value, open addressing in two flat arrays.

    A dict of Python ints costs over 100 bytes an entry; this costs 32 at
    most (two 8-byte slots, at most half full), which is what keeps the
    batch's memory flat at a million services.
    """

    def __init__(self, capacity: int = 1 << 16):
        self.keys = array("Q", bytes(8 * capacity))
        self.values = array("Q", bytes(8 * capacity))
        self.mask = capacity - 1
        self.size = 0

    def get(self, key: int) -> Optional[int]:
        keys, i = self.keys, key & self.mask
        while True:
            k = keys[i]
            if k == key:
                return self.values[i]
            if k == 0:
                return None
            i = (i + 1) & self.mask

    def put(self, key: int, value: int) -> None:
        """Add a key that is not there yet."""
        if 2 * (self.size + 1) > len(self.keys):
            self._grow()
        keys, i = self.keys, key & self.mask
        while keys[i] != 0:
            i = (i + 1) & self.mask
        keys[i], self.values[i] = key, value
        self.size += 1

    def _grow(self) -> None:
        old = zip(self.keys, self.values)
        self.__init__(2 * len(self.keys))
        for k, v in old:
            if k:
                self.put(k, v)


def _key(text: str) -> int:
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") or 1  # 0 marks an empty slot


class SeenIds:
    """Ids met so far in the input, before validation (a cheap look: ``record_id``)."""

    def __init__(self) -> None:
        self.table = _DigestTable()

    def add(self, rid: str) -> bool:
        """True when the id is new."""
        key = _key(rid)
        if self.table.get(key) is not None:
            return False
        self.table.put(key, 1)
        return True


class IdClaims:
    """In input order, the first record with each id (valid or not) and where it was."""

    def __init__(self) -> None:
        self.table = _DigestTable()
        self.files: list = []

    def claim(self, rid: Optional[str], source: Optional[Source], position: int) -> Optional[str]:
        """None when the record may have the id (it is new, or the record has none);
        else the error for this later record, naming the first one."""
        if not rid:  # no id, or an empty one (itself an error): nothing to claim
            return None
        key = _key(rid)
        where = self.table.get(key)
        if where is None:
            self.table.put(key, self._pack(source, position))
            return None
        return f"duplicate id {rid!r}: already used by the record at {self._unpack(where)}"

    def _pack(self, src: Optional[Source], position: int) -> int:
        """file index (16 bits) | has line (1) | line or record number (47)."""
        if src is None:
            return position & (2**47 - 1)
        if not self.files or self.files[-1] != src.file:
            self.files.append(src.file)
        number, has_line = (src.line, 1) if src.line is not None else (src.record, 0)
        return (((len(self.files) - 1) & 0xFFFF) << 48) | (has_line << 47) | (number & (2**47 - 1))

    def _unpack(self, packed: int) -> str:
        if not self.files:
            return f"position {packed}"
        file, has_line, number = self.files[packed >> 48], (packed >> 47) & 1, packed & (2**47 - 1)
        return f"{file}:{number}" if has_line else f"{file} record {number}"
