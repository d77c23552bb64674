"""The README's authoring guide, run as written: every file it shows is written, every command
it shows is run in order in an empty directory, and the output lines it shows must appear, in
order ('...' stands for lines left out)."""
from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

VALUATE = str(Path(sys.executable).parent / "valuate")


def guide() -> list:
    """('file', path, text) and ('run', command, expected lines), in README order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Authoring a policy, step by step\n", 1)[1].split("\n## ", 1)[0]
    steps = []
    for i, block in enumerate(section.split("```")):
        if i % 2 == 0:
            continue
        kind, _, body = block.partition("\n")
        if kind == "yaml" and body.startswith("# file: "):
            path = body.split("\n", 1)[0][len("# file: "):]
            steps.append(("file", path, body))
        elif kind == "console":
            for chunk in body.split("$ ")[1:]:
                command, *expected = chunk.rstrip("\n").split("\n")
                steps.append(("run", command, [line for line in expected if line != "..."]))
    return steps


def _in_order(expected: list, output: str) -> list:
    """The expected lines that do not appear, in order, among the output lines."""
    lines = [line.rstrip() for line in output.splitlines()]
    at, missing = 0, []
    for want in expected:
        found = next((i for i in range(at, len(lines)) if lines[i] == want.rstrip()), None)
        if found is None:
            missing.append(want)
        else:
            at = found + 1
    return missing


def test_the_guide_runs_as_written(tmp_path):
    steps = guide()
    assert sum(1 for s in steps if s[0] == "run") >= 9 and sum(1 for s in steps if s[0] == "file") >= 6
    for kind, what, body in steps:
        if kind == "file":
            (tmp_path / what).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / what).write_text(body, encoding="utf-8")
            continue
        args = shlex.split(what)
        assert args[0] == "valuate"
        done = subprocess.run([VALUATE, *args[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"$ {what}\n{output}"
        missing = _in_order(body, done.stdout)
        assert not missing, f"$ {what}\nmissing, in order: {missing}\n--- got:\n{done.stdout}"
