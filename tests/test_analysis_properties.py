"""Property tests for the analysis layer (hypothesis)."""
from __future__ import annotations

import pytest

import math

import pandas as pd
from hypothesis import given, settings, strategies as st

from sokhcn_analytics.analysis.measures import monthly, yoy, ytd
from sokhcn_analytics.core.model import INDICATOR_COLUMNS, normalize_indicators

pytestmark = pytest.mark.slow  # hypothesis, hundreds of frames (make test runs them; make test-fast does not)

FLOWS = ["mushroom_spawn_kg", "training_classes", "instruments_verified"]
STOCKS = ["tasks_managed", "tasks_continuing"]
VALUES = st.one_of(st.just(0.0), st.integers(0, 5000).map(float),
                   st.floats(0, 1e6, allow_nan=False, allow_infinity=False))


def build(records, org="so-khcn-bac-kan"):
    rows = [{"org": org, "period": p, "indicator": c, "value": v, "kind": "result", "unit": "",
             "source_file": "", "source_ref": "", "reviewed": True, "illustrative": False}
            for (p, c), v in records.items()]
    return normalize_indicators(pd.DataFrame(rows, columns=INDICATOR_COLUMNS))


# a year of reports with gaps: {(period, code): value}
year_reports = st.dictionaries(
    st.tuples(st.integers(1, 12).map(lambda m: f"2021-{m:02d}"), st.sampled_from(FLOWS + STOCKS)),
    VALUES, min_size=1, max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(year_reports, st.integers(1, 12))
def test_ytd_of_flows_equals_sum_of_monthly(records, month):
    df = build(records)
    period = f"2021-{month:02d}"
    out = ytd(df, period)
    for code in FLOWS:
        expected = monthly(df, code, start="2021-01", end=period).sum(min_count=1)
        if math.isnan(expected):
            assert code not in out.index
        else:
            assert math.isclose(out[code], expected, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(year_reports, st.integers(1, 12))
def test_ytd_of_stocks_equals_last_reported_month(records, month):
    df = build(records)
    period = f"2021-{month:02d}"
    out = ytd(df, period)
    for code in STOCKS:
        reported = monthly(df, code, start="2021-01", end=period).dropna()
        if reported.empty:
            assert code not in out.index
        else:
            assert out[code] == reported.iloc[-1]


@settings(max_examples=60, deadline=None)
@given(year_reports, st.integers(1, 12))
def test_yoy_of_a_frame_against_itself_one_year_later_is_zero_change(records, month):
    shifted = {(p.replace("2021", "2022"), c): v for (p, c), v in records.items()}
    df = pd.concat([build(records), build(shifted)], ignore_index=True)
    t = yoy(df, f"2022-{month:02d}")
    for col, base in (("change_pct", "value_prev_year"), ("ytd_change_pct", "ytd_prev_year")):
        nonzero = t[base].notna() & (t[base] != 0)
        assert (t.loc[nonzero, col].abs() < 1e-9).all()
        assert t.loc[~nonzero, col].isna().all()          # zero or missing base: NaN, never inf
    assert (t["months"] == t["months_prev_year"]).all()


@settings(max_examples=40, deadline=None)
@given(year_reports, year_reports, st.integers(1, 12))
def test_each_org_in_a_combined_frame_gets_its_own_ytd(a, b, month):
    period = f"2021-{month:02d}"
    df = pd.concat([build(a, org="so-khcn-bac-kan"), build(b, org="minh-hoa")], ignore_index=True)
    combined = ytd(df, period)
    for org, records in (("so-khcn-bac-kan", a), ("minh-hoa", b)):
        alone = ytd(build(records, org=org), period)
        if alone.empty:
            continue
        pd.testing.assert_series_equal(combined.xs(org, level="org"), alone, check_names=False)
