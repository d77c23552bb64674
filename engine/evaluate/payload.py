"""Build the slim fact asserted into durable-rules, following the PayloadPlan."""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..compile.conditions import ITEM_GUARD, LENGTH_SUFFIX
from ..compile.plan import ItemPlan, PayloadPlan
from .derived import get


def _day(value: Any) -> int:
    return _dt.date.fromisoformat(value).toordinal() if isinstance(value, str) else value.toordinal()


def _item(value: Any, plan: ItemPlan) -> Any:
    if plan.scalar is not None:
        return _day(value) if plan.scalar == "date" else value
    out: dict = {ITEM_GUARD: 1}
    if isinstance(value, dict):
        _fill(out, value, plan.fields)
    return out


def _fill(out: dict, source: dict, fields: dict) -> None:
    for path, fp in fields.items():
        value = get(source, path)
        if value is None:
            continue
        if fp.kind == "list":
            out[path + LENGTH_SUFFIX] = len(value)
            if fp.item is not None:
                out[path] = [_item(v, fp.item) for v in value]
        elif fp.kind == "date":
            out[path] = _day(value)
        else:
            out[path] = value


def build_payload(plan: PayloadPlan, fact: dict, derived: dict, fact_id: int) -> dict:
    out: dict = {"id": fact_id}
    _fill(out, fact, plan.fields)
    for path in plan.derived:
        if path in derived:
            out[path] = derived[path]
    return out
