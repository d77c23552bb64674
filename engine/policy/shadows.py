"""Scheduled parameter cases, evaluated ahead: a shadow of each rule that reads them.

A parameter case with ``effective: DAY`` after the evaluation date is left
out of the value the rules decide with (schedule.py). So that durable-rules
still evaluates what it will decide from that day, each rule reading such a
parameter gets a shadow, ``RULE@DAY``: the same rule, in force from DAY,
reading a copy of the parameter (``NAME__YYYYMMDD``) that holds the value as
it will be on that day. Until then its findings are reported ("enforced
from DAY") and count for nothing, like those of any rule not yet in force;
on the day the case is in force in the parameter itself and no shadow is
made. ``evaluate/schedule.py`` lets a due shadow stand in for its rule.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import replace

from ..rules.language import SHADOW, Group, Leaf, Operand, Rule, Template, walk
from ..rules.param_cases import in_force


def shadow_packs(packs: list, params: dict, scheduled: tuple) -> tuple[list, dict]:
    """(packs with the shadows and the parameter copies they read, params with the copies' values);
    ``params``: every case, as resolved; ``scheduled``: the Scheduled cases left out today."""
    days: dict = {}
    for s in scheduled:
        if s.parameter is not None:
            days.setdefault(s.parameter, set()).add(_dt.date.fromisoformat(s.effective))
    if not days:
        return packs, params
    params = {p: dict(v) for p, v in params.items()}
    shadows: dict = {p.name: [] for p in packs}
    copies: dict = {}  # owner pack -> {copy name: parameter it copies}
    for pack in packs:
        for rule in pack.rules:
            read = {name: _owner(pack.name, name) for name in _reads(rule)}
            read = {name: o for name, o in read.items() if f"{o[0]}.{o[1]}" in days}
            for day in sorted({d for owner, short in read.values() for d in days[f"{owner}.{short}"]}):
                names = {}
                for name, (owner, short) in read.items():
                    copy = f"{short}__{day:%Y%m%d}"
                    params[owner][copy] = _on(params[owner][short], day)
                    copies.setdefault(owner, {})[copy] = short
                    names[name] = f"{owner}.{copy}" if owner != pack.name else copy
                shadows[pack.name].append(_shadow(rule, names, day))
    return [replace(p, rules=p.rules + tuple(shadows[p.name]),
                    parameters={**p.parameters, **{c: replace(p.parameters[s], name=c)
                                                   for c, s in copies.get(p.name, {}).items()}})
            for p in packs], params


def _on(value, day: _dt.date):
    """The parameter's value as it will be on ``day``, its cases no longer dated."""
    value = in_force(value, day)[0]
    cases = getattr(value, "cases", None)
    return replace(value, cases=tuple(replace(c, effective=None) for c in cases)) if cases else value


def _reads(rule: Rule) -> list:
    return list(dict.fromkeys(n for cond in rule.conditions() for node in walk(cond)
                              if isinstance(node, Leaf) for n in node.params()))


def _owner(pack: str, name: str) -> tuple:
    owner, _, short = name.rpartition(".")
    return (owner, short) if owner else (pack, name)


def _shadow(rule: Rule, names: dict, day: _dt.date) -> Rule:
    return _rename(replace(rule, id=f"{rule.id}{SHADOW}{day.isoformat()}", effective=day,
                           title=f"{rule.title} (from {day.isoformat()})"), names)


def _rename(rule: Rule, names: dict) -> Rule:
    applies = _cond(rule.applies_when, names) if rule.applies_when is not None else None
    return replace(rule, condition=_cond(rule.condition, names), applies_when=applies,
                   messages=_messages(rule.messages, names))


def _cond(node, names: dict):
    if isinstance(node, Group):
        return replace(node, children=tuple(_cond(c, names) for c in node.children),
                       messages=_messages(node.messages, names))
    operand = _operand(node.operand, names) if node.operand is not None else None
    inner = _cond(node.inner, names) if node.inner is not None else None
    return replace(node, operand=operand, inner=inner, messages=_messages(node.messages, names))


def _operand(op: Operand, names: dict) -> Operand:
    if op.kind == "param" and op.value in names:
        return Operand("param", names[op.value])
    if op.kind == "range":
        return Operand("range", tuple(_operand(o, names) for o in op.value))
    return op


def _messages(messages, names: dict):
    if not messages:
        return messages
    paths = {f"param.{old}": f"param.{new}" for old, new in names.items()}
    return {status: Template(t.text, tuple((paths.get(p[0], p[0]),) if isinstance(p, tuple) else p
                                            for p in t.parts)) for status, t in messages.items()}
