"""A ladder of maturity levels, as a pack or a profile declares it, and its checks.

    levels:                       # lowest first; each on top of the one below
      - name: bronze
        requires: [utility, warranty.security]
      - name: silver
        requires: [warranty, ADV-001]
      - name: gold
        requires: [verdict]       # the service is valuable

A requirement names a rule (its finding must be met or not applicable), a
criterion or warranty dimension (its status must be met) or ``verdict`` (the
service must be valuable). Nothing here decides anything: durable-rules
decided the findings, ``grade`` reads them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from ..documents import Reader, join, kind_of
from ..errors import Location, Problem, did_you_mean

VERDICT = "verdict"
CRITERIA = ("utility", "warranty", "warranty.availability", "warranty.capacity", "warranty.security",
            "warranty.continuity", "value")
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")


@dataclass(frozen=True)
class Level:
    name: str
    requires: tuple  # requirement names, in the order written
    description: str = ""
    location: Optional[Location] = field(default=None, compare=False)


@dataclass(frozen=True)
class Ladder:
    levels: tuple  # Level, lowest first
    source: str = ""  # the file that declared it

    @property
    def names(self) -> tuple:
        return tuple(lv.name for lv in self.levels)

    def to_data(self) -> list:
        return [{"name": lv.name, "requires": list(lv.requires)} for lv in self.levels]


def parse_levels(r: Reader, node: Any, path: str = "levels") -> tuple:
    """The levels of a ``levels:`` list (problems go to ``r``); () when unusable."""
    if not r.sequence(node, r.at(node, None, path), "'levels' (ordered levels, lowest first)"):
        return ()
    out, seen = [], {}
    for i, body in enumerate(node):
        lpath = join(path, i)
        loc = r.at(node, i, lpath)
        if not r.mapping(body, loc, "a level") or not r.keys(body, lpath, ("name", "requires"),
                                                              ("description",), "a level"):
            continue
        name = body["name"]
        if not isinstance(name, str) or not NAME.fullmatch(name):
            r.error(f"a level name starts with a letter and uses letters, digits, _ and -, got "
                    f"{kind_of(name)} {name!r}", r.at(body, "name", join(lpath, "name")))
            continue
        if name == "none":
            r.error("'none' names the services below the first level; give the level another name",
                    r.at(body, "name", join(lpath, "name")))
            continue
        if name in seen:
            r.error(f"level {name!r} is declared twice (first at line {seen[name].line})", loc)
            continue
        seen[name] = loc
        requires = _requires(r, body, join(lpath, "requires"))
        if requires is not None:
            out.append(Level(name, requires, str(body.get("description", "")).strip(), loc))
    return tuple(out)


def _requires(r: Reader, body: dict, path: str) -> Optional[tuple]:
    node = body["requires"]
    loc = r.at(body, "requires", path)
    if not r.sequence(node, loc, "'requires' (rule ids, criteria or 'verdict')"):
        return None
    if not node:
        r.error("a level requires at least one rule, criterion or 'verdict'", loc)
        return None
    names = []
    for i, item in enumerate(node):
        if not isinstance(item, str) or not item.strip():
            r.error(f"'requires' lists rule ids, criteria or 'verdict', got {kind_of(item)}",
                    r.at(node, i, join(path, i)))
            return None
        names.append(item.strip())
    return tuple(names)


def check_ladder(ladder: Ladder, rule_ids: Iterable[str], never: Iterable[str] = ()) -> list[Problem]:
    """Each requirement names an existing rule or a criterion (errors); lint's warnings:
    a requirement a lower level already makes, a level that adds nothing, a level that
    can never be reached because it requires a rule that can never be met (``never``)."""
    ids, never = list(rule_ids), set(never)
    known = list(CRITERIA) + [VERDICT] + ids
    out, below = [], {}
    for level in ladder.levels:
        new = 0
        for req in level.requires:
            if req not in known:
                out.append(Problem(f"level {level.name!r} requires {req!r}, which is no rule, criterion or "
                                   f"'verdict'{did_you_mean(req, known)}", level.location, "error", "level"))
            elif req in below:
                out.append(Problem(f"level {level.name!r} requires {req!r}, which level {below[req]!r} below "
                                   "already requires", level.location, "warning", "level"))
            else:
                new += 1
                below[req] = level.name
            if req in never:
                out.append(Problem(f"level {level.name!r} cannot be reached: it requires {req}, which no "
                                   "service can meet", level.location, "warning", "level"))
        if new == 0 and level.requires:
            out.append(Problem(f"level {level.name!r} adds no requirement to the levels below it, so every "
                               "service that reaches the one below reaches it too", level.location, "warning",
                               "level"))
    return out


def ladder_of(packs, profile_levels: Optional[Ladder] = None) -> tuple[Optional[Ladder], list[Problem]]:
    """The run's one ladder: the profile's, else the one pack that declares levels."""
    if profile_levels is not None:
        return profile_levels, []
    declared = [p for p in packs if getattr(p, "levels", ())]
    if not declared:
        return None, []
    problems = []
    if len(declared) > 1:
        names = ", ".join(p.name for p in declared)
        problems.append(Problem(f"packs {names} each declare levels; a run has one ladder: declare it in a "
                                "profile (its 'levels' replace the packs')", Location(file=declared[1].source),
                                "error", "level"))
    return Ladder(declared[0].levels, declared[0].source), problems
