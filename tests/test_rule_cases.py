"""Every rule test case beside every shipped pack, one pytest case each, and
the meta-test that every rule is covered."""
from __future__ import annotations

from pathlib import Path

import pytest

from valuate.engine.rules import read_pack
from valuate.engine.governance.rule_cases import load_cases, possible_statuses, run_cases

RULES = Path(__file__).resolve().parent.parent / "rules"
PACKS = sorted(p for p in RULES.iterdir() if (p / "pack.yaml").exists())


def _pack(path):
    pack, problems = read_pack(path)
    assert pack is not None, "\n".join(map(str, problems))
    return pack


CASES = [(pack_dir, case) for pack_dir in PACKS for case in load_cases(_pack(pack_dir))]


@pytest.mark.parametrize("pack_dir,case", CASES,
                         ids=[f"{p.name}:{c.location.file.split('/')[-1]}:{c.location.line}:{c.name}"
                              for p, c in CASES])
def test_rule_case(pack_dir, case):
    (result,), _ = run_cases(_pack(pack_dir), [case])
    assert result.ok, f"{case.location}: " + "; ".join(result.failures)


@pytest.mark.parametrize("pack_dir", PACKS, ids=[p.name for p in PACKS])
def test_every_rule_has_metadata_and_cases(pack_dir):
    pack = _pack(pack_dir)
    results, coverage = run_cases(pack, load_cases(pack))
    assert all(r.ok for r in results)
    for rule in pack.rules:
        for field in ("id", "title", "criterion", "severity", "rationale", "remediation"):
            assert getattr(rule, field), f"{rule.id} lacks {field}"
        seen = coverage.seen.get(rule.id, set())
        assert {"met", "not_met"} <= seen, f"{rule.id}: cases only reach {sorted(seen)}"
        assert coverage.missing(rule.id) == [], f"{rule.id}: no case is {coverage.missing(rule.id)}"
    assert coverage.percent() == 100.0


def test_existence_only_rules_cannot_be_unknown():
    from valuate.engine.policy import load_policy
    from valuate.engine.request import Policy
    program = load_policy(Policy()).program
    pack = _pack(RULES / "itil4")
    assert possible_statuses(pack.rule("ADV-002"), program) == {"met", "not_met"}
    assert "unknown" in possible_statuses(pack.rule("WAR-001"), program)
