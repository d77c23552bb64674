"""Inverting derived facts onto the facts they are computed from.

A rule compares ``derived.capacity_headroom`` with ``min_headroom``; the
catalog holds ``peak_demand`` and ``max_capacity``. To say what would make the
rule pass, the threshold is carried back through the derived fact's function
(one of the closed set in engine/rules/derived.py) onto an input fact:

- headroom ``1 - used / capacity >= t``: raise capacity to ``used / (1 - t)``
  (or, when capacity is all that is recorded, record used at ``capacity * (1 - t)``);
- ``days_since(date) <= t``: a date on or after ``as_of - t``; ``days_until`` mirrored;
- ``ratio`` and ``difference``: move the numerator / the minuend;
- ``count``: add items; ``balance`` positives over negatives: add positive
  effects with the impact they need, at most the schema's maximum impact each.

Values are rounded outward to the precision of the recorded inputs (whole
numbers stay whole), then checked with exact arithmetic against the
threshold; the engine re-evaluates them before anything is shown.
"""
from __future__ import annotations

import copy
import datetime as _dt
import math
from dataclasses import replace
from fractions import Fraction
from typing import Any, Optional

from ..values import exact, plain
from ..rules.language import Leaf, Term
from ..rules.operators import EQUAL, LOWER, OPERATORS, UPPER
from .edits import PLACEHOLDER, Context, Edit, boundary, relation, step_for, threshold
from .perspectiveinv import per_perspective

# A suggestion adds at most this many items: a tiny weight (1e-7) or a huge
# threshold would otherwise build a list sized by 1/weight, and no review
# board acts on "add 10 million outcomes".
MAX_ADDED_ITEMS = 100

def compare_derived(leaf: Leaf, op: str, ctx: Context) -> Optional[list]:
    derived = ctx.derived.get(leaf.path)
    if derived is None:
        return None
    if derived.function == "balance":
        return _balance(leaf, op, derived, ctx)
    limit = threshold(leaf, ctx)
    if limit is None or isinstance(limit, bool) or not isinstance(limit, (int, float)):
        return None
    handler = {"days_since": _days, "days_until": _days, "headroom": _headroom,
               "ratio": _ratio, "difference": _difference, "count": _count}.get(derived.function)
    return None if handler is None else handler(derived, op, exact(limit), ctx)


def _nearest_int(op: str, t: Fraction) -> Optional[int]:
    """The integer nearest t with ``n OP t``."""
    o = OPERATORS[op]
    if o.sense == LOWER:
        return math.floor(t) + 1 if o.strict else math.ceil(t)
    if o.sense == UPPER:
        return math.ceil(t) - 1 if o.strict else math.floor(t)
    return int(t) if o.sense == EQUAL and t.denominator == 1 else None


def _days(derived, op, t, ctx) -> Optional[list]:
    n = _nearest_int(op, t)
    if n is None:
        return None
    since = derived.function == "days_since"
    try:
        day = ctx.as_of - _dt.timedelta(days=n) if since else ctx.as_of + _dt.timedelta(days=n)
    except OverflowError:  # before 0001-01-01 or after 9999-12-31: no date to suggest
        return None
    later = (OPERATORS[op].sense == UPPER) == since  # a smaller age / a larger countdown needs a later date
    words = "exactly" if OPERATORS[op].sense == EQUAL else ("on or after" if later else "on or before")
    return [Edit(derived.args["date"], "set", day.isoformat(), words)]


def _unit(*values: Any) -> Fraction:
    """Rounding unit: 1 for whole numbers, else the finest decimal among the recorded inputs."""
    known = [v for v in values if v is not None]
    if all(exact(v).denominator == 1 for v in known):
        return Fraction(1)
    return min(step_for(v, False) * 10 for v in known)


def _round(x: Fraction, unit: Fraction, up: bool) -> Fraction:
    steps = x / unit
    return (math.ceil(steps) if up else math.floor(steps)) * unit


def _headroom(derived, op, t, ctx) -> Optional[list]:
    if OPERATORS[op].sense != LOWER or t >= 1:
        return None
    used_path, cap_path = derived.args["used"], derived.args["capacity"]
    used, cap = ctx.values(used_path), ctx.values(cap_path)
    share = 1 - t  # the most of capacity peak demand may use
    holds = OPERATORS[op].holds
    example = used is None and cap is None
    if example:
        cap = 100
    unit = _unit(used, cap)
    if used is not None:  # raise (or record) capacity
        new = _round(exact(used) / share, unit, up=True)
        while not holds(1 - exact(used) / new, t):
            new += unit
        return [Edit(cap_path, "set", plain(new), "at least")]
    new = _round(exact(cap) * share, unit, up=False)
    while new > 0 and not holds(1 - new / exact(cap), t):
        new -= unit
    if new < 0:
        return None
    requirement = f"peak demand leaves at least {plain(t)} of capacity free (1 - {used_path} / {cap_path})"
    edits = [Edit(used_path, "set", plain(new), "at most", example=example, requirement=requirement)]
    return ([Edit(cap_path, "set", plain(exact(cap)), example=True, requirement=requirement)] + edits) \
        if example else edits


