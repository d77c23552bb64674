"""Profiles: a governance team's tuning of rule packs, in YAML.

    profile: tier-strict               # a name for reports (default: the file name)
    extends: base.yaml                 # or a list; paths relative to this file, applied first
    parameters:
      min_headroom: 0.2                # or itil4.min_headroom when packs share a name
      min_availability_target:         # a value per kind of service
        cases:
          - {when: {fact: tier, eq: 1}, value: 99.95}
          - {value: 99.5}
    rules:
      ADV-011: {enabled: false}        # switched off
      ADV-001: {severity: info}        # error | warning | info
      WAR-003: {effective: 2027-03-01} # decides from that day on; reported before it
    levels:                            # maturity levels: they replace the packs' (engine/levels)
      - {name: bronze, requires: [utility]}

Layers apply in order (an ``extends`` chain first, the file itself last), so
the later layer wins per parameter and per rule setting; ``--set`` wins over
all of them. Unknown parameters, rules, keys and wrongly typed values are
errors with ``file:line:col``; every problem is reported at once.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..errors import Location, Problem, RulePackError, UserError
from ..schema import FactSchema
from ..errors import did_you_mean
from ..rules import check_param_value
from ..rules.param_cases import DEFAULT, is_cases, parse_cases, settle
from ..rules.conditions import Scope
from ..rules.operands import effective_date
from ..levels import Ladder, parse_levels
from ..rules.aliases import known_ids, renames
from ..rules.language import SEVERITIES, Pack
from ..documents import Reader, join, kind_of
from ..yamlio import load_single, read_text

PROFILE_KEYS = ("profile", "description", "extends", "parameters", "rules", "levels")
RULE_SETTINGS = ("enabled", "severity", "effective")


@dataclass(frozen=True)
class Profile:
    name: str
    files: tuple  # every file read, bases first (for the digest)
    params: dict  # (pack, parameter) -> value (ParamCases for fact-dependent ones)
    rules: dict  # rule id -> {"enabled": bool, "severity": str, "effective": date}, merged over the layers
    digest: str = ""
    levels: Optional[Ladder] = None  # the profile's maturity levels: they replace the packs'
    former: tuple = ()  # (file:line, former id written, the rule's id now): for lint to suggest the id

    def overrides(self) -> dict:
        """Parameter overrides in the form ``api.resolve_params`` takes."""
        return {f"{pack}.{name}": value for (pack, name), value in self.params.items()}


@dataclass
class _Layers:
    """One profile file resolved with everything it extends (its bases applied first)."""

    files: list = field(default_factory=list)
    # (file, (pack, parameter)) -> (value as written, the pack's default), in the order the
    # layers apply: partial cases refine what lies below, so values are settled at the end
    laid: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    name: Optional[str] = None
    levels: Optional[Ladder] = None
    former: list = field(default_factory=list)  # rules named by a former id: (file:line, written, id)

    def add(self, later: "_Layers") -> None:
        """Apply ``later`` on top: it wins per parameter and per rule setting."""
        self.files.extend(f for f in later.files if f not in self.files)
        for key, value in later.laid.items():
            self.laid.pop(key, None)  # re-insert: the later layer is applied later (once per file)
            self.laid[key] = value
        for rid, settings in later.rules.items():
            self.rules[rid] = {**self.rules.get(rid, {}), **settings}
        self.former.extend(f for f in later.former if f not in self.former)
        self.name = later.name or self.name
        self.levels = later.levels or self.levels  # a ladder is replaced whole, never merged

    @property
    def params(self) -> dict:
        """(pack, parameter) -> value: each file's value laid over those below it."""
        out: dict = {}
        for (_, key), (value, default) in self.laid.items():
            below = out.pop(key, None)
            out[key] = settle(value, below, default)
        return out


def load_profile(path: str, packs: list, schema: Optional[FactSchema] = None) -> Profile:
    """Read a profile (and what it extends) against the loaded ``packs``."""
    problems: list = []
    layers = _resolve(Path(path), packs, schema or FactSchema.default(), {}, [], problems)
    errors = [p for p in dict.fromkeys(problems) if p.severity == "error"]
    if errors:
        raise RulePackError(errors)
    h = hashlib.sha256()
    for file in layers.files:
        h.update(Path(file).read_bytes() + b"\0")
    return Profile(layers.name or Path(path).stem, tuple(layers.files), dict(layers.params),
                   dict(layers.rules), "sha256:" + h.hexdigest(), layers.levels, tuple(layers.former))


def _resolve(path: Path, packs: list, schema: FactSchema, done: dict, chain: list, problems: list) -> _Layers:
    """The file with its bases applied, each file read and resolved once (``done``):
    five files extending each other forty times over would otherwise be read
    millions of times."""
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(str(p) for p in chain + [resolved])
        problems.append(Problem(f"profiles extend each other in a circle: {cycle}", Location(file=str(path))))
        return _Layers()
    if resolved not in done:
        out = _Layers()
        own = _own(path, packs, schema, problems)
        for base in own.pop("extends", ()):
            out.add(_resolve(path.parent / base, packs, schema, done, chain + [resolved], problems))
        out.add(own["layer"])
        done[resolved] = out
    return done[resolved]


