"""Messages state what was found, not what was required: a meta-test over every rule case.

Every rule test case of the shipped pack is run (through the pipeline, with
condition trees); for every finding that is not met or unknown:
- its message must not repeat a condition label of its rule (labels say what
  is required, "a continuity plan exists"; a failure must say what was found,
  "no continuity plan");
- every not-met condition of its tree that applies must read as its failure:
  its text differs from its label and does not contain it.
"""
from __future__ import annotations

import json

import pytest

import valuate
from conftest import ROOT
from valuate.engine.governance.rule_cases import load_cases
from valuate.engine.rules import load_packs
from valuate.engine.rules.language import walk
from valuate.engine.rules.param_cases import data_of

PACK = ROOT / "rules" / "itil4"


def _findings():
    (pack,) = load_packs([str(PACK)])
    policies: dict = {}
    for case in load_cases(pack):
        key = (json.dumps(case.params, sort_keys=True, default=data_of), case.as_of)
        if key not in policies:
            policies[key] = valuate.load_policy(valuate.Policy(rules=(str(PACK),), params=case.params,
                                                               as_of=case.as_of), packs=[pack])
        request = valuate.RunRequest(policies[key].spec, valuate.Inputs(records=(case.facts,)),
                                     valuate.RunOptions(conditions=True, suggest=False))
        for result in valuate.run(request, policies[key]).results():
            for f in result.findings:
                if f.status != "met":
                    yield case, pack.rule(f.rule), f


FINDINGS = list(_findings())


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
    assert len(FINDINGS) > 100 and {f.status for _, _, f in FINDINGS} == {"not_met", "unknown"}


@pytest.mark.parametrize("case, rule, finding", FINDINGS,
                         ids=[f"{f.rule}-{c.location.line}" for c, _, f in FINDINGS])
def test_a_failure_says_what_was_found(case, rule, finding):
    for label in labels(rule):
        assert not repeats(finding.message, label), (finding.message, label)
    assert "why not" not in finding.message
    for leaf in failed_leaves(finding.condition):
        assert leaf.found and leaf.found != leaf.description, leaf
        assert not repeats(leaf.found, leaf.description), (leaf.found, leaf.description)
