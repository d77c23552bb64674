"""The JSON Schemas (draft 2020-12) under facts/schemas/ for the files governance teams write:
every shipped YAML file validates against its schema, mistakes do not, and the schemas know
the keys the loaders know."""
from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from conftest import ROOT
from valuate.engine.rules.condition_schema import condition_schema_text
from valuate.engine.rules.loader import METADATA_KEYS, OPTIONAL_METADATA, PACK_KEYS
from valuate.engine.schema import FactSchema
from valuate.engine.policy.profiles import PROFILE_KEYS
from valuate.engine.ingest.mapping.spec import TOP_KEYS

SCHEMAS = ROOT / "facts" / "schemas"
REGISTRY = Registry().with_resources(
    (p.name, Resource.from_contents(json.loads(p.read_text()))) for p in SCHEMAS.glob("*.json"))


def validate(doc, schema: str) -> None:
    plain = json.loads(json.dumps(doc, default=str))  # YAML dates as the text they were
    validator = jsonschema.Draft202012Validator({"$ref": schema}, registry=REGISTRY)
    errors = sorted(validator.iter_errors(plain), key=lambda e: e.path)
    assert not errors, "; ".join(f"{list(e.path)}: {e.message[:200]}" for e in errors)


def shipped() -> list:
    """(file, schema) for every YAML file valuate ships or shows as an example."""
    out = []
    for pack in [ROOT / "rules" / "itil4", ROOT / "examples" / "team" / "team", ROOT / "tests" / "data" / "team-pack",
                 ROOT / "examples" / "levels" / "governance"]:
        out.append((pack / "pack.yaml", "pack.schema.json"))
        out += [(f, "rule-file.schema.json") for f in sorted((pack / "rules").glob("*.yaml"))]
        out += [(f, "rule-tests.schema.json") for f in sorted((pack / "tests").glob("*.yaml"))]
    profiles = sorted((ROOT / "examples" / "profiles").glob("*.yaml"))
    out += [(f, "profile.schema.json") for f in profiles + [ROOT / "examples/team/profile.yaml",
                                                         ROOT / "examples/team/strict.yaml"]]
    out += [(ROOT / "examples" / "waivers.yaml", "waivers.schema.json"),
            (ROOT / "examples" / "team" / "waivers.yaml", "waivers.schema.json")]
    mappings = sorted((ROOT / "facts" / "mappings").glob("*.yaml")) + sorted((ROOT / "tests" / "data").glob("*.mapping.yaml"))
    return out + [(f, "mapping.schema.json") for f in mappings]


@pytest.mark.parametrize("path,schema", shipped(), ids=lambda x: str(x).replace(str(ROOT) + "/", ""))
def test_every_shipped_file_validates(path: Path, schema: str):
    validate(yaml.safe_load(path.read_text()), schema)


def test_every_schema_is_draft_2020_12():
    for path in SCHEMAS.glob("*.json"):
        doc = json.loads(path.read_text())
        assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema", path
        jsonschema.Draft202012Validator.check_schema(doc)


@pytest.mark.parametrize("schema,doc,word", [
    ("rule-file.schema.json", {"rules": [{"metadata": {"id": "A-1", "title": "t", "criterion": "utlity",
                                                       "severity": "info", "rationale": "r", "remediation": "m"},
                                          "condition": {"fact": "owner", "is": "present"}}]}, "utlity"),
    ("rule-file.schema.json", {"rules": [{"metadata": {"id": "A-1", "title": "t", "criterion": "utility",
                                                       "severity": "info", "rationale": "r", "remediation": "m"},
                                          "condition": {"fact": "owner", "eq": "x", "ne": "y"}}]}, ""),
    ("profile.schema.json", {"paramters": {}}, "paramters"),
    ("waivers.schema.json", {"waivers": [{"service": "crm", "reason": "r", "approved_by": "b"}]}, ""),
    ("rule-tests.schema.json", {"cases": [{"facts": {}, "expect": "maybe"}]}, ""),
])
def test_mistakes_do_not_validate(schema, doc, word):
    with pytest.raises(AssertionError) as caught:
        validate(doc, schema)
    assert word in str(caught.value)


