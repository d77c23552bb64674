"""Workers: the same bytes as one process, input order, and no record lost to a crash."""
from __future__ import annotations

import io
import json
import os

import pytest

from valuate.engine import pipeline
from valuate.engine.request import Inputs, Policy, RunOptions, RunRequest
from valuate.engine.evaluate import parallel
from valuate.engine.ingest.jsonl_reader import materialize
from valuate.engine.report import FORMATS, writer_for
from conftest import AS_OF

import datetime as dt


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 10)
    monkeypatch.setattr(parallel, "CHUNK", 7)


def catalog(tmp_path, n=60, extra=()):
    path = tmp_path / "c.jsonl"
    lines = []
    for i in range(n):
        svc = {"id": f"s{i}", "utility": {"performance_support": ["x"]},
               "warranty": {"availability": {"target": 99, "measured": 98 + (i % 3)}}}
        lines.append(json.dumps(svc))
    lines[5] = json.dumps({"id": "s1"})  # a duplicate of an earlier id
    lines[9] = "{not json"
    lines.extend(extra)
    path.write_text("\n".join(lines) + "\n")
    return path


def run(path, fmt, jobs):
    writer_cls = FORMATS[fmt]
    request = RunRequest(Policy(as_of=dt.date.fromisoformat(AS_OF)), Inputs((str(path),)),
                         RunOptions(conditions=writer_cls.needs_conditions, jobs=jobs))
    current = pipeline.run(request, render=writer_cls.render_record if writer_cls.streams else None)
    out = io.StringIO()
    summary = current.write_to(writer_for(fmt, out, current.info))
    return out.getvalue(), summary


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_workers_give_identical_bytes(tmp_path, small_chunks, fmt):
    path = catalog(tmp_path)
    one, s1 = run(path, fmt, 1)
    two, s2 = run(path, fmt, 2)
    assert one == two
    assert s1.to_dict() == s2.to_dict() and s1.services == 60


def test_duplicates_found_across_chunks(tmp_path, small_chunks):
    out, _ = run(catalog(tmp_path), "json", 2)
    services = json.loads(out)["services"]
    assert [s["id"] for s in services][:6] == ["s0", "s1", "s2", "s3", "s4", "s1"]
    assert services[5]["verdict"] == "error" and "duplicate id 's1'" in services[5]["message"]
    assert services[9]["verdict"] == "error" and "not valid JSON" in services[9]["message"]


def test_a_crashing_record_is_reported_not_lost(tmp_path, small_chunks, monkeypatch):
    real = parallel.evaluate_one

    def crash_on_boom(raw, position, evaluator):
        raw = materialize(raw)  # the batch reads JSON Lines lazily: workers decode
        if isinstance(raw.data, dict) and raw.data.get("id") == "boom":
            os._exit(3)  # the worker dies, as a segfault in C code would kill it
        return real(raw, position, evaluator)

    monkeypatch.setattr(parallel, "evaluate_one", crash_on_boom)
    path = catalog(tmp_path, extra=[json.dumps({"id": "boom"})] + [json.dumps({"id": f"t{i}"}) for i in range(20)])
    out, summary = run(path, "json", 2)
    services = json.loads(out)["services"]
    assert summary.services == len(services) == 81
    boom = services[60]
    assert boom["id"] == "boom" and boom["verdict"] == "error" and "crashed" in boom["message"]
    assert [s["id"] for s in services[61:]] == [f"t{i}" for i in range(20)]


def test_digest_table_keeps_every_key_through_growth_and_collisions():
    from valuate.engine.ingest.ids import _DigestTable
    table = _DigestTable(capacity=4)
    keys = [k << 20 for k in range(1, 3000)]  # equal low bits: every key starts at the same slot
    for i, k in enumerate(keys):
        assert table.get(k) is None
        table.put(k, i)
    assert [table.get(k) for k in keys] == list(range(len(keys)))
    assert table.get(12345) is None and table.size == len(keys)
