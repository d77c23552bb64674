"""The result model as JSON text and back, losslessly: what a stored run's reports are rebuilt from.

A report is a function of the model records (reports see only the model),
so a run whose records come back equal renders byte for byte as it did. The
JSON report alone would not do: it leaves out what other formats read (the
catalog facts the board groups by, rule texts SARIF carries, provenance,
waiver states). So every record is written whole:

- JSON scalars, lists and string-keyed objects stand for themselves;
- anything else is an object with one key starting with ``@``: a model record
  ``{"@Finding": [field values...]}`` (the field names of each record type are
  written once, in the run's head, so a later valuate that adds a field reads
  old runs with that field's default), a tuple ``{"@": [...]}``, a date, a
  datetime, a time, a duration, a decimal, bytes, a set; an object of the
  data that itself has one key starting with ``@`` is escaped (``@map``), so
  nothing in a catalog can pass for a tag.

Only the record types named in ``TYPES`` are ever built back, through their
constructors: stored text cannot make anything else (no pickle).
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import json
from decimal import Decimal
from operator import attrgetter
from typing import Any, Callable, Optional

from .. import model

CODEC = 1  # the encoding's version, stored with each run
TAG = "@"  # starts the one key of an object that stands for something JSON has not
_PLAIN = frozenset({str, int, float, bool, type(None)})
TYPES: dict = {name: getattr(model, name) for name in model.__all__
               if isinstance(getattr(model, name), type) and dataclasses.is_dataclass(getattr(model, name))}
FIELDS: dict = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in TYPES.values()}
_GET: dict = {cls: attrgetter(*names) for cls, names in FIELDS.items()}
_TAGS: dict = {cls: TAG + name for name, cls in TYPES.items()}
# JSON text of values already encoded (Encoder.value): compact, and no NaN check to pay twice
dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


class Opaque(str):
    """A value of a type the codec does not know, kept as its text (repr shows what it was)."""

    def __new__(cls, text: str, shown: str):
        out = super().__new__(cls, text)
        out.shown = shown
        return out

    def __repr__(self) -> str:
        return self.shown


def field_table() -> dict:
    """Record type -> field names, as this valuate writes them (stored in each run's head)."""
    return {name: list(FIELDS[cls]) for name, cls in TYPES.items()}


# Records whose tuples are all of known shapes (SHAPES): these may be written by the C encoder
# alone (fast_text), tuples as plain JSON arrays, and Decoder.hook makes them tuples again.
def _pairs(v) -> tuple:
    return tuple(tuple(p) for p in v)


SHAPES: dict = {"Finding": {"evidence": _pairs, "missing": tuple, "perspectives": tuple},
                "ConditionResult": {"values": _pairs, "missing": tuple, "children": tuple},
                "CriterionResult": {"findings": tuple, "dimensions": _pairs, "balance": tuple,
                                    "perspectives": tuple},
                "Perspective": {"unrecorded": tuple},
                "BalanceTerm": {"affects": tuple}, "Waiver": {}, "ToPass": {"changes": tuple}, "FactChange": {}}
_SHAPED = frozenset(TYPES[name] for name in SHAPES)


class _Tagger:
    """The C encoder's ``default``: a shaped record as {"@Type": [values]}, a date tagged; counted."""

    def __init__(self):
        self.tags = 0

    def __call__(self, o: Any) -> Any:
        t = type(o)
        if t in _SHAPED:
            self.tags += 1
            return {_TAGS[t]: _GET[t](o)}
        if t is _dt.date or t is _dt.datetime:
            self.tags += 1
            return _other(o)
        raise TypeError(t.__name__)  # anything else: the careful encoder writes it


class Encoder:
    """Model records and data to JSON-able values; ``text`` to JSON text."""

    def fast_text(self, o: Any) -> str:
        """``text(o)`` for a shaped record (a finding, its criteria, what would make it pass),
        written by the C encoder: several times faster. Falls back to ``text`` when the data
        holds what only that handles: a type of its own, or an object whose first key starts
        with the tag character (so it could pass for a tag; its objects are escaped)."""
        tagger = self._tagger
        tagger.tags = 0
        try:
            text = self._fast(o)
        except (TypeError, ValueError):
            return self.text(o)
        return text if text.count('{"' + TAG) == tagger.tags else self.text(o)

    def __init__(self):
        self._tagger = _Tagger()
        self._fast = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False,
                                      default=self._tagger).encode

    def value(self, o: Any) -> Any:
        t = type(o)
        if t in _PLAIN:
            return o
        if t is list:
            return [v if type(v) in _PLAIN else self.value(v) for v in o]
        if t is tuple:
            return {TAG: [v if type(v) in _PLAIN else self.value(v) for v in o]}
        if t is dict:
            return self.mapping(o)
        tag = _TAGS.get(t)
        if tag is not None:
            return {tag: [v if type(v) in _PLAIN else self.value(v) for v in _values(o)]}
        return _other(o)

    def mapping(self, o: dict) -> dict:
        if len(o) == 1 and isinstance(next(iter(o)), str) and next(iter(o)).startswith(TAG) or \
                not all(type(k) is str for k in o):
            return {TAG + "map": [[self.value(k), self.value(v)] for k, v in o.items()]}
        return {k: v if type(v) in _PLAIN else self.value(v) for k, v in o.items()}

    def text(self, o: Any) -> str:
        return dumps(self.value(o))


