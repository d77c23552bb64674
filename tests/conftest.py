"""Shared fixtures: paths into the repository, a CLI runner, golden-file helper."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pg import postgres, store_url  # noqa: F401  (the run store's servers: tests/pg.py)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "facts/samples/catalog.yaml"
AS_OF = "2026-11-28"
VENDORED = ROOT / "tests" / "data" / "samples"  # the excerpts of the public samples (tests/data/SOURCE.md)


@pytest.fixture
def repo(monkeypatch) -> Path:
    """Run from the repository root, so paths in outputs are stable and relative."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture
def cli(repo):
    from valuate.cli import main

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites it instead."""
    path = ROOT / "tests" / "golden" / name
    if os.environ.get("UPDATE_GOLDEN") == "1" or not path.exists() and os.environ.get("CI") is None \
            and os.environ.get("UPDATE_GOLDEN") == "new":
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from tests/golden/{name} (UPDATE_GOLDEN=1 to accept)"


def samples_dir() -> Path:
    """The public samples: the full sets where VALUATE_SAMPLES names them, else the vendored excerpts.

    The excerpts keep every record of the full sets (only fields no preset reads
    are cut), so the same tests, with the same assertions, run on either."""
    env = os.environ.get("VALUATE_SAMPLES")
    if not env:
        return VENDORED
    if not Path(env).is_dir():
        raise pytest.UsageError(f"VALUATE_SAMPLES={env} is not a directory (it names the full public samples)")
    return Path(env)


def sample(relative: str) -> Path:
    """A file of the public samples (see samples_dir); a missing one is a failure, never a skip."""
    path = samples_dir() / relative
    if not path.exists():
        pytest.fail(f"sample {relative} is not in {samples_dir()} (VALUATE_SAMPLES names the full sets; "
                    "tests/data/samples has the excerpts)")
    return path


DATA = ROOT / "tests" / "data"


def bench_module(name: str):
    """A module of bench/ (the benchmarks' catalog generators), imported from its file.

    The repository root is not on sys.path under pytest, on purpose: engine/ and
    cli.py must only ever be imported as valuate.engine and valuate.cli."""
    import importlib.util
    import sys

    if "bench" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench", ROOT / "bench" / "__init__.py",
                                                      submodule_search_locations=[str(ROOT / "bench")])
        sys.modules["bench"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["bench"])
    return importlib.import_module(f"bench.{name}")


def check(catalogs, *, rules=None, as_of=None, params=None, profile=None, waivers=None, mapping=None,
          joins=(), input_format=None, suggest=True, conditions=False):
    """A whole run in memory through the library API (valuate.run), as a Report."""
    import valuate

    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    policy = valuate.Policy(rules=tuple(str(r) for r in rules or ()), params=params or {}, profile=profile,
                            waivers=waivers, as_of=as_of)
    inputs = valuate.Inputs(tuple(str(c) for c in catalogs), input_format, mapping, tuple(joins))
    return valuate.run(valuate.RunRequest(policy, inputs, valuate.RunOptions(conditions, suggest))).report()


def facts(catalogs, mapping=None, input_format=None, joins=()) -> dict:
    """What ``valuate facts`` prints, as a document."""
    from valuate.engine.pipeline import facts_document
    from valuate.engine.request import Inputs

    return facts_document(Inputs(tuple(str(c) for c in catalogs), input_format, mapping, tuple(joins)))
