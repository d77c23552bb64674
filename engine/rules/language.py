"""The rule language as data: conditions, derived facts, rules and packs.

A condition is a small tree. Leaves compare one fact path with a literal, a
parameter or another fact path, test existence or emptiness, or quantify over
the items of a list with an inner condition relative to each item. Inner
nodes are ``all`` / ``any`` / ``not``. Nothing here is executable: the
compiler turns these trees into durable-rules condition dictionaries.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Optional, Union

from ..errors import Location
from .operators import CONDITION, OPERATORS, TEST

INSENSITIVE = "insensitive"  # case: insensitive, on eq / ne / in / not_in / contains of strings

#: The largest magnitude of a number written in a pack, a profile or --set
#: (literals, parameter values and bounds, weights, defaults). Far above any
#: threshold, it keeps sums and products of them exact in durable-rules'
#: 64-bit numbers and "what would make it pass" finite.
MAX_NUMBER = 10 ** 15

CRITERIA = ("utility", "warranty.availability", "warranty.capacity", "warranty.security",
            "warranty.continuity", "value", "advisory")
SEVERITIES = ("error", "warning", "info")
STATUSES = ("met", "not_met", "unknown")
RULE_STATUSES = STATUSES + ("not_applicable",)  # a rule with applies_when may also not apply
# RULE@DAY: the shadow of a rule as a parameter case scheduled for DAY will make it decide
# (policy/shadows.py); no rule id of a pack holds it (rules/loader.py RULE_ID)
SHADOW = "@"


@dataclass(frozen=True)
class Operand:
    """Right-hand side of a comparison."""

    kind: str  # value | param | fact | range
    value: Any = None  # the literal (kind == value), the param name / fact path, (low, high) Operands

    def describe(self) -> str:
        if self.kind == "range":
            return " and ".join(o.describe() for o in self.value)
        if self.kind == "param":
            return f"param {self.value}"
        if self.kind == "fact":
            return str(self.value)
        return _literal(self.value)

    def to_data(self) -> Any:
        """As a rule file writes it: a literal (dates ISO), {param: NAME} or {fact: PATH}."""
        if self.kind in ("param", "fact"):
            return {self.kind: self.value}
        if self.kind == "range":
            return [o.to_data() for o in self.value]
        return _data(self.value)


def _data(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_data(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def _literal(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Leaf:
    """``fact OP operand``, ``fact is TEST`` or ``fact any_item/all_items COND``."""

    path: str
    op: str
    operand: Optional[Operand] = None  # comparisons and set tests
    test: Optional[str] = None  # for op == "is"
    inner: Optional["Condition"] = None  # for quantifiers
    label: Optional[str] = None
    location: Optional[Location] = field(default=None, compare=False)
    kind: str = ""  # the fact path's type kind (number, string, array ...)
    messages: Optional[dict] = field(default=None, compare=False)  # status -> Template, see evaluator
    case: str = ""  # INSENSITIVE: strings compared case-folded (compile/conditions.py)

    def describe(self) -> str:
        if self.label:
            return self.label
        if self.case:
            return f"{replace(self, case='').describe()} (any case)"
        op = OPERATORS[self.op]
        if op.operand == TEST:
            return f"{self.path} {op.symbol} {self.test.replace('_', ' ')}"
        if op.operand == CONDITION:
            return f"{op.symbol} of {self.path}: {self.inner.describe()}"
        return f"{self.path} {op.symbol} {self.operand.describe()}"

    def to_data(self) -> dict:
        """The leaf as a rule file writes it, once parsed (dates ISO, enumerations checked)."""
        op = OPERATORS[self.op]
        if op.operand == TEST:
            body: Any = self.test
        elif op.operand == CONDITION:
            body = self.inner.to_data()
        else:
            body = self.operand.to_data()
        return {"fact": self.path, self.op: body, **({"case": self.case} if self.case else {}),
                **_described(self.label, self.messages)}

    def operands(self) -> tuple:
        """The operands the leaf compares its fact with (none for tests and quantifiers)."""
        if self.operand is None:
            return ()
        return self.operand.value if self.operand.kind == "range" else (self.operand,)

    def parts(self) -> Optional["Group"]:
        """A compound operator's leaf as the ``all`` of its parts (``x between [a, b]``:
        ``x >= a and x <= b``), or None: what lint, reach and inversion reason about."""
        op = OPERATORS.get(self.op)  # lint may ask of an operator it does not know: none
        names = op.parts if op is not None else ()
        if not names:
            return None
        return Group("all", tuple(Leaf(self.path, name, operand=o, location=self.location, kind=self.kind)
                                  for name, o in zip(names, self.operands())), location=self.location)

    def fact_paths(self) -> list[str]:
        """Its own path, then the facts it is compared with."""
        return [self.path] + [o.value for o in self.operands() if o.kind == "fact"]

    def params(self) -> list[str]:
        """The parameters it is compared with."""
        return [o.value for o in self.operands() if o.kind == "param"]


@dataclass(frozen=True)
class Group:
    """``all`` / ``any`` over children, or ``not`` over one child."""

    kind: str  # all | any | not
    children: tuple
    label: Optional[str] = None
    location: Optional[Location] = field(default=None, compare=False)
    messages: Optional[dict] = field(default=None, compare=False)  # status -> Template, see evaluator

    def to_data(self) -> dict:
        body = self.children[0].to_data() if self.kind == "not" else [c.to_data() for c in self.children]
        return {self.kind: body, **_described(self.label, self.messages)}

    def describe(self) -> str:
        if self.label:
            return self.label
        if self.kind == "not":
            return f"not ({self.children[0].describe()})"
        joiner = " and " if self.kind == "all" else " or "
        return joiner.join(f"({c.describe()})" if isinstance(c, Group) else c.describe()
                           for c in self.children)


Condition = Union[Leaf, Group]


def _described(label: Optional[str], messages: Optional[dict]) -> dict:
    """A node's label and own messages, as written."""
    out: dict = {"label": label} if label else {}
    if messages:
        out["messages"] = {status: t.text for status, t in messages.items()}
    return out


