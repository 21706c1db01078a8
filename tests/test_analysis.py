"""Analysis layer: every expectation below is computed by hand from the small frames built here."""
from __future__ import annotations

import math

import pandas as pd
import pytest

import sokhcn_analytics as sa
from sokhcn_analytics.analysis import measures as analysis
from sokhcn_analytics.analysis.measures import monthly, plan_followup, plan_vs_actual, task_pipeline, yoy, ytd
from sokhcn_analytics.core.model import INDICATOR_COLUMNS, normalize_indicators, normalize_tasks
from sokhcn_analytics.analysis.tables import format_table
from sokhcn_analytics.core.vnformat import format_percent

REAL = "so-khcn-bac-kan"
DEMO = "minh-hoa"
SPAWN = "mushroom_spawn_kg"      # flow (sum), kg
TRAINING = "training_classes"    # flow (sum)
MANAGED = "tasks_managed"        # stock (last)


def frame(rows, org=REAL, illustrative=False):
    """rows: (period, indicator, value[, kind]) tuples → a frame like load_indicators() returns."""
    recs = []
    for r in rows:
        period, code, value, kind = (*r, "result") if len(r) == 3 else r
        recs.append({"org": org, "period": period, "indicator": code, "value": value, "kind": kind,
                     "unit": "", "source_file": "test", "source_ref": "", "reviewed": True,
                     "illustrative": illustrative})
    return normalize_indicators(pd.DataFrame(recs, columns=INDICATOR_COLUMNS))


# ---------------------------------------------------------------------------
# monthly
# ---------------------------------------------------------------------------

def test_monthly_leaves_unreported_months_nan_not_zero():
    df = frame([("2021-01", SPAWN, 250.0), ("2021-04", SPAWN, 300.0)])
    s = monthly(df, SPAWN)
    assert s.index.tolist() == ["2021-01", "2021-02", "2021-03", "2021-04"]
    assert s["2021-01"] == 250.0 and s["2021-04"] == 300.0
    assert s[["2021-02", "2021-03"]].isna().all()
    assert (s.fillna(-1) != 0).all()


def test_monthly_of_indicator_starting_mid_year_is_nan_before_its_first_report():
    df = frame([("2021-06", TRAINING, 3.0), ("2021-07", TRAINING, 5.0)])
    assert monthly(df, TRAINING).index.tolist() == ["2021-06", "2021-07"]
    s = monthly(df, TRAINING, start="2021-01", end="2021-08")
    assert len(s) == 8
    assert s.iloc[:5].isna().all() and s.iloc[7:].isna().all()
    assert s["2021-06"] == 3.0 and s["2021-07"] == 5.0


def test_monthly_runs_across_december_to_january():
    df = frame([("2020-11", SPAWN, 1.0), ("2020-12", SPAWN, 2.0), ("2021-02", SPAWN, 4.0)])
    s = monthly(df, SPAWN)
    assert s.index.tolist() == ["2020-11", "2020-12", "2021-01", "2021-02"]
    assert math.isnan(s["2021-01"])


def test_monthly_uses_only_result_rows_beside_plan_and_target():
    df = frame([("2021-01", SPAWN, 250.0), ("2021-01", SPAWN, 3000.0, "target"),
                ("2021-02", SPAWN, 400.0, "plan")])
    s = monthly(df, SPAWN, end="2021-02")
    assert s.index.tolist() == ["2021-01", "2021-02"]
    assert s["2021-01"] == 250.0 and math.isnan(s["2021-02"])


def test_monthly_rejects_malformed_period():
    with pytest.raises(ValueError):
        monthly(frame([("2021-01", SPAWN, 1.0)]), SPAWN, start="2021-13")


# ---------------------------------------------------------------------------
# ytd
# ---------------------------------------------------------------------------

