"""The grammar for figures no phrasing claims (issue 12): qualifiers, money, either word order,
breakdowns at any depth, numbers that are never figures, line breaks, periods and spans."""
from __future__ import annotations

import pytest

from sokhcn_analytics.extract.extractor import extract_indicators, parse_report
from sokhcn_analytics.extract.grammar import read_figure

TITLE = "BÁO CÁO\nKết quả thực hiện nhiệm vụ tháng 5 năm 2022\n"


def _rows(body: str, title: str = TITLE):
    df = extract_indicators(parse_report(title + body))
    return [(r.period, r.span, r.indicator, r.value, r.kind, r.approx) for r in df.itertuples()]


@pytest.mark.parametrize("sentence, expected", [
    ("kiểm tra 15 cơ sở kinh doanh", ("establishments_inspected", 15.0, "")),
    ("15 cơ sở đã được kiểm tra", ("establishments_inspected", 15.0, "")),
    ("đang triển khai 40 nhiệm vụ", ("tasks_managed", 40.0, "")),
    ("kiểm định hơn 1.500 phương tiện đo", ("instruments_verified", 1500.0, ">")),
    ("phạt tiền gần 15,2 tỷ đồng", ("fines_vnd", 15.2e9, "<")),
    ("xử phạt với số tiền 48.300.000 đồng", ("fines_vnd", 48_300_000.0, "")),
    ("lấy khoảng 24 mẫu xăng dầu", ("samples_tested", 24.0, "~")),
    ("kiểm định 14 thiết bị X-quang y tế", ("xray_devices_inspected", 14.0, "")),
    ("tiếp nhận 64 đề xuất nhiệm vụ", ("task_proposals_received", 64.0, "")),
    ("tổ chức 12 hội đồng tư vấn", ("councils_held", 12.0, "")),
    ("được cấp 15 văn bằng bảo hộ", ("ip_titles_granted", 15.0, "")),
])
def test_a_number_bound_to_its_noun_and_action_in_either_order(sentence, expected):
    import re

    pos = re.search(r"\d", sentence).start()
    assert read_figure(sentence, pos) == expected


@pytest.mark.parametrize("sentence, number", [
    ("Đoàn 35 tổ chức kiểm tra các cơ sở", "35"), ("xăng RON 95 và dầu", "95"), ("Trang 3", "3"),
    ("Từ ngày 5-11/8 kiểm tra", "5"), ("tăng 15% so với cùng kỳ", "15"), ("ISO 9001 cho doanh nghiệp", "9001"),
])
def test_names_grades_dates_pages_and_percentages_are_never_figures(sentence, number):
    assert read_figure(sentence, sentence.index(number)) is None


def test_a_figure_fitting_no_indicator_clearly_is_not_guessed():
    assert read_figure("có 24 mẫu", 3)[0] == ""


def test_label_before_the_number():
    assert _rows("Số cơ sở được kiểm tra: 15.\nNhiệm vụ chuyển tiếp: 18 nhiệm vụ.") == [
        ("2022-05", 1, "establishments_inspected", 15.0, "result", ""),
        ("2022-05", 1, "tasks_continuing", 18.0, "result", "")]


def test_parts_of_a_breakdown_two_levels_deep_are_never_added():
    rows = _rows("Kiểm định 3.240 phương tiện đo (trong đó: 2.900 công tơ điện gồm 2.100 công tơ một pha, "
                 "800 công tơ ba pha; 340 đồng hồ nước).")
    assert rows == [("2022-05", 1, "instruments_verified", 3240.0, "result", "")]


def test_a_part_with_its_own_code_is_read_as_that_code():
    rows = _rows("Đang quản lý 35 nhiệm vụ, trong đó: 30 nhiệm vụ cấp tỉnh (gồm 12 đề tài, 18 dự án), "
                 "5 nhiệm vụ cấp quốc gia.")
    assert [r[2:4] for r in rows] == [("tasks_managed", 35.0), ("tasks_managed_provincial", 30.0),
                                      ("tasks_managed_national", 5.0)]


def test_a_line_break_does_not_part_a_number_from_its_noun():
    assert _rows("Trong tháng, Sở phối hợp với các ngành liên quan thanh tra, kiểm tra\n21 cơ sở kinh doanh.") == [
        ("2022-05", 1, "establishments_inspected", 21.0, "result", "")]


def test_a_side_remark_never_replaces_the_total_of_a_stock():
    rows = _rows("Sở đang quản lý 45 nhiệm vụ. Các nhiệm vụ đúng tiến độ (riêng huyện A đang triển khai 12 nhiệm vụ).")
    assert [r[2:4] for r in rows] == [("tasks_managed", 45.0)]


