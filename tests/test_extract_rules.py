"""Each extraction rule on real phrasings of the reports, numbers and order varied, traps included."""
from __future__ import annotations

import csv

import pytest

from sokhcn_analytics.core.errors import InputError
from sokhcn_analytics.extract.extractor import NOT_AN_INDICATOR, extract_indicators, load_phrasings, parse_report, unrecognised
from sokhcn_analytics.core.paths import PHRASINGS_CSV

TITLE = "Kết quả thực hiện nhiệm vụ tháng 03;\nphương hướng nhiệm vụ tháng 04 năm 2022"


def report(results: str = "", plan: str = "", title: str = TITLE, signed: str = "ngày 25 tháng 03 năm 2022",
           plan_heading: str = "II. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 04", section: str = "1. Hoạt động chung"):
    text = (f"Số: 15 /BC-SKHCN\n\nBắc Kạn, {signed}\n\nBÁO CÁO\n{title}\n\n"
            f"I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 03\n\n{section}\n\n{results}\n\n"
            f"{plan_heading}\n\n{plan}\n\nNơi nhận:\n- Bộ KH&CN (b/c);\n- Lưu: VT, VP.\n")
    return parse_report(text, "bao-cao.txt")


def rows(rep, kind=None):
    """The month's own figures (span 1, result or plan); quarter, year-to-date and cumulative rows are
    tested in test_extract_periods.py."""
    df = extract_indicators(rep)
    df = df[(df.span == 1) & df.kind.isin(["result", "plan"])]
    if kind:
        df = df[df.kind == kind]
    return [(r.indicator, r.value, r.quote) for r in df.itertuples()]


# --- period --------------------------------------------------------------------------------------

@pytest.mark.parametrize("title, signed, expected", [
    (TITLE, "ngày 25 tháng 03 năm 2022", "2022-03"),
    ("Kết quả thực hiện nhiệm vụ tháng 01; phương hướng nhiệm vụ tháng 02 năm 2021", "ngày 05 tháng 02 năm 2021", "2021-01"),
    ("KẾT QUẢ CÔNG TÁC THÁNG 11 VÀ NHIỆM VỤ TRỌNG TÂM THÁNG 12 NĂM 2020", "ngày 27 tháng 11 năm 2020", "2020-11"),
    ("Kết quả hoạt động tháng 7/2023", "ngày 31/7/2023", "2023-07"),
    ("Báo cáo công tác tháng 9 năm 2019", "ngày 30 tháng 9 năm 2019", "2019-09"),
    ("Kết quả thực hiện nhiệm vụ tháng 12", "ngày 04 tháng 01 năm 2022", "2021-12"),
    ("Kết quả thực hiện nhiệm vụ tháng 12;\nphương hướng nhiệm vụ tháng 01 năm 2022", "ngày 20 tháng 12 năm 2021",
     "2021-12"),
])
def test_period_comes_from_the_title_not_the_signing_date(title, signed, expected):
    assert report("Thử nghiệm 10 mẫu xi măng.", title=title, signed=signed).period == expected


def test_period_option_overrides_the_title():
    rep = parse_report("Kết quả thực hiện nhiệm vụ tháng 03 năm 2022\nI. KẾT QUẢ\nthử nghiệm 05 mẫu gạch.",
                       period="2022-06")
    assert rows(rep) == [("material_samples_tested", 5.0, "thử nghiệm 05 mẫu gạch")]
    assert extract_indicators(rep)["period"].tolist() == ["2022-06"]


