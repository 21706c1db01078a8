"""Numbers in the report's language: ``1.234,5`` in Vietnamese (the default), ``1,234.5`` in English."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from report_fixtures import indicator_rows
from sokhcn_analytics.reports import present
from sokhcn_analytics.analysis import tables
from sokhcn_analytics.analysis.commentary import sentences
from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, REAL_ORG
from sokhcn_analytics.core.vnformat import format_number, format_percent

VI_DECIMAL = re.compile(r"\d,\d{1,2}(?!\d)")  # 1.234,5 — a decimal comma (not a thousands group)
EN_DECIMAL = re.compile(r"\d\.\d{1,2}(?!\d)")  # 2.5, 8.3 — not a thousands group


def test_english_numbers_group_with_commas_and_mark_decimals_with_a_point():
    assert format_number(1234.5, lang="en") == "1,234.5"
    assert format_number(1234567.0, lang="en") == "1,234,567"
    assert format_number(-0.25, lang="en") == "-0.25"
    assert format_percent(25, lang="en") == "25.0 %"
    assert format_percent(12.345, signed=True, lang="en") == "+12.3 %"
    assert format_percent(float("nan"), lang="en") == "—" and format_number(None, lang="en") == "—"


def test_vietnamese_stays_the_default():
    assert format_number(1234.5) == "1.234,5" == format_number(1234.5, lang="vi")
    assert format_percent(25) == "25,0 %"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 3))
@settings(deadline=None)
def test_an_english_number_reads_back_as_the_same_rounded_value(x, decimals):
    en, vi = format_number(x, decimals, lang="en"), format_number(x, decimals)
    assert float(en.replace(",", "")) == float(f"{x:.{decimals}f}") + 0.0
    # the same digits, separators swapped
    assert en.translate(str.maketrans(",.", ".,")) == vi


def test_commentary_in_english_writes_english_numbers():
    out = sentences(indicator_rows(), "2021-03", ILLUSTRATIVE_ORG, lang="en", indicators=["mushroom_spawn_kg"])
    assert out[1].startswith("Up 30.4 % on the same month of 2020 (230 kg)")
    assert "22.8 %" in out[2] and "(3,200 kg)" in out[2]
    assert sentences(indicator_rows(), "2021-03", REAL_ORG, lang="en", indicators=["mushroom_spawn_kg"])[0].endswith(
        ": 1,234.5 kg.")


def test_report_tables_in_english_have_no_vietnamese_decimal_comma():
    df = indicator_rows()
    shown = tables.key_figures(df, "2021-03", org=REAL_ORG, lang="en")
    cells = [str(v) for v in shown.to_numpy().ravel()]
    assert "1,234.5" in cells
    en_targets = tables.targets(df, 2021, "2021-03", org=ILLUSTRATIVE_ORG, lang="en").to_numpy().ravel()
    assert any(EN_DECIMAL.search(str(v)) and str(v).endswith(" %") for v in en_targets)
    assert not any(VI_DECIMAL.search(str(v)) for v in en_targets)
    vi_cells = [str(v) for v in tables.key_figures(df, "2021-03", org=REAL_ORG).to_numpy().ravel()]
    assert "1.234,5" in vi_cells and "1,234.5" not in vi_cells


def test_english_numbers_are_right_aligned_in_report_tables(monkeypatch):
    import pandas as pd

    shown = []
    monkeypatch.setattr(present, "show_html", lambda markup, metadata=None: shown.append(markup))
    present.table(pd.DataFrame({"a": ["1,234.5", "+25.0 %", "x1"], "b": ["1.234,5", "—", "-3"]}))
    numeric = re.findall(r'<td class="num">([^<]*)</td>', shown[0])
    assert numeric == ["1,234.5", "1.234,5", "+25.0 %", "—", "-3"]
