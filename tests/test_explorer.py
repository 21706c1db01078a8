"""The explorer driven through its public attributes, its numbers checked against the analysis
functions and by hand: gaps, stocks, two units never summed, illustrative never mixed with real."""
from __future__ import annotations

import math
import shutil

import numpy as np
import openpyxl
import pandas as pd
import pytest

pytest.importorskip("ipywidgets", reason="the explorer needs ipywidgets: pip install -e '.[dev]'")

from conftest import RAW  # noqa: E402
from sokhcn_analytics.core import catalog  # noqa: E402
from sokhcn_analytics.store import build as store
from sokhcn_analytics.analysis.measures import monthly, plan_vs_actual, ytd, yoy  # noqa: E402
from sokhcn_analytics.explorer.widget import Explorer, ExplorerError  # noqa: E402
from sokhcn_analytics.explorer.data import ExplorerData, fold  # noqa: E402
from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, REAL_ORG, empty_indicators, normalize_indicators  # noqa: E402

SPAWN, TASKS, SAMPLES = "mushroom_spawn_kg", "tasks_managed", "material_samples_tested"
HOSTILE = '<img src=x onerror="alert(1)"> & co'
# The real department: spawn (a flow) in 2020 every month, 2021 without March; tasks (a stock).
REAL_SPAWN = {**{f"2020-{m:02d}": 100.0 + m for m in range(1, 13)}, "2021-01": 120.0, "2021-02": 80.0,
              "2021-04": 150.0, "2021-05": 0.0}
REAL_TASKS = {"2020-11": 30.0, "2020-12": 31.0, "2021-01": 33.0, "2021-02": 32.0, "2021-04": 35.0}


