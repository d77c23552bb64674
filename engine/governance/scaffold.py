"""``valuate init [DIR]``: a policy to start from, that passes ``rules lint`` and ``rules test``.

It writes a pack beside the bundled ITIL 4 one (one rule with applies_when,
its tests), a profile, an empty waiver file, a ``valuate.toml`` and the JSON
Schemas, each YAML file starting with the ``# yaml-language-server:
$schema=`` line that gives editors completion and checking. The schemas are
copied next to the files (not referenced inside the installed package), so
the editor finds them offline and wherever valuate is installed.
"""
from __future__ import annotations

import datetime as _dt

import re
from pathlib import Path

from ..data import FACTS_DIR
from ..errors import UserError
from .inside import write_inside

TEMPLATES = Path(__file__).resolve().parent / "templates"
SCHEMAS = FACTS_DIR / "schemas"
PACK_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")


def layout(pack: str) -> dict:
    """Target path (relative to DIR) -> template name."""
    return {"valuate.toml": "valuate.toml", f"{pack}/pack.yaml": "pack.yaml",
            f"{pack}/rules/{pack}.yaml": "rules.yaml", f"{pack}/tests/{pack}.yaml": "tests.yaml",
            "profile.yaml": "profile.yaml", "waivers.yaml": "waivers.yaml"}


def scaffold(target: str, pack: str = "team", force: bool = False) -> list[str]:
    """Write the files under ``target``; returns their paths. Refuses to overwrite unless ``force``,
    and never writes outside ``target`` (engine/governance/inside.py)."""
    if not PACK_NAME.fullmatch(pack):
        raise UserError(f"--pack {pack!r}: a pack name starts with a letter and uses a-z, 0-9, _ and -")
    prefix = pack.upper().replace("-", "_")[:8]
    today = _dt.date.today()
    words = (("{pack}", pack), ("{prefix}", prefix), ("{today}", today.isoformat()),
             ("{next_quarter}", next_quarter(today).isoformat()))
    files = {}
    for rel, name in layout(pack).items():
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        for word, value in words:
            text = text.replace(word, value)
        files[rel] = text
    files.update({f"schemas/{s.name}": s.read_text(encoding="utf-8") for s in sorted(SCHEMAS.glob("*.json"))})
    write_inside(target, files, force)
    return [str(Path(target) / rel) for rel in files]


def next_quarter(day: _dt.date) -> _dt.date:
    """The first day of the quarter after ``day``: when the template's scheduled rule comes into force."""
    month = (day.month - 1) // 3 * 3 + 4
    return _dt.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)


def next_steps(target: str, pack: str) -> list[str]:
    root = Path(target)
    return [f"valuate rules lint {root / pack} --profile {root / 'profile.yaml'} --waivers {root / 'waivers.yaml'}",
            f"valuate rules test {root / pack} --profile {root / 'profile.yaml'} --min-coverage 100",
            f"valuate check CATALOG --rules {root / pack} --profile {root / 'profile.yaml'} "
            f"--waivers {root / 'waivers.yaml'}"]


__all__ = ["scaffold", "layout", "next_steps"]