def test_report_without_a_period_is_refused_with_a_hint_to_use_the_option(tmp_path):
    from sokhcn_analytics.extract.extractor import read_report

    path = tmp_path / "bao-cao.txt"
    path.write_text("BÁO CÁO\nTình hình hoạt động của Sở\nBắc Kạn, ngày 30 tháng 3 năm 2021\n"
                    "I. KẾT QUẢ\nThử nghiệm 10 mẫu.\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_report(path)
    assert err.value.reason == "no_period" and "--period" in str(err.value)
    assert err.value.problems[0].cell == "dòng 1" and err.value.problems[0].file == str(path)
    assert read_report(path, period="2021-03").period == "2021-03"


# --- results part and plan part ---------------------------------------------------------------------

@pytest.mark.parametrize("heading", [
    "II. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 04",
    "II. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG 04 NĂM 2022",
    "IV. NHIỆM VỤ CHỦ YẾU THÁNG THÁNG 03 NĂM 2022",
    "III. NHIỆM VỤ TRỌNG TÂM THÁNG 4",
    "B. KẾ HOẠCH CÔNG TÁC THÁNG 04",
    "II- PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 04",
    "PHẦN II. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 04",
    "**II. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG TỚI**",
])
def test_figures_under_a_plan_heading_are_plans_for_the_next_month(heading):
    rep = report("Kiểm tra 03 cơ sở kinh doanh xăng dầu.", "Kiểm tra 01 đề tài, dự án khoa học và công nghệ.",
                 plan_heading=heading)
    df = extract_indicators(rep)
    assert df[["period", "indicator", "value", "kind"]].values.tolist() == [
        ["2022-03", "establishments_inspected", 3.0, "result"], ["2022-04", "inspections", 1.0, "plan"]]


def test_topic_headings_in_capitals_do_not_switch_parts():
    text = ("Kết quả thực hiện nhiệm vụ tháng 05 năm 2022\nA. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 05\n"
            "I. CÔNG TÁC QUẢN LÝ NHIỆM VỤ KH&CN\nKiểm tra 02 cơ sở.\n1. CÔNG TÁC KẾ HOẠCH - TÀI CHÍNH\n"
            "Thẩm định 03 đề tài, dự án.\nB. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 06\n1. KẾT QUẢ HOẠT ĐỘNG DỰ KIẾN\n"
            "Kiểm tra 04 cơ sở.")
    df = extract_indicators(parse_report(text))
    assert df[["indicator", "value", "kind"]].values.tolist() == [
        ["establishments_inspected", 2.0, "result"], ["budget_appraisals", 3.0, "result"],
        ["establishments_inspected", 4.0, "plan"]]


def test_plan_of_a_december_report_is_for_january_next_year():
    rep = report("", "Tổ chức 02 lớp tập huấn trồng nấm.", title="Kết quả thực hiện nhiệm vụ tháng 12 năm 2021")
    assert extract_indicators(rep)[["period", "kind"]].values.tolist() == [["2022-01", "plan"]]


def test_same_phrase_is_a_result_or_a_plan_by_part_only():
    rep = report("Đã tổ chức thẩm định 02/08 ĐTDA.", "Tổ chức thẩm định 05/08 ĐTDA.")
    assert extract_indicators(rep)[["indicator", "value", "kind"]].values.tolist() == [
        ["tasks_appraised", 2.0, "result"], ["tasks_appraised", 5.0, "plan"]]


def test_title_mentioning_the_plan_does_not_turn_results_into_plans():
    rep = report("Thử nghiệm 68 mẫu vật liệu xây dựng.",
                 title="BÁO CÁO KẾT QUẢ THÁNG 03\nPHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 04 NĂM 2022")
    assert extract_indicators(rep)["kind"].tolist() == ["result"]


def test_assessment_part_gives_no_figures():
    rep = report("Thử nghiệm 68 mẫu.\n\nIII. ĐÁNH GIÁ CHUNG\n\n2. Tồn tại, hạn chế\n\n"
                 "Còn 03 đề tài, dự án chậm tiến độ; chưa kiểm tra 02 cơ sở theo kế hoạch.")
    assert rows(rep) == [("material_samples_tested", 68.0, "Thử nghiệm 68 mẫu")]
    assert unrecognised(rep).empty


def test_misnumbered_and_repeated_headings_stay_in_the_results_part():
    rep = report("Kiểm định 120 phương tiện đo.\n\n4.1. Về chất lượng\n\nThử nghiệm 15 mẫu bê tông.\n\n"
                 "1.1. Quản lý các đề tài, dự án\n\nnghiệm thu 03 đề tài.", section="4.1. Về đo lường")
    df = extract_indicators(rep)
    assert df["kind"].tolist() == ["result"] * 3
    assert df["section"].tolist() == [
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 03 > 4.1. Về đo lường",
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 03 > 4.1. Về chất lượng",
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 03 > 1.1. Quản lý các đề tài, dự án"]


def test_headings_without_trailing_dot_lettered_or_unnumbered_capitals():
    text = ("BÁO CÁO\nKẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 05; PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 06 NĂM 2022\n"
            "KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 05\n2.1 Công tác thử nghiệm\na. Vật liệu xây dựng\n"
            "Thử nghiệm 12 mẫu gạch.\n2.5 tấn giống nấm được sản xuất.\n"
            "STT | NỘI DUNG | KẾT QUẢ\nPHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 06\nThử nghiệm 20 mẫu thép.\n"
            "STT | NỘI DUNG | KẾT QUẢ\nKiểm tra 02 cơ sở.")
    df = extract_indicators(parse_report(text))
    assert df[["period", "indicator", "value", "kind"]].values.tolist() == [
        ["2022-05", "material_samples_tested", 12.0, "result"], ["2022-06", "material_samples_tested", 20.0, "plan"],
        ["2022-06", "establishments_inspected", 2.0, "plan"]]
    assert df.loc[0, "section"] == "KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 05 > 2.1 Công tác thử nghiệm > a. Vật liệu xây dựng"


def test_number_repeated_in_words_in_parentheses():
    assert rows(report("Tổ chức 02 (hai) lớp tập huấn trồng nấm cho nông dân.")) == [
        ("training_classes", 2.0, "Tổ chức 02 (hai) lớp tập huấn trồng nấm")]


@pytest.mark.parametrize("sentence", [
    "Lũy kế từ đầu năm kiểm định 2.500 phương tiện đo",
    "tính đến nay đã thử nghiệm 340 mẫu vật liệu xây dựng",
    "so với cùng kỳ năm trước (tổ chức 04 lớp tập huấn)",
])
def test_year_to_date_and_last_year_figures_are_not_this_months(sentence):
    rep = report(f"{sentence}; trong tháng kiểm định 300 phương tiện đo.")
    assert rows(rep) == [("instruments_verified", 300.0, "kiểm định 300 phương tiện đo")]
    other = extract_indicators(rep).query("span != 1 or kind not in ['result', 'plan']")
    assert len(other) == 1  # kept with its span or kind (year to date, cumulative, comparison), not as the month's


def test_section_tells_a_progress_check_from_an_inspection():
    rep = report("Kiểm tra 02 ĐTDA tại huyện Ba Bể.\n\n7. Công tác thanh tra, kiểm tra\n\nKiểm tra 03 đề tài, dự án.",
                 section="2.1. Hoạt động nghiên cứu khoa học và phát triển công nghệ")
    assert [r[:2] for r in rows(rep)] == [("tasks_progress_checks", 2.0), ("inspections", 3.0)]


def test_section_condition_tells_budget_appraisal_from_task_appraisal():
    rep = report("Thẩm định 03 đề tài, dự án năm 2022.\n\n8.2. Công tác kế hoạch - tài chính\n\n"
                 "thẩm định 02 đề tài, dự án⁴; giải ngân kinh phí.\n\n⁴ Đề tài: Linh chi.")
    assert rows(rep) == [("tasks_appraised", 3.0, "Thẩm định 03 đề tài, dự án"),
                         ("budget_appraisals", 2.0, "thẩm định 02 đề tài, dự án⁴")]


# --- numbers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, indicator, value, quote", [
    ("Sản xuất được 07 kg giống nấm Linh chi.", "mushroom_spawn_kg", 7.0, "Sản xuất được 07 kg giống nấm Linh chi"),
    ("Sản xuất được 1.200 kg giống nấm Sò, 700 bịch nấm Sò thương phẩm.", "mushroom_spawn_kg", 1200.0,
     "Sản xuất được 1.200 kg giống nấm Sò"),
    ("sản xuất 2,5 kg giống nấm Mộc nhĩ", "mushroom_spawn_kg", 2.5, "sản xuất 2,5 kg giống nấm Mộc nhĩ"),
    ("sản xuất 1,2 tấn giống nấm các loại", "mushroom_spawn_kg", 1200.0, "sản xuất 1,2 tấn giống nấm"),
    ("tham mưu quản lý **41** nhiệm vụ khoa học và công nghệ", "tasks_managed", 41.0,
     "quản lý **41** nhiệm vụ khoa học và công nghệ"),
    ("quản lý *40* nhiệm vụ KH&CN", "tasks_managed", 40.0, "quản lý *40* nhiệm vụ KH&CN"),
    ("tham mưu quản lý **38 nhiệm vụ** KH&CN", "tasks_managed", 38.0, "quản lý **38 nhiệm vụ"),
    ("**Sản xuất được 250** kg giống nấm Sò", "mushroom_spawn_kg", 250.0, "Sản xuất được 250** kg giống nấm Sò"),
    ("đã tổ chức thẩm định 03/09 ĐTDA", "tasks_appraised", 3.0, "đã tổ chức thẩm định 03/09 ĐTDA"),
    ("kiểm định 1.250 phương tiện đo các loại", "instruments_verified", 1250.0, "kiểm định 1.250 phương tiện đo"),
])
def test_vietnamese_numbers(sentence, indicator, value, quote):
    assert rows(report(sentence))[0] == (indicator, value, quote)


