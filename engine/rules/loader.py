"""Load rule packs from YAML: a directory with ``pack.yaml`` or a single file.

A pack directory holds ``pack.yaml`` (name, version, parameters, derived
facts, optionally rules), rule files under ``rules/*.yaml`` (each a ``rules:``
list) and rule test cases under ``tests/*.yaml``. A single-file pack holds all
of it in one document. Every problem found is collected and reported with
``file:line:col`` and a document path; nothing is half-loaded.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

from ..errors import Location, Problem, RulePackError, UserError
from ..limits import DEFAULT, Limits
from ..schema import FactSchema
from ..reads import note
from ..yamlio import load_single, read_text
from .param_cases import ParamCases
from .conditions import Scope, parse_condition
from .operands import effective_date
from .derived import output_types, parse_derived
from .language import CRITERIA, MAX_NUMBER, RULE_STATUSES, SEVERITIES, STATUSES, Pack, Parameter, Rule, walk
from ..documents import Reader, join, kind_of
from ..levels import parse_levels
from .requires import ordered, requirements, resolve
from .templates import parse_template, unknown_placeholders
from .aliases import clashes, parse_aliases

PACK_KEYS = ("pack", "version", "title", "description", "requires", "parameters", "derived", "rules", "levels")
RULE_FILE_KEYS = ("rules",)
METADATA_KEYS = ("id", "title", "criterion", "severity", "rationale", "remediation")
OPTIONAL_METADATA = ("aliases",)
PARAM_KINDS = ("number", "integer", "string", "boolean", "list")  # list: of non-empty strings
RULE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")


def load_packs(paths: list, schema: Optional[FactSchema] = None, limits: Limits = DEFAULT) -> list[Pack]:
    """Load several packs, each after the packs it requires; rule ids must be unique across all."""
    packs, (paths, problems) = [], ordered(paths)
    for path in paths:
        pack, found = read_pack(path, schema, limits, deps={p.name: p for p in packs})
        problems.extend(found)
        if pack is not None:
            packs.append(pack)
    every = [r for p in packs for r in p.rules]
    problems.extend(_duplicate_ids(every) + [c for c in clashes(every) if c not in problems])
    total = sum(len(p.rules) for p in packs)
    if total > limits.max_rules:
        problems.append(Problem(f"{total:,} rules in all, over the limit of {limits.max_rules:,} "
                                "(--limit max_rules=...)", Location(file=str(paths[0])), "error", "limit"))
    if len({p.name for p in packs}) != len(packs):
        problems.append(Problem("two packs share a name; pack names must be unique",
                                Location(file=str(paths[-1]))))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise RulePackError(errors)
    return packs


def read_pack(path, schema: Optional[FactSchema] = None, limits: Limits = DEFAULT, partial: bool = False,
              deps: Optional[dict] = None) -> tuple[Optional[Pack], list[Problem]]:
    """Parse one pack; returns (pack or None, every problem found).

    ``partial`` (for the linter) keeps the pack, with the rules that did
    parse, even when there are errors. ``deps``: packs already loaded, by
    name, whose parameters the pack may read when it requires them."""
    schema = schema or FactSchema.default()
    path = resolve(path)
    if path.is_dir():
        note(path, (".yaml", ".yml"))  # a YAML file written inside a pack would be read as part of it
        main = path / "pack.yaml"
        if not main.is_file():
            return None, [Problem("a rule-pack directory needs a pack.yaml", Location(file=str(path)))]
        extra = sorted((path / "rules").glob("*.yaml")) if (path / "rules").is_dir() else []
        tests = path / "tests"
    elif path.is_file():
        main, extra, tests = path, [], None
    else:
        return None, [Problem("no such rule pack (expected a directory with pack.yaml or a YAML file)",
                              Location(file=str(path)))]
    return _PackBuilder(schema, limits, deps or {}).build(path, main, extra, tests, partial)


class _PackBuilder:
    def __init__(self, schema: FactSchema, limits: Limits, deps: dict):
        self.schema = schema
        self.limits = limits
        self.deps = deps  # name -> Pack already loaded
        self.problems: list[Problem] = []

    def _doc(self, file: Path, r: Reader) -> Any:
        size = file.stat().st_size
        if size > self.limits.max_pack_bytes:
            r.error(f"the file is {size:,} bytes, over the rule-pack limit of {self.limits.max_pack_bytes:,} "
                    "(--limit max_pack_bytes=...)", Location(file=str(file)), code="limit")
            return None
        try:
            return load_single(read_text(str(file), self.limits.max_pack_bytes), str(file))
        except UserError as err:
            r.error(err.message, err.location or Location(file=str(file)), code="yaml")
            return None

    def build(self, source: Path, main: Path, extra: list, tests: Optional[Path], partial: bool = False):
        r = Reader(str(main))
        doc = self._doc(main, r)
        pack = None
        if doc is None and not r.problems:
            r.error("the pack file is empty", Location(file=str(main)))
        elif doc is not None and r.document(doc, r.at(doc), "a rule pack"):
            pack = self._pack(r, doc, source, main, extra, tests)
        self.problems.extend(r.problems)
        if any(p.severity == "error" for p in self.problems) and not partial:
            return None, self.problems
        return pack, self.problems

    def _pack(self, r, doc, source, main, extra, tests) -> Optional[Pack]:
        r.keys(doc, "", ("pack",), PACK_KEYS[1:], "a rule pack")
        name = r.string(doc, "pack", "", "the pack name")
        requires = self._requires(r, doc)
        params = self._parameters(r, doc.get("parameters"))
        derived = parse_derived(r, doc.get("derived"), self.schema, params, "derived")
        readable = {**params, **requirements(requires, self.deps)}  # own, and PACK.NAME of required packs
        scope = Scope(self.schema, None, readable, output_types(derived),
                      placeholders=frozenset(self._known(output_types(derived), readable)))
        rules = self._rules(r, doc, scope, name or "") if "rules" in doc else []
        for file in extra:
            fr = Reader(str(file))
            sub = self._doc(file, fr)
            if sub is not None and fr.document(sub, fr.at(sub), "a rule file"):
                fr.keys(sub, "", RULE_FILE_KEYS, (), "a rule file")
                rules.extend(self._rules(fr, sub, scope, name or ""))
            self.problems.extend(fr.problems)
        if not rules and not any(p.severity == "error" for p in r.problems + self.problems):
            r.warn("the pack has no rules", r.at(doc))
        self.problems.extend(_duplicate_ids(rules) + clashes(rules))
        levels = parse_levels(r, doc["levels"]) if "levels" in doc else ()
        if name is None:
            return None
        return Pack(name=name, version=str(doc.get("version", "0")), title=str(doc.get("title", name)),
                    description=str(doc.get("description", "")).strip(), parameters=params,
                    derived=derived, rules=tuple(rules), source=str(source),
                    files=tuple(str(f) for f in [main, *extra]),
                    tests_dir=str(tests) if tests is not None and tests.is_dir() else None, requires=requires,
                    levels=levels, aliases=tuple((a, r.id) for r in rules for a in r.aliases))

    def _requires(self, r: Reader, doc: dict) -> tuple:
        node = doc.get("requires")
        if node is None:
            return ()
        loc = r.at(doc, "requires", "requires")
        if not r.sequence(node, loc, "'requires' (the names of the packs this one reads parameters of)"):
            return ()
        names = []
        for i, item in enumerate(node):
            if not isinstance(item, str) or not item.strip():
                r.error(f"'requires' lists pack names, got {kind_of(item)}", r.at(node, i, f"requires[{i}]"))
            else:
                names.append(item.strip())
        return tuple(names)

    def _parameters(self, r: Reader, node: Any) -> dict:
        out: dict = {}
        if node is None or not r.mapping(node, r.at(node, None, "parameters"), "'parameters'"):
            return out
        for name, body in node.items():
            path = join("parameters", name)
            loc = r.at(node, name, path)
            if not isinstance(name, str) or not name.isidentifier():
                r.error(f"parameter names are identifiers, got {name!r}", loc)
                continue
            if not r.mapping(body, loc, f"parameter {name!r}"):
                continue
            r.keys(body, path, ("type", "default"), ("description", "minimum", "maximum"),
                   f"parameter {name!r}")
            kind = r.string(body, "type", path, "the parameter type", PARAM_KINDS) \
                if "type" in body else None
            if kind is None or "default" not in body:
                continue
            bounds = [_bound(r, body, key, kind, join(path, key)) for key in ("minimum", "maximum")]
            if any(b is False for b in bounds):
                continue
            if None not in bounds and bounds[0] > bounds[1]:
                r.error(f"parameter {name!r}: minimum {bounds[0]} is above maximum {bounds[1]}",
                        r.at(body, "minimum", join(path, "minimum")), code="type")
                continue
            param = Parameter(name, kind, body["default"], str(body.get("description", "")).strip(),
                              bounds[0], bounds[1], loc)
            problem = check_param_value(param, param.default)
            if problem:
                r.error(f"default of parameter {name!r}: {problem}", r.at(body, "default", join(path, "default")),
                        code="type")
                continue
            out[name] = param
        return out

    def _rules(self, r: Reader, doc: dict, scope: Scope, pack: str) -> list[Rule]:
        node = doc["rules"]
        if not r.sequence(node, r.at(doc, "rules", "rules"), "'rules'"):
            return []
        rules = []
        for i, body in enumerate(node):
            rule = self._rule(r, node, i, body, scope, pack)
            if rule is not None:
                rules.append(rule)
        return rules

    def _rule(self, r, container, i, body, scope, pack) -> Optional[Rule]:
        path = f"rules[{i}]"
        loc = r.at(container, i, path)
        if not r.mapping(body, loc, "a rule"):
            return None
        r.keys(body, path, ("metadata", "condition"), ("applies_when", "messages", "effective"), "a rule")
        meta = body.get("metadata")
        mpath = join(path, "metadata")
        if not isinstance(meta, dict):
            if "metadata" in body:
                r.error(f"metadata must be a mapping, got {kind_of(meta)}", r.at(body, "metadata", mpath))
            return None
        r.keys(meta, mpath, METADATA_KEYS, OPTIONAL_METADATA, "rule metadata")
        fields = {k: r.string(meta, k, mpath, f"metadata {k}") if k in meta else None
                  for k in ("id", "title", "rationale", "remediation")}
        criterion = r.string(meta, "criterion", mpath, "the criterion", CRITERIA) \
            if "criterion" in meta else None
        severity = r.string(meta, "severity", mpath, "the severity", SEVERITIES) \
            if "severity" in meta else None
        rid = fields["id"]
        if rid is not None and not RULE_ID.fullmatch(rid):
            r.error(f"rule id {rid!r} must start with a letter and use only letters, digits, _ . -",
                    r.at(meta, "id", join(mpath, "id")))
            rid = None
        aliases = parse_aliases(r, meta, join(mpath, "aliases"), rid, RULE_ID)
        cond = parse_condition(r, body.get("condition"), body, "condition", join(path, "condition"), scope) \
            if "condition" in body else None
        applies = parse_condition(r, body["applies_when"], body, "applies_when", join(path, "applies_when"),
                                  scope) if "applies_when" in body else None
        messages = self._messages(r, body, path, scope, cond, "applies_when" in body)
        effective = effective_date(r, body, join(path, "effective")) if "effective" in body else None
        if None in (rid, criterion, severity, cond, messages, aliases) or None in fields.values() \
                or ("applies_when" in body and applies is None) or effective is False:
            return None
        if criterion != "advisory" and severity != "error":
            r.warn(f"rule {rid} decides {criterion} but has severity {severity}; deciding rules are "
                   "usually 'error' (advisory rules never change the verdict)", r.at(meta, "severity"))
        return Rule(rid, fields["title"], criterion, severity, fields["rationale"], fields["remediation"],
                    cond, messages, pack, Location(file=r.file, line=loc.line, column=loc.column), applies,
                    aliases, effective)

    def _known(self, derived: dict, params: dict) -> set:
        return set(self.schema.all_paths()) | set(derived) | {f"param.{p}" for p in params}

    def _messages(self, r, body, path, scope, cond, applies: bool = False) -> Optional[dict]:
        node = body.get("messages")
        if node is None:
            return {}
        mpath = join(path, "messages")
        if not r.mapping(node, r.at(body, "messages", mpath), "'messages'"):
            return None
        statuses = RULE_STATUSES if applies else STATUSES  # not_applicable needs an applies_when
        r.keys(node, mpath, (), statuses, "messages")
        known = self._known(scope.derived, scope.params)
        out = {}
        for status in statuses:
            if status not in node:
                continue
            loc = r.at(node, status, join(mpath, status))
            if not isinstance(node[status], str):
                r.error(f"a message must be a string, got {kind_of(node[status])}", loc)
                return None
            template, err = parse_template(node[status])
            if err:
                r.error(f"message template: {err}", loc)
                return None
            bad = unknown_placeholders(template, known)
            if bad:
                r.error(f"message template names unknown values: {', '.join(bad)}", loc, code="fact-path")
                return None
            out[status] = template
        return out


def _bound(r: Reader, body: dict, key: str, kind: str, path: str):
    """A parameter's minimum or maximum: None when absent, False (reported) when unusable."""
    if key not in body:
        return None
    value, loc = body[key], r.at(body, key, path)
    if kind not in ("number", "integer"):
        r.error(f"{key} applies to number and integer parameters, not {kind}", loc)
        return False
    if not _finite_number(value):
        r.error(f"{key} must be a number of at most {MAX_NUMBER:.0e} in magnitude, got {kind_of(value)}",
                loc, code="type")
        return False
    return value


