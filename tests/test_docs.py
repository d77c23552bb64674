"""The documentation runs as written and links where it says (the convention: tests/docs_blocks.py).

Each page's blocks run in order in a work folder of its own: `valuate`
commands in this process through click's runner (fast: no interpreter start
per command), anything with shell syntax (a pipe, a redirect, `mkdir`) in
bash. The generated reference pages must equal what docs/tools/gen_reference.py
writes from the code now.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLE
from docs_blocks import RUN, blocks, commands, forge_slug, headings, is_plain_valuate, links, missing_in_order, \
    site_slug

DOCS = ROOT / "docs"
# docs/pending/ holds drafts from branches not yet folded into the guides:
# they are not pages of the site until they are folded in.
PAGES = sorted([ROOT / "README.md", *(p for p in DOCS.rglob("*.md") if "pending" not in p.relative_to(DOCS).parts)])
RUNNABLE = [p for p in PAGES if any(b.lang in RUN and not b.not_run for b in blocks(p))]
MAX_NOT_RUN = 12  # blocks marked <!-- not run: ... -->: they must stay rare
NO_COMMENTS = (".json", ".jsonl", ".csv", ".tsv")  # formats without comments: a `# file:` line is not written


def rel(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def workdir(tmp_path: Path) -> Path:
    for folder in ("facts", "rules", "examples", "tests/data", "bench"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / SAMPLE, tmp_path / "catalog.yaml")
    return tmp_path


class Shell:
    """Runs a page's commands in its work folder and remembers the last exit status."""

    def __init__(self, cwd: Path, monkeypatch):
        self.cwd, self.status, self.monkeypatch = cwd, 0, monkeypatch
        self.env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                    "NO_COLOR": "1", "COLUMNS": "200"}
        self.in_process = self.in_shell = 0

    def run(self, command: str) -> tuple:
        if command.strip() == "echo $?":
            return 0, f"{self.status}\n"
        plain = is_plain_valuate(command)
        if plain is not None:
            from valuate.cli import main
            env, argv = plain
            self.monkeypatch.chdir(self.cwd)
            result = CliRunner().invoke(main, argv, env={"NO_COLOR": "1", **env}, catch_exceptions=True)
            if result.exception and not isinstance(result.exception, SystemExit):
                raise result.exception
            self.in_process += 1
            return result.exit_code, result.output
        done = subprocess.run(["bash", "-c", command], cwd=self.cwd, env=self.env, capture_output=True, text=True,
                              timeout=120)
        self.in_shell += 1
        return done.returncode, done.stdout + done.stderr


def test_every_command_block_is_runnable_or_marked():
    marked = [b for p in PAGES for b in blocks(p) if b.not_run]
    assert len(marked) <= MAX_NOT_RUN, [b.where for b in marked]
    for page in PAGES:
        for b in blocks(page):
            shows_prompt = any(line.startswith("$ ") for line in b.body.splitlines())
            assert not (shows_prompt and b.lang != "console"), f"{rel(b.page)}:{b.line}: a block with $ prompts is ```console"
            assert not (b.not_run and b.lang not in RUN), f"{b.where}: only command blocks are marked not run"