@pytest.mark.parametrize("sentence, expected", [
    ("(*18 nhiệm vụ chuyển tiếp¹; 12 nhiệm vụ thực hiện từ năm 2022²*)",
     [("tasks_continuing", 18.0, "18 nhiệm vụ chuyển tiếp"), ("tasks_new", 12.0, "12 nhiệm vụ thực hiện từ năm 2022")]),
    ("thẩm định 03 đề tài, dự án¹²", [("tasks_appraised", 3.0, "thẩm định 03 đề tài, dự án")]),
    ("gồm 18 nhiệm vụ chuyển tiếp[1] và 12 nhiệm vụ mới[2].",
     [("tasks_continuing", 18.0, "18 nhiệm vụ chuyển tiếp"), ("tasks_new", 12.0, "12 nhiệm vụ mới")]),
])
def test_footnote_markers_are_never_glued_to_a_number(sentence, expected):
    assert rows(report(sentence)) == expected


# --- footnotes ---------------------------------------------------------------------------------------------

def test_footnote_breakdown_follows_the_figure_that_cites_it_not_its_number():
    rep = report("Năm 2022, quản lý **30** nhiệm vụ khoa học và công nghệ (*12 nhiệm vụ thực hiện từ năm 2022¹; "
                 "18 nhiệm vụ chuyển tiếp²*) và phối hợp theo dõi 03 nhiệm vụ thuộc chương trình NTMN³.\n\n"
                 "¹ Trong đó: 10 nhiệm vụ cấp tỉnh, 02 nhiệm vụ cấp quốc gia\n\n"
                 "² Trong đó: 15 nhiệm vụ cấp tỉnh, 03 nhiệm vụ NTMN\n\n³ 03 dự án: A; B; C")
    assert rows(rep) == [
        ("tasks_managed", 30.0, "quản lý **30** nhiệm vụ khoa học và công nghệ"),
        ("tasks_new", 12.0, "12 nhiệm vụ thực hiện từ năm 2022"),
        ("tasks_continuing", 18.0, "18 nhiệm vụ chuyển tiếp"),
        ("tasks_new_provincial", 10.0, "¹ Trong đó: 10 nhiệm vụ cấp tỉnh"),
        ("tasks_new_national", 2.0, "02 nhiệm vụ cấp quốc gia"),
        ("tasks_continuing_provincial", 15.0, "² Trong đó: 15 nhiệm vụ cấp tỉnh"),
        ("tasks_continuing_ntmn", 3.0, "03 nhiệm vụ NTMN"),
        ("tasks_central_monitored", 3.0, "phối hợp theo dõi 03 nhiệm vụ thuộc chương trình NTMN"),
    ]
    assert unrecognised(rep).empty  # "03 dự án" in note ³ restates the figure citing it


