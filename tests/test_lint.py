"""``valuate rules lint``: one clear message per problem, with file and line; exit 2 on errors."""
from __future__ import annotations

import re
import textwrap

import pytest

from conftest import ROOT, golden
from valuate.engine.governance.lint import lint
from valuate.engine.governance.satisfiable import analyse
from valuate.engine.schema import FactSchema
from valuate.engine.rules.conditions import Scope, parse_condition
from valuate.engine.documents import Reader

BROKEN = "tests/data/broken-pack"
META = "{id: %s, title: t, criterion: advisory, severity: warning, rationale: r, remediation: m}"


def test_broken_pack_one_message_per_planted_problem(cli):
    result = cli("rules", "lint", BROKEN)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    problems, summary = lines[:-1], lines[-1]
    assert summary == "5 errors, 0 warnings in 1 pack"
    assert len(problems) == 5
    for line in problems:  # every message starts with file:line:col
        assert re.match(r"tests/data/broken-pack/rules/\w+\.yaml:\d+:\d+", line), line
    planted = {
        "unknown fact path 'warranty.availability.measurd'": "availability.yaml:9:",
        "is an integer, but the value is a string ('none')": "availability.yaml:18:",
        "duplicate rule id 'BRK-003'": "availability.yaml:29:",
        "can never be met: budget.actual > 5 and budget.actual < 3": "availability.yaml:45:",
        "invalid YAML": "syntax.yaml:4:",
    }
    for text, where in planted.items():
        (hit,) = [line for line in problems if text in line]
        assert where in hit, hit
    assert "did you mean 'warranty.availability.measured'" in result.output
    golden("lint-broken.txt", result.output)


def test_shipped_pack_is_clean(cli):
    result = cli("rules", "lint", "rules/itil4")
    assert result.exit_code == 0
    # no errors or warnings; the notes say which rules can never be unknown (existence tests only)
    lines = result.output.splitlines()
    assert lines[-1] == "0 errors, 0 warnings in 1 pack"
    assert [line.split(": note: ")[1].split(" can never")[0] for line in lines[:-1]] == ["rule ADV-001", "rule ADV-002"]


def test_warnings_only_exit_0_and_are_printed(cli, tmp_path):
    pack = tmp_path / "p.yaml"
    pack.write_text(textwrap.dedent(f"""\
        pack: p
        rules:
          - metadata: {META % 'A-1'}
            condition:
              any:
                - {{fact: provider, is: present}}
                - all: [{{fact: tier, gt: 5}}, {{fact: tier, lt: 3}}]
        """))
    result = cli("rules", "lint", str(pack))
    assert result.exit_code == 0
    assert f"{pack}:7:" in result.output and "warning: in rule A-1, this condition can never hold" in result.output


def test_json_format(cli):
    import json
    doc = json.loads(cli("rules", "lint", BROKEN, "--format", "json").output)
    assert doc["errors"] == 5 and doc["warnings"] == 0
    assert {p["code"] for p in doc["problems"]} == {"fact-path", "type", "duplicate-id", "never-holds", "yaml"}
    assert all(p["file"].startswith(BROKEN) and p["line"] for p in doc["problems"])


