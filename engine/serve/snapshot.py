"""The policy a server answers with: one immutable snapshot, loaded once, named by its digest.

``build`` reads every file of the policy once (rule packs, profile layers,
waivers, the server's mapping with its joined exports, every preset) and
keeps what was read: the compiled policy and the loaded mappings go to the
workers as one pickled ``Payload``, which they unpickle and never re-read
a file. Editing a file on disk therefore changes nothing until a reload
builds the next snapshot. Everything the server process itself needs to
answer (the digests and headers, /v1/rules, /v1/policy, the files that are
inputs) is worked out here once per snapshot, not per request.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import pickle
from dataclasses import dataclass
from typing import Optional

from ..data import DEFAULT_PACK, FACTS_DIR, ROOT, RULES_DIR
from ..errors import Problem, RulePackError, UserError
from ..governance.lint import lint  # the same checks as `valuate rules lint`
from ..ingest.mapping.joins import expand
from ..ingest.mapping.spec import PRESETS_DIR, load, presets
from ..policy import LoadedPolicy, load_policy
from ..version import VERSION
from ..yamlio import read_bytes
from .config import ServeConfig
from .paths import Redactor, shown_as


@dataclass(frozen=True)
class Payload:
    """What a worker is handed: everything it evaluates with, no path to re-read."""

    generation: int
    policy: LoadedPolicy  # as of the server's date; other dates derived with LoadedPolicy.on
    mappings: dict  # name -> loaded Mapping: every preset, and the server's own
    default_mapping: Optional[str]  # the name /v1/evaluate/raw uses when a request names none
    joins: tuple  # (join index, ((file name, bytes), ...)) of the server's own mapping
    redactor: Redactor
    max_services: int


@dataclass(frozen=True)
class Snapshot:
    """One loaded policy as the server process sees it; ``payload`` is the workers' pickled part."""

    generation: int
    digest: str  # the policy: rules, profile, waivers, mappings, limits, date, version
    rules_digest: str  # the rules digest every report carries (`rules.digest`)
    headers: dict  # sent with every answer this snapshot gave
    rules_json: bytes  # GET /v1/rules
    policy_doc: dict  # GET /v1/policy
    inputs: tuple  # every file or directory read: never an output
    mapping_name: Optional[str]  # the server's own mapping, by name
    presets: tuple  # the preset names a request may give as ?mapping=
    redactor: Redactor
    payload: bytes
    loaded_at: str


class PolicyRefused(Exception):
    """A policy that does not load: its problems, as JSON-ready dicts with no server path."""

    def __init__(self, problems: list):
        super().__init__(problems[0]["message"] if problems else "the policy does not load")
        self.problems = problems


def build(config: ServeConfig, generation: int, lint: bool = False) -> Snapshot:
    """Read and compile the whole policy of ``config`` once (a UserError when it does not load;
    with ``lint``, a PolicyRefused carrying every problem `valuate rules lint` finds)."""
    redactor = given_paths(config)
    if lint:
        problems = [_problem(p, redactor) for p in _lint(config)]
        if problems:
            raise PolicyRefused(problems)
    policy = load_policy(config.policy)
    own = mapping_name(config)
    mappings = {name: load(name) for name in presets()}
    if config.mapping is not None:
        mappings[own] = load(config.mapping)
    joins, join_files = _frozen_joins(mappings.get(own), config)
    inputs = _inputs(config, policy, mappings.get(own), join_files)
    redactor = redactor + shown_as(inputs)
    digest = _digest(config, policy, mappings.get(own), join_files)
    payload = Payload(generation, policy, mappings, own, joins, redactor, config.max_services)
    rules_json = redactor.text(json.dumps([r.to_dict() for r in policy.rules], ensure_ascii=False)).encode()
    headers = {"X-Valuate-Rules-Digest": policy.digest, "X-Valuate-Policy-Digest": digest,
               "X-Valuate-Generation": str(generation)}
    loaded_at = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    doc = describe(config, policy, generation, digest, loaded_at)
    doc = json.loads(redactor.text(json.dumps(doc, ensure_ascii=False)))
    return Snapshot(generation, digest, policy.digest, headers, rules_json, doc, tuple(inputs), own,
                    tuple(presets()), redactor, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL), loaded_at)


def build_refusing(config: ServeConfig, generation: int) -> Snapshot:
    """``build`` for a reload: every way the policy can fail is a PolicyRefused."""
    try:
        return build(config, generation, lint=True)
    except RulePackError as err:
        raise PolicyRefused([_problem(p, given_paths(config)) for p in err.problems]) from None
    except UserError as err:
        raise PolicyRefused([{"severity": "error", "message": given_paths(config).message(str(err))}]) from None


def mapping_name(config: ServeConfig) -> Optional[str]:
    """The server's own mapping by name (a preset's name, or the file's name without .yaml)."""
    if config.mapping is None:
        return None
    return str(config.mapping).replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".yml")


