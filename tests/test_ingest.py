"""Catalog readers: shapes, line numbers, bad records that do not stop the batch."""
from __future__ import annotations

import json

import pytest

from valuate.engine.errors import CatalogError
from valuate.engine.ingest import read_catalog, validate


def records(path, fmt=None):
    return list(read_catalog(str(path), fmt))


def test_yaml_list_and_services_mapping(tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text("- id: x\n- id: y\n")
    b = tmp_path / "b.yml"
    b.write_text("services:\n  - id: x\n\n  - id: y\n")
    assert [(r.data["id"], r.source.line) for r in records(a)] == [("x", 1), ("y", 2)]
    assert [(r.data["id"], r.source.line) for r in records(b)] == [("x", 2), ("y", 4)]


def test_json_records_keep_their_lines(tmp_path):
    p = tmp_path / "c.json"
    p.write_text('{"version": 2,\n "services": [\n  {"id": "x"},\n  {"id": "y",\n   "name": "Y"}\n ]}\n')
    assert [(r.data["id"], r.source.line) for r in records(p)] == [("x", 3), ("y", 4)]


def test_json_syntax_error_names_line(tmp_path):
    p = tmp_path / "c.json"
    p.write_text('[\n {"id": "x"},\n {"id": }\n]')
    with pytest.raises(CatalogError) as err:
        records(p)
    assert str(err.value).startswith(f"{p}:3:")


def test_jsonl_bad_line_is_one_error_record(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text('{"id": "a"}\n\n{"id": \n{"id": "c"}\n')
    got = records(p)
    assert [r.source.line for r in got] == [1, 3, 4]
    assert got[1].problem.startswith("line 3 is not valid JSON")
    assert got[2].data == {"id": "c"}


def test_bom_is_accepted(tmp_path):
    p = tmp_path / "c.json"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"id": "x"}]).encode())
    assert records(p)[0].data == {"id": "x"}


@pytest.mark.parametrize("text,fragment", [
    ("", "the catalog is empty"),
    ("42\n", "expected a list of services"),
    ("services: 3\n", "'services' must be a list"),
    ("{name: x}\n", "expected a list of services or a mapping"),
])
def test_not_a_catalog(tmp_path, text, fragment):
    p = tmp_path / "c.yaml"
    p.write_text(text)
    with pytest.raises(CatalogError) as err:
        records(p)
    assert fragment in str(err.value)


def test_unknown_extension_needs_input_format(tmp_path):
    p = tmp_path / "c.txt"
    p.write_text("- id: x\n")
    with pytest.raises(CatalogError):
        records(p)
    assert records(p, "yaml")[0].data == {"id": "x"}
    with pytest.raises(CatalogError):
        records(p, "toml")


@pytest.mark.parametrize("record,path,fragment", [
    ({"id": "x", "outcomes": [{"effect": "positive", "impact": 0}]}, "outcomes[0].impact", "from 1 to 5"),
    ({"id": "x", "outcomes": [{"effect": "good"}]}, "outcomes[0].effect", "one of positive, negative"),
    ({"id": "x", "warranty": {"continuity": {"plan": "yes"}}}, "warranty.continuity.plan", "true or false"),
    ({"id": 7}, "id", "expected a string"),
    ({"id": "x", "budget": {"planned": float("inf")}}, "budget.planned", "finite"),
    ({"id": "x", "warranty": {"capacity": {"max_capacity": 0}}}, "warranty.capacity.max_capacity", "above 0"),
])
def test_validation_errors_name_the_field(record, path, fragment):
    fact, errors = validate(record)
    assert fact is None
    assert errors[0].path == path and fragment in errors[0].message


def test_null_is_absent_not_false():
    fact, errors = validate({"id": "x", "warranty": {"continuity": {"plan": None}}, "name": None})
    assert not errors and fact == {"id": "x", "warranty": {"continuity": {}}}