def test_ytd_of_flow_sums_this_years_months_through_period_only():
    df = frame([("2020-12", SPAWN, 1000.0), ("2021-01", SPAWN, 250.0), ("2021-02", SPAWN, 300.0),
                ("2021-03", SPAWN, 50.0)])
    assert ytd(df, "2021-02")[SPAWN] == 550.0     # not Dec 2020, not March
    assert ytd(df, "2021-03")[SPAWN] == 600.0


def test_ytd_of_stock_takes_latest_value_not_the_sum():
    df = frame([("2021-01", MANAGED, 36.0), ("2021-02", MANAGED, 38.0), ("2021-04", MANAGED, 35.0)])
    assert ytd(df, "2021-02")[MANAGED] == 38.0
    assert ytd(df, "2021-03")[MANAGED] == 38.0    # March unreported: latest value so far
    assert ytd(df, "2021-04")[MANAGED] == 35.0


def test_ytd_of_stock_reported_only_last_year_is_left_out_not_carried_over():
    df = frame([("2020-12", MANAGED, 36.0), ("2021-01", SPAWN, 5.0)])
    out = ytd(df, "2021-01")
    assert MANAGED not in out.index
    assert out[SPAWN] == 5.0


def test_ytd_with_gaps_sums_reported_months_and_ignores_plan_and_target():
    df = frame([("2021-01", TRAINING, 6.0), ("2021-03", TRAINING, 4.0),
                ("2021-01", TRAINING, 40.0, "target"), ("2021-02", TRAINING, 9.0, "plan"),
                ("2021-04", TRAINING, 3.0, "plan")])
    assert ytd(df, "2021-04")[TRAINING] == 10.0


def test_ytd_lists_indicators_in_catalog_order():
    df = frame([("2021-01", SPAWN, 1.0), ("2021-01", MANAGED, 2.0), ("2021-01", TRAINING, 3.0)])
    assert ytd(df, "2021-01").index.tolist() == [MANAGED, SPAWN, TRAINING]


def test_ytd_of_indicator_missing_from_catalog_raises_naming_it():
    df = frame([("2021-01", "not_an_indicator", 1.0)])
    with pytest.raises(KeyError, match="not_an_indicator"):
        ytd(df, "2021-01")


def test_revised_value_later_row_in_frame_wins():
    stored = frame([("2021-01", SPAWN, 250.0), ("2021-02", SPAWN, 300.0)])
    revision = frame([("2021-01", SPAWN, 260.0)])
    df = pd.concat([stored, revision], ignore_index=True)
    assert monthly(df, SPAWN)["2021-01"] == 260.0
    assert ytd(df, "2021-02")[SPAWN] == 560.0     # 260 + 300, not 250 + 260 + 300
    # the order decides, not the value: revising back down works too
    back = pd.concat([df, frame([("2021-01", SPAWN, 200.0)])], ignore_index=True)
    assert ytd(back, "2021-02")[SPAWN] == 500.0


def test_yoy_answers_for_the_frame_as_it_is_now_not_as_it_was_at_an_earlier_call():
    df = frame([("2020-01", SPAWN, 200.0), ("2021-01", SPAWN, 250.0)])
    assert yoy(df, "2021-01").loc[SPAWN, "value"] == 250.0
    df.loc[df["period"] == "2021-01", "value"] = 300.0            # changed in place, same object
    assert yoy(df, "2021-01").loc[SPAWN, "value"] == 300.0
    revised = frame([("2021-01", SPAWN, 275.0)])
    assert yoy(pd.concat([df, revised]), "2021-01").loc[SPAWN, "value"] == 275.0   # later row wins
    assert yoy(pd.concat([revised, df]), "2021-01").loc[SPAWN, "value"] == 300.0   # same rows, other order