def test_footnote_with_bracket_markers_placed_far_from_its_citation():
    rep = report("quản lý 20 nhiệm vụ KH&CN (15 nhiệm vụ chuyển tiếp[1]; 5 nhiệm vụ mới).\n\n"
                 "Thử nghiệm 12 mẫu gạch.\n\n[1] Trong đó: 14 nhiệm vụ cấp tỉnh, 01 nhiệm vụ cấp quốc gia")
    assert ("tasks_continuing_provincial", 14.0, "¹ Trong đó: 14 nhiệm vụ cấp tỉnh") in rows(rep)
    assert ("tasks_continuing_national", 1.0, "01 nhiệm vụ cấp quốc gia") in rows(rep)


def test_inline_breakdown_in_parenthesis_or_trong_do_clause_follows_its_figure():
    rep = report("Quản lý 36 nhiệm vụ (26 nhiệm vụ chuyển tiếp (24 nhiệm vụ cấp tỉnh, 02 nhiệm vụ NTMN); "
                 "10 nhiệm vụ mới, trong đó: 07 nhiệm vụ cấp tỉnh, 03 nhiệm vụ cấp quốc gia).")
    assert [r[:2] for r in rows(rep)] == [
        ("tasks_managed", 36), ("tasks_continuing", 26), ("tasks_continuing_provincial", 24),
        ("tasks_continuing_ntmn", 2), ("tasks_new", 10), ("tasks_new_provincial", 7), ("tasks_new_national", 3)]


