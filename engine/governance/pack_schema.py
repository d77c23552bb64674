"""``valuate rules schema PACK``: editor schemas that know a pack's own facts.

The bundled ``facts/schemas/condition.schema.json`` lists the catalog's fact
paths (an enum: a misspelt path is flagged at ``fact:``) and accepts any
``derived.NAME`` / ``param.NAME``, since it cannot know which ones a pack
declares. This writes a pack its own copy, beside its rule files: the same
schemas with the enum widened by the derived facts and parameters the
loaded packs declare, and nothing else, so ``derived.spend_ration`` is
flagged in the editor as ``warranty.availabilty`` is. The rule file and
rule test schemas are copied with it (they point at the condition schema
next to them).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..data import FACTS_DIR
from ..rules.condition_schema import condition_schema_text
from ..rules.derived import output_types
from ..rules.loader import load_packs
from ..schema import FactSchema

BESIDE = ("rule-file.schema.json", "rule-tests.schema.json")  # they $ref condition.schema.json


def declared_paths(packs: list) -> list:
    """derived.NAME of every derived fact and param.NAME of every parameter of the packs."""
    out: list = []
    for pack in packs:
        out += sorted(output_types(pack.derived))
        out += [f"param.{name}" for name in sorted(pack.parameters)]
    return list(dict.fromkeys(out))


def pack_schemas(paths: list) -> dict:
    """file name -> text of the schemas for the packs at ``paths`` (required packs first)."""
    packs = load_packs([str(p) for p in paths])
    files = {"condition.schema.json": condition_schema_text(FactSchema.default(), tuple(declared_paths(packs)))}
    for name in BESIDE:
        files[name] = (FACTS_DIR / "schemas" / name).read_text(encoding="utf-8")
    return files


def target_dir(paths: list, output: Optional[str]) -> Path:
    """Where the schemas go: ``-o DIR``, else ``schemas/`` in the last pack's directory."""
    if output:
        return Path(output)
    last = Path(paths[-1])
    return (last if last.is_dir() else last.parent) / "schemas"