def test_changing_a_returned_table_does_not_change_the_next_answer():
    df = frame([("2021-01", SPAWN, 3000.0, "target"), ("2020-01", SPAWN, 200.0), ("2021-01", SPAWN, 250.0)])
    first, plan = yoy(df, "2021-01"), plan_vs_actual(df, 2021, "2021-01")
    first.loc[SPAWN, "value"] = -1.0
    plan.loc[SPAWN, "target"] = -1.0
    assert yoy(df, "2021-01", org=None).loc[SPAWN, "value"] == 250.0   # same question, asked another way
    assert plan_vs_actual(df, 2021, through="2021-01").loc[SPAWN, "target"] == 3000.0


def test_revision_of_a_plan_does_not_replace_a_result_of_the_same_month():
    df = frame([("2021-02", SPAWN, 300.0), ("2021-02", SPAWN, 999.0, "plan")])
    assert ytd(df, "2021-02")[SPAWN] == 300.0


# ---------------------------------------------------------------------------
# yoy
# ---------------------------------------------------------------------------

def test_yoy_row_is_hand_computed():
    df = frame([("2020-01", SPAWN, 100.0), ("2020-02", SPAWN, 200.0), ("2020-03", SPAWN, 999.0),
                ("2021-01", SPAWN, 150.0), ("2021-02", SPAWN, 150.0)])
    row = yoy(df, "2021-02").loc[SPAWN]
    assert row["value"] == 150.0 and row["value_prev_year"] == 200.0
    assert row["change"] == -50.0 and row["change_pct"] == pytest.approx(-25.0)
    assert row["ytd"] == 300.0 and row["ytd_prev_year"] == 300.0   # March 2020 is outside
    assert row["ytd_change"] == 0.0 and row["ytd_change_pct"] == 0.0
    assert row["months"] == 2 and row["months_prev_year"] == 2


def test_yoy_zero_base_gives_missing_percent_shown_as_dash_not_inf():
    df = frame([("2020-01", TRAINING, 0.0), ("2021-01", TRAINING, 6.0)])
    row = yoy(df, "2021-01").loc[TRAINING]
    assert row["change"] == 6.0
    assert math.isnan(row["change_pct"]) and math.isnan(row["ytd_change_pct"])
    assert format_percent(row["change_pct"]) == "—"
    assert not yoy(df, "2021-01").isin([math.inf, -math.inf]).any().any()


def test_yoy_missing_last_year_leaves_change_missing():
    df = frame([("2021-03", TRAINING, 6.0)])
    row = yoy(df, "2021-03").loc[TRAINING]
    assert math.isnan(row["value_prev_year"]) and math.isnan(row["change"])
    assert math.isnan(row["change_pct"]) and row["months_prev_year"] == 0


def test_yoy_in_january_starts_a_new_year_to_date():
    df = frame([("2019-12", SPAWN, 500.0), ("2020-01", SPAWN, 100.0), ("2020-12", SPAWN, 400.0),
                ("2021-01", SPAWN, 120.0)])
    row = yoy(df, "2021-01").loc[SPAWN]
    assert row["ytd"] == 120.0            # not 400 + 120
    assert row["ytd_prev_year"] == 100.0  # not 500 + 100
    assert row["change_pct"] == pytest.approx(20.0)


def test_yoy_in_december_compares_full_years():
    df = frame([("2020-06", SPAWN, 10.0), ("2020-12", SPAWN, 30.0), ("2021-12", SPAWN, 20.0)])
    row = yoy(df, "2021-12").loc[SPAWN]
    assert row["ytd_prev_year"] == 40.0 and row["ytd"] == 20.0
    assert row["ytd_change_pct"] == pytest.approx(-50.0)


def test_yoy_of_stock_compares_levels():
    df = frame([("2020-01", MANAGED, 30.0), ("2020-02", MANAGED, 32.0), ("2021-01", MANAGED, 36.0),
                ("2021-02", MANAGED, 40.0)])
    row = yoy(df, "2021-02").loc[MANAGED]
    assert row["ytd"] == 40.0 and row["ytd_prev_year"] == 32.0
    assert row["ytd_change_pct"] == pytest.approx(25.0)


# ---------------------------------------------------------------------------
# several orgs
# ---------------------------------------------------------------------------

