"""The GitHub Action's check step, run as the runner runs it (issue 25 item 8): ci/action_check.py
with the inputs in the environment, paths with spaces, a working directory, and the
repository's configured formats kept beside the action's github and sarif."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import AS_OF, ROOT, SAMPLE

SCRIPT = ROOT / "ci" / "action_check.py"
VALUATE = str(Path(sys.executable).parent / "valuate")


def step(cwd: Path, workspace: Path, **inputs) -> tuple:
    """(the step's exit status, its stdout, stderr, the outputs it wrote to $GITHUB_OUTPUT)."""
    out = workspace / "github-output"
    out.write_text("")
    env = {**os.environ, "VALUATE_COMMAND": VALUATE, "GITHUB_OUTPUT": str(out), "GITHUB_WORKSPACE": str(workspace),
           "CATALOGS": "", "ARGS": "", "SARIF": "valuate.sarif", **inputs}
    done = subprocess.run([sys.executable, str(SCRIPT)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
    return done.returncode, done.stdout, done.stderr, outputs


@pytest.fixture
def repo(tmp_path):
    """A repository whose catalog lives in a directory with spaces, configured by its valuate.toml."""
    project = tmp_path / "my project"
    (project / "service data").mkdir(parents=True)
    shutil.copy(ROOT / SAMPLE, project / "service data" / "the catalog.yaml")
    (project / "valuate.toml").write_text(f'as-of = {AS_OF}\nformat = ["text", "junit:reports/valuate.junit.xml"]\n')
    return tmp_path, project


def test_paths_with_spaces_a_working_directory_and_the_configured_formats(repo):
    workspace, project = repo
    code, stdout, stderr, outputs = step(project, workspace, CATALOGS="service data/the catalog.yaml\n",
                                         ARGS="--fail-on 'not_valuable' --sarif-include unknown")
    assert code == 0 and outputs["exit-code"] == "1"  # the sample fails; the upload step still runs
    assert outputs["sarif"] == "my project/valuate.sarif"  # from the repository root, for the upload
    errors = [line for line in stdout.splitlines() if line.startswith("::error")]
    assert errors and all("file=service data/the catalog.yaml," in line for line in errors)
    junit = ET.parse(project / "reports" / "valuate.junit.xml").getroot()  # the configured format, kept
    assert (junit.get("failures"), junit.get("errors")) == ("7", "1")
    assert "the configured format 'text' goes to standard output" in stderr
    sarif = json.loads((project / "valuate.sarif").read_text())
    assert sarif["runs"][0]["invocations"][0]["properties"]["included"] == ["fail", "open"]


def test_one_line_of_catalogs_is_read_as_a_shell_would(repo):
    workspace, project = repo
    shutil.copy(ROOT / SAMPLE, project / "second.yaml")
    code, stdout, _, outputs = step(project, workspace, CATALOGS='"service data/the catalog.yaml" second.yaml',
                                    ARGS="--fail-on never --no-config --as-of " + AS_OF)
    assert code == 0 and outputs["exit-code"] == "0"
    assert stdout.splitlines()[-1].startswith("::notice title=valuate::30 services")
    assert not (project / "reports").exists()  # --no-config: the configured formats are not in force


def test_formats_named_in_args_replace_the_configured_ones(repo):
    workspace, project = repo
    _, _, _, outputs = step(project, workspace, CATALOGS="service data/the catalog.yaml",
                            ARGS="-f 'markdown:board file.md'", SARIF="out dir/v.sarif")
    assert (project / "board file.md").is_file() and not (project / "reports").exists()
    assert outputs["sarif"] == "my project/out dir/v.sarif"


def test_nothing_in_an_input_is_run(repo, tmp_path):
    workspace, project = repo
    marker = tmp_path / "pwned"
    code, _, stderr, outputs = step(project, workspace, CATALOGS=f"$(touch {marker})",
                                    ARGS=f"; touch {marker}")
    assert not marker.exists() and outputs["exit-code"] == "2"


def test_the_action_runs_the_script_with_its_inputs():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    check = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    assert set(check["env"]) == {"CATALOGS", "ARGS", "SARIF", "ACTION_PATH"}
    assert check["env"]["CATALOGS"] == "${{ inputs.catalogs }}" and check["env"]["ARGS"] == "${{ inputs.args }}"
