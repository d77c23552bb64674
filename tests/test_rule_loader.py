"""Rule-pack problems are reported with file:line:col, a path and a hint."""
from __future__ import annotations

import textwrap

import pytest

from valuate.engine.errors import RulePackError
from valuate.engine.rules import load_packs, read_pack

META = "{id: %s, title: t, criterion: utility, severity: error, rationale: r, remediation: m}"


def pack_file(tmp_path, body: str, name="pack.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def problems(path):
    pack, found = read_pack(path)
    return [str(p) for p in found if p.severity == "error"]


def test_shipped_pack_loads_cleanly(repo):
    pack, found = read_pack(repo / "rules" / "itil4")
    assert pack is not None and not found
    assert [r.id for r in pack.rules][:2] == ["ADV-001", "ADV-002"]
    assert len(pack.rules) == 18


def test_typo_in_fact_path_has_did_you_mean(tmp_path):
    path = pack_file(tmp_path, f"""\
        pack: p
        rules:
          - metadata: {META % 'A-1'}
            condition: {{fact: warranty.availability.measurd, ge: 99}}
        """)
    (msg,) = problems(path)
    assert msg.startswith(f"{path}:4:17, rules[0].condition.fact: error: unknown fact path")
    assert "did you mean 'warranty.availability.measured'" in msg


def test_duplicate_ids_name_both_places(tmp_path):
    path = pack_file(tmp_path, f"""\
        pack: p
        rules:
          - metadata: {META % 'A-1'}
            condition: {{fact: provider, is: present}}
          - metadata: {META % 'A-1'}
            condition: {{fact: provider, is: absent}}
        """)
    (msg,) = problems(path)
    assert f"{path}:5:5" in msg and "duplicate rule id 'A-1'" in msg and f"{path}:3:5" in msg


def test_wrong_typed_literal(tmp_path):
    path = pack_file(tmp_path, f"""\
        pack: p
        rules:
          - metadata: {META % 'A-1'}
            condition: {{fact: warranty.security.open_critical_findings, eq: "none"}}
        """)
    (msg,) = problems(path)
    assert ":4:" in msg and "is an integer, but the value is a string ('none')" in msg


def test_a_list_type_reads_in_plain_words(tmp_path):
    path = pack_file(tmp_path, f"""\
        pack: p
        rules:
          - metadata: {META % 'A-1'}
            condition: {{fact: warranty.security.controls, eq: "mfa"}}
        """)
    (msg,) = problems(path)
    assert "cannot compare warranty.security.controls (a list of strings) with eq" in msg, msg


def test_yaml_syntax_error_has_position(tmp_path):
    path = pack_file(tmp_path, "pack: p\nrules: [\n  {metadata: x\n")
    (msg,) = problems(path)
    assert msg.startswith(f"{path}:") and "invalid YAML" in msg


def test_unknown_keys_and_operators(tmp_path):
    path = pack_file(tmp_path, f"""\
        pack: p
        rules:
          - metadata: {META % 'A-1'}
            condtion: {{fact: provider, is: present}}
          - metadata: {META % 'A-2'}
            condition: {{fact: provider, equals: x}}
        """)
    found = problems(path)
    assert any("unknown key 'condtion'" in m and "did you mean 'condition'" in m for m in found)
    assert any("unknown key 'equals'" in m for m in found)


def test_every_problem_reported_at_once(tmp_path):
    path = pack_file(tmp_path, f"""\
        pack: p
        parameters:
          limit: {{type: number, default: high}}
        rules:
          - metadata: {{id: A-1, title: t, criterion: utilty, severity: error, rationale: r, remediation: m}}
            condition: {{fact: provider, is: present}}
          - metadata: {META % 'A-2'}
            condition: {{fact: budget.actual, le: {{param: limt}}}}
        """)
    found = problems(path)
    assert len(found) == 3
    assert any("did you mean 'utility'" in m for m in found)
    assert any("default of parameter 'limit'" in m for m in found)
    assert any("unknown parameter 'limt'" in m for m in found)


def test_message_template_placeholders_checked(tmp_path):
    path = pack_file(tmp_path, f"""\
        pack: p
        rules:
          - metadata: {META % 'A-1'}
            condition: {{fact: provider, is: present}}
            messages: {{met: "provided by {{provder}}"}}
        """)
    (msg,) = problems(path)
    assert "{provder}" in msg and "did you mean 'provider'" in msg


def test_rules_cannot_construct_objects(tmp_path):
    path = pack_file(tmp_path, "pack: !!python/object/apply:os.system ['echo pwned']\n")
    (msg,) = problems(path)
    assert "could not determine a constructor" in msg


def test_limits_checked_at_compile_time(tmp_path):
    from valuate.engine.compile import compile_packs
    anys = ", ".join("{any: [{fact: budget.actual, gt: %d}, {fact: budget.planned, gt: %d}]}" % (i, i)
                     for i in range(6))
    path = pack_file(tmp_path, f"""\
        pack: p
        rules:
          - metadata: {META % 'A-1'}
            condition: {{all: [{anys}]}}
        """)
    (pack,) = load_packs([path])
    with pytest.raises(RulePackError) as err:
        compile_packs([pack], {"p": {}})
    assert "alternative paths" in str(err.value) and f"{path}:3:5" in str(err.value)
