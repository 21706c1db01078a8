"""Stated quarters, half years and years against their months (issue 12): ``reconcile``, ``span_yoy``,
the store keeping span figures beside monthly ones, and ``sokhcn check``."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from sokhcn_analytics.analysis.reconcile import disagreements, reconcile, span_yoy

ORG = "so-khcn-cao-bang"


def _frame(rows):
    return pd.DataFrame([{"org": ORG, "kind": "result", "source_file": "f", "source_ref": "q", **r} for r in rows])


def _months(code, values, year=2022, first=1):
    return [{"indicator": code, "period": f"{year}-{first + i:02d}", "span": 1, "value": v} for i, v in enumerate(values)]


def test_a_quarter_that_agrees_with_its_months():
    df = _frame(_months("training_classes", [2, 1, 3])
                + [{"indicator": "training_classes", "period": "2022-03", "span": 3, "value": 6}])
    row = reconcile(df).iloc[0]
    assert (row.stated, row.computed, row.difference, row.months_found) == (6.0, 6.0, 0.0, 3)
    assert disagreements(df).empty


def test_a_quarter_that_does_not_agree_is_listed_with_the_difference():
    df = _frame(_months("samples_tested", [10, 12, 8])
                + [{"indicator": "samples_tested", "period": "2022-03", "span": 3, "value": 35}])
    out = disagreements(df, org=ORG, period="2022-03")
    assert out[["indicator", "stated", "computed", "difference"]].values.tolist() == [["samples_tested", 35.0, 30.0, 5.0]]
    assert out.loc[0, "quote"] == "q"


def test_a_stock_is_compared_with_its_last_month_not_the_sum():
    df = _frame(_months("tasks_managed", [40, 41, 42])
                + [{"indicator": "tasks_managed", "period": "2022-03", "span": 3, "value": 42}])
    row = reconcile(df).iloc[0]
    assert (row.computed, row.difference) == (42.0, 0.0)


def test_a_year_with_a_missing_month_has_no_difference_but_names_the_month():
    months = _months("fines_vnd", [1e6] * 12)
    del months[6]  # July never reported
    df = _frame(months + [{"indicator": "fines_vnd", "period": "2022-12", "span": 12, "value": 13e6}])
    row = reconcile(df).iloc[0]
    assert row.missing_months == "2022-07" and row.months_found == 11 and row.computed == 11e6
    assert math.isnan(row.difference)
    assert disagreements(df).empty


def test_year_on_year_uses_stated_years_where_months_are_missing():
    df = _frame([{"indicator": "councils_held", "period": "2021-12", "span": 12, "value": 20}]
                + _months("councils_held", [2] * 12))
    out = span_yoy(df, ORG, "2022-12").set_index("indicator")
    assert out.loc["councils_held", ["value", "previous", "source", "previous_source"]].tolist() == [
        24.0, 20.0, "months", "stated"]


def test_monthly_analysis_never_adds_a_quarter_into_its_months():
    from sokhcn_analytics.analysis.measures import monthly, ytd

    df = _frame(_months("training_classes", [2, 1, 3])
                + [{"indicator": "training_classes", "period": "2022-03", "span": 3, "value": 60}])
    df = df.assign(unit="lớp", reviewed=False, illustrative=False, approx="")
    assert monthly(df, "training_classes", org=ORG).tolist() == [2.0, 1.0, 3.0]
    assert ytd(df, "2022-03", org=ORG)["training_classes"] == 6.0


QUARTER_REPORT = """BÁO CÁO
Kết quả hoạt động khoa học và công nghệ quý I năm 2022
I. KẾT QUẢ THỰC HIỆN
Trong quý, Sở tổ chức 07 lớp tập huấn cho nông dân; quản lý 41 nhiệm vụ khoa học và công nghệ.
II. PHƯƠNG HƯỚNG NHIỆM VỤ QUÝ II
Tổ chức 03 lớp tập huấn.
"""


@pytest.fixture(scope="module")
def quarter_store(tmp_path_factory):
    from sokhcn_analytics.store.build import build_store
    from sokhcn_analytics.ingest.workbook import write_template

    root = tmp_path_factory.mktemp("q")
    raw = root / "raw"
    for month, classes in (("2022-01", 2), ("2022-02", 1), ("2022-03", 3)):
        write_template(month, raw / "workbooks" / f"{month}_{ORG}.xlsx", org=ORG,
                       results={"training_classes": classes, "tasks_managed": 41}, reviewed=True)
    (raw / "reports").mkdir(parents=True)
    (raw / "reports" / f"2022-03_{ORG}.txt").write_text(QUARTER_REPORT, encoding="utf-8")
    build_store(raw, root / "p")
    return root / "p"


def test_store_keeps_a_quarter_beside_the_months_and_reconcile_reads_it(quarter_store):
    from sokhcn_analytics import load_indicators

    df = load_indicators(quarter_store)
    q = df[(df.span == 3) & (df.indicator == "training_classes")]
    assert q[["period", "kind", "value"]].values.tolist() == [["2022-03", "result", 7.0], ["2022-06", "plan", 3.0]]
    month = df[(df.span == 1) & (df.indicator == "training_classes") & (df.period == "2022-03")]
    assert month["value"].tolist() == [3.0]  # the quarter did not replace March
    row = reconcile(df, org=ORG).set_index("indicator").loc["training_classes"]
    assert (row.stated, row.computed, row.difference) == (7.0, 6.0, 1.0)


def test_sokhcn_check_prints_the_disagreement(quarter_store, capsys):
    from sokhcn_analytics.cli.main import main

    assert main(["check", "--processed", str(quarter_store)]) == 0
    out = capsys.readouterr().out
    assert "Lớp tập huấn" in out and "lệch 1" in out and "Tháng 03/2022 (3 tháng)" in out


def test_summary_and_report_tables_show_months_only(quarter_store):
    from sokhcn_analytics import load_indicators
    from sokhcn_analytics.analysis.summary import summary_table
    from sokhcn_analytics.analysis.tables import next_plans, sources

    text = summary_table(quarter_store, "2022-03")
    assert "Lớp tập huấn" in text and " 7 " not in text
    df = load_indicators(quarter_store)
    assert len(next_plans(df, "2022-03", ORG)) == 0  # the quarter's plan is for June, not April
    assert "7 lớp" not in " ".join(sources(df, "2022-03", ORG).iloc[:, 2])


def test_report_tables_show_the_national_codes_of_a_month_and_leave_a_quarter_out():
    from sokhcn_analytics.core.model import normalize_indicators
    from sokhcn_analytics.analysis.tables import key_figures, months_by_category

    rows = (_months("fines_vnd", [12_500_000, 48_300_000, 7_000_000]) + _months("establishments_inspected", [8, 12, 5])
            + [{"indicator": "fines_vnd", "period": "2022-03", "span": 3, "value": 99_000_000}])
    df = normalize_indicators(_frame(rows).assign(unit="", reviewed=False, illustrative=False, approx=""))
    shown = key_figures(df, "2022-03", ORG)
    text = shown.to_string()
    assert "Số tiền xử phạt vi phạm hành chính" in text and "7.000.000" in text and "67.800.000" in text  # YTD of months
    assert "99.000.000" not in text
    by_cat = months_by_category(df, 2022, "2022-03", "inspection", ORG).to_string()
    assert "Cơ sở, tổ chức, cá nhân được thanh tra, kiểm tra" in by_cat
