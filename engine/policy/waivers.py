"""Waivers: approved, time-limited exceptions for one service's rule or criterion.

    waivers:
      - service: crm
        rule: WAR-001                    # or criterion: warranty.availability / warranty / utility / value
        reason: Cluster migration; availability recovers after cut-over
        approved_by: Change Advisory Board (CAB-2026-114)
        expires: 2027-01-31              # applies up to and including this day
        levels: [bronze]                 # optional: the levels the waived finding still counts toward

A waived finding keeps its real status and carries the waiver; it counts as
met when its criterion is composed, so it no longer counts against the
verdict. A waiver past its expiry date no longer applies: the finding counts
again and carries the expired waiver, and the report lists it. Active
waivers that expire within the warning window (30 days unless set) are
listed as expiring. Durable-rules still decides every finding; waivers only
change how findings compose.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
from typing import Optional

from ..errors import Location, RulePackError, UserError
from ..model import WAIVER_GATES as MODEL_WAIVER_GATES
from ..model import ServiceResult, Waiver, gate_words, gated_waivers
from ..errors import did_you_mean
from ..rules.operands import as_date
from ..rules.aliases import known_ids, renames
from ..rules.language import CRITERIA
from ..documents import Reader, join, kind_of
from ..levels import ladder_of
from ..yamlio import load_single, read_text

WAIVABLE_CRITERIA = tuple(dict.fromkeys(("warranty",) + CRITERIA))


class WaiverSet:
    """The waivers of one file, judged as of the evaluation date.

    Stateless once loaded: which waivers a run used is counted by the run
    (``used_in`` per result), so one set can serve many runs.
    """

    def __init__(self, waivers: tuple, digest: str, former: tuple = ()):
        self.waivers = waivers
        self.digest = digest
        self.former = former  # (waiver source, former rule id written, the rule's id now), for lint
        self._index = {w: i for i, w in enumerate(waivers)}
        self._by_service: dict = {}
        for i, w in enumerate(waivers):
            self._by_service.setdefault(w.service, []).append(i)

    def attach(self, service_id: str, findings: list) -> list:
        """The findings, each not-met or unknown one carrying the waiver that covers it.

        A waived finding keeps its status; composition (evaluate/compose.py)
        counts it as met while its waiver is active.
        """
        indices = self._by_service.get(service_id)
        if not indices:
            return findings
        out = []
        for f in findings:
            chosen = self._match(f, indices) if f.failing else None
            out.append(dataclasses.replace(f, waiver=self.waivers[chosen]) if chosen is not None else f)
        return out

    def used_in(self, result: ServiceResult) -> tuple:
        """Indices of the active waivers that waived something in ``result``."""
        return tuple(sorted({self._index[f.waiver] for f in result.findings if f.waived}))

    def _match(self, finding, indices: list) -> Optional[int]:
        """The waiver for a finding: a rule waiver before a criterion waiver, active before expired."""
        key = f"{finding.criterion}.{finding.dimension}" if finding.dimension else finding.criterion
        ranked = []
        for i in indices:
            w = self.waivers[i]
            if w.target == finding.rule:
                ranked.append((0 if w.active else 2, i))
            elif w.target in (key, finding.criterion):
                ranked.append((1 if w.active else 3, i))
        return min(ranked)[1] if ranked else None

    def dated(self, as_of: _dt.date, warning_days: int = 30) -> "WaiverSet":
        """The same waivers judged as of another day (active, expired, expiring), read from no file."""
        return WaiverSet(tuple(_dated(w, as_of, warning_days) for w in self.waivers), self.digest)

    def unused(self, used: set) -> list:
        """Active waivers that waived nothing in a run (wrong service id, or the finding is met)."""
        return [w for i, w in enumerate(self.waivers) if w.active and i not in used]


def waiver_warnings(waivers: Optional[tuple], unused: list) -> list[str]:
    """What needs a governance team's action: expired, soon expiring and unused waivers."""
    out = []
    for w in waivers or ():
        if not w.active:
            out.append(f"waiver {w.service} / {w.target} expired on {w.expires} and no longer applies ({w.source})")
        elif w.expiring:
            out.append(f"waiver {w.service} / {w.target} expires on {w.expires}, {w.when()} ({w.source})")
    out += [f"waiver {w.service} / {w.target} waived nothing ({w.source})" for w in unused]
    return out


WAIVER_GATES = MODEL_WAIVER_GATES  # what --fail-on-waiver takes (the model words)


def waiver_kinds(spec) -> tuple:
    """``--fail-on-waiver expired,unused`` as a tuple of kinds; a usage error names a wrong one."""
    if not spec:
        return ()
    kinds = tuple(k.strip() for k in str(spec).split(",") if k.strip())
    for kind in kinds:
        if kind not in WAIVER_GATES:
            raise UserError(f"--fail-on-waiver takes {', '.join(WAIVER_GATES)} (comma-separated); got {kind!r}"
                            f"{did_you_mean(kind, list(WAIVER_GATES))}")
    return kinds


def waiver_failures(waivers: Optional[tuple], unused: list, kinds: tuple) -> list[str]:
    """The waivers that fail a CI gate on ``kinds`` (expired, unused), in words."""
    return [f"{gate_words(kind, w)} ({w.source})" for kind, w in gated_waivers(waivers, unused, kinds)]


