"""``--format junit``: JUnit XML for CI test reports, valid against junit-10.xsd.

The widely used schema is the Jenkins xUnit plugin's junit-10.xsd (GitLab
and GitHub test reporters read the same dialect); the tests validate every
report against it. One ``<testsuite>`` per catalog file (its ``file``
attribute), one ``<testcase>`` per input record: ``classname`` the catalog
file, ``name`` the service id, so a renamed service is the same test; a
repeated id gets `` #2``, `` #3`` (the duplicate-id error is its own test,
not merged away). The schema gives a testcase no file or line, so the
record's place and display name are in its ``<system-out>``.

A valuable service passes. A service that fails the job (its verdict at the
``--fail-on`` level or, against a baseline, a new finding at it) is a
``<failure>`` whose text lists the findings that can fail the job (deciding;
advisory ones with ``--include-advisory``), each new one marked, and what
would make it pass; an invalid record that fails the job is an ``<error>``
with the field and what was expected. Any other service that is not
valuable (indeterminate under the default ``--fail-on``, every failure in the
baseline, anything under ``--fail-on never``) is ``<skipped>`` with the
reason it does not fail the job, so a green job shows no failures and the one
new finding stands out. A waiver that fails the job (``--fail-on-waiver``) is
a failed test case of its own, in a suite for the waiver file. No timestamps
or durations, so the same input gives the same file.
"""
from __future__ import annotations

import re
from typing import TextIO
from xml.etree import ElementTree as ET

from ..model import ERROR, INDETERMINATE, NOT_VALUABLE, VALUABLE, Report, ServiceResult
from . import changes, ci, view
from .levels import distribution, level_lines, scheduled_lines, upcoming_lines
from .base import CollectingWriter, WriterOptions


# Characters XML 1.0 cannot carry at all (ElementTree would write them and break the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _reasons(result: ServiceResult, options: WriterOptions) -> str:
    lines = [f"{f.status:<8} {f.rule} {view.where(f)}: {f.message}{ci.new_mark(f)}"
             + (f" (waived: {view.waiver(f)})" if view.waiver(f) else "")
             for f in ci.held_findings(result, options, unknown=True)]
    tp = result.to_pass
    if tp is not None:
        lines.append("")
        if tp.verified:
            lines.append("What would make it pass (verified):")
            for heading, items in view.to_pass_groups(tp):
                lines.append(f"  {heading}:")
                lines += [f"    - {text} [{rules}]" for text, rules in items]
            if tp.advice:
                lines.append(f"  {tp.advice}")
        else:
            lines.append(f"What would make it pass: no verified change found ({tp.note})")
    return "\n".join(lines)


def _where(result: ServiceResult) -> str:
    """What the schema has no attribute for: the display name and the record's place."""
    lines = [view.title(result)]
    if result.source:
        lines.append(f"at {result.source}")
    note = changes.service_note(result.change)
    if note:
        lines.append(f"since the last review: {note}")
    lines += [line.strip() for line in level_lines(result)]  # its level, and what comes into force
    return "\n".join(lines)


def _case(suite: ET.Element, result: ServiceResult, name: str, options: WriterOptions) -> str:
    """One record's test case; returns what it is: passed, failure, error or skipped."""
    attrs = {"name": _x(name), "classname": _x(result.source.file) if result.source else "catalog"}
    case = ET.SubElement(suite, "testcase", attrs)
    kind = "passed"
    if result.verdict != VALUABLE and ci.fails_job(result, options):
        kind = "error" if result.verdict == ERROR else "failure"
        if kind == "error":
            msg = _x("; ".join(view.errors(result)) + (" [new since the baseline]" if result.baseline == "new" else ""))
            ET.SubElement(case, "error", {"type": "invalid_record", "message": msg}).text = msg
        else:
            status = "not_met" if result.verdict != "indeterminate" else "unknown"
            held = [f for f in ci.held_findings(result, options, unknown=True) if not f.waived and f.status == status]
            first = [f for f in held if ci.is_new(f)] or held  # under a baseline, what is new comes first
            message = "; ".join(f"{f.rule} {f.message}{ci.new_mark(f)}" for f in first)
            ET.SubElement(case, "failure", {"type": result.verdict, "message": _x(message)}).text = \
                _x(_reasons(result, options))
    elif result.verdict != VALUABLE:
        kind = "skipped"
        if result.verdict == ERROR:
            what = "invalid record: " + "; ".join(view.errors(result))
        else:
            what = f"{result.verdict}: " + "; ".join(f"{f.rule} {f.message}{ci.new_mark(f)}"
                                                    for f in ci.held_findings(result, options, unknown=True))
        ET.SubElement(case, "skipped", {"message": _x(f"{what} (does not fail the job: "
                                                      f"{ci.not_failing_why(result, options)})")}).text = \
            _x(_reasons(result, options)) if result.verdict != ERROR else None
    ET.SubElement(case, "system-out").text = _x(_where(result))
    return kind


