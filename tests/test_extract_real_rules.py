"""Rules learnt from real published texts (benchmarks/real_texts), each on a sentence made up here:
the period and span from the body, parts that are never totals, restated figures, money in whole đồng,
and ``sokhcn extract --review``. No sentence of the real texts is copied here."""
from __future__ import annotations

import pytest

from sokhcn_analytics.extract.extractor import extract_indicators, parse_report, review, to_store_rows


def _rows(text: str, period: str | None = None) -> list[tuple]:
    df = extract_indicators(parse_report(text, period=period))
    return [(r.period, r.span, r.indicator, r.value, r.kind) for r in df.itertuples()]


@pytest.mark.parametrize("lead, expected", [
    ("Năm 2023, Sở Khoa học và Công nghệ tỉnh X đã kiểm tra 14 cơ sở kinh doanh.", ("2023-12", 12)),
    ("Trong 9 tháng đầu năm 2022, Sở đã kiểm tra 14 cơ sở kinh doanh.", ("2022-09", 9)),
    ("6 tháng đầu năm 2021, Chi cục đã kiểm tra 14 cơ sở kinh doanh.", ("2021-06", 6)),
    ("Trong quý II/2020, Thanh tra Sở đã kiểm tra 14 cơ sở kinh doanh.", ("2020-06", 3)),
    ("Tính đến hết tháng 10/2019, Sở đã kiểm tra 14 cơ sở kinh doanh.", ("2019-10", 10)),
    ("Ngày 15/11/2018, Đoàn công tác của Sở đã kiểm tra 14 cơ sở kinh doanh.", ("2018-11", 1)),
])
def test_period_and_span_come_from_the_body_when_there_is_no_report_title(lead, expected):
    rep = parse_report(lead)
    assert (rep.period, rep.span) == expected
    assert _rows(lead) == [(*expected, "establishments_inspected", 14.0, "result")]


def test_a_period_of_several_years_makes_its_figures_cumulative():
    text = "Giai đoạn 2015-2019, Sở đã nghiệm thu 37 đề tài, dự án."
    assert _rows(text) == [("2019-12", 60, "tasks_accepted", 37.0, "cumulative")]


def test_a_stated_from_to_time_wins_over_the_year_of_a_plan_it_names():
    text = ("Thực hiện kế hoạch phối hợp năm 2024 của Chi cục.\n"
            "Từ ngày 05/3 đến ngày 08/3/2024, Trung tâm đã kiểm định 40 phương tiện đo tại huyện Y.")
    rep = parse_report(text)
    assert (rep.period, rep.span) == ("2024-03", 1)


def test_a_month_range_is_a_span_not_the_first_month():
    rep = parse_report("Kết quả đợt kiểm tra (tiến hành từ tháng 3/2017 - 5/2017) cho thấy:\n"
                       "Đoàn đã kiểm tra 20 cơ sở kinh doanh khí dầu mỏ hóa lỏng.")
    assert (rep.period, rep.span) == ("2017-05", 3)


def test_a_signing_date_is_never_a_dated_lead():
    with pytest.raises(Exception) as err:
        parse_report("BÁO CÁO\nTình hình hoạt động của Sở\nThái Hòa, ngày 30 tháng 3 năm 2020\n"
                     "I. KẾT QUẢ\nThử nghiệm 10 mẫu.")
    assert getattr(err.value, "reason", "") == "no_period"


def test_the_period_option_keeps_a_span_the_text_states_without_a_year():
    rep = parse_report("Trong 9 tháng đầu năm, Sở đã kiểm tra 14 cơ sở kinh doanh.", period="2023-09")
    assert (rep.period, rep.span) == ("2023-09", 9)


def test_a_stock_in_a_years_summary_counts_the_year():
    assert _rows("Năm 2020, Sở đã thực hiện 40 nhiệm vụ khoa học và công nghệ.") == [
        ("2020-12", 12, "tasks_managed", 40.0, "result")]


