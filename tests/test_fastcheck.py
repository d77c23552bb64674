"""The compiled validator agrees with jsonschema on every record.

jsonschema is the reference implementation of JSON Schema; the hot path uses
engine/ingest/fastcheck.py. On random records (mostly well-formed, with
wrong types, out-of-range numbers, bad dates and missing required fields
mixed in) both must find errors at exactly the same paths.
"""
from __future__ import annotations

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from valuate.engine.ingest.fastcheck import compile_schema, path_text
from valuate.engine.schema import FactSchema

SCHEMA = FactSchema.default().document
REFERENCE = jsonschema.validators.validator_for(SCHEMA)(SCHEMA, format_checker=jsonschema.FormatChecker())
FAST = compile_schema(SCHEMA)

junk = st.one_of(st.none(), st.booleans(), st.integers(-3, 200), st.floats(-1, 150, allow_nan=False),
                 st.sampled_from(["", "x", "positive", "2026-02-30", "2026-01-01", "99.9"]),
                 st.just([]), st.just({}))
number = st.one_of(st.integers(-2, 120), st.floats(-1, 120, allow_nan=False), junk)
date = st.one_of(st.sampled_from(["2026-06-01", "2026-13-01", "26-1-1", "2026-06-01T00:00"]), junk)
effect = st.fixed_dictionaries({}, optional={"effect": st.one_of(st.sampled_from(["positive", "negative"]), junk),
                                             "impact": number, "description": junk})
record = st.fixed_dictionaries({}, optional={
    "id": st.one_of(st.sampled_from(["svc", ""]), junk),
    "name": junk, "tier": number,
    "outcomes": st.one_of(st.lists(effect, max_size=3), junk),
    "costs": st.one_of(st.fixed_dictionaries({}, optional={"removed": st.lists(effect, max_size=2)}), junk),
    "warranty": st.fixed_dictionaries({}, optional={
        "availability": st.fixed_dictionaries({}, optional={"measured": number, "target": number}),
        "capacity": st.fixed_dictionaries({}, optional={"peak_demand": number, "max_capacity": number}),
        "security": st.fixed_dictionaries({}, optional={"controls": st.one_of(st.lists(junk, max_size=2), junk),
                                                        "open_critical_findings": number}),
        "continuity": st.fixed_dictionaries({}, optional={"plan": junk, "last_tested": date})}),
    "offerings": st.lists(st.fixed_dictionaries({}, optional={
        "target_group": junk, "components": st.lists(st.fixed_dictionaries({}, optional={
            "type": st.one_of(st.sampled_from(["goods", "access", "action"]), junk),
            "ownership_transferred": junk}), max_size=2)}), max_size=2),
})


def without_nulls(value):
    """valuate reads a null member as absent; jsonschema is given the same record."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def reference_paths(value) -> set:
    return {path_text(list(e.absolute_path) + ([e.message.split("'")[1]] if e.validator == "required" else []))
            for e in REFERENCE.iter_errors(value)}


def fast_paths(value) -> set:
    errors: list = []
    FAST(value, [], errors)
    return {e.path for e in errors}


@settings(max_examples=400, deadline=None)
@given(record)
def test_fast_validator_agrees_with_jsonschema(value):
    assert fast_paths(value) == reference_paths(without_nulls(value))


def test_refuses_keywords_it_does_not_implement():
    import pytest
    with pytest.raises(ValueError):
        compile_schema({"type": "object", "oneOf": [{"type": "object"}]})
