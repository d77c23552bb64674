"""The library API the CLI (and anyone else) calls.

    from engine import api
    report = api.check(["catalog.yaml"], as_of=date(2026, 11, 28))
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .compile import Program, compile_packs
from .errors import Location, UserError
from .evaluate import Evaluator, evaluate_records
from .ingest import read_catalog
from .ingest.fastcheck import set_max_depth
from .ingest.records import RawRecord
from .limits import DEFAULT as DEFAULT_LIMITS
from .limits import Limits
from .model import Report, RuleInfo, RunInfo, ServiceResult, Summary
from .paths import DEFAULT_PACK
from .rules import check_param_value, load_packs
from .rules.cases import data_of
from .version import TOOL, VERSION
# governance tuning of a run: profiles, waivers, digests of every input
from .governance.inputs import file_digest, input_digests
from .governance.profiles import apply_profile, load_profile
from .governance.waivers import load_waivers


@dataclass(frozen=True)
class Setup:
    """Everything compiled that an evaluation needs, and how to describe it."""

    program: Program
    run: RunInfo
    waivers: Optional[object] = None  # governance.waivers.WaiverSet, when a waiver file is used
    profile: Optional[object] = None  # governance.profiles.Profile, when a profile is used


def resolve_params(packs: list, overrides: Optional[dict] = None) -> dict:
    """pack -> {param: value}: defaults, then overrides by 'name' or 'pack.name'."""
    params = {p.name: {k: v.default for k, v in p.parameters.items()} for p in packs}
    for key, value in (overrides or {}).items():
        pack_name, _, name = key.rpartition(".")
        targets = [p for p in packs if (not pack_name or p.name == pack_name) and name in p.parameters]
        if not targets:
            known = sorted({k for p in packs for k in p.parameters})
            from .paths import did_you_mean
            raise UserError(f"unknown parameter {key!r}{did_you_mean(name, known)}")
        for pack in targets:
            problem = check_param_value(pack.parameters[name], value)
            if problem:
                raise UserError(f"parameter {key!r}: {problem}")
            params[pack.name][name] = value
    return params


def digest(packs: list, params: dict) -> str:
    h = hashlib.sha256()
    for pack in packs:
        for file in pack.files:
            h.update(Path(file).name.encode() + b"\0" + Path(file).read_bytes() + b"\0")
    h.update(json.dumps(params, sort_keys=True, default=data_of).encode())
    # a profile's rule settings change the policy as much as a parameter does
    h.update(json.dumps({p.name: {"disabled": list(p.disabled), "severity": {r.id: r.severity for r in p.rules}}
                         for p in packs}, sort_keys=True).encode())
    return "sha256:" + h.hexdigest()


def prepare(rules: Optional[list] = None, params: Optional[dict] = None,
            as_of: Optional[_dt.date] = None, inputs: Iterable[str] = (),
            profile: Optional[str] = None, waivers: Optional[str] = None,
            waiver_warning_days: int = 30, limits: Limits = DEFAULT_LIMITS) -> Setup:
    """Load, tune (profile, then ``params`` as --set) and compile the packs; read waivers."""
    set_max_depth(limits.max_depth)
    packs = load_packs([str(r) for r in (rules or [DEFAULT_PACK])], limits=limits)
    day = as_of or _dt.date.today()
    prof = load_profile(profile, packs) if profile else None
    if prof is not None:
        packs = apply_profile(packs, prof)
        params = {**prof.overrides(), **(params or {})}
    waiver_set = load_waivers(waivers, packs, day, waiver_warning_days) if waivers else None
    resolved = resolve_params(packs, params)
    program = compile_packs(packs, resolved)
    infos = tuple(RuleInfo(r.id, r.pack, r.title, r.criterion, r.severity, r.rationale, r.remediation,
                           r.condition.describe()) for p in packs for r in p.rules)
    flat = tuple((p, k, v) for p, values in resolved.items() for k, v in values.items())
    inputs = tuple(str(i) for i in inputs)
    rules_digest = digest(packs, resolved)
    digests = input_digests(rules_digest, prof.digest if prof else None,
                            waiver_set.digest if waiver_set else None, file_digest(inputs),
                            day.isoformat(), VERSION)
    run = RunInfo(TOOL, VERSION, tuple(p.name for p in packs), rules_digest, day.isoformat(), flat, infos,
                  inputs, digests, waiver_set.waivers if waiver_set else None, waiver_warning_days,
                  (prof.name, prof.files) if prof else None)
    return Setup(program, run, waiver_set, prof)


def read_records(catalogs: Iterable[str], input_format: Optional[str] = None,
                 limits: Limits = DEFAULT_LIMITS, mapping=None, joins: Iterable[str] = (),
                 stats=None, lazy: bool = False) -> Iterator[RawRecord]:
    """Records of every catalog in order; through ``mapping`` (a preset name, a
    file or a loaded Mapping) when given, with ``joins`` ("MAPPING=FILE")."""
    if mapping is None and not joins:
        for path in catalogs:
            yield from read_catalog(str(path), input_format, limits, lazy)
        return
    from .ingest.mapping import ReadStats, read_mapped
    from .ingest.mapping.session import prepare_mapping
    loaded, extra = prepare_mapping(mapping, joins)
    stats = stats if stats is not None else ReadStats()
    for path in catalogs:
        yield from read_mapped(str(path), loaded, input_format, stats, extra)


def facts(catalogs: list, mapping=None, input_format: Optional[str] = None, joins: Iterable[str] = ()) -> dict:
    """The canonical facts (with provenance and errors) a mapping makes of ``catalogs``."""
    from .ingest.mapping import ReadStats
    from .ingest.mapping.facts import document
    stats = ReadStats()
    records = list(read_records(catalogs, input_format, mapping=mapping, joins=joins, stats=stats))
    name = getattr(mapping, "name", mapping)
    return document(records, stats, None if name is None else str(name))


def evaluate(setup: Setup, records: Iterable[RawRecord], conditions: bool = False,
             suggest: bool = True) -> Iterator[ServiceResult]:
    """Results in input order; ``conditions`` builds full condition trees (explain, HTML),
    ``suggest`` works out what would make failing services pass."""
    evaluator = Evaluator(setup.program, _dt.date.fromisoformat(setup.run.as_of), explain=conditions,
                          suggest=suggest, waivers=setup.waivers)
    try:
        yield from evaluate_records(records, evaluator)
    finally:
        evaluator.close()


def check(catalogs: list, rules: Optional[list] = None, as_of: Optional[_dt.date] = None,
          params: Optional[dict] = None, input_format: Optional[str] = None,
          profile: Optional[str] = None, waivers: Optional[str] = None,
          waiver_warning_days: int = 30, conditions: bool = False, suggest: bool = True,
          mapping=None, joins: Iterable[str] = (), stats=None) -> Report:
    """Evaluate every record of ``catalogs``; the whole report in memory.

    ``stats`` (an ingest.mapping.ReadStats) collects, for mapped exports, how
    many records ``where:`` skipped and which fields the mapping left out."""
    setup = prepare(rules, params, as_of, [str(c) for c in catalogs], profile, waivers, waiver_warning_days)
    summary = Summary()
    services = []
    records = read_records(catalogs, input_format, mapping=mapping, joins=joins, stats=stats)
    for result in evaluate(setup, records, conditions, suggest):
        summary.add(result)
        services.append(result)
    if setup.waivers is not None:
        summary.unused_waivers = setup.waivers.unused()
    return Report(setup.run, tuple(services), summary)


def explain(catalogs: list, service_id: str, rules: Optional[list] = None,
            as_of: Optional[_dt.date] = None, params: Optional[dict] = None,
            input_format: Optional[str] = None, profile: Optional[str] = None,
            waivers: Optional[str] = None, mapping=None,
            joins: Iterable[str] = ()) -> tuple[RunInfo, ServiceResult]:
    """The result for one service (by id), with its full condition trees."""
    setup = prepare(rules, params, as_of, [str(c) for c in catalogs], profile, waivers)
    records = read_records(catalogs, input_format, mapping=mapping, joins=joins)
    found = None
    for result in evaluate(setup, records, conditions=True):
        if result.id == service_id and found is None:
            found = result
    if found is None:
        raise UserError(f"no service with id {service_id!r} in {', '.join(map(str, catalogs))}",
                        Location(file=str(catalogs[0])))
    return setup.run, found
