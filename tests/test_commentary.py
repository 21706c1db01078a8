"""Commentary sentences, checked against figures computed by hand."""
from __future__ import annotations

import pandas as pd

from report_fixtures import indicator_rows
from sokhcn_analytics.analysis.commentary import key_indicators, paragraphs, sentences
from sokhcn_analytics.analysis.measures import yoy
from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, REAL_ORG, normalize_indicators


def frame(rows):
    df = pd.DataFrame(rows, columns=["org", "period", "indicator", "value", "kind"])
    return normalize_indicators(df)


def test_month_change_and_target_share_for_a_flow():
    # 2021-03: 300 kg; 2020-03: 200 + 10*3 = 230 kg → +70/230 = +30,43 %; YTD 250+180+300 = 730 of 3.200 = 22,81 %
    out = sentences(indicator_rows(), "2021-03", ILLUSTRATIVE_ORG, indicators=["mushroom_spawn_kg"])
    assert out == [
        "Giống nấm sản xuất tháng 03/2021 đạt 300 kg.",
        "Tăng 30,4 % so với cùng kỳ năm 2020 (230 kg).",
        "Lũy kế từ đầu năm đạt 730 kg, bằng 22,8 % chỉ tiêu năm 2021 (3.200 kg).",
    ]


def test_decrease_is_worded_as_giam_with_a_positive_percentage():
    # 2021-02: 180 kg; 2020-02: 220 kg → −40/220 = −18,18 %; YTD 430 of 3.200 = 13,44 %
    out = sentences(indicator_rows(), "2021-02", ILLUSTRATIVE_ORG, indicators=["mushroom_spawn_kg"])
    assert out[1] == "Giảm 18,2 % so với cùng kỳ năm 2020 (220 kg)."
    assert out[2] == "Lũy kế từ đầu năm đạt 430 kg, bằng 13,4 % chỉ tiêu năm 2021 (3.200 kg)."


def test_no_comparison_sentence_without_last_year_or_target():
    out = sentences(indicator_rows(), "2021-03", REAL_ORG, indicators=["mushroom_spawn_kg"])
    assert out == ["Giống nấm sản xuất tháng 03/2021 đạt 1.234,5 kg."]


def test_zero_base_gives_no_percentage_sentence():
    df = frame([("x", "2020-01", "mushroom_spawn_kg", 0.0, "result"),
                ("x", "2021-01", "mushroom_spawn_kg", 50.0, "result"),
                ("x", "2021-01", "mushroom_spawn_kg", 0.0, "target")])
    assert sentences(df, "2021-01", "x", indicators=["mushroom_spawn_kg"]) == [
        "Giống nấm sản xuất tháng 01/2021 đạt 50 kg."]


def test_unchanged_value_and_stock_target():
    df = frame([("x", "2020-01", "tasks_managed", 36.0, "result"),
                ("x", "2021-01", "tasks_managed", 36.0, "result"),
                ("x", "2021-01", "tasks_managed", 40.0, "target")])
    assert sentences(df, "2021-01", "x") == [
        "Nhiệm vụ KH&CN đang quản lý tháng 01/2021 đạt 36 nhiệm vụ.",
        "Bằng cùng kỳ năm 2020 (36 nhiệm vụ).",
        "Hiện đạt 90 % chỉ tiêu năm 2021 (40 nhiệm vụ).",
    ]


def test_nothing_said_about_an_indicator_not_reported_this_month():
    df = frame([("x", "2020-01", "mushroom_spawn_kg", 100.0, "result")])
    assert sentences(df, "2021-01", "x", indicators=["mushroom_spawn_kg"]) == []


def test_default_picks_key_indicators_reported_this_month_in_catalog_order():
    df = indicator_rows()
    assert key_indicators(yoy(df, "2021-03", org=ILLUSTRATIVE_ORG)) == [
        "tasks_managed", "mushroom_spawn_kg", "instruments_verified"]
    paras = paragraphs(df, "2021-03", ILLUSTRATIVE_ORG)
    assert [p.indicator for p in paras] == ["tasks_managed", "mushroom_spawn_kg", "instruments_verified"]
    # instruments: 2021-03 103 vs 2020-03 103 → level
    assert paras[2].text == ("Phương tiện đo kiểm định/hiệu chuẩn tháng 03/2021 đạt 103 phương tiện. "
                             "Bằng cùng kỳ năm 2020 (103 phương tiện).")


def test_english_templates():
    out = sentences(indicator_rows(), "2021-03", ILLUSTRATIVE_ORG, lang="en", indicators=["mushroom_spawn_kg"])
    assert out[0] == "Mushroom spawn produced in 03/2021: 300 kg."
    assert out[1].startswith("Up 30.4 % on the same month of 2020")
