"""Collecting a run for the store while it streams, in the main process, in bounded memory.

``Recorder.add`` takes each outcome in input order: the ``Stored`` form its
worker made (``form.py``), or, for results made here (a duplicate id turned
into an error, say), one made now; marks the run added here (``--compare``,
``--baseline``) go on top. The lines for ``run_chunks`` are compressed in
chunks and the table rows spooled to temporary files as they come, so
memory stays flat however large the catalog. Nothing touches the database
until ``write.commit`` records the whole run in one transaction.
"""
from __future__ import annotations

import marshal
import tempfile
import zlib
from typing import Iterator, Optional

from .form import ServiceForm, Stored, overlay

CHUNK = 1 << 20  # raw bytes of lines per compressed chunk
LEVEL = 5  # zlib: 5 keeps this JSON within 12 % of 6's size for three quarters of its time (bench.store)
BATCH = 5000  # rows kept in memory before they go to the temporary file


class Chunks:
    """Lines, compressed in chunks of about ``CHUNK`` bytes, kept in a temporary file."""

    def __init__(self):
        self._lines: list = []
        self._size = 0
        self._file = tempfile.TemporaryFile()
        self._sizes: list = []

    def add(self, line: str) -> None:
        self._lines.append(line)
        self._size += len(line)
        if self._size >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            data = zlib.compress("".join(self._lines).encode("utf-8", "surrogatepass"), LEVEL)
            self._file.write(data)
            self._sizes.append(len(data))
            self._lines, self._size = [], 0

    def __iter__(self) -> Iterator[bytes]:
        self.flush()
        self._file.seek(0)
        for n in self._sizes:
            yield self._file.read(n)

    @property
    def bytes(self) -> int:
        return sum(self._sizes)

    def close(self) -> None:
        self._file.close()


class Rows:
    """Table rows (tuples of plain values), spooled in batches to a temporary file.

    marshal, not JSON: the file is this process's own, written and read back within the
    run by the same Python, and marshal is several times faster either way."""

    def __init__(self):
        self._file = tempfile.TemporaryFile()
        self._batch: list = []

    def add(self, row: tuple) -> None:
        self._batch.append(row)
        if len(self._batch) >= BATCH:
            self._flush()

    def extend(self, rows: tuple) -> None:
        self._batch.extend(rows)
        if len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            data = marshal.dumps(self._batch)
            self._file.write(len(data).to_bytes(8, "little") + data)
            self._batch = []

    def __iter__(self) -> Iterator[tuple]:
        self._flush()
        self._file.seek(0)
        while True:
            size = self._file.read(8)
            if not size:
                return
            yield from marshal.loads(self._file.read(int.from_bytes(size, "little")))

    def close(self) -> None:
        self._file.close()


class Recorder:
    """A run on its way into a store: fed every outcome, then committed (write.commit)."""

    def __init__(self, form: Optional[ServiceForm] = None):
        self.form = form if form is not None else ServiceForm()
        self.chunks = Chunks()
        self.services = Rows()  # form.row of each service
        self.failing = Rows()  # form.failing: each failing finding of each service
        self._written: set = set()  # keys of the findings already in this run's lines
        self.findings = 0  # findings of every status (what "bytes per finding" divides by)
        self.broken: Optional[OSError] = None  # a spool file could not be written (a full /tmp)

    def add(self, outcome) -> None:
        if self.broken is not None:
            return
        try:
            self._add(outcome)
        except OSError as err:  # the run and its reports go on; the commit reports it
            self.broken = err

    def _add(self, outcome) -> None:
        stored: Optional[Stored] = getattr(outcome, "stored", None)
        result = outcome.result
        if stored is None:
            stored = self.form(result)
        elif result is not None:
            stored = overlay(stored, result)
        for key, text in stored.pieces:
            if key not in self._written:  # two workers may each have written it once
                self._written.add(key)
                self.chunks.add(f"P\t{key}\t{text}\n")
        self.chunks.add(f"S\t{stored.shell}\t{stored.facts}\n")
        self.services.add(stored.service)
        self.failing.extend(stored.failing)
        self.findings += stored.count

    def close(self) -> None:
        for part in (self.chunks, self.services, self.failing):
            part.close()
