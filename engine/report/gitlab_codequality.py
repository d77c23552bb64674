"""``--format gitlab-codequality``: a GitLab Code Quality report (``artifacts: reports: codequality``).

A JSON array with one issue per failed finding (not met, not waived) and
per invalid record, with the fields GitLab documents: ``description``,
``check_name`` (the rule id, ``valuate.record`` for an invalid record),
``fingerprint``, ``severity`` (info, minor, major, critical, blocker) and
``location`` (``path``, ``lines.begin``). GitLab compares the issues of a
merge request with those of its target branch by fingerprint, so the
fingerprint is made of what names a finding, the service id and the rule
(plus a count for a repeated id), never of values that change from run to
run. Findings that are only unknown are left out: they are missing data,
not quality issues, and the other formats carry them.
"""
from __future__ import annotations

import hashlib
import json
from typing import TextIO

from ..model import ERROR, NOT_MET, Report, ServiceResult
from . import view
from .base import CollectingWriter

RECORD_CHECK = "valuate.record"
SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
INVALID_SEVERITY = "critical"


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _location(result: ServiceResult) -> dict:
    src = result.source
    return {"path": src.file if src else "catalog", "lines": {"begin": (src.line or 1) if src else 1}}


def _issues(result: ServiceResult, occurrence: int) -> list:
    label = view.label(result)
    where = _location(result)
    tag = f"#{occurrence}" if occurrence > 1 else ""
    if result.verdict == ERROR:
        return [{"description": f"{label}: invalid record: {'; '.join(view.errors(result))}",
                 "check_name": RECORD_CHECK, "fingerprint": _fingerprint(label + tag, RECORD_CHECK),
                 "severity": INVALID_SEVERITY, "location": where}]
    return [{"description": f"{label}: {f.rule} {f.title}: {f.message}", "check_name": f.rule,
             "fingerprint": _fingerprint(label + tag, f.rule), "severity": SEVERITY.get(f.severity, "minor"),
             "location": where}
            for f in result.findings if f.status == NOT_MET and not f.waived]


class CodeQualityWriter(CollectingWriter):
    def render(self, report: Report, out: TextIO) -> None:
        seen: dict = {}
        issues = []
        for result in report.services:
            label = view.label(result)
            seen[label] = seen.get(label, 0) + 1
            issues += _issues(result, seen[label])
        json.dump(issues, out, ensure_ascii=False, indent=2)
        out.write("\n")