def test_duplicate_ids_across_packs(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(
            f"pack: {name}\nrules:\n  - metadata: {META % 'X-1'}\n    condition: {{fact: tier, is: present}}\n")
    result = lint([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    (err,) = result.errors
    assert "duplicate rule id 'X-1': pack a defines it too" in err.message and err.location.file.endswith("b.yaml")


def test_limits_are_lint_errors(tmp_path):
    anys = ", ".join("{any: [{fact: budget.actual, gt: %d}, {fact: budget.planned, gt: %d}]}" % (i, i)
                     for i in range(6))
    path = tmp_path / "p.yaml"
    path.write_text(f"pack: p\nrules:\n  - metadata: {META % 'A-1'}\n    condition: {{all: [{anys}]}}\n")
    errors = lint([path]).errors
    assert {e.code for e in errors} == {"limit"} and {e.location.line for e in errors} == {3}
    assert any("64 alternative paths" in e.message for e in errors)
    assert any("38 durable-rules expression entries" in e.message for e in errors)


def test_profile_and_waiver_problems_are_linted(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("parameters:\n  min_headrom: 0.2\nrules:\n  WAR-01: {enabled: false}\n")
    waivers = tmp_path / "w.yaml"
    waivers.write_text("- {service: crm, rule: WAR-001, reason: r, approved_by: a, expires: soon}\n")
    result = lint(["rules/itil4"], str(profile), str(waivers))
    messages = [str(p) for p in result.errors]
    assert any(f"{profile}:2:3" in m and "did you mean 'min_headroom'" in m for m in messages)
    assert any(f"{profile}:4:3" in m and "unknown rule 'WAR-01'" in m for m in messages)
    assert any(f"{waivers}:1:" in m and "'expires' must be a date" in m for m in messages)


SCHEMA = FactSchema.default()


def findings(doc):
    reader = Reader("t.yaml")
    cond = parse_condition(reader, doc, {"c": doc}, "c", "c", Scope(SCHEMA, None, {}, {}))
    assert cond is not None, [str(p) for p in reader.problems]
    return [(f.kind, f.root) for f in analyse(cond, SCHEMA.lookup)]


M = "warranty.availability.measured"


@pytest.mark.parametrize("doc,expected", [
    ({"all": [{"fact": M, "gt": 5}, {"fact": M, "lt": 3}]}, [("never", True)]),
    ({"all": [{"fact": M, "ge": 3}, {"fact": M, "le": 3}]}, []),  # exactly 3
    ({"all": [{"fact": M, "gt": 3}, {"fact": M, "le": 3}]}, [("never", True)]),
    ({"all": [{"fact": M, "ge": 3}, {"fact": M, "le": 3}, {"fact": M, "ne": 3}]}, [("never", True)]),
    ({"all": [{"fact": M, "eq": 1}, {"fact": M, "eq": 2}]}, [("never", True)]),
    ({"all": [{"fact": M, "in": [1, 2]}, {"fact": M, "not_in": [1, 2]}]}, [("never", True)]),
    ({"all": [{"fact": "tier", "gt": 1}, {"fact": "tier", "lt": 2}]}, [("never", True)]),  # integers
    ({"all": [{"fact": M, "gt": 1}, {"fact": M, "lt": 2}]}, []),  # 1.5 will do
    ({"all": [{"fact": "tier", "is": "present"}, {"fact": "tier", "is": "absent"}]}, [("never", True)]),
    ({"all": [{"fact": "tier", "is": "absent"}, {"fact": "tier", "ge": 1}]}, [("never", True)]),
    ({"all": [{"fact": "outputs", "is": "empty"}, {"fact": "outputs", "is": "not_empty"}]}, [("never", True)]),
    ({"all": [{"fact": "warranty.continuity.plan", "eq": True}, {"fact": "warranty.continuity.plan", "ne": True}]},
     [("never", True)]),
    ({"all": [{"fact": "warranty.continuity.plan", "ne": True}, {"fact": "warranty.continuity.plan", "ne": False}]},
     [("never", True)]),
    ({"any": [{"fact": M, "gt": 5}, {"fact": M, "le": 5}]}, [("always", True)]),
    ({"any": [{"fact": "tier", "is": "present"}, {"fact": "tier", "is": "absent"}]}, [("always", True)]),
    ({"any": [{"fact": M, "gt": 5}, {"fact": M, "lt": 5}]}, []),  # 5 fails both
    ({"not": {"any": [{"fact": M, "lt": 3}, {"fact": M, "gt": 2}]}}, [("never", True)]),  # De Morgan
    ({"all": [{"fact": M, "gt": 5}, {"all": [{"fact": M, "lt": 3}]}]}, [("never", True)]),  # flattened once
    ({"any": [{"fact": "tier", "eq": 1}, {"all": [{"fact": M, "gt": 5}, {"fact": M, "lt": 3}]}]}, [("never", False)]),
    ({"all": [{"fact": "tier", "eq": 1}, {"any": [{"fact": M, "gt": 5}, {"fact": M, "le": 5}]}]}, [("always", False)]),
    ({"all": [{"fact": M, "gt": 5}, {"fact": "budget.actual", "lt": 3}]}, []),  # different paths
    ({"all": [{"fact": M, "gt": 5}, {"fact": M, "lt": {"fact": "budget.actual"}}]}, []),  # not a literal
    ({"all": [{"fact": "warranty.continuity.last_tested", "ge": "2026-06-01"},
              {"fact": "warranty.continuity.last_tested", "lt": "2026-01-01"}]}, [("never", True)]),
])
def test_never_and_always_holds(doc, expected):
    assert findings(doc) == expected


def test_enum_leaf_that_always_holds():
    doc = {"fact": "outcomes", "any_item": {"fact": "effect", "in": ["positive", "negative"]}}
    assert findings(doc) == []  # inside list items is not reasoned about
    item_type = SCHEMA.lookup("outcomes").item
    reader = Reader("t.yaml")
    inner = parse_condition(reader, doc["any_item"], doc, "any_item", "c", Scope(SCHEMA, item_type, {}, {}))
    assert [(f.kind, f.root) for f in analyse(inner, lambda p: SCHEMA.lookup(p, item_type))] == [("always", True)]


def test_condition_messages_are_checked(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(f"""\
        pack: p
        rules:
          - metadata: {META % 'A-1'}
            condition:
              all:
                - fact: tier
                  ge: 1
                  messages: {{not_met: "tier {{teir}} is too low"}}
          - metadata: {META % 'A-2'}
            condition:
              fact: outcomes
              any_item: {{fact: impact, ge: 3, messages: {{met: "big"}}}}
        """))
    errors = [str(p) for p in lint([path]).errors]
    assert len(errors) == 2
    assert f"{path}:8:" in errors[0] and "{teir}" in errors[0] and "did you mean 'tier'" in errors[0]
    assert f"{path}:12:" in errors[1] and "inside a list-item condition cannot carry messages" in errors[1]


def test_applies_when_is_reasoned_about_like_a_condition(cli):
    """Issue 21 item 4: lint says what runs: a rule whose applies_when can never hold never applies."""
    path = ROOT / "tests" / "adversarial" / "applies-when-lint-pack.yaml"
    result = lint([path])
    assert not result.errors
    got = {(p.code, p.location.path) for p in result.warnings}
    assert got == {("never-applies", "rules[0].applies_when"), ("always-applies", "rules[1].applies_when"),
                   ("never-holds", "rules[2].applies_when.any[1]"),
                   # where L-INNER applies (owner present) its condition (owner present) holds
                   ("always-holds", None)}, got
    text = cli("rules", "lint", str(path)).output
    assert "rule L-NEVER never applies: its applies_when needs tier == 1 and tier > 1, which cannot all hold" in text