def load_waivers(path: str, packs: list, as_of: _dt.date, warning_days: int = 30) -> WaiverSet:
    file = str(path)
    text = read_text(file)
    doc = load_single(text, file)
    r = Reader(file)
    items = doc.get("waivers") if isinstance(doc, dict) else doc
    if isinstance(doc, dict):
        r.keys(doc, "", ("waivers",), (), "a waiver file")
    if not isinstance(items, list) or items and not any(isinstance(item, dict) for item in items):
        # not one waiver in it: another kind of file, whose content is not shown
        raise UserError("a waiver file is a list of waivers, or a mapping with a 'waivers' list; "
                        "is this the right file?", Location(file=file))
    rule_ids, renamed, former = known_ids(packs), renames(packs), []
    ladder = ladder_of(packs)[0]
    level_names = ladder.names if ladder is not None else ()
    waivers, seen = [], {}
    for i, node in enumerate(items):
        w = _waiver(r, items, i, node, rule_ids, as_of, warning_days, level_names)
        if w is None:
            continue
        if "rule" in node and w.target in renamed:  # a former id (aliases:): the rule it became
            former.append((w.source, w.target, renamed[w.target]))
            w = dataclasses.replace(w, target=renamed[w.target])
        key = (w.service, w.target)
        if key in seen:
            r.error(f"a second waiver for {w.service} / {w.target} (the first is at {seen[key]}); "
                    "keep one per service and rule or criterion", r.at(items, i, f"waivers[{i}]"))
            continue
        seen[key] = w.source
        waivers.append(w)
    errors = [p for p in r.problems if p.severity == "error"]
    if errors:
        raise RulePackError(errors)
    digest = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    return WaiverSet(tuple(waivers), digest, tuple(former))


def _waiver(r: Reader, items, i, node, rule_ids, as_of, warning_days, level_names=()) -> Optional[Waiver]:
    path = f"waivers[{i}]"
    loc = r.at(items, i, path)
    if not r.mapping(node, loc, "a waiver"):
        return None
    ok = r.keys(node, path, ("service", "reason", "approved_by", "expires"), ("rule", "criterion", "levels"),
                "a waiver")
    service = node.get("service")
    if isinstance(service, (int, float)) and not isinstance(service, bool):
        service = str(service)  # ids are matched as text, as the catalog reader labels them
    if not isinstance(service, str) or not service.strip():
        if "service" in node:
            r.error(f"'service' must be a service id, got {kind_of(service)}", r.at(node, "service", join(path, "service")))
        ok = False
    reason = r.string(node, "reason", path, "the reason") if "reason" in node else None
    approved = r.string(node, "approved_by", path, "approved_by") \
        if "approved_by" in node else None
    target = _target(r, node, path, rule_ids)
    expires = as_date(node.get("expires")) if "expires" in node else None
    if "expires" in node and expires is None:
        r.error(f"'expires' must be a date YYYY-MM-DD, got {kind_of(node.get('expires'))}",
                r.at(node, "expires", join(path, "expires")), code="type")
    levels = _levels(r, node, join(path, "levels"), level_names) if "levels" in node else ()
    if not ok or None in (reason, approved, target, expires, levels):
        return None
    return _dated(Waiver(service.strip(), target, reason, approved, expires.isoformat(),
                         source=f"{loc.file}:{loc.line}", levels=levels), as_of, warning_days)


def _levels(r: Reader, node: dict, path: str, names: tuple) -> Optional[tuple]:
    """``levels: [silver]``: the maturity levels the waived finding still counts toward."""
    value, loc = node["levels"], r.at(node, "levels", path)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        r.error(f"'levels' lists the levels the waiver counts toward, got {kind_of(value)}", loc, code="type")
        return None
    unknown = [v for v in value if v not in names]
    if unknown:
        known = f"; the levels are {', '.join(names)}" if names else "; the policy declares no levels"
        r.error(f"unknown level {unknown[0]!r}{did_you_mean(unknown[0], list(names))}{known}", loc, code="level")
        return None
    return tuple(value)


def _dated(w: Waiver, as_of: _dt.date, warning_days: int) -> Waiver:
    days = (_dt.date.fromisoformat(w.expires) - as_of).days
    state = "active" if days >= 0 else "expired"
    return dataclasses.replace(w, state=state, days_left=days, expiring=state == "active" and days <= warning_days)


def _target(r: Reader, node: dict, path: str, rule_ids: list) -> Optional[str]:
    given = [k for k in ("rule", "criterion") if k in node]
    if len(given) != 1:
        r.error("a waiver names exactly one of 'rule' (a rule id) or 'criterion'"
                + ("" if given else " (neither is given)"), r.at(node, None, path))
        return None
    key = given[0]
    value, loc = node[key], r.at(node, key, join(path, key))
    choices = rule_ids if key == "rule" else list(WAIVABLE_CRITERIA)
    if value not in choices:
        r.error(f"unknown {key} {value!r}{did_you_mean(str(value), choices)}", loc, code=key)
        return None
    return value


__all__ = ["WaiverSet", "load_waivers", "waiver_warnings", "waiver_kinds", "waiver_failures"]
