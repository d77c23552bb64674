"""Turn a raw record into a canonical service fact, or say exactly why not.

The fact schema (facts/service.schema.json) is checked by a validator
compiled from it (``fastcheck``; jsonschema is the reference it is tested
against); each violation becomes a ``RecordError`` naming the field path and
what was expected. ``null`` counts as absent (an unknown fact, never false), YAML
dates become ISO strings, and non-finite numbers are refused before they can
reach durable-rules.

Whom an effect names in ``for`` is checked against the record's own
consumer roles and stakeholders (``perspectives``): the schema cannot.

Keys the schema does not know (``warrranty:``) are never read by a rule;
``validate_record`` reports them as warnings (did-you-mean included), or as
errors with ``strict`` (``check --strict``).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

from ..model import RecordError
from ..schema import FactSchema
from ..documents import kind_of
from .fastcheck import UnknownKey, compile_at, compile_schema
from .perspectives import perspective_errors


@lru_cache(maxsize=1)
def _checker():
    return compile_schema(FactSchema.default().document, unknown_keys=True)


def validate(data: Any) -> tuple[Optional[dict], list]:
    """(fact, []) for a valid record, (None, errors) otherwise; unknown keys are let pass."""
    fact, errors, _ = validate_record(data)
    return fact, errors


def validate_record(data: Any, strict: bool = False) -> tuple[Optional[dict], list, list]:
    """(fact, errors, warnings): warnings are the unknown keys, errors too when ``strict``."""
    if not isinstance(data, dict):
        return None, [RecordError("", f"a service record must be a mapping, got {kind_of(data)}")], []
    found: list = []
    fact = _checker()(data, [], found)
    unknown = [e for e in found if isinstance(e, UnknownKey)]
    errors = [e for e in found if not isinstance(e, UnknownKey)] + (unknown if strict else [])
    errors += perspective_errors(fact) if isinstance(fact, dict) else []
    fact, errors = _checked_id(fact, errors)
    return fact, errors, [] if strict else unknown


def _checked_id(fact: dict, errors: list) -> tuple[Optional[dict], list]:
    if "id" not in fact:
        errors = [e for e in errors if e.path != "id"]
        errors.append(RecordError("id", "missing: every service needs an id"))
    if errors:
        return None, _dedupe(errors)
    return fact, []


@lru_cache(maxsize=512)
def _checker_at(path: str):
    return compile_at(FactSchema.default().document, path)


def validate_changed(fact: dict, changed: dict) -> tuple[Optional[dict], list]:
    """Validate a copy of a valid ``fact`` in which only the ``changed`` paths
    (dotted path -> new value, set in the copy) differ: only their values are
    checked, the rest was checked already. Falls back to the whole record
    when a path has no check of its own."""
    checks = {path: _checker_at(path) for path in changed}
    if any(c is None for c in checks.values()):
        return validate(fact)
    errors: list = []
    for path, value in changed.items():
        cleaned = checks[path](value, path.split("."), errors)
        *parents, last = path.split(".")
        node = fact
        for part in parents:
            node = node[part]
        if cleaned is None:
            node.pop(last, None)
        else:
            node[last] = cleaned
    errors = errors or perspective_errors(fact)
    return (None, _dedupe(errors)) if errors else (fact, [])


def _dedupe(errors: list) -> list:
    seen, out = set(), []
    for e in errors:
        if e.path not in seen:
            seen.add(e.path)
            out.append(e)
    return sorted(out, key=lambda e: e.path)
