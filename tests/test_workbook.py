"""The monthly workbook: the template round-trips and every bad cell is named."""
from __future__ import annotations

import subprocess
from datetime import date

import openpyxl
import pytest

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.errors import InputError
from sokhcn_analytics.ingest.workbook import INDICATORS, INFO, TASKS, TARGETS, load_workbook, write_template

from conftest import sokhcn_cmd


def _row_of(ws, code: str) -> int:
    for row in ws.iter_rows(min_row=2):
        if row[0].value == code:
            return row[0].row
    raise AssertionError(code)


@pytest.fixture
def template(tmp_path):
    return write_template("2021-03", tmp_path / "2021-03_so-khcn-bac-kan.xlsx")


def _fill(path, edits: dict[tuple[str, str], object]):
    """Type values as an analyst would: {(sheet, cell): value}."""
    wb = openpyxl.load_workbook(path)
    for (sheet, cell), value in edits.items():
        wb[sheet][cell] = value
    wb.save(path)


def _errors(path) -> list:
    with pytest.raises(InputError) as info:
        load_workbook(path)
    return info.value.problems


def test_template_has_every_catalog_indicator_with_vietnamese_name_and_unit(template):
    ws = openpyxl.load_workbook(template)[INDICATORS]
    rows = {r[0]: (r[1], r[2]) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == catalog.codes()
    assert rows["mushroom_spawn_kg"] == ("Giống nấm sản xuất", "kg")


def test_template_has_instructions_dropdowns_and_period(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["HuongDan", INFO, INDICATORS, TASKS, TARGETS]
    assert wb[INFO]["B2"].value == "2021-03"
    assert "Kết quả tháng" in [c.value for c in wb[INDICATORS][1]]
    lists = [dv.formula1 for dv in wb[TASKS].data_validations.dataValidation]
    assert any("Đang thực hiện" in f for f in lists) and any("Cấp tỉnh" in f for f in lists)
    assert any("Có" in dv.formula1 for dv in wb[INFO].data_validations.dataValidation)


def test_filled_template_round_trips_values_plans_targets_and_tasks(template):
    ws = openpyxl.load_workbook(template)[INDICATORS]
    spawn, samples, flasks = (_row_of(ws, c) for c in ("mushroom_spawn_kg", "material_samples_tested", "orchid_flasks"))
    _fill(template, {
        (INDICATORS, f"D{spawn}"): 250, (INDICATORS, f"E{spawn}"): "1.200",
        (INDICATORS, f"D{samples}"): "2,5", (INDICATORS, f"D{flasks}"): "07",
        (INFO, "B3"): "Có",
        (TARGETS, f"D{spawn}"): 3000,
        (TASKS, "A2"): "T-01", (TASKS, "B2"): "Nấm Linh chi", (TASKS, "C2"): "Cấp tỉnh",
        (TASKS, "D2"): "Đang thực hiện", (TASKS, "E2"): 2020, (TASKS, "F2"): 2022,
    })
    indicators, tasks = load_workbook(template)
    got = {(r.indicator, r.kind, r.period): r.value for r in indicators.itertuples()}
    assert got == {
        ("mushroom_spawn_kg", "result", "2021-03"): 250.0,
        ("mushroom_spawn_kg", "plan", "2021-04"): 1200.0,
        ("material_samples_tested", "result", "2021-03"): 2.5,
        ("orchid_flasks", "result", "2021-03"): 7.0,
        ("mushroom_spawn_kg", "target", "2021-03"): 3000.0,
    }
    assert indicators.reviewed.all() and not indicators.illustrative.any()
    assert set(indicators.source_ref) >= {f"ChiTieu!D{spawn}", f"ChiTieu!E{spawn}", f"MucTieuNam!D{spawn}"}
    assert tasks.iloc[0][["task_id", "level", "status", "start_year"]].tolist() == ["T-01", "provincial",
                                                                                   "in_progress", 2020]


def test_comments_carry_quotes_for_review(tmp_path):
    path = write_template("2021-01", tmp_path / "x.xlsx", results={"mushroom_spawn_kg": 250},
                          comments={("mushroom_spawn_kg", "result"): "Sản xuất được 250 kg giống nấm Sò"})
    ws = openpyxl.load_workbook(path)[INDICATORS]
    cell = ws.cell(row=_row_of(ws, "mushroom_spawn_kg"), column=4)
    assert cell.value == 250 and "250 kg giống nấm" in cell.comment.text


def test_text_in_number_cell_names_file_sheet_and_cell(template):
    row = _row_of(openpyxl.load_workbook(template)[INDICATORS], "mushroom_bags")
    _fill(template, {(INDICATORS, f"D{row}"): "khoảng 700"})
    [problem] = _errors(template)
    assert problem.reason == "not_a_number"
    assert (problem.sheet, problem.cell) == (INDICATORS, f"D{row}")
    assert template.name in str(problem) and f"D{row}" in str(problem) and "khoảng 700" in str(problem)


def test_all_errors_of_a_file_are_reported_at_once(template):
    ws = openpyxl.load_workbook(template)[INDICATORS]
    a, b = _row_of(ws, "mushroom_bags"), _row_of(ws, "orchid_bags")
    _fill(template, {(INDICATORS, f"D{a}"): -5, (INDICATORS, f"E{b}"): "abc", (INDICATORS, "A40"): "no_such_code",
                     (INDICATORS, "A41"): "mushroom_bags"})
    problems = _errors(template)
    assert {(p.reason, p.cell) for p in problems} == {
        ("negative_value", f"D{a}"), ("not_a_number", f"E{b}"),
        ("unknown_indicator", "A40"), ("duplicate_indicator", "A41")}
    dup = next(p for p in problems if p.reason == "duplicate_indicator")
    assert f"A{a}" in dup.message  # names the first occurrence too


def test_period_in_sheet_must_match_file_name(template):
    _fill(template, {(INFO, "B2"): "2021-04"})
    [problem] = _errors(template)
    assert problem.reason == "period_mismatch" and problem.cell == "B2" and "2021-03" in problem.message


def test_future_period_is_refused(tmp_path):
    path = write_template("2021-05", tmp_path / "2021-05_x.xlsx")
    with pytest.raises(InputError) as info:
        load_workbook(path, today=date(2021, 4, 30))
    assert info.value.reasons == ["future_period"]


def test_impossible_period_is_refused(template):
    _fill(template, {(INFO, "B2"): "2021-13"})
    assert [p.reason for p in _errors(template)] == ["invalid_period"]


def test_missing_sheet_is_named(template):
    wb = openpyxl.load_workbook(template)
    del wb[INDICATORS]
    wb.save(template)
    [problem] = _errors(template)
    assert problem.reason == "missing_sheet" and problem.sheet == INDICATORS


def test_renamed_header_is_named(template):
    _fill(template, {(INDICATORS, "D1"): "Kết quả"})
    [problem] = _errors(template)
    assert (problem.reason, problem.cell) == ("missing_header", "D1") and "Kết quả tháng" in problem.message


def test_task_with_unknown_status_names_cell(template):
    _fill(template, {(TASKS, "A2"): "T-1", (TASKS, "C2"): "Cấp tỉnh", (TASKS, "D2"): "xong rồi"})
    [problem] = _errors(template)
    assert (problem.reason, problem.sheet, problem.cell) == ("invalid_value", TASKS, "D2")


def test_text_file_named_xlsx_is_not_a_workbook(tmp_path):
    path = tmp_path / "2021-01_x.xlsx"
    path.write_text("Mã chỉ tiêu;Kết quả\nmushroom_bags;700\n", encoding="utf-8")
    assert [p.reason for p in _errors(path)] == ["not_a_workbook"]


def test_cli_template_then_cli_error_without_traceback(tmp_path):
    out = tmp_path / "2021-02_so-khcn-bac-kan.xlsx"
    done = subprocess.run([*sokhcn_cmd(), "template", "--period", "2021-02", "--out", str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and out.exists()
    _fill(out, {(INFO, "B2"): "2021-07"})
    done = subprocess.run([*sokhcn_cmd(), "build", "--raw", str(tmp_path), "--processed", str(tmp_path / "p")],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "ô B2" in done.stderr and out.name in done.stderr
    assert "[period_mismatch]" in done.stderr


def test_cli_refuses_bad_period_argument(tmp_path):
    done = subprocess.run([*sokhcn_cmd(), "template", "--period", "../../x", "--out", str(tmp_path / "a.xlsx")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "NNNN-TT" in done.stderr and not (tmp_path / "a.xlsx").exists()