def test_a_briefing_month_after_the_texts_time_is_not_the_figures_time():
    text = ("Trong hai năm 2018 và 2019, Sở đã kiểm tra 120 cơ sở. Tại buổi họp báo tháng 3/2020, "
            "Sở cho biết đã xử phạt 9 cơ sở.")
    assert {r[:2] for r in _rows(text)} == {("2019-12", 24)}


def test_establishments_counted_trade_by_trade_with_no_total_are_parts():
    text = ("Năm 2022, Sở kiểm tra 20 cơ sở; trong lĩnh vực vàng phát hiện 03 cơ sở vi phạm về ghi nhãn, "
            "trong lĩnh vực gas phát hiện 02 cơ sở vi phạm về đo lường.")
    assert [r[2:4] for r in _rows(text)] == [("establishments_inspected", 20.0)]


def test_parts_in_a_breakdown_opening_the_next_sentence_are_never_the_total():
    text = "Năm 2022, Sở phát hiện 9 cơ sở vi phạm. Trong đó có 5 cơ sở vi phạm về nhãn hàng hóa."
    assert [r[2:4] for r in _rows(text)] == [("violations_found", 9.0)]


def test_a_list_detailing_a_total_the_text_does_not_state_gives_no_row():
    text = "Năm 2021, kết quả kiểm định tại huyện đảo, cụ thể: kiểm định được 10 cột đo xăng dầu, 02 cân đĩa, 05 cân bàn."
    rep = parse_report(text)
    assert extract_indicators(rep).empty
    assert set(review(rep)["reason"]) == {"part"}


def test_a_figure_stated_again_in_another_paragraph_is_one_row():
    text = "Năm 2022, Sở đã xử phạt 6 cơ sở vi phạm.\nẢnh: Đoàn kiểm tra xử phạt 6 cơ sở vi phạm."
    assert [r[2:4] for r in _rows(text)] == [("establishments_sanctioned", 6.0)]


def test_a_city_level_task_is_a_provincial_task():
    text = "Năm 2019, Sở quản lý 55 nhiệm vụ cấp thành phố."
    assert [r[2:4] for r in _rows(text)] == [("tasks_managed_provincial", 55.0)]


def test_task_funding_is_not_the_science_budget():
    text = "Năm 2019, Sở thực hiện 30 đề tài với tổng kinh phí sự nghiệp khoa học 9.800 triệu đồng."
    assert [r[2] for r in _rows(text)] == ["tasks_managed"]


def test_selecting_who_carries_out_tasks_is_no_task_count():
    text = "Tháng 4/2021, tổ chức hội đồng tuyển chọn tổ chức và cá nhân thực hiện 04 nhiệm vụ cấp tỉnh."
    assert _rows(text) == []


@pytest.mark.parametrize("sentence, value, approx", [
    ("Năm 2022, Thanh tra Sở xử phạt hơn 16,9 tỷ đồng.", 16_900_000_000, ">"),
    ("Năm 2022, Thanh tra Sở xử phạt 1.250.500 đồng.", 1_250_500, ""),
    ("Năm 2022, Thanh tra Sở phạt tiền gần 85,3 triệu đồng.", 85_300_000, "<"),
])
def test_money_is_read_in_whole_dong(sentence, value, approx):
    df = extract_indicators(parse_report(sentence))
    assert df["value"].tolist() == [float(value)] and float(df["value"][0]).is_integer()
    assert df["approx"].tolist() == [approx]
    store = to_store_rows(df, "x.txt")
    assert store["value"].tolist() == [float(value)]


def test_money_goes_through_the_draft_and_back_exactly():
    from sokhcn_analytics.draft.compose import vn_money

    written = vn_money(16_900_000_000)
    assert written == "16,9 tỷ đồng"
    df = extract_indicators(parse_report(f"Năm 2022, Thanh tra Sở xử phạt {written}."))
    assert df["value"].tolist() == [16_900_000_000.0]


def test_review_lists_the_approximate_and_the_parts_with_their_sentence():
    rep = parse_report("Năm 2022, Sở kiểm tra hơn 40 cơ sở. Đoàn làm việc tại hai chợ, trong đó có 12 cơ sở vàng.")
    rows = review(rep)
    assert rows[["reason", "sentence"]].values.tolist() == [
        ["approx", "Năm 2022, Sở kiểm tra hơn 40 cơ sở."],
        ["part", "Đoàn làm việc tại hai chợ, trong đó có 12 cơ sở vàng."]]


