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
from .ingest.records import RawRecord
from .model import Report, RuleInfo, RunInfo, ServiceResult, Summary
from .paths import DEFAULT_PACK
from .rules import check_param_value, load_packs
from .version import TOOL, VERSION


@dataclass(frozen=True)
class Setup:
    """Everything compiled that an evaluation needs, and how to describe it."""

    program: Program
    run: RunInfo


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
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    return "sha256:" + h.hexdigest()


def prepare(rules: Optional[list] = None, params: Optional[dict] = None,
            as_of: Optional[_dt.date] = None, inputs: Iterable[str] = ()) -> Setup:
    packs = load_packs([str(r) for r in (rules or [DEFAULT_PACK])])
    resolved = resolve_params(packs, params)
    program = compile_packs(packs, resolved)
    infos = tuple(RuleInfo(r.id, r.pack, r.title, r.criterion, r.severity, r.rationale, r.remediation,
                           r.condition.describe()) for p in packs for r in p.rules)
    flat = tuple((p, k, v) for p, values in resolved.items() for k, v in values.items())
    run = RunInfo(TOOL, VERSION, tuple(p.name for p in packs), digest(packs, resolved),
                  (as_of or _dt.date.today()).isoformat(), flat, infos, tuple(inputs))
    return Setup(program, run)


def read_records(catalogs: Iterable[str], input_format: Optional[str] = None, mapping=None,
                 joins: Iterable[str] = (), stats=None) -> Iterator[RawRecord]:
    """Records of every catalog in order; through ``mapping`` (a preset name, a
    file or a loaded Mapping) when given, with ``joins`` ("MAPPING=FILE")."""
    if mapping is None and not joins:
        for path in catalogs:
            yield from read_catalog(str(path), input_format)
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
    records = list(read_records(catalogs, input_format, mapping, joins, stats))
    name = getattr(mapping, "name", mapping)
    return document(records, stats, None if name is None else str(name))


def evaluate(setup: Setup, records: Iterable[RawRecord]) -> Iterator[ServiceResult]:
    evaluator = Evaluator(setup.program, _dt.date.fromisoformat(setup.run.as_of))
    try:
        yield from evaluate_records(records, evaluator)
    finally:
        evaluator.close()


def check(catalogs: list, rules: Optional[list] = None, as_of: Optional[_dt.date] = None,
          params: Optional[dict] = None, input_format: Optional[str] = None, mapping=None,
          joins: Iterable[str] = (), stats=None) -> Report:
    """Evaluate every record of ``catalogs``; the whole report in memory.

    ``stats`` (an ingest.mapping.ReadStats) collects, for mapped exports, how
    many records ``where:`` skipped and which fields the mapping left out."""
    setup = prepare(rules, params, as_of, [str(c) for c in catalogs])
    summary = Summary()
    services = []
    for result in evaluate(setup, read_records(catalogs, input_format, mapping, joins, stats)):
        summary.add(result)
        services.append(result)
    return Report(setup.run, tuple(services), summary)


def explain(catalogs: list, service_id: str, rules: Optional[list] = None,
            as_of: Optional[_dt.date] = None, params: Optional[dict] = None,
            input_format: Optional[str] = None, mapping=None,
            joins: Iterable[str] = ()) -> tuple[RunInfo, ServiceResult]:
    """The result for one service (by id), with its full condition trees."""
    setup = prepare(rules, params, as_of, [str(c) for c in catalogs])
    records = (r for r in read_records(catalogs, input_format, mapping, joins))
    found = None
    for result in evaluate(setup, records):
        if result.id == service_id and found is None:
            found = result
    if found is None:
        raise UserError(f"no service with id {service_id!r} in {', '.join(map(str, catalogs))}",
                        Location(file=str(catalogs[0])))
    return setup.run, found
