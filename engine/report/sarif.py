"""``--format sarif``: SARIF 2.1.0 for code-scanning dashboards.

- ``tool.driver.rules``: one reporting descriptor per rule of the packs (title,
  rationale, remediation as help text, condition, criterion, default level;
  a renamed rule's former ids as ``deprecatedIds``), plus ``valuate.verdict`` for the verdict of each service.
- ``results``: per input record a ``valuate.verdict`` result (``pass`` /
  ``fail`` / ``open``), then one result per finding that can fail the job
  (report/ci.py: deciding; advisory ones only with ``--include-advisory``)
  and is not met (``kind: fail``, level from the rule's severity) or unknown
  (``kind: open``, level ``none``, as SARIF requires for anything but a
  failure; written under ``--fail-on indeterminate``, where it fails the job,
  or with ``--sarif-include unknown``).
  GitHub code scanning ignores ``kind`` and shows every result as an alert,
  so by default only ``fail`` results are written; ``WriterOptions.include``
  adds ``unknown`` (open results) and ``met`` (pass verdicts, so that every
  record appears exactly once). Waived findings carry a ``suppressions``
  entry; against a baseline each result has its ``baselineState`` (a waived
  finding too: a waiver does not make it pass, so it is never "absent").
- At most ``MAX_RESULTS`` results (GitHub refuses a run with more): beyond
  that, the most severe are kept, a ``toolExecutionNotifications`` entry
  and a writer warning say how many were left out.
- Every result is located at the catalog file and the record's line (the row
  for tabular sources); a record without a line is located by the file and a
  logical location naming the service. What would make a service pass is in
  the verdict result's ``properties.to_pass``.
- ``partialFingerprints["valuate/v1"]`` is the result's identity (service id,
  a count for a repeated id, rule), so code scanning tracks an alert across
  runs when the record's lines move; ``properties.fingerprint`` is the
  baseline's fingerprint of the status and the recorded facts read (it
  changes with the values).
- A waiver that fails the job (``--fail-on-waiver``) is a ``fail`` result of
  its own rule, ``valuate.waiver``, located at the waiver's line of the
  waiver file. The invocation says how the run ended: ``exitCode`` (1 when
  the job fails: services at ``--fail-on``, or such a waiver) and
  ``exitCodeDescription`` in words. ``executionSuccessful`` stays true: it
  says whether the analysis ran to completion (SARIF 2.1.0, appendix I: false
  means the results may be incomplete), which a failing gate does not change.
"""
from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import TextIO
from urllib.parse import quote

from ..model import NOT_MET, Report, RuleInfo, ServiceResult, counted, fingerprint
from . import ci, view
from .base import CollectingWriter

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERDICT_RULE = "valuate.verdict"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
MAX_RESULTS = 25_000  # GitHub code scanning's limit of results per run
KIND_INCLUDED = {"fail": None, "open": "unknown", "pass": "met"}  # kind -> the include word it needs
_RANK = {"error": 0, "warning": 1, "note": 2, "none": 3}
VERDICT_KIND = {"valuable": ("pass", "none"), "not_valuable": ("fail", "error"),
                "indeterminate": ("open", "none"), "error": ("fail", "error")}


def _descriptor(rule: RuleInfo) -> dict:
    help_text = f"{rule.remediation.strip()}\n\nCondition: {rule.condition}"
    renamed = {"deprecatedIds": list(rule.aliases)} if rule.aliases else {}  # SARIF 2.1.0 3.49.4
    return {"id": rule.id, **renamed,
            "shortDescription": {"text": rule.title},
            "fullDescription": {"text": rule.rationale.strip()},
            "help": {"text": help_text,
                     "markdown": f"{rule.remediation.strip()}\n\n**Condition:** `{rule.condition}`"},
            "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
            "properties": {"pack": rule.pack, "criterion": rule.criterion, "severity": rule.severity,
                           "tags": [rule.pack, rule.criterion.split(".")[0]]}}


VERDICT_DESCRIPTOR = {
    "id": VERDICT_RULE,
    "shortDescription": {"text": "The service is valuable"},
    "fullDescription": {"text": "A service is valuable when utility, warranty (availability, capacity, "
                                "security, continuity) and value are all met; not valuable when any is "
                                "not met; indeterminate when none is not met but one is unknown; error "
                                "when the catalog record itself is invalid."},
    "help": {"text": "Fix the findings reported for the service, or the record's fields for an error. "
                     "The result's properties.to_pass lists verified changes that would make it valuable."},
    "defaultConfiguration": {"level": "error"},
}