def walk(cond: Condition):
    """Pre-order traversal of the nodes of one rule's condition (not into items)."""
    yield cond
    if isinstance(cond, Group):
        for child in cond.children:
            yield from walk(child)


def leaves(cond: Condition) -> list[Leaf]:
    return [n for n in walk(cond) if isinstance(n, Leaf)]


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # number | integer | string | boolean
    default: Any
    description: str = ""
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    location: Optional[Location] = field(default=None, compare=False)


@dataclass(frozen=True)
class Term:
    """One list summed by a ``sum`` or ``balance`` derived fact."""

    list: str
    field: Optional[str] = None  # item field holding the number; None counts items
    default: float = 1
    where: tuple = ()  # ((item field, required value), ...)
    weight: Optional[Operand] = None  # literal or param; 1 when absent


#: Beside a lower-bound output in the payload: present (= 1) when the bound is exact.
EXACT_SUFFIX = "__exact"
#: The output of a balance judged per perspective: one item per perspective.
PERSPECTIVES = "perspectives"
#: An item's positives minus its negatives (durable-rules compares no two fields of one item).
MARGIN = "margin"


@dataclass(frozen=True)
class Spread:
    """A ``balance`` judged per perspective (docs/specification.md#value-as-each-stakeholder-perceives-it).

    ``field`` is the item field of the summed lists naming whom an effect
    affects (a list of names; absent: everyone). Once some counted effect
    names someone, each perspective is summed on its own: the effects naming
    it plus those naming no one. ``only`` (a list parameter) fixes the
    perspectives that count; empty, every perspective named counts."""

    field: str
    only: Optional[Operand] = None


