"""What an earlier report or a baseline must hold to be compared with: checked like any input.

A report given to ``--compare`` or ``--baseline`` and a baseline file are
inputs a person can edit (or forge): every value the comparison reads is
checked here, before it is used, and the first one that is wrong is a
UserError naming the file, the line (JSON Lines), the field path
(``services[3].findings[0].rule``) and what was expected. Keys the
comparison does not read are left alone, so a report of a newer valuate
with more fields still compares.

The shapes follow facts/report.schema.json (the report) and the baseline
format of ``files.py``; tests/test_forged_reports.py checks that every
document the JSON Schema refuses in a field read here is refused here too.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Optional

from ..errors import Location, UserError
from ..model import ERROR, VERDICTS

FINDING_STATUSES = ("met", "not_met", "unknown", "not_applicable")
ENTRY_STATUSES = ("not_met", "unknown", ERROR)


class Checker:
    """Checks values of one document, naming ``file`` (and ``line``) in every error."""

    def __init__(self, file: str, line: Optional[int] = None):
        self.file, self.line = file, line

    def fail(self, path: str, message: str) -> UserError:
        return UserError(message, Location(file=self.file, line=self.line, path=path or None))

    def object(self, value: Any, path: str, what: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"{what} must be an object, got {kind(value)}")
        return value

    def list(self, doc: dict, key: str, path: str, required: bool = True) -> list:
        value = self.get(doc, key, path, required, [])
        if not isinstance(value, list):
            raise self.fail(_at(path, key), f"expected a list, got {kind(value)}")
        return value

    def get(self, doc: dict, key: str, path: str, required: bool, default: Any = None) -> Any:
        if key not in doc:
            if required:
                raise self.fail(path, f"the required key {key!r} is missing")
            return default
        return doc[key]

    def text(self, doc: dict, key: str, path: str, required: bool = False, null: bool = False,
             choices: tuple = ()) -> Optional[str]:
        value = self.get(doc, key, path, required)
        if value is None and (null or key not in doc):
            return None
        if not isinstance(value, str) or choices and value not in choices:
            expected = f"one of {', '.join(choices)}" if choices else "text"
            raise self.fail(_at(path, key), f"expected {expected}{' or null' if null else ''}, got {kind(value)}")
        return value

    def date(self, doc: dict, key: str, path: str, required: bool = False) -> Optional[str]:
        value = self.get(doc, key, path, required)
        if value is None:
            return None
        try:
            if isinstance(value, str) and len(value) == 10:
                return _dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
        raise self.fail(_at(path, key), f"expected a date (YYYY-MM-DD) or null, got {kind(value)}")

    def flag(self, doc: dict, key: str, path: str) -> Optional[bool]:
        value = doc.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.fail(_at(path, key), f"expected true or false, got {kind(value)}")
        return value


def report_head(c: Checker, doc: dict, path: str = "") -> None:
    """The header of a report (the JSON document, or the first line of JSON Lines)."""
    tool = c.object(c.get(doc, "tool", path, True), _at(path, "tool"), "'tool'")
    if tool.get("name") != "valuate":
        raise c.fail(_at(_at(path, "tool"), "name"), f"not a report of valuate (tool {kind(tool.get('name'))})")
    c.date(doc, "as_of", path)
    rules = doc.get("rules")
    if rules is not None:
        c.text(c.object(rules, _at(path, "rules"), "'rules'"), "digest", _at(path, "rules"))


def service(c: Checker, value: Any, path: str) -> dict:
    """One service object of a report: the values ``snapshot.marks_from_dict`` reads."""
    s = c.object(value, path, "a service")
    c.text(s, "id", path, required=True, null=True)
    c.text(s, "name", path, null=True)
    verdict = c.text(s, "verdict", path, required=True, choices=VERDICTS)
    c.date(s, "since", path)
    if verdict == ERROR:
        c.text(s, "message", path)
        for i, e in enumerate(c.list(s, "errors", path, required=False)):
            where = f"{_at(path, 'errors')}[{i}]"
            error = c.object(e, where, "an error")
            c.text(error, "path", where)
            c.text(error, "message", where)
        return s
    for i, f in enumerate(c.list(s, "findings", path)):
        finding(c, f, f"{_at(path, 'findings')}[{i}]")
    return s


def finding(c: Checker, value: Any, path: str) -> None:
    f = c.object(value, path, "a finding")
    c.text(f, "rule", path, required=True)
    c.text(f, "status", path, required=True, choices=FINDING_STATUSES)
    for key in ("criterion", "severity", "message"):
        c.text(f, key, path)
    c.date(f, "since", path)
    if f.get("evidence") is not None:
        c.object(f["evidence"], _at(path, "evidence"), "'evidence'")
    for key in ("waived", "waiver_expired"):
        if f.get(key) is not None:
            c.date(c.object(f[key], _at(path, key), f"'{key}'"), "expires", _at(path, key))


def entry(c: Checker, value: Any, path: str) -> dict:
    """One entry of a baseline file's ``findings``."""
    e = c.object(value, path, "a baseline entry")
    missing = [k for k in ("service", "rule", "status", "fingerprint") if k not in e]
    if missing:  # all of them at once: one fix, not one run per key
        raise c.fail(path, f"baseline entry lacks {', '.join(missing)}")
    for key in ("service", "rule", "fingerprint"):
        c.text(e, key, path, required=True)
    c.text(e, "status", path, required=True, choices=ENTRY_STATUSES)
    c.text(e, "message", path)
    c.date(e, "since", path)
    c.flag(e, "counts", path)
    return e


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def kind(value: Any) -> str:
    """What a value is, with a short excerpt of text (these files are valuate documents)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        text = repr(value)
        return f"a number ({text if len(text) <= 20 else text[:17] + '...'})"
    if isinstance(value, str):
        return f"the text {value if len(value) <= 40 else value[:37] + '...'!r}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


__all__ = ["kind", "Checker", "report_head", "service", "finding", "entry", "FINDING_STATUSES", "ENTRY_STATUSES"]