def two_orgs():
    real = frame([("2021-01", SPAWN, 250.0), ("2021-01", MANAGED, 36.0)], org=REAL)
    demo = frame([("2020-01", SPAWN, 80.0), ("2021-01", SPAWN, 100.0), ("2021-02", SPAWN, 50.0)],
                 org=DEMO, illustrative=True)
    return pd.concat([real, demo], ignore_index=True)


def test_two_orgs_are_keyed_by_org_and_never_summed():
    df = two_orgs()
    out = ytd(df, "2021-02")
    assert out.index.names == ["org", "indicator"]
    assert out[(REAL, SPAWN)] == 250.0
    assert out[(DEMO, SPAWN)] == 150.0
    assert 400.0 not in out.tolist()
    assert ytd(df, "2021-02", org=REAL).to_dict() == {MANAGED: 36.0, SPAWN: 250.0}


def test_two_orgs_monthly_and_yoy_are_keyed_by_org():
    df = two_orgs()
    s = monthly(df, SPAWN)
    assert s.index.names == ["org", "period"]
    assert s[(REAL, "2021-01")] == 250.0 and s[(DEMO, "2021-01")] == 100.0
    y = yoy(df, "2021-01")
    assert y.loc[(DEMO, SPAWN), "change_pct"] == pytest.approx(25.0)
    assert math.isnan(y.loc[(REAL, SPAWN), "value_prev_year"])  # not the demo org's 80


def test_unknown_org_is_an_error_not_an_empty_result():
    with pytest.raises(ValueError, match="so-khcn-backan"):
        ytd(two_orgs(), "2021-01", org="so-khcn-backan")


# ---------------------------------------------------------------------------
# plan vs actual
# ---------------------------------------------------------------------------

def test_plan_vs_actual_judges_flow_against_pro_rata_share():
    df = frame([("2021-01", SPAWN, 1200.0, "target"), ("2021-01", SPAWN, 100.0),
                ("2021-02", SPAWN, 150.0), ("2021-03", SPAWN, 40.0),
                ("2021-01", TRAINING, 12.0, "target"), ("2021-01", TRAINING, 2.0),
                ("2021-03", TRAINING, 2.0)])
    t = plan_vs_actual(df, 2021, "2021-03")
    spawn = t.loc[SPAWN]
    assert spawn["target"] == 1200.0 and spawn["actual"] == 290.0
    assert spawn["pct_of_target"] == pytest.approx(290 / 1200 * 100)
    assert spawn["expected"] == 300.0 and spawn["expected_pct"] == 25.0
    assert not spawn["on_track"]                       # 290 < 3/12 of 1200
    assert t.loc[TRAINING, "on_track"]                  # 4 >= 3
    assert plan_vs_actual(df, 2021, 3).equals(t)        # month number works too


def test_plan_vs_actual_judges_stock_latest_value_against_full_target():
    df = frame([("2021-01", MANAGED, 40.0, "target"), ("2021-01", MANAGED, 36.0),
                ("2021-02", MANAGED, 41.0)])
    row = plan_vs_actual(df, 2021, "2021-02").loc[MANAGED]
    assert row["actual"] == 41.0 and row["expected"] == 40.0 and row["expected_pct"] == 100.0
    assert row["on_track"]
    assert not plan_vs_actual(df, 2021, "2021-01").loc[MANAGED, "on_track"]


def test_plan_vs_actual_uses_latest_target_of_the_year_up_to_through():
    df = frame([("2020-01", SPAWN, 9999.0, "target"), ("2021-01", SPAWN, 1200.0, "target"),
                ("2021-07", SPAWN, 2400.0, "target"), ("2021-01", SPAWN, 600.0)])
    assert plan_vs_actual(df, 2021, "2021-06").loc[SPAWN, "target"] == 1200.0
    row = plan_vs_actual(df, 2021, "2021-07").loc[SPAWN]
    assert row["target"] == 2400.0 and row["target_period"] == "2021-07"
    assert row["pct_of_target"] == 25.0