def _ratio(derived, op, t, ctx) -> Optional[list]:
    den = ctx.values(derived.args["denominator"])
    if den is None or den == 0:
        return None
    value = boundary(op, plain(t * exact(den)), "number")
    return None if value is None else [Edit(derived.args["numerator"], "set", value, relation(op, "number"))]


def _difference(derived, op, t, ctx) -> Optional[list]:
    minuend, subtrahend = derived.args["from"], derived.args["subtract"]
    b = ctx.values(subtrahend)
    if b is not None:
        value = boundary(op, plain(exact(b) + t), "number")
        return None if value is None else [Edit(minuend, "set", value, relation(op, "number"))]
    a = ctx.values(minuend)
    if a is None or OPERATORS[op].sense not in (LOWER, UPPER, EQUAL):  # "not a - b = t": no one nearest b
        return None
    reverse = OPERATORS[op].reverse
    value = boundary(reverse, plain(exact(a) - t), "number")
    return None if value is None else [Edit(subtrahend, "set", value, relation(reverse, "number"))]


def _count(derived, op, t, ctx) -> Optional[list]:
    term: Term = derived.args["term"]
    if OPERATORS[op].sense not in (LOWER, EQUAL) or term.field is not None:
        return None  # removing items, or making up amounts, is not a suggestion we can stand behind
    current = ctx.values(derived.outputs[0]) or 0
    wanted = _nearest_int(op, t)
    if wanted is None or wanted <= current or wanted - current > MAX_ADDED_ITEMS:
        return None
    items = [_item(term, None, ctx) for _ in range(wanted - int(current))]
    return [Edit(term.list, "add", items, noun=_noun(term))]


def _balance(leaf: Leaf, op: str, derived, ctx: Context) -> Optional[list]:
    """positives > negatives (revision 2): record the unrecorded negative lists, then,
    if the recorded balance still fails, the cheapest mix of lowering or removing
    what the service imposes and adding what it brings (an addition costs two
    reductions: a review board cuts costs and risks before it counts on new benefits)."""
    pos_path, neg_path = derived.outputs
    if leaf.path == neg_path and OPERATORS[op].sense == UPPER:  # negatives < positives is positives > negatives
        op = OPERATORS[op].reverse
    elif leaf.path != pos_path or OPERATORS[op].sense != LOWER:
        return None
    if leaf.operand.kind != "fact" or leaf.operand.value not in (neg_path, pos_path):
        return None
    if derived.spread is not None:  # judged per perspective once effects name whom they affect
        items = ctx.values(derived.spread_path) or ()
        if items and not (len(items) == 1 and items[0]["name"] is None):
            return per_perspective(op, derived, ctx, _noun, _maximum, _weight, _unrecorded)
    edits = [Edit(t.list, "set", [], text=f"record {t.list}, even as an empty list, to judge the balance")
             for t in _unrecorded(derived.args["negative"], ctx)]
    positives, negatives = exact(ctx.values(pos_path) or 0), exact(ctx.values(neg_path) or 0)
    holds = OPERATORS[op].holds
    if holds(positives, negatives):
        return edits or None
    mix = _cheapest_mix(derived, positives, negatives, holds, ctx)
    return None if mix is None else edits + mix


def _unrecorded(terms, ctx: Context) -> list:
    return list({t.list: t for t in terms if ctx.values(t.list) is None}.values())


def _negative_items(derived, ctx: Context) -> list:
    """(gain if removed, term, index, impact, weight) per negative effect, largest first."""
    out = []
    for term in derived.args["negative"]:
        weight = _weight(term, ctx)
        for index, item in enumerate(ctx.values(term.list) or []):
            if not isinstance(item, dict) or any(item.get(k) != v for k, v in term.where):
                continue
            raw = item.get(term.field) if term.field else None
            impact = exact(term.default if raw is None else raw) if term.field else 1
            if weight > 0:
                out.append((impact * weight, term, index, impact, weight))
    return sorted(out, key=lambda x: -x[0])


def _best_adder(derived, ctx: Context):
    """(points one benefit can add at most, term) of the best-weighted positive list, or None."""
    adders = [(_maximum(ctx, t) * _weight(t, ctx), t) for t in derived.args["positive"]
              if t.field and _weight(t, ctx) > 0]
    return max(adders, key=lambda x: x[0]) if adders else None


def _cheapest_mix(derived, positives, negatives, holds, ctx: Context) -> Optional[list]:
    items = _negative_items(derived, ctx)
    adder = _best_adder(derived, ctx)
    best = None
    for k in range(len(items) + 1):
        left = negatives - sum(g for g, *_ in items[:k])
        additions = 0
        while adder is not None and not holds(positives + additions * adder[0], left) and additions < 20:
            additions += 1
        if not holds(positives + additions * (adder[0] if adder else 0), left):
            continue
        key = (k + 2 * additions, additions)  # fewest edits, then fewest invented benefits
        if best is None or key < best[0]:
            best = (key, k, additions)
    if best is None:
        return None
    _, k, additions = best
    return _mix_edits(items, k, additions, adder, positives, negatives, holds, ctx)


