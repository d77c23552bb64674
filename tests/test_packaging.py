"""The built wheel, installed into a fresh virtual environment, works outside the repository.

The wheel is built from this checkout and installed with --no-deps into a new
venv whose only view of the project's environment is a .pth line naming its
site-packages (durable-rules, PyYAML, click, openpyxl: nothing is rebuilt or
downloaded, and the checkout's editable install is not activated: .pth files
in a directory added that way are not run). Every command runs from a
directory outside the repository, so nothing is found by accident in the
working directory.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import AS_OF, DATA, ROOT, SAMPLE

GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(ROOT)], check=True, cwd=out, timeout=300)
    (built,) = out.glob("valuate-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True, timeout=120)
    python = home / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    str(wheel)], check=True, timeout=300)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "project-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return home


@pytest.fixture
def outside(tmp_path) -> Path:
    """A working directory with nothing of the repository in it."""
    assert not str(tmp_path).startswith(str(ROOT))
    return tmp_path


def sh(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_wheel_holds_one_package_with_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("valuate-")}
    assert tops == {"valuate"}, f"top-level entries besides valuate: {sorted(tops - {'valuate'})}"
    for needed in ("valuate/cli.py", "valuate/py.typed", "valuate/rules/itil4/pack.yaml",
                   "valuate/rules/itil4/rules/warranty.yaml", "valuate/rules/itil4/tests/verdicts.yaml",
                   "valuate/facts/service.schema.json", "valuate/facts/report.schema.json",
                   "valuate/facts/mappings/gitlab.yaml", "valuate/facts/samples/catalog.yaml",
                   "valuate/engine/report/assets/report.css", "valuate/facts/schemas/pack.schema.json",
                   "valuate/engine/governance/templates/rules.yaml",
                   "valuate/engine/governance/templates/valuate.toml"):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("valuate/tests/", "valuate/bench/", "valuate/examples/"))]
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE") for n in names)


def test_pyproject_lists_every_engine_package():
    listed = set(_pyproject_packages())
    found = {"valuate"} | {"valuate." + ".".join(p.parent.relative_to(ROOT).parts)
                           for p in (ROOT / "engine").rglob("__init__.py")}
    assert listed == found, f"pyproject.toml packages differ: missing {sorted(found - listed)}, " \
                            f"stale {sorted(listed - found)}"


def _pyproject_packages() -> list:
    text = (ROOT / "pyproject.toml").read_text()
    block = text.split("packages = [", 1)[1].split("]", 1)[0]
    return [line.strip().strip('",') for line in block.splitlines() if line.strip().strip('",')]


def test_check_outside_the_repository_prints_the_demo_report(venv, outside):
    catalog = ROOT / SAMPLE
    done = sh(venv, outside, "valuate", "check", str(catalog), "--as-of", AS_OF, "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    # the same report as `make demo` (tests/golden/sample.txt), but for the path it was given
    expected = (GOLDEN / "sample.txt").read_text().replace(f"({SAMPLE}:", f"({catalog}:")
    assert done.stdout == expected


def test_explain_and_lint_outside_the_repository(venv, outside):
    done = sh(venv, outside, "valuate", "explain", str(ROOT / SAMPLE), "print", "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    expected = (GOLDEN / "explain-print.txt").read_text().replace(f", {SAMPLE}:", f", {ROOT / SAMPLE}:")
    assert done.stdout == expected
    bundled = sh(venv, outside, "python", "-c", "from valuate.engine.data import DEFAULT_PACK; print(DEFAULT_PACK)")
    pack = Path(bundled.stdout.strip())
    assert venv in pack.parents, f"the bundled pack is not the installed one: {pack}"
    lint = sh(venv, outside, "valuate", "rules", "lint", str(pack))
    assert lint.returncode == 0 and "0 errors" in lint.stdout, lint.stdout + lint.stderr
    tests = sh(venv, outside, "valuate", "rules", "test", str(pack))
    assert tests.returncode == 0 and " 0 failed" in tests.stdout, tests.stdout + tests.stderr


def test_a_preset_mapping_outside_the_repository(venv, outside):
    export = DATA / "gitlab-service-catalog-excerpt.yml"
    done = sh(venv, outside, "valuate", "check", str(export), "--mapping", "gitlab", "--as-of", AS_OF,
              "--format", "json", "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    assert '"services": [' in done.stdout and '"verdict": "error"' not in done.stdout


def test_only_valuate_is_importable(venv, outside):
    assert sh(venv, outside, "python", "-c", "import valuate, valuate.cli, valuate.engine.pipeline").returncode == 0
    for name in ("engine", "cli"):
        done = sh(venv, outside, "python", "-c", f"import {name}")
        assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr, (name, done.stderr)
    assert sh(venv, outside, "python", "-m", "valuate", "--version").stdout.startswith("valuate, version")


# --- other Pythons --------------------------------------------------------
# CI runs the suite on the machine's default Python; the oldest and the
# newest supported versions get the wheel installed (with its dependencies
# from PyPI, durable-rules built from source) and the sample judged, where
# an interpreter is on the machine (pyenv's, or one on PATH).
OTHER_PYTHONS = ("3.10", "3.13")
PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
# durable-rules calls PyEval_CallObject, gone in 3.13: see the Makefile.
BUILD_ENV = {"CPPFLAGS": "-DPyEval_CallObject=PyObject_CallObject"}


def interpreter(version: str):
    candidates = sorted(PYENV.glob(f"versions/{version}.*/bin/python{version}"))
    on_path = shutil.which(f"python{version}")
    for candidate in [*candidates, *([on_path] if on_path else [])]:
        probe = subprocess.run([str(candidate), "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return str(candidate)
    return None


@pytest.mark.slow
@pytest.mark.parametrize("version", OTHER_PYTHONS)
def test_the_wheel_on_other_pythons(version, wheel, tmp_path_factory, outside):
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        pytest.skip(f"Python {version} is the one running the suite")
    python = interpreter(version)
    if python is None:
        pytest.skip(f"no Python {version} interpreter on this machine (pyenv or PATH)")
    home = tmp_path_factory.mktemp(f"venv{version}")
    subprocess.run([python, "-m", "venv", str(home)], check=True, timeout=300)
    env = {**os.environ, **BUILD_ENV}
    install = subprocess.run([str(home / "bin" / "python"), "-m", "pip", "install", "--quiet",
                              "--disable-pip-version-check", str(wheel)],
                             env=env, capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    done = sh(home, outside, "valuate", "check", str(ROOT / SAMPLE), "--as-of", AS_OF, "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (GOLDEN / "sample.txt").read_text().replace(f"({SAMPLE}:", f"({ROOT / SAMPLE}:")
    pack = sh(home, outside, "python", "-c", "from valuate.engine.data import DEFAULT_PACK; print(DEFAULT_PACK)")
    tests = sh(home, outside, "valuate", "rules", "test", pack.stdout.strip())
    assert tests.returncode == 0 and " 0 failed" in tests.stdout, tests.stdout + tests.stderr


def test_the_library_example_runs():
    text = (ROOT / "docs" / "guides" / "python-api.md").read_text(encoding="utf-8")
    example = text.split("```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run([sys.executable, "-c", example], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("payroll valuable") and len(lines) == 16
    assert lines[-1].startswith("{'services': 15, 'valuable': 3")


def test_init_outside_the_repository_passes_lint_and_test(venv, outside):
    assert sh(venv, outside, "valuate", "init", "policy").returncode == 0
    lint = sh(venv, outside, "valuate", "rules", "lint", "policy/team", "--profile", "policy/profile.yaml",
              "--waivers", "policy/waivers.yaml")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    tests = sh(venv, outside, "valuate", "rules", "test", "policy/team", "--min-coverage", "100")
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert (outside / "policy" / "schemas" / "rule-file.schema.json").is_file()


def test_the_suite_runs_in_a_clone_whose_folder_name_is_no_identifier(tmp_path):
    """pytest imports the root __init__.py as a plain module when the checkout's folder
    is not an identifier (valuate-main/): it must import nothing relative at its top."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: " + listed.stderr.strip())
    clone = tmp_path / "valuate-main"
    for name in listed.stdout.splitlines():
        if (ROOT / name).is_file() and not name.startswith(("tests/adversarial/", "tests/golden/")):
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    done = subprocess.run([sys.executable, "-c", "import pytest, sys; sys.exit(pytest.main(sys.argv[1:]))",
                           "-q", "-p", "no:cacheprovider", "tests/test_encode.py"],
                          cwd=clone, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
