"""Three-valued logic over status words: met, not met, unknown.

docs/specification.md#three-valued-criteria defines how conditions combine: Kleene's strong
three-valued logic, where a missing fact is unknown and unknown never turns
into met or not met by itself. Conditions (explanation trees), rule
composition and the verdict all use this one definition.
"""
from __future__ import annotations

from .values import MET, NOT_APPLICABLE, NOT_MET, UNKNOWN

_KLEENE_NOT = {MET: NOT_MET, NOT_MET: MET, UNKNOWN: UNKNOWN}


def kleene(kind: str, statuses: list) -> str:
    """Three-valued and / or / not, as docs/specification.md#three-valued-criteria defines them."""
    if kind == "not":
        return _KLEENE_NOT[statuses[0]]
    strong, weak = (NOT_MET, MET) if kind == "all" else (MET, NOT_MET)
    if strong in statuses:
        return strong
    return UNKNOWN if UNKNOWN in statuses else weak


def applicable(applies: str, status: str) -> str:
    """A rule's status given whether it applies (its ``applies_when``) and its condition.

    Where ``applies_when`` is not met the rule is not applicable; where it is
    unknown, so is the rule (whether the requirement exists is not known);
    where it is met, the condition decides."""
    if applies == NOT_MET:
        return NOT_APPLICABLE
    return UNKNOWN if applies == UNKNOWN else status