WAIVER_DESCRIPTOR = {
    "id": ci.WAIVER_RULE,
    "shortDescription": {"text": "A waiver fails the job (--fail-on-waiver)"},
    "fullDescription": {"text": "An approved exception has expired (or waived nothing) and the job was asked to "
                                "fail on that: the exception no longer holds, so the finding it covered counts "
                                "again, or the waiver file carries an entry that serves nothing."},
    "help": {"text": "Fix the finding the waiver covered, or have the exception approved again with a new "
                     "expiry date; remove a waiver that waives nothing."},
    "defaultConfiguration": {"level": "error"},
}
FINGERPRINT_KEY = "valuate/v1"


def _uri(file: str) -> str:
    path = PurePosixPath(file.replace("\\", "/"))
    return path.as_uri() if path.is_absolute() else quote(str(path), safe="/")


def _locations(result: ServiceResult) -> list:
    logical = [{"name": view.label(result), "kind": "object"}]
    if result.source is None:
        return [{"logicalLocations": logical}]
    physical: dict = {"artifactLocation": {"uri": _uri(result.source.file)}}
    if result.source.line is not None:
        physical["region"] = {"startLine": result.source.line}
    return [{"physicalLocation": physical, "logicalLocations": logical}]


def _gate(g, index: int) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(g.file)}}
    if g.line is not None:
        physical["region"] = {"startLine": g.line}
    return {"ruleId": ci.WAIVER_RULE, "ruleIndex": index, "kind": "fail", "level": "error",
            "message": {"text": f"{g.text}: --fail-on-waiver {g.kind} fails the job"},
            "locations": [{"physicalLocation": physical,
                           "logicalLocations": [{"name": f"{g.service} / {g.target}", "kind": "object"}]}],
            "partialFingerprints": {FINGERPRINT_KEY: g.identity},
            "properties": {"gate": g.kind, "service": g.service, "waived": g.target}}


def _verdict(result: ServiceResult, index: int) -> dict:
    kind, level = VERDICT_KIND[result.verdict]
    if result.verdict == "error":
        text = f"{view.label(result)}: invalid record: " + "; ".join(view.errors(result))
    else:
        reasons = [f"{f.rule} {f.status}" for f in view.failing(result)]
        text = f"{view.title(result)}: {view.VERDICT_WORDS[result.verdict]}" + (
            f" ({', '.join(reasons)})" if reasons else "")
    props: dict = {"service": result.id, "verdict": result.verdict}
    if result.source is not None:
        props["record"] = result.source.record
    if result.to_pass is not None:
        props["to_pass"] = result.to_pass.to_dict()
    if result.level is not None:
        props["level"] = result.level.to_dict()
    if result.upcoming:
        props["coming_into_force"] = [u.to_dict() for u in result.upcoming]
    return {"ruleId": VERDICT_RULE, "ruleIndex": index, "kind": kind, "level": level,
            "message": {"text": text}, "locations": _locations(result), "properties": props}


def _finding(result: ServiceResult, f, index: int, name: str) -> dict:
    failed = f.status == NOT_MET
    out = {"ruleId": f.rule, "ruleIndex": index, "kind": "fail" if failed else "open",
           "level": LEVELS.get(f.severity, "warning") if failed else "none",
           "message": {"text": f"{view.label(result)}: {f.message}{ci.new_mark(f)}"},
           "locations": _locations(result),
           "partialFingerprints": {FINGERPRINT_KEY: ci.identity(name, f.rule)},
           "properties": {"service": result.id, "status": f.status, "criterion": view.where(f),
                          "evidence": dict(f.evidence), "fingerprint": fingerprint(f.status, f.evidence)}}
    if f.effective is not None:  # before its day, reported as a note: it decides nothing yet
        out["properties"].update(effective=f.effective, in_force=f.in_force)
        if not f.in_force:
            out["level"] = "note"
    if view.waiver(f):
        out["suppressions"] = [{"kind": "external", "justification": view.waiver(f)}]
    return out


