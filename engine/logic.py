"""Three-valued logic over status words: met, not met, unknown.

CONTRACT.md section 2 defines how conditions combine: Kleene's strong
three-valued logic, where a missing fact is unknown and unknown never turns
into met or not met by itself. Conditions (explanation trees), rule
composition and the verdict all use this one definition.
"""
from __future__ import annotations

from .model import MET, NOT_MET, UNKNOWN

_KLEENE_NOT = {MET: NOT_MET, NOT_MET: MET, UNKNOWN: UNKNOWN}


def kleene(kind: str, statuses: list) -> str:
    """Three-valued and / or / not, as CONTRACT.md section 2 defines them."""
    if kind == "not":
        return _KLEENE_NOT[statuses[0]]
    strong, weak = (NOT_MET, MET) if kind == "all" else (MET, NOT_MET)
    if strong in statuses:
        return strong
    return UNKNOWN if UNKNOWN in statuses else weak