def test_plan_vs_actual_with_zero_target_or_no_result():
    df = frame([("2021-01", SPAWN, 0.0, "target"), ("2021-01", SPAWN, 10.0),
                ("2021-01", TRAINING, 12.0, "target")])
    t = plan_vs_actual(df, 2021, "2021-01")
    assert math.isnan(t.loc[SPAWN, "pct_of_target"])
    assert math.isnan(t.loc[TRAINING, "actual"])
    assert t.loc[TRAINING, "on_track"] is pd.NA


def test_plan_vs_actual_rejects_through_in_another_year():
    with pytest.raises(ValueError):
        plan_vs_actual(frame([("2021-01", SPAWN, 1.0, "target")]), 2021, "2022-01")


# ---------------------------------------------------------------------------
# plan follow-up
# ---------------------------------------------------------------------------

def test_plan_followup_compares_plan_for_the_month_with_its_results():
    # plans stated in the January report are stored as February
    df = frame([("2021-02", "tasks_progress_checks", 2.0, "plan"), ("2021-02", "tasks_appraised", 5.0, "plan"),
                ("2021-02", "inspections", 1.0, "plan"), ("2021-02", "tasks_submitted_for_approval", 2.0, "plan"),
                ("2021-03", SPAWN, 500.0, "plan"),
                ("2021-02", "tasks_progress_checks", 3.0), ("2021-02", "tasks_appraised", 2.0),
                ("2021-02", "inspections", 0.0), ("2021-02", SPAWN, 300.0)])
    f = plan_followup(df, "2021-02")
    assert f.index.tolist() == ["tasks_appraised", "tasks_submitted_for_approval",
                                "tasks_progress_checks", "inspections"]
    assert f["status"].to_dict() == {"tasks_appraised": "partial", "tasks_submitted_for_approval": "not_reported",
                                     "tasks_progress_checks": "done", "inspections": "not_done"}
    assert f.loc["tasks_appraised", "pct_done"] == pytest.approx(40.0)
    assert f.loc["tasks_progress_checks", "difference"] == 1.0
    assert SPAWN not in f.index          # a result without a plan is not followed up


def test_plan_followup_per_org():
    df = pd.concat([frame([("2021-02", SPAWN, 100.0, "plan"), ("2021-02", SPAWN, 100.0)], org=REAL),
                    frame([("2021-02", SPAWN, 100.0, "plan")], org=DEMO, illustrative=True)])
    f = plan_followup(df, "2021-02")
    assert f.loc[(REAL, SPAWN), "status"] == "done"
    assert f.loc[(DEMO, SPAWN), "status"] == "not_reported"


# ---------------------------------------------------------------------------
# task pipeline
# ---------------------------------------------------------------------------

def tasks_frame(rows, org=REAL):
    """rows: (period, task_id, level, status)."""
    return normalize_tasks(pd.DataFrame(
        [{"org": org, "period": p, "task_id": t, "name": t, "level": lv, "status": st,
          "illustrative": org == DEMO} for p, t, lv, st in rows]))


def test_task_pipeline_counts_and_moves_since_previous_available_period():
    t = tasks_frame([
        ("2020-12", "A", "provincial", "approved"), ("2020-12", "B", "provincial", "in_progress"),
        ("2020-12", "C", "national", "in_progress"), ("2020-12", "D", "ntmn", "in_progress"),
        # no register in January: February compares with December
        ("2021-02", "A", "provincial", "in_progress"), ("2021-02", "B", "provincial", "accepted"),
        ("2021-02", "C", "national", "in_progress"), ("2021-02", "E", "provincial", "proposed"),
        ("2021-02", "F", "provincial", "proposed"),
    ])
    p = task_pipeline(t, "2021-02")
    assert p.previous == "2020-12"
    assert p.counts.index.tolist()[:4] == ["provincial", "national", "ntmn", "grassroots"]
    assert p.counts.loc["provincial"].to_dict() == {
        "proposed": 2, "reviewed": 0, "appraised": 0, "approved": 0, "in_progress": 1,
        "accepted": 1, "stopped": 0}
    assert p.counts.loc["national", "in_progress"] == 1
    assert int(p.counts.to_numpy().sum()) == 5
    moves = {(r.from_status, r.to_status): r.count for r in p.moves.itertuples()}
    assert moves == {("approved", "in_progress"): 1, ("in_progress", "accepted"): 1}
    assert sorted(p.new["task_id"]) == ["E", "F"]
    assert p.removed["task_id"].tolist() == ["D"]


