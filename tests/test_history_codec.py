"""The store's codec: any model record, with any catalog data in it, comes back equal and of the
same types (a list stays a list, a tuple a tuple, a date a date), on both of its paths.

Property tests (hypothesis) over arbitrary data: the strings catalogs really hold (NUL,
surrogates, the tag character '@' starting keys), numbers (NaN and infinities too),
dates, nested lists and objects, in every place the model keeps catalog data.
"""
from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from valuate.engine.history.codec import Decoder, Encoder, field_table, plain_json
from valuate.engine.history.form import facts_text
from valuate.engine.history.read import facts_of
from valuate.engine.model import ConditionResult, FactChange, Finding, Provenance, RecordError, ToPass

text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=12) | st.sampled_from(
    ["@", "@date", "@map", "@Finding", "@t", "\x00", "\udcff", '{"@x":1}', ""])
scalars = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | text | \
    st.dates() | st.datetimes()
data = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                    max_leaves=12)


def same(a, b) -> bool:
    """Equal, with the same types all the way down (NaN equal to NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if hasattr(a, "__dataclass_fields__"):
        return all(same(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)
    return a == b


def back(o, fast: bool):
    enc = Encoder()
    return Decoder(field_table()).text(enc.fast_text(o) if fast else enc.text(o))


@settings(max_examples=300, deadline=None)
@given(value=data, expected=data, path=text, fast=st.booleans())
def test_findings_with_any_evidence_come_back_whole(value, expected, path, fast):
    leaf = ConditionResult("x recorded", "met", "eq", values=((path, value),), expected=expected, missing=(path,))
    finding = Finding("R-1", "warranty", "security", "met", "error", "title", "message", evidence=((path, value),),
                      missing=(), condition=ConditionResult("all", "met", "all", children=(leaf,)), pack="p")
    assert same(back(finding, fast), finding)


@settings(max_examples=200, deadline=None)
@given(current=data, proposed=data, raw=data, fast=st.booleans())
def test_what_would_make_it_pass_and_provenance_come_back_whole(current, proposed, raw, fast):
    to_pass = ToPass(True, (FactChange("a.b", "set", current, proposed, "raise a.b", "R-1"),), note="", advice="")
    assert same(back(to_pass, fast), to_pass)
    error = RecordError("a", "bad", Provenance("export.yaml", 3, 4, "a", raw, via="join x"))
    assert same(back(error, False), error)


@settings(max_examples=200, deadline=None)
@given(facts=st.dictionaries(text, data, max_size=5))
def test_catalog_facts_come_back_whole(facts):
    """As form.py writes them (plain JSON when they are plain) and read.py reads them."""
    written = facts_text(facts, Encoder())
    assert written[0] == ("=" if plain_json(facts) is not None else "~")
    assert same(facts_of(written, Decoder(field_table())), facts)


def test_data_with_keys_json_has_not_comes_back_whole():
    raw = {1: "one", (2, 3): [dt.date(2026, 1, 1)], None: {"@t": ()}}
    error = RecordError("a", "bad", Provenance("export.yaml", raw=raw))
    assert same(back(error, False), error)


def test_a_catalog_object_that_looks_like_a_tag_is_escaped_not_read_as_one():
    sneaky = {"@date": "2026-01-01"}
    finding = Finding("R", "value", None, "met", "error", "t", "m", evidence=(("x", sneaky), ("y", [sneaky])))
    for fast in (True, False):
        got = back(finding, fast)
        assert got.evidence == (("x", sneaky), ("y", [sneaky])) and type(got.evidence[0][1]) is dict
    assert back({"@Finding": [1, 2]}, False) == {"@Finding": [1, 2]}
    assert back((dt.date(2026, 1, 2), [dt.date(2026, 1, 3)]), False) == (dt.date(2026, 1, 2), [dt.date(2026, 1, 3)])
