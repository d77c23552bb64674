"""Every sentence an explanation or a suggestion says is whole: no empty slot.

Each finding's message, each condition's words (what it found, what it
requires, the line every format prints), each "what would make it pass"
change, note and advice, and the data coverage sentences are rendered for
the sample catalog under every shipped profile, the team example, the
adversarial packs and generated rules and services, and none may read
"()", "( )", "(passes when )", "(none)", hold doubled spaces or dangling
punctuation. And under a ``not``, a condition's requirement is its negation:
``required: tier != 1``, never ``required: tier == 1``.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import test_compiler_property as T
from conftest import AS_OF, ROOT, SAMPLE, check
from valuate.engine.compile import compile_packs
from valuate.engine.errors import RulePackError
from valuate.engine.evaluate import Evaluator
from valuate.engine.evaluate.batch import judge_pending
from valuate.engine.ingest.validate import validate
from valuate.engine.model import ServiceResult
from valuate.engine.report.explanation import condition_line
from valuate.engine.report.view import to_pass_groups
from valuate.engine.rules.language import Group, Leaf, Pack, Rule
from valuate.engine.rules.operators import OPERATORS, TEST, TESTS

EMPTY_SLOTS = [
    (re.compile(r"\(\s*\)"), "an empty ()"),
    (re.compile(r"\bwhen\s*\)"), "'when' with nothing after it"),
    (re.compile(r"\(none\)"), "'(none)' standing for an empty list"),
    (re.compile(r"\S {2,}\S"), "a doubled space"),
    (re.compile(r"[,;:]\s*$"), "a sentence ending on , ; or :"),
    (re.compile(r"^\s*[,;:.)]"), "a sentence starting with punctuation"),
    (re.compile(r"\s[,;:)]"), "a space before , ; : or )"),
    (re.compile(r"[(,;:]\s*[,;:)]"), "two punctuation marks with nothing between"),
]


def problems(text: str) -> list:
    return [why for pattern, why in EMPTY_SLOTS if pattern.search(text)]


def _conditions(c):
    yield c
    for child in c.children:
        yield from _conditions(child)


def sentences(result: ServiceResult):
    """(where, text) for every sentence of one service's explanation and suggestions."""
    for f in result.findings:
        yield f"{f.rule} message", f.message
        for c in _conditions(f.condition) if f.condition is not None else ():
            for what, text in (("found", c.found), ("required", c.required)):
                if text:
                    yield f"{f.rule} {what} of {c.description!r}", text
            _, text, detail = condition_line(c)
            yield f"{f.rule} line of {c.description!r}", text
            if detail:
                yield f"{f.rule} detail of {c.description!r}", detail
    to_pass = result.to_pass
    if to_pass is not None:
        for what, text in (("note", to_pass.note), ("advice", to_pass.advice)):
            if text:
                yield f"to pass {what}", text
        for change in to_pass.changes:
            yield f"to pass change of {change.path}", change.text
        for heading, items in to_pass_groups(to_pass) if to_pass.verified else ():
            for text, rules in items:
                yield f"to pass, {heading}", text


def assert_whole(report_or_results, label: str) -> int:
    services = getattr(report_or_results, "services", report_or_results)
    bad, seen = [], 0
    for result in services:
        for where, text in sentences(result):
            seen += 1
            bad += [f"{label}, {result.id}, {where}: {why}: {text!r}" for why in problems(text)]
    coverage = getattr(getattr(report_or_results, "summary", None), "coverage", None)
    for note in coverage.notes if coverage is not None else ():
        seen += 1
        bad += [f"{label}, coverage note: {why}: {note!r}" for why in problems(note)]
    assert not bad, "\n".join(bad[:20])
    return seen


def test_the_checker_catches_each_empty_slot():
    for text in ("record owner (passes when )", "x ()", "(none) not recorded", "a  b", "tested within:",
                 "a , b", "values (; b)"):
        assert problems(text), text
    for text in ("record owner", "tier is 1 (at least 2 required)", "required: tier != 1",
                 "offerings[0].components[0].ownership_transferred not recorded", "passes at 99.9 or above"):
        assert not problems(text), text


PROFILES = [None, *sorted(str(p) for p in (ROOT / "examples" / "profiles").glob("*.yaml"))]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: Path(p).stem if p else "default")
def test_sample_catalog(profile):
    report = check([str(ROOT / SAMPLE)], as_of=AS_OF, profile=profile, conditions=True)
    assert assert_whole(report, f"sample, profile {profile}") > 100


@pytest.mark.parametrize("profile", ["profile.yaml", "strict.yaml"])
def test_team_example(profile):
    team = ROOT / "examples" / "team"
    report = check([str(ROOT / SAMPLE)], as_of=AS_OF, rules=[ROOT / "rules" / "itil4", team / "team"],
                   profile=str(team / profile), waivers=str(team / "waivers.yaml"), conditions=True)
    assert assert_whole(report, f"team example, {profile}") > 100


ADVERSARIAL_PACKS = sorted((ROOT / "tests" / "adversarial").glob("*-pack.yaml"))


@pytest.mark.parametrize("pack", ADVERSARIAL_PACKS, ids=lambda p: p.stem)
def test_adversarial_packs(pack):
    catalogs = [ROOT / SAMPLE, ROOT / "tests" / "adversarial" / "applies-when-services.yaml"]
    for catalog in catalogs:
        try:
            report = check([str(catalog)], as_of=AS_OF, rules=[ROOT / "rules" / "itil4", pack], conditions=True)
        except RulePackError:
            continue  # a pack made not to load (bad minimum, infinite default): its errors are tested elsewhere
        assert_whole(report, f"{pack.name} on {catalog.name}")