def test_task_pipeline_first_period_has_no_previous_and_all_tasks_new():
    p = task_pipeline(tasks_frame([("2021-01", "A", "provincial", "approved")]), "2021-01")
    assert p.previous is None and len(p.new) == 1 and p.moves.empty


def test_task_pipeline_keys_two_orgs():
    t = pd.concat([tasks_frame([("2021-01", "A", "provincial", "approved")]),
                   tasks_frame([("2020-12", "A", "national", "approved"),
                                ("2021-01", "A", "national", "accepted")], org=DEMO)])
    p = task_pipeline(t, "2021-01")
    assert p.previous == {DEMO: "2020-12", REAL: None}
    assert p.counts.loc[(REAL, "provincial"), "approved"] == 1
    assert p.counts.loc[(DEMO, "provincial"), "approved"] == 0
    assert p.moves.to_dict("records") == [{"org": DEMO, "from_status": "approved",
                                           "to_status": "accepted", "count": 1}]


def test_task_pipeline_listed_twice_counts_once_later_row_wins():
    t = tasks_frame([("2021-01", "A", "provincial", "approved"), ("2021-01", "A", "provincial", "in_progress")])
    p = task_pipeline(t, "2021-01")
    assert int(p.counts.to_numpy().sum()) == 1 and p.counts.loc["provincial", "in_progress"] == 1


# ---------------------------------------------------------------------------
# input shapes, exports, display
# ---------------------------------------------------------------------------

def test_functions_accept_pandas_string_dtype_frames():
    df = frame([("2020-01", SPAWN, 100.0), ("2021-01", SPAWN, 150.0), ("2021-01", SPAWN, 1200.0, "target")])
    text_cols = ["org", "period", "indicator", "unit", "kind", "source_file", "source_ref"]
    df = df.astype({c: "string" for c in text_cols})
    assert ytd(df, "2021-01")[SPAWN] == 150.0
    assert yoy(df, "2021-01").loc[SPAWN, "change_pct"] == pytest.approx(50.0)
    assert plan_vs_actual(df, 2021, "2021-01").loc[SPAWN, "target"] == 1200.0
    assert monthly(df, SPAWN).index[0] == "2020-01"


def test_functions_do_not_modify_the_callers_frame():
    df = pd.concat([frame([("2021-01", SPAWN, 1.0)]), frame([("2021-01", SPAWN, 2.0)])], ignore_index=True)
    before = df.copy()
    ytd(df, "2021-01"), yoy(df, "2021-01"), plan_followup(df, "2021-01"), plan_vs_actual(df, 2021, 1)
    pd.testing.assert_frame_equal(df, before)


def test_package_exports_the_analysis_functions():
    for name in ("monthly", "ytd", "yoy", "plan_vs_actual", "plan_followup", "task_pipeline"):
        assert getattr(sa, name) is getattr(analysis, name)


