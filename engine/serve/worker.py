"""What runs in an evaluation process: the policy, loaded once per generation, and runs.

Each worker process loads the policy itself (``start``) and keeps it, with a
durable-rules engine of its own, for every request it is given; a reload
starts a new pool with the new generation. Results travel back as the JSON
text of each service object, exactly what ``check --format json`` writes.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import signal
import tempfile
from collections import OrderedDict
from dataclasses import replace
from typing import Optional

from ..ingest.records import RawRecord
from ..evaluate.parallel import die_with_parent
from ..model import Source
from ..pipeline import run
from ..policy import LoadedPolicy, load_policy
from ..report.encode import encode_service
from ..request import Inputs, Policy, RunOptions, RunRequest

SEPARATORS = (", ", ": ")  # as --format json writes a service
REQUEST = "request"  # the source file name of a service given in a request
_state: dict = {"spec": None, "policies": OrderedDict()}
KEEP_DATES = 4  # policies kept per evaluation date asked for


def start(spec: Policy, parent: int) -> None:
    """Pool initializer: load the policy now, so the first request finds it ready."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    die_with_parent(parent)  # a server killed with -9 must not leave its workers behind
    _state["spec"] = spec
    _policy(None)


def ping() -> int:
    """A worker is up and has its policy (readiness)."""
    return os.getpid()


def _policy(as_of: Optional[_dt.date]) -> LoadedPolicy:
    spec = _state["spec"]
    day = as_of or spec.as_of or _dt.date.today()
    kept = _state["policies"]
    if day not in kept:
        kept[day] = load_policy(replace(spec, as_of=day))
        if len(kept) > KEEP_DATES:
            kept.popitem(last=False)
    return kept[day]


def evaluate(records: list, options: RunOptions, as_of: Optional[_dt.date]) -> dict:
    """Canonical services through the pipeline, in order: (decoded JSON value, problem)
    pairs, a problem (a record over a limit) making that record an error."""
    policy = _policy(as_of)
    raws = tuple(RawRecord(Source(REQUEST, i), data, problem)
                 for i, (data, problem) in enumerate(records, start=1))
    return _run(RunRequest(policy.spec, Inputs(records=raws), options), policy, options)


def evaluate_raw(body: bytes, extension: str, mapping: str, options: RunOptions,
                 as_of: Optional[_dt.date]) -> dict:
    """A raw export (its bytes) through a mapping; the file exists only for this call."""
    policy = _policy(as_of)
    with tempfile.TemporaryDirectory(prefix="valuate-serve-") as tmp:
        path = os.path.join(tmp, f"{REQUEST}{extension}")
        with open(path, "wb") as fh:
            fh.write(body)
        done = _run(RunRequest(policy.spec, Inputs(catalogs=(path,), mapping=mapping), options), policy, options)
    shown = json.dumps(path)[1:-1]  # as the path appears inside JSON strings
    done["services"] = [s.replace(shown, f"{REQUEST}{extension}") for s in done["services"]]
    return done


def _run(request: RunRequest, policy: LoadedPolicy, options: RunOptions) -> dict:
    current = run(request, policy)
    if options.conditions:
        services = [json.dumps(r.to_dict(conditions=True), ensure_ascii=False, separators=SEPARATORS)
                    for r in current.results()]
    else:
        services = [encode_service(r, SEPARATORS) for r in current.results()]
    return {"services": services, "summary": current.summary.to_dict(), "digest": current.info.digest,
            "as_of": current.info.as_of, "verdicts": _verdicts(services)}


def _verdicts(services: list) -> list:
    """(id, verdict) per service, for the decision log."""
    out = []
    for text in services:
        doc = json.loads(text)
        out.append([doc.get("id"), doc.get("verdict")])
    return out
