"""``--format gitlab-codequality``: a GitLab Code Quality report (``artifacts: reports: codequality``).

A JSON array with the fields GitLab documents: ``description``,
``check_name`` (the rule id; ``valuate.record`` for an invalid record,
``valuate.waiver`` for a waiver that fails the job), ``fingerprint``,
``severity`` (info, minor, major, critical, blocker) and ``location``
(``path``, ``lines.begin``). One issue per invalid record and per finding
that can fail the job (report/ci.py): not met, not waived, deciding (advisory
findings only with ``--include-advisory``), and unknown ones too under
``--fail-on indeterminate`` (there they fail the job; otherwise they are
missing data, not quality issues, and the other formats carry them). The
severity follows the rule's severity (error major, warning minor, info info);
a finding new since the baseline says so in its description. A waiver that
fails the job (``--fail-on-waiver``) is a ``critical`` issue at its line of
the waiver file, as an invalid record is.

GitLab compares the issues of a merge request with those of its target branch
by fingerprint, so the fingerprint is made of what names a finding, the
service id and the rule (plus a count for a repeated id), never of values
that change from run to run.
"""
from __future__ import annotations

import json
from typing import TextIO

from ..model import ERROR, Report, ServiceResult
from . import ci, view
from .base import CollectingWriter, WriterOptions

RECORD_CHECK = "valuate.record"
SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
INVALID_SEVERITY = "critical"


def _location(result: ServiceResult) -> dict:
    src = result.source
    return {"path": src.file if src else "catalog", "lines": {"begin": (src.line or 1) if src else 1}}


def _issues(result: ServiceResult, occurrence: int, options: WriterOptions) -> list:
    label = view.label(result)
    where = _location(result)
    tag = f"#{occurrence}" if occurrence > 1 else ""
    if result.verdict == ERROR:
        new = " [new since the baseline]" if result.baseline == ci.NEW else ""
        return [{"description": f"{label}: invalid record: {'; '.join(view.errors(result))}{new}",
                 "check_name": RECORD_CHECK, "fingerprint": ci.identity(label + tag, RECORD_CHECK),
                 "severity": INVALID_SEVERITY, "location": where}]
    return [{"description": f"{label}: {f.rule} {f.title}: {f.message}{ci.new_mark(f)}", "check_name": f.rule,
             "fingerprint": ci.identity(label + tag, f.rule), "severity": SEVERITY.get(f.severity, "minor"),
             "location": where}
            for f in ci.held_findings(result, options) if not f.waived]


def _gate(g) -> dict:
    return {"description": f"{g.text}: --fail-on-waiver {g.kind} fails the job", "check_name": ci.WAIVER_RULE,
            "fingerprint": g.identity, "severity": INVALID_SEVERITY,
            "location": {"path": g.file or "waivers", "lines": {"begin": g.line or 1}}}


class CodeQualityWriter(CollectingWriter):
    def render(self, report: Report, out: TextIO) -> None:
        seen: dict = {}
        issues = []
        for result in report.services:
            label = view.label(result)
            seen[label] = seen.get(label, 0) + 1
            issues += _issues(result, seen[label], self.options)
        issues += [_gate(g) for g in ci.gate_failures(report.run, report.summary, self.options)]
        json.dump(issues, out, ensure_ascii=False, indent=2)
        out.write("\n")