def test_footnote_breakdown_with_the_level_written_before_the_number():
    rep = report("Quản lý 36 nhiệm vụ (26 chuyển tiếp¹, 10 nhiệm vụ mới²).\n\n"
                 "¹ Cấp tỉnh: 24; cấp quốc gia: 01; NTMN: 01.\n\n² Trong đó cấp tỉnh 08 nhiệm vụ, NTMN 02 nhiệm vụ")
    assert rows(rep)[3:] == [
        ("tasks_continuing_provincial", 24.0, "¹ Cấp tỉnh: 24"), ("tasks_continuing_national", 1.0, "cấp quốc gia: 01"),
        ("tasks_continuing_ntmn", 1.0, "NTMN: 01"), ("tasks_new_provincial", 8.0, "² Trong đó cấp tỉnh 08 nhiệm vụ"),
        ("tasks_new_ntmn", 2.0, "NTMN 02 nhiệm vụ")]


def test_level_breakdown_outside_a_footnote_is_not_guessed():
    # the levels are the national catalog's own codes (issue 12); no total is made up from them
    rep = report("Quản lý 24 nhiệm vụ cấp tỉnh, 01 nhiệm vụ cấp quốc gia.")
    assert [r[:2] for r in rows(rep)] == [("tasks_managed_provincial", 24.0), ("tasks_managed_national", 1.0)]


# --- traps ----------------------------------------------------------------------------------------------

TRAPS = [
    "Thực hiện Thông tư số 03/2019/TT-BKHCN ngày 26/6/2019 của Bộ Khoa học và Công nghệ.",
    "Báo cáo tình hình thực hiện Quyết định số 1851/QĐ-TTg ngày 27/12/2018 của Thủ tướng Chính phủ.",
    "Chỉ thị số 12-CT/TW về tăng cường sự lãnh đạo; văn bản số 25/CV-ĐL ngày 14/01/2021; số 65/-ĐL.",
    "Áp dụng HTQLCL theo TCVN ISO 9001:2015; QCVN 16:2019/BXD về vật liệu xây dựng.",
    "Báo cáo giai đoạn 2017- 2020 và kế hoạch giai đoạn 2021-2025, năm 2021 và nưam 2022.",
    "Đường dây nóng: 0209.3870.123; ĐT: 0209 3870 123; Tel 02093 870 123.",
    "Công văn số 08 /BC-SKHCN về Chiến lược khoa học và công nghệ giai đoạn 2011-2020.",
    "1. Xây dựng cơ chế, chính sách\n\n2.1. Hoạt động nghiên cứu\n\na) Đối với nhiệm vụ cấp tỉnh",
    "Ngày 14/01 và ngày 20-01-2021 tổ chức Hội nghị tổng kết năm 2020.",
]