@pytest.mark.parametrize("title, period, span", [
    ("Kết quả hoạt động quý III năm 2022", "2022-09", 3),
    ("Báo cáo kết quả 6 tháng đầu năm 2023 và phương hướng 6 tháng cuối năm", "2023-06", 6),
    ("Sở KH&CN Bến Tre: kết quả 9 tháng đầu năm 2022", "2022-09", 9),
    ("Tổng kết hoạt động khoa học và công nghệ năm 2021", "2021-12", 12),
    ("Kết quả thực hiện nhiệm vụ tháng 6 và 6 tháng đầu năm 2022", "2022-06", 1),
    ("Kết quả thực hiện nhiệm vụ tháng 01 năm 2021", "2021-01", 1),
])
def test_the_documents_period_and_span_come_from_its_title(title, period, span):
    rep = parse_report(f"BÁO CÁO\n{title}\nKiểm tra 03 cơ sở.")
    assert (rep.period, rep.span) == (period, span)


def test_period_option_overrides_the_end_month_and_keeps_the_span():
    rep = parse_report("BÁO CÁO\nKết quả hoạt động quý I năm 2022\nKiểm tra 03 cơ sở.", period="2022-04")
    assert (rep.period, rep.span) == ("2022-04", 3)


@pytest.mark.parametrize("sentence, expected", [
    ("Từ đầu năm đến tháng 4/2022, kiểm định 2.300 phương tiện đo.", ("2022-04", 4, "result")),
    ("Lũy kế 5 tháng, kiểm định 5.300 phương tiện đo.", ("2022-05", 5, "result")),
    ("Quý I, kiểm định 3.100 phương tiện đo.", ("2022-03", 3, "result")),
    ("Năm 2021, kiểm định 12.800 phương tiện đo.", ("2021-12", 12, "result")),
    ("Giai đoạn 2016 - 2022, kiểm định 80.000 phương tiện đo.", ("2022-12", 84, "cumulative")),
    ("Từ năm 2020 đến nay, kiểm định 41.000 phương tiện đo.", ("2022-05", 29, "cumulative")),
    ("Cùng kỳ năm trước kiểm định 900 phương tiện đo.", ("2021-05", 1, "comparison")),
])
def test_a_figures_own_time_words_give_its_period_span_and_kind(sentence, expected):
    rows = _rows(sentence)
    assert [r[:3] + (r[4],) for r in rows] == [expected[:2] + ("instruments_verified", expected[2])]


def test_quarterly_report_flows_take_the_quarter_and_stocks_the_date():
    rows = _rows("Kiểm tra 14 cơ sở; đang quản lý 41 nhiệm vụ.", title="BÁO CÁO\nKết quả hoạt động quý I năm 2023\n")
    assert [r[:3] for r in rows] == [("2023-03", 3, "establishments_inspected"), ("2023-03", 1, "tasks_managed")]


def test_sokhcn_extract_of_a_quarterly_report_gives_spans_and_the_period_option_moves_the_end(tmp_path, capsys):
    import csv
    import io

    from sokhcn_analytics.cli.main import main

    path = tmp_path / "bao-cao-quy.txt"
    path.write_text("BÁO CÁO\nKết quả hoạt động quý II năm 2022\nKiểm tra 14 cơ sở, xử phạt 2 cơ sở với số tiền "
                    "hơn 12,5 triệu đồng; đang quản lý 41 nhiệm vụ.\n", encoding="utf-8")
    assert main(["extract", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "period,span,indicator,value,unit,kind,approx,section,quote"
    rows = [(r["period"], r["span"], r["indicator"], r["value"], r["approx"]) for r in csv.DictReader(io.StringIO(out))]
    assert rows == [("2022-06", "3", "establishments_inspected", "14", ""),
                    ("2022-06", "3", "establishments_sanctioned", "2", ""),
                    ("2022-06", "3", "fines_vnd", "12500000", ">"),
                    ("2022-06", "1", "tasks_managed", "41", "")]
    assert main(["extract", str(path), "--period", "2022-07"]) == 0
    assert {r["period"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))} == {"2022-07"}


def test_a_soft_line_break_in_a_word_paragraph_does_not_part_a_number_from_its_verb(tmp_path):
    docx = pytest.importorskip("docx")
    from sokhcn_analytics.extract.extractor import read_report

    document = docx.Document()
    document.add_paragraph("Kết quả thực hiện nhiệm vụ tháng 5 năm 2022")
    paragraph = document.add_paragraph("Trong tháng, Sở phối hợp với các ngành thanh tra, kiểm tra")
    paragraph.add_run().add_break()
    paragraph.add_run("15 cơ sở kinh doanh xăng dầu.")
    document.save(tmp_path / "bao-cao.docx")
    df = extract_indicators(read_report(tmp_path / "bao-cao.docx"))
    assert df[["indicator", "value"]].values.tolist() == [["establishments_inspected", 15.0]]
