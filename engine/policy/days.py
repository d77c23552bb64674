"""Day windows a policy asks for, checked against the evaluation date at load time.

A rule such as "the plan was tested within ``max_test_age_days``" compares a
``days_since`` derived fact with a number of days; explaining it, or saying
what would make it pass, means the date that many days before the
evaluation date. ``--set max_test_age_days=999999999`` or ``--as-of
0001-01-01`` ask for a date before year 1 (or after 9999), which does not
exist: that is a usage error naming the parameter (or literal), the rule and
the date, found before any service is read, never an overflow at run time.
"""
from __future__ import annotations

import datetime as _dt

from ..errors import UserError
from ..rules.language import Leaf, walk
from ..rules.param_cases import ParamCases

_WINDOWS = ("days_since", "days_until")


def check_day_windows(packs: list, params: dict, day: _dt.date) -> None:
    """Raise a UserError when a day window of a rule falls outside the calendar from ``day``."""
    for pack in packs:
        functions = {out: d.function for d in pack.derived.values() for out in d.outputs
                     if d.function in _WINDOWS}
        for rule in pack.rules:
            for node in walk(rule.condition):
                if isinstance(node, Leaf) and node.path in functions:
                    for operand in node.operands():
                        _check(operand, functions[node.path], params[pack.name], day, rule)


def _check(operand, function: str, values: dict, day: _dt.date, rule) -> None:
    if operand.kind == "param":
        value = values.get(operand.value)
        numbers = value.values() if isinstance(value, ParamCases) else [value]
        what = f"parameter {operand.value}"
    elif operand.kind == "value":
        numbers, what = [operand.value], "the number"
    else:
        return  # another fact: known per service only
    sign = -1 if function == "days_since" else 1
    for n in numbers:
        if isinstance(n, bool) or not isinstance(n, (int, float)):
            continue
        try:
            day + sign * _dt.timedelta(days=abs(n) + 1)
        except OverflowError:
            direction = "before" if sign * (1 if n >= 0 else -1) < 0 else "after"
            raise UserError(f"{what} = {n}: {abs(n):,.0f} days {direction} the evaluation date {day} is "
                            f"outside the calendar (rule {rule.id}, {rule.location}); give a smaller number "
                            "of days or another --as-of") from None
