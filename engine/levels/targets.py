"""Targets: "every tier-1 service reaches silver by 1 March", and a run's progress toward each.

    targets:
      - name: tier-1 silver          # optional; default "LEVEL by DATE"
        services: {tier: 1}          # the scope: fact path -> value (or a list of values)
        level: silver
        by: 2027-03-01

A service is in scope when every path of ``services`` records one of the
values given (an unrecorded fact is not in scope: nothing says it is). It
has reached the target when its level is the target's or above. Before the
date a target not reached by every service in scope is ``open``, after it
``missed``; ``check --fail-on-target missed`` fails CI then. The scope is a
selection of services, like ``--group-by``, not a rule: no rule decides it.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Optional

from ..documents import Reader, join, kind_of
from ..errors import Location, RulePackError, UserError, did_you_mean
from ..schema import FactSchema
from ..yamlio import load_single, read_text
from ..model.levels import MISSED, OPEN, Target, TargetProgress
from .ladder import Ladder

FAIL_ON_TARGET = ("never", "missed", "open")  # open: any target not yet reached fails too


def load_targets(path: str, ladder: Optional[Ladder], schema: Optional[FactSchema] = None) -> tuple:
    """The targets of a file, each checked: its scope's paths (single-value facts), its level
    (one of the ladder's), its date. Every problem is reported at once."""
    file = str(path)
    doc = load_single(read_text(file), file)
    items = doc.get("targets") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise UserError("a targets file is a list of targets, or a mapping with a 'targets' list",
                        Location(file=file))
    if ladder is None:
        raise UserError("targets name levels, but the policy declares none (add 'levels' to a pack or "
                        "the profile)", Location(file=file))
    r, schema = Reader(file), schema or FactSchema.default()
    out = [t for t in (_target(r, items, i, ladder, schema) for i in range(len(items))) if t is not None]
    errors = [p for p in r.problems if p.severity == "error"]
    if errors:
        raise RulePackError(errors)
    return tuple(out)


def _target(r: Reader, items: list, i: int, ladder: Ladder, schema: FactSchema) -> Optional[Target]:
    node, path = items[i], f"targets[{i}]"
    loc = r.at(items, i, path)
    if not r.mapping(node, loc, "a target") or not r.keys(node, path, ("services", "level", "by"),
                                                         ("name",), "a target"):
        return None
    level = node["level"]
    if level not in ladder.names:
        r.error(f"unknown level {level!r}{did_you_mean(str(level), list(ladder.names))}; the levels are "
                f"{', '.join(ladder.names)}", r.at(node, "level", join(path, "level")), code="level")
        return None
    by = _day(node["by"])
    if by is None:
        r.error(f"'by' must be a date YYYY-MM-DD, got {kind_of(node['by'])}", r.at(node, "by", join(path, "by")),
                code="type")
        return None
    scope = _scope(r, node, join(path, "services"), schema)
    if scope is None:
        return None
    name = str(node.get("name") or f"{level} by {by.isoformat()}")
    return Target(name, scope, level, by.isoformat(), f"{loc.file}:{loc.line}")


def _day(value) -> Optional[_dt.date]:
    if isinstance(value, _dt.date):  # YAML reads YYYY-MM-DD as a date
        return value
    try:
        return _dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _scope(r: Reader, node: dict, path: str, schema: FactSchema) -> Optional[tuple]:
    scope = node["services"]
    if not r.mapping(scope, r.at(node, "services", path), "'services' (fact path: value)"):
        return None
    out = []
    for key, value in scope.items():
        problem = schema.single_value_problem(str(key))
        if problem is not None:
            r.error(problem, r.at(scope, key, join(path, str(key))), code="fact-path")
            return None
        values = tuple(value) if isinstance(value, list) else (value,)
        out.append((str(key), tuple(v.isoformat() if isinstance(v, _dt.date) else v for v in values)))
    return tuple(out)


@dataclass
class TargetTally:
    """Progress toward each target, counted as graded services stream past."""

    targets: tuple
    as_of: _dt.date
    counts: dict = field(default_factory=dict)  # name -> [in scope, reached, [ids not reached]]

    def add(self, service_id, level) -> None:
        """``level``: the service's LevelResult, whose ``targets`` say which it is in scope of."""
        for name, reached in getattr(level, "targets", ()):
            c = self.counts.setdefault(name, [0, 0, []])
            c[0] += 1
            c[1] += reached
            if not reached:
                c[2].append(service_id)

    def result(self) -> tuple:
        out = []
        for t in self.targets:
            n, reached, below = self.counts.get(t.name, [0, 0, []])
            out.append(TargetProgress(t, n, reached, tuple(below),
                                      (_dt.date.fromisoformat(t.by) - self.as_of).days))
        return tuple(out)


def reached(ladder: Ladder, level: Optional[str], wanted: str) -> bool:
    names = ladder.names
    return level is not None and names.index(level) >= names.index(wanted)


def missed(progress: tuple, fail_on: str) -> list:
    """The targets that make ``check --fail-on-target`` fail: missed ones (or, ``open``, any not met)."""
    bad = {"never": (), "missed": (MISSED,), "open": (OPEN, MISSED)}[fail_on]
    return [p for p in progress if p.state in bad]
