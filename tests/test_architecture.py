"""The architecture as a test: who may import whom inside engine/.

- durable-rules is imported by the evaluate host alone (engine/evaluate/host.py);
- a report module imports only the result model, other report modules and the
  standard library (reports see only the model);
- the wings of engine/ (its direct subpackages and modules) form no cycle,
  counting imports inside functions too (a late import hides a cycle, it does
  not remove it);
- nothing imports the CLI, and engine/ imports itself only relatively (an
  absolute ``engine`` import would load a second, top-level copy in a checkout).

Imports are read from the source with ``ast``; nothing is imported to check.
"""
from __future__ import annotations

import ast
import shutil
import sys
from pathlib import Path

from conftest import ROOT

PACKAGE = "valuate"
HOST = "valuate.engine.evaluate.host"
REPORT = "valuate.engine.report"
MODEL = "valuate.engine.model"
DURABLE = ("durable_rules_engine", "durable")


def module_name(file: Path, engine: Path) -> str:
    parts = list(file.relative_to(engine.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def imports(file: Path, engine: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in the file, at any depth.

    ``from PACKAGE import name`` also counts as importing ``PACKAGE.name`` when
    PACKAGE is valuate or valuate.engine, where names are modules and wings."""
    name = module_name(file, engine)
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((node.lineno, target))
            if target in (PACKAGE, f"{PACKAGE}.engine"):
                out += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return out


def wing(module: str) -> str:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "engine" else ""


def violations(engine: Path) -> list[str]:
    problems, edges = [], {}
    for file in sorted(engine.rglob("*.py")):
        me = module_name(file, engine)
        where = f"{file.relative_to(engine.parent)}"
        for line, target in imports(file, engine):
            top = target.split(".")[0]
            if top in DURABLE and me != HOST:
                problems.append(f"{where}:{line}: imports {target}; only {HOST} may touch durable-rules")
            if top in ("engine", "cli") or target == f"{PACKAGE}.cli" or target.startswith(f"{PACKAGE}.cli."):
                problems.append(f"{where}:{line}: imports {target} (the CLI, or engine/ not relatively)")
            if me.startswith(REPORT) and not _report_may_import(target):
                problems.append(f"{where}:{line}: report module imports {target}; reports see only "
                                f"{MODEL} and report helpers")
            a, b = wing(me), wing(target)
            if a and b and a != b and target.startswith(f"{PACKAGE}.engine."):
                edges.setdefault(a, {}).setdefault(b, f"{where}:{line}")
    problems += [f"wing cycle {' -> '.join(c)} (first edge at {edges[c[0]][c[1]]})" for c in _cycles(edges)]
    return problems


def _report_may_import(target: str) -> bool:
    top = target.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return target in (MODEL, REPORT) or target.startswith((MODEL + ".", REPORT + "."))


def _cycles(edges: dict) -> list[list[str]]:
    """One cycle per strongly connected group of wings (depth-first search)."""
    found, done = [], set()

    def visit(node: str, path: list) -> None:
        if node in path:
            cycle = path[path.index(node):] + [node]
            if not set(cycle) <= done:
                found.append(cycle)
                done.update(cycle)
            return
        for nxt in sorted(edges.get(node, {})):
            visit(nxt, path + [node])

    for start in sorted(edges):
        visit(start, [])
    return found


def test_engine_keeps_its_architecture():
    assert violations(ROOT / "engine") == []


def test_the_architecture_check_catches_each_breach(tmp_path):
    """Each rule above can fail: break it in a copy of engine/ and see it reported."""
    copy = tmp_path / "engine"
    shutil.copytree(ROOT / "engine", copy, ignore=shutil.ignore_patterns("__pycache__"))
    with open(copy / "report" / "text.py", "a", encoding="utf-8") as fh:
        fh.write("\nimport durable_rules_engine\nfrom ..explain import tree\n")
    with open(copy / "model" / "run.py", "a", encoding="utf-8") as fh:
        fh.write("\n\ndef _late():\n    from ..pipeline import run\n    from ... import cli\n")
    found = "\n".join(violations(copy))
    assert "report/text.py" in found and "durable_rules_engine; only" in found
    assert "report module imports valuate.engine.explain" in found
    assert "imports valuate.cli" in found
    assert "wing cycle" in found and "model" in found


def test_tests_and_benchmarks_import_the_package_not_the_checkout():
    for folder in ("tests", "bench"):
        for file in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
                bad = [n for n in names if n.split(".")[0] in ("engine", "cli")]
                assert not bad, f"{file.relative_to(ROOT)}:{node.lineno} imports {bad[0]}; use valuate.{bad[0]}"
