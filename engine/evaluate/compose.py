"""Three-valued composition: rule statuses into criteria, criteria into a verdict.

durable-rules decides each rule (met, not met, or neither: unknown). Here,
per docs/specification.md#three-valued-criteria, rules of one criterion combine with Kleene "and";
warranty is the "and" of its four dimensions; the verdict follows from
utility, warranty and value. Advisory rules are reported but never counted,
and neither are rules of severity warning or info (a profile may downgrade a
rule). A finding under an active waiver keeps its status but counts as met.
A finding of a rule that does not apply to the service (``not_applicable``)
is left out, and so is one whose rule is not yet in force (``effective``). A criterion whose every counting rule a profile disabled or
downgraded, or whose every counting rule does not apply, is no longer
required: it counts as met.
"""
from __future__ import annotations

from ..explain.perspectives import combined
from ..model.logic import kleene
from ..model import (DIMENSIONS, ERROR, INDETERMINATE, MET, NOT_APPLICABLE, NOT_MET, NOT_VALUABLE, UNKNOWN, VALUABLE,
                     CriterionResult)

ORDER = ("utility", "warranty.availability", "warranty.capacity", "warranty.security",
         "warranty.continuity", "value", "advisory")


def _and(statuses: list) -> str:
    # A criterion no rule decides is unknown: nothing says it is met.
    return kleene("all", statuses) if statuses else UNKNOWN


def exempt_keys(packs) -> frozenset:
    """Criterion keys a profile left without any counting rule (see the module doc)."""
    exempt = {k for p in packs for k in getattr(p, "exempt", ())}
    still = {r.criterion for p in packs for r in p.rules if r.deciding and r.severity == "error"}
    return frozenset(exempt - still)


def undecided_keys(packs, exempt: frozenset) -> tuple:
    """Criterion keys (advisory aside) that no counting rule of the packs decides and no
    profile exempts: unknown for every service, whatever its facts say."""
    decided = {r.criterion for p in packs for r in p.rules if r.deciding and r.severity == "error"}
    return tuple(k for k in ORDER if k != "advisory" and k not in decided and k not in exempt)


def compose(findings: list, totals: tuple, exempt: frozenset = frozenset()) -> tuple[tuple, str]:
    """(criteria, verdict) from the findings of one service."""
    by_criterion: dict = {}
    for f in findings:
        key = f"{f.criterion}.{f.dimension}" if f.dimension else f.criterion
        by_criterion.setdefault(key, []).append(f)

    def status(key: str) -> str:
        counting = [f for f in by_criterion.get(key, []) if f.counts]
        # a rule that does not apply to the service is left out; when none of the
        # criterion's rules applies, nothing is required of it: met, like an exempt one
        counted = [MET if f.waived else f.status for f in counting if f.status != NOT_APPLICABLE]
        # a criterion whose every rule is yet to come into force requires nothing today
        scheduled = any(getattr(f, "scheduled", False) for f in by_criterion.get(key, []))
        if not counted and (key in exempt or counting or scheduled):
            return MET
        return _and(counted)

    def ids(*keys: str) -> tuple:
        return tuple(f.rule for k in keys for f in by_criterion.get(k, []))

    dims = tuple((d, status(f"warranty.{d}")) for d in DIMENSIONS)
    utility = CriterionResult("utility", status("utility"), ids("utility"))
    warranty = CriterionResult("warranty", kleene("all", [s for _, s in dims]),
                               ids(*(f"warranty.{d}" for d in DIMENSIONS)), dims)
    value = CriterionResult("value", status("value"), ids("value"), positives=totals[0], negatives=totals[1],
                            perspectives=_perspectives(by_criterion.get("value", [])))
    criteria = (utility, warranty, value)
    return criteria, verdict_of([c.status for c in criteria])


def _perspectives(findings: list) -> tuple:
    """The value balance per perspective, from the counting value rules that judged one
    (docs/specification.md#value-as-each-stakeholder-perceives-it); empty when judged once."""
    judged = [getattr(f, "perspectives", ()) for f in findings if f.counts and f.status != NOT_APPLICABLE]
    return combined([p for p in judged if p]) if any(judged) else ()


def verdict_of(statuses: list) -> str:
    if NOT_MET in statuses:
        return NOT_VALUABLE
    if UNKNOWN in statuses:
        return INDETERMINATE
    return VALUABLE


def sort_key(item) -> tuple:
    """Report order of a finding or a rule: by criterion as in ORDER."""
    key = getattr(item, "criterion")
    if getattr(item, "dimension", None) and "." not in key:
        key = f"{key}.{item.dimension}"
    return (ORDER.index(key) if key in ORDER else len(ORDER),)


__all__ = ["compose", "exempt_keys", "undecided_keys", "verdict_of", "sort_key", "ERROR", "MET"]