@pytest.mark.parametrize("sentence", TRAPS)
def test_dates_document_numbers_standards_years_sections_and_phones_are_never_figures(sentence):
    rep = report(sentence, sentence)
    assert rows(rep) == []
    assert unrecognised(rep)["quote"].tolist() == []


def test_a_figure_next_to_traps_is_still_found():
    rep = report("Theo Quyết định số 10/QĐ-SKHCN ngày 12/01/2021, thử nghiệm 68 mẫu vật liệu xây dựng theo "
                 "TCVN 6260:2009 năm 2021.")
    assert rows(rep) == [("material_samples_tested", 68.0, "thử nghiệm 68 mẫu vật liệu xây dựng")]


def test_unrecognised_lists_counted_quantities_no_phrasing_claims():
    rep = report("Cấp 15 giấy chứng nhận đủ điều kiện hoạt động; thẩm định 04 hồ sơ đăng ký; "
                 "thử nghiệm 10 mẫu gạch.", "Cấp 05 giấy chứng nhận đăng ký hoạt động KH&CN.")
    got = unrecognised(rep)
    assert got["quote"].tolist() == ["Cấp 15 giấy chứng nhận đủ điều kiện hoạt động", "thẩm định 04 hồ sơ đăng ký",
                                     "Cấp 05 giấy chứng nhận đăng ký hoạt động KH&CN"]
    assert got["kind"].tolist() == ["result", "result", "plan"]
    assert got["line"].tolist()[0] == 13


# --- the phrasing catalog ------------------------------------------------------------------------------------