CRITERIA = ("utility", "warranty.availability", "warranty.capacity", "warranty.security", "warranty.continuity",
            "value")


def _deciding_pack(docs: list) -> Pack:
    """Generated rules as deciding ones, every criterion decided (so that what would make a
    service pass is derived for every one of them)."""
    base = T._pack(docs)
    rules = [Rule(r.id, f"rule {i}", CRITERIA[i % len(CRITERIA)], "error", "r", "m", r.condition, {}, "gen",
                  applies_when=r.applies_when) for i, r in enumerate(base.rules)]
    rules += [Rule(f"F-{c}", f"filler {c}", c, "error", "r", "m", Leaf("id", "is", test="present"), {}, "gen")
              for c in CRITERIA[len(rules):]]
    return Pack("gen", "1", "gen", "", T.PARAM_DEFS, {}, tuple(rules), "generated")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(T.rules, min_size=1, max_size=6), st.lists(T.facts, min_size=1, max_size=4))
def test_generated_rules_and_services(docs, records):
    try:
        program = compile_packs([_deciding_pack(docs)], {"gen": T.PARAMS})
    except RulePackError as err:
        assume("[limit]" not in str(err))
        raise
    evaluator = Evaluator(program, dt.date.fromisoformat(AS_OF), explain=True, suggest=True)
    try:
        results = []
        for position, raw in enumerate(records, start=1):
            fact, errors = validate(raw)
            assert fact is not None, errors
            results.append(judge_pending(ServiceResult(position, fact["id"], fact.get("name"), "pending",
                                                       facts=fact), evaluator))
        assert_whole(results, f"generated {docs}")
    finally:
        evaluator.close()


# --- under a not, the requirement is the negation ---------------------------------------

#: The negation of each operator and test, written out here (not read from the table).
NEGATED = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "le": "gt", "gt": "le", "in": "not_in",
           "not_in": "in", "present": "absent", "absent": "present", "empty": "not_empty", "not_empty": "empty"}


def _under_not(node, result, negated=False):
    """(condition, its result, whether an odd number of nots is above it), pre-order."""
    yield node, result, negated
    if isinstance(node, Group):
        inner = not negated if node.kind == "not" else negated
        for child, sub in zip(node.children, result.children):
            yield from _under_not(child, sub, inner)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(T.conditions, min_size=1, max_size=4), st.lists(T.facts, min_size=1, max_size=4))
def test_a_requirement_under_a_not_is_its_negation(docs, records):
    try:
        program = compile_packs([T._pack(docs)], {"gen": T.PARAMS})
    except RulePackError as err:
        assume("[limit]" not in str(err))
        raise
    evaluator = Evaluator(program, dt.date.fromisoformat(AS_OF))
    try:
        for raw in records:
            fact, _ = validate(raw)
            for f in evaluator.findings(fact, explain=True)[0]:
                rule = program.rule(f.rule).rule
                for node, c, negated in _under_not(rule.condition, f.condition):
                    _, _, detail = condition_line(c)
                    if not c.applies:  # an alternative that did not matter says so instead
                        continue
                    if not negated:
                        assert not c.required, (c.description, c.required)
                        continue
                    assert c.required and c.required != c.description, c.description
                    assert f"required: {c.description}" not in detail, (c.description, detail)
                    if isinstance(node, Leaf) and not node.label and not node.case:
                        op = OPERATORS[node.op]
                        if op.operand == TEST:
                            want = f"{node.path} is {NEGATED[node.test].replace('_', ' ')}"
                        elif node.op in NEGATED:
                            want = f"{node.path} {OPERATORS[NEGATED[node.op]].symbol} {node.operand.describe()}"
                        else:
                            want = f"not ({node.describe()})"
                        assert c.required == want, (node.describe(), c.required)
                        assert TESTS or want  # the table's tests are the ones written out above
                    if c.status != "met":  # a failure or unknown under a not shows what the rule requires
                        assert f"required: {c.required}" in detail, (c.description, detail)
    finally:
        evaluator.close()


NOT_PACK = """\
rules:
  - metadata: {id: N-1, title: not tier 1, criterion: advisory, severity: warning, rationale: r, remediation: m}
    condition: {not: {fact: tier, eq: 1}}
  - metadata: {id: N-2, title: not measured, criterion: advisory, severity: warning, rationale: r, remediation: m}
    condition: {not: {fact: warranty.availability.measured, ge: 99}}
  - metadata: {id: N-3, title: not both, criterion: advisory, severity: warning, rationale: r, remediation: m}
    condition: {not: {all: [{fact: tier, eq: 1}, {fact: provider, is: present}]}}
"""


def test_not_lines_in_explain(cli, tmp_path):
    (tmp_path / "p" / "rules").mkdir(parents=True)
    (tmp_path / "p" / "pack.yaml").write_text('pack: p\nversion: "1"\ntitle: t\n')
    (tmp_path / "p" / "rules" / "r.yaml").write_text(NOT_PACK)
    (tmp_path / "s.yaml").write_text("services:\n  - {id: a, tier: 1, provider: X}\n")
    out = cli("explain", str(tmp_path / "s.yaml"), "a", "-r", str(tmp_path / "p"), "--as-of", AS_OF).output
    assert "✓ tier == 1  — tier = 1; required: tier != 1" in out
    assert ("? warranty.availability.measured not recorded  — required: warranty.availability.measured < 99"
            in out)
    assert "✓ tier == 1 and provider is present  — required: tier != 1 or provider is absent" in out
    assert "required: tier == 1" not in out and "required: warranty.availability.measured >=" not in out
