"""What a run is asked to do: the typed request every command builds once.

A ``RunRequest`` has three parts:

- ``Policy``: which rule packs, parameter overrides (``--set``), profile,
  waiver file, evaluation date and input limits judge the services;
- ``Inputs``: where the services come from (catalog files, their format, a
  mapping for raw exports and joins), or records already in memory;
- ``RunOptions``: what to work out besides verdicts (condition trees, what
  would make a service pass), how many worker processes, and whether to
  evaluate only one service (``explain``).

The CLI builds one from its options; a library caller builds one directly
and passes it to ``engine.pipeline.run``. Nothing here reads a file.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from .limits import DEFAULT as DEFAULT_LIMITS
from .limits import Limits


@dataclass(frozen=True)
class Policy:
    """How services are judged."""

    rules: tuple = ()  # rule pack paths (directories or files); () is the bundled ITIL 4 pack
    params: Mapping[str, Any] = field(default_factory=dict)  # "name" or "pack.name" -> value (--set)
    profile: Optional[str] = None  # profile YAML: parameter overrides, rules disabled or re-graded
    waivers: Optional[str] = None  # waiver YAML
    targets: Optional[str] = None  # targets YAML: services in scope, a level, a date (engine/levels)
    waiver_warning_days: int = 30  # waivers expiring within this many days are reported
    as_of: Optional[_dt.date] = None  # evaluation date; None is today
    limits: Limits = DEFAULT_LIMITS

    def day(self) -> _dt.date:
        return self.as_of or _dt.date.today()


@dataclass(frozen=True)
class Inputs:
    """Where the services come from: catalog files, or ``records`` in memory."""

    catalogs: tuple = ()  # file paths, read in order; "-" is standard input, a directory its catalog files
    input_format: Optional[str] = None  # when the extension does not say
    mapping: Any = None  # a preset name, a mapping file, or a loaded Mapping, for raw exports
    joins: tuple = ()  # "MAPPING=FILE" joins merged into mapped records
    # The file standard input ("-") really is (--stdin-filename): reports name it and its
    # lines, and its extension tells the format. None: "<stdin>". Only a run reading "-" sets it.
    stdin_name: Optional[str] = None
    # Records already in memory, instead of catalogs: service dicts (canonical
    # facts) or ingest RawRecords, evaluated in order.
    records: Optional[tuple] = None


@dataclass(frozen=True)
class RunOptions:
    """What to work out, and where."""

    conditions: bool = False  # build full condition trees (explain, HTML, Markdown)
    suggest: bool = True  # work out and verify what would make failing services pass
    jobs: int = 1  # worker processes (each with its own durable-rules engine)
    only: Optional[str] = None  # evaluate only the first service with this id
    strict: bool = False  # unknown keys in a canonical record are errors, not warnings
    # A baseline to judge against (check --baseline): a file written by `valuate
    # baseline create` or a previous JSON/JSONL report, or a loaded compare.Snapshot.
    baseline: Any = None
    # fact paths the human-facing reports also group verdicts by, besides provider and tier
    # (``valuate check --group-by``); checked against the fact schema when the run starts
    group_by: tuple = ()
    # An earlier report to compare with (check --compare): a JSON or JSON Lines report
    # of `valuate check`, or a loaded compare.Snapshot. Every report then carries the
    # comparison, and each open finding the date it was first seen failing.
    compare: Any = None


@dataclass(frozen=True)
class RunRequest:
    policy: Policy = field(default_factory=Policy)
    inputs: Inputs = field(default_factory=Inputs)
    options: RunOptions = field(default_factory=RunOptions)
