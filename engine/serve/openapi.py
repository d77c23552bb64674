"""The OpenAPI 3.1 document served at /openapi.json, written out: the endpoints are few.

Service objects are those of facts/report.schema.json (``$defs/service``), the
schema ``valuate check --format json`` output follows. The document is
self-contained: that schema's definitions are its ``components/schemas``
(read from the one file, their ``#/$defs/X`` references pointed at
``#/components/schemas/X``), so a client or a validator resolves every
``$ref`` without fetching anything (the schema's ``$id`` is a name, not a
place to download from).
"""
from __future__ import annotations

import json
from functools import lru_cache

from ..data import FACTS_DIR
from ..version import VERSION
from .history import OPENAPI_PATHS as HISTORY_PATHS

REPORT_SCHEMA = FACTS_DIR / "report.schema.json"
COMPONENTS = "#/components/schemas/"
SERVICE = {"$ref": f"{COMPONENTS}service"}
ERROR = {"type": "object", "required": ["error"],
         "properties": {"error": {"type": "string"}, "problems": {"type": "array", "items": {"type": "object"}}}}
FLAG = {"type": "string", "enum": ["true", "false"]}
QUERY = [
    {"name": "explain", "in": "query", "schema": FLAG, "description": "include condition trees (default false)"},
    {"name": "suggest", "in": "query", "schema": FLAG,
     "description": "work out what would make failing services pass (default true)"},
    {"name": "as_of", "in": "query", "schema": {"type": "string", "format": "date"},
     "description": "evaluation date (default: the server's, today unless it was started with --as-of)"},
]
REFUSALS = {code: {"description": words, "content": {"application/json": {"schema": ERROR}}}
            for code, words in (("400", "malformed body or query, or an evaluation date the policy cannot judge"),
                                ("401", "bearer token missing or wrong"),
                                ("408", "the body did not arrive within --read-timeout"),
                                ("413", "body over --max-body-bytes, or more than --max-services services"),
                                ("415", "not a catalog content type"),
                                ("422", "the export cannot be read through the mapping"),
                                ("503", "too many requests in flight or bodies held, or too many connections"),
                                ("504", "the evaluation took longer than --timeout (its worker was replaced)"))}
HEADERS = {
    "X-Request-Id": {"description": "the caller's X-Request-Id, or a new one", "schema": {"type": "string"}},
    "X-Valuate-Rules-Digest": {"description": "the rules digest of the policy that answered (as rules.digest)",
                               "schema": {"type": "string"}},
    "X-Valuate-Policy-Digest": {"description": "the digest of the whole policy snapshot that answered: rules, "
                                               "profile, waivers, mappings, limits", "schema": {"type": "string"}},
    "X-Valuate-Generation": {"description": "the snapshot's generation: 1 at start, one more per reload",
                             "schema": {"type": "string"}},
    "X-Valuate-Decision-Log": {"description": "'not written' when the decision log could not be written "
                                              "(the decision went to the server's standard error)",
                               "schema": {"type": "string"}},
}
DOCUMENT = {"type": "object", "required": ["rules", "as_of", "summary", "services"],
            "properties": {"rules": {"type": "object"}, "as_of": {"type": "string", "format": "date"},
                           "summary": {"type": "object"}, "services": {"type": "array", "items": SERVICE}}}


@lru_cache(maxsize=1)
def report_schemas() -> dict:
    """The report schema's definitions, as OpenAPI components (their references rewritten)."""
    defs = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))["$defs"]
    return json.loads(json.dumps(defs).replace('"#/$defs/', f'"{COMPONENTS}'))


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "valuate", "version": VERSION,
                 "description": "Judge IT services the way ITIL 4 does. Every response carries X-Request-Id "
                                "and X-Valuate-Rules-Digest."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": report_schemas()},
        "security": [{"bearer": []}],
        "paths": {
            "/v1/evaluate": {"post": {
                "summary": "Evaluate one canonical service, or {\"services\": [...]} (or a list), in order",
                "parameters": QUERY,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "oneOf": [{"type": "object"}, {"type": "array"},
                              {"type": "object", "required": ["services"],
                               "properties": {"services": {"type": "array"}}}]}}}},
                "responses": {"200": {"description": "the service object (one service sent) or a document with "
                                                     "every service, invalid records as error entries",
                                      "headers": HEADERS,
                                      "content": {"application/json": {"schema": {"oneOf": [SERVICE, DOCUMENT]}}}},
                              **REFUSALS}}},
            "/v1/evaluate/raw": {"post": {
                "summary": "Evaluate a raw export (CSV, JSON, JSON Lines, YAML by Content-Type) through a mapping",
                "parameters": QUERY + [{"name": "mapping", "in": "query", "schema": {"type": "string"},
                                        "description": "a preset name, or this server's own mapping by name"}],
                "requestBody": {"required": True, "content": {t: {} for t in (
                    "text/csv", "text/tab-separated-values", "application/json", "application/x-ndjson",
                    "application/yaml")}},
                "responses": {"200": {"description": "every record of the export", "headers": HEADERS,
                                      "content": {"application/json": {"schema": DOCUMENT}}}, **REFUSALS}}},
            "/v1/rules": {"get": {"summary": "The rules in force (as `valuate rules list --format json`)",
                                  "responses": {"200": {"description": "rules"}}}},
            "/v1/policy": {"get": {"summary": "Packs, profile, waivers and digests of the policy in force",
                                   "responses": {"200": {"description": "policy"}}}},
            "/v1/reload": {"post": {"summary": "Load the next policy snapshot (packs, profile, waivers, mappings) "
                                               "while the one in force keeps answering; a broken policy is "
                                               "refused with its lint problems and nothing changes",
                                    "responses": {"200": {"description": "reloaded"}, "422": REFUSALS["422"]}}},
            "/healthz": {"get": {"summary": "The server process is up", "security": [],
                                 "responses": {"200": {"description": "ok"}}}},
            "/readyz": {"get": {"summary": "Workers are started and have the policy", "security": [],
                                "responses": {"200": {"description": "ready"}, "503": {"description": "starting"}}}},
            **HISTORY_PATHS,
        },
    }
