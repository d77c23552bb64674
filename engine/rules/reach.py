"""Which statuses a rule can give, reasoned on its condition tree alone.

A leaf's possible statuses follow from which facts a service records: a
comparison reading an absent fact is unknown (the compiled conditions guard
every fact they read), and met or not met once its facts are recorded; an
existence test is decided either way (``x is absent`` holds exactly when x
is missing). Inner nodes combine their children's sets by Kleene's rules
(logic.kleene), each child taken on its own, so a set may hold a status that
two leaves together rule out: a status *outside* the set is proven
unreachable, never one inside it. (governance/satisfiable.py proves which of
met and not met value constraints rule out.)

Two questions use this: with one fact absent and every other one recorded,
can a criterion still be unknown, or still be met? That is what the data
coverage says of a missing fact (required, an alternative, or never needed:
``need``). And over every combination of recorded and absent facts, which
statuses can a rule give at all (``reachable``)? Rule-test coverage counts
only those, and lint names the ones a rule can never give.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable, Optional

from ..model.logic import kleene
from ..model import MET, NOT_APPLICABLE, NOT_MET, UNKNOWN
from .derived import ABSENT_WITHOUT_AN_INPUT, KNOWN_WITH_ITS_INPUTS
from .language import Group, Leaf, leaves
from .operators import CONDITION, EQUAL, LOWER, MEMBER, NON_MEMBER, OPERATORS, TEST, TESTS, UPPER
from .param_cases import ParamCases

DECIDED = frozenset({MET, NOT_MET})
ANY = frozenset({MET, NOT_MET, UNKNOWN})
#: Past this many facts, ``reachable`` stops enumerating and lets every fact be
#: either recorded or not in every leaf at once (still sound, less sharp).
MAX_FACTS = 12

#: recorded(path): True (recorded), False (absent) or None (either), for catalog facts.
Recorded = Callable[[str], Optional[bool]]

# need() of a fact for a criterion
REQUIRED, ALTERNATIVE, NEVER = "required", "alternative", "never"


@dataclass(frozen=True)
class Reads:
    """What the leaves of compiled packs read beyond their own paths."""

    derived: dict  # derived output path -> Derived
    bounds: dict  # lower-bound output path -> the lists that make it exact
    cases: dict  # fact-dependent parameter (NAME and PACK.NAME) -> fact paths its cases read

    @classmethod
    def of(cls, packs, params: dict) -> "Reads":
        derived = {out: d for p in packs for d in p.derived.values() for out in d.outputs}
        bounds = {out: lists for p in packs for d in p.derived.values() for out, lists in d.lower_bounds().items()}
        cases: dict = {}
        for pack in packs:
            for name, value in params.get(pack.name, {}).items():
                if isinstance(value, ParamCases):
                    cases[name] = cases[f"{pack.name}.{name}"] = tuple(value.fact_paths())
        return cls(derived, bounds, cases)

    def facts(self, leaf: Leaf) -> list:
        """The catalog facts a leaf depends on: derived facts by their inputs, a
        fact-dependent parameter by the facts choosing its case."""
        out: list = []
        for path in leaf.fact_paths():
            d = self.derived.get(path)
            out.extend(d.inputs if d is not None else (path,))
        for name in leaf.params():
            out.extend(self.cases.get(name, ()))
        return list(dict.fromkeys(out))

    def state(self, path: str, recorded: Recorded) -> Optional[bool]:
        """Whether a path (catalog or derived) has a value: True, False, or None (either)."""
        d = self.derived.get(path)
        if d is None:
            return recorded(path)
        if path in self.bounds:  # a balance side sums what is recorded: it always has a value
            return True
        inputs = [recorded(p) for p in d.inputs]
        if all(x is True for x in inputs):
            return True if d.function in KNOWN_WITH_ITS_INPUTS else None
        if False in inputs and d.function in ABSENT_WITHOUT_AN_INPUT:
            return False
        return None


def leaf_statuses(leaf: Leaf, recorded: Recorded, reads: Reads) -> frozenset:
    """The statuses one leaf can have, given which facts are recorded."""
    parts = leaf.parts()
    if parts is not None:  # a compound: what its parts allow, composed (sound, maybe not sharp)
        return statuses(parts, lambda x: leaf_statuses(x, recorded, reads))
    state = reads.state(leaf.path, recorded)
    shape = OPERATORS[leaf.op].operand
    if shape == TEST:
        if TESTS[leaf.test].recorded:  # present / absent
            return DECIDED if state is None else frozenset({MET if state == (leaf.test == "present") else NOT_MET})
        return _known(state, DECIDED)
    if shape == CONDITION:  # items may lack the fields the inner condition reads
        return _known(state, ANY)
    others = [reads.state(p, recorded) for p in leaf.fact_paths()[1:]]
    if state is False or False in others:
        return frozenset({UNKNOWN})
    out = set(_bounded(leaf, recorded, reads))
    if state is None or None in others:
        out.add(UNKNOWN)
    if any(recorded(p) is not True for name in leaf.params() for p in reads.cases.get(name, ())):
        out.add(UNKNOWN)  # the case is not chosen: decided only where every case agrees
    return frozenset(out)


def _known(state: Optional[bool], when_recorded: frozenset) -> frozenset:
    if state is False:
        return frozenset({UNKNOWN})
    return when_recorded | ({UNKNOWN} if state is None else frozenset())


def _bounded(leaf: Leaf, recorded: Recorded, reads: Reads) -> frozenset:
    """A comparison of lower bounds decides only what the bounds prove (compile/conditions.py):
    which of met / not met each side's exactness allows."""
    op = leaf.operand
    right = op.value if op is not None and op.kind == "fact" else None
    if leaf.path not in reads.bounds and right not in reads.bounds:
        return DECIDED

    def exact(path) -> bool:
        return path not in reads.bounds or all(recorded(p) is True for p in reads.bounds[path])

    left_exact, right_exact = exact(leaf.path), exact(right)
    sense = OPERATORS[leaf.op].sense
    if sense in (MEMBER, NON_MEMBER) or op is None:
        met = fail = left_exact
    elif sense in (LOWER, UPPER):
        met, fail = (right_exact, left_exact) if sense == LOWER else (left_exact, right_exact)
    else:  # eq / ne: equal only when both are exact; unequal also when one exact side is below a bound
        equal = left_exact and right_exact
        unequal = equal or (right in reads.bounds and left_exact) or (leaf.path in reads.bounds and right_exact)
        met, fail = (equal, unequal) if sense == EQUAL else (unequal, equal)
    out = {s for s, possible in ((MET, met), (NOT_MET, fail)) if possible}
    return frozenset(out | ({UNKNOWN} if not (left_exact and right_exact) else set()))