def _mix_edits(items, k, additions, adder, positives, negatives, holds, ctx: Context) -> list:
    """The chosen reductions (lowered to impact 1 where that is enough) and additions, as list edits."""
    chosen = items[:k]
    added = additions * adder[0] if additions else 0
    gains = [g for g, *_ in chosen]
    lowered = set()
    for i in reversed(range(len(chosen))):  # smallest first: keep the effect, lower its impact
        g, term, index, impact, weight = chosen[i]
        if term.field and impact > 1 and holds(positives + added, negatives - (sum(gains) - weight)):
            gains[i] = g - weight
            lowered.add(i)
    lists: dict = {}
    texts: dict = {}
    for i, (g, term, index, impact, weight) in enumerate(chosen):
        current = ctx.values(term.list)
        new = lists.setdefault(term.list, [copy.deepcopy(x) for x in current])
        what = f"the {_noun(term)} {_named(current[index], index)}"
        if i in lowered:
            new[index] = dict(new[index], **{term.field: 1})
            texts.setdefault(term.list, []).append(f"lower the impact of {what} from {plain(impact)} to 1")
        else:
            new[index] = None
            texts.setdefault(term.list, []).append(f"remove {what} (impact {plain(impact)})")
    edits = [Edit(path, "set", [x for x in new if x is not None], text="; ".join(texts[path]))
             for path, new in lists.items()]
    if additions:
        edits.append(_additions(additions, adder, positives, negatives - sum(gains), holds, ctx))
    if (chosen and len(chosen) == len(items) and not lowered) or len(chosen) + additions >= 4:
        edits[-1] = replace(edits[-1], advice="or retire the service: what it imposes outweighs what it brings")
    return edits


def _additions(n: int, adder, positives, negatives, holds, ctx: Context) -> Edit:
    """``n`` benefits on the best-weighted positive list, the last with the impact it needs."""
    points, term = adder
    top = _maximum(ctx, term)
    weight = points / top
    impacts = [top] * n
    while impacts[-1] > 1 and holds(positives + (sum(impacts) - 1) * weight, negatives):
        impacts[-1] -= 1
    items = [_item(term, i, ctx) for i in impacts]
    noun, shown = _noun(term), ", ".join(map(str, impacts))
    if ctx.values(term.list) is None:
        text = (f"record in {term.list} the {noun}s the service brings (passes when what it brings "
                "outweighs what it imposes)")
    else:
        text = (f"add {n} {noun}{'s' * (n > 1)} of impact {shown} to {term.list}, "
                "only for benefits the consumers confirm")
    return Edit(term.list, "add", items, noun=noun, text=text)


def _named(item: Any, index: int) -> str:
    description = item.get("description") if isinstance(item, dict) else None
    return repr(description) if isinstance(description, str) and description else f"#{index + 1}"


def _weight(term: Term, ctx: Context) -> Fraction:
    if term.weight is None:
        return Fraction(1)
    value = ctx.params.get(term.weight.value) if term.weight.kind == "param" else term.weight.value
    return exact(value) if value is not None else Fraction(0)


def _maximum(ctx: Context, term: Term) -> int:
    """The schema's maximum for the summed item field (impact: 5), whole."""
    node = _schema_node(ctx.schema.document, term.list)
    prop = _resolve((node or {}).get("items", {}), ctx.schema.document).get("properties", {}).get(term.field, {})
    top = _resolve(prop, ctx.schema.document).get("maximum")
    return max(int(top), 1) if isinstance(top, (int, float)) else 5


def _schema_node(doc: dict, path: str) -> Optional[dict]:
    node = doc
    for part in path.split("."):
        node = _resolve(node, doc).get("properties", {}).get(part)
        if node is None:
            return None
    return _resolve(node, doc)


def _resolve(node: dict, doc: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node if isinstance(node, dict) else {}


def _item(term: Term, impact: Optional[int], ctx: Context) -> Any:
    ftype = ctx.ftype(term.list)
    item_type = ftype.item if ftype is not None else None
    if item_type is not None and item_type.kind == "string":
        return PLACEHOLDER
    item: dict = {}
    if item_type is not None and "description" in item_type.fields:
        item["description"] = PLACEHOLDER
    item.update(dict(term.where))
    if term.field and impact is not None:
        item[term.field] = impact
    return item


def _noun(term: Term) -> str:
    last = term.list.rsplit(".", 1)[-1]
    noun = last[:-1] if last.endswith("s") else last
    if "." in term.list:  # costs.removed -> "removed cost"
        parent = term.list.rsplit(".", 2)[-2]
        noun = f"{last} {parent[:-1] if parent.endswith('s') else parent}"
    qualifier = " ".join(str(v) for _, v in term.where)
    return f"{qualifier} {noun}".strip()