def test_a_part_of_a_total_stated_in_the_sentence_before_is_never_a_figure_of_its_own():
    text = "Năm 2022, Sở thử nghiệm 130 mẫu. Trong đó, 90 mẫu nước thải."
    assert [r[2:4] for r in _rows(text)] == [("material_samples_tested", 130.0)]


@pytest.mark.parametrize("text, code, value", [
    ("Năm 2021, Sở đã quản lý 27 nhiệm vụ khoa học và công nghệ cấp tỉnh.", "tasks_managed_provincial", 27.0),
    ("Năm 2021, Sở đã thực hiện 4 đề tài, dự án cấp quốc gia.", "tasks_managed_national", 4.0),
    ("Năm 2021, Sở đã triển khai 6 dự án, nhiệm vụ cấp quốc gia.", "tasks_managed_national", 6.0),
])
def test_a_level_after_words_joined_by_va_or_a_comma_is_the_numbers(text, code, value):
    assert [r[2:4] for r in _rows(text)] == [(code, value)]


def test_district_level_tasks_are_not_the_departments():
    assert _rows("Năm 2021, các huyện đã triển khai 35 dự án thuộc nhiệm vụ khoa học cấp huyện.") == []


def test_a_decisions_date_does_not_make_the_texts_year_a_plan():
    text = "Năm 2024, thực hiện Kế hoạch số 12/KH-UBND ngày 03/02/2023, Sở đã kiểm tra 31 cơ sở kinh doanh."
    rep = parse_report(text)
    assert (rep.period, rep.span) == ("2024-12", 12)


def test_a_programmes_years_are_not_the_texts_period():
    text = ("Năm 2024, Sở đã kiểm tra 31 cơ sở kinh doanh, góp phần thực hiện chương trình phát triển "
            "khoa học của tỉnh giai đoạn 2021 - 2030.")
    rep = parse_report(text)
    assert (rep.period, rep.span) == ("2024-12", 12)


def test_a_count_beside_an_unread_sibling_of_the_same_noun_is_an_item_without_total():
    text = ("Năm 2022, Sở kiểm tra 30 cơ sở. Qua đó, Đoàn đã phát hiện 5 cửa hàng bán sai nhãn về xuất xứ "
            "và 2 cửa hàng vi phạm về đo lường.")
    assert [r[2:4] for r in _rows(text)] == [("establishments_inspected", 30.0)]


def test_councils_listed_by_kind_with_no_total_give_no_row():
    text = "Năm 2022, Sở đã tổ chức 9 hội đồng tư vấn xác định nhiệm vụ và 14 hội đồng tư vấn tuyển chọn."
    assert [r[2] for r in _rows(text)] == []


def test_a_stated_total_keeps_its_row_beside_a_list_of_the_same_noun():
    text = "Năm 2022, Sở đã tổ chức tổng cộng 23 hội đồng tư vấn, gồm 9 hội đồng xác định và 14 hội đồng tuyển chọn."
    assert ("councils_held", 23.0) in [r[2:4] for r in _rows(text)]


def test_a_sentence_counting_establishments_trade_by_trade_gives_the_trades_parts():
    text = ("Năm 2019, Sở kiểm tra 60 cơ sở. Kết quả kiểm tra cho thấy: tại 40 cơ sở kinh doanh gas phát hiện 3 cơ sở vi phạm, "
            "xử phạt với số tiền là 9.000.000 đồng; 20 cơ sở kinh doanh vàng phát hiện 1 cơ sở vi phạm, "
            "xử phạt 4.000.000 đồng.")
    assert [r[2:4] for r in _rows(text)] == [("establishments_inspected", 60.0)]


def test_a_breakdown_after_a_total_is_no_trade_by_trade_list():
    text = "Năm 2019, Chi cục kiểm tra tại 09 cơ sở; cụ thể: huyện A 05 cơ sở, huyện B 04 cơ sở."
    assert [r[2:4] for r in _rows(text)] == [("establishments_inspected", 9.0)]


