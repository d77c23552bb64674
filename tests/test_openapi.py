"""/openapi.json is self-contained and valid OpenAPI 3.1, checked offline with
openapi-spec-validator (issue 25 item 9); the service objects a check writes match it."""
from __future__ import annotations

import json
import re
import socket

import jsonschema
import pytest
from openapi_spec_validator import validate

from conftest import AS_OF, SAMPLE
from valuate.engine.serve.openapi import document


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to reach the network fails the test: nothing may be fetched to resolve a $ref."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"the network was used: {args!r}")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def pointer(doc: dict, ref: str):
    node = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_every_reference_is_inside_the_document(offline):
    doc = document()
    refs = re.findall(r'"\$ref": "([^"]*)"', json.dumps(doc))
    assert refs and all(r.startswith("#/") for r in refs), sorted(set(r for r in refs if not r.startswith("#/")))
    for ref in set(refs):
        assert isinstance(pointer(doc, ref), dict), ref


def test_it_is_valid_openapi(offline):
    validate(document())
    broken = document()
    broken["paths"]["/v1/evaluate"]["post"]["responses"]["200"]["content"]["application/json"]["schema"] = \
        {"$ref": "#/components/schemas/no-such"}
    with pytest.raises(Exception):
        validate(broken)


def test_a_checked_service_is_a_service_of_the_document(cli, offline):
    doc = document()
    services = json.loads(cli("check", SAMPLE, "--as-of", AS_OF, "--format", "json", "--fail-on", "never").output)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": doc["components"],
              "$ref": "#/components/schemas/service"}
    validator = jsonschema.Draft202012Validator(schema)
    for service in services["services"]:
        validator.validate(service)
    assert not validator.is_valid({"id": "x", "verdict": "great"})
