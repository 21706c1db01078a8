"""Reports of other months and other departments' styles against hand-read expectations.

Each ``tests/data/extract/styles/<name>.txt|.md|.pdf`` imitates a real monthly report of a Sở KH&CN
(other months of Bắc Kạn, other provinces' wording, numbering and tables); next to it
``<name>.expected.csv`` lists what a careful analyst reads: ``period, indicator, value, kind``
(and a note saying why). The extractor must give exactly those rows: none missing, none extra.
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import docx
import pytest

from sokhcn_analytics.extract.extractor import extract_indicators, read_report

STYLES = Path(__file__).parent / "data" / "extract" / "styles"
REPORTS = sorted(p for p in STYLES.iterdir() if p.suffix in (".txt", ".md", ".pdf"))  # the .pdf: Chromium print of its .html


def _expected(report: Path) -> Counter:
    with open(report.with_suffix(".expected.csv"), encoding="utf-8", newline="") as fh:
        return Counter((r["period"], r["indicator"], float(r["value"]), r["kind"]) for r in csv.DictReader(fh))


def _got(path) -> Counter:
    """The month's own figures (span 1, result or plan): the expected files list those; the figures of
    other spans are checked by test_extract_corpus.py."""
    df = extract_indicators(path)
    df = df[(df.span == 1) & df.kind.isin(["result", "plan"])]
    return Counter(zip(df["period"], df["indicator"], df["value"].astype(float), df["kind"]))


def _diff(got: Counter, want: Counter) -> str:
    missing, extra = want - got, got - want
    return f"missing {sorted(missing.elements())}; extra {sorted(extra.elements())}"


def test_every_style_report_has_its_expected_reading():
    assert len(REPORTS) >= 6
    for report in REPORTS:
        assert report.with_suffix(".expected.csv").is_file(), report.name


@pytest.mark.parametrize("report", REPORTS, ids=[p.stem for p in REPORTS])
def test_style_report_gives_exactly_the_expected_rows(report):
    got, want = _got(report), _expected(report)
    assert got == want, _diff(got, want)


@pytest.mark.parametrize("report", REPORTS, ids=[p.stem for p in REPORTS])
def test_style_report_quotes_are_verbatim_and_show_the_number(report):
    rep = read_report(report)
    text = "\n".join([rep.text, *(note.text for note in rep.footnotes.values())])
    for quote in extract_indicators(report)["quote"]:
        assert quote in text and any(c.isdigit() for c in quote)


def _as_docx(source: Path, out: Path) -> Path:
    """The same report as a Word file: lines with " | " become a Word table, the rest paragraphs."""
    document = docx.Document()
    table = None
    for line in source.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if "|" in line else None
        if cells and not all(set(c) <= set("-: ") for c in cells):
            if table is None:
                table = document.add_table(rows=0, cols=len(cells))
            for cell, value in zip(table.add_row().cells, cells):
                cell.text = value
            continue
        table = None
        if line.strip() and not cells:
            document.add_paragraph(line.strip())
    document.save(out)
    return out


@pytest.mark.parametrize("name", ["ha-giang-2022-07.txt", "cao-bang-2022-05.md"])
def test_style_report_saved_as_word_with_a_real_table_reads_the_same(tmp_path, name):
    source = STYLES / name
    got = _got(_as_docx(source, tmp_path / (source.stem + ".docx")))
    want = _expected(source)
    assert got == want, _diff(got, want)


# --- the rules those reports rely on, one by one -------------------------------------------------------

def _report(results: str, plan: str = "Kiểm tra 01 cơ sở.", plan_heading: str = "II. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 6"):
    from sokhcn_analytics.extract.extractor import parse_report

    return parse_report("BÁO CÁO\nKết quả công tác tháng 5 năm 2022\nI. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 5\n"
                        f"{results}\n{plan_heading}\n{plan}\nNơi nhận:\n- Lưu: VT.\n", "bao-cao.md", markdown=True)


def _rows(rep, kind="result"):
    df = extract_indicators(rep)
    return [(r.indicator, r.value) for r in df.itertuples() if r.kind == kind and r.span == 1]


@pytest.mark.parametrize("header, row", [
    ("| TT | Nội dung | ĐVT | Tháng 5/2022 | Lũy kế từ đầu năm |", "| 1 | Kiểm định công tơ điện | chiếc | 1.235 | 5.120 |"),
    ("| TT | Nội dung | ĐVT | Kế hoạch năm 2022 | Thực hiện tháng 5 | Lũy kế 5 tháng | Tỷ lệ (%) |",
     "| 1 | Kiểm định công tơ điện | chiếc | 12.000 | 1.235 | 5.120 | 42,7 |"),
    ("| Nội dung | Cùng kỳ năm trước | KH năm | Kết quả tháng 5 |", "| Kiểm định công tơ điện | 980 | 12.000 | 1.235 |"),
    ("Nội dung | Đơn vị | Tháng 5 | Lũy kế", "Công tơ điện 1 pha | chiếc | 1.235 | 5.120"),
])
def test_table_figure_comes_from_the_month_column_wherever_it_stands(header, row):
    sep = "|---" * header.count("|") if header.startswith("|") else ""
    rep = _report(f"Kết quả kiểm định:\n{header}\n{sep}\n{row}")
    assert _rows(rep) == [("instruments_verified", 1235.0)]


def test_table_without_a_month_column_header_takes_the_first_figure_after_the_label():
    rep = _report("| TT | Nội dung | ĐVT | Số lượng |\n|---|---|---|---|\n| 1 | Thử nghiệm mẫu phân bón | mẫu | 18 |")
    assert _rows(rep) == [("material_samples_tested", 18.0)]


def test_word_table_with_a_merged_header_and_an_empty_notes_column(tmp_path):
    document = docx.Document()
    for line in ("BÁO CÁO", "Kết quả công tác tháng 5 năm 2022", "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 5"):
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=6)
    for c, text in enumerate(["TT", "Nội dung", "ĐVT", "Kết quả", "", "Ghi chú"]):
        table.cell(0, c).text = text
    table.cell(0, 3).merge(table.cell(0, 4))  # "Kết quả" over "Tháng 5" and "Lũy kế"
    for c, text in enumerate(["", "", "", "Tháng 5", "Lũy kế", ""]):
        if text:
            table.cell(1, c).text = text
    for c, text in enumerate(["1", "Đo điện trở tiếp địa", "hệ thống", "9", "41", ""]):
        table.cell(2, c).text = text
    document.save(tmp_path / "2022-05.docx")
    assert _rows(read_report(tmp_path / "2022-05.docx")) == [("grounding_systems_measured", 9.0)]


def test_list_under_one_verb_counts_each_item_of_a_flow():
    rep = _report("Kiểm định 215 cân, 18 cột đo xăng dầu và 06 taximet; thử nghiệm 62 mẫu phân bón, 15 mẫu nước.")
    assert _rows(rep) == [("instruments_verified", 215.0), ("instruments_verified", 18.0),
                          ("instruments_verified", 6.0), ("material_samples_tested", 62.0),
                          ("material_samples_tested", 15.0)]


@pytest.mark.parametrize("sentence, expected", [
    ("Thử nghiệm 2.015 mẫu các loại, trong đó 1.240 mẫu vật liệu xây dựng.", [("material_samples_tested", 2015.0)]),
    ("Kiểm định 1.200 phương tiện đo, lũy kế 5.400 phương tiện đo.", [("instruments_verified", 1200.0)]),
    ("Kiểm định 1.200 phương tiện đo, nâng tổng số lên 5.400 phương tiện đo.", [("instruments_verified", 1200.0)]),
    ("Quản lý 24 nhiệm vụ cấp tỉnh, 01 nhiệm vụ cấp quốc gia.",
     [("tasks_managed_provincial", 24.0), ("tasks_managed_national", 1.0)]),
    ("Kiểm định 1.200 phương tiện đo (công tơ điện 1.000, đồng hồ nước 200).", [("instruments_verified", 1200.0)]),
])
def test_list_stops_at_a_breakdown_a_running_total_or_a_stock(sentence, expected):
    assert _rows(_report(sentence)) == expected


@pytest.mark.parametrize("sentence", [
    "Trong 6 tháng đầu năm, đã nghiệm thu 04 đề tài, dự án.",
    "Quý II, Trung tâm tổ chức 05 lớp tập huấn.",
    "Tính đến ngày 15/6/2022, đã kiểm định 6.540 phương tiện đo.",
    "So với cùng kỳ năm trước kiểm định 980 công tơ điện.",
    "đến nay đã nghiệm thu 18/20 nhiệm vụ kết thúc năm 2022.",
])
def test_half_year_quarter_and_running_figures_are_not_the_months(sentence):
    assert _rows(_report(f"Thử nghiệm 10 mẫu. {sentence}")) == [("material_samples_tested", 10.0)]


def test_count_of_a_planned_total_with_thousands():
    assert _rows(_report("Kiểm định được 1.024/1.100 phương tiện đo theo kế hoạch tháng.")) == [
        ("instruments_verified", 1024.0)]


@pytest.mark.parametrize("heading", [
    "III. Phương hướng, nhiệm vụ tháng 6 năm 2022",
    "**II. Nhiệm vụ trọng tâm tháng 6 năm 2022**",
    "Phương hướng, nhiệm vụ trọng tâm tháng 6",  # Word's list numbering left no "II." in the text
    "B. NHIỆM VỤ THÁNG 6",
])
def test_plan_heading_in_any_case_or_unnumbered_opens_the_plan_part(heading):
    rep = _report("Thử nghiệm 10 mẫu.", "Kiểm tra 03 cơ sở.", plan_heading=heading)
    assert _rows(rep) == [("material_samples_tested", 10.0)] and _rows(rep, "plan") == [("establishments_inspected", 3.0)]


def test_heading_naming_only_the_reports_own_month_is_a_topic_not_the_plan():
    rep = _report("Thử nghiệm 10 mẫu.\nII. NHIỆM VỤ KH&CN CẤP TỈNH THÁNG 5\nNghiệm thu 02 đề tài.",
                  "Kiểm tra 03 cơ sở.", plan_heading="III. PHƯƠNG HƯỚNG THÁNG 6")
    assert _rows(rep) == [("material_samples_tested", 10.0), ("tasks_accepted", 2.0)]


def test_title_line_naming_the_plan_opens_no_part_before_the_introduction():
    from sokhcn_analytics.extract.extractor import parse_report

    rep = parse_report("BÁO CÁO\nKết quả thực hiện nhiệm vụ tháng 3\nphương hướng nhiệm vụ tháng 4 năm 2021\n"
                       "Sở Khoa học và Công nghệ báo cáo như sau:\nKết quả thực hiện nhiệm vụ tháng 3\n"
                       "Thử nghiệm 30 mẫu.\nPhương hướng nhiệm vụ tháng 4\nThử nghiệm 40 mẫu.\n")
    assert extract_indicators(rep)[["period", "value", "kind"]].values.tolist() == [
        ["2021-03", 30.0, "result"], ["2021-04", 40.0, "plan"]]


@pytest.mark.parametrize("sentence, indicator, value", [
    ("Sản xuất 250kg giống nấm Sò", "mushroom_spawn_kg", 250),
    ("Số phương tiện đo được kiểm định đạt 1.250 chiếc", "instruments_verified", 1250),
    ("Kiểm định phương tiện đo: 1.418 phương tiện", "instruments_verified", 1418),
    ("Kiểm định, hiệu chuẩn và thử nghiệm 1.060 phương tiện đo", "instruments_verified", 1060),
    ("kiểm định ban đầu 1.235 chiếc công tơ điện", "instruments_verified", 1235),
    ("Kiểm định định kỳ 46 cái đồng hồ nước", "instruments_verified", 46),
    ("Số mẫu thử nghiệm là 45 mẫu", "material_samples_tested", 45),
    ("phân tích 40 mẫu nước sinh hoạt", "material_samples_tested", 40),
    ("Phát sóng 04 chương trình KH&CN", "media_programs", 4),
    ("cập nhật 30 tin, bài lên trang thông tin điện tử", "media_programs", 30),
    ("Tiếp nhận 03 hồ sơ đăng ký bảo hộ nhãn hiệu", "ip_applications", 3),
    ("Kiểm tra đột xuất 04 cơ sở kinh doanh xăng dầu", "establishments_inspected", 4),
    ("kiểm tra về nhãn hàng hóa đối với 03 doanh nghiệp", "establishments_inspected", 3),
    ("Kiểm tra 10 trạm xăng dầu", "establishments_inspected", 10),
    ("Tổ chức 03 buổi tập huấn kỹ thuật trồng nấm", "training_classes", 3),
    ("đo điện trở tiếp địa cho 06 hệ thống chống sét", "grounding_systems_measured", 6),
    ("Công bố danh mục 05 thủ tục hành chính được sửa đổi, bổ sung", "admin_procedures", 5),
    ("Sở đang quản lý, theo dõi 44 nhiệm vụ KH&CN", "tasks_managed", 44),
    ("nghiệm thu chính thức 02 nhiệm vụ cấp tỉnh", "tasks_accepted", 2),
    ("nghiệm thu cơ sở 02 đề tài", "tasks_accepted", 2),
    ("Sở đang triển khai thực hiện 31 nhiệm vụ", "tasks_managed", 31),
    ("Tổ chức 05 hội đồng tư vấn đánh giá, nghiệm thu cấp tỉnh đối với 05 nhiệm vụ", "tasks_accepted", 5),
    ("Thẩm định nội dung, kinh phí 08 nhiệm vụ", "tasks_appraised", 8),
    ("kiểm tra, đánh giá tiến độ 03 nhiệm vụ", "tasks_progress_checks", 3),
    ("trình UBND tỉnh phê duyệt 05/12 nhiệm vụ bắt đầu thực hiện năm 2022", "tasks_submitted_for_approval", 5),
    ("thẩm định 06 ĐTDA mới", "tasks_appraised", 6),
])
def test_wording_of_other_departments(sentence, indicator, value):
    # the councils convened are a figure of their own (councils_held, issue 12)
    got = [r for r in _rows(_report(sentence + ".")) if r[0] != "councils_held"]
    assert got == [(indicator, float(value))]


def test_a_percentage_of_the_plan_is_not_a_count():
    assert _rows(_report("Kiểm định phương tiện đo đạt 95% kế hoạch năm; số mẫu thử nghiệm đạt 80 %.")) == []


def test_table_of_the_whole_department_with_last_and_this_month_side_by_side():
    table = "\n".join([
        "| TT | Nội dung | ĐVT | Tháng 4 | Tháng 5 | Lũy kế 5 tháng |", "|---|---|---|---|---|---|",
        "| 1 | Nghiệm thu đề tài, dự án | nhiệm vụ | 1 | 3 | 7 |",
        "| 2 | Kiểm tra cơ sở kinh doanh xăng dầu | cơ sở | 8 | 12 | 40 |",
        "| 3 | Lớp tập huấn | lớp | 1 | 2 | 9 |",
        "| 4 | Chuyên mục KH&CN | chuyên mục | 2 | 2 | 10 |",
        "| 5 | Giống nấm các loại | kg | 300 | 250 | 1.400 |",
        "| 6 | Giống nấm cấp 2 | chai | 900 | 1.000 | 5.000 |",
        "| 7 | Nấm thương phẩm | bịch | 650 | 700 | 3.100 |",
        "| 8 | Nhân giống lan nuôi cấy mô | bình | 12 | 10 | 55 |",
        "| 9 | Công bố thủ tục hành chính | thủ tục | 0 | 6 | 6 |",
    ])
    assert _rows(_report(table)) == [
        ("tasks_accepted", 3.0), ("establishments_inspected", 12.0), ("training_classes", 2.0), ("media_programs", 2.0),
        ("mushroom_spawn_kg", 250.0), ("mushroom_bags", 700.0), ("orchid_flasks", 10.0), ("admin_procedures", 6.0)]


@pytest.mark.parametrize("report", [p for p in REPORTS if p.suffix == ".txt"], ids=lambda p: p.stem)
def test_style_report_saved_from_a_pdf_viewer_with_hard_wrapped_lines_reads_the_same(tmp_path, report):
    import textwrap

    text = report.read_text(encoding="utf-8")
    wrapped = tmp_path / report.name
    wrapped.write_text("\n".join(textwrap.fill(line, 90) for line in text.split("\n") if line.strip()),
                       encoding="utf-8")
    got, want = _got(wrapped), _expected(report)
    assert got == want, _diff(got, want)


@pytest.mark.parametrize("sentence", [
    "tuyển chọn tổ chức, cá nhân chủ trì 05 đề tài, dự án bắt đầu thực hiện năm 2023",
    "xét duyệt thuyết minh 04 nhiệm vụ mới",
    "| 2 | Xét duyệt, tuyển chọn nhiệm vụ | nhiệm vụ | 4 |",
])
def test_tasks_selected_by_a_council_are_no_indicator_and_not_mistaken_for_new_tasks(sentence):
    from sokhcn_analytics.extract.extractor import unrecognised

    rep = _report(sentence + ("" if sentence.startswith("|") else "."))
    assert _rows(rep) == []
    assert len(unrecognised(rep)) == 1 or sentence.startswith("|")


@pytest.mark.parametrize("sentence, indicator, value", [
    ("Số lớp tập huấn đã tổ chức: 02 lớp", "training_classes", 2),
    ("Số cơ sở được kiểm tra: 12 cơ sở", "establishments_inspected", 12),
    ("Số chuyên mục đã phát sóng: 04", "media_programs", 4),
])
def test_label_then_figure(sentence, indicator, value):
    assert _rows(_report(sentence + ".")) == [(indicator, float(value))]


def test_new_tasks_of_another_year_are_not_this_years_but_next_years_are_in_a_december_plan():
    from sokhcn_analytics.extract.extractor import parse_report

    assert _rows(_report("Hoàn thiện thuyết minh 05 nhiệm vụ thực hiện từ năm 2023; 10 nhiệm vụ thực hiện từ năm 2022.")) \
        == [("tasks_new", 10.0)]
    rep = parse_report("Kết quả thực hiện nhiệm vụ tháng 12 năm 2021\nI. KẾT QUẢ\nThử nghiệm 10 mẫu.\n"
                       "II. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 01 NĂM 2022\nTriển khai 12 nhiệm vụ thực hiện từ năm 2022.")
    assert _rows(rep, "plan") == [("tasks_new", 12.0)]


def test_pdf_layout_table_rows_get_their_cells_back_and_justified_text_does_not():
    from sokhcn_analytics.extract.documents import _layout_tables

    lines = [  # pypdf layout mode: columns are runs of spaces; a unit may touch the next figure
        "Kết  quả  hoạt  động  kiểm  định,  thử  nghiệm  của  Trung  tâm  Kỹ  thuật  Tiêu",
        "  TT           Nội dung           ĐVT   Kế hoạch năm     Thực hiện tháng 5   Lũy kế",
        "  1   Kiểm định công tơ điện      chiếc 12.000           1.235               5.120",
        "  2   Thử nghiệm mẫu phân bón     mẫu   200              18                  75",
        "Kiểm tra 03 cơ sở.",
    ]
    assert _layout_tables(lines) == [
        lines[0], "TT | Nội dung | ĐVT | Kế hoạch năm | Thực hiện tháng 5 | Lũy kế",
        "1 | Kiểm định công tơ điện | chiếc | 12.000 | 1.235 | 5.120",
        "2 | Thử nghiệm mẫu phân bón | mẫu | 200 | 18 | 75", lines[4]]


def test_a_short_sentence_opening_like_a_part_name_is_not_a_heading():
    rep = _report("Thử nghiệm 10 mẫu.\nĐề xuất 05 nhiệm vụ KH&CN năm 2023 gửi Bộ KH&CN\nKiểm tra 02 cơ sở.")
    assert _rows(rep) == [("material_samples_tested", 10.0), ("establishments_inspected", 2.0)]


def test_report_without_headings_reads_results_after_the_introduction_and_plans_after_the_plan_line():
    from sokhcn_analytics.extract.extractor import parse_report

    rep = parse_report("Kính gửi:\n- Ủy ban nhân dân tỉnh\nBÁO CÁO\nKết quả công tác tháng 5\n"
                       "nhiệm vụ tháng 6 năm 2022\nTrong tháng 5, Sở đã thực hiện các nhiệm vụ như sau:\n"
                       "- Kiểm tra 05 cơ sở kinh doanh xăng dầu.\n- Thử nghiệm 30 mẫu phân bón.\n"
                       "Nhiệm vụ tháng 6:\n- Kiểm tra 04 cơ sở kinh doanh vàng.\n")
    assert extract_indicators(rep)[["period", "indicator", "value", "kind"]].values.tolist() == [
        ["2022-05", "establishments_inspected", 5.0, "result"], ["2022-05", "material_samples_tested", 30.0, "result"],
        ["2022-06", "establishments_inspected", 4.0, "plan"]]


def test_small_report_numbered_1_results_2_plan_in_sentence_case():
    from sokhcn_analytics.extract.extractor import parse_report

    rep = parse_report("BÁO CÁO\nKết quả công tác tháng 5 năm 2022\n1. Kết quả thực hiện nhiệm vụ tháng 5\n"
                       "1.1. Kết quả hoạt động của Trung tâm\nThử nghiệm 30 mẫu phân bón.\n"
                       "2. Phương hướng nhiệm vụ tháng 6\n2.1. Kết quả cần đạt\nThử nghiệm 40 mẫu.\n")
    assert extract_indicators(rep)[["period", "value", "kind"]].values.tolist() == [
        ["2022-05", 30.0, "result"], ["2022-06", 40.0, "plan"]]


def test_january_report_with_all_numbering_lost_and_sentence_case_parts_reads_the_same(tmp_path):
    """As a Word file whose list numbering is not text: no "I.", "2.3.", "a)" before the headings."""
    import re

    january = STYLES.parent / "2021-01_so-khcn-bac-kan.txt"
    text = re.sub(r"(?m)^[IVX]+\. ([A-ZĐÀ-Ỹ ,&-]+[A-ZĐÀ-Ỹ0-9 ]*)$", lambda m: m.group(1).capitalize(),
                  january.read_text(encoding="utf-8"))
    text = re.sub(r"(?m)^(?:\d+(?:\.\d+)*\.|[a-z]\)) ", "", text)
    (tmp_path / "2021-01.txt").write_text(text, encoding="utf-8")
    assert _got(tmp_path / "2021-01.txt") == _got(january)


def test_running_total_named_right_after_the_phrase_is_not_the_months_but_one_in_brackets_is_aside():
    rep = _report("Kiểm định 5.400 phương tiện đo lũy kế từ đầu năm; kiểm định 1.200 phương tiện đo (lũy kế 5.400).")
    assert _rows(rep) == [("instruments_verified", 1200.0)]


def test_table_headed_with_abbreviations_kh_and_th():
    rep = _report("| TT | Nội dung | ĐVT | KH năm | TH | Lũy kế |\n|---|---|---|---|---|---|\n"
                  "| 1 | Kiểm định công tơ điện | chiếc | 12.000 | 1.235 | 5.120 |")
    assert _rows(rep) == [("instruments_verified", 1235.0)]


@pytest.mark.parametrize("sentence, expected", [
    ("Trong năm 2021, đã kiểm định 12.500 phương tiện đo.", []),
    ("Năm 2021, Trung tâm đã sản xuất 3.200 kg giống nấm.", []),
    ("Năm 2021, Sở quản lý 36 nhiệm vụ khoa học và công nghệ.", [("tasks_managed", 36.0)]),
    ("Thực hiện Kế hoạch số 102/KH-SKHCN năm 2021, kiểm tra 07 cơ sở.", [("establishments_inspected", 7.0)]),
])
def test_a_years_total_of_a_flow_is_not_the_months_but_a_stock_for_the_year_is(sentence, expected):
    assert _rows(_report(sentence)) == expected
