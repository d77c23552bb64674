"""The GitLab CI job as GitLab reads it (issue 25 item 2): the template and the guide's job
are parsed as YAML, every command they run must be in the image or installed by the job
itself, and the template's own commands run in a shell here, as far as this machine allows
(not apt-get or pip: they need the network and root; valuate is the one under test)."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import AS_OF, ROOT, SAMPLE
from docs_blocks import blocks

# What python:3.12-slim (Debian bookworm slim) has on its PATH that the jobs use, and the
# shell's builtins. gcc, g++ and git are not there: a job that needs them installs them.
IN_IMAGE = {"python", "python3", "pip", "pip3", "apt-get", "dpkg", "sh", "bash", "cat", "echo", "test", "exit",
            "true", "false", "mkdir", "ls", "cp", "rm", "env", "[", "{", "}", "cd", "export"}
INSTALLED_BY_PIP = {"valuate"}


def template() -> dict:
    return yaml.safe_load((ROOT / "ci" / "valuate.gitlab-ci.yml").read_text())["valuate"]


def guide_job() -> dict:
    page = ROOT / "docs" / "guides" / "ci.md"
    jobs = [yaml.safe_load(b.body) for b in blocks(page) if b.lang == "yaml" and "before_script" in b.body]
    (job,) = [j["valuate"] for j in jobs]
    return job


def commands(line: str) -> list:
    """The command words of one shell line: the first word of each simple command."""
    line = re.sub(r"\d?>\s*/dev/null", "", line)
    words = []
    for part in re.split(r"&&|\|\||;|\|", line):
        tokens = [t for t in shlex.split(part.replace("{", " { ").replace("}", " } ")) if t not in ("{", "}")]
        while tokens and "=" in tokens[0] and not tokens[0].startswith("-"):
            tokens = tokens[1:]  # VAR=value before a command
        if tokens:
            words.append(tokens[0])
    return words


def apt_installed(lines: list) -> set:
    out = set()
    for line in lines:
        for part in line.split("&&"):
            tokens = shlex.split(re.sub(r"\d?>\s*/dev/null", "", part))
            if tokens[:2] == ["apt-get", "install"]:
                out |= {t for t in tokens[2:] if not t.startswith("-")}
    return out


@pytest.mark.parametrize("job", [template, guide_job], ids=["template", "guide"])
def test_every_command_the_job_runs_is_in_the_image_or_installed_by_it(job):
    job = job()
    assert job["image"] == "python:3.12-slim"
    lines = job.get("before_script", []) + job["script"]
    installed = apt_installed(lines)
    for line in lines:
        for word in commands(line):
            assert word in IN_IMAGE | installed | INSTALLED_BY_PIP, f"{word!r} is neither in the image nor installed"
    # durable-rules builds from source (a compiler), and a git+ URL needs git for pip
    assert {"gcc", "g++"} <= installed
    install = next(line for line in lines if line.startswith("pip install"))
    source = job.get("variables", {}).get("INSTALL_VALUATE", "") if "$INSTALL_VALUATE" in install else install
    assert "git+" in source or source == "", source
    assert "git" in installed, "pip install git+https://... needs git, which the slim image lacks"


def test_the_template_runs_in_a_shell(tmp_path):
    job = template()
    variables = {k: str(v) for k, v in job["variables"].items()}
    (tmp_path / "catalog.yaml").write_text((ROOT / SAMPLE).read_text())
    bindir = Path(sys.executable).parent
    env = {**os.environ, **variables, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
           "VALUATE_CATALOGS": "catalog.yaml", "VALUATE_AS_OF": AS_OF}
    guard = job["before_script"][0]
    unset = subprocess.run(["sh", "-c", guard], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert unset.returncode == 2 and "set INSTALL_VALUATE" in unset.stdout  # no default source
    env["INSTALL_VALUATE"] = "git+https://gitlab.example.com/tools/valuate.git@v0.1.0"
    assert subprocess.run(["sh", "-c", guard], cwd=tmp_path, env=env).returncode == 0
    for line in job["script"]:
        done = subprocess.run(["sh", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 1, done.stderr  # the sample fails; the artifacts are kept (when: always)
    reports = job["artifacts"]["reports"]
    junit = ET.parse(tmp_path / reports["junit"]).getroot()
    assert junit.tag == "testsuites" and int(junit.get("failures")) > 0
    assert json.loads((tmp_path / reports["codequality"]).read_text())
    for path in job["artifacts"]["paths"]:
        assert (tmp_path / path).is_file()
