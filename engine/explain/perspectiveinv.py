"""What would make a balance judged per perspective pass, perspective by perspective.

When effects name whom they affect, ``positives > negatives`` must hold for
every perspective (compile/perspectives.py). For each perspective it does not
hold for, in turn and on the lists as the earlier perspectives' changes left
them, this proposes the cheapest mix (as for the balance judged once,
derivedinv.py): lower or remove what the service imposes on that perspective,
else add a benefit for it. Each change names the perspective it helps.

It never proposes to drop a perspective: an effect that names someone is
lowered to impact 1, never removed (removing the last effect naming the
sponsor would pass by judging the service without the sponsor), and no
``for`` and no profile setting is ever touched. Only an effect naming no one
(it affects everyone) may be removed. As everywhere in "what would make it
pass", the changes are candidates: whatif.py re-evaluates them through the
engine before any is shown.
"""
from __future__ import annotations

import copy
from dataclasses import replace
from fractions import Fraction
from typing import Optional

from ..ingest.perspectives import roles, stakeholder_names
from ..values import exact, plain
from .edits import PLACEHOLDER, Context, Edit
from .perspectives import who

MAX_ADDITIONS = 20  # benefits added for one perspective at most (as derivedinv)
_HOLDS = {"ge": lambda a, b: a >= b, "gt": lambda a, b: a > b}


def per_perspective(op: str, derived, ctx: Context, noun, maximum, weight_of, unrecorded) -> Optional[list]:
    """Edits making ``positives OP negatives`` hold from every perspective judged, or None.
    ``noun``, ``maximum``, ``weight_of`` and ``unrecorded`` are derivedinv's helpers."""
    items = ctx.values(derived.spread_path) or ()
    holds = _HOLDS.get(op)
    if holds is None:
        return None
    field = derived.spread.field
    edits = [Edit(t.list, "set", [], text=f"record {t.list}, even as an empty list, to judge the balance")
             for t in unrecorded(derived.args["negative"], ctx)]
    work = {t.list: copy.deepcopy(ctx.values(t.list)) for t in derived.args["positive"] + derived.args["negative"]}
    texts: dict = {}
    for item in items:
        if not _fixed(derived, item["name"], field, work, holds, ctx, texts, noun, maximum, weight_of):
            return None
    for path, new in work.items():
        before = ctx.values(path)
        if path in texts and new != before:
            edits.append(Edit(path, "set", new, text="; ".join(texts[path])))
    if sum(len(t) for t in texts.values()) >= 4:
        edits[-1] = replace(edits[-1], advice="or retire the service: what it imposes on some "
                                              "stakeholders outweighs what it brings them")
    return edits


def _fixed(derived, name, field, work, holds, ctx, texts, noun, maximum, weight_of) -> bool:
    """Change ``work`` until the balance holds for ``name``; False when no mix can."""
    pos, neg = _sums(derived, name, field, work, weight_of, ctx)
    if holds(pos, neg):
        return True
    cuts = _cuts(derived, name, field, work, weight_of, ctx)
    adder = _adder(derived, weight_of, maximum, ctx)
    best = None
    for k in range(len(cuts) + 1):
        left = neg - sum(gain for gain, *_ in cuts[:k])
        extra = 0
        while adder is not None and extra < MAX_ADDITIONS and not holds(pos + extra * adder[0], left):
            extra += 1
        if holds(pos + extra * (adder[0] if adder else 0), left):
            key = (k + 2 * extra, extra)  # fewest edits, then fewest invented benefits (as derivedinv)
            best = min(best, (key, k, extra, left)) if best else (key, k, extra, left)
    if best is None:
        return False
    _, k, extra, left = best
    impacts = _impacts(extra, adder, pos, left, holds) if extra else []
    _cut(cuts[:k], field, work, texts, pos + (sum(impacts) * adder[1] if extra else 0), left, holds, noun)
    if extra:
        _add(impacts, adder, name, field, work, texts, ctx, noun)
    return True


def _counts(item, name, field) -> bool:
    names = item.get(field) if isinstance(item, dict) else None
    return not names or name is None or name in names


def _sums(derived, name, field, work, weight_of, ctx) -> tuple:
    out = []
    for side in ("positive", "negative"):
        total = Fraction(0)
        for term in derived.args[side]:
            for item in work.get(term.list) or ():
                if _matches(item, term) and _counts(item, name, field):
                    total += _impact(item, term) * weight_of(term, ctx)
        out.append(total)
    return tuple(out)


