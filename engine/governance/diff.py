"""``valuate diff``: the same catalog under two policies, and every service that changed.

A side is a stack of rule packs (a directory with pack.yaml, a single-file
pack, or a bundled pack's name) and at most one profile, written
``itil4+ours/+profile.yaml`` or given part by part; a profile alone is
applied to ``--rules`` (default the ITIL 4 pack). A service is listed when
its verdict, a criterion or warranty dimension, the value balance from one
perspective ("value for sponsor", when effects name whom they affect), or the
status of one of its findings (waived or not included) differs; each listed service carries the
findings that changed, with both messages: the "why". Verdict flips are
told apart from changes that leave the verdict as it was.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from ..data import DEFAULT_PACK
from ..errors import Location, UserError
from ..model import ERROR, RunInfo, ServiceResult, counted
from ..pipeline import read_inputs, run
from ..policy import LoadedPolicy, load_policy
from ..request import Inputs, Policy, RunOptions, RunRequest
from ..rules.param_cases import data_of, describe_value
from ..rules.requires import resolve
from ..yamlio import load_single, read_text


@dataclass(frozen=True)
class Side:
    source: str  # what the user named
    kind: str  # pack | profile | stack (packs and a profile)
    policy: LoadedPolicy
    info: RunInfo  # the header of this side's run

    def to_dict(self) -> dict:
        head = self.info.header()
        out = {"source": self.source, "kind": self.kind, "rules": head["rules"], "inputs": head.get("inputs")}
        if self.policy.profile is not None:
            out["profile"] = self.policy.profile.name
        return out


@dataclass(frozen=True)
class ServiceChange:
    position: int
    id: Optional[str]
    name: Optional[str]
    verdict: tuple  # (base, head)
    criteria: tuple = ()  # ((criterion or warranty.dimension, base, head), ...)
    findings: tuple = ()  # ((rule, base Finding or None, head Finding or None), ...)
    waived: tuple = (False, False)  # (base, head): valuable only because a waiver covers a failure

    @property
    def readings(self) -> tuple:
        """(base, head) verdicts as people read them: ``valuable_waived`` apart from valuable."""
        return tuple(WAIVED_VERDICT if waived else verdict for verdict, waived in zip(self.verdict, self.waived))

    @property
    def transition(self) -> str:
        return "->".join(self.readings)

    @property
    def flip(self) -> bool:
        """The verdict changed (not only criteria or findings)."""
        return self.verdict[0] != self.verdict[1]

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "flip": self.flip,
                "verdict": {"base": self.verdict[0], "head": self.verdict[1]},
                **({"valuable_waived": {"base": self.waived[0], "head": self.waived[1]}} if any(self.waived) else {}),
                "criteria": {c: {"base": b, "head": h} for c, b, h in self.criteria},
                "findings": [{"rule": rule, "base": _finding(b), "head": _finding(h)}
                             for rule, b, h in self.findings]}


def _finding(f) -> Optional[dict]:
    if f is None:
        return None
    out = {"status": f.status, "message": f.message}
    if f.waiver is not None:
        out["waived" if f.waived else "waiver_expired"] = f.waiver.to_dict()
    return out


def _status(f) -> Optional[tuple]:
    return None if f is None else (f.status, f.waived)


WAIVED_VERDICT = "valuable_waived"  # the summary's word (model Summary) for valuable only under a waiver


def _criteria(result: ServiceResult) -> dict:
    """Each criterion's and dimension's status as people read it: ``waived`` (met only under a
    waiver) apart from met, so a waiver that starts or ends is a change and never reads 'met';
    with effects naming whom they affect, also 'value for NAME' per perspective."""
    out = {}
    for c in result.criteria:
        out[c.name] = result.status_of(c.name)
        for dim, _ in c.dimensions:
            out[f"{c.name}.{dim}"] = result.status_of(dim)
        for p in c.perspectives:
            out[f"{c.name} for {p.name}"] = p.status
    return out


def compare(base: list, head: list, renamed: Optional[dict] = None) -> list[ServiceChange]:
    """Pairwise, in input order: both sides judged the same records. ``renamed``: the head's
    former rule ids -> its ids, so a rule renamed between the sides is one rule."""
    renamed = renamed or {}
    changes = []
    for b, h in zip(base, head):
        if b.verdict == ERROR and h.verdict == ERROR:
            continue
        cb, ch = _criteria(b), _criteria(h)
        criteria = tuple((k, cb.get(k), ch.get(k)) for k in dict.fromkeys(list(cb) + list(ch))
                         if cb.get(k) != ch.get(k))
        fb, fh = {renamed.get(f.rule, f.rule): f for f in b.findings}, {f.rule: f for f in h.findings}
        findings = tuple((r, fb.get(r), fh.get(r)) for r in dict.fromkeys(list(fb) + list(fh))
                         if _status(fb.get(r)) != _status(fh.get(r)))
        waived = (b.valuable_by_waiver, h.valuable_by_waiver)
        if b.verdict != h.verdict or criteria or findings or waived[0] != waived[1]:
            changes.append(ServiceChange(b.position, b.id, b.name, (b.verdict, h.verdict), criteria, findings,
                                         waived))
    return changes


def side_kind(spec: str) -> str:
    """pack or profile: a directory (or a bundled pack's name) or a YAML mapping with 'pack' is a pack."""
    path = resolve(spec)
    if path.is_dir():
        return "pack"
    if not path.is_file():
        raise UserError("no such rule pack or profile", Location(file=spec))
    doc = load_single(read_text(str(path)), spec)
    return "pack" if isinstance(doc, dict) and "pack" in doc else "profile"


def side_parts(spec) -> list:
    """The packs and profile of one side: 'a+b/+p.yaml', or several such (repeated options)."""
    specs = [spec] if isinstance(spec, str) else list(spec or ())
    return [part for s in specs for part in ([s] if Path(s).exists() else s.split("+")) if part]


def prepare_side(spec, policy: Policy, catalogs: tuple) -> Side:
    """One side: ``policy`` as is, or its packs and profile replaced by the side's stack."""
    parts = side_parts(spec)
    if not parts:
        shown = ", ".join(_relative(r) for r in (policy.rules or (DEFAULT_PACK,)))
        loaded = load_policy(policy)
        return Side(shown, "pack", loaded, loaded.run_info(catalogs))
    kinds = [side_kind(p) for p in parts]
    packs = tuple(p for p, k in zip(parts, kinds) if k == "pack")
    profiles = [p for p, k in zip(parts, kinds) if k == "profile"]
    if len(profiles) > 1:
        raise UserError(f"a side has at most one profile (a profile may extend others); got {', '.join(profiles)}")
    kind = "stack" if packs and profiles else "pack" if packs else "profile"
    tuned = replace(policy, rules=packs or policy.rules, profile=profiles[0] if profiles else None)
    loaded = load_policy(tuned)
    return Side("+".join(parts), kind, loaded, loaded.run_info(catalogs))


def _relative(path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class DiffReport:
    base: Side
    head: Side
    services: int
    changes: list = field(default_factory=list)

    def transitions(self, flips: Optional[bool] = None) -> dict:
        """Counts per verdict transition; ``flips``: only verdict flips (True) or only the rest (False)."""
        changes = [c for c in self.changes if flips is None or c.flip == flips]
        return dict(sorted(Counter(c.transition for c in changes).items()))

    @property
    def flips(self) -> list:
        return [c for c in self.changes if c.flip]

    def parameters(self) -> list:
        """Parameters whose value differs between the sides: (pack.name, base, head)."""
        b = {f"{p}.{n}": v for p, n, v in self.base.info.params}
        h = {f"{p}.{n}": v for p, n, v in self.head.info.params}
        return [(k, b.get(k), h.get(k)) for k in dict.fromkeys(list(b) + list(h)) if _key(b.get(k)) != _key(h.get(k))]

    def rules(self) -> dict:
        """Rules only in one side, renamed (the head names a base id among its aliases), re-graded."""
        h = {r.id: r for r in self.head.info.rules}
        now = {r.id: self.head.policy.current_id(r.id) for r in self.base.info.rules}
        b = {now[r.id]: r for r in self.base.info.rules}
        return {"added": [r for r in h if r not in b], "removed": [r for r in b if r not in h],
                "renamed": [{"rule": new, "was": old} for old, new in now.items() if new != old and new in h],
                "changed": [{"rule": r, "severity": {"base": b[r].severity, "head": h[r].severity}}
                            for r in b if r in h and b[r].severity != h[r].severity]}

    def to_dict(self) -> dict:
        run = self.base.info
        return {"tool": {"name": run.tool, "version": run.version}, "as_of": run.as_of,
                "catalogs": list(run.inputs), "base": self.base.to_dict(), "head": self.head.to_dict(),
                "parameters": [{"name": k, "base": _plain(b), "head": _plain(h)} for k, b, h in self.parameters()],
                "rules": self.rules(),
                "summary": {"services": self.services, "changed": len(self.changes),
                            "unchanged": self.services - len(self.changes), "flips": len(self.flips),
                            "finding_changes": len(self.changes) - len(self.flips),
                            "transitions": self.transitions()},
                "changes": [c.to_dict() for c in self.changes],
                **({"head_as_of": self.head.info.as_of,
                    "in_force_on_head": [s.to_dict() for s in _in_force_between(self)]}
                   if self.head.info.as_of != run.as_of else {})}


def _key(value):
    return ("cases", data_of(value)) if hasattr(value, "to_data") else ("value", value)


def _plain(value):
    return value.to_data() if hasattr(value, "to_data") else value


def verdicts(inputs: Inputs, policy: LoadedPolicy) -> list:
    """Every record's result under ``policy``, without suggestions (diff and tune compare these)."""
    request = RunRequest(policy.spec, inputs, RunOptions(suggest=False))
    return list(run(request, policy).results())


def run_diff(inputs: Inputs, base, head, policy: Policy, head_as_of=None) -> DiffReport:
    """``policy`` (rules, --set, waivers, as-of) is shared; ``base`` and ``head`` tune it per side.
    ``head_as_of``: judge the head side on another day (what flips when rules come into force)."""
    read = replace(inputs, records=tuple(read_inputs(inputs, policy.limits)))  # read once, judged twice
    b = prepare_side(base, policy, inputs.catalogs)
    h = prepare_side(head, replace(policy, as_of=head_as_of) if head_as_of else policy, inputs.catalogs)
    return DiffReport(b, h, len(read.records), compare(verdicts(read, b.policy), verdicts(read, h.policy),
                                                             h.policy.renames()))


def diff_text(report: DiffReport) -> str:
    run = report.base.info
    lines = [f"valuate diff · {', '.join(run.inputs)} · as of {run.as_of}"]
    for label, side in (("base", report.base), ("head", report.head)):
        packs = ", ".join(p.name for p in side.policy.packs)
        named = (f" (packs {packs} · profile {side.policy.profile.name})" if side.kind == "stack"
                 else f" (profile {side.policy.profile.name})" if side.policy.profile is not None else f" ({side.kind})")
        dated = f" · as of {side.info.as_of}" if report.head.info.as_of != run.as_of else ""
        lines.append(f"{label}: {side.source}{named} · rules {side.info.digest[:19]}…{dated}")
    for s in _in_force_between(report):
        lines.append(f"in force on the head's day: {s.text().split(' comes into force')[0]} (from {s.effective})")
    for name, b, h in report.parameters():
        lines.append(f"parameter {name}: {_shown(b)} → {_shown(h)}")
    rules = report.rules()
    for key, word in (("added", "only in head"), ("removed", "only in base (or disabled in head)")):
        if rules[key]:
            lines.append(f"rules {word}: {', '.join(rules[key])}")
    for c in rules["renamed"]:
        lines.append(f"rule {c['was']} renamed {c['rule']} (its alias: the same rule)")
    for c in rules["changed"]:
        lines.append(f"rule {c['rule']} severity: {c['severity']['base']} → {c['severity']['head']}")
    lines.append("")
    flips, rest = report.flips, [c for c in report.changes if not c.flip]
    for heading, group in ((f"verdict flips ({len(flips)}):", flips),
                           (f"finding changes, verdict unchanged ({len(rest)}):", rest)):
        if group:
            lines += [heading, *(line for c in group for line in _change(c)), ""]
    lines.append(f"{len(report.changes)} of {counted(report.services, 'service')} changed" + _counts(report))
    return "\n".join(lines) + "\n"


def _in_force_between(report: DiffReport) -> list:
    """What the base's run lists as scheduled that is in force on the head's day."""
    later = {(s.rule, s.parameter, s.case) for s in report.head.info.scheduled}
    return [s for s in report.base.info.scheduled if (s.rule, s.parameter, s.case) not in later]


def _change(c: ServiceChange) -> list:
    label = c.id if c.id is not None else f"(record {c.position})"
    name = f" — {c.name}" if c.name and c.name != c.id else ""
    same = " (verdict unchanged)" if not c.flip else ""
    lines = [f"{label}{name}: {reading(c.readings[0])} → {reading(c.readings[1])}{same}"]
    lines += [f"    {crit:<22} {b or '—'} → {h or '—'}" for crit, b, h in c.criteria]
    lines += [f"    {rule:<22} {_fs(b)} → {_fs(h)}  {_why(b, h)}" for rule, b, h in c.findings]
    return lines


def _counts(report: DiffReport) -> str:
    if not report.changes:
        return ""
    parts = []
    for flips in (True, False):
        counts = report.transitions(flips)
        if counts:
            shown = ", ".join(f"{n} {' → '.join(map(reading, t.split('->')))}" for t, n in counts.items())
            n = sum(counts.values())
            said = f"{counted(n, 'verdict')} flipped" if flips else f"{n} with the verdict unchanged"
            parts.append(f"{said} ({shown})")
    return ": " + "; ".join(parts)


def reading(verdict: str) -> str:
    """A verdict in the text: 'valuable (waived)' for valuable only under a waiver."""
    return "valuable (waived)" if verdict == WAIVED_VERDICT else verdict


def _shown(value) -> str:
    return "(none)" if value is None else describe_value(value)


def _fs(f) -> str:
    if f is None:
        return "(no finding)"
    return f"{f.status} (waived)" if f.waived else f.status


def _why(b, h) -> str:
    if h is None:
        return "rule not in head"
    if b is None:
        return f"new in head: {h.message}"
    return h.message if h.status != b.status else (b.message if b.waived else h.message)