@pytest.mark.parametrize("page", RUNNABLE, ids=rel)
def test_the_page_runs_as_written(page, tmp_path, monkeypatch):
    cwd = workdir(tmp_path)
    shell = Shell(cwd, monkeypatch)
    for block in blocks(page):
        if block.file and block.lang not in RUN:
            body = block.body
            if Path(block.file).suffix in NO_COMMENTS:  # the marker line would make the file unreadable
                body = body.split("\n", 1)[1]
            (cwd / block.file).parent.mkdir(parents=True, exist_ok=True)
            (cwd / block.file).write_text(body, encoding="utf-8")
            continue
        if block.lang not in RUN or block.not_run:
            continue
        if block.lang == "python":
            done = subprocess.run([sys.executable, "-c", block.body], cwd=cwd, capture_output=True, text=True,
                                  timeout=120)
            assert done.returncode == 0, f"{block.where}\n{done.stderr}"
            continue
        cmds = commands(block)
        for i, cmd in enumerate(cmds):
            status, output = shell.run(cmd.text)
            shown = cmds[i + 1] if i + 1 < len(cmds) and cmds[i + 1].text.strip() == "echo $?" else None
            if cmd.text.strip() != "echo $?":
                allowed = {int(shown.expected[0])} if shown and shown.expected else {0, 1}
                assert status in allowed, f"{block.where}: $ {cmd.text}\nexit {status}\n{output}"
                shell.status = status
            missing = missing_in_order(cmd.expected, output)
            assert not missing, f"{block.where}: $ {cmd.text}\nmissing, in order: {missing}\n--- got:\n{output}"


def test_the_authoring_guide_builds_a_whole_policy():
    """The guide's steps write the policy's files and run every command on them (run above)."""
    page = DOCS / "guides" / "authoring.md"
    written = [b for b in blocks(page) if b.file]
    run = [c for b in blocks(page) if b.lang == "console" for c in commands(b)]
    assert len(written) >= 6 and len(run) >= 9
    assert run[0].text == "valuate init governance"


def _anchors(page: Path) -> dict:
    """anchor -> heading of a page, as the site makes them (with -1, -2 for repeats)."""
    seen, out = {}, {}
    for h in headings(page.read_text(encoding="utf-8")):
        slug = site_slug(h)
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out[slug if n == 0 else f"{slug}_{n}"] = h
    return out


@pytest.mark.parametrize("page", PAGES, ids=rel)
def test_every_internal_link_and_anchor_resolves(page):
    text = page.read_text(encoding="utf-8")
    in_docs = DOCS in page.parents
    for line, target in links(text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        assert dest.exists(), f"{rel(page)}:{line}: {target} does not exist"
        if in_docs:
            assert DOCS in dest.parents, f"{rel(page)}:{line}: {target} leaves docs/ (the site has no such page)"
        if anchor:
            anchors = _anchors(dest)
            assert anchor in anchors, f"{rel(page)}:{line}: no heading #{anchor} in {dest.name}"
            heading = anchors[anchor]
            assert forge_slug(heading) == anchor, \
                f"{rel(page)}:{line}: #{anchor} works on the site but not on the forge ('{heading}')"


def test_the_generated_reference_is_current():
    spec = importlib.util.spec_from_file_location("gen_reference", DOCS / "tools" / "gen_reference.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    stale = [path for path, text in gen.generated().items()
             if not (DOCS / path).exists() or (DOCS / path).read_text(encoding="utf-8") != text]
    assert not stale, f"stale generated pages: {stale}; run make docs (or python docs/tools/gen_reference.py)"


def test_every_page_is_in_the_site_navigation():
    import yaml
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set()

    def walk(node):
        if isinstance(node, str):
            listed.add(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
    walk(yaml.safe_load(nav)["nav"])
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md") if "tools" not in p.parts and "pending" not in p.parts}
    assert pages == listed, (pages - listed, listed - pages)


def test_every_docs_reference_in_the_code_resolves():
    """Comments, messages and schemas cite a page of docs/ and an anchor: both exist."""
    import re
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    cited = re.compile(r"docs/([\w/-]+\.md)(?:#([\w-]+))?")
    checked = 0
    for name in listed:
        if name.startswith(("docs/", "tests/data/")) or name == "README.md" or not (ROOT / name).is_file():
            continue
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for m in cited.finditer(text):
            page = DOCS / m.group(1)
            assert page.is_file(), f"{name}: docs/{m.group(1)} does not exist"
            if m.group(2):
                assert m.group(2) in _anchors(page), f"{name}: no heading #{m.group(2)} in docs/{m.group(1)}"
            checked += 1
    assert checked >= 20