def test_format_table_shows_vietnamese_names_numbers_and_dashes():
    df = frame([("2020-01", SPAWN, 500.0), ("2021-01", SPAWN, 1250.5), ("2020-01", TRAINING, 0.0),
                ("2021-01", TRAINING, 6.0)])
    t = format_table(yoy(df, "2021-01"))
    assert list(t.columns[:4]) == ["Nội dung", "Đơn vị tính", "Tháng này", "Cùng kỳ năm trước"]
    spawn = t.iloc[0]
    assert spawn["Nội dung"] == "Giống nấm sản xuất" and spawn["Tháng này"] == "1.250,5"
    assert spawn["Đơn vị tính"] == "kg" and spawn["Tăng/giảm"] == "+750,5"
    assert spawn["Tăng/giảm (%)"] == "+150,1 %"
    training = t[t["Nội dung"] == "Lớp tập huấn"].iloc[0]
    assert training["Tăng/giảm (%)"] == "—"
    assert "months" not in " ".join(t.columns)


def test_format_table_in_english_and_with_statuses():
    df = frame([("2021-02", SPAWN, 100.0, "plan"), ("2021-02", SPAWN, 40.0)])
    t = format_table(plan_followup(df, "2021-02"), lang="en")
    assert t.iloc[0]["Indicator"] == "Mushroom spawn produced"
    assert t.iloc[0]["Status"] == "Partly done"
    training = format_table(yoy(frame([("2021-02", TRAINING, 3.0)]), "2021-02"), lang="en")
    assert training.iloc[0]["Unit"] == "classes"
    vi = format_table(plan_followup(df, "2021-02"))
    assert vi.iloc[0]["Tình trạng"] == "Hoàn thành một phần"


# ---------------------------------------------------------------------------
# the real January 2021 report, as hand-read (tests/data/analysis/, copied from
# /work/shared/reports/2021-01_so-khcn-bac-kan.truth.csv)
# ---------------------------------------------------------------------------

def real_january():
    from pathlib import Path

    path = Path(__file__).parent / "data" / "analysis" / "2021-01_so-khcn-bac-kan.truth.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # the last column (a quote from the report) may hold unquoted commas
    truth = pd.DataFrame([ln.split(",", 5)[:5] for ln in lines[1:]],
                         columns=["period", "indicator", "value", "unit", "kind"])
    return normalize_indicators(truth.assign(org=REAL, source_file="2021-01_so-khcn-bac-kan.txt",
                                             reviewed=True, illustrative=False))


def test_real_january_ytd_is_the_months_figures_and_plans_wait_for_february():
    df = real_january()
    out = ytd(df, "2021-01")
    assert out[SPAWN] == 250.0 and out[MANAGED] == 36.0 and out["material_samples_tested"] == 68.0
    assert "inspections" not in out.index                      # only planned, not a result
    y = yoy(df, "2021-01")
    assert y["value_prev_year"].isna().all() and y["change_pct"].isna().all()
    f = plan_followup(df, "2021-02")                            # January's plan is for February
    assert f.loc["tasks_appraised", "plan"] == 5.0
    assert set(f["status"]) == {"not_reported"}
    assert plan_followup(df, "2021-01").empty


def test_format_table_of_task_counts_labels_levels_and_statuses():
    t = tasks_frame([("2021-01", "A", "provincial", "approved"), ("2021-01", "B", "national", "in_progress")])
    table = format_table(task_pipeline(t, "2021-01"))
    assert table["Cấp quản lý"].tolist()[:2] == ["Cấp tỉnh", "Cấp quốc gia"]
    assert table.loc[0, "Đã phê duyệt"] == "1" and table.loc[1, "Tổng số"] == "1"


def test_task_pipeline_without_register_at_period_is_an_error_not_zero_counts():
    t = tasks_frame([("2021-01", "A", "provincial", "approved")])
    with pytest.raises(ValueError, match="2021-02"):
        task_pipeline(t, "2021-02")
    both = pd.concat([t, tasks_frame([("2021-02", "B", "national", "approved")], org=DEMO)])
    p = task_pipeline(both, "2021-02")
    assert p.orgs == [DEMO] and p.previous == {DEMO: None}          # still keyed by org
    assert p.counts.index.names == ["org", "level"]
