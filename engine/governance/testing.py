"""``valuate rules test``: run a pack's YAML test cases, report failures and coverage.

Works on any pack: a directory whose ``tests/*.yaml`` hold the cases, or any
pack with case files named explicitly. The packs a pack requires are loaded
beside it, and ``--profile`` judges every case under the real profile.

Coverage is per rule: which of met, not met, unknown (and not applicable,
for a rule with ``applies_when``) some case *asserted*, out of those the rule
can reach (a rule built only of existence tests can never be unknown). It is
computed over the rules the run targets: the pack's own rules for its tests
directory, the rules the case files name (``rule:`` and ``expect``) for
``--cases``, or every rule of the packs named with ``--rules-of``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..errors import Location, UserError, did_you_mean
from ..model import FINDING_STATUSES, NOT_APPLICABLE, counted
from ..rules import load_packs
from .rule_cases import Coverage, load_cases, run_cases, targets


@dataclass(frozen=True)
class PackRun:
    pack: object
    results: tuple  # CaseResult
    coverage: Coverage

    @property
    def failed(self) -> list:
        return [r for r in self.results if not r.ok]

    def statuses(self) -> tuple:
        """The coverage columns: not_applicable only when some targeted rule can be."""
        shown = any(NOT_APPLICABLE in p for p in self.coverage.possible.values())
        return FINDING_STATUSES if shown else FINDING_STATUSES[:3]

    def to_dict(self) -> dict:
        cov = self.coverage
        return {
            "pack": self.pack.name, "source": self.pack.source, "cases": len(self.results),
            "passed": len(self.results) - len(self.failed),
            "failures": [{"case": r.case.name, "location": str(r.case.location), "failures": list(r.failures),
                          "explanation": r.explanation} for r in self.failed],
            "coverage": {"percent": round(cov.percent(), 1),
                         "rules": {rid: {s: (s in cov.seen.get(rid, set())) if s in possible else None
                                         for s in self.statuses()}
                                   for rid, possible in cov.possible.items()}}}


def run_tests(paths: list, case_files: Optional[list] = None, profile: Optional[str] = None,
              rules_of: Optional[list] = None) -> list[PackRun]:
    if case_files and len(paths) != 1:
        raise UserError("--cases names test files for one pack; give exactly one PATH with it")
    runs = []
    for path in paths:
        packs = load_packs([path])  # the pack, after the packs it requires
        pack = packs[-1]
        files = [Path(f) for f in case_files] if case_files else None
        if files is None and pack.tests_dir is None:
            raise UserError("the pack has no tests/ directory beside it; name case files with --cases",
                            Location(file=str(path)))
        for f in files or ():
            if not f.is_file():
                raise UserError("no such test case file", Location(file=str(f)))
        cases = load_cases(pack, files, packs)
        if not cases:
            raise UserError("no test cases found", Location(file=pack.tests_dir or str(path)))
        covered = _covered(packs, rules_of) if rules_of else (targets(cases) if files else None)
        results, coverage = run_cases(packs, cases, profile, covered)
        runs.append(PackRun(pack, tuple(results), coverage))
    return runs


def _covered(packs: list, names: list) -> list:
    """Every rule of the packs named (--rules-of), in pack order."""
    known = [p.name for p in packs]
    for name in names:
        if name not in known:
            raise UserError(f"--rules-of {name!r}: no such pack loaded{did_you_mean(name, known)} "
                            f"(loaded: {', '.join(known)})")
    return [r.id for p in packs if p.name in names for r in p.rules]


def percent(runs: list) -> float:
    total = sum(len(p) for r in runs for p in r.coverage.possible.values())
    hit = sum(len(r.coverage.seen.get(rid, set()) & p) for r in runs for rid, p in r.coverage.possible.items())
    return 100.0 * hit / total if total else 100.0


def tests_json(runs: list, min_coverage: Optional[float] = None) -> dict:
    return {"packs": [r.to_dict() for r in runs], "coverage": round(percent(runs), 1), "min_coverage": min_coverage}


def tests_text(runs: list, show_coverage: bool = True) -> str:
    lines = []
    for run in runs:
        for r in run.failed:
            lines.append(f"FAIL {r.case.location}: {r.case.name}")
            lines += [f"     {f}" for f in r.failures]
            if r.explanation:
                lines += [f"     {line}" for line in r.explanation.splitlines()]
        lines.append(f"{run.pack.name}: {counted(len(run.results), 'case')}, {len(run.results) - len(run.failed)} passed, "
                     f"{len(run.failed)} failed")
        if show_coverage:
            statuses = run.statuses()
            lines.append(f"coverage of {run.pack.name} (statuses some case asserted: {', '.join(statuses)}):")
            for rid, possible in run.coverage.possible.items():
                seen = run.coverage.seen.get(rid, set())
                marks = "  ".join(f"{s} {'✓' if s in seen else '✗' if s in possible else '-'}" for s in statuses)
                missing = run.coverage.missing(rid)
                lines.append(f"  {rid:<12} {marks}" + (f"   missing: {', '.join(missing)}" if missing else ""))
            lines.append(f"  {run.coverage.percent():.1f}% of the reachable statuses asserted")
    return "\n".join(lines) + "\n"
