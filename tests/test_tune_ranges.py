"""``tune --values START..END:STEP``: exact decimal steps, a bounded count, clear errors
(issue 25 item 10). A property test checks the parser against decimal arithmetic."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from conftest import AS_OF, SAMPLE
from valuate.engine.errors import UserError
from valuate.engine.governance.ranges import MAX_VALUES, expand, range_values


def test_the_issue_range_is_exact():
    values = range_values("99.9..99.99:0.01")
    assert values == [99.9, 99.91, 99.92, 99.93, 99.94, 99.95, 99.96, 99.97, 99.98, 99.99]
    assert [repr(v) for v in values][7] == "99.97"  # 99.9 + 7 * 0.01 in floats is 99.97000000000001
    assert range_values("1..4") == [1, 2, 3, 4] and all(type(v) is int for v in range_values("1..4"))
    assert range_values("-2..2:2") == [-2, 0, 2] and range_values("5..5:1") == [5]


@pytest.mark.parametrize("text, words", [
    ("99.9..99.99:0.02", "99.99 is not a whole number of steps of 0.02 from 99.9 (the range would stop at 99.98)"),
    ("99.99..99.9:0.01", "starts above its end"),
    ("99.9..99.99", "needs a step"),
    ("1..3:0", "must be above 0"),
    ("a..b", "cannot read the range 'a..b'"),
    ("1..2:0.0001", None),  # 10,001 values
    ("0..5000", "over the limit of 1,000"),
])
def test_bad_ranges_say_what_is_wrong(text, words):
    with pytest.raises(UserError) as err:
        expand([text], float)
    assert (words or "over the limit") in str(err.value)


def test_the_count_is_bounded_over_all_items():
    with pytest.raises(UserError, match="more than 1,000 values"):
        expand(["1..600", "1000..1600"], float)
    assert len(expand(["1..600", "0.5", "1000..1398"], float)) == MAX_VALUES


places = st.integers(min_value=0, max_value=4)


@given(start=st.integers(-10**6, 10**6), step=st.integers(1, 10**4), n=st.integers(0, 200), k=places)
def test_a_range_is_decimal_arithmetic(start, step, n, k):
    scale = Decimal(1).scaleb(-k)  # 10**-k
    first, by = Decimal(start) * scale, Decimal(step) * scale
    last = first + n * by
    text = f"{first}..{last}:{by}" if k else f"{start}..{last}:{step}"
    values = range_values(text)
    assert len(values) == n + 1
    assert values == [float(first + i * by) if k else int(first + i * by) for i in range(n + 1)]
    for v, i in zip(values, range(n + 1)):
        assert Decimal(repr(v)) == first + i * by  # no float drift: each reads back as its decimal


def test_tune_takes_a_range(cli):
    done = cli("tune", SAMPLE, "--param", "min_availability_target", "--values", "99.5,99.9..99.99:0.03",
               "--as-of", AS_OF, "--format", "json")
    assert done.exit_code == 0, done.output
    tried = [t["value"] for t in json.loads(done.output)["trials"] if not t["current"]]
    assert tried == [99.5, 99.9, 99.93, 99.96, 99.99]
    done = cli("tune", SAMPLE, "--param", "min_availability_target", "--values", "99.9..99.99:0.02", "--as-of", AS_OF)
    assert done.exit_code == 2 and "the range would stop at 99.98" in done.output
