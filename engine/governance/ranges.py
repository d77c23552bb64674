"""``tune --values 99.9..99.99:0.01``: a range of candidate values, in exact decimal steps.

``START..END:STEP`` stands for START, START+STEP, ... up to END, each computed
in decimal (``Decimal``), never by adding floats, so 99.9 + 7 x 0.01 is
99.97 and not 99.97000000000001. END must be a whole number of steps from
START (a range that would stop short of it says where it would stop), STEP
is positive, and a range gives at most ``MAX_VALUES`` values. Whole-number
ranges may leave out the step (``1..4`` is 1, 2, 3, 4) and give integers;
any decimal point gives floats. Items without ``..`` are left to the caller.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

from ..errors import UserError

MAX_VALUES = 1000  # values --values may stand for in all: each is a whole evaluation of the catalog
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^\s*(?P<start>{_NUMBER})\s*\.\.\s*(?P<end>{_NUMBER})\s*(?::\s*(?P<step>{_NUMBER}))?\s*$")


def expand(items: Iterable[str], other: Callable[[str], Any], what: str = "--values") -> list:
    """The values of ``items``: each range expanded, every other item read by ``other``."""
    out: list = []
    for item in items:
        out += range_values(item, what) if ".." in item else [other(item)]
        if len(out) > MAX_VALUES:
            raise UserError(f"{what}: more than {MAX_VALUES:,} values to try (each is a whole run over the "
                            "catalog); take a coarser step or a shorter range")
    return out


def range_values(text: str, what: str = "--values") -> list:
    """``START..END[:STEP]`` as its values, or a UserError saying what is wrong with it."""
    found = _RANGE.match(text)
    if found is None:
        raise UserError(f"{what}: cannot read the range {text.strip()!r}: expected START..END:STEP with "
                        "decimal numbers, e.g. 99.9..99.99:0.01 (or 1..4 for whole numbers)")
    start, end = _decimal(found["start"]), _decimal(found["end"])
    whole = all("." not in (found[k] or "") for k in ("start", "end", "step"))
    if found["step"] is None and not whole:
        raise UserError(f"{what}: the range {text.strip()!r} needs a step (START..END:STEP, e.g. "
                        f"{found['start']}..{found['end']}:0.01)")
    step = _decimal(found["step"]) if found["step"] is not None else Decimal(1)
    if step <= 0:
        raise UserError(f"{what}: the step of {text.strip()!r} must be above 0, got {found['step']}")
    if start > end:
        raise UserError(f"{what}: the range {text.strip()!r} starts above its end; write the smaller value first")
    steps, rest = divmod(end - start, step)
    if rest:
        last = start + steps * step
        raise UserError(f"{what}: {found['end']} is not a whole number of steps of {found['step']} from "
                        f"{found['start']} (the range would stop at {last}); change the end or the step")
    if steps + 1 > MAX_VALUES:
        raise UserError(f"{what}: the range {text.strip()!r} has {int(steps) + 1:,} values, over the limit of "
                        f"{MAX_VALUES:,} (each is a whole run over the catalog); take a coarser step")
    values = (start + i * step for i in range(int(steps) + 1))
    return [int(v) if whole else float(v) for v in values]


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # the pattern only lets numbers through; kept for safety
        raise UserError(f"--values: {text!r} is not a number") from None