def _gate_suite(root: ET.Element, report: Report, gate: list) -> None:
    """The waivers that fail the job: one failed test case each, in a suite for the waiver file."""
    file = gate[0].file
    suite = ET.SubElement(root, "testsuite", {"name": _x(f"{report.run.tool}: {file}"), "tests": str(len(gate)),
                                              "failures": str(len(gate)), "errors": "0", "skipped": "0",
                                              "file": _x(file)})
    for g in gate:
        case = ET.SubElement(suite, "testcase", {"name": _x(f"waiver {g.service} / {g.target}"),
                                                 "classname": _x(g.file)})
        ET.SubElement(case, "failure", {"type": f"waiver_{g.kind}", "message": _x(g.text)}).text = \
            _x(f"{g.text}: --fail-on-waiver {g.kind} fails the job")
        ET.SubElement(case, "system-out").text = _x(f"at {g.file}" + (f":{g.line}" if g.line else ""))


def _properties(suite: ET.Element, report: Report) -> None:
    run, s = report.run, report.summary
    props = ET.SubElement(suite, "properties")
    for name, value in (("version", run.version), ("rules", ", ".join(run.packs)),
                        ("digest", run.digest), ("as_of", run.as_of)):
        ET.SubElement(props, "property", {"name": name, "value": _x(value)})
    if s.comparison is not None:  # what changed since the last review, in words
        for i, line in enumerate(changes.lines(s.comparison), 1):
            ET.SubElement(props, "property", {"name": f"comparison.{i}", "value": _x(line.strip())})
    rows = distribution(run, s)
    if rows:  # services per level, lowest first
        ET.SubElement(props, "property", {"name": "levels", "value": _x(", ".join(f"{n} {c}" for n, c in rows))})
    for i, line in enumerate(scheduled_lines(run) + upcoming_lines(s), 1):
        ET.SubElement(props, "property", {"name": f"coming_into_force.{i}", "value": _x(line)})
    if s.coverage is not None:  # what the catalog lacks, in words (data coverage)
        for i, note in enumerate(s.coverage.notes, 1):
            ET.SubElement(props, "property", {"name": f"coverage.{i}", "value": _x(note)})


class JunitWriter(CollectingWriter):
    def render(self, report: Report, out: TextIO) -> None:
        run = report.run
        root = ET.Element("testsuites", {"name": _x(run.tool)})
        by_file: dict = {}
        for result, name in zip(report.services, ci.labels(report.services)):
            by_file.setdefault(result.source.file if result.source else "catalog", []).append((result, name))
        if not by_file:  # no records: one empty suite still carries the run's properties
            by_file[", ".join(run.inputs) or "catalog"] = []
        totals = {"tests": 0, "failure": 0, "error": 0}
        for file, cases in by_file.items():
            suite = ET.SubElement(root, "testsuite", {"name": _x(f"{run.tool}: {file}")})
            _properties(suite, report)
            kinds = [_case(suite, result, name, self.options) for result, name in cases]
            counts = {"tests": len(kinds), "failures": kinds.count("failure"), "errors": kinds.count("error"),
                      "skipped": kinds.count("skipped")}
            suite.attrib.update({k: str(v) for k, v in counts.items()}, file=_x(file))
            totals = {"tests": totals["tests"] + len(kinds), "failure": totals["failure"] + counts["failures"],
                      "error": totals["error"] + counts["errors"]}
        gate = ci.gate_failures(run, report.summary, self.options)
        if gate:
            _gate_suite(root, report, gate)
        root.attrib.update(tests=str(totals["tests"] + len(gate)), failures=str(totals["failure"] + len(gate)),
                           errors=str(totals["error"]))
        ET.indent(root)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(root, encoding="unicode"))
        out.write("\n")
