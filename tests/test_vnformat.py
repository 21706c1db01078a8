"""Vietnamese numbers and periods: read what analysts type, write what leadership reads."""
from __future__ import annotations

import math

import pytest

from sokhcn_analytics.core.model import next_period, parse_period, shift_period
from sokhcn_analytics.core.vnformat import format_number, format_percent, format_period, parse_number


@pytest.mark.parametrize("text,value", [("1.200", 1200), ("2,5", 2.5), ("07", 7), ("1.234.567", 1234567),
                                        ("1.234,5", 1234.5), (" 36 ", 36), ("**36**", 36), (250, 250),
                                        (2.5, 2.5), ("-3", -3), ("1 200", 1200), ("0,75", 0.75)])
def test_parse_number_reads_vietnamese_style(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["abc", "", "1.2.3,4,5", "12/08", "1,2,3", "nan", True])
def test_parse_number_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize("value,text", [(1234.5, "1.234,5"), (250.0, "250"), (1234567, "1.234.567"),
                                        (0.25, "0,25"), (-2.5, "-2,5"), (None, "—"), (math.nan, "—")])
def test_format_number_writes_vietnamese_style(value, text):
    assert format_number(value) == text


def test_format_percent_shows_missing_and_infinite_as_dash():
    assert format_percent(12.34) == "12,3 %"
    assert format_percent(5, signed=True) == "+5,0 %"
    assert format_percent(math.inf) == "—" and format_percent(None) == "—" and format_percent(math.nan) == "—"


def test_periods_format_and_cross_the_year_boundary():
    assert format_period("2021-01") == "Tháng 01/2021"
    assert next_period("2021-12") == "2022-01" and shift_period("2021-01", -1) == "2020-12"
    assert shift_period("2021-03", -12) == "2020-03"
    for bad in ("2021-13", "2021-1", "../../x", "2021-00", "21-01"):
        with pytest.raises(ValueError, match="NNNN-TT"):
            parse_period(bad)
