"""The architecture as a test: who may import whom inside engine/.

- durable-rules is imported by the evaluate host alone (engine/evaluate/host.py);
- a report module imports only the result model, other report modules and the
  standard library (reports see only the model);
- the wings of engine/ (its direct subpackages and modules) form no cycle,
  counting imports inside functions too (a late import hides a cycle, it does
  not remove it);
- nothing imports the CLI, and engine/ imports itself only relatively (an
  absolute ``engine`` import would load a second, top-level copy in a checkout);
- no two files import each other, directly or round a longer circle, counting
  imports inside functions (``cycles``);
- a function imports only an optional dependency, one that not every
  installation has (``LATE_IMPORTS`` says which, and why each): any other
  import sits at the top of its file, where the reader of the file sees it.

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

#: Imports a function may make: optional dependencies, imported where they are needed so
#: that an installation without them runs every other command.
OPTIONAL = {
    "uvicorn": "serve: the 'serve' extra",
    "starlette": "serve: the 'serve' extra",
    "h11": "serve: uvicorn's HTTP parser (the 'serve' extra)",
    "openpyxl": "XLSX catalogs and exports: only their readers pay for loading it",
    "watchfiles": "--watch: only watching pays for it",
}
#: (file, module of this package) a function may import, and why.
LATE_IMPORTS = {
    ("engine/serve/run.py", "valuate.engine.serve.app"): "the app imports starlette (the 'serve' extra)",
    ("engine/serve/run.py", "valuate.engine.serve.protocol"): "the protocol subclasses uvicorn's (the 'serve' extra)",
    # SQLAlchemy takes ~200 ms to import (as long as the rest of the CLI): only runs with a store pay it
    ("engine/history/__init__.py", "valuate.engine.history.db"): "imports SQLAlchemy: only store users pay for it",
    ("engine/history/__init__.py", "valuate.engine.history.store"): "imports SQLAlchemy: only store users pay for it",
    ("engine/history/__init__.py", "valuate.engine.history.session"): "imports SQLAlchemy: only store users pay for it",
}
#: File circles left for another branch to remove (no other circle passes).
ALLOWED_CYCLES: tuple = ()


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


def sources(root: Path) -> dict:
    """module name -> file, for every module of the package in ``root`` (a checkout or a copy):
    engine/, cli.py and the package face."""
    files = sorted((root / "engine").rglob("*.py")) + [root / n for n in ("cli.py", "__init__.py", "__main__.py")]
    return {module_name(f, root / "engine"): f for f in files if f.exists()}


def file_imports(file: Path, root: Path, known: dict) -> list[tuple[int, str, bool]]:
    """(line, module of the package, inside a function?) for each import of ``file``:
    ``from PACKAGE import name`` names the module PACKAGE.name when there is one."""
    name = module_name(file, root / "engine")
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    out = []

    def visit(node, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                out.extend((child.lineno, a.name, inside) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(parts + ([child.module] if child.module else []))
                for alias in child.names:
                    target = f"{base}.{alias.name}"
                    out.append((child.lineno, target if target in known else base, inside))
            visit(child, inside)

    visit(ast.parse(file.read_text(encoding="utf-8"), str(file)), False)
    return out


def cycles(root: Path) -> list[str]:
    """Every circle of file imports (Tarjan's strongly connected groups), each shown as one
    round with the line of each import, less ALLOWED_CYCLES."""
    known = sources(root)
    edges: dict = {m: {} for m in known}
    for module, file in known.items():
        for line, target, _ in file_imports(file, root, known):
            if target in known and target != module:
                edges[module].setdefault(target, f"{file.relative_to(root)}:{line}")
    out = []
    for group in _strongly_connected(edges):
        if len(group) > 1 and frozenset(group) not in ALLOWED_CYCLES:
            out.append(_round(group, edges))
    return out


def _strongly_connected(edges: dict) -> list[list[str]]:
    index, low, stack, on, groups = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return groups


def _round(group: list, edges: dict) -> str:
    """One circle through the group, from its first module back to it (breadth-first)."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges[v]):
            if w == start:
                ring = paths[v] + [start]
                hops = [f"{a} -> {b} ({edges[a][b]})" for a, b in zip(ring, ring[1:])]
                return "import circle: " + "; ".join(h.replace(f"{PACKAGE}.", "") for h in hops)
            if w in members and w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    raise AssertionError(group)


def late_imports(root: Path) -> list[str]:
    """Imports inside functions that are neither of an optional dependency nor allowed."""
    known = sources(root)
    out = []
    for module, file in known.items():
        where = str(file.relative_to(root))
        for line, target, inside in dict.fromkeys(file_imports(file, root, known)):
            if inside and target.split(".")[0] not in OPTIONAL and (where, target) not in LATE_IMPORTS:
                out.append(f"{where}:{line}: imports {target} inside a function; import it at the top "
                           "(a circle is removed by putting things where they belong, not hidden)")
    return out


def test_no_file_imports_itself_round_a_circle():
    found = cycles(ROOT)
    assert not found, "\n".join(found)


def test_functions_import_only_optional_dependencies():
    found = late_imports(ROOT)
    assert not found, "\n".join(found)


def test_the_circle_check_catches_a_planted_circle(tmp_path):
    """Two modules that import each other, one of them inside a function, are reported."""
    copy = tmp_path / "valuate"
    shutil.copytree(ROOT / "engine", copy / "engine", ignore=shutil.ignore_patterns("__pycache__"))
    with open(copy / "engine" / "schema.py", "a", encoding="utf-8") as fh:
        fh.write("\n\ndef _late():\n    from .rules.loader import load_packs\n")
    found = cycles(copy)
    assert any("engine.schema -> " in c or "-> engine.schema" in c for c in found), found
    assert any("engine/schema.py" in c for c in found)
    assert any("engine/schema.py" in x and "inside a function" in x for x in late_imports(copy))


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
