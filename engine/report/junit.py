"""``--format junit``: JUnit XML for CI test reports.

One ``<testsuite>`` per run, one ``<testcase>`` per input record (classname:
the catalog file; name: the service). A valuable service passes; a not
valuable one is a ``<failure>`` whose text lists the deciding findings not
met (and unknown) and what would make it pass; an indeterminate one is
``<skipped>`` with the unknown findings (nothing failed, nothing could be
judged: CI stays green unless ``--fail-on indeterminate`` says otherwise);
an invalid record is an ``<error>`` with the field and what was expected.
No timestamps or durations, so the same input gives the same file.
"""
from __future__ import annotations

import re
from typing import TextIO
from xml.etree import ElementTree as ET

from ..model import ERROR, INDETERMINATE, NOT_VALUABLE, Report, ServiceResult
from . import view
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
            lines += [f"  - {c.text} [{c.rule}]" for c in tp.changes]
        else:
            lines.append(f"What would make it pass: no verified change found ({tp.note})")
    if result.source:
        lines.append(f"\nat {result.source}")
    return "\n".join(lines)


def _case(suite: ET.Element, result: ServiceResult) -> None:
    attrs = {"classname": _x(result.source.file) if result.source else "catalog",
             "name": _x(view.title(result))}
    if result.source:
        attrs["file"] = _x(result.source.file)
        if result.source.line is not None:
            attrs["line"] = str(result.source.line)
    case = ET.SubElement(suite, "testcase", attrs)
    failing = view.failing(result)
    if result.verdict == ERROR:
        msg = _x("; ".join(view.errors(result)))
        ET.SubElement(case, "error", {"type": "invalid_record", "message": msg}).text = \
            msg + _x(f"\nat {result.source}" if result.source else "")
    elif result.verdict == NOT_VALUABLE:
        not_met = [f"{f.rule} {f.message}" for f in failing if f.status == "not_met"]
        ET.SubElement(case, "failure", {"type": NOT_VALUABLE, "message": _x("; ".join(not_met))}).text = \
            _x(_reasons(result))
    elif result.verdict == INDETERMINATE:
        unknown = [f"{f.rule} {f.message}" for f in failing]
        ET.SubElement(case, "skipped", {"message": _x("indeterminate: " + "; ".join(unknown))})
        ET.SubElement(case, "system-out").text = _x(_reasons(result))


class JunitWriter(CollectingWriter):
    def render(self, report: Report, out: TextIO) -> None:
        s, run = report.summary, report.run
        counts = {"tests": str(s.services), "failures": str(s.verdicts[NOT_VALUABLE]),
                  "errors": str(s.verdicts[ERROR]), "skipped": str(s.verdicts[INDETERMINATE])}
        # Pack names are text from a YAML file: every string goes through _x.
        root = ET.Element("testsuites", {"name": _x(run.tool), **counts})
        suite = ET.SubElement(root, "testsuite", {"name": _x(f"{run.tool}: {', '.join(run.packs)}"), **counts})
        props = ET.SubElement(suite, "properties")
        for name, value in (("version", run.version), ("rules", ", ".join(run.packs)),
                            ("digest", run.digest), ("as_of", run.as_of)):
            ET.SubElement(props, "property", {"name": name, "value": _x(value)})
        for result in report.services:
            _case(suite, result)
        ET.indent(root)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(ET.tostring(root, encoding="unicode"))
        out.write("\n")