def _finite_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
            and abs(value) <= MAX_NUMBER)


def check_param_value(param: Parameter, value: Any) -> Optional[str]:
    """Why ``value`` is not acceptable for ``param`` (None if it is)."""
    if isinstance(value, ParamCases):  # fact-dependent: every case's value must fit
        return next((p for p in (check_param_value(param, v) for v in value.values()) if p), None)
    kind = param.kind
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            return f"expected {'an integer' if kind == 'integer' else 'a number'}, got {kind_of(value)}"
        if abs(value) > MAX_NUMBER:  # .inf too
            return f"expected a number of at most {MAX_NUMBER:.0e} in magnitude, got {value:g}"
        if kind == "integer" and value != int(value):
            return f"expected an integer, got {value}"
        if param.minimum is not None and value < param.minimum:
            return f"must be at least {param.minimum}, got {value}"
        if param.maximum is not None and value > param.maximum:
            return f"must be at most {param.maximum}, got {value}"
    elif kind == "boolean" and not isinstance(value, bool):
        return f"expected true or false, got {kind_of(value)}"
    elif kind == "string" and not isinstance(value, str):
        return f"expected a string, got {kind_of(value)}"
    elif kind == "list":
        return _list_problem(value)
    return None


def _list_problem(value: Any) -> Optional[str]:
    """A list parameter holds distinct non-empty strings (names, such as perspectives)."""
    if not isinstance(value, (list, tuple)):
        return f"expected a list of names, such as [customer, user], got {kind_of(value)}"
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            return f"entry {i + 1} of the list: expected a non-empty string, got {kind_of(item)}"
        if item in value[:i]:
            return f"{item!r} is listed twice"
    return None


def _duplicate_ids(rules: list) -> list[Problem]:
    seen: dict = {}
    out = []
    for rule in rules:
        if rule.id in seen:
            first = seen[rule.id]
            out.append(Problem(f"duplicate rule id {rule.id!r} (first defined at {first.location})",
                               rule.location, "error", "duplicate-id"))
        else:
            seen[rule.id] = rule
    return out


__all__ = ["load_packs", "read_pack", "check_param_value", "walk"]
