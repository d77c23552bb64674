"""``history show RUN``: a stored run's reports, written as ``check`` wrote them.

The same output specs (``--format FMT[:FILE]``, ``--output``), the same
writer options (``--quiet`` with ``--fail-on``, ``--color``, ``--sarif-include``,
``--include-advisory``; what the CI formats hold follows ``--fail-on`` as in check)
and the same writers, fed the run's records as the codec gives them back: so
each report is byte for byte the one ``check`` wrote, or would have written
with that format. Nothing is evaluated again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, TextIO

from ..gate import fails, levels
from ..outputs import opened, options_for, output_specs
from ..report import WriterOptions


@dataclass(frozen=True)
class ShowOptions:
    formats: tuple = ("text",)
    output: Optional[str] = None
    quiet: bool = False
    fail_on: str = "not_valuable"
    color: str = "auto"
    sarif_include: tuple = ()
    include_advisory: bool = False


@dataclass(frozen=True)
class Shown:
    run: object  # the StoredRun
    services: int
    files: tuple  # the report files written
    warnings: tuple  # what a writer had to leave out (e.g. SARIF over GitHub's limits)


def show(history, name: str, options: ShowOptions, stdout: TextIO) -> Shown:
    specs = output_specs(options.formats, options.output)
    store_file = history.store.url.file  # a report never replaces the store's file
    with history.report(name) as (loaded, results):
        baselined = loaded.summary.baseline is not None
        keep = fails(options.fail_on, baselined) if options.quiet else None
        base = WriterOptions(keep=keep, include=frozenset(options.sarif_include),
                             fail_levels=frozenset(levels(options.fail_on)),
                             include_advisory=options.include_advisory)  # as check's CI formats
        writer_options = [options_for(s, base, options.color, stdout) for s in specs]
        with opened(specs, loaded.info, writer_options, stdout, [store_file] if store_file else []) as tee:
            for result in results:
                tee.write(result)
            tee.close(loaded.summary)
    return Shown(loaded.run, loaded.summary.services, tuple(s.file for s in specs if s.file), tuple(tee.warnings))