def _phrasing_rows():
    with open(PHRASINGS_CSV, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", _phrasing_rows(), ids=lambda r: f"{r['indicator']}:{r['example'][:30]}")
def test_every_phrasing_claims_its_own_example(row):
    example = row["example"]
    if row["within"]:
        parent = {"tasks_continuing": "18 nhiệm vụ chuyển tiếp", "tasks_new": "12 nhiệm vụ mới"}[row["within"]]
        note = example if example[0] in "¹²" else f"¹ {example}"
        rep = report(f"quản lý 30 nhiệm vụ ({parent}¹).\n\n{note.replace('²', '¹')}")
        example = example.replace("²", "¹")
    elif row["section"]:
        rep = report(example + ".", section=f"2.1. Công tác {row['section'].split('|')[0]}")
    else:
        rep = report(example + ".")
    if row["indicator"] == NOT_AN_INDICATOR:  # a guard: no row, and no other phrasing takes the number
        assert rows(rep) == [], rows(rep)
        return
    found = [r for r in rows(rep) if r[2] == example or r[2].endswith(example)]
    assert found and found[0][0] == row["indicator"], rows(rep)


def test_every_phrasing_names_a_catalog_indicator():
    codes = {p.indicator for p in load_phrasings()} - {NOT_AN_INDICATOR}
    assert codes <= set(__import__("sokhcn_analytics.core.catalog", fromlist=["codes"]).codes())


@pytest.mark.parametrize("sentence, indicator, value", [
    ("Hiệu chuẩn 35 phương tiện đo", "instruments_verified", 35),
    ("kiểm định, hiệu chuẩn được 410 phương tiện đo", "instruments_verified", 410),
    ("Mở 02 lớp đào tạo nghề trồng nấm cho nông dân", "training_classes", 2),
    ("tổ chức nghiệm thu 03 đề tài cấp tỉnh", "tasks_accepted", 3),
    ("hỗ trợ 04 đơn đăng ký nhãn hiệu tập thể", "ip_applications", 4),
    ("hướng dẫn 02 đơn đăng ký sở hữu công nghiệp", "ip_applications", 2),
    ("thanh tra, kiểm tra 12 cơ sở sản xuất kinh doanh", "establishments_inspected", 12),
    ("công bố 15 thủ tục hành chính được sửa đổi, bổ sung", "admin_procedures", 15),
    ("phát sóng 04 phóng sự khoa học và công nghệ", "media_programs", 4),
    ("đăng 12 tin bài trên trang thông tin điện tử", "media_programs", 12),
    ("Sản xuất 300 kg giống nấm Linh chi", "mushroom_spawn_kg", 300),
    ("nhân giống được 120 bình hoa lan Hồ Điệp", "orchid_flasks", 120),
    ("đo điện trở nối đất 05 vị trí", "grounding_systems_measured", 5),
    ("18 mẫu bê tông được thử nghiệm", "material_samples_tested", 18),
    ("triển khai 05 nhiệm vụ mở mới", "tasks_new", 5),
    ("Kiểm tra tình hình thực hiện 04 đề tài", "tasks_progress_checks", 4),
    ("tập huấn được 05 lớp cho nông dân", "training_classes", 5),
    ("Có 03 đề tài đã được nghiệm thu", "tasks_accepted", 3),
    ("thẩm định nội dung và kinh phí 06 nhiệm vụ", "tasks_appraised", 6),
    ("Thành lập 02 cuộc kiểm tra liên ngành", "inspections", 2),
    ("thanh tra 04 cơ sở", "establishments_inspected", 4),
])
def test_generic_phrasings_of_other_reports(sentence, indicator, value):
    got = rows(report(sentence + "."))
    assert got and got[0][:2] == (indicator, float(value))


@pytest.mark.parametrize("sentence", [
    "Tiếp nhận 05 nhiệm vụ mới đề xuất",
    "đề xuất đặt hàng 04 nhiệm vụ mới",
    "thực hiện 02 chương trình khoa học và công nghệ",
    "Năm 2021 có 36 nhiệm vụ",
])
def test_look_alike_phrases_that_count_something_else_are_not_taken(sentence):
    assert rows(report(sentence + ".")) == []


def test_bad_phrasing_pattern_is_refused_with_its_row(tmp_path):
    from sokhcn_analytics.core.errors import SokhcnError

    bad = tmp_path / "phrasings.csv"
    bad.write_text("indicator,pattern,within,section,scale,example\ntraining_classes,(?<!mở ){N} lớp,,,,\n",
                   encoding="utf-8")
    with pytest.raises(SokhcnError) as err:
        load_phrasings(str(bad))
    assert err.value.reason == "bad_phrasing" and "dòng 2" in str(err.value)


def test_figures_inside_a_footnote_that_follows_no_figure_are_still_read():
    rep = report("Triển khai các lớp tập huấn tại huyện Pác Nặm⁵.\n\n⁵ Tổ chức 03 lớp tập huấn chăn nuôi trâu bò tại xã An Thắng")
    assert rows(rep) == [("training_classes", 3.0, "Tổ chức 03 lớp tập huấn chăn nuôi trâu bò")]
    assert extract_indicators(rep)["line"].tolist() == [15]


def test_square_metres_are_not_footnote_markers():
    rep = report("Xây dựng 500 m² nhà lưới; 26 nhiệm vụ chuyển tiếp².\n\n² Trong đó: 24 nhiệm vụ cấp tỉnh")
    assert rows(rep) == [("tasks_continuing", 26.0, "26 nhiệm vụ chuyển tiếp"),
                         ("tasks_continuing_provincial", 24.0, "² Trong đó: 24 nhiệm vụ cấp tỉnh")]


@pytest.mark.parametrize("sentence, quote", [
    ("Kiểm tra tiến độ định kỳ 02 ĐTDA", "Kiểm tra tiến độ định kỳ 02 ĐTDA"),
    ("Kiểm tra tiến độ định kì 02 ĐTDA", "Kiểm tra tiến độ định kì 02 ĐTDA"),
])
def test_tone_mark_placement_and_y_i_spelling_do_not_matter(sentence, quote):
    assert rows(report("", sentence + ".")) == [("tasks_progress_checks", 2.0, quote)]


def test_old_style_tone_marks_match_new_style_phrasings():
    rep = report("thử nghiệm 12 mẫu hàng hoá; thử nghiệm 13 mẫu hàng hóa.")
    assert rows(rep) == [("material_samples_tested", 12.0, "thử nghiệm 12 mẫu hàng hoá"),
                         ("material_samples_tested", 13.0, "thử nghiệm 13 mẫu hàng hóa")]