def test_a_verification_ordered_as_a_remedy_is_not_the_departments():
    text = "Năm 2019, Đoàn thanh tra xử phạt 4 cơ sở, buộc kiểm định 11 cột đo xăng dầu."
    assert [r[2:4] for r in _rows(text)] == [("establishments_sanctioned", 4.0)]


def test_environmental_samples_are_no_sample_testing_figure():
    text = "Năm 2019, tổng số mẫu thử nghiệm là 75. Trong đó, 40 mẫu nước thải, 35 mẫu không khí."
    assert [r[2] for r in _rows(text)] == []


def test_an_amount_named_so_tien_takes_the_fine_verb_of_its_sentence_however_far():
    text = ("Năm 2020, Thanh tra Sở đã lập hồ sơ xử phạt vi phạm hành chính đối với 02 cửa hàng kinh doanh "
            "khí dầu mỏ hóa lượng dùng cân chưa có tem kiểm định còn hiệu lực với tổng số tiền hơn 6,5 triệu đồng.")
    rows = _rows(text)
    assert ("fines_vnd", 6500000.0) in [r[2:4] for r in rows]


def test_an_amount_with_no_fine_verb_in_its_sentence_stays_unread():
    assert [r[2] for r in _rows("Năm 2020, Sở đã chi cho hội nghị với số tiền 6,5 triệu đồng.")] == []


def test_a_label_naming_several_kinds_of_metrology_work_reads_instruments():
    text = "Năm 2020, kết quả: Kiểm định, hiệu chuẩn, thử nghiệm phương tiện đo lường: 4.200; thử nghiệm 30 mẫu gạch."
    assert ("instruments_verified", 4200.0) in [r[2:4] for r in _rows(text)]


def test_citizen_receptions_are_not_inspections():
    text = "Năm 2020, Thanh tra Sở đã thực hiện được 03 cuộc thanh tra và 07 lượt tiếp công dân."
    assert [r[2:4] for r in _rows(text)] == [("inspections", 3.0)]


def test_a_lead_stating_its_counts_before_nhu_sau_is_body():
    text = ("Kết quả công tác thanh tra 6 tháng đầu năm 2020\n"
            "Trong 6 tháng đầu năm, Thanh tra Sở Khoa học và Công nghệ đã tổ chức thực hiện được 03 cuộc "
            "thanh tra chuyên ngành trên địa bàn tỉnh và giải quyết các đơn thư theo quy định, cụ thể như sau:\n"
            "- Thanh tra về đo lường tại 05 cơ sở kinh doanh xăng dầu.")
    assert ("inspections", 3.0) in [r[2:4] for r in _rows(text)]


def test_a_count_of_places_takes_the_nearest_verb_of_its_sentence_that_can_govern_it():
    text = ("Năm 2018, Thanh tra Sở đã thành lập Đoàn thanh tra liên ngành về tiêu chuẩn, đo lường, chất lượng "
            "và nhãn hàng hóa trong sản xuất, kinh doanh phân bón và thức ăn chăn nuôi tại 27 doanh nghiệp.")
    assert [r[2:4] for r in _rows(text)] == [("establishments_inspected", 27.0)]


def test_a_count_of_places_with_no_verb_that_can_govern_it_stays_unread():
    text = "Năm 2018, Sở đã phân tích số liệu thống kê và sản xuất bản tin phát hành tại 27 doanh nghiệp."
    assert _rows(text) == []


def test_an_ellipsis_does_not_end_the_clause_of_a_figure():
    text = "Năm 2018, Đoàn kiểm tra phương tiện đo nhóm 2 là cân, áp kế,... tại 12 đơn vị sử dụng."
    assert [r[2:4] for r in _rows(text)] == [("establishments_inspected", 12.0)]


def test_so_far_with_the_texts_year_named_is_that_year_to_date():
    text = "Đến nay, Thanh tra Sở đã tiến hành đợt thanh tra chuyên đề năm 2018 tại 27 doanh nghiệp."
    assert _rows(text, period="2018-12") == [("2018-12", 12, "establishments_inspected", 27.0, "result")]


