"""``valuate rules schema PACK``: a pack's own editor schemas know its derived facts and
parameters, and nothing else (issue 25 item 7)."""
from __future__ import annotations

import json
import shutil

import jsonschema
import yaml
from referencing import Registry, Resource

from conftest import ROOT


def validator(folder):
    registry = Registry().with_resources(
        (p.name, Resource.from_contents(json.loads(p.read_text()))) for p in folder.glob("*.json"))
    return jsonschema.Draft202012Validator({"$ref": "rule-file.schema.json"}, registry=registry)


def rule_file(fact: str) -> dict:
    meta = {"id": "A-1", "title": "t", "criterion": "advisory", "severity": "info", "rationale": "r",
            "remediation": "m"}
    return {"rules": [{"metadata": meta, "condition": {"fact": fact, "le": 1}}]}


def test_a_packs_schema_knows_its_own_facts(cli, tmp_path, monkeypatch):
    pack = tmp_path / "team-pack"
    shutil.copytree(ROOT / "tests" / "data" / "team-pack", pack)
    monkeypatch.chdir(tmp_path)
    done = cli("rules", "schema", "team-pack")
    assert done.exit_code == 0, done.output
    assert "wrote condition.schema.json, rule-file.schema.json, rule-tests.schema.json to team-pack/schemas" \
        in done.output
    own = validator(pack / "schemas")
    for f in sorted((pack / "rules").glob("*.yaml")):  # the pack's own rules validate
        assert not list(own.iter_errors(yaml.safe_load(f.read_text()))), f
    assert own.is_valid(rule_file("derived.spend_ratio")) and own.is_valid(rule_file("param.max_overspend"))
    error = jsonschema.exceptions.best_match(own.iter_errors(rule_file("derived.spend_ration")))
    assert tuple(error.absolute_path) == ("rules", 0, "condition", "fact")
    bundled = validator(ROOT / "facts" / "schemas")  # knows no pack: any derived.NAME passes there
    assert bundled.is_valid(rule_file("derived.spend_ration"))
    assert not bundled.is_valid(rule_file("warranty.availabilty.target"))


def test_a_pack_that_requires_another_and_an_output_directory(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "schemas"
    out.mkdir()  # outside the working tree: valuate makes no directory there
    done = cli("rules", "schema", "rules/itil4", "examples/team/team", "-o", str(out))
    assert done.exit_code == 0, done.output
    enum = json.loads((out / "condition.schema.json").read_text())["$defs"]["leaf"]["properties"]["fact"]["enum"]
    assert "derived.capacity_headroom" in enum and "warranty.availability.target" in enum
    own = validator(out)
    for f in sorted((ROOT / "examples" / "team" / "team" / "rules").glob("*.yaml")):
        assert not list(own.iter_errors(yaml.safe_load(f.read_text()))), f


def test_a_bad_pack_is_a_usage_error(cli, tmp_path):
    done = cli("rules", "schema", str(tmp_path / "nowhere"))
    assert done.exit_code == 2 and "nowhere" in done.output
