"""Limits on what valuate reads, checked before anything reaches the engine.

Hostile or broken inputs must give a clear error, not exhaust memory or hang.
Every limit has a default meant to be far above any real catalog, and can be
changed for a run with ``--limit NAME=VALUE``.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from .errors import UserError
from .errors import did_you_mean


MAX_LIMIT = 1 << 50  # any limit: 1 PiB, far above anything a run could read


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 1 << 30  # a catalog read whole (YAML, JSON, XLSX): 1 GiB
    max_record_bytes: int = 4 << 20  # one record of a JSON / JSON Lines catalog: 4 MiB
    max_depth: int = 32  # nesting inside one record (the fact schema needs 5)
    max_yaml_values: int = 5_000_000  # values a YAML document expands to (aliases counted)
    max_pack_bytes: int = 8 << 20  # one rule-pack or test file: 8 MiB
    max_rules: int = 5000  # rules across all packs of a run
    max_xlsx_bytes: int = 512 << 20  # what an XLSX workbook's zipped parts unpack to: 512 MiB

    def with_overrides(self, overrides: dict) -> "Limits":
        known = {f.name for f in fields(self)}
        for name, value in overrides.items():
            if name not in known:
                raise UserError(f"unknown limit {name!r}{did_you_mean(name, sorted(known))}; "
                                f"known: {', '.join(sorted(known))}")
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise UserError(f"limit {name} must be a positive whole number, got {value!r}")
            if value > MAX_LIMIT:  # a read of more bytes than an index holds would crash, not read
                raise UserError(f"limit {name} must be at most {MAX_LIMIT:,}, got {value:,}")
        return replace(self, **overrides)


DEFAULT = Limits()
