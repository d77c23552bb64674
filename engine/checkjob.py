"""``valuate check`` as a library call: resolved settings in, reports written, a verdict for CI out.

    job = CheckJob(resolve("check", {"format": ("sarif:valuate.sarif", "text")}))
    summary = job.execute()
    for line in job.notices(summary): print("valuate:", line, file=sys.stderr)
    sys.exit(1 if job.failed(summary) else 0)

The job builds the request (engine/config), the outputs (engine/outputs),
the ``--quiet`` filter and the fail gate (engine/gate) and the progress bar,
runs the pipeline once and writes every report from that one pass. With
``--store`` it also records the run (engine/history) once the reports are
written; a store that fails then leaves ``store_failure`` for the caller.
"""
from __future__ import annotations

import os
import sys
from dataclasses import replace
from typing import Callable, Optional, TextIO

from .compare import new_findings
from .config import Resolved
from .errors import UserError
from .history import is_run_name, recording
from .evaluate import default_jobs
from .gate import failed, fails, levels
from .ingest.registry import count_hint
from .levels import missed
from .model import ServiceResult, Summary
from .outputs import conditions_needed, opened, options_for, output_specs, worker_render
from .pipeline import run
from .policy.waivers import waiver_failures, waiver_warnings
from .progress import Progress, plural, wanted
from .reads import run_inputs
from .report import Writer, WriterOptions

WARNINGS_SHOWN = 50  # record warnings printed one by one; the rest are counted
NEW_SHOWN = 20  # new findings (against a baseline) printed one by one


class _NewFindings(Writer):
    """Rides along the reports: collects the findings a baseline does not hold."""

    def __init__(self):
        super().__init__(None, None)
        self.found: list = []

    def write(self, result: ServiceResult) -> None:
        label = result.id if result.id is not None else f"record {result.position}"
        self.found += [(label, rule, status, message) for rule, status, message in new_findings(result)]

    def close(self, summary: Summary) -> None:
        pass


