"""Messages state what was found, not what was required: a meta-test over every rule case.

Every rule test case of the shipped pack is run (through the pipeline, with
condition trees), one test per case, evaluated when the test runs (collecting
reads only the case files); for every finding that is not met or unknown:
- its message must not repeat a condition label of its rule (labels say what
  is required, "a continuity plan exists"; a failure must say what was found,
  "no continuity plan");
- every not-met condition of its tree that applies must read as its failure:
  its text differs from its label and does not contain it.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

import valuate
from conftest import ROOT
from valuate.engine.governance.rule_cases import load_cases
from valuate.engine.rules import load_packs
from valuate.engine.rules.language import walk
from valuate.engine.rules.param_cases import data_of

PACK = ROOT / "rules" / "itil4"


@functools.lru_cache(maxsize=None)
def cases() -> tuple:
    """The rule test cases of the shipped pack: their YAML is read, nothing is evaluated."""
    (pack,) = load_packs([str(PACK)])
    return tuple((pack, case) for case in load_cases(pack))


@functools.lru_cache(maxsize=None)
def _policy(params: str, as_of):
    """One compiled policy per distinct (params, as_of), as the cases need them."""
    pack, case = next((p, c) for p, c in cases() if _params_key(c) == params and c.as_of == as_of)
    return valuate.load_policy(valuate.Policy(rules=(str(PACK),), params=case.params, as_of=as_of), packs=[pack])


def _params_key(case) -> str:
    return json.dumps(case.params, sort_keys=True, default=data_of)


@functools.lru_cache(maxsize=None)
def findings_of(index: int) -> tuple:
    """(rule, finding) for each finding of case ``index`` that is not met: run on first use."""
    pack, case = cases()[index]
    policy = _policy(_params_key(case), case.as_of)
    request = valuate.RunRequest(policy.spec, valuate.Inputs(records=(case.facts,)),
                                 valuate.RunOptions(conditions=True, suggest=False))
    return tuple((pack.rule(f.rule), f) for result in valuate.run(request, policy).results()
                 for f in result.findings if f.status != "met")


def pytest_generate_tests(metafunc):
    """One test per rule case, collected without running the pipeline (it runs in the test)."""
    if "case_index" in metafunc.fixturenames:
        metafunc.parametrize("case_index", range(len(cases())),
                             ids=[f"{Path(c.location.file).stem}:{c.location.line}" for _, c in cases()])


NEGATIONS = ("no ", "not ", "whether ", "without ")


def labels(rule) -> list:
    return [n.label for n in walk(rule.condition) if n.label]


def repeats(text: str, label: str) -> bool:
    """The label appears as a claim, not negated ("no relationship manager named" is fine)."""
    start = text.find(label)
    while start != -1:
        if not text[:start].endswith(NEGATIONS):
            return True
        start = text.find(label, start + 1)
    return False


def failed_leaves(c, under_met_any=False):
    if not c.applies:
        return
    if not c.children and c.status == "not_met":
        yield c
    for child in c.children:
        yield from failed_leaves(child)


def test_every_rule_case_produced_failures_to_read():
    found = [f for i in range(len(cases())) for _, f in findings_of(i)]
    assert len(found) > 100 and {f.status for f in found} == {"not_met", "unknown"}


def test_a_failure_says_what_was_found(case_index):
    """Every finding of the case that is not met, each checked as its own test item was before."""
    for rule, finding in findings_of(case_index):
        where = f"{finding.rule} ({finding.status}) in case {cases()[case_index][1].name!r}"
        for label in labels(rule):
            assert not repeats(finding.message, label), (where, finding.message, label)
        assert "why not" not in finding.message, where
        for leaf in failed_leaves(finding.condition):
            assert leaf.found and leaf.found != leaf.description, (where, leaf)
            assert not repeats(leaf.found, leaf.description), (where, leaf.found, leaf.description)
