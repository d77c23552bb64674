"""What the CI formats (github, sarif, junit, gitlab-codequality) share: which findings
they hold, whether a service fails the job, the waivers that fail it, stable identities.

A CI report holds, by default, only the findings that can fail the job: those that
decide a verdict (``Finding.counts``: a utility, warranty or value rule of severity
error), not met, and unknown too when ``--fail-on indeterminate`` makes unknowns fail.
Advisory findings (an advisory rule, or a severity below error) never fail a job: they
are held only with ``--include-advisory`` (``WriterOptions.include_advisory``). A
service fails the job when its verdict is at the ``--fail-on`` level or, against a
baseline, when it has a new finding at that level (``ServiceResult.fails_at``). Against
a baseline each held finding says whether it is new. A waiver that fails the job
(``--fail-on-waiver``) is one more failure, placed at the waiver's file and line.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional

from ..model import ERROR, NOT_MET, UNKNOWN, Finding, ServiceResult, Summary, gate_words, gated_waivers
from .base import WriterOptions

WAIVER_RULE = "valuate.waiver"  # the check / rule id of a waiver that fails the job
NEW = "new"


def unknown_held(options: WriterOptions) -> bool:
    """Unknown findings fail the job only under --fail-on indeterminate."""
    return "indeterminate" in options.fail_levels


def held(f: Finding, options: WriterOptions, unknown: Optional[bool] = None) -> bool:
    """Whether a CI format shows this finding: failing, and able to fail the job (or asked for),
    or about to, once its rule comes into force (shown as a note: it fails nothing yet)."""
    if f.status == UNKNOWN and not (unknown_held(options) if unknown is None else unknown):
        return False
    return f.failing and (f.counts or f.scheduled or options.include_advisory)


def held_findings(result: ServiceResult, options: WriterOptions, unknown: Optional[bool] = None) -> list:
    return [f for f in result.findings if held(f, options, unknown)]


def fails_job(result: ServiceResult, options: WriterOptions) -> bool:
    return result.fails_at(options.fail_levels)


def known(result: ServiceResult) -> bool:
    """Against a baseline, a failing service all of whose failures the baseline holds."""
    return result.baselined and not (result.baseline == NEW or any(
        f.baseline == NEW and not f.waived for f in result.findings))


def is_new(f: Finding) -> bool:
    return f.baseline == NEW and not f.waived


def new_mark(f: Finding) -> str:
    return " [new since the baseline]" if is_new(f) else ""


def not_failing_why(result: ServiceResult, options: WriterOptions) -> str:
    """Why a service that is not valuable does not fail the job, in words."""
    if result.baselined and known(result):
        return "every failure of it is in the baseline"
    if result.baselined:
        return "its new findings are below --fail-on"
    if not options.fail_levels:
        return "--fail-on never"
    return "below the --fail-on level"


@dataclass(frozen=True)
class GateFailure:
    """A waiver that fails the job (--fail-on-waiver), where it is written."""

    kind: str  # expired | unused
    service: str
    target: str
    text: str  # "waiver crm / WAR-001 expired on 2026-10-31"
    file: str
    line: Optional[int]

    @property
    def identity(self) -> str:
        return identity(WAIVER_RULE, self.kind, self.service, self.target)


def gate_failures(run, summary: Summary, options: WriterOptions) -> list:
    """The waivers that fail this job, each at its place in the waiver file."""
    out = []
    for kind, w in gated_waivers(run.waivers, summary.unused_waivers, options.waiver_gate):
        file, line = w.place()
        out.append(GateFailure(kind, w.service, w.target, gate_words(kind, w), file or run.waiver_file or "", line))
    return out


def identity(*parts: str) -> str:
    """A stable identity made of what names a finding (never of values that change): for
    GitLab's fingerprint and SARIF's partialFingerprints."""
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def labels(results) -> list:
    """Each record's label with a count for a repeated id (' #2'), in order."""
    seen: dict = {}
    out = []
    for result in results:
        name = result.id if result.id is not None else f"(record {result.position})"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return out


def is_not_met(f: Finding) -> bool:
    return f.status == NOT_MET