def statuses(cond, leaf: Callable[[Leaf], frozenset]) -> frozenset:
    """The statuses a condition can have, from its leaves' (Kleene, child by child)."""
    if not isinstance(cond, Group):
        return leaf(cond)
    parts = [statuses(c, leaf) for c in cond.children]
    if cond.kind == "not":
        return frozenset(kleene("not", [s]) for s in parts[0])
    out = {MET} if cond.kind == "all" else {NOT_MET}  # the neutral element
    for part in parts:
        out = {kleene(cond.kind, [a, b]) for a in out for b in part}
    return frozenset(out)


def rule_statuses(rule, leaf: Callable[[Leaf], frozenset]) -> frozenset:
    """A rule's statuses: its condition's, where applies_when is met (logic.applicable)."""
    condition = statuses(rule.condition, leaf)
    if rule.applies_when is None:
        return condition
    applies = statuses(rule.applies_when, leaf)
    out = set(condition) if MET in applies else set()
    out |= {NOT_APPLICABLE} if NOT_MET in applies else set()
    out |= {UNKNOWN} if UNKNOWN in applies else set()
    return frozenset(out)


def rule_facts(rule, reads: Reads) -> list:
    """Every catalog fact a rule's conditions read, in order."""
    return list(dict.fromkeys(p for c in rule.conditions() for leaf in leaves(c) for p in reads.facts(leaf)))


def without(rules, fact: str, reads: Reads) -> frozenset:
    """The statuses of the ``and`` of ``rules`` (a criterion) when ``fact`` is absent
    and every other fact is recorded. A rule that does not apply changes nothing."""
    def recorded(path: str) -> bool:
        return path != fact

    out = frozenset({MET})
    for rule in rules:
        found = rule_statuses(rule, lambda x: leaf_statuses(x, recorded, reads))
        mine = {MET if s == NOT_APPLICABLE else s for s in found}
        out = frozenset(kleene("all", [a, b]) for a in out for b in mine)
    return out


def need(rules, fact: str, reads: Reads) -> str:
    """What a criterion needs of one fact: REQUIRED (without it, it can be unknown but
    never met), ALTERNATIVE (it can be unknown without it, or met: another fact can
    stand in) or NEVER (it is decided without it: the fact is only compared where given)."""
    found = without(rules, fact, reads)
    if UNKNOWN not in found:
        return NEVER
    return ALTERNATIVE if MET in found else REQUIRED


def reachable(rule, reads: Reads) -> frozenset:
    """Every status the rule can give, over each combination of recorded and absent facts."""
    facts = rule_facts(rule, reads)
    if len(facts) > MAX_FACTS:
        return rule_statuses(rule, lambda x: leaf_statuses(x, lambda _: None, reads))
    out: set = set()
    for present in itertools.product((True, False), repeat=len(facts)):
        given = dict(zip(facts, present))
        out |= rule_statuses(rule, lambda x: leaf_statuses(x, given.get, reads))
    return frozenset(out)
