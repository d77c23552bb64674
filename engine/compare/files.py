"""Snapshots on disk: baseline files, and previous JSON / JSON Lines reports.

A baseline file is JSON (small diffs in review, sorted by service and rule):

    {"valuate_baseline": 1, "fingerprints": 2, "tool": {...}, "as_of": "2026-11-28", "rules": {...},
     "catalogs": [...], "entries": 12,
     "findings": [{"service": "crm", "rule": "WAR-001", "status": "not_met",
                   "fingerprint": "3f1c...", "since": "2026-11-28", "message": "..."}]}

Waived findings are never written (a waiver's expiry must still bite).
``fingerprints: 2``: the fingerprints are of the recorded facts only; an
older file's (of the whole evidence, ages derived from the evaluation date
included) are not compared, the messages are instead.

``load_snapshot`` reads that, or a report written by ``check --format json``
or ``--format jsonl``; anything else is a UserError naming the file (and
line, for JSON Lines), and so is any value the comparison reads that is not
what such a file holds (shape.py) or a key written twice in one object.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Optional

from ..errors import Location, UserError
from ..ingest.jsontools import decode, duplicates
from ..limits import DEFAULT
from ..model import RunInfo
from ..stdio import real_path
from ..yamlio import read_text
from .shape import Checker, entry, kind, report_head, service
from .snapshot import FindingMark, ServiceMark, Snapshot, marks_from_dict

BASELINE_KEY = "valuate_baseline"
BASELINE_VERSION = 1
FINGERPRINTS = 2  # fingerprints of the recorded facts only (see snapshot.fingerprint)


def load_snapshot(path: str) -> Snapshot:
    """A baseline file or an earlier JSON / JSON Lines report, every value read checked (shape.py)."""
    file = Path(real_path(path))
    if not file.is_file():
        raise UserError("no such baseline or report file", Location(file=path))
    try:
        with open(file, "rb") as fh:
            head = fh.read(4096).lstrip()
        if head.startswith(b'{"type"') or head.startswith(b'{ "type"'):
            return _from_jsonl(path)
        doc = _decoded(read_text(path, DEFAULT.max_file_bytes, "max_file_bytes"), path)
    except OSError as err:
        raise UserError(f"cannot read file: {err.strerror or err}", Location(file=path)) from None
    if isinstance(doc, dict) and BASELINE_KEY in doc:
        return _from_baseline(doc, path)
    if isinstance(doc, dict) and "services" in doc and "tool" in doc:
        c = Checker(path)
        report_head(c, doc)
        services = c.list(doc, "services", "")
        return _from_report(c, services, doc.get("as_of"), path, _digest(doc))
    raise UserError("not a valuate baseline (no 'valuate_baseline' key) or a report of "
                    "'valuate check --format json' (no 'services' list)", Location(file=path))


def _decoded(text: str, path: str, line: Optional[int] = None):
    """JSON whose objects may not repeat a key (one value would be lost without a word)."""
    try:
        doc = decode(text)
    except (json.JSONDecodeError, RecursionError) as err:
        what = "a JSON Lines report" if line else "a valuate baseline or JSON report"
        raise UserError(f"not {what}: invalid JSON ({getattr(err, 'msg', 'nested too deeply')})",
                        Location(file=path, line=line or getattr(err, "lineno", None))) from None
    for where, keys in duplicates(doc)[:1]:
        named = " and ".join(repr(k) for k in keys)
        raise UserError(f"the key {named} appears twice in one object (one value would be lost)",
                        Location(file=path, line=line, path=where or None))
    return doc


def _from_baseline(doc: dict, path: str) -> Snapshot:
    c = Checker(path)
    version = doc.get(BASELINE_KEY)
    if type(version) is not int or version != BASELINE_VERSION:
        raise UserError(f"baseline format {kind(version)} is not one this valuate reads ({BASELINE_VERSION})",
                        Location(file=path, path=BASELINE_KEY))
    as_of = c.date(doc, "as_of", "")
    findings = c.list(doc, "findings", "")
    if doc.get("rules") is not None:
        c.text(c.object(doc["rules"], "rules", "'rules'"), "digest", "rules")
    by_service: dict = {}
    comparable = doc.get("fingerprints") == FINGERPRINTS
    for i, item in enumerate(findings):
        mark = _entry(entry(c, item, f"findings[{i}]"))
        mark = mark if comparable else replace(mark, fingerprint="")
        by_service.setdefault(mark.service, []).append(mark)
    services = (ServiceMark(sid, None, "", tuple(marks)) for sid, marks in by_service.items())
    held = doc.get("advisory", True) is not False  # older baselines held advisory findings too
    return Snapshot.of(path, "baseline", as_of, services, advisory=held, rules_digest=_digest(doc))


def _entry(entry: dict) -> FindingMark:
    return FindingMark(entry["service"], entry["rule"], entry["status"], entry["fingerprint"],
                       entry.get("counts", True) is not False, entry.get("message") or "", entry.get("since"))


def _digest(doc: dict) -> Optional[str]:
    """The rules digest a report or baseline was made under (its header's ``rules.digest``)."""
    rules = doc.get("rules")
    return rules.get("digest") if isinstance(rules, dict) else None


def _from_report(c: Checker, services: list, as_of: Optional[str], path: str,
                 digest: Optional[str] = None) -> Snapshot:
    marks = (marks_from_dict(service(c, s, f"services[{i - 1}]"), i, as_of) for i, s in enumerate(services, 1))
    return Snapshot.of(path, "report", as_of, tuple(marks), rules_digest=digest)


def _from_jsonl(path: str) -> Snapshot:
    header: Optional[dict] = None
    services = []
    for number, obj in _lines(path):
        c = Checker(path, number)
        kind = c.text(obj, "type", "", required=True)
        if header is None:
            if kind != "header":
                raise c.fail("type", "the first line of a JSON Lines report must be its header "
                                     f"(\"type\": \"header\"), got {kind!r}")
            report_head(c, obj)
            header = obj
        elif kind == "service":
            services.append(marks_from_dict(service(c, obj, ""), len(services) + 1, header.get("as_of")))
    if header is None:
        raise UserError("an empty JSON Lines report (no header line)", Location(file=path))
    return Snapshot.of(path, "report", header.get("as_of"), services, rules_digest=_digest(header))


def _lines(path: str) -> Iterator[tuple[int, dict]]:
    with open(real_path(path), "rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as err:
                raise UserError(f"invalid JSON Lines report: not valid UTF-8 (byte offset {err.start})",
                                Location(file=path, line=number)) from None
            if not line.strip():
                continue
            obj = _decoded(line, path, number)
            if not isinstance(obj, dict):
                raise UserError("invalid JSON Lines report: a line is not an object", Location(file=path, line=number))
            yield number, obj


def baseline_document(snapshot: Snapshot, info: RunInfo, previous: Optional[Snapshot] = None) -> dict:
    """A baseline file's content. Entries also in ``previous`` keep the date they were first seen."""
    entries = []
    for mark in sorted((m for m in snapshot.findings() if not m.waived), key=lambda m: m.key):
        before = previous.finding(*mark.key) if previous is not None else None
        since = before.since if before is not None and before.since and before.status == mark.status else mark.since
        entries.append(FindingMark(mark.service, mark.rule, mark.status, mark.fingerprint, mark.counts,
                                   mark.message, since).to_dict())
    head = info.header()
    return {BASELINE_KEY: BASELINE_VERSION, "fingerprints": FINGERPRINTS, "tool": head["tool"], "as_of": info.as_of,
            "rules": head["rules"], "catalogs": list(info.inputs), "advisory": snapshot.advisory,
            "entries": len(entries), "findings": entries}


def dump_baseline(doc: dict, out) -> None:
    json.dump(doc, out, ensure_ascii=False, indent=1)
    out.write("\n")
