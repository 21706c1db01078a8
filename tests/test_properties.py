"""Properties of Vietnamese numbers and periods, checked on generated values (hypothesis).

(ytd/yoy properties live with the analysis in tests/test_analysis_properties.py.)
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sokhcn_analytics.core.model import parse_period, period, shift_period
from sokhcn_analytics.core.vnformat import format_number, format_percent, parse_number

RELAXED = settings(deadline=None)  # the first format_number call imports pandas

REASONABLE = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(REASONABLE, st.integers(min_value=0, max_value=4))
@example(1234.5, 1)
@example(-0.001, 2)
@example(1_000_000.0, 0)
@RELAXED
def test_formatted_number_parses_back_to_the_same_rounded_value(x, decimals):
    assert parse_number(format_number(x, decimals)) == float(f"{x:.{decimals}f}") + 0.0


@given(st.integers(min_value=-10**9, max_value=10**9), st.sampled_from([1, 10, 100]))
@RELAXED
def test_numbers_with_the_decimals_shown_by_default_round_trip_exactly(n, scale):
    x = n / scale
    if scale == 100 and abs(x) >= 10:  # from 10 up one decimal is shown
        x = round(x, 1)
    assert parse_number(format_number(x)) == x


@given(st.integers(min_value=0, max_value=10**12))
@RELAXED
def test_whole_numbers_are_grouped_by_thousands_with_dots(n):
    text = format_number(float(n))
    assert text.replace(".", "") == str(n)
    assert all(len(group) == 3 for group in text.split(".")[1:])
    assert "," not in text


@given(REASONABLE)
@RELAXED
def test_default_format_never_loses_more_than_its_last_decimal(x):
    tolerance = 0.05 if abs(x) >= 10 else 0.005
    assert math.isclose(parse_number(format_number(x)), x, abs_tol=tolerance * 1.0000001, rel_tol=1e-12)


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_parse_number_gives_a_finite_float_or_a_value_error_for_any_text(text):
    try:
        value = parse_number(text)
    except ValueError:
        return
    assert isinstance(value, float) and math.isfinite(value)


def test_parse_number_refuses_digits_beyond_the_float_range():
    with pytest.raises(ValueError):
        parse_number("9" * 400)


@given(st.floats(allow_nan=True, allow_infinity=True) | st.none())
@RELAXED
def test_format_percent_never_fails_and_always_ends_in_percent_or_dash(x):
    text = format_percent(x)
    assert text == "—" or text.endswith(" %")


@given(st.integers(min_value=2000, max_value=2089), st.integers(min_value=1, max_value=12),
       st.integers(min_value=-120, max_value=120))
@RELAXED
def test_shifting_a_period_forward_and_back_returns_it(year, month, months):
    p = period(year, month)
    shifted = shift_period(p, months)
    assert shift_period(shifted, -months) == p
    y, m = parse_period(shifted)
    assert (y * 12 + m) - (year * 12 + month) == months


# ---------------------------------------------------------------- damaged workbooks

_TOKENS = [b"<", b">", b"/", b'"', b"&", b"&amp;", b"\x00", b"\xff\xfe", b"9" * 12, b"-1", b'<c r="D2">', b"<v>",
           b"</v>", b'<c r="XFD1048576"><v>1</v></c>', b'<row r="999999999">', b"</row>", b"<f>1+1</f>",
           b'<mergeCell ref="A1:B2"/>', b't="s"', b't="e"', b't="b"', b"<is><t>x</t></is>"]


@pytest.fixture(scope="module")
def sheet_xml(tmp_path_factory):
    import zipfile

    from bad_corpus import _sheet_part, good_workbook

    path = good_workbook(tmp_path_factory.mktemp("fuzz"))
    part = _sheet_part(path, "ChiTieu")
    with zipfile.ZipFile(path) as zf:
        return path, part, zf.read(part)


@pytest.mark.slow
@given(data=st.data())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_damage_to_the_sheet_xml_loads_or_is_an_input_error_never_a_crash(sheet_xml, tmp_path, data):
    from bad_corpus import _rezip
    from sokhcn_analytics.core.errors import InputError
    from sokhcn_analytics.ingest.workbook import load_workbook

    source, part, xml = sheet_xml
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(xml)))
        cut = data.draw(st.integers(0, 40))
        xml = xml[:at] + data.draw(st.sampled_from(_TOKENS) | st.binary(max_size=8)) + xml[at + cut:]
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes())
    _rezip(path, {part: xml})
    try:
        indicators, tasks = load_workbook(path)
    except InputError as exc:
        _assert_actionable(exc, path)
        return
    _assert_valid_rows(indicators, tasks, path)


def _assert_actionable(exc, path) -> None:
    """A refused file: every problem has a reason code, says where (this file) and what."""
    assert exc.problems and str(exc).strip()
    for problem in exc.problems:
        assert re.fullmatch(r"[a-z][a-z_]*", problem.reason), problem.reason
        assert problem.message.strip() and "Traceback" not in problem.message
        assert Path(problem.file).name == path.name, problem


def _assert_valid_rows(indicators, tasks, path) -> None:
    """A loaded file: only rows the store can take — known codes, finite values, the file's period or the
    next month for plans, each source cell named, no key twice."""
    from bad_corpus import ORG, PERIOD
    from sokhcn_analytics.core import catalog
    from sokhcn_analytics.core.model import INDICATOR_COLUMNS, KINDS

    assert list(indicators.columns) == INDICATOR_COLUMNS
    assert set(indicators["indicator"]) <= set(catalog.codes())
    assert set(indicators["kind"]) <= set(KINDS)
    assert all(math.isfinite(v) and v >= 0 for v in indicators["value"])
    expected = {"result": {PERIOD}, "target": {PERIOD}, "plan": {shift_period(PERIOD, 1)}}
    for kind, period_ in zip(indicators["kind"], indicators["period"]):
        assert period_ in expected[kind], (kind, period_)
    assert set(indicators["org"]) <= {ORG} and set(indicators["source_file"]) <= {path.name}
    assert all(re.fullmatch(r"[A-Za-z]+![A-Z]{1,3}\d+.*", ref) for ref in indicators["source_ref"])
    assert not indicators.duplicated(["org", "period", "indicator", "kind"]).any()
    assert len(tasks) == 0 or set(tasks["org"]) == {ORG}


@pytest.mark.parametrize("ref", [b"B999999999999", b"ABCD1048576", b"C" + b"9" * 5000])
def test_a_cell_reference_beyond_any_sheet_is_refused_not_allocated(sheet_xml, tmp_path, ref):
    """Found by the fuzz test above: calamine sized its grid by such a cell and aborted the process."""
    from bad_corpus import _rezip
    from sokhcn_analytics.core.errors import InputError
    from sokhcn_analytics.ingest.workbook import load_workbook

    source, part, xml = sheet_xml
    at = xml.index(b'<c r="B', xml.index(b"<sheetData"))
    end = xml.index(b'"', at + 7)
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes())
    _rezip(path, {part: xml[:at] + b'<c r="' + ref + xml[end:]})
    with pytest.raises(InputError) as refused:
        load_workbook(path)
    assert refused.value.reason == "too_large"
