"""Issue 26: ``kill -9`` of one worker at any moment of a ``--jobs 2`` run is survived.

A real run over 20,000 JSON Lines records, judged by a one-rule pack so that
it takes a second or two; one worker process is killed with SIGKILL early (as
soon as the workers exist), in the middle and late (by how much of the report
the run has written), the first and the second worker in turn, and twice in
one run. Every record must be reported exactly once, with its own verdict:
a worker killed from outside is not a record that crashed it.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import AS_OF
from procs import PARENT, live_processes

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds workers in /proc")

RECORDS = 20_000
PACK_RULE = """rules:
  - metadata: {id: TINY-001, title: Has an owner, criterion: utility, severity: error,
               rationale: Someone answers for it., remediation: Name the owner.}
    condition: {fact: owner, is: present}
"""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kill")
    (folder / "tiny" / "rules").mkdir(parents=True)
    (folder / "tiny" / "pack.yaml").write_text('pack: tiny\nversion: "1"\ntitle: One rule\n')
    (folder / "tiny" / "rules" / "tiny.yaml").write_text(PACK_RULE)
    with open(folder / "records.jsonl", "w") as fh:
        for i in range(RECORDS):
            fh.write(json.dumps({"id": f"s{i}", "name": f"Service {i}", **({"owner": "o"} if i % 3 else {})}) + "\n")
    return folder


def _command(folder: Path) -> list:
    return [sys.executable, "-m", "valuate", "check", "records.jsonl", "--rules", "tiny", "--jobs", "2",
            "-f", "jsonl:out.jsonl", "--as-of", AS_OF, "--fail-on", "never"]


def _children(pid: int) -> list:
    return live_processes(PARENT, pid)


def _written(folder: Path) -> int:
    """Bytes of the report written so far (its temporary file, before the rename)."""
    return sum(p.stat().st_size for p in folder.glob(".out.jsonl.*.tmp") if p.exists())


@pytest.fixture(scope="module")
def full_size(run_dir):
    proc = subprocess.run(_command(run_dir), cwd=run_dir, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return (run_dir / "out.jsonl").stat().st_size


def _kill_at(run_dir, fractions, which, full_size) -> subprocess.CompletedProcess:
    (run_dir / "out.jsonl").unlink(missing_ok=True)
    proc = subprocess.Popen(_command(run_dir), cwd=run_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    killed = []
    try:
        deadline = time.monotonic() + 60
        for fraction in fractions:
            while time.monotonic() < deadline and proc.poll() is None:
                workers = [p for p in _children(proc.pid) if p not in killed]
                if len(workers) >= 2 and _written(run_dir) >= fraction * full_size:
                    os.kill(workers[which], signal.SIGKILL)
                    killed.append(workers[which])
                    break
                time.sleep(0.002)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert len(killed) == len(fractions), f"the run ended before every kill ({killed}); {proc.returncode}"
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _every_record_once(run_dir):
    lines = [json.loads(line) for line in (run_dir / "out.jsonl").read_text().splitlines()]
    services = [line for line in lines if line["type"] == "service"]
    assert [s["id"] for s in services] == [f"s{i}" for i in range(RECORDS)]  # each once, in input order
    verdicts = {s["id"]: s["verdict"] for s in services}
    assert set(verdicts.values()) <= {"valuable", "not_valuable", "indeterminate"}, \
        [s for s in services if s["verdict"] == "error"][:2]  # nobody blamed for the kill
    assert verdicts["s0"] == "not_valuable" and verdicts["s1"] == "indeterminate"


@pytest.mark.parametrize("moment, fraction", [("early", 0.0), ("middle", 0.45), ("late", 0.85)])
@pytest.mark.parametrize("which", [0, 1])
def test_killing_one_worker_at_any_moment_loses_nothing(run_dir, full_size, moment, fraction, which):
    proc = _kill_at(run_dir, [fraction], which, full_size)
    assert proc.returncode == 0, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    _every_record_once(run_dir)


def test_killing_a_worker_of_the_replacement_pool_too(run_dir, full_size):
    proc = _kill_at(run_dir, [0.2, 0.3], 0, full_size)
    assert proc.returncode == 0, proc.stderr
    _every_record_once(run_dir)
