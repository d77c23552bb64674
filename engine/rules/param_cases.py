"""Parameters whose value depends on a fact: ``cases`` with ``when`` conditions.

A profile may give a parameter one value per kind of service::

    min_availability_target:
      cases:
        - when: {fact: tier, eq: 1}
          value: 99.95
        - value: 99.5              # the last case has no 'when': everything else

The first case whose ``when`` is met applies. If a ``when`` before the one
that applies is unknown (its fact is missing), the value is unknown: unknown
is never silently the default. A comparison with it is then met only if it
holds for the value of every case (whichever applies, it holds), not met only
if it fails for every one, and unknown otherwise. The compiler turns
``x >= {param: p}`` into durable-rules conditions that encode this
(``engine/compile/conditions.py``); nothing is decided here.

``value: default`` is the pack's default. A list whose last case has a
``when`` refines the value it is laid over (the profile it extends, or the
pack's default): a case whose ``when`` equals one there replaces its value in
place, a new one goes before the default (``settle``).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Optional

from ..errors import Location
from .conditions import Scope, parse_condition
from .operands import effective_date
from .language import Condition, Group, leaves
from ..documents import Reader, join, kind_of


@dataclass(frozen=True)
class Case:
    when: Optional[Condition]  # None: the default, always last
    value: Any
    # the day the case comes into force; before it the case is left out (in_force)
    effective: Optional[Any] = None


#: ``value: default`` in a case (or as a parameter's value): the pack's default.
DEFAULT = "default"


@dataclass(frozen=True)
class ParamCases:
    """A fact-dependent parameter value."""

    cases: tuple  # Case, the last one without 'when' (unless partial)
    location: Optional[Location] = field(default=None, compare=False, repr=False)
    partial: bool = False  # no default of its own: refines the value below it (settle)
    # Decide a comparison where every case gives the same status, whichever applies
    # (compile/conditions.select); the compiler turns it off for a rule that would
    # pass durable-rules' limits with it (compile/program.py), never otherwise.
    agree: bool = field(default=True, compare=False, repr=False)

    def values(self) -> list:
        return [c.value for c in self.cases]

    def fact_paths(self) -> list:
        """Top-level fact paths the ``when`` conditions read (for payload and evidence)."""
        out: list = []
        for case in self.cases:
            if case.when is not None:
                for leaf in leaves(case.when):
                    out.extend(p for p in leaf.fact_paths() if p not in out)
        return out

    def to_data(self) -> list:
        """A stable, content-only form (digests, JSON)."""
        return [{**({"when": c.when.describe()} if c.when is not None else {}), "value": c.value,
                 **({"effective": c.effective.isoformat()} if c.effective is not None else {})}
                for c in self.cases]

    def describe(self) -> str:
        parts = [f"{c.value} when {c.when.describe()}" if c.when is not None else f"{c.value} otherwise"
                 for c in self.cases]
        return "; ".join(parts)


def is_cases(node: Any) -> bool:
    return isinstance(node, dict) and "cases" in node


def parse_cases(r: Reader, node: dict, path: str, scope: Scope,
                check_value: Callable[[Any], Optional[str]]) -> Optional[Any]:
    """Parse ``{cases: [...]}``; returns ParamCases, a plain value when only a default
    is given, or None after reporting problems to ``r``."""
    r.keys(node, path, ("cases",), (), "a fact-dependent parameter")
    body, sub = node.get("cases"), join(path, "cases")
    loc = r.at(node, "cases", sub)
    if not r.sequence(body, loc, "'cases'"):
        return None
    if not body:
        r.error("'cases' needs at least one case", loc)
        return None
    cases, ok = [], True
    seen: dict = {}  # the 'when', labels aside -> (case number, its location)
    for i, raw in enumerate(body):
        cpath = join(sub, i)
        cloc = r.at(body, i, cpath)
        last = i == len(body) - 1
        if not r.mapping(raw, cloc, "a case"):
            ok = False
            continue
        r.keys(raw, cpath, ("value",), ("when", "effective"), "a case")
        if "value" not in raw:
            ok = False
            continue
        problem = None if raw["value"] == DEFAULT else check_value(raw["value"])
        if problem:
            r.error(f"case value: {problem}", r.at(raw, "value", join(cpath, "value")), code="type")
            ok = False
        when = None
        if "when" in raw:
            when = parse_condition(r, raw["when"], raw, "when", join(cpath, "when"), scope)
            ok = ok and when is not None
            ok = _once(r, when, i, cloc, seen) and ok
        elif not last:
            r.error(f"only the last case may omit 'when' (case {i + 1} of {len(body)} has none)", cloc)
            ok = False
        effective = None
        if "effective" in raw:
            effective = effective_date(r, raw, join(cpath, "effective"))
            if when is None and effective is not False:
                r.error("the default case (no 'when') cannot carry 'effective': schedule a case with a "
                        "'when', and the default applies until it comes into force", cloc)
                effective = False
            ok = ok and effective is not False
        cases.append(Case(when, raw.get("value"), effective or None))
    if not ok:
        return None
    if len(cases) == 1 and cases[0].when is None:
        return cases[0].value  # a default alone is a plain value
    return ParamCases(tuple(cases), r.at(node, None, path), partial=cases[-1].when is not None)


def _once(r: Reader, when: Optional[Condition], i: int, loc: Location, seen: dict) -> bool:
    """A 'when' given twice in one list is an error naming both cases: of a refining list
    the later would silently replace the earlier (settle), of a full one never apply."""
    if when is None:
        return True
    key = unlabelled(when)
    if key not in seen:
        seen[key] = (i, loc)
        return True
    first, where = seen[key]
    r.error(f"cases {first + 1} and {i + 1} have the same 'when' ({key.describe()}), at line "
            f"{where.line} and line {loc.line}: one value per 'when'; keep one of them", loc, code="param")
    return False


def unlabelled(cond: Condition) -> Condition:
    """The condition without its labels and messages: two 'when's that test the same are the same."""
    if isinstance(cond, Group):
        return replace(cond, label=None, messages=None, children=tuple(unlabelled(c) for c in cond.children))
    inner = unlabelled(cond.inner) if cond.inner is not None else None
    return replace(cond, label=None, messages=None, inner=inner)


def settle(value: Any, below: Any, default: Any) -> Any:
    """``value`` laid over ``below`` (the value so far; None: the pack's ``default``):
    ``default`` words replaced, and partial cases merged into what they refine."""
    if value == DEFAULT:
        return default
    if not isinstance(value, ParamCases):
        return value
    own = [Case(c.when, default if c.value == DEFAULT else c.value, c.effective) for c in value.cases]
    if not value.partial:
        return ParamCases(tuple(own), value.location)
    below = default if below is None else below
    merged = list(below.cases) if isinstance(below, ParamCases) else [Case(None, below)]
    for case in own:
        at = next((i for i, c in enumerate(merged) if c.when is not None and c.when == case.when), None)
        if at is not None and case.effective is not None:
            merged.insert(at, case)  # first match wins from its day on; until then the one below applies
        elif at is not None:
            merged[at] = Case(merged[at].when, case.value)
        else:
            merged.insert(len(merged) - 1, case)  # before the default, which stays last
    return ParamCases(tuple(merged), value.location)


def in_force(value: Any, day) -> tuple:
    """(the value as it applies on ``day``, the cases left out because they come into force later)."""
    if not isinstance(value, ParamCases) or all(c.effective is None for c in value.cases):
        return value, ()
    later = tuple(c for c in value.cases if c.effective is not None and c.effective > day)
    kept = tuple(c for c in value.cases if c not in later)
    if len(kept) == 1 and kept[0].when is None:
        return kept[0].value, later
    return replace(value, cases=kept), later


def describe_case(case: Case) -> str:
    return f"{case.value} when {case.when.describe()}" if case.when is not None else f"{case.value} otherwise"


def describe_value(value: Any) -> str:
    if isinstance(value, ParamCases):
        return value.describe()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def data_of(value: Any) -> Any:
    """json.dumps ``default=``: ParamCases (and anything with to_data) as plain data."""
    to_data = getattr(value, "to_data", None)
    if to_data is not None:
        return to_data()
    return str(value)


__all__ = ["Case", "ParamCases", "DEFAULT", "parse_cases", "is_cases", "settle", "in_force", "describe_case",
           "describe_value", "data_of",
           "kind_of"]
