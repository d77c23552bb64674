"""Build the slim fact asserted into durable-rules, following the PayloadPlan."""
from __future__ import annotations

import datetime as _dt
import json
import re
import secrets
from typing import Any, Optional

from ..compile.conditions import FOLD_SUFFIX, ITEM_GUARD, LENGTH_SUFFIX
from ..compile.perspectives import OF
from ..compile.plan import ItemPlan, PayloadPlan
from ..values import get


def _day(value: Any) -> int:
    return _dt.date.fromisoformat(value).toordinal() if isinstance(value, str) else value.toordinal()


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


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
        if fp.folded:  # durable-rules compares exactly: the copy compared in any case
            out[path + FOLD_SUFFIX] = [_fold(v) for v in value] if fp.kind == "list" else _fold(value)


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_EXPONENT = re.compile(r"[0-9][eE][-+]?[0-9]")
_NONCE = f"\u0001valuate-{secrets.token_hex(8)}-"


def encode(payload: dict) -> str:
    """JSON text for durable-rules, whose parser refuses ``1e-05`` (it wants ``1.0e-05``).

    Python writes such floats without a decimal point; the rare payload that
    has one is re-encoded with those floats spelled out.
    """
    text = _encode(payload)
    if _EXPONENT.search(text) is None:
        return text
    spelled: dict = {}
    fixed = _respell(payload, spelled)
    text = _encode(fixed)
    for token, number in spelled.items():
        text = text.replace(json.dumps(token, ensure_ascii=False), number)
    return text


def _respell(value: Any, spelled: dict) -> Any:
    if isinstance(value, float):
        text = repr(value)
        if ("e" in text or "E" in text) and "." not in text:
            token = f"{_NONCE}{len(spelled)}"
            mantissa, _, exponent = text.lower().partition("e")
            spelled[token] = f"{mantissa}.0e{exponent}"
            return token
        return value
    if isinstance(value, dict):
        return {k: _respell(v, spelled) for k, v in value.items()}
    if isinstance(value, list):
        return [_respell(v, spelled) for v in value]
    return value


def build_payload(plan: PayloadPlan, fact: dict, derived: dict, fact_id: int) -> dict:
    out: dict = {"id": fact_id}
    _fill(out, fact, plan.fields)
    for path in plan.derived:
        if path in derived:
            out[path] = derived[path]
    for path in plan.spreads:  # one item per perspective, its name left out: no rule reads it
        out[path] = [perspective_fact(item) for item in derived.get(path, ())]
    return out


def perspective_fact(item: dict, fact_id: Optional[int] = None, of: str = "") -> dict:
    """A perspective's sums as durable-rules reads them: a list item (guarded, conditions.py)
    or, with ``fact_id``, a fact of its own, saying which balance ``of`` (compile/perspectives.py)."""
    out = {k: v for k, v in item.items() if k != "name"}
    if fact_id is None:
        return {ITEM_GUARD: 1, **out}
    return {"id": fact_id, OF: of, **out}
