"""The policy a run judges by: packs tuned by a profile and ``--set``, waivers, compiled once.

``load_policy(Policy)`` loads the rule packs, applies the profile (its rule
settings, then its parameters, then the ``--set`` overrides), reads the
waiver file as of the evaluation date and compiles the packs for
durable-rules. The result, a ``LoadedPolicy``, can judge any number of
inputs (``run_info`` describes one run of it).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace
from typing import Iterable, Optional

from ..compile import Program, compile_packs
from ..data import DEFAULT_PACK
from ..model import RuleInfo, RunInfo
from ..request import Policy
from ..rules import load_packs
from ..rules.aliases import renames
from ..version import TOOL, VERSION
from .days import check_day_windows
from .digests import file_digest, input_digests
from .params import resolve_params, rules_digest
from .profiles import Profile, apply_profile, load_profile
from .waivers import WaiverSet, load_waivers
from .shadows import shadow_packs
from .schedule import checked_ladder, has_dated_cases, scheduled_cases, scheduled_rules
from ..levels import Ladder, load_targets


@dataclass(frozen=True)
class LoadedPolicy:
    """Everything compiled that an evaluation needs, and how to describe it."""

    spec: Policy
    program: Program
    as_of: _dt.date
    digest: str  # rules digest: pack files, resolved parameters, profile rule settings
    rules: tuple  # RuleInfo per rule, in pack order
    waivers: Optional[WaiverSet] = None
    profile: Optional[Profile] = None
    ladder: Optional[Ladder] = None  # the maturity levels services are graded on
    targets: tuple = ()  # levels.Target, from the targets file
    scheduled: tuple = ()  # Scheduled: rules and parameter cases coming into force after as_of
    dated_cases: bool = False  # some parameter case carries 'effective' (in force or not)

    @property
    def packs(self) -> tuple:
        return self.program.packs

    def params(self) -> tuple:
        """((pack, name, value), ...) as resolved."""
        return tuple((p, k, v) for p, values in self.program.params.items() for k, v in values.items())

    def renames(self) -> dict:
        """Former rule id -> the rule's id now (``aliases:`` in its metadata)."""
        return renames(self.packs)

    def current_id(self, rule_id: str) -> str:
        """The id a rule has now, given it or one of its former ids."""
        return self.renames().get(rule_id, rule_id)

    def on(self, day: _dt.date) -> "LoadedPolicy":
        """This policy judged as of ``day``, reading no file: the same compiled rules, the
        waivers re-dated, the day windows checked (a UserError when one leaves the calendar).
        A server derives each request's evaluation date from the snapshot it loaded."""
        if day == self.as_of:
            return self
        if self.dated_cases:  # which cases are in force is compiled into the rules: compile anew
            return load_policy(replace(self.spec, as_of=day))
        check_day_windows(self.packs, self.program.params, day)
        waivers = self.waivers.dated(day, self.spec.waiver_warning_days) if self.waivers is not None else None
        return replace(self, spec=replace(self.spec, as_of=day), as_of=day, waivers=waivers,
                       scheduled=scheduled_rules(self.packs, day))

    def run_info(self, inputs: Iterable[str] = ()) -> RunInfo:
        """The report header of one run of this policy over ``inputs`` (catalog files)."""
        inputs = tuple(str(i) for i in inputs)
        day = self.as_of.isoformat()
        digests = input_digests(self.digest, self.profile.digest if self.profile else None,
                                self.waivers.digest if self.waivers else None, file_digest(inputs), day, VERSION)
        return RunInfo(TOOL, VERSION, tuple(p.name for p in self.packs), self.digest, day, self.params(),
                       self.rules, inputs, digests, self.waivers.waivers if self.waivers else None,
                       self.spec.waiver_warning_days,
                       (self.profile.name, self.profile.files) if self.profile else None,
                       str(self.spec.waivers) if self.spec.waivers else None,
                       levels=self.ladder.names if self.ladder else (),
                       ladder=tuple((lv.name, lv.requires) for lv in self.ladder.levels) if self.ladder else (),
                       scheduled=self.scheduled)


def load_policy(spec: Policy, packs: Optional[list] = None) -> LoadedPolicy:
    """Load, tune (profile, then ``spec.params`` as --set) and compile the packs; read waivers.

    ``packs``: the packs of ``spec.rules`` already loaded (rules test loads a pack once)."""
    if packs is None:
        packs = load_packs([str(r) for r in (spec.rules or (DEFAULT_PACK,))], limits=spec.limits)
    day = spec.day()
    params = list(spec.params.items())
    profile = load_profile(spec.profile, packs) if spec.profile else None
    if profile is not None:
        packs = apply_profile(packs, profile)
        params = list(profile.overrides().items()) + params  # --set (and a case's params) refine the profile
    waivers = load_waivers(spec.waivers, packs, day, spec.waiver_warning_days) if spec.waivers else None
    resolved = resolve_params(packs, params)
    digest = rules_digest(packs, resolved)  # with every case, those not yet in force too
    dated = has_dated_cases(resolved)
    packs, resolved = shadow_packs(packs, resolved, scheduled_cases(resolved, day)[1])  # RULE@DAY
    resolved, scheduled = scheduled_cases(resolved, day)
    check_day_windows(packs, resolved, day)
    program = compile_packs(packs, resolved)
    infos = tuple(RuleInfo(r.id, r.pack, r.title, r.criterion, r.severity, r.rationale, r.remediation,
                           r.describe(), r.aliases) for p in packs for r in p.rules)
    ladder = checked_ladder(packs)
    targets = load_targets(spec.targets, ladder) if spec.targets else ()
    return LoadedPolicy(spec, program, day, digest, infos, waivers, profile,
                        ladder=ladder, targets=targets, scheduled=scheduled_rules(packs, day) + scheduled,
                        dated_cases=dated)


__all__ = ["LoadedPolicy", "load_policy", "resolve_params"]
