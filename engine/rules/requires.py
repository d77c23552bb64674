"""Packs that build on other packs: ``requires``, bundled pack names, load order.

A team's pack may read another pack's parameters (``{param: itil4.min_availability_target}``),
so that one profile's tier list decides both. It says so in ``pack.yaml``::

    pack: team
    requires: [itil4]          # packs whose parameters this one reads (PACK.NAME)

Packs are loaded in dependency order, so a pack's conditions are type-checked
against the parameters of the packs it requires. A required pack that is not
among the paths given is added when it is a bundled pack (``itil4``): a pack
that builds on the ITIL 4 pack is judged beside it. ``--rules itil4`` names the
bundled pack too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..data import RULES_DIR
from ..errors import Location, Problem, UserError
from ..yamlio import load_single, read_text


def resolve(path) -> Path:
    """A pack path as given, or the bundled pack of that name (``itil4``) when no such path exists."""
    given = Path(path)
    if not given.exists() and given.name == str(path) and (RULES_DIR / given.name / "pack.yaml").is_file():
        return RULES_DIR / given.name
    return given


def header(path: Path) -> tuple[Optional[str], tuple, Optional[Location]]:
    """(name, requires, where requires is) of a pack, read ahead; (None, (), None) when unreadable
    (reading the pack itself then reports why)."""
    main = path / "pack.yaml" if path.is_dir() else path
    try:
        doc = load_single(read_text(str(main)), str(main))
    except (UserError, OSError):
        return None, (), None
    if not isinstance(doc, dict) or not isinstance(doc.get("pack"), str):
        return None, (), None
    requires = doc.get("requires") or ()
    where = getattr(doc, "where", None)
    line, col = where("requires") if where is not None and "requires" in doc else (None, None)
    names = tuple(r for r in requires if isinstance(r, str)) if isinstance(requires, list) else ()
    return doc["pack"].strip(), names, Location(file=str(main), line=line, column=col, path="requires")


def ordered(paths: list) -> tuple[list, list]:
    """(pack paths in load order, problems): every pack after the packs it requires,
    bundled packs that are required but not given added; missing packs and cycles reported."""
    given = [resolve(p) for p in paths]
    heads = {p: header(p) for p in given}
    by_name = {h[0]: p for p, h in heads.items() if h[0] is not None}
    problems: list = []
    for path, (name, requires, where) in list(heads.items()):
        for dep in requires:
            if dep in by_name:
                continue
            bundled = RULES_DIR / dep
            if (bundled / "pack.yaml").is_file():
                by_name[dep] = bundled
                heads[bundled] = header(bundled)
            else:
                problems.append(Problem(f"pack {name} requires pack {dep!r}, which is not loaded: "
                                        "give its path with --rules", where, "error", "requires"))
    out: list = []
    state: dict = {}

    def visit(path: Path, chain: tuple) -> None:
        if state.get(path) == "done":
            return
        name, requires, where = heads[path]
        if path in chain:
            cycle = " -> ".join(heads[p][0] or str(p) for p in chain + (path,))
            problems.append(Problem(f"packs require each other in a circle: {cycle}", where, "error", "requires"))
            return
        for dep in requires:
            if dep in by_name:
                visit(by_name[dep], chain + (path,))
        state[path] = "done"
        out.append(path)

    for path in list(heads):
        visit(path, ())
    return out, problems


def requirements(pack_requires: tuple, loaded: dict) -> dict:
    """Qualified parameters (``PACK.NAME`` -> Parameter) a pack may read from the packs it requires."""
    return {f"{dep}.{name}": param for dep in pack_requires if dep in loaded
            for name, param in loaded[dep].parameters.items()}


__all__ = ["resolve", "header", "ordered", "requirements"]