def _cuts(derived, name, field, work, weight_of, ctx) -> list:
    """(gain, term, index, impact, weight, shared) per negative effect counted for ``name``,
    largest gain first. One naming someone can only be lowered to impact 1 (never removed)."""
    out = []
    for term in derived.args["negative"]:
        weight = weight_of(term, ctx)
        for index, item in enumerate(work.get(term.list) or ()):
            if not _matches(item, term) or not _counts(item, name, field) or weight <= 0:
                continue
            impact = _impact(item, term)
            shared = not item.get(field)
            floor = 0 if shared else (1 if term.field else impact)
            if impact > floor:
                out.append(((impact - floor) * weight, term, index, impact, weight, shared))
    return sorted(out, key=lambda x: -x[0])


def _adder(derived, weight_of, maximum, ctx):
    """(points one benefit brings at most, weight, maximum impact, term) of the best-weighted
    positive list, or None."""
    adders = [(maximum(ctx, t) * weight_of(t, ctx), weight_of(t, ctx), maximum(ctx, t), t)
              for t in derived.args["positive"] if t.field and weight_of(t, ctx) > 0]
    return max(adders, key=lambda x: x[0]) if adders else None


def _impacts(n, adder, pos, neg, holds) -> list:
    """``n`` benefits at the maximum impact, the last lowered as far as it may be."""
    _, weight, top, _ = adder
    impacts = [top] * n
    while impacts[-1] > 1 and holds(pos + (sum(impacts) - 1) * weight, neg):
        impacts[-1] -= 1
    return impacts


def _cut(cuts, field, work, texts, pos, neg, holds, noun) -> None:
    """Lower (or, for an effect naming no one, remove) the chosen negative effects; a removal
    becomes a lowering to impact 1 where that is enough, the smallest first."""
    removed = set()
    for _, term, index, impact, weight, shared in sorted(cuts, key=lambda c: c[0]):
        item = work[term.list][index]
        what = f"the {noun(term)} {_named(item, index)}"
        affects = "every perspective" if shared else _whom(item.get(field))
        if shared and not (term.field and impact > 1 and holds(pos, neg + weight)):
            removed.add((term.list, index))
            texts.setdefault(term.list, []).append(f"remove {what} (impact {plain(impact)}; helps {affects})")
            continue
        if shared:
            neg += weight  # kept at impact 1
        work[term.list][index] = dict(item, **{term.field: 1})
        texts.setdefault(term.list, []).append(f"lower the impact of {what} from {plain(impact)} to 1 "
                                               f"(helps {affects})")
    for path in {p for p, _ in removed}:
        work[path] = [x for i, x in enumerate(work[path]) if (path, i) not in removed]


def _add(impacts, adder, name, field, work, texts, ctx, noun) -> None:
    """Benefits for ``name`` (naming it, when the record may name it) on the adder's list."""
    term = adder[3]
    named = name is not None and (name in roles() or name in stakeholder_names(ctx.fact))
    items = []
    for impact in impacts:
        item: dict = {"description": PLACEHOLDER, **dict(term.where), term.field: impact}
        if named:
            item[field] = [name]
        items.append(item)
    work[term.list] = list(work.get(term.list) or []) + items
    n = len(impacts)
    whom = who(name) if named else "the consumers"
    texts.setdefault(term.list, []).append(
        f"add {n} {noun(term)}{'s' * (n > 1)} of impact {', '.join(map(str, impacts))}"
        f"{f' for {whom}' if named else ''} to {term.list}, only for benefits {whom} "
        f"confirm{'s' * named}{'' if named else ' (helps every perspective)'}")


def _whom(names) -> str:
    shown = [who(n) for n in names or ()]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def _matches(item, term) -> bool:
    return isinstance(item, dict) and all(item.get(k) == v for k, v in term.where)


def _impact(item, term):
    if not term.field:
        return 1
    raw = item.get(term.field)
    return exact(term.default if raw is None else raw)


def _named(item, index: int) -> str:
    description = item.get("description") if isinstance(item, dict) else None
    return repr(description) if isinstance(description, str) and description else f"#{index + 1}"