def given_paths(config: ServeConfig) -> Redactor:
    spec = config.policy
    return shown_as([*(spec.rules or (DEFAULT_PACK,)), spec.profile, spec.waivers, spec.targets, config.mapping,
                     str(PRESETS_DIR), str(ROOT), *config.inputs])


def describe(config: ServeConfig, policy: LoadedPolicy, generation: int, digest: str, loaded_at: str) -> dict:
    info = policy.run_info(())
    packs = [{"name": p.name, "version": p.version, "source": p.source, "rules": len(p.rules)}
             for p in policy.packs]
    # Without --as-of a request is judged on its own day (or its ?as_of=), not on the day this
    # snapshot was loaded: the policy says so, and on which day its waiver states were counted.
    fixed = config.policy.as_of is not None
    out = {"generation": generation, "loaded_at": loaded_at, "digest": digest, "packs": packs,
           "rules": {"digest": policy.digest}, "as_of": info.as_of if fixed else None,
           "inputs": dict(info.digests)}
    if not fixed:
        out["as_of_default"] = "the day of each request (a request may give ?as_of=YYYY-MM-DD)"
    if policy.profile is not None:
        out["profile"] = {"name": policy.profile.name, "files": list(policy.profile.files)}
    if policy.waivers is not None:
        out["waivers"] = {"file": config.policy.waivers, "total": len(policy.waivers.waivers),
                          "expired": [w.notice() for w in policy.waivers.waivers if not w.active],
                          "expiring": [w.notice() for w in policy.waivers.waivers if w.expiring],
                          "counted_on": info.as_of}
    if config.mapping is not None:
        out["mapping"] = mapping_name(config)
    if policy.ladder is not None:
        out["levels"] = list(policy.ladder.names)
    if policy.targets:
        out["targets"] = {"file": config.policy.targets, "total": len(policy.targets)}
    return out


def _frozen_joins(mapping, config: ServeConfig) -> tuple:
    """The files the server's mapping joins, read now: ((index, ((name, bytes), ...)), ...), and their paths."""
    if mapping is None:
        return (), []
    frozen, files = [], []
    for index, spec in enumerate(mapping.joins):
        found = expand(spec)
        files += found
        frozen.append((index, tuple((f.replace("\\", "/").rsplit("/", 1)[-1],
                                     read_bytes(f, config.policy.limits.max_file_bytes)) for f in found)))
    return tuple(frozen), files


def _inputs(config: ServeConfig, policy: LoadedPolicy, mapping, join_files: list) -> list:
    spec = config.policy
    out = [str(r) for r in (spec.rules or (DEFAULT_PACK,))]
    out += list(policy.profile.files) if policy.profile is not None else []
    out += [spec.waivers] if spec.waivers else []
    out += [spec.targets] if spec.targets else []
    if mapping is not None:
        out += [_read_from(mapping)] + [_read_from(j.mapping) for j in mapping.joins] + join_files
    out += [str(RULES_DIR), str(FACTS_DIR)]  # valuate's own data: packs, schemas, every preset
    return [str(p) for p in out + list(config.inputs) if p]


def _digest(config: ServeConfig, policy: LoadedPolicy, mapping, join_files: list) -> str:
    h = hashlib.sha256()
    for name, value in (("rules", policy.digest), ("profile", policy.profile.digest if policy.profile else ""),
                        ("waivers", policy.waivers.digest if policy.waivers else ""),
                        ("limits", repr(config.policy.limits)), ("as_of", str(config.policy.as_of or "")),
                        ("max_services", str(config.max_services)), ("version", VERSION)):
        h.update(f"{name}={value}\n".encode())
    if config.policy.targets:
        h.update(b"targets=" + _file_hash(str(config.policy.targets)) + b"\n")
    if mapping is not None:
        for file in [_read_from(mapping)] + [_read_from(j.mapping) for j in mapping.joins] + join_files:
            h.update(b"mapping=" + _file_hash(file) + b"\n")
    return "sha256:" + h.hexdigest()


def _read_from(mapping) -> str:
    """The file a mapping was read from (its ``file`` names a preset the same on every machine)."""
    return mapping.source or mapping.file


def _file_hash(path: str) -> bytes:
    try:
        return hashlib.sha256(read_bytes(path, 1 << 30)).hexdigest().encode()
    except UserError:  # an inline join mapping: its text is in the mapping file hashed beside it
        return b"-"


def _lint(config: ServeConfig) -> list:
    spec = config.policy
    result = lint([str(r) for r in (spec.rules or (DEFAULT_PACK,))], spec.profile, spec.waivers, spec.as_of,
                  spec.waiver_warning_days)
    return list(result.errors)


def _problem(p: Problem, redactor: Redactor) -> dict:
    return {"severity": p.severity, "code": p.code, "message": redactor.message(p.message),
            "where": redactor.message(str(p.location or ""))}