def test_schemas_know_the_loaders_keys():
    def props(name, *path):
        node = json.loads((SCHEMAS / name).read_text())
        for key in path:
            node = node[key]
        return set(node["properties"])
    assert props("pack.schema.json") == set(PACK_KEYS)
    assert props("rule-file.schema.json", "$defs", "rule", "properties", "metadata") == \
        set(METADATA_KEYS + OPTIONAL_METADATA)
    assert props("profile.schema.json") == set(PROFILE_KEYS)
    assert props("mapping.schema.json") == set(TOP_KEYS)
    leaf = json.loads((SCHEMAS / "condition.schema.json").read_text())["$defs"]["leaf"]["properties"]["fact"]
    assert leaf["anyOf"][0]["enum"] == FactSchema.default().all_paths()  # completion follows the fact schema


def where_wrong(doc, schema: str) -> tuple:
    """(the path of the error an editor shows, its message): the best match, as editors pick it
    among the alternatives of an anyOf."""
    plain = json.loads(json.dumps(doc, default=str))
    validator = jsonschema.Draft202012Validator({"$ref": schema}, registry=REGISTRY)
    error = jsonschema.exceptions.best_match(validator.iter_errors(plain))
    assert error is not None, "valid"
    return tuple(error.absolute_path), error.message


RULE = {"id": "A-1", "title": "t", "criterion": "utility", "severity": "info", "rationale": "r", "remediation": "m"}


def rule_file(condition: dict) -> dict:
    return {"rules": [{"metadata": RULE, "condition": condition}]}


def test_a_misspelt_fact_path_is_flagged_at_fact():
    # (issue 25 item 7) paths were only completion examples: any string passed
    path, message = where_wrong(rule_file({"fact": "warranty.availabilty.target", "ge": 99.9}),
                                "rule-file.schema.json")
    assert path == ("rules", 0, "condition", "fact") and "warranty.availabilty.target" in message
    nested = rule_file({"all": [{"fact": "owner", "is": "present"}, {"fact": "utlity.constraints_removed",
                                                                      "is": "present"}]})
    assert where_wrong(nested, "rule-file.schema.json")[0] == ("rules", 0, "condition", "all", 1, "fact")
    for fine in ({"fact": "warranty.availability.target", "ge": 99.9}, {"fact": "derived.spend_ratio", "le": 1},
                 {"fact": "outcomes", "any_item": {"fact": "impact", "ge": 3}},  # relative to the item
                 {"fact": "warranty.security.controls", "all_items": {"fact": ".", "ne": "none"}}):
        validate(rule_file(fine), "rule-file.schema.json")


def test_waiver_mistakes_are_flagged_at_the_field():
    waiver = {"service": "crm", "rule": "WAR-001", "reason": "r", "approved_by": "b", "expires": "2026-12-15"}
    for doc, at in (([{**waiver, "expires": "15.12.2026"}], (0, "expires")),
                    ({"waivers": [{**waiver, "expires": "2026-1-5"}]}, ("waivers", 0, "expires")),
                    ([{**waiver, "criterion": "utility"}], (0, "criterion")),
                    ([{**waiver, "critrion": "utility"}], (0,))):
        assert where_wrong(doc, "waivers.schema.json")[0] == at, doc
    assert "critrion" in where_wrong([{**waiver, "critrion": "utility"}], "waivers.schema.json")[1]
    validate([waiver], "waivers.schema.json")
    validate({"waivers": [waiver]}, "waivers.schema.json")


def test_the_condition_schema_is_made_from_the_operator_table():
    """condition.schema.json is written by engine/rules/condition_schema.py from the table of
    operators; a new operator changes it (UPDATE_GOLDEN=1 rewrites the file)."""
    path = SCHEMAS / "condition.schema.json"
    made = condition_schema_text(FactSchema.default())
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(made, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == made, \
        "facts/schemas/condition.schema.json is not what the operator table makes (UPDATE_GOLDEN=1 to rewrite)"