def _own(path: Path, packs: list, schema: FactSchema, problems: list) -> dict:
    """What one file says by itself: its bases, and its layer."""
    file = str(path)
    r = Reader(file)
    layer = _Layers()
    try:
        doc = load_single(read_text(file), file)
    except UserError as err:
        problems.append(Problem(err.message, err.location or Location(file=file), "error", "yaml"))
        return {"layer": layer}
    if doc is None:
        doc = {}
    if not r.document(doc, r.at(doc), "a profile"):
        problems.extend(r.problems)
        return {"layer": layer}
    r.keys(doc, "", (), PROFILE_KEYS, "a profile")
    bases = _extends(r, doc)
    layer.files.append(file)
    if "profile" in doc:
        layer.name = r.string(doc, "profile", "", "the profile name")
    if doc.get("parameters") is not None:
        _parameters(r, doc["parameters"], packs, schema, layer)
    if doc.get("rules") is not None:
        _rules(r, doc["rules"], packs, layer)
    if "levels" in doc:
        levels = parse_levels(r, doc["levels"])
        layer.levels = Ladder(levels, file) if levels else None
    problems.extend(r.problems)
    return {"layer": layer, "extends": bases}


def _extends(r: Reader, doc: dict) -> list:
    node = doc.get("extends")
    if node is None:
        return []
    items = node if isinstance(node, list) else [node]
    out = []
    for i, item in enumerate(items):
        if isinstance(item, str) and item.strip():
            out.append(item)
        else:
            where = r.at(node, i, f"extends[{i}]") if isinstance(node, list) else r.at(doc, "extends", "extends")
            r.error(f"'extends' names profile files, got {kind_of(item)}", where)
    return out


def targets(packs: list, key: str) -> list:
    """The packs a parameter key ('name' or 'pack.name') refers to."""
    pack_name, _, name = str(key).rpartition(".")
    return [p for p in packs if (not pack_name or p.name == pack_name) and name in p.parameters]


def _parameters(r: Reader, node: Any, packs: list, schema: FactSchema, layers: _Layers) -> None:
    if not r.mapping(node, r.at(node, None, "parameters"), "'parameters'"):
        return
    known = sorted({n for p in packs for n in p.parameters} | {f"{p.name}.{n}" for p in packs for n in p.parameters})
    scope = Scope(schema, None, {}, {})
    for key, value in node.items():
        path = join("parameters", str(key))
        found = targets(packs, key)
        if not found:
            r.error(f"unknown parameter {key!r}{did_you_mean(str(key), known)}", r.at(node, key, path), code="param")
            continue
        name = str(key).rpartition(".")[2]
        params = [p.parameters[name] for p in found]
        if is_cases(value):
            value = parse_cases(r, value, path, scope,
                                lambda v: next((m for m in (check_param_value(p, v) for p in params) if m), None))
            if value is None:
                continue
        elif value != DEFAULT:
            problem = next((m for m in (check_param_value(p, value) for p in params) if m), None)
            if problem:
                r.error(f"parameter {key!r}: {problem}", r.at(node, key, path), code="type")
                continue
        for pack in found:
            layers.laid[(r.file, (pack.name, name))] = (value, pack.parameters[name].default)


def _rules(r: Reader, node: Any, packs: list, layers: _Layers) -> None:
    if not r.mapping(node, r.at(node, None, "rules"), "'rules'"):
        return
    ids, renamed = known_ids(packs), renames(packs)
    for written, body in node.items():
        rid = renamed.get(written, written)  # a former id (aliases:) sets the rule it became
        path = join("rules", str(written))
        loc = r.at(node, written, path)
        if rid not in ids:
            r.error(f"unknown rule {written!r}{did_you_mean(str(written), ids)}", loc, code="rule")
            continue
        if not r.mapping(body, loc, f"the settings of rule {rid}"):
            continue
        if written != rid:
            layers.former.append((f"{loc.file}:{loc.line}", written, rid))
        r.keys(body, path, (), RULE_SETTINGS, f"the settings of rule {rid}")
        settings = dict(layers.rules.get(rid, {}))
        if "enabled" in body:
            if isinstance(body["enabled"], bool):
                settings["enabled"] = body["enabled"]
            else:
                r.error(f"'enabled' must be true or false, got {kind_of(body['enabled'])}",
                        r.at(body, "enabled", join(path, "enabled")), code="type")
        if "severity" in body:
            severity = r.string(body, "severity", path, "the severity", SEVERITIES)
            if severity is not None:
                settings["severity"] = severity
        if "effective" in body:  # the profile schedules the rule: it decides from that day on
            day = effective_date(r, body, join(path, "effective"))
            if day is not False:
                settings["effective"] = day
        layers.rules[rid] = settings


def apply_profile(packs: list, profile: Profile) -> list[Pack]:
    """Packs with the profile's rule settings applied (parameters go to resolve_params)."""
    out = []
    for pack in packs:
        rules, disabled = [], list(pack.disabled)
        for rule in pack.rules:
            settings = profile.rules.get(rule.id, {})
            if settings.get("enabled") is False:
                disabled.append(rule.id)
                continue
            if "severity" in settings and settings["severity"] != rule.severity:
                rule = dataclasses.replace(rule, severity=settings["severity"])
            if "effective" in settings:
                rule = dataclasses.replace(rule, effective=settings["effective"])
            rules.append(rule)
        before = _counting(pack.rules)
        exempt = tuple(sorted((before - _counting(rules)) | set(pack.exempt)))
        out.append(dataclasses.replace(pack, rules=tuple(rules), disabled=tuple(disabled), exempt=exempt))
    if profile.levels is not None:  # one ladder per run: the profile's, held by the first pack
        out = [dataclasses.replace(p, levels=profile.levels.levels if i == 0 else ()) for i, p in enumerate(out)]
    return out


def _counting(rules) -> set:
    return {r.criterion for r in rules if r.deciding and r.severity == "error"}


__all__ = ["Profile", "load_profile", "apply_profile", "targets"]
