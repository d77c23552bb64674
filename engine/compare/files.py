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
line, for JSON Lines).
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Optional

from ..errors import Location, UserError
from ..model import RunInfo
from .snapshot import FindingMark, ServiceMark, Snapshot, marks_from_dict

BASELINE_KEY = "valuate_baseline"
BASELINE_VERSION = 1
FINGERPRINTS = 2  # fingerprints of the recorded facts only (see snapshot.fingerprint)


def load_snapshot(path: str) -> Snapshot:
    file = Path(path)
    if not file.is_file():
        raise UserError("no such baseline or report file", Location(file=path))
    with open(file, "rb") as fh:
        head = fh.read(4096).lstrip()
    if head.startswith(b'{"type"') or head.startswith(b'{ "type"'):
        return _from_jsonl(path)
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        line = getattr(err, "lineno", None)
        raise UserError(f"not a valuate baseline or JSON report: invalid JSON ({getattr(err, 'msg', err)})",
                        Location(file=path, line=line)) from None
    if isinstance(doc, dict) and BASELINE_KEY in doc:
        return _from_baseline(doc, path)
    if isinstance(doc, dict) and isinstance(doc.get("services"), list) and "tool" in doc:
        return _from_report(doc["services"], doc.get("as_of"), path)
    raise UserError("not a valuate baseline (no 'valuate_baseline' key) or a report of "
                    "'valuate check --format json' (no 'services' list)", Location(file=path))


def _from_baseline(doc: dict, path: str) -> Snapshot:
    version = doc.get(BASELINE_KEY)
    if version != BASELINE_VERSION:
        raise UserError(f"baseline format {version!r} is not one this valuate reads ({BASELINE_VERSION})",
                        Location(file=path, path=BASELINE_KEY))
    findings = doc.get("findings")
    if not isinstance(findings, list):
        raise UserError("'findings' must be a list", Location(file=path, path="findings"))
    by_service: dict = {}
    comparable = doc.get("fingerprints") == FINGERPRINTS
    for i, entry in enumerate(findings):
        mark = _entry(entry, path, i)
        mark = mark if comparable else replace(mark, fingerprint="")
        by_service.setdefault(mark.service, []).append(mark)
    services = (ServiceMark(sid, None, "", tuple(marks)) for sid, marks in by_service.items())
    held = doc.get("advisory", True) is not False  # older baselines held advisory findings too
    return Snapshot.of(path, "baseline", doc.get("as_of"), services, advisory=held)


def _entry(entry, path: str, i: int) -> FindingMark:
    where = Location(file=path, path=f"findings[{i}]")
    if not isinstance(entry, dict):
        raise UserError("a baseline entry must be a mapping", where)
    missing = [k for k in ("service", "rule", "status", "fingerprint") if not isinstance(entry.get(k), str)]
    if missing:
        raise UserError(f"baseline entry lacks {', '.join(missing)} (text)", where)
    return FindingMark(entry["service"], entry["rule"], entry["status"], entry["fingerprint"],
                       entry.get("counts", True) is not False, entry.get("message", ""), entry.get("since"))


def _from_report(services: list, as_of: Optional[str], path: str) -> Snapshot:
    marks = (marks_from_dict(s, i, as_of) for i, s in enumerate(services, 1) if isinstance(s, dict))
    return Snapshot.of(path, "report", as_of, marks)


def _from_jsonl(path: str) -> Snapshot:
    header: dict = {}
    services = []
    for number, obj in _lines(path):
        kind = obj.get("type")
        if kind == "header":
            header = obj
        elif kind == "service":
            services.append(marks_from_dict(obj, len(services) + 1, header.get("as_of")))
    return Snapshot.of(path, "report", header.get("as_of"), services)


def _lines(path: str) -> Iterator[tuple[int, dict]]:
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise UserError(f"invalid JSON Lines report: {err.msg}", Location(file=path, line=number)) from None
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
