"""The tables a reading worker builds without pandas hold what the model's normalization makes.

The store's frames used to come from ``normalize_indicators(pd.DataFrame(rows))``; the
workers now build Arrow tables from the rows directly. Both ways must give the same frame,
for workbook rows, report rows and anything odd a row may carry.
"""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sokhcn_analytics.store import read as store_read
from conftest import RAW
from sokhcn_analytics.store.arrow_rows import indicator_table, table_frame, task_table
from sokhcn_analytics.core.model import normalize_indicators, normalize_tasks
from sokhcn_analytics.ingest.workbook import read_workbook_rows, write_template

TEXT = st.none() | st.text(max_size=6)
FLAG = st.none() | st.booleans()
NUMBER = st.none() | st.floats(allow_nan=False, allow_infinity=False) | st.integers(-10**6, 10**6)
INDICATOR_ROW = st.fixed_dictionaries(
    {"org": TEXT, "period": TEXT, "indicator": TEXT, "value": NUMBER, "kind": TEXT, "source_file": TEXT,
     "source_ref": TEXT, "reviewed": FLAG, "illustrative": FLAG},
    optional={"unit": TEXT, "span": st.none() | st.sampled_from([0, 1, 3, 6, 12]), "approx": TEXT})
YEAR = st.none() | st.integers(1990, 2100) | st.integers(1990, 2100).map(float)
TASK_ROW = st.fixed_dictionaries(
    {"org": TEXT, "period": TEXT, "task_id": TEXT, "name": TEXT, "level": TEXT, "status": TEXT,
     "start_year": YEAR, "end_year": YEAR, "lead_org": TEXT, "source_file": TEXT, "source_ref": TEXT,
     "illustrative": FLAG})


def same(table, kind, rows, normalize):
    pd.testing.assert_frame_equal(table_frame(table, kind), normalize(pd.DataFrame(rows)))


@pytest.mark.slow
@given(st.lists(INDICATOR_ROW, max_size=6))
@settings(max_examples=200, deadline=None)
def test_indicator_rows_make_the_frame_normalize_makes(rows):
    same(indicator_table(rows), "indicators", rows, normalize_indicators)


@pytest.mark.slow
@given(st.lists(TASK_ROW, max_size=6))
@settings(max_examples=200, deadline=None)
def test_task_rows_make_the_frame_normalize_makes(rows):
    same(task_table(rows), "tasks", rows, normalize_tasks)


def test_a_workbook_and_a_report_give_the_same_frames_both_ways(tmp_path):
    book = write_template("2021-01", tmp_path / "2021-01_x.xlsx", results={"inspections": 12, "tasks_managed": 2.5},
                          plans={"inspections": 3}, targets={"inspections": 40},
                          tasks=[dict(task_id="T1", name="n", level="provincial", status="approved",
                                      start_year=2021, end_year=None, lead_org="L")])
    rows, tasks = read_workbook_rows(book, source_file="data/raw/x.xlsx")
    report = next(p for p in sorted((RAW / "reports").iterdir()) if p.suffix in (".txt", ".docx"))
    extracted, _ = store_read.read_source(report, "report", "reports/" + report.name)
    assert extracted and {r["reviewed"] for r in extracted} == {False}
    for found in (rows, extracted, rows + extracted):
        same(indicator_table(found), "indicators", found, normalize_indicators)
    same(task_table(tasks), "tasks", tasks, normalize_tasks)


@pytest.mark.parametrize("odd", [{"value": "12"}, {"org": 7}, {"value": 2.0, "span": "3"}])
def test_rows_the_direct_way_cannot_take_go_the_pandas_way(odd):
    row = {"org": "o", "period": "2021-01", "indicator": "inspections", "value": 1.0, "kind": "result",
           "source_file": "f", "source_ref": "r", "reviewed": True, "illustrative": False, **odd}
    with pytest.raises(ValueError):
        indicator_table([row])
    indicators, _ = store_read._tables([row], [])
    pd.testing.assert_frame_equal(table_frame(indicators, "indicators"), normalize_indicators(pd.DataFrame([row])))


def test_a_task_year_that_is_not_whole_goes_the_pandas_way_and_fails_there():
    task = {"org": "o", "period": "2021-01", "task_id": "T", "start_year": 2014.5}
    with pytest.raises(ValueError):
        task_table([task])
    with pytest.raises((TypeError, ValueError)):
        store_read._tables([], [task])