@dataclass(frozen=True)
class Derived:
    """A fact computed from other facts by one function of a closed set."""

    name: str  # referenced as derived.<name>
    function: str
    args: dict = field(compare=False)
    inputs: tuple = ()  # fact paths read (for evidence and for the payload)
    outputs: tuple = ()  # derived paths produced (derived.x, or derived.x.positives ...)
    location: Optional[Location] = field(default=None, compare=False)

    def lower_bounds(self) -> dict:
        """Outputs that are lower bounds: output path -> the lists that make it exact.

        A ``balance`` side sums the lists that are recorded; a list that is not
        recorded (absent; ``[]`` is recorded) may hold more effects, so the sum
        is only a lower bound until every list of that side is recorded
        (docs/specification.md#value-balance-with-bounds). Comparisons on such outputs are
        compiled to decide only what the bounds prove (compile/conditions.py).
        """
        if self.function != "balance":
            return {}
        return {f"derived.{self.name}.{side}s": tuple(dict.fromkeys(t.list for t in self.args[side]))
                for side in ("positive", "negative")}

    @property
    def spread(self) -> Optional[Spread]:
        """How a balance is judged per perspective, when it is (None: once, over every effect)."""
        return self.args.get(PERSPECTIVES) if self.function == "balance" else None

    @property
    def spread_path(self) -> str:
        """The payload list holding one item per perspective (see Spread)."""
        return f"derived.{self.name}.{PERSPECTIVES}"


@dataclass(frozen=True)
class Template:
    """A message with ``{path}`` placeholders filled from evidence values."""

    text: str
    parts: tuple  # alternating literal str and ("path",) tuples


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    criterion: str
    severity: str
    rationale: str
    remediation: str
    condition: Condition
    messages: dict  # status -> Template
    pack: str = ""
    location: Optional[Location] = field(default=None, compare=False)
    # Where the rule applies; elsewhere its status is not_applicable (logic.applicable).
    applies_when: Optional[Condition] = None
    aliases: tuple = ()  # former ids (engine/rules/aliases.py)
    # The day the rule comes into force: before it the rule is evaluated and reported
    # ("enforced from ...") but decides nothing (evaluate/findings.py, Finding.in_force).
    effective: Optional[Any] = None  # datetime.date

    def in_force(self, day) -> bool:
        """Whether the rule decides on ``day`` (a rule without a date always does)."""
        return self.effective is None or self.effective <= day

    @property
    def top_criterion(self) -> str:
        return self.criterion.split(".", 1)[0]

    @property
    def dimension(self) -> Optional[str]:
        return self.criterion.split(".", 1)[1] if "." in self.criterion else None

    @property
    def deciding(self) -> bool:
        return self.criterion != "advisory"

    def conditions(self) -> tuple:
        """The condition, and applies_when when the rule has one: every tree the rule reads."""
        return (self.condition,) if self.applies_when is None else (self.condition, self.applies_when)

    def describe(self) -> str:
        if self.applies_when is None:
            return self.condition.describe()
        return f"{self.condition.describe()} (applies when {self.applies_when.describe()})"


@dataclass(frozen=True)
class Pack:
    name: str
    version: str
    title: str
    description: str
    parameters: dict  # name -> Parameter
    derived: dict  # name -> Derived
    rules: tuple  # Rule, in file order
    source: str  # directory or file the pack was loaded from
    files: tuple = ()  # every file read, for the digest
    tests_dir: Optional[str] = None
    disabled: tuple = ()  # rule ids a profile switched off
    exempt: tuple = ()  # criteria a profile left without counting rules (they count as met)
    requires: tuple = ()  # names of the packs whose parameters this one reads (PACK.NAME)
    levels: tuple = ()  # levels.Level, lowest first: the maturity ladder the pack declares
    aliases: tuple = ()  # (former id, current id) of its rules, switched-off ones too

    def rule(self, rule_id: str) -> Optional[Rule]:
        return next((r for r in self.rules if r.id == rule_id), None)