def _results(result: ServiceResult, index: dict, verdict_index: int, baselined: bool, options, name: str) -> list:
    """The verdict result and one per held finding of one record, before filtering by kind."""
    verdict = _verdict(result, verdict_index)
    verdict["partialFingerprints"] = {FINGERPRINT_KEY: ci.identity(name, VERDICT_RULE)}
    found = [(f, _finding(result, f, index.get((f.pack, f.rule), -1), name))
             for f in ci.held_findings(result, options, unknown=True)]
    if baselined:  # a waived finding has its state too (it still fails), but never makes the verdict new
        new = result.baseline == "new" or any(f.baseline == "new" and not f.waived for f, _ in found)
        verdict["baselineState"] = "new" if new else "unchanged"
        for f, out in found:
            out["baselineState"] = f.baseline or "unchanged"
    elif result.change is not None:  # --compare: the last review is the baseline run
        d = result.change
        verdict["baselineState"] = "unchanged" if d.verdict[0] == d.verdict[1] else "new"
        for f, out in found:
            out["baselineState"] = d.baseline_state(f.rule)
    return [verdict] + [out for _, out in found]


def _comparison(report: Report) -> dict:
    """With --compare, the comparison's counts (the per-service detail is in each result's state)."""
    c = report.summary.comparison
    if c is None:
        return {}
    return {"comparison": {k: v for k, v in c.to_dict().items() if k not in c.DETAIL_KEYS}}


def _exit(report: Report, gate: list, options) -> dict:
    """The exit code of the run and why, as the job sees it (the CLI's: 1 at --fail-on or a waiver gate)."""
    at_level = report.summary.fails_at(options.fail_levels)
    if not at_level and not gate:
        return {"exitCode": 0, "exitCodeDescription": "passed: nothing fails the job"}
    why = []
    if at_level:
        b = report.summary.baseline
        at = "/".join(sorted(options.fail_levels))
        n = sum(report.summary.verdicts[v] for v in options.fail_levels)
        why.append(f"{counted(b.new_at(options.fail_levels), 'new finding')} at --fail-on ({at})" if b is not None
                   else f"{counted(n, 'service')} at --fail-on ({at})")
    why += [f"{g.text} (--fail-on-waiver {g.kind})" for g in gate]
    return {"exitCode": 1, "exitCodeDescription": "failed: " + "; ".join(why)}


def _capped(results: list, limit: int) -> tuple[list, int]:
    """At most ``limit`` results, the most severe first chosen, kept in their order."""
    if len(results) <= limit:
        return results, 0
    chosen = sorted(range(len(results)), key=lambda i: (_RANK.get(results[i]["level"], 3), i))[:limit]
    return [results[i] for i in sorted(chosen)], len(results) - limit


class SarifWriter(CollectingWriter):
    def render(self, report: Report, out: TextIO) -> None:
        run = report.run
        gate = ci.gate_failures(run, report.summary, self.options)
        descriptors = [_descriptor(r) for r in run.rules] + [VERDICT_DESCRIPTOR] + ([WAIVER_DESCRIPTOR] if gate else [])
        index = {(r.pack, r.id): i for i, r in enumerate(run.rules)}
        baselined = report.summary.baseline is not None
        wanted = {"fail"} | {kind for kind, word in KIND_INCLUDED.items() if word in self.options.include}
        wanted |= {"open"} if ci.unknown_held(self.options) else set()  # unknowns fail this job
        names = ci.labels(report.services)
        results = [r for result, name in zip(report.services, names)
                   for r in _results(result, index, len(run.rules), baselined, self.options, name)
                   if r["kind"] in wanted]
        results += [_gate(g, len(run.rules) + 1) for g in gate]
        results, dropped = _capped(results, MAX_RESULTS)
        invocation: dict = {"executionSuccessful": True, **_exit(report, gate, self.options),
                            "properties": {"as_of": run.as_of, "digest": run.digest, "packs": list(run.packs),
                                           "inputs": list(run.inputs), "included": sorted(wanted),
                                           "advisory": self.options.include_advisory}}
        if dropped:
            note = (f"{dropped:,} results left out: GitHub code scanning takes at most {MAX_RESULTS:,} per run "
                    "(the most severe were kept); split the catalog or leave out --sarif-include")
            invocation["toolExecutionNotifications"] = [{"level": "warning", "message": {"text": note}}]
            self.warnings.append(f"SARIF: {note}")
        doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
            "tool": {"driver": {"name": run.tool, "version": run.version, "rules": descriptors}},
            "invocations": [invocation],
            "results": results,
            "properties": {"summary": report.summary.to_dict(),
                           **({"coverage": report.summary.coverage.to_dict()}
                              if report.summary.coverage is not None else {}),
                           **_comparison(report)},
        }]}
        json.dump(doc, out, ensure_ascii=False, indent=2, allow_nan=False)
        out.write("\n")
