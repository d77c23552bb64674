"""Former rule ids: ``aliases:`` in a rule's metadata, honoured wherever an id is read.

    metadata:
      id: SVC-OWNER-001
      aliases: [OWN-001]        # its id before the rename

Renaming a rule would otherwise orphan what names it by id: waivers,
profiles, baselines and earlier reports (--compare), rule test cases,
``explain --rule`` and ``rules show``. Each of those reads an id through
``current_id``, so a former id means the rule it became. An alias is unique
across the packs loaded together, like an id, and never another rule's id.
"""
from __future__ import annotations

from typing import Iterable, Optional

from ..documents import kind_of
from ..errors import Problem


def renames(packs: Iterable) -> dict:
    """Former id -> current id, over the packs (rules a profile switched off included)."""
    return {former: current for pack in packs for former, current in pack.aliases}


def current_id(packs: Iterable, rule_id: str) -> str:
    """The id ``rule_id`` stands for now: itself, or the rule that has it as an alias."""
    return renames(packs).get(rule_id, rule_id)


def known_ids(packs: Iterable) -> list:
    """Every id a file may name a rule by: current ids (switched-off rules' too), then aliases."""
    packs = list(packs)
    return [rid for p in packs for rid in [x.id for x in p.rules] + list(p.disabled)] + list(renames(packs))


def clashes(rules: list) -> list[Problem]:
    """An alias that is a rule's id or another rule's alias: one name for two rules."""
    ids = {r.id: r for r in rules}
    owner: dict = {}
    out = []
    for rule in rules:
        for alias in rule.aliases:
            other: Optional[object] = ids.get(alias) or owner.get(alias)
            if other is not None and other is not rule:
                what = "the id" if alias in ids else "an alias"
                out.append(Problem(f"alias {alias!r} of rule {rule.id} is {what} of rule {other.id} "
                                   f"({other.location}); one name can mean one rule only", rule.location,
                                   "error", "duplicate-id"))
            owner.setdefault(alias, rule)
    return out


def parse_aliases(r, meta: dict, path: str, rid: Optional[str], pattern) -> Optional[tuple]:
    """The rule's former ids (``aliases:``), each a valid id other than its own; None when bad."""
    if "aliases" not in meta:
        return ()
    node, loc = meta["aliases"], r.at(meta, "aliases", path)
    if not isinstance(node, list):
        r.error(f"aliases must be a list of former rule ids, got {kind_of(node)}", loc)
        return None
    for alias in node:
        if not isinstance(alias, str):
            r.error(f"aliases: an item is {kind_of(alias)}; a former rule id is text", loc, code="type")
            return None
        if not pattern.fullmatch(alias):
            r.error(f"alias {alias!r} must start with a letter and use only letters, digits, _ . -", loc)
            return None
        if alias == rid:
            r.error(f"alias {alias!r} is the rule's own id; aliases are the ids it had before", loc)
            return None
    if len(set(node)) != len(node):
        r.error("aliases lists an id twice", loc)
        return None
    return tuple(node)


__all__ = ["renames", "current_id", "known_ids", "clashes", "parse_aliases"]
