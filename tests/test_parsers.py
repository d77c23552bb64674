"""Typed parsers on real-world strings, and properties that hold for any text."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuate.engine.ingest.mapping.parsers import DEFAULT_UNKNOWN, PARSERS, ParseError, parse

AVAIL = {"plausible": [90, 99.9999]}


@pytest.mark.parametrize("raw,options,expected", [
    ("99.9%", {}, 99.9), ("99,9 %", {}, 99.9), ("0.999", {}, 99.9), ("99.9", {}, 99.9),
    ("0.999", {"scale": "ratio"}, 99.9), ("99.9", {"scale": "percent"}, 99.9),
    ("99.95 percent", {}, 99.95), (" 100 % ", {}, 100), (0.995, {}, 99.5), (99.9, {}, 99.9),
    ("1", {}, 100), ("1", {"scale": "percent"}, 1), ("99.99%", AVAIL, 99.99), (95, AVAIL, 95),
    ("0,9995", {}, 99.95),
])
def test_percent(raw, options, expected):
    assert parse("percent", raw, options) == expected


@pytest.mark.parametrize("raw,options,fragment", [
    ("34", AVAIL, "outside the plausible range 90% to 99.9999%"),
    (34, AVAIL, "outside the plausible range"),
    ("99.999999", AVAIL, "outside the plausible range"),
    ("0.999", {"scale": "percent", "plausible": [90, 100]}, "is it a ratio?"),
    ("101%", {}, "from 0 to 100"), ("-5", {}, "from 0 to 100"), ("high", {}, "expected a percent"),
    ("99.9% / 99.5%", {}, "expected a percent"),
])
def test_percent_refused(raw, options, fragment):
    with pytest.raises(ParseError) as err:
        parse("percent", raw, options)
    assert fragment in str(err.value)


def test_ratio_is_percent_over_100():
    assert parse("ratio", "99.9%") == 0.999
    assert parse("ratio", "0.995") == 0.995


@pytest.mark.parametrize("raw,options,hours", [
    ("4h", {}, 4), ("4 hours", {}, 4), ("4 Hours", {}, 4), ("PT4H", {}, 4), ("240 min", {}, 4),
    ("1970-01-01 04:00:00", {}, 4), ("1970-01-02 04:00:00", {}, 28), ("1 business day", {}, 8),
    ("2 business days", {"business_day_hours": 7.5}, 15), ("4 business hours", {}, 4),
    ("1 Day 2 Hours 30 Minutes", {}, 26.5), ("2h30m", {}, 2.5), ("P1DT2H", {}, 26), ("PT30M", {}, 0.5),
    ("01:30", {}, 1.5), ("1,5 hours", {}, 1.5), ("3 days", {}, 72), ("1 week", {}, 168),
    ("48 Hours", {}, 48), (90, {"default_unit": "minutes"}, 1.5), ("6", {"default_unit": "hours"}, 6),
    ("4h", {"unit": "minutes"}, 240),
])
def test_duration(raw, options, hours):
    assert parse("duration", raw, options) == hours


@pytest.mark.parametrize("raw,fragment", [
    ("240", "has no unit"), (4, "has no unit"), ("P1M", "months or years"), ("2 months", "months or years"),
    ("4 hours (critical), 1 day (L2), 2 days (L3)", "expected a duration"),
    ("You may have to wait for weeks.", "expected a duration"), ("1970-03-01 00:00:00", "not a ServiceNow duration"),
])
def test_duration_refused(raw, fragment):
    with pytest.raises(ParseError) as err:
        parse("duration", raw)
    assert fragment in str(err.value)


@pytest.mark.parametrize("raw,expected", [
    ("yes", True), ("Yes", True), ("TRUE", True), ("1", True), ("x", True), ("X", True), ("y", True),
    ("no", False), ("false", False), ("0", False), ("N", False), (True, True), (False, False), (1, True),
    (0, False),
])
def test_boolean(raw, expected):
    assert parse("boolean", raw) is expected


@pytest.mark.parametrize("raw", ["", "  ", "?", "n/a", "N/A", "-", "unknown", "TBD", None])
def test_unknown_words_are_unknown_never_false(raw):
    assert parse("boolean", raw) is None


def test_boolean_refuses_guesses_and_takes_extra_words():
    with pytest.raises(ParseError):
        parse("boolean", "maybe")
    assert parse("boolean", "approved", {"truthy": ["approved"]}) is True
    assert parse("boolean", "pending", {"falsy": ["pending"]}) is False


@pytest.mark.parametrize("name,raw,options,expected", [
    ("number", "1,234.5", {}, 1234.5), ("number", "1 234,5", {}, 1234.5), ("number", "1.234.567", {}, 1234567),
    ("number", "0,5", {}, 0.5), ("number", "1,234", {"decimal": "."}, 1234), ("number", "1,234", {"decimal": ","}, 1.234),
    ("number", "1e3", {}, 1000), ("number", 12.5, {}, 12.5), ("number", "-3", {}, -3),
    ("integer", "42", {}, 42), ("integer", "1,000", {}, 1000), ("integer", 7.0, {}, 7),
    ("money", "£345.89", {}, 345.89), ("money", "USD;699.99", {}, 699.99), ("money", "$1,200.50", {}, 1200.5),
    ("money", "1 200,50 €", {}, 1200.5), ("money", "EUR 12.50", {}, 12.5), ("money", "345.89", {"currency": "GBP"}, 345.89),
    ("money", "£0.45", {"currency": "GBP"}, 0.45), ("money", 699.99, {}, 699.99),
])
def test_numbers_and_money(name, raw, options, expected):
    assert parse(name, raw, options) == expected


@pytest.mark.parametrize("name,raw,options,fragment", [
    ("number", "1,234", {}, "ambiguous"), ("number", "12,34.5", {}, "grouping"), ("number", "ten", {}, "expected a number"),
    ("integer", "4.5", {}, "whole number"), ("money", "USD;699.99", {"currency": "GBP"}, "does not convert"),
    ("money", "£345.89 to £400.23456 per instance per quarter", {}, "amount of money"),
    ("number", "5", {"plausible": [0, 4]}, "plausible range"),
])
def test_numbers_refused(name, raw, options, fragment):
    with pytest.raises(ParseError) as err:
        parse(name, raw, options)
    assert fragment in str(err.value)


@pytest.mark.parametrize("raw,options,expected", [
    ("2026-06-01", {}, "2026-06-01"), ("2012-01-21 19:00:12", {}, "2012-01-21"),
    ("2014-12-23T14:51:19Z", {}, "2014-12-23"), ("21/01/2012", {}, "2012-01-21"), ("01/21/2012", {}, "2012-01-21"),
    ("01/02/2012", {"dayfirst": True}, "2012-02-01"), ("01/02/2012", {"dayfirst": False}, "2012-01-02"),
    ("21.01.2012", {}, "2012-01-21"), ("21 Jan 2012", {}, "2012-01-21"), ("January 21, 2012", {}, "2012-01-21"),
    ("21-Jan-2012", {}, "2012-01-21"), (dt.datetime(2026, 6, 1, 9, 30), {}, "2026-06-01"),
    (dt.date(2026, 6, 1), {}, "2026-06-01"), (45000, {"excel_serial": True}, "2023-03-15"),
    ("01 06 2026", {"formats": ["%d %m %Y"]}, "2026-06-01"),
])
def test_dates(raw, options, expected):
    assert parse("date", raw, options) == expected


@pytest.mark.parametrize("raw,fragment", [("01/02/2012", "ambiguous"), ("2026-02-30", "not a real date"),
                                          ("next Tuesday", "expected a date"), (45000, "expected a date")])
def test_dates_refused(raw, fragment):
    with pytest.raises(ParseError) as err:
        parse("date", raw)
    assert fragment in str(err.value)


def test_servicenow_references():
    ref = {"link": "https://dev80317.service-now.com/api/now/table/sys_user/5f72", "value": "5f72"}
    assert parse("reference", ref) == "5f72"
    assert parse("reference", {"display_value": "Fred Luddy", "value": "5f72"}) == "Fred Luddy"
    assert parse("reference", {"display_value": "Fred Luddy", "value": "5f72"}, {"use": "value"}) == "5f72"
    assert parse("reference", "Fred Luddy") == "Fred Luddy"
    assert parse("reference", {"link": "x", "value": ""}) is None
    # sysparm_display_value=all wraps every field; other parsers unwrap it too
    assert parse("integer", {"display_value": "9", "value": "9"}) == 9
    with pytest.raises(ParseError):
        parse("reference", {"name": "x"})


def test_string_parser():
    assert parse("string", "  Payroll ") == "Payroll"
    assert parse("string", 1001.0) == "1001"
    assert parse("string", "line one\n  line two\n", {"collapse": True}) == "line one line two"
    with pytest.raises(ParseError):
        parse("string", ["a", "b"])


def test_every_registered_example_holds():
    for name, parser in PARSERS.items():
        for raw, expected in parser.examples:
            assert parse(name, raw) == expected, (name, raw)


# --- properties: parsers never raise anything but ParseError, unknown stays unknown

texts = st.one_of(st.text(max_size=40), st.from_regex(r"[0-9 .,%$£€;:hHdDmMPT-]{0,20}", fullmatch=True))
raws = st.one_of(texts, st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                 st.none(), st.lists(st.text(max_size=5), max_size=3),
                 st.dictionaries(st.sampled_from(["value", "display_value", "link", "x"]), st.text(max_size=5)))


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(PARSERS)), raw=raws)
def test_parsers_never_raise_anything_but_parse_error(name, raw):
    try:
        parse(name, raw)
    except ParseError:
        pass


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(sorted(PARSERS)), word=st.sampled_from(DEFAULT_UNKNOWN),
       pad=st.sampled_from(["", " ", "  ", "\t"]), upper=st.booleans())
def test_unknown_words_are_unknown_for_every_parser(name, word, pad, upper):
    raw = pad + (word.upper() if upper else word) + pad
    assert parse(name, raw) is None


@settings(max_examples=300, deadline=None)
@given(raw=texts)
def test_boolean_is_false_only_for_false_words(raw):
    try:
        value = parse("boolean", raw)
    except ParseError:
        return
    if value is False:
        assert raw.strip().casefold() in {"no", "n", "false", "f", "0", "off", "✗", "✘", "unchecked", "nein", "non"}


@settings(max_examples=300, deadline=None)
@given(value=st.decimals(min_value=0, max_value=1, places=4))
def test_declared_scales_agree(value):
    """0.999 read as a ratio and 99.9 read as a percent are the same fact."""
    as_ratio = parse("percent", str(value), {"scale": "ratio"})
    as_percent = parse("percent", str(value * 100), {"scale": "percent"})
    assert as_ratio == pytest.approx(as_percent)
