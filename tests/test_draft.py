"""The drafted monthly report: its administrative form, and every figure read back exactly.

The round trip goes through the public interface only (``sokhcn extract`` and
``extract_indicators(read_report(path))``), so it keeps its meaning whatever the extractor's
insides become.
"""
from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, sokhcn_cmd
from sokhcn_analytics import draft_report
from sokhcn_analytics.core import catalog
from sokhcn_analytics.cli import main as cli
from sokhcn_analytics.draft import compose as draft
from sokhcn_analytics.extract.documents import read_document
from sokhcn_analytics.extract.extractor import extract_indicators, read_report
from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, REAL_ORG, next_period, shift_period
from sokhcn_analytics.store.build import load_indicators, load_tasks
from sokhcn_analytics.ingest.workbook import load_workbook, write_template

TRUTH = Path("/work/shared/reports/2021-01_so-khcn-bac-kan.truth.csv")
SHIPPED_REPORT_TRUTH = TRUTH if TRUTH.exists() else None
ILLUSTRATIVE_MONTHS = [shift_period("2019-01", i) for i in range(36)]


@pytest.fixture(scope="module")
def frames(shipped_store):
    return load_indicators(shipped_store), load_tasks(shipped_store)


@pytest.fixture(scope="module")
def real_draft(shipped_store, tmp_path_factory) -> Path:
    """2021-01 of Bắc Kạn drafted by the command, checked by it."""
    out = tmp_path_factory.mktemp("draft") / "2021-01.docx"
    done = subprocess.run([*sokhcn_cmd(), "draft", "--period", "2021-01", "--processed", str(shipped_store),
                           "--out", str(out), "--check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Đối chiếu: cả 25 số liệu đều đọc lại đúng" in done.stdout
    return out


@pytest.fixture(scope="module")
def illustrative_draft(frames, tmp_path_factory) -> Path:
    df, tasks = frames
    out = tmp_path_factory.mktemp("draft") / "minh-hoa.docx"
    return draft.save(draft_report(df, tasks, "2021-06", ILLUSTRATIVE_ORG), out)  # as the package exports it


def expected(df, period: str, org: str) -> set[tuple]:
    """What the store holds for the month: its results, and the plans it made for the next month."""
    rows = df[(df.org == org) & (((df.kind == "result") & (df.period == period)) |
                                 ((df.kind == "plan") & (df.period == next_period(period))))]
    return {(r.period, r.indicator, r.kind, float(r.value)) for r in rows.itertuples()}


def read_back(path) -> list[tuple]:
    got = extract_indicators(read_report(path))
    assert (got["quote"].str.len() > 0).all()
    return [(r.period, r.indicator, r.kind, float(r.value)) for r in got.itertuples()]


def exactly(rows: list[tuple]) -> set[tuple]:
    assert len(rows) == len(set((p, i, k) for p, i, k, _ in rows)), f"a figure read twice: {rows}"
    return set(rows)


# --- round trip ----------------------------------------------------------------------------------

def test_real_month_reads_back_exactly_the_stores_figures(real_draft, frames):
    assert exactly(read_back(real_draft)) == expected(frames[0], "2021-01", REAL_ORG)


@pytest.mark.skipif(SHIPPED_REPORT_TRUTH is None, reason="the reviewed truth of the shipped report is not here")
def test_real_month_gives_the_figures_of_the_shipped_report_through_sokhcn_extract(real_draft):
    with open(SHIPPED_REPORT_TRUTH, encoding="utf-8") as fh:
        truth = {(r["period"], r["indicator"], r["kind"], float(r["value"])) for r in csv.DictReader(fh)}
    done = subprocess.run([*sokhcn_cmd(), "extract", str(real_draft)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr  # nothing unrecognised either
    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert exactly([(r["period"], r["indicator"], r["kind"], float(r["value"])) for r in rows]) == truth
    text = "\n".join(p.text for p in read_document(real_draft).paragraphs)
    notes = "\n".join(n.text for n in read_document(real_draft).footnotes.values())
    assert all(r["quote"] in text or r["quote"] in notes for r in rows)


@pytest.mark.parametrize("period", ILLUSTRATIVE_MONTHS)
def test_every_illustrative_month_reads_back_exactly(period, frames, tmp_path):
    df, tasks = frames
    path = draft.save(draft.draft_report(df, tasks, period, ILLUSTRATIVE_ORG), tmp_path / f"{period}.docx")
    want = expected(df, period, ILLUSTRATIVE_ORG)
    assert want and exactly(read_back(path)) == want


_CODES = catalog.codes()
_value = st.one_of(st.integers(0, 9), st.integers(10, 3_000_000),
                   st.tuples(st.integers(0, 99_999), st.sampled_from([10, 100])).map(lambda t: t[0] / t[1]))


@st.composite
def workbooks(draw):
    """A month's figures for any indicators of the catalog, results and plans, any value a workbook takes."""
    period = f"{draw(st.integers(2019, 2023))}-{draw(st.integers(1, 12)):02d}"
    codes = st.lists(st.sampled_from(_CODES), unique=True, max_size=len(_CODES))
    results, plans = ({code: float(draw(_value)) for code in draw(codes)} for _ in range(2))
    return period, results, plans


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(workbooks())
def test_any_workbook_of_the_catalog_reads_back_exactly(tmp_path, month):
    period, results, plans = month
    book = write_template(period, tmp_path / f"{period}_{REAL_ORG}.xlsx", org=REAL_ORG, results=results,
                          plans=plans, reviewed=True)
    df, tasks = load_workbook(book)
    path = draft.save(draft.draft_report(df, tasks, period, REAL_ORG), tmp_path / "draft.docx")
    want = {(period, c, "result", v) for c, v in results.items()} | {
        (next_period(period), c, "plan", v) for c, v in plans.items()}
    assert expected(df, period, REAL_ORG) == want  # what the workbook holds
    assert exactly(read_back(path)) == want


def test_a_breakdown_without_its_total_stands_alone_and_reads_back(tmp_path):
    rows = [{"org": REAL_ORG, "period": "2021-12", "indicator": "tasks_new_provincial", "kind": "result",
             "value": 0.0}, {"org": REAL_ORG, "period": "2022-01", "indicator": "tasks_new", "kind": "plan",
                             "value": 12.0}]
    path = draft.save(draft.draft_report(rows, [], "2021-12", REAL_ORG), tmp_path / "d.docx")
    text = [p.text for p in read_document(path).paragraphs]
    assert "Số nhiệm vụ mới cấp tỉnh: 0." in text and "Triển khai 12 nhiệm vụ thực hiện từ năm 2022." in text
    assert exactly(read_back(path)) == {("2021-12", "tasks_new_provincial", "result", 0.0),
                                        ("2022-01", "tasks_new", "plan", 12.0)}


NATIONAL = {"tasks_managed": 36, "tasks_managed_provincial": 28, "tasks_managed_national": 5, "tasks_managed_ntmn": 3,
            "task_proposals_received": 64, "councils_held": 12, "tasks_identified": 21, "ip_titles_granted": 15,
            "establishments_inspected": 15, "violations_found": 6, "establishments_sanctioned": 5,
            "fines_vnd": 12_500_000, "samples_tested": 24, "xray_devices_inspected": 14, "import_quality_dossiers": 85,
            "conformity_declarations": 37, "st_budget_vnd": 18_600_000_000, "radiation_licences": 9}


def test_national_codes_are_worded_in_their_sections_money_in_trieu_or_ty_dong_and_read_back(tmp_path):
    plans = {"fines_vnd": 2_500_001, "st_budget_vnd": 48_300_000, "tasks_managed_provincial": 30, "violations_found": 0}
    rows = [{"org": REAL_ORG, "period": "2022-12", "indicator": c, "kind": "result", "value": float(v)}
            for c, v in NATIONAL.items()] + [{"org": REAL_ORG, "period": "2023-01", "indicator": c, "kind": "plan",
                                              "value": float(v)} for c, v in plans.items()]
    path = draft.save(draft.draft_report(rows, [], "2022-12", REAL_ORG), tmp_path / "d.docx")
    doc = read_document(path)
    text = [p.text for p in doc.paragraphs]
    assert "Tổng số tiền xử phạt vi phạm hành chính: 12,5 triệu đồng." in text
    assert "Kinh phí sự nghiệp khoa học và công nghệ được giao: 18,6 tỷ đồng." in text
    assert "Tổng số tiền xử phạt vi phạm hành chính dự kiến: 2.500.001 đồng." in text  # not exact in triệu
    assert "Tiếp tục quản lý 30 nhiệm vụ cấp tỉnh." in text  # a breakdown without its total stands alone
    # the managed tasks' breakdown is the footnote of the total, as the department writes it
    assert [n.text for n in doc.footnotes.values()] == [
        "¹ Trong đó: 28 nhiệm vụ cấp tỉnh, 05 nhiệm vụ cấp quốc gia, cấp bộ, 03 dự án thuộc Chương trình nông thôn miền núi."]
    inspection = text.index("7. Công tác thanh tra, kiểm tra trong lĩnh vực khoa học và công nghệ")
    assert text[inspection + 1: inspection + 5] == [
        "Thanh tra, kiểm tra 15 cơ sở sản xuất, kinh doanh.", "Phát hiện 06 trường hợp vi phạm.",
        "Ra quyết định xử phạt vi phạm hành chính 05 cơ sở.", "Tổng số tiền xử phạt vi phạm hành chính: 12,5 triệu đồng."]
    assert not any(t.startswith("[Chưa có mẫu câu") for t in text)
    assert exactly(read_back(path)) == {("2022-12", c, "result", float(v)) for c, v in NATIONAL.items()} | {
        ("2023-01", c, "plan", float(v)) for c, v in plans.items()}


# --- the form, read back with python-docx -------------------------------------------------------------

def _mm(length) -> float:
    return round(length / Mm(1), 1)


def test_page_is_a4_with_the_decree_margins(real_draft):
    section = Document(str(real_draft)).sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210, 297)
    assert 20 <= _mm(section.top_margin) <= 25 and 20 <= _mm(section.bottom_margin) <= 25
    assert 30 <= _mm(section.left_margin) <= 35 and 15 <= _mm(section.right_margin) <= 20


def test_body_text_is_times_new_roman_justified_with_first_line_indent(real_draft):
    doc = Document(str(real_draft))
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and Pt(13) <= normal.font.size <= Pt(14)
    assert normal.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert normal.paragraph_format.first_line_indent > 0
    assert normal.element.find(f"{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == "vi-VN"
    body = [p for p in doc.paragraphs if p.text.startswith("Tham mưu quản lý 36")]
    assert body and body[0].style.name == "Normal" and body[0].paragraph_format.alignment is None  # as the style


def test_header_has_the_two_columns_number_blank_and_date_in_italics(real_draft):
    doc = Document(str(real_draft))
    cell = doc.tables[0].cell
    run = lambda r, c: cell(r, c).paragraphs[0].runs[0]  # noqa: E731
    assert cell(0, 0).text == "UBND TỈNH BẮC KẠN" and not run(0, 0).bold
    assert cell(1, 0).paragraphs[0].text == "SỞ KHOA HỌC VÀ CÔNG NGHỆ" and run(1, 0).bold
    assert cell(0, 1).text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and run(0, 1).bold
    # the slogan is not underlined: a rule of its own length stands under it (tests/test_draft_print.py)
    assert cell(1, 1).paragraphs[0].text == "Độc lập - Tự do - Hạnh phúc" and not run(1, 1).underline
    number = cell(2, 0).text
    assert number.startswith("Số:") and number.endswith("/BC-SKHCN") and not any(c.isdigit() for c in number)
    assert cell(2, 1).text.startswith("Bắc Kạn, ngày") and cell(2, 1).text.endswith("tháng 01 năm 2021")
    assert run(2, 1).italic
    texts = [p.text for p in doc.paragraphs]
    title = texts.index("BÁO CÁO")
    assert texts[title + 1] == "Kết quả thực hiện nhiệm vụ tháng 01;\nphương hướng nhiệm vụ tháng 02 năm 2021"
    assert all(r.bold for r in doc.paragraphs[title].runs)


def test_sections_follow_the_shipped_report_then_the_signature(real_draft):
    texts = [p.text for p in Document(str(real_draft)).paragraphs]
    parts = [t for t in texts if t.startswith(("I. ", "II. "))]
    assert parts == ["I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 01", "II. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 02 NĂM 2021"]
    result = texts[texts.index(parts[0]):texts.index(parts[1])]
    order = [t for t in result if t[:2] in ("2.", "3.", "4.", "9.")]
    assert [t.split(" ", 1)[1][:25] for t in order] == ["Công tác quản lý nhiệm vụ", "Hoạt động thông tin khoa ",
                                                       "Hoạt động tiêu chuẩn đo l", "Kết quả hoạt động của Tru"]
    signature = Document(str(real_draft)).tables[-1]
    assert signature.cell(0, 0).paragraphs[0].text == "Nơi nhận:" and signature.cell(0, 0).paragraphs[0].runs[0].bold
    right = [p.text for p in signature.cell(0, 1).paragraphs if p.text]
    assert right == ["GIÁM ĐỐC", "Đỗ Thị Hiền"]


def test_breakdowns_are_word_footnotes_that_both_readers_see(real_draft):
    doc = Document(str(real_draft))
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype == RT.FOOTNOTES)
    from lxml import etree

    root = etree.fromstring(part.blob)
    notes = {n.get(qn("w:id")): "".join(t.text or "" for t in n.iter(qn("w:t"))).strip()
             for n in root.iter(qn("w:footnote")) if n.get(qn("w:type")) is None}
    assert notes == {"1": "Trong đó: 24 nhiệm vụ cấp tỉnh, 01 nhiệm vụ cấp quốc gia, 01 nhiệm vụ NTMN.",
                     "2": "Trong đó: 08 nhiệm vụ cấp tỉnh, 01 nhiệm vụ cấp quốc gia, 01 nhiệm vụ NTMN."}
    refs = [r.get(qn("w:id")) for r in doc.element.body.iter(qn("w:footnoteReference"))]
    assert refs == ["1", "2"]
    separators = doc.settings.element.find(qn("w:footnotePr"))  # as Word writes it
    assert [n.get(qn("w:id")) for n in separators] == ["-1", "0"]
    ours = read_document(real_draft)
    assert ours.footnotes["1"].text.startswith("¹ Trong đó: 24 nhiệm vụ cấp tỉnh")
    assert any(p.text.startswith("Có 26 nhiệm vụ chuyển tiếp¹ ") for p in ours.paragraphs)


def test_sections_without_figures_get_a_highlighted_placeholder(real_draft):
    paragraphs = Document(str(real_draft)).paragraphs
    texts = [p.text for p in paragraphs]
    first = texts.index("1. Xây dựng cơ chế, chính sách, pháp luật về khoa học và công nghệ")
    assert texts[first + 1] == "[Nội dung do Văn phòng Sở bổ sung]"
    placeholders = [p for p in paragraphs if p.text.startswith("[Nội dung do")]
    assert len(placeholders) >= 5
    assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for p in placeholders for r in p.runs)
    figures = [p for p in paragraphs if p.text.startswith("Thử nghiệm 68 mẫu")]
    assert figures and all(r.font.highlight_color is None for r in figures[0].runs)


def test_illustrative_draft_says_so_on_every_page_and_real_one_does_not(illustrative_draft, real_draft):
    section = Document(str(illustrative_draft)).sections[0]
    banner = catalog.label("illustrative.banner")
    assert section.different_first_page_header_footer
    assert banner in section.header.paragraphs[0].text and banner in section.first_page_header.paragraphs[0].text
    real = Document(str(real_draft)).sections[0]
    assert "MINH HỌA" not in real.header.paragraphs[0].text + real.first_page_header.paragraphs[0].text
    assert Document(str(illustrative_draft)).tables[0].cell(1, 0).paragraphs[0].text.endswith("(MINH HỌA)")


def test_tasks_accepted_in_the_month_are_named_in_a_footnote(illustrative_draft, frames):
    df, tasks = frames
    now = tasks[(tasks.org == ILLUSTRATIVE_ORG) & (tasks.period == "2021-06") & (tasks.status == "accepted")]
    before = tasks[(tasks.org == ILLUSTRATIVE_ORG) & (tasks.period == "2021-05") & (tasks.status == "accepted")]
    names = sorted(set(now.name) - set(before.name))
    figure = df[(df.org == ILLUSTRATIVE_ORG) & (df.period == "2021-06") & (df.indicator == "tasks_accepted")
                & (df.kind == "result")].value.iloc[0]
    assert len(names) == figure >= 1
    doc = read_document(illustrative_draft)
    note = next(n.text for n in doc.footnotes.values() if "nghiệm thu" in n.text)
    assert all(name in note for name in names)


# --- the command --------------------------------------------------------------------------------------

def test_a_month_without_data_is_an_error_that_says_what_to_do(shipped_store, tmp_path):
    out = tmp_path / "x.docx"
    done = subprocess.run([*sokhcn_cmd(), "draft", "--period", "2018-05", "--processed", str(shipped_store),
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "sokhcn build" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_an_org_without_settings_says_which_file_to_make(shipped_store, tmp_path, capsys):
    code = cli.main(["draft", "--period", "2021-01", "--org", "so-khcn-khac", "--processed", str(shipped_store),
                     "--out", str(tmp_path / "x.docx")])
    err = capsys.readouterr().err
    assert code == 1 and "so-khcn-khac.yml" in err and "sokhcn init --org so-khcn-khac" in err


def test_check_lists_every_figure_that_would_not_come_back(shipped_store, tmp_path, capsys, monkeypatch):
    # reworded with no noun the catalog knows: the extractor cannot tell what the 68 counts
    reworded = tuple(s if s.indicator != "material_samples_tested" else
                     draft.Sentence(s.indicator, s.kind, s.section, "Ghi nhận {n} ý kiến đóng góp.")
                     for s in draft.load_sentences())
    monkeypatch.setattr(draft, "load_sentences", lambda: reworded)
    code = cli.main(["draft", "--period", "2021-01", "--processed", str(shipped_store), "--out",
                     str(tmp_path / "x.docx"), "--check"])
    err = capsys.readouterr().err
    assert code == 1 and "1 số liệu không đọc lại đúng" in err
    assert "Mẫu vật liệu xây dựng thử nghiệm: 68 mẫu — không đọc lại được" in err


def test_check_names_a_figure_read_back_wrong_or_not_in_the_store(real_draft, frames):
    figures = draft.month_figures(draft._records(frames[0]), "2021-01", REAL_ORG)
    figures[("result", "tasks_managed")] = 37.0
    del figures[("plan", "inspections")]
    problems = draft.check_draft(real_draft, figures, "2021-01")
    assert len(problems) == 2
    assert "Nhiệm vụ KH&CN đang quản lý: 37 nhiệm vụ — đọc lại thành 36" in problems[0]
    assert problems[1].startswith("Kế hoạch Tháng 02/2021 · Cuộc kiểm tra") and "không có trong kho" in problems[1]


def test_default_output_is_under_reports_of_the_month():
    assert draft.default_path("2021-01", REAL_ORG).relative_to(REPO) == Path(
        "reports/2021-01/bao-cao-thang_so-khcn-bac-kan.docx")


# --- the wording as data -------------------------------------------------------------------------------

def test_every_catalog_indicator_has_a_sentence_for_results_and_for_plans():
    have = {(s.indicator, s.kind) for s in draft.load_sentences()}
    assert {(c, k) for c in catalog.codes() for k in draft.PARTS} <= have


def test_sentences_name_known_sections_and_org_files_name_every_unit():
    sections = draft.load_sections()
    assert {(s.kind, s.section) for s in draft.load_sentences()} <= {(s.part, s.key) for s in sections}
    for org in (REAL_ORG, ILLUSTRATIVE_ORG):
        settings_ = draft.load_org_settings(org)
        assert {s.unit for s in sections} <= set(settings_["units"])


def test_counts_under_ten_are_written_with_a_leading_zero_quantities_as_they_are():
    assert [draft.vn_number(v) for v in (1, 9, 10, 0, 1234567, 2.5)] == ["01", "09", "10", "0", "1.234.567", "2,5"]
    assert draft.vn_number(5, count=False) == "5" and draft.vn_number(1234.25, count=False) == "1.234,25"


def test_org_settings_that_miss_a_field_or_do_not_parse_name_the_file(tmp_path, monkeypatch):
    from sokhcn_analytics.core import paths
    from sokhcn_analytics.core.errors import InputError

    monkeypatch.setattr(paths, "orgs_dir", lambda: tmp_path)
    (tmp_path / "don-vi-a.yml").write_text("issuing_body: UBND TỈNH A\nunits: [a, b]\n", encoding="utf-8")
    (tmp_path / "don-vi-b.yml").write_text("issuing_body: [không đóng\n", encoding="utf-8")
    for org, words in (("don-vi-a", "department, "), ("don-vi-b", "không đọc được")):
        with pytest.raises(InputError) as caught:
            draft.load_org_settings(org)
        assert caught.value.reason == "bad_org_settings" and f"{org}.yml" in str(caught.value)
        assert words in str(caught.value)
    with pytest.raises(draft.SokhcnError) as caught:
        draft.load_org_settings("../etc")
    assert caught.value.reason == "bad_org"


def test_tasks_that_moved_in_the_register_are_named_even_without_a_figure(frames):
    df, tasks = frames
    mine = tasks[tasks.org == ILLUSTRATIVE_ORG]
    now, before = (mine[mine.period == p].set_index("task_id").status for p in ("2019-11", "2019-10"))
    approved = sorted(mine[(mine.period == "2019-11") & mine.task_id.isin(
        [t for t, s in now.items() if s == "approved" and before.get(t) != "approved"])].name)
    assert approved
    form = draft.make_form(draft.month_figures(draft._records(df), "2019-11", ILLUSTRATIVE_ORG), "2019-11",
                           draft.load_org_settings(ILLUSTRATIVE_ORG), True,
                           {"approved": approved, "appraised": [], "accepted": [], "stopped": []})
    said = [line.text for line in form.lines if line.text.startswith("Nhiệm vụ được phê duyệt")]
    assert said == [f"Nhiệm vụ được phê duyệt thực hiện trong tháng: {'; '.join(approved)}."]
    assert sorted(draft.moved_to(draft._records(tasks), "2019-11", ILLUSTRATIVE_ORG, "approved")) == approved
    assert draft.moved_to(draft._records(tasks), "2019-01", ILLUSTRATIVE_ORG, "approved") == []  # no register before


def test_a_task_name_with_markup_characters_stays_text_in_the_footnote(tmp_path):
    rows = [{"org": REAL_ORG, "period": "2021-05", "indicator": "tasks_accepted", "kind": "result", "value": 1.0}]
    name = 'Mô hình "A & B" <thử> ]]>'
    register = [{"org": REAL_ORG, "period": p, "task_id": "T1", "name": name, "status": s}
                for p, s in (("2021-04", "in_progress"), ("2021-05", "accepted"))]
    path = draft.save(draft.draft_report(rows, register, "2021-05", REAL_ORG), tmp_path / "d.docx")
    assert read_document(path).footnotes["1"].text == f"¹ Nhiệm vụ được nghiệm thu: {name}."
    assert exactly(read_back(path)) == {("2021-05", "tasks_accepted", "result", 1.0)}
