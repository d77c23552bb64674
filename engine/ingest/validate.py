"""Turn a raw record into a canonical service fact, or say exactly why not.

The fact schema (facts/service.schema.json) is checked with jsonschema; each
violation becomes a ``RecordError`` naming the field path and what was
expected. ``null`` counts as absent (an unknown fact, never false), YAML
dates become ISO strings, and non-finite numbers are refused before they can
reach durable-rules.
"""
from __future__ import annotations

import datetime as _dt
import math
from functools import lru_cache
from typing import Any, Optional

import jsonschema

from ..model import RecordError
from ..paths import FactSchema
from ..rules.reader import kind_of

_TYPE_WORDS = {"string": "a string", "number": "a number", "integer": "an integer",
               "boolean": "true or false", "array": "a list", "object": "a mapping"}


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = FactSchema.default().document
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def clean(value: Any, path: str, errors: list) -> Any:
    """Drop nulls from mappings, stringify dates, refuse odd keys and numbers."""
    if isinstance(value, dict):
        out = {}
        for key, sub in value.items():
            if not isinstance(key, str):
                errors.append(RecordError(path, f"field names must be strings, got {kind_of(key)}"))
                continue
            if sub is None:
                continue
            out[key] = clean(sub, f"{path}.{key}" if path else key, errors)
        return out
    if isinstance(value, list):
        return [clean(v, f"{path}[{i}]", errors) for i, v in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        errors.append(RecordError(path, f"expected a finite number, got {value}"))
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def validate(data: Any) -> tuple[Optional[dict], list]:
    """(fact, []) for a valid record, (None, errors) otherwise."""
    if not isinstance(data, dict):
        return None, [RecordError("", f"a service record must be a mapping, got {kind_of(data)}")]
    errors: list = []
    fact = clean(data, "", errors)
    if "id" not in fact:
        errors.append(RecordError("id", "missing: every service needs an id"))
    for err in _validator().iter_errors(fact):
        if err.validator == "required" and not err.absolute_path and "'id'" in err.message:
            continue  # reported above, in plainer words
        errors.append(_describe(err))
    if errors:
        return None, _dedupe(errors)
    return fact, []


def _path(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _describe(err: jsonschema.ValidationError) -> RecordError:
    path = _path(err.absolute_path)
    got = kind_of(err.instance)
    v, want = err.validator, err.validator_value
    if v == "type":
        kinds = want if isinstance(want, list) else [want]
        msg = f"expected {' or '.join(_TYPE_WORDS.get(k, k) for k in kinds)}, got {got}"
    elif v == "enum":
        msg = f"expected one of {', '.join(map(str, want))}; got {got}"
    elif v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return RecordError(_path(list(err.absolute_path) + [missing]), "missing: required here")
    elif v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        msg = _range_message(err, got)
    elif v == "minLength":
        msg = "must not be empty"
    elif v in ("pattern", "format"):
        msg = f"expected a date as YYYY-MM-DD, got {got}"
    else:
        msg = err.message
    return RecordError(path, msg)


def _range_message(err: jsonschema.ValidationError, got: str) -> str:
    schema = err.schema
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"expected a number from {_num(low)} to {_num(high)}, got {got}"
    if "exclusiveMinimum" in schema:
        return f"expected a number above {_num(schema['exclusiveMinimum'])}, got {got}"
    if low is not None:
        return f"expected a number of at least {_num(low)}, got {got}"
    return f"expected a number of at most {_num(high)}, got {got}"


def _num(x: Any) -> str:
    return str(int(x)) if isinstance(x, float) and x == int(x) else str(x)


def _dedupe(errors: list) -> list:
    seen, out = set(), []
    for e in errors:
        if e.path not in seen:
            seen.add(e.path)
            out.append(e)
    return sorted(out, key=lambda e: e.path)
