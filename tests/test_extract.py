"""The January 2021 report against its hand-checked reading, the API around it and the CLI."""
from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from extract_fixtures import cp1258

from sokhcn_analytics.extract import extractor as extract
from sokhcn_analytics.cli.commands import cmd_extract
from sokhcn_analytics.core.errors import InputError
from sokhcn_analytics.extract.extractor import OUTPUT_COLUMNS, extract_indicators, read_report, to_store_rows, unrecognised
from sokhcn_analytics.core.model import INDICATOR_COLUMNS

DATA = Path(__file__).parent / "data" / "extract"
JANUARY = DATA / "2021-01_so-khcn-bac-kan.txt"
TRUTH = DATA / "2021-01_so-khcn-bac-kan.truth.csv"
HEADER = "period,span,indicator,value,unit,kind,approx,section,quote"  # issue 12: exactly this


def _truth_rows() -> list[dict]:
    """The truth file leaves quotes with a comma unquoted ("thẩm định 02 đề tài, dự án⁴"): the
    fields past the sixth are the rest of the quote."""
    with open(TRUTH, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row["quote"] = ",".join([row["quote"], *row.pop(None, [])])
    return rows


def _args(*reports, **kw):
    return argparse.Namespace(reports=[str(r) for r in reports], format=kw.get("format", "csv"),
                              period=kw.get("period"), to_workbook=kw.get("to_workbook"))


def test_january_report_equals_truth_row_by_row():
    got = extract_indicators(JANUARY)
    truth = _truth_rows()
    assert len(got) == len(truth)
    for i, (row, want) in enumerate(zip(got.to_dict("records"), truth)):
        assert (row["period"], row["indicator"], row["value"], row["unit"], row["kind"], row["quote"]) == (
            want["period"], want["indicator"], float(want["value"]), want["unit"], want["kind"], want["quote"]), i


def test_january_report_has_no_extra_result_rows_and_nothing_unrecognised():
    got = extract_indicators(JANUARY)
    truth = {(r["indicator"], r["kind"]) for r in _truth_rows()}
    assert set(zip(got["indicator"], got["kind"])) == truth
    assert unrecognised(JANUARY).empty


def test_every_quote_is_verbatim_text_of_the_report():
    text = JANUARY.read_text(encoding="utf-8")
    for quote in extract_indicators(JANUARY)["quote"]:
        assert quote in text


def test_section_is_the_heading_path_above_the_figure():
    got = extract_indicators(JANUARY).set_index(["indicator", "kind"])
    assert got.loc[("tasks_managed", "result"), "section"] == (
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 01 > 2. Hoạt động khoa học và công nghệ > 1.1. Quản lý các đề tài, dự án")
    assert got.loc[("inspections", "plan"), "section"].startswith("IV. NHIỆM VỤ CHỦ YẾU THÁNG THÁNG 01")
    assert got.loc[("inspections", "plan"), "section"].endswith("2.3. Công tác thanh tra")


def test_line_points_at_the_report_line_of_the_figure():
    got = extract_indicators(JANUARY).set_index(["indicator", "kind"])
    assert got.loc[("mushroom_spawn_kg", "result"), "line"] == 95
    assert got.loc[("tasks_continuing_provincial", "result"), "line"] == 31


def test_read_report_gives_paragraphs_with_lines_and_footnotes():
    report = read_report(JANUARY)
    assert report.period == "2021-01"
    assert report.paragraphs[0].line == 3 and report.paragraphs[0].text.startswith("Số: 08")
    assert set(report.footnotes) == {"1", "2", "3", "4"}
    assert report.footnotes["1"].text.startswith("¹ Trong đó: 24")
    assert report.footnotes["4"].line == 99
    assert "Trong đó" not in report.text


def test_to_store_rows_follows_the_indicator_model():
    rows = to_store_rows(extract_indicators(JANUARY), source_file="data/raw/reports/x.txt", org="so-khcn-bac-kan")
    assert list(rows.columns) == INDICATOR_COLUMNS
    assert len(rows) == len(_truth_rows())
    assert not rows["reviewed"].any() and not rows["illustrative"].any()
    managed = rows[rows.indicator == "tasks_managed"].iloc[0]
    assert managed.source_ref == "quản lý **36** nhiệm vụ khoa học và công nghệ"
    assert managed.source_file == "data/raw/reports/x.txt" and managed.value == 36.0


def test_to_store_rows_adds_up_flows_stated_twice_and_keeps_first_stock():
    df = pd.DataFrame([
        ["2021-03", 1, "training_classes", 2.0, "lớp", "result", "", "", "Tổ chức 02 lớp tập huấn"],
        ["2021-03", 1, "training_classes", 3.0, "lớp", "result", "", "", "Tổ chức 03 lớp đào tạo"],
        ["2021-03", 1, "tasks_managed", 36.0, "nhiệm vụ", "result", "", "", "quản lý 36 nhiệm vụ"],
        ["2021-03", 1, "tasks_managed", 35.0, "nhiệm vụ", "result", "", "", "quản lý 35 nhiệm vụ"],
        ["2021-03", 3, "training_classes", 9.0, "lớp", "result", "", "", "quý I tổ chức 09 lớp"],
    ], columns=OUTPUT_COLUMNS)
    rows = to_store_rows(df, "r.txt", "minh-hoa").set_index("indicator")
    quarter = rows[rows["span"] == 3]
    rows = rows[rows["span"] == 1]
    assert quarter.loc["training_classes", "value"] == 9.0  # a quarter's figure is kept apart, never added
    assert rows.loc["training_classes", "value"] == 5.0
    assert rows.loc["training_classes", "source_ref"] == "Tổ chức 02 lớp tập huấn | Tổ chức 03 lớp đào tạo"
    assert rows.loc["tasks_managed", "value"] == 36.0
    assert (rows["org"] == "minh-hoa").all()


def test_cli_csv_has_the_exact_header_and_the_truth_rows(capsys):
    assert cmd_extract(_args(JANUARY)) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == HEADER
    got = list(csv.DictReader(io.StringIO(out)))
    assert [(r["period"], r["indicator"], r["value"], r["kind"], r["quote"]) for r in got] == [
        (r["period"], r["indicator"], r["value"], r["kind"], r["quote"]) for r in _truth_rows()]
    assert {r["span"] for r in got} == {"1"} and {r["approx"] for r in got} == {""}


def test_cli_json_is_a_list_of_objects_with_the_columns(capsys):
    assert cmd_extract(_args(JANUARY, format="json")) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 25 and list(rows[0]) == OUTPUT_COLUMNS
    assert rows[-1]["kind"] == "plan" and rows[-1]["period"] == "2021-02" and rows[-1]["value"] == 1


def test_cli_period_option_overrides_the_title(capsys):
    assert cmd_extract(_args(JANUARY, period="2021-05")) == 0
    got = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["period"] for r in got if r["kind"] == "result"} == {"2021-05"}
    assert {r["period"] for r in got if r["kind"] == "plan"} == {"2021-06"}


def test_cli_lists_unrecognised_quantities_on_stderr(tmp_path, capsys):
    report = tmp_path / "2021-03.txt"
    report.write_text("Kết quả thực hiện nhiệm vụ tháng 03 năm 2021\nI. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 03\n"
                      "Cấp 15 giấy chứng nhận đủ điều kiện hoạt động; thử nghiệm 12 mẫu xi măng.\n", encoding="utf-8")
    assert cmd_extract(_args(report)) == 0
    captured = capsys.readouterr()
    assert "15 giấy chứng nhận đủ điều kiện hoạt động" in captured.err and "dòng 3" in captured.err
    assert "material_samples_tested" in captured.out and "giấy chứng nhận" not in captured.out


def test_cli_error_prints_vietnamese_message_and_returns_1_but_keeps_other_reports(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert cmd_extract(_args(empty, JANUARY)) == 1
    captured = capsys.readouterr()
    assert "rỗng" in captured.err and "Traceback" not in captured.err
    assert len(captured.out.splitlines()) == 26


def test_cli_to_workbook_prefills_values_with_quotes_as_comments(tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "2021-01_so-khcn-bac-kan.xlsx"
    assert cmd_extract(_args(JANUARY, to_workbook=out)) == 0
    sheet = load_workbook(out)["ChiTieu"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert rows["mushroom_spawn_kg"][3].value == 250
    assert rows["mushroom_spawn_kg"][3].comment.text == "Sản xuất được 250 kg giống nấm Sò"
    assert rows["tasks_appraised"][3].value == 2 and rows["tasks_appraised"][4].value == 5
    assert rows["tasks_appraised"][4].comment.text == "tổ chức thẩm định 05/08 ĐTDA"
    assert rows["instruments_verified"][3].value is None


def test_prefilled_workbook_loads_back_as_unreviewed_figures(tmp_path, capsys):
    from sokhcn_analytics.ingest.workbook import load_workbook

    out = tmp_path / "2021-01_so-khcn-bac-kan.xlsx"
    assert cmd_extract(_args(JANUARY, to_workbook=out)) == 0
    indicators, _ = load_workbook(out, today=__import__("datetime").date(2021, 3, 1))
    got = indicators.set_index(["indicator", "kind"])
    assert got.loc[("orchid_bags", "result"), "value"] == 50.0
    assert not indicators["reviewed"].any()


@pytest.mark.slow
def test_sokhcn_extract_command_runs_end_to_end():
    exe = Path(sys.executable).with_name("sokhcn")
    assert exe.exists(), "the console script is missing: reinstall with 'make install'"
    done = subprocess.run([str(exe), "extract", str(JANUARY)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == HEADER and len(done.stdout.splitlines()) == 26
    bad = subprocess.run([str(exe), "extract", str(DATA / "report-scanned.pdf")], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 1 and "lớp chữ" in bad.stderr and "Traceback" not in bad.stderr


def test_extract_indicators_accepts_a_report_or_a_path():
    report = read_report(JANUARY)
    assert extract_indicators(report).equals(extract_indicators(JANUARY))
    assert extract_indicators(report, period="2020-12")["period"].iloc[-1] == "2021-01"


def test_unknown_indicator_in_phrasings_is_refused_with_the_row(tmp_path):
    bad = tmp_path / "phrasings.csv"
    bad.write_text("indicator,pattern,within,section,scale,example\nno_such_code,{N} cái,,,,\n", encoding="utf-8")
    with pytest.raises(extract.SokhcnError) as err:
        extract.load_phrasings(str(bad))
    assert err.value.reason == "unknown_indicator" and "dòng 2" in str(err.value)


def test_cli_csv_writes_large_and_decimal_values_plainly(tmp_path, capsys):
    report = tmp_path / "2021-03.txt"
    report.write_text("Kết quả thực hiện nhiệm vụ tháng 03 năm 2021\nI. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 03\n"
                      "Kiểm định 1.234.567 phương tiện đo; sản xuất 2,5 kg giống nấm Sò.\n", encoding="utf-8")
    assert cmd_extract(_args(report)) == 0
    got = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["value"] for r in got] == ["1234567", "2.5"]


def test_cli_legacy_encoding_warning_is_one_plain_line(tmp_path, capsys):
    report = tmp_path / "2021-03.txt"
    report.write_bytes(cp1258("Kết quả thực hiện nhiệm vụ tháng 03 năm 2021\nI. KẾT QUẢ\nthử nghiệm 12 mẫu gạch.\n"))
    assert cmd_extract(_args(report)) == 0
    err = capsys.readouterr().err
    assert "UTF-8" in err and "Warning" not in err and "Traceback" not in err
