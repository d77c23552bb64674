"""Every report records the tool version and digests of its inputs; the same inputs
give byte-identical JSON (in another process, with another hash seed, too)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import AS_OF, ROOT, SAMPLE

ARGS = ["check", SAMPLE, "--format", "json", "--as-of", AS_OF, "--fail-on", "never",
        "--profile", "examples/profiles/tiered.yaml", "--waivers", "examples/waivers.yaml"]


def _process(seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", "import sys; from valuate.cli import main; sys.exit(main())", *ARGS],
                          cwd=ROOT, env=env, capture_output=True, check=True)
    return done.stdout


def test_same_inputs_same_bytes_in_process(cli):
    first, second = cli(*ARGS).stdout, cli(*ARGS).stdout
    assert first == second
    doc = json.loads(first)
    assert doc["tool"] == {"name": "valuate", "version": "0.1.0"}
    assert set(doc["inputs"]) == {"rules", "profile", "waivers", "facts", "digest"}
    assert all(v.startswith("sha256:") for v in doc["inputs"].values())


def test_same_inputs_same_bytes_across_processes():
    assert _process("1") == _process("2")


def _inputs(cli, *extra):
    return json.loads(cli("check", SAMPLE, "--format", "json", "--fail-on", "never", *extra).stdout)["inputs"]


def test_each_input_moves_its_digest(cli, tmp_path):
    base = _inputs(cli, "--as-of", AS_OF)
    assert base["profile"] is None and base["waivers"] is None
    profiled = _inputs(cli, "--as-of", AS_OF, "--profile", "examples/profiles/strict-availability.yaml")
    assert profiled["profile"] and profiled["rules"] != base["rules"] and profiled["digest"] != base["digest"]
    assert profiled["facts"] == base["facts"]
    waived = _inputs(cli, "--as-of", AS_OF, "--waivers", "examples/waivers.yaml")
    assert waived["waivers"] and waived["rules"] == base["rules"] and waived["digest"] != base["digest"]
    assert _inputs(cli, "--as-of", "2026-11-29")["digest"] != base["digest"]  # the date is an input
    copy = tmp_path / "catalog.yaml"
    copy.write_bytes((ROOT / SAMPLE).read_bytes())
    assert _inputs(cli, str(copy), "--as-of", AS_OF)["facts"] != base["facts"]  # two catalogs now
    single = json.loads(cli("check", str(copy), "--format", "json", "--fail-on", "never",
                            "--as-of", AS_OF).stdout)["inputs"]
    assert single == base  # the contents count, not the file's name or place