def _values(o) -> tuple:
    got = _GET[type(o)](o)
    return got if type(got) is tuple and len(FIELDS[type(o)]) > 1 else (got,)


def _other(o: Any) -> dict:
    if isinstance(o, _dt.datetime):
        return {TAG + "datetime": o.isoformat()}
    if isinstance(o, _dt.date):
        return {TAG + "date": o.isoformat()}
    if isinstance(o, _dt.time):
        return {TAG + "time": o.isoformat()}
    if isinstance(o, _dt.timedelta):
        return {TAG + "timedelta": [o.days, o.seconds, o.microseconds]}
    if isinstance(o, Decimal):
        return {TAG + "decimal": str(o)}
    if isinstance(o, (bytes, bytearray)):
        return {TAG + "bytes": base64.b64encode(bytes(o)).decode("ascii")}
    if isinstance(o, (set, frozenset)):
        items = sorted((Encoder().value(v) for v in o), key=repr)
        return {TAG + ("frozenset" if isinstance(o, frozenset) else "set"): items}
    if isinstance(o, Opaque):
        return {TAG + "opaque": [str(o), o.shown]}
    if isinstance(o, (str, int, float)):  # a subclass: kept as the plain value it is
        return {TAG + "opaque": [str(o), repr(o)]} if isinstance(o, str) else o
    return {TAG + "opaque": [str(o), repr(o)]}


def plain_json(data: Any) -> Optional[str]:
    """``data`` as plain JSON when it is plain data (the usual catalog fact: read back with
    plain json.loads, so no key of it can pass for a tag), else None (a date in it, say)."""
    try:
        return dumps(data)
    except (TypeError, ValueError):
        return None


class Decoder:
    """JSON text back to model records, by the field table a run was written with."""

    def __init__(self, table: dict):
        self.types: dict = {}
        for name, names in table.items():
            cls = TYPES.get(name)
            if cls is None:
                raise ValueError(f"a record type this valuate does not know: {name}")
            unknown = set(names) - set(FIELDS[cls])
            if unknown:
                raise ValueError(f"{name} has fields this valuate does not know: {', '.join(sorted(unknown))}")
            self.types[TAG + name] = (cls, tuple(names), tuple(SHAPES.get(name, {}).items()))
        self._special: dict = {TAG: tuple, TAG + "map": _mapping, TAG + "date": _dt.date.fromisoformat,
                               TAG + "datetime": _dt.datetime.fromisoformat, TAG + "time": _dt.time.fromisoformat,
                               TAG + "timedelta": lambda v: _dt.timedelta(*v), TAG + "decimal": Decimal,
                               TAG + "bytes": base64.b64decode, TAG + "set": set, TAG + "frozenset": frozenset,
                               TAG + "opaque": lambda v: Opaque(*v)}

    def hook(self, d: dict) -> Any:
        if len(d) != 1:
            return d
        key, value = next(iter(d.items()))
        if not key.startswith(TAG):
            return d
        kind = self.types.get(key)
        if kind is not None:
            cls, names, shapes = kind
            fields = dict(zip(names, value))
            for name, shape in shapes:
                if name in fields:
                    fields[name] = shape(fields[name])
            return cls(**fields)
        make: Optional[Callable] = self._special.get(key)
        if make is None:
            raise ValueError(f"an encoding this valuate does not know: {key[1:]!r}")
        return make(value)

    def text(self, text: str) -> Any:
        return json.loads(text, object_hook=self.hook)


def _mapping(items: list) -> dict:
    return {k: v for k, v in items}  # keys were tuples, dates... (decoded already), never lists