def _rows():
    rows = []

    def add(org, period, code, value, kind="result", ref="ChiTieu!D9", reviewed=True, illustrative=False):
        rows.append(dict(org=org, period=period, indicator=code, value=value, unit="", kind=kind,
                         source_file=f"workbooks/{period}_{org}.xlsx", source_ref=ref, reviewed=reviewed,
                         illustrative=illustrative))

    for p, v in REAL_SPAWN.items():
        add(REAL_ORG, p, SPAWN, v, ref="ChiTieu!D18", reviewed=p != "2021-04")
    for p, v in REAL_TASKS.items():
        add(REAL_ORG, p, TASKS, v)
    add(REAL_ORG, "2021-01", SPAWN, 1500.0, "target")
    add(REAL_ORG, "2021-04", SPAWN, 1800.0, "target")  # restated in April
    add(REAL_ORG, "2021-02", SPAWN, 90.0, "plan")
    add(REAL_ORG, "2021-02", SPAWN, 85.0, ref=HOSTILE)  # a revised row later in the frame wins
    # the illustrative org reports the same indicators for the same months: never added to the real ones
    for y in (2020, 2021):
        for m in range(1, 13):
            add(ILLUSTRATIVE_ORG, f"{y}-{m:02d}", SPAWN, 1000.0 * (y - 2019) + m, illustrative=True)
            add(ILLUSTRATIVE_ORG, f"{y}-{m:02d}", SAMPLES, 60.0 + m, illustrative=True)
    # an org whose frame was mixed by hand: its one illustrative row never shows in its view
    add("don-vi-x", "2021-01", SPAWN, 10.0)
    add("don-vi-x", "2021-02", SPAWN, 999.0, illustrative=True)
    return normalize_indicators(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def df():
    return _rows()


@pytest.fixture
def ex(df):
    return Explorer(df, org=REAL_ORG, indicators=(SPAWN,), year=2021)


def _col(ex, column, code=SPAWN):
    d = ex.data[ex.data["indicator"] == code]
    return pd.Series(d[column].to_numpy("float64"), index=d["period"].to_numpy())


# ---------------------------------------------------------------- numbers equal the analysis


@pytest.mark.parametrize("org,code", [(REAL_ORG, SPAWN), (REAL_ORG, TASKS), (ILLUSTRATIVE_ORG, SPAWN)])
def test_monthly_view_equals_monthly_and_yoy(df, org, code):
    ex = Explorer(df, org=org, indicators=(code,), year=2021)
    assert ex.view.value == "monthly" and ex.compare_year.value == 2020
    want = monthly(df, code, "2021-01", "2021-12", org=org)
    pd.testing.assert_series_equal(_col(ex, "value", code), want, check_names=False, check_index=False)
    prev = monthly(df, code, "2020-01", "2020-12", org=org)
    assert np.allclose(_col(ex, "value_compare", code), prev, equal_nan=True)
    for period in [p for p, v in want.items() if not math.isnan(v)]:
        row = yoy(df, period, org=org).loc[code]
        got = ex.data[ex.data["period"] == period].iloc[0]
        for ours, theirs in (("value", "value"), ("value_compare", "value_prev_year"), ("change", "change"),
                             ("change_pct", "change_pct")):
            assert got[ours] == pytest.approx(row[theirs], nan_ok=True), (period, ours)


def test_ytd_view_equals_ytd_and_yoy_where_reported_and_a_missing_month_stays_a_gap(ex, df):
    ex.view.value = "ytd"
    values = _col(ex, "value")
    # hand-checked: 120 + 85 (the revised February) = 205; March not reported; April 205 + 150; May adds 0
    assert values["2021-01"] == 120 and values["2021-02"] == 205 and math.isnan(values["2021-03"])
    assert values["2021-04"] == 355 and values["2021-05"] == 355 and values[6:].isna().all()
    assert list(_col(ex, "months")[:5]) == [1, 2, 2, 3, 4]
    for period in ("2021-01", "2021-02", "2021-04", "2021-05"):
        assert values[period] == pytest.approx(ytd(df, period, org=REAL_ORG)[SPAWN])
        row = yoy(df, period, org=REAL_ORG).loc[SPAWN]
        got = ex.data[ex.data["period"] == period].iloc[0]
        assert got["value_compare"] == pytest.approx(row["ytd_prev_year"])
        assert got["change_pct"] == pytest.approx(row["ytd_change_pct"])


def test_ytd_of_a_stock_is_its_latest_value_not_a_sum(ex, df):
    ex.indicators.value = (TASKS,)
    ex.view.value = "ytd"
    values = _col(ex, "value", TASKS)
    assert values["2021-02"] == 32 == ytd(df, "2021-02", org=REAL_ORG)[TASKS]
    assert math.isnan(values["2021-03"]) and values["2021-04"] == 35
    assert _col(ex, "value_compare", TASKS)["2021-12"] == 31  # rows are keyed by this year's months


def test_rolling12_needs_twelve_reported_months(ex, df):
    ex.view.value = "rolling12"
    values = _col(ex, "value")
    # February 2021: March 2020 .. February 2021, all reported
    assert values["2021-02"] == pytest.approx(sum(100.0 + m for m in range(3, 13)) + 120 + 85)
    assert values[2:].isna().all()  # March 2021 missing: no complete window until March 2022
    assert _col(ex, "value_compare")["2021-12"] == pytest.approx(sum(100.0 + m for m in range(1, 13)))
    assert math.isnan(_col(ex, "value_compare")["2021-11"])  # December 2019 was not reported


def test_two_units_are_never_summed_and_illustrative_is_never_mixed_with_real(df):
    ex = Explorer(df, org=REAL_ORG, indicators=(SPAWN,), year=2021)
    assert _col(ex, "value")["2021-01"] == 120
    assert 'class="sokhcn-banner"' not in ex.header.value and "MINH HỌA" not in ex.chart.value
    ex.org.value = ILLUSTRATIVE_ORG
    assert _col(ex, "value")["2021-01"] == 2001
    assert 'class="sokhcn-banner"' in ex.header.value and "DỮ LIỆU MINH HỌA" in ex.chart.value
    ex.org.value = "don-vi-x"
    assert _col(ex, "value")["2021-01"] == 10 and math.isnan(_col(ex, "value")["2021-02"])
    assert "999" not in ex.table.value and 'class="sokhcn-banner"' not in ex.header.value
    assert [v for _, v in ex.org.options] == ["so-khcn-bac-kan", "don-vi-x", ILLUSTRATIVE_ORG]  # real units first
    assert "minh họa" in ex.org.options[-1][0].lower()


def test_plans_and_targets_equal_plan_vs_actual(ex, df):
    ex.show_plans.value = True
    assert _col(ex, "plan")["2021-02"] == 90 and math.isnan(_col(ex, "plan")["2021-01"])
    ex.view.value = "ytd"
    for month in (2, 4, 5):
        want = plan_vs_actual(df, 2021, month, org=REAL_ORG).loc[SPAWN]
        got = ex.data[ex.data["month"] == month].iloc[0]
        assert got["target"] == want["target"] and got["expected"] == pytest.approx(want["expected"])
    assert "Chỉ tiêu năm" in ex.table.value and 'class="target"' in ex.chart.value
    ex.show_plans.value = False
    assert "target" not in ex.data.columns and 'class="target"' not in ex.chart.value


# ---------------------------------------------------------------- every control


def test_every_control_change_updates_the_data(ex):
    seen = [ex.data.copy()]

    def changed():
        assert not ex.data.equals(seen[-1])
        seen.append(ex.data.copy())

    ex.year.value = 2020
    assert ex.data["period"].iloc[0] == "2020-01" and ex.compare_year.value == 2019  # follows: the year before
    changed()
    ex.compare_year.value = 2021
    assert ex.data["compare_period"].iloc[0] == "2021-01"
    changed()
    ex.year.value = 2021  # the comparison was chosen by hand: it stays
    assert ex.compare_year.value == 2021
    changed()
    ex.view.value = "ytd"
    changed()
    ex.show_plans.value = True
    changed()
    ex.indicators.value = (SPAWN, TASKS)
    assert set(ex.data["indicator"]) == {SPAWN, TASKS} and len(ex.data) == 24
    changed()
    ex.category.value = "tasks"
    assert ex.indicators.value == (SPAWN, TASKS)  # the selection already holds one of its indicators
    ex.indicators.value = (SPAWN,)
    ex.category.value = "tasks"  # none of its indicators was selected: its first one is
    assert ex.indicators.value == (TASKS,)
    changed()
    ex.org.value = ILLUSTRATIVE_ORG
    assert ex.indicators.value == (SPAWN,)  # tasks_managed is not reported there: the key indicator instead
    changed()
    assert ex.chart.value.count("<svg") == 1 and "data-indicator=\"mushroom_spawn_kg\"" in ex.chart.value


def test_a_code_of_another_category_is_selected_and_the_category_follows(df):
    ex = Explorer(df, org=ILLUSTRATIVE_ORG, year=2021)
    ex.category.value = "lab_production"
    assert [c for _, c in ex.indicators.options] == [SPAWN]
    ex.indicators.value = (SAMPLES,)
    assert ex.category.value == "testing" and ex.indicators.value == (SAMPLES,)
    assert _col(ex, "value", SAMPLES)["2021-03"] == 63
    ex.indicators.value = (SPAWN, SAMPLES)
    assert ex.category.value == ""  # two categories: all of them


def test_the_search_narrows_the_list_by_name_without_diacritics(df):
    ex = Explorer(df, org=ILLUSTRATIVE_ORG, year=2021, indicators=(SAMPLES,))
    ex.category.value = ""
    ex.search.value = "giong nam"
    assert [c for _, c in ex.indicators.options] == [SAMPLES, SPAWN] or \
        [c for _, c in ex.indicators.options] == [SPAWN, SAMPLES]  # the selected one stays
    assert "Giống nấm sản xuất" in ex.indicators.options[0][0] + ex.indicators.options[1][0]
    assert fold("Đơn vị Nấm") == "don vi nam"


def test_option_labels_are_names_and_values_are_codes(ex):
    assert ("Giống nấm sản xuất", SPAWN) in ex.indicators.options
    assert ex.org.label == catalog.label(f"org.{REAL_ORG}")
    en = Explorer(ex.frames.df, org=REAL_ORG, year=2021, indicators=(SPAWN,), lang="en")
    assert ("Mushroom spawn produced", SPAWN) in en.indicators.options
    assert en.view.label == "Monthly" and "Sources for" in en.sources.value


# ---------------------------------------------------------------- bad selections


def test_a_year_without_data_is_a_message_not_a_traceback(ex):
    ex.year.value = 2015
    assert ex.year.value == 2015 and ex.data.empty
    assert "không có số liệu kết quả năm 2015" in ex.message.value and "2020, 2021" in ex.message.value
    assert ex.chart.value == "" and "Traceback" not in ex.message.value
    ex.year.value = 2021
    assert ex.message.value == "" and not ex.data.empty


def test_an_indicator_the_unit_never_reports_is_a_message(ex):
    ex.indicators.value = (SAMPLES, SPAWN)
    assert "không báo cáo chỉ tiêu: Mẫu vật liệu xây dựng thử nghiệm" in ex.message.value
    assert set(ex.data["indicator"]) == {SPAWN}
    ex.indicators.value = ("no_such_code",)
    assert ex.data.empty and "no_such_code" in ex.message.value
    ex.indicators.value = ()
    assert "Chọn ít nhất một chỉ tiêu" in ex.message.value


def test_a_comparison_year_without_data_is_said(ex):
    ex.compare_year.value = 2011
    assert "Không có số liệu năm 2011 để so sánh" in ex.message.value
    assert ex.data["value_compare"].isna().all() and not ex.data["value"].isna().all()
    assert 'class="compare"' not in ex.chart.value and "Năm 2011" not in ex.chart.value
    ex.compare_year.value = None
    assert ex.data["change"].isna().all() and "Năm 2011" not in ex.table.value


def test_an_empty_store_is_a_message():
    ex = Explorer(empty_indicators())
    assert ex.data.empty and ex.org.value is None and "sokhcn build" in ex.messages[0] and "Kho dữ liệu" in ex.message.value


def test_an_unexpected_failure_is_one_short_message(ex, monkeypatch):
    monkeypatch.delenv("SOKHCN_DEBUG", raising=False)
    monkeypatch.setattr(ex.frames, "view", lambda *a, **k: 1 / 0)
    ex.year.value = 2020
    assert "Không hiển thị được lựa chọn này: division by zero" in ex.message.value and ex.data.empty


# ---------------------------------------------------------------- sources and display


def test_a_month_shows_the_source_of_its_numbers_escaped(ex):
    ex.month.value = 2
    page = ex.sources.value
    assert "workbooks/2021-02_so-khcn-bac-kan.xlsx" in page and "workbooks/2020-02_so-khcn-bac-kan.xlsx" in page
    assert "&lt;img src=x onerror=" in page and "&gt; &amp; co" in page and "<img" not in page
    assert "Đã rà soát" in page
    assert '<tr class="sel" data-month="2">' in ex.table.value
    ex.month.value = 4
    assert "Chưa rà soát" in ex.sources.value and "2021-04" in ex.sources.value
    ex.view.value = "ytd"  # the year to date of April comes from January, February and April
    rows = ex.frames.sources(REAL_ORG, (SPAWN,), 2021, None, "ytd", 4)
    assert list(rows["period"]) == ["2021-04", "2021-02", "2021-01"] and 85.0 in set(rows["value"])


def test_the_displayed_explorer_carries_the_widget_and_a_static_copy(ex):
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="sokhcn-explorer-chart"' in html
    assert "<table" in html and "1.500" not in html and "205" not in html  # the monthly view
    ex.indicators.value = (SPAWN, TASKS)
    assert ex.to_html().count("<svg") == 2


def test_the_chart_leaves_a_gap_for_a_month_without_report(ex):
    svg = ex.chart.value
    value_group = svg.split('<g class="value">')[1].split("</g>")[0]
    assert value_group.count("<polyline") == 2  # January-February, then April-May: broken at March
    assert svg.count('class="gap"') == 1


def test_explorer_loads_the_store(shipped_store):
    ex = Explorer(processed_dir=shipped_store)
    assert ex.org.value == REAL_ORG and ex.year.value == 2021 and not ex.data.empty
    assert ex.tasks is not None and len(ex.tasks)


def test_data_layer_caches_views_and_returns_copies(df):
    data = ExplorerData(df)
    first = data.view(REAL_ORG, (SPAWN,), 2021, 2020, "ytd")
    first.loc[0, "value"] = -1
    assert data.view(REAL_ORG, (SPAWN,), 2021, 2020, "ytd").loc[0, "value"] == 120


# ---------------------------------------------------------------- export


@pytest.fixture
def root(tmp_path, monkeypatch):
    """A project root of its own: data/raw copied, reports/ and data/processed empty."""
    shutil.copytree(RAW, tmp_path / "data" / "raw")
    monkeypatch.setenv("SOKHCN_ROOT", str(tmp_path))
    return tmp_path


def test_export_writes_the_view_its_sources_and_the_selection(ex, root):
    ex.view.value = "ytd"
    path = ex.export("spawn")
    assert path == root / "reports" / "exports" / "spawn.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Số liệu", "Nguồn", "Lựa chọn"]
    figures = list(book["Số liệu"].values)
    assert figures[0][:4] == ("Mã chỉ tiêu", "Chỉ tiêu", "Tháng", "Năm 2021")
    assert figures[2][3] == 205 and figures[3][3] is None  # numbers, and a gap stays empty
    sources = list(book["Nguồn"].values)
    assert any(HOSTILE in row for row in sources) and len(sources) > 12
    note = dict(list(book["Lựa chọn"].values)[1:])
    assert note["Cách xem"] == "Lũy kế từ đầu năm" and note["Năm"] == "2021" and SPAWN in note["Chỉ tiêu"]
    assert not list(path.parent.glob(".*"))  # no temporary file left behind


def test_export_button_prints_the_path_under_reports_exports(root, df):
    ex = Explorer(df, org=ILLUSTRATIVE_ORG, year=2021)
    ex.export_button.click()
    written = list((root / "reports" / "exports").glob("*.xlsx"))
    assert [p.name for p in written] == [f"{ex.default_export_name()}.xlsx"]
    note = dict(list(openpyxl.load_workbook(written[0])["Lựa chọn"].values)[1:])
    assert note["Dữ liệu minh họa"].startswith("DỮ LIỆU MINH HỌA")


def test_a_bad_export_name_is_refused(ex, root):
    with pytest.raises(ExplorerError) as err:
        ex.export("../x")
    assert err.value.reason == "bad_export_name"


def test_sokhcn_build_does_not_pick_up_an_export(ex, root):
    exported = ex.export("for-build")
    result = store.build_store()  # the default paths, under SOKHCN_ROOT
    assert result.changed and exported.is_file()
    assert all("exports" not in str(i.get("path", i)) for i in result.inputs)
    assert not store.load_indicators()["source_file"].str.contains("exports").any()
