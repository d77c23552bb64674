"""The vendored sample excerpts (tests/data/samples) are what samples/cut.py makes, and every
fixture in tests/data says where it came from (tests/data/SOURCE.md)."""
from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path

from conftest import DATA, ROOT, VENDORED


def _cut():
    spec = importlib.util.spec_from_file_location("cut", VENDORED / "cut.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_excerpts_are_what_cut_makes():
    """From the full sets when VALUATE_SAMPLES names them; else cutting the excerpts again changes nothing."""
    made = _cut().excerpts(Path(os.environ.get("VALUATE_SAMPLES") or VENDORED))
    committed = {p.relative_to(VENDORED).as_posix() for p in VENDORED.rglob("*") if p.is_file()} - {"cut.py"}
    assert set(made) == committed
    for name, body in made.items():
        assert (VENDORED / name).read_bytes() == body, f"tests/data/samples/{name} differs from what cut.py makes"


def test_the_gitlab_excerpt_keeps_every_service():
    import yaml
    services = yaml.safe_load((VENDORED / "gitlab-com-service-catalog" / "service-catalog.yml").read_text())["services"]
    assert len(services) == 55 and len({s["name"] for s in services}) == 55


def test_every_fixture_is_listed_in_source_md():
    listed = (DATA / "SOURCE.md").read_text(encoding="utf-8")
    tracked = subprocess.run(["git", "ls-files", "tests/data"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for path in tracked + [p.relative_to(ROOT).as_posix() for p in VENDORED.rglob("*") if p.is_file()]:
        name = path.removeprefix("tests/data/")
        if name in ("SOURCE.md", "samples/cut.py") or name.startswith("licenses/"):
            continue
        top, _, rest = name.partition("/")
        if top in ("broken-pack", "team-pack"):
            assert f"{top}/" in listed, name
        elif top == "samples":
            assert f"`{rest.partition('/')[0]}/" in listed, name
        else:
            assert name in listed, name
    for licence in ("MIT.txt", "Apache-2.0.txt", "NOTICE-backstage.txt"):
        assert (DATA / "licenses" / licence).stat().st_size > 500
