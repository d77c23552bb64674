"""Guarantees about runs that go wrong: interrupted, failing, or fed random records."""
from __future__ import annotations

import datetime as dt
import functools
import json
import signal
import subprocess
import sys
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import AS_OF, ROOT, bench_module
from valuate.engine.ingest.records import RawRecord
from valuate.engine.model import Source
from valuate.engine import pipeline, policy
from valuate.engine.request import Inputs, Policy, RunOptions, RunRequest

POLICY = Policy(as_of=dt.date(2026, 11, 28))


@functools.lru_cache(maxsize=1)
def loaded():
    return policy.load_policy(POLICY)


def test_ctrl_c_exits_130_with_one_line_and_no_partial_output(tmp_path):
    write_catalog = bench_module("synth").write_catalog
    catalog = write_catalog(30_000, tmp_path / "big.jsonl")
    out = tmp_path / "report.json"
    proc = subprocess.Popen([sys.executable, "-m", "valuate", "check", str(catalog), "--format", "json",
                             "--as-of", AS_OF, "--output", str(out), "-j", "2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Ctrl-C once the run is writing its report (its workers started, records flowing), not
    # after a fixed time: on a loaded machine that could land in Python's start-up, or after the end.
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".report.json.*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before Ctrl-C"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "valuate: interrupted"
    assert not out.exists() and not list(tmp_path.glob(".report.json.*"))


def test_failed_run_leaves_no_output_file(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("services: [\n")
    out = tmp_path / "out.json"
    result = cli("check", str(bad), "--output", str(out))
    assert result.exit_code == 2 and not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_internal_errors_ask_for_a_bug_report(cli, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(policy, "compile_packs", broken)
    result = cli("check", "facts/samples/catalog.yaml")
    assert result.exit_code == 3
    assert "internal error: RuntimeError: boom" in result.output and "bug in valuate" in result.output
    assert "Traceback" not in result.output


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
              st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["id", "name", "utility", "warranty", "outcomes",
                                                             "costs", "effect", "impact", "x", "plan", "target",
                                                             "measured", "availability", "continuity",
                                                             "performance_support", "budget", "actual"]),
                                            inner, max_size=5)),
    max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(st.lists(json_values, max_size=12))
def test_random_records_never_crash_and_each_is_reported_once(records):
    raws = [RawRecord(Source("random.json", i + 1), r) for i, r in enumerate(records)]
    request = RunRequest(POLICY, Inputs(records=tuple(raws)), RunOptions(conditions=True, suggest=False))
    results = list(pipeline.run(request, loaded()).results())
    assert [r.position for r in results] == list(range(1, len(records) + 1))
    assert [r.source.record for r in results] == [raw.source.record for raw in raws]
    for raw, result in zip(records, results):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            assert result.verdict == "error"
        json.dumps(result.to_dict(conditions=True))  # every result is reportable


def test_output_file_gets_the_usual_mode(cli, tmp_path):
    import os
    out = tmp_path / "r.json"
    cli("check", "facts/samples/catalog.yaml", "--format", "json", "--output", str(out))
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_closed_pipe_stops_quietly():
    proc = subprocess.run(f"{sys.executable} -m valuate check facts/samples/catalog.yaml --format json "
                          f"--as-of {AS_OF} | head -c 100 > /dev/null; exit ${{PIPESTATUS[0]}}",
                          shell=True, executable="/bin/bash", cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1, 141), proc.stderr  # 141 when the write hit the closed pipe
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