class CheckJob:
    def __init__(self, settings: Resolved, stdout: Optional[TextIO] = None, stderr: Optional[TextIO] = None):
        self.settings = settings
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.specs = output_specs(settings["format"], settings["output"])
        baselined = settings["baseline"] is not None
        keep = fails(settings["fail_on"], baselined) if settings["quiet"] else None
        base = WriterOptions(keep=keep, include=frozenset(settings["sarif_include"]),
                             fail_levels=frozenset(levels(settings["fail_on"])),
                             include_advisory=settings["include_advisory"],
                             waiver_gate=tuple(settings["fail_on_waiver"]), verbose=settings["verbose"],
                             width=settings["width"])
        self.options = [options_for(s, base, settings["color"], self.stdout) for s in self.specs]
        self.store = _recording(settings)
        # a stored run keeps its condition trees: `history show` may render it as HTML later
        conditions = conditions_needed(self.specs) or self.store is not None
        self.request = settings.request(conditions=conditions, jobs=default_jobs())
        if self.store is not None and self.store.compares:
            self.request = replace(self.request, options=replace(self.request.options, compare=self.store.compare))
        self.new = _NewFindings() if baselined else None
        self.record_warnings: list = []
        self.writer_warnings: list = []
        self.skipped = 0
        self.rules_then = None  # (the baseline's rules digest, this run's), against a baseline

    def execute(self, on_warning: Optional[Callable[[str], None]] = None) -> Summary:
        def warn(line: str) -> None:
            self.record_warnings.append(line)
            if on_warning is not None and len(self.record_warnings) <= WARNINGS_SHOWN:
                on_warning(line)

        render = worker_render(self.specs, self.options[0])
        store = self.store
        with run_inputs():  # every file the run reads: no report may replace one (engine/reads.py)
            current = run(self.request, render=render, on_warning=warn, record=store.form if store else None)
            self.waivers = current.info.waivers
            if current.baseline is not None:
                self.rules_then = (current.baseline.snapshot.rules_digest, current.info.digest)
            if store is not None:
                current.summary.trend = store.trend
            with opened(self.specs, current.info, self.options, self.stdout, self.settings.files_read()) as tee:
                if self.new is not None:
                    tee.writers.append(self.new)
                summary = current.write_to(tee, self._progress(), store.recorder.add if store else None)
        self.writer_warnings = list(tee.warnings)
        self.skipped = current.stats.skipped
        if store is not None:
            store.commit(current.info, summary)
        return summary

    @property
    def store_failure(self) -> Optional[UserError]:
        """Recording the run failed (after the reports were written): the caller reports it, exit 2."""
        return self.store.failure if self.store is not None else None

    def _progress(self) -> Progress:
        show = not self.settings["quiet"] and wanted(self.stderr, self.stdout, any(s.to_stdout for s in self.specs))
        total = count_hint(self.request.inputs.catalogs, self.request.inputs.input_format) \
            if show and self.request.inputs.mapping is None else None
        return Progress(total, self.stderr, show)

    def failed(self, summary: Summary) -> bool:
        return failed(summary, self.settings["fail_on"]) or bool(self._waiver_gate(summary)) \
            or bool(self._target_gate(summary))

    def _target_gate(self, summary: Summary) -> list:
        return missed(summary.targets, self.settings.values.get("fail_on_target", "never"))

    def _waiver_gate(self, summary: Summary) -> list:
        return waiver_failures(self.waivers, summary.unused_waivers, self.settings["fail_on_waiver"])

    def notices(self, summary: Summary) -> list:
        """What standard error should say after the reports: ``(kind, text)``, kind warning or note."""
        out = [("warning", w) for w in self.writer_warnings]
        hidden = len(self.record_warnings) - WARNINGS_SHOWN
        if hidden > 0:
            out.append(("warning", f"... and {plural(hidden, 'more record warning')} "
                                   "(--strict makes unknown keys errors)"))
        out += [("warning", line) for line in waiver_warnings(self.waivers, summary.unused_waivers)]
        out += [("note", f"--fail-on-waiver: {line}") for line in self._waiver_gate(summary)]
        out += [("note", f"--fail-on-target: {p.text()}") for p in self._target_gate(summary)]
        if self.skipped:
            out.append(("note", f"the mapping's where: skipped {self.skipped} record(s) that are not services "
                                "(valuate facts lists what was kept)"))
        if summary.blank_rows:
            out.append(("note", f"{summary.blank_note()[2:]} (empty rows are not records)"))
        out += self._baseline_notices(summary)
        if not self.settings["quiet"]:
            out += [("note", f"wrote {s.file} ({plural(summary.services)})") for s in self.specs if s.file]
        if self.store is not None:
            out += [("note", line) for line in self.store.notes]
        return out

    def _other_rules(self, file: str) -> list:
        """A baseline made under other rules (packs, parameters, profile): said, not refused."""
        then, now = self.rules_then or (None, None)
        if then == now:
            return []
        made = f"under other rules ({_short(then)}; now {_short(now)})" if then else "without a rules digest"
        return [("note", f"the baseline {file} was made {made}: a finding of a changed rule may show as new, "
                         "and one of a removed rule as fixed ('valuate baseline create' again makes it current)")]

    def _baseline_notices(self, summary: Summary) -> list:
        b = summary.baseline
        if b is None:
            return []
        found = self.new.found
        out = self._other_rules(b.file)
        out += [("note", f"{plural(len(found), 'new finding')} not in the baseline {b.file}"
                        + (":" if found else ""))]
        out += [("note", f"  new: {label} / {rule} ({status}): {message}")
                for label, rule, status, message in found[:NEW_SHOWN]]
        if len(found) > NEW_SHOWN:
            out.append(("note", f"  ... and {len(found) - NEW_SHOWN} more (the reports mark each one)"))
        if b.waived:
            entries = "1 baseline entry" if len(b.waived) == 1 else f"{len(b.waived):,} baseline entries"
            out.append(("note", f"{entries} waived now, not fixed: still failing, known again when the "
                                "waiver ends"))
        if b.fixed:
            entries = "1 baseline entry no longer occurs" if len(b.fixed) == 1 else \
                f"{len(b.fixed):,} baseline entries no longer occur"
            out.append(("note", f"{entries} (fixed): run "
                                "'valuate baseline create' again to shrink the file"))
        return out


def _short(digest: str) -> str:
    return digest[:len("sha256:") + 12] if digest.startswith("sha256:") else digest


def _recording(settings: Resolved):
    """The run store of ``--store``, opened; ``--compare RUN`` without one is an error naming the setting."""
    compare = settings["compare"]
    if settings["store"] is None:
        if is_run_name(compare) and not os.path.exists(compare):
            raise UserError(f"--compare {compare} names a stored run: give the store with --store URL "
                            "(or store in valuate.toml, or VALUATE_STORE)")
        return None
    return recording(settings["store"], compare)
