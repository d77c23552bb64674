"""What runs in an evaluation process: one snapshot, any number of requests.

A worker is handed a snapshot's ``Payload`` when it starts and never reads a
policy file: other evaluation dates are derived from the snapshot's policy
(``LoadedPolicy.on``), the mappings are the snapshot's, and the files a
mapping joins are the copies the snapshot read. The request body arrives as
bytes and is decoded here, off the server's event loop, one record at a time
(a body of a million empty objects is refused after ``max_services`` records,
not held whole). Each answer goes back ready to send: its status, the (id,
verdict) pairs for the decision log and the JSON bytes.
"""
from __future__ import annotations

import datetime as _dt
import glob
import json
import os
import shutil
import sys
import tempfile
import traceback
from collections import OrderedDict
from dataclasses import replace
from typing import Optional

from ..errors import CatalogError, UserError
from ..ingest.json_reader import member, records_in
from ..ingest.jsontools import raw_decode
from ..ingest.records import RawRecord
from ..ingest.yaml_reader import record
from ..model import Source
from ..pipeline import run
from ..policy import LoadedPolicy
from ..report.encode import encode_service
from ..request import Inputs, RunOptions, RunRequest
from .paths import Redactor
from .snapshot import Payload

SEPARATORS = (", ", ": ")  # as --format json writes a service
REQUEST = "request"  # the source file name of what a request sent
KEEP_DATES = 8  # policies kept per evaluation date asked for (each is a small derived copy)


class Refusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class Worker:
    """The state of one evaluation process: its snapshot and the dates derived from it."""

    def __init__(self, payload: Payload):
        self.payload = payload
        self.redactor = payload.redactor
        self.mappings = dict(payload.mappings)
        self.days: OrderedDict = OrderedDict()
        self.joined, folders = _materialize(payload, self.mappings) if payload.joins else (None, ())
        if folders:
            self.redactor = Redactor([p for f in folders for p in _spellings(f + os.sep, "")]) + self.redactor
        self.evaluate(b'{"id": "warm-up"}', RunOptions(), None)  # durable-rules set up before the first request

    def handle(self, message: tuple, body: bytes) -> tuple:
        """(status, the decision to log or None, the answer's bytes) for one request and its body."""
        kind, *args = message
        try:
            if kind == "evaluate":
                return self.evaluate(body, *args)
            if kind == "raw":
                return self.raw(body, *args)
            return 200, None, b"{}"
        except Refusal as err:
            return err.status, None, _error(err.message)
        except Exception as err:  # a bug in valuate: the caller gets a 500, the operator the traceback
            traceback.print_exc(file=sys.stderr)
            return 500, None, _error(f"internal error ({type(err).__name__}); the server log has the details")

    def policy(self, as_of: Optional[_dt.date]) -> LoadedPolicy:
        base = self.payload.policy
        day = as_of or base.spec.as_of or _dt.date.today()
        kept = self.days.get(day)
        if kept is None:
            try:
                kept = base.on(day)
            except UserError as err:
                kept = Refusal(400, f"as_of {day}: {self.redactor.message(str(err))}")
            self.days[day] = kept
            if len(self.days) > KEEP_DATES:
                self.days.popitem(last=False)
        if isinstance(kept, Refusal):
            raise kept
        return kept

    def evaluate(self, body: bytes, options: RunOptions, as_of) -> tuple:
        policy = self.policy(as_of)
        single, records = self.records(_text(body), policy.spec.limits)
        current = run(RunRequest(policy.spec, Inputs(records=records), options), policy)
        texts, verdicts = self.rendered(current, options)
        if single:
            return 200, _decision(current, verdicts), _utf8(texts[0])
        return 200, _decision(current, verdicts), _document(current, texts)

    def raw(self, body: bytes, extension: str, mapping: Optional[str], options: RunOptions, as_of) -> tuple:
        """A raw export through a mapping; its bytes are a file only for this call."""
        policy = self.policy(as_of)
        loaded = self.mappings.get(mapping or self.payload.default_mapping)
        if loaded is None:
            raise Refusal(400, f"unknown mapping {mapping!r}")
        with tempfile.TemporaryDirectory(prefix="valuate-serve-") as tmp:
            path = os.path.join(tmp, f"{REQUEST}{extension}")
            with open(path, "wb") as fh:
                fh.write(body)
            hide = Redactor(_spellings(tmp + os.sep, "")) + self.redactor
            try:
                current = run(RunRequest(policy.spec, Inputs(catalogs=(path,), mapping=loaded), options), policy)
                texts, verdicts = self.rendered(current, options, hide)
            except UserError as err:
                raise Refusal(422, hide.message(str(err))) from None
        return 200, _decision(current, verdicts), _document(current, texts)

    def records(self, text: str, limits) -> tuple:
        """(one service sent?, RawRecords) of a JSON body, at most ``max_services`` of them."""
        pos = _skip(text, 0)
        if pos == len(text):
            raise Refusal(400, 'the body is empty: send a service object, a list of them or {"services": [...]}')
        try:
            if text[pos] == "{" and ('"services"' not in text or member(text, pos, "services") is None):
                return True, (self._single(text, pos, limits),)
            out = []
            for raw in records_in(REQUEST, text, limits):
                if len(out) == self.payload.max_services:
                    raise Refusal(413, f"more than {self.payload.max_services:,} services in one request, "
                                       "the most this server takes (--max-services)")
                out.append(raw)
            return False, tuple(out)
        except json.JSONDecodeError as err:
            raise Refusal(400, f"the body is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}")
        except RecursionError:
            raise Refusal(400, "the body is nested too deeply to read") from None
        except CatalogError as err:
            raise Refusal(400, _catalog_problem(err)) from None

    def _single(self, text: str, pos: int, limits):
        value, end = raw_decode(text, pos)
        after = _skip(text, end)
        if after < len(text):
            raise Refusal(400, f"the body holds more after its JSON value (at offset {after}): send one "
                               'document, a list of services or {"services": [...]}')
        if end - pos > limits.max_record_bytes:
            return _over(Source(REQUEST, 1), end - pos, limits)
        return record(Source(REQUEST, 1), value)

    def rendered(self, current, options: RunOptions, redactor: Optional[Redactor] = None) -> tuple:
        redactor = redactor or self.redactor
        texts, verdicts = [], []
        for r in current.results():
            if len(texts) == self.payload.max_services:
                raise Refusal(413, f"more than {self.payload.max_services:,} records in one request, "
                                   "the most this server takes (--max-services)")
            text = (json.dumps(r.to_dict(conditions=True), ensure_ascii=False, separators=SEPARATORS)
                    if options.conditions else encode_service(r, SEPARATORS))
            texts.append(redactor.text(text))
            verdicts.append([r.id, r.verdict])
        return texts, verdicts

    def close(self) -> None:
        if self.joined is not None:
            shutil.rmtree(self.joined, ignore_errors=True)


