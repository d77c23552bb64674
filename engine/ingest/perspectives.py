"""Whom an effect affects: every ``for`` names a consumer role or a listed stakeholder.

An outcome, cost or risk may say whom it affects (``for: [user]``,
docs/specification.md#value-as-each-stakeholder-perceives-it). The fact schema
checks the shape (a list of non-empty strings); what a name may be depends on
the record itself (its ``stakeholders``), which JSON Schema cannot say, so it
is checked here, after the schema: a name that is neither a consumer role nor
the ``name`` of an entry in ``stakeholders`` makes the record an error on that
field, with a did-you-mean for a near miss. A misspelt ``for: [usr]`` would
otherwise open a perspective of its own and judge the service for nobody.

The roles and the lists carrying ``for`` are read from the fact schema, so a
list that gains ``for`` there is checked without a change here.
"""
from __future__ import annotations

from functools import lru_cache

from ..errors import did_you_mean
from ..model import RecordError
from ..schema import FactSchema
from ..values import get

FIELD = "for"


@lru_cache(maxsize=1)
def _layout() -> tuple:
    """(consumer roles, the list paths whose items carry ``for``), from the fact schema."""
    schema = FactSchema.default()
    consumers = schema.lookup("consumers")
    roles = tuple(consumers.fields) if consumers is not None else ()
    lists = tuple(p for p in schema.all_paths()
                  if (t := schema.lookup(p)).kind == "array" and t.item is not None and FIELD in t.item.fields)
    return roles, lists


def roles() -> tuple:
    """The consumer roles an effect may name (customer, user, sponsor)."""
    return _layout()[0]


def stakeholder_names(fact: dict) -> list:
    return [s["name"] for s in _list(fact.get("stakeholders")) if isinstance(s, dict) and isinstance(s.get("name"), str)]


def _list(value) -> list:
    """A list as recorded; anything else (``outcomes: true``) is the schema's error, read as none here."""
    return value if isinstance(value, list) else []


def perspective_errors(fact: dict) -> list:
    """A RecordError per ``for`` entry naming no consumer role and no listed stakeholder."""
    roles, lists = _layout()
    known = list(roles) + [n for n in stakeholder_names(fact) if n not in roles]
    errors = []
    for path in lists:
        for i, item in enumerate(_list(get(fact, path))):
            names = item.get(FIELD) if isinstance(item, dict) else None
            for j, name in enumerate(names if isinstance(names, list) else ()):
                if not isinstance(name, str) or not name or name in known:  # the schema's errors
                    continue
                others = known[len(roles):]
                listed = ", ".join(repr(n) for n in others) if others else "none is listed"
                errors.append(RecordError(
                    f"{path}[{i}].{FIELD}[{j}]",
                    f"{name!r} is neither a consumer role ({', '.join(roles)}) nor the name of an entry "
                    f"in stakeholders ({listed}){did_you_mean(name, known)}"))
    return errors
