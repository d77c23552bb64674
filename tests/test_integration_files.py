"""The files that put valuate into pipelines: pre-commit hooks, the GitHub Action, the GitLab
CI template and the Dockerfile. Each is parsed, and every valuate option or setting it uses
must exist, so none of them can drift from the CLI. Nothing is pulled from a registry, and
the image is not built (no Docker engine here): docs/guides/ci.md documents the build command."""
from __future__ import annotations

import re
import shlex

import pytest
import yaml

from conftest import ROOT
from valuate.cli import check
from valuate.engine.config.sources import environment
from valuate.engine.outputs import output_specs

CHECK_OPTIONS = {opt for p in check.params for opt in getattr(p, "opts", []) + getattr(p, "secondary_opts", [])}


def options_in(command: str) -> list:
    return [t.split("=")[0] for t in shlex.split(command) if t.startswith("-") and t not in ("-", "--")]


def test_pre_commit_hooks_run_real_commands():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"valuate-rules-lint", "valuate-check"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python" and hook["entry"].startswith("valuate ")
        assert hook["pass_filenames"] is False
        re.compile(hook["files"])
    entry = next(h["entry"] for h in hooks if h["id"] == "valuate-check")
    assert set(options_in(entry)) <= CHECK_OPTIONS


@pytest.fixture(scope="module")
def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_is_a_composite_that_installs_checks_and_uploads_sarif(action):
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert install["env"]["CPPFLAGS"] == "-DPyEval_CallObject=PyObject_CallObject"
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{ inputs." not in step["run"], "inputs go through env, never into the script"
    check_step = next(s for s in steps if s.get("id") == "check")
    assert check_step["run"] == 'python "$ACTION_PATH/ci/action_check.py"'  # no shell word-splitting
    assert check_step["working-directory"] == "${{ inputs.working-directory }}"
    assert (ROOT / "ci" / "action_check.py").is_file()
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif }}"
    assert set(action["inputs"]) >= {"catalogs", "args", "sarif", "upload-sarif", "python-version",
                                     "working-directory"}


def test_gitlab_template_publishes_the_reports_it_writes():
    doc = yaml.safe_load((ROOT / "ci" / "valuate.gitlab-ci.yml").read_text())
    job = doc["valuate"]
    assert job["image"].startswith("python:") and job["image"].endswith("-slim")
    variables = job["variables"]
    settings = {k: v for k, v in variables.items() if k.startswith("VALUATE_")}
    values, warnings = environment(settings)
    assert warnings == [] and set(values) == {"VALUATE_FORMAT", "VALUATE_COLOR"}  # both read by check
    written = {s.file: s.format for s in output_specs(values["VALUATE_FORMAT"].split(","))}
    reports = job["artifacts"]["reports"]
    assert written[reports["junit"]] == "junit"
    assert written[reports["codequality"]] == "gitlab-codequality"
    assert job["artifacts"]["when"] == "always" and "valuate.sarif" in job["artifacts"]["paths"]
    assert job["script"] == ["valuate check"]
    assert variables["CPPFLAGS"] == "-DPyEval_CallObject=PyObject_CallObject"


def dockerfile_stages(text: str) -> list:
    """[(FROM line, [(instruction, arguments), ...]), ...], continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    stages: list = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            stages.append((rest, []))
        elif stages:
            stages[-1][1].append((word.upper(), rest))
    return stages


def test_dockerfile_builds_durable_rules_in_a_builder_stage():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG PYTHON_VERSION=3\.1[0-3]$", text, re.M)
    (builder, build), (final, runtime) = dockerfile_stages(text)
    assert builder == "python:${PYTHON_VERSION}-slim AS builder" and final == "python:${PYTHON_VERSION}-slim"
    assert ("ENV", "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject") in build
    assert any(i == "RUN" and "pip wheel" in a for i, a in build)
    assert ("COPY", "--from=builder /wheels /wheels") in runtime
    assert not any("gcc" in a for _, a in runtime), "no compiler in the final image"
    assert ("ENTRYPOINT", '["valuate"]') in runtime and ("USER", "valuate") in runtime
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".git" in ignored and ".venv*" in ignored


def test_the_ci_guide_documents_the_integration_files():
    readme = (ROOT / "docs" / "guides" / "ci.md").read_text(encoding="utf-8")
    for needed in ("docker build -t valuate .", ".pre-commit-hooks.yaml", "action.yml",
                   "ci/valuate.gitlab-ci.yml", "upload-sarif"):
        assert needed in readme, needed