def _document(current, texts: list) -> bytes:
    services = ",\n    ".join(texts)
    head = json.dumps({"rules": {"digest": current.info.digest}, "as_of": current.info.as_of,
                       "summary": current.summary.to_dict()}, ensure_ascii=False)
    return _utf8(f'{head[:-1]}, "services": [\n    {services}\n  ]}}\n')


def _decision(current, verdicts: list) -> dict:
    """What the decision log keeps of an answer: the date judged and each (id, verdict)."""
    return {"as_of": current.info.as_of, "services": verdicts}


def _utf8(text: str) -> bytes:
    # A half character (a lone surrogate) can only sit inside a JSON string, where its
    # backslash escape is what JSON itself writes: the answer stays valid JSON.
    return text.encode("utf-8", "backslashreplace")


def _error(message: str) -> bytes:
    return json.dumps({"error": message}, ensure_ascii=False).encode("utf-8", "backslashreplace")


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise Refusal(400, f"the body is not UTF-8 (byte 0x{body[err.start]:02x} at offset {err.start})") from None


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _over(source: Source, size: int, limits) -> RawRecord:
    return RawRecord(source, problem=f"the service is {size:,} characters, over the limit of "
                                     f"{limits.max_record_bytes:,} (max_record_bytes)")


def _catalog_problem(err: CatalogError) -> str:
    message = err.message.replace("the file is refused", "the body is refused")
    if message.startswith("invalid JSON: "):
        message = "the body is not valid JSON: " + message.removeprefix("invalid JSON: ")
    else:
        message = "the body: " + message
    line = err.location.line if err.location is not None else None
    return f"{message} (line {line})" if line else message


def _spellings(path: str, shown: str) -> list:
    return [(path, shown), (json.dumps(path)[1:-1], shown)]


def _materialize(payload: Payload, mappings: dict) -> tuple:
    """The joined files of the server's mapping written to a directory of this worker's own
    (each in a folder of its own, under its own name): (the directory, the folders)."""
    root = tempfile.mkdtemp(prefix=f"valuate-serve-{os.getpid()}-")
    own = mappings[payload.default_mapping]
    joins, folders = list(own.joins), []
    for index, files in payload.joins:
        paths = []
        for k, (name, data) in enumerate(files):
            folder = os.path.join(root, str(index), str(k))
            os.makedirs(folder)
            folders.append(folder)
            with open(os.path.join(folder, name), "wb") as fh:
                fh.write(data)
            paths.append(glob.escape(os.path.join(folder, name)))
        joins[index] = replace(joins[index], files=tuple(paths))
    mappings[payload.default_mapping] = replace(own, joins=tuple(joins))
    return root, folders