@pytest.mark.parametrize("text, expected", [
    ("Năm 2018, Sở đã kiểm tra nội dung, tiến độ thực hiện của 12 đề tài, dự án.", ("tasks_progress_checks", 12.0)),
    ("Năm 2018, UBND tỉnh đã phê duyệt 14 nhiệm vụ KHCN mới.", ("tasks_new", 14.0)),
    ("Năm 2018, 37 nhiệm vụ khoa học công nghệ cấp thành phố đăng ký mới.", ("tasks_new_provincial", 37.0)),
    ("Năm 2018, Trung tâm đã tổ chức 06 lớp học về quản lý chất lượng.", ("training_classes", 6.0)),
])
def test_wording_learnt_from_real_texts(text, expected):
    assert [r[2:4] for r in _rows(text)] == [expected]


def test_the_funding_of_new_tasks_is_not_a_count_of_new_tasks():
    text = "Năm 2018, tổng kinh phí chi cho 37 nhiệm vụ khoa học công nghệ cấp thành phố đăng ký mới là 50 tỷ đồng."
    assert "tasks_new_provincial" not in [r[2] for r in _rows(text)]


_MONTH_AND_HALF_YEAR = """BÁO CÁO
Kết quả hoạt động khoa học và công nghệ tháng 6 và 6 tháng đầu năm 2021
I. KẾT QUẢ THỰC HIỆN
1. Kết quả tháng 6
Sở đã kiểm tra 8 cơ sở kinh doanh khí dầu mỏ hóa lỏng.
2. Kết quả 6 tháng đầu năm
Sở đã kiểm tra 41 cơ sở kinh doanh; nghiệm thu 6 đề tài.
"""


def test_a_title_naming_a_month_and_a_longer_span_gives_both():
    rep = parse_report(_MONTH_AND_HALF_YEAR)
    assert (rep.period, rep.span) == ("2021-06", 1)
    assert _rows(_MONTH_AND_HALF_YEAR) == [("2021-06", 1, "establishments_inspected", 8.0, "result"),
                                          ("2021-06", 6, "establishments_inspected", 41.0, "result"),
                                          ("2021-06", 6, "tasks_accepted", 6.0, "result")]


def test_a_heading_without_a_longer_time_leaves_a_monthly_figure_a_months():
    text = _MONTH_AND_HALF_YEAR.replace("2. Kết quả 6 tháng đầu năm", "2. Công tác thanh tra")
    assert {r[1] for r in _rows(text)} == {1}


@pytest.mark.parametrize("text, expected", [
    ("Năm 2021, Sở đã quản lý 19 ĐT/DA cấp tỉnh.", ("tasks_managed_provincial", 19.0)),
    ("Năm 2021, Sở đã nghiệm thu 5 ĐT, DA.", ("tasks_accepted", 5.0)),
    ("Năm 2021, tỉnh được cấp 2 giấy chứng nhận đăng ký chỉ dẫn địa lý.", ("ip_titles_granted", 2.0)),
    ("Năm 2021, tỉnh được cấp 4 giấy chứng nhận đăng ký kiểu dáng công nghiệp.", ("ip_titles_granted", 4.0)),
    ("Năm 2021, Sở đã cấp 3 bằng độc quyền sáng chế.", ("ip_titles_granted", 3.0)),
    ("Năm 2021, Hội đồng đã xác định 8 nhiệm vụ đặt hàng.", ("tasks_identified", 8.0)),
    ("Năm 2021, Sở đã tiếp nhận 52 đề xuất đặt hàng nhiệm vụ.", ("task_proposals_received", 52.0)),
    ("Năm 2021, Chi cục TĐC đã kiểm định 900 PTĐ.", ("instruments_verified", 900.0)),
    ("Năm 2021, Sở đã hướng dẫn 6 đơn đăng ký SHTT.", ("ip_applications", 6.0)),
])
def test_abbreviations_and_industrial_property_titles_by_kind(text, expected):
    assert [r[2:4] for r in _rows(text)] == [expected]
