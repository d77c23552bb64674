"""``--format junit``: JUnit XML for CI test reports, valid against junit-10.xsd.

The widely used schema is the Jenkins xUnit plugin's junit-10.xsd (GitLab
and GitHub test reporters read the same dialect); the tests validate every
report against it. One ``<testsuite>`` per catalog file (its ``file``
attribute), one ``<testcase>`` per input record: ``classname`` the catalog
file, ``name`` the service id, so a renamed service is the same test; a
repeated id gets `` #2``, `` #3`` (the duplicate-id error is its own test,
not merged away). The schema gives a testcase no file or line, so the
record's place and display name are in its ``<system-out>``.

A valuable service passes; a not valuable one is a ``<failure>`` whose
text lists the deciding findings not met (and unknown) and what would make
it pass; an indeterminate one is ``<skipped>`` with the unknown findings
(nothing failed, nothing could be judged: CI stays green unless
``--fail-on indeterminate`` says otherwise); an invalid record is an
``<error>`` with the field and what was expected. No timestamps or
durations, so the same input gives the same file.
"""
from __future__ import annotations

import re
from typing import TextIO
from xml.etree import ElementTree as ET

from ..model import ERROR, INDETERMINATE, NOT_VALUABLE, Report, ServiceResult
from . import changes, view
from .levels import distribution, level_lines, scheduled_lines, upcoming_lines
from .base import CollectingWriter


# Characters XML 1.0 cannot carry at all (ElementTree would write them and break the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _reasons(result: ServiceResult) -> str:
    lines = [f"{f.status:<8} {f.rule} {view.where(f)}: {f.message}"
             + (f" (waived: {view.waiver(f)})" if view.waiver(f) else "") for f in view.failing(result)]
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


def _names(results) -> list:
    """One distinct, rename-proof test name per record: the id, then ' #2' for a repeat."""
    seen: dict = {}
    out = []
    for result in results:
        name = view.label(result)
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return out


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


def _case(suite: ET.Element, result: ServiceResult, name: str) -> None:
    attrs = {"name": _x(name), "classname": _x(result.source.file) if result.source else "catalog"}
    case = ET.SubElement(suite, "testcase", attrs)
    failing = view.failing(result)
    if result.verdict == ERROR:
        msg = _x("; ".join(view.errors(result)))
        ET.SubElement(case, "error", {"type": "invalid_record", "message": msg}).text = msg
    elif result.verdict == NOT_VALUABLE:
        not_met = [f"{f.rule} {f.message}" for f in failing if f.status == "not_met"]
        ET.SubElement(case, "failure", {"type": NOT_VALUABLE, "message": _x("; ".join(not_met))}).text = \
            _x(_reasons(result))
    elif result.verdict == INDETERMINATE:
        unknown = [f"{f.rule} {f.message}" for f in failing]
        ET.SubElement(case, "skipped", {"message": _x("indeterminate: " + "; ".join(unknown))}).text = \
            _x(_reasons(result))
    ET.SubElement(case, "system-out").text = _x(_where(result))


def _counts(results) -> dict:
    verdicts = [r.verdict for r in results]
    return {"tests": str(len(verdicts)), "failures": str(verdicts.count(NOT_VALUABLE)),
            "errors": str(verdicts.count(ERROR))}


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
        root = ET.Element("testsuites", {"name": _x(run.tool), **_counts(report.services)})
        by_file: dict = {}
        for result, name in zip(report.services, _names(report.services)):
            by_file.setdefault(result.source.file if result.source else "catalog", []).append((result, name))
        if not by_file:  # no records: one empty suite still carries the run's properties
            by_file[", ".join(run.inputs) or "catalog"] = []
        for file, cases in by_file.items():
            results = [r for r, _ in cases]
            counts = {**_counts(results), "skipped": str(sum(r.verdict == INDETERMINATE for r in results))}
            suite = ET.SubElement(root, "testsuite", {"name": _x(f"{run.tool}: {file}"), **counts, "file": _x(file)})
            _properties(suite, report)
            for result, name in cases:
                _case(suite, result, name)
        ET.indent(root)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(root, encoding="unicode"))
        out.write("\n")
