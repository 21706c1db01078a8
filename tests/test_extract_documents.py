"""Report files of every supported format, and the ones that must be refused."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from extract_fixtures import cp1258, tcvn3, write_docx
from sokhcn_analytics.core.errors import InputError
from sokhcn_analytics.extract.extractor import extract_indicators, read_report

DATA = Path(__file__).parent / "data" / "extract"
JANUARY = DATA / "2021-01_so-khcn-bac-kan.txt"
TEXT = JANUARY.read_text(encoding="utf-8")


def _result_rows(path):
    df = extract_indicators(path)
    return [(r.period, r.indicator, r.value, r.kind) for r in df.itertuples()]


JANUARY_ROWS = _result_rows(JANUARY)


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""),
])
def test_text_report_in_utf8_with_bom_or_utf16_reads_the_same(tmp_path, encoding, bom):
    path = tmp_path / "bao-cao.txt"
    path.write_bytes(bom + TEXT.encode(encoding))
    assert _result_rows(path) == JANUARY_ROWS


def test_decomposed_unicode_and_windows_line_ends_read_the_same(tmp_path):
    path = tmp_path / "bao-cao.txt"
    path.write_bytes(unicodedata.normalize("NFD", TEXT).replace("\n", "\r\n").encode("utf-8"))
    assert _result_rows(path) == JANUARY_ROWS


def test_legacy_windows_1258_file_is_read_best_effort_with_a_warning(tmp_path):
    path = tmp_path / "bao-cao.txt"
    path.write_bytes(cp1258(TEXT))
    with pytest.warns(UnicodeWarning, match="UTF-8"):
        rows = _result_rows(path)
    assert rows == JANUARY_ROWS


def test_tcvn3_letters_read_as_the_vietnamese_they_stand_for():
    from sokhcn_analytics.extract.documents import from_tcvn3

    # written out by hand from the .VnTime code chart, not produced by the fixture's table
    assert from_tcvn3("B¶o Th¾ng, B¸t X¸t") == "Bảo Thắng, Bát Xát"
    assert from_tcvn3("th¸ng 01 n¨m 2021") == "tháng 01 năm 2021"
    assert from_tcvn3("®\u00adîc thÈm ®Þnh, nghiÖm thu; gièng nÊm") == "được thẩm định, nghiệm thu; giống nấm"
    assert from_tcvn3("Së Khoa häc vµ C«ng nghÖ") == "Sở Khoa học và Công nghệ"


def _figures(df):
    return sorted(zip(df["period"], df["indicator"], df["value"], df["kind"]))


def test_report_in_tcvn3_gives_the_same_figures_as_in_unicode_with_a_warning(tmp_path):
    source = Path(__file__).parent / "data" / "extract" / "2021-01_so-khcn-bac-kan.txt"
    text = source.read_text(encoding="utf-8")
    legacy = tmp_path / "2021-01_so-khcn-bac-kan.txt"
    legacy.write_bytes(tcvn3(text).encode("latin-1"))
    with pytest.warns(UnicodeWarning, match="TCVN3"):
        got = extract_indicators(legacy)
    assert len(got) >= 20 and _figures(got) == _figures(extract_indicators(source))


def test_word_document_typed_in_a_vntime_font_is_read_as_vietnamese(tmp_path):
    path = write_docx(tmp_path / "bao-cao.docx", [
        ("title", tcvn3("BÁO CÁO Kết quả thực hiện nhiệm vụ tháng 01 năm 2021")),
        ("h1", tcvn3("I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 01")),
        ("p", tcvn3("Năm 2021 tham mưu quản lý 36 nhiệm vụ khoa học và công nghệ.")),
        ("p", tcvn3("Sản xuất 250 kg giống nấm các loại.")),
    ])
    with pytest.warns(UnicodeWarning, match="TCVN3"):
        df = extract_indicators(path)
    assert df[["period", "indicator", "value"]].values.tolist() == [
        ["2021-01", "tasks_managed", 36.0], ["2021-01", "mushroom_spawn_kg", 250.0]]


def test_unicode_vietnamese_is_never_taken_for_tcvn3():
    from sokhcn_analytics.extract.documents import looks_like_tcvn3

    assert not looks_like_tcvn3(TEXT)                       # real Vietnamese
    assert looks_like_tcvn3(tcvn3(TEXT))
    assert not looks_like_tcvn3(cp1258(TEXT).decode("latin-1"))  # Windows-1258 bytes are not TCVN3
    assert not looks_like_tcvn3("Total: 36 tasks, 250 kg © 2021 ¸")  # a few Latin-1 signs are not a language


def test_markdown_report_with_headings_bold_and_footnotes(tmp_path):
    path = tmp_path / "2021-01.md"
    path.write_text(
        "# BÁO CÁO\n\nKết quả thực hiện nhiệm vụ tháng 01; phương hướng nhiệm vụ tháng 02 năm 2021\n\n"
        "## I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 01\n\n### 1.1. Quản lý các đề tài, dự án\n\n"
        "Năm 2021 tham mưu quản lý **36** nhiệm vụ khoa học và công nghệ (*26 nhiệm vụ chuyển tiếp[^1]; "
        "10 nhiệm vụ thực hiện từ năm 2021*).\n\n"
        "## II. PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 02\n\n- Kiểm tra 01 đề tài, dự án khoa học và công nghệ.\n\n"
        "[^1]: Trong đó: 24 nhiệm vụ cấp tỉnh, 01 nhiệm vụ NTMN, 01 nhiệm vụ cấp quốc gia\n", encoding="utf-8")
    df = extract_indicators(path)
    assert df[["indicator", "value", "kind"]].values.tolist() == [
        ["tasks_managed", 36.0, "result"], ["tasks_continuing", 26.0, "result"], ["tasks_new", 10.0, "result"],
        ["tasks_continuing_provincial", 24.0, "result"], ["tasks_continuing_ntmn", 1.0, "result"],
        ["tasks_continuing_national", 1.0, "result"], ["inspections", 1.0, "plan"]]
    assert df.loc[0, "quote"] == "quản lý **36** nhiệm vụ khoa học và công nghệ"
    assert df.loc[0, "section"] == "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 01 > 1.1. Quản lý các đề tài, dự án"


DOCX_BLOCKS = [
    ("p", "Số: 08 /BC-SKHCN"), ("p", "Bắc Kạn, ngày 18 tháng 02 năm 2021"), ("title", "BÁO CÁO"),
    ("p", "Kết quả thực hiện nhiệm vụ tháng 01; phương hướng nhiệm vụ tháng 02 năm 2021"),
    ("h1", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 01"),  # numbering left to Word's list style
    ("p", "Năm 2021, tham mưu quản lý 36 nhiệm vụ khoa học và công nghệ (26 nhiệm vụ chuyển tiếp{fn1}; "
          "10 nhiệm vụ thực hiện từ năm 2021{fn2}); thẩm định 02 đề tài, dự án."),
    ("h2", "Kết quả của Trung tâm"),
    ("table", [["Nội dung", "Kết quả"], ["Sản xuất được 250 kg giống nấm Sò", "Đạt"]]),
    ("h1", "PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 02"),
    ("p", "Kiểm tra 01 đề tài, dự án khoa học và công nghệ."),
]
DOCX_NOTES = {1: "Trong đó: 24 nhiệm vụ cấp tỉnh, 01 nhiệm vụ NTMN, 01 nhiệm vụ cấp quốc gia",
              2: "Trong đó: 08 nhiệm vụ cấp tỉnh, 01 nhiệm vụ NTMN, 01 nhiệm vụ cấp quốc gia"}


def test_word_report_paragraphs_tables_and_footnotes(tmp_path):
    path = write_docx(tmp_path / "2021-01.docx", DOCX_BLOCKS, DOCX_NOTES)
    report = read_report(path)
    assert report.period == "2021-01"
    assert report.footnotes["2"].text == "² Trong đó: 08 nhiệm vụ cấp tỉnh, 01 nhiệm vụ NTMN, 01 nhiệm vụ cấp quốc gia"
    df = extract_indicators(report)
    got = dict(zip(zip(df.indicator, df.kind), df.value))
    assert got == {
        ("tasks_managed", "result"): 36, ("tasks_continuing", "result"): 26, ("tasks_new", "result"): 10,
        ("tasks_appraised", "result"): 2,
        ("tasks_continuing_provincial", "result"): 24, ("tasks_continuing_ntmn", "result"): 1,
        ("tasks_continuing_national", "result"): 1, ("tasks_new_provincial", "result"): 8,
        ("tasks_new_ntmn", "result"): 1, ("tasks_new_national", "result"): 1,
        ("mushroom_spawn_kg", "result"): 250, ("inspections", "plan"): 1}
    assert df[df.kind == "plan"]["period"].tolist() == ["2021-02"]
    assert df.set_index("indicator").loc["tasks_continuing_provincial", "quote"] == "¹ Trong đó: 24 nhiệm vụ cấp tỉnh"


def test_word_report_without_footnotes_part(tmp_path):
    path = write_docx(tmp_path / "2021-01.docx", DOCX_BLOCKS[:6])
    assert read_report(path).footnotes == {}
    assert "tasks_continuing_provincial" not in extract_indicators(path)["indicator"].tolist()


def test_pdf_with_a_text_layer():
    df = extract_indicators(DATA / "report-2021-02-text.pdf")
    assert df[["period", "indicator", "value", "kind"]].values.tolist() == [
        ["2021-02", "mushroom_spawn_kg", 1200.0, "result"], ["2021-02", "mushroom_bags", 2500.0, "result"],
        ["2021-02", "training_classes", 3.0, "result"], ["2021-02", "material_samples_tested", 45.0, "result"],
        ["2021-03", "inspections", 2.0, "plan"]]
    assert df.loc[0, "section"] == "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 02 > 1. Hoạt động của Trung tâm"


def _refused(path) -> InputError:
    with pytest.raises(InputError) as err:
        read_report(path)
    assert err.value.problems[0].file == str(path)
    assert err.value.problems[0].message  # one Vietnamese sentence
    return err.value


def test_scanned_pdf_without_text_is_refused():
    err = _refused(DATA / "report-scanned.pdf")
    assert err.reason == "no_text_layer" and "bản quét" in str(err)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"  \n\n \r\n", "\ufeff\n".encode("utf-16")])
def test_empty_report_is_refused(tmp_path, content):
    path = tmp_path / "bao-cao.txt"
    path.write_bytes(content)
    assert _refused(path).reason == "empty_file"


@pytest.mark.parametrize("name", ["bao-cao.doc", "bao-cao.xlsx", "bao-cao"])
def test_unsupported_format_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"xx")
    err = _refused(path)
    assert err.reason == "unsupported_format" and ".docx" in str(err)


def test_missing_file_and_broken_word_file_are_refused(tmp_path):
    assert _refused(tmp_path / "khong-co.txt").reason == "file_not_found"
    broken = tmp_path / "hong.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert _refused(broken).reason == "unreadable_report"


def test_pdf_footnote_references_lost_as_plain_digits_are_restored():
    report = read_report(DATA / "report-2021-01-footnotes.pdf")  # "chuyển tiếp1", "20212", "1 Trong đó: …"
    assert set(report.footnotes) == {"1", "2"}
    assert "chuyển tiếp¹;" in report.text and "năm 2021²)" in report.text
    df = extract_indicators(report)
    got = dict(zip(df.indicator, df.value))
    assert got["tasks_new"] == 10 and got["tasks_continuing_provincial"] == 24 and got["tasks_new_provincial"] == 8


def test_hard_wrapped_text_is_joined_back_into_paragraphs(tmp_path):
    import textwrap

    path = tmp_path / "bao-cao.txt"
    path.write_text("\n".join(textwrap.fill(p, 90) for p in TEXT.split("\n") if p.strip()), encoding="utf-8")
    wrapped = extract_indicators(path)
    original = extract_indicators(JANUARY)
    assert wrapped.drop(columns="line").equals(original.drop(columns="line"))


def test_word_report_numbered_by_word_lists_with_plain_style_headings(tmp_path):
    blocks = [("table", [["UBND TỈNH BẮC KẠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
                         ["SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Độc lập - Tự do - Hạnh phúc"],
                         ["Số: 21/BC-SKHCN", "Bắc Kạn, ngày 26 tháng 3 năm 2021"]]),
              ("p", "BÁO CÁO"), ("p", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 3"),
              ("p", "PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 4 NĂM 2021"),
              ("p", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 3"), ("p", "Thử nghiệm 30 mẫu vật liệu xây dựng."),
              ("p", "PHƯƠNG HƯỚNG NHIỆM VỤ THÁNG 4"), ("p", "Thử nghiệm 40 mẫu vật liệu xây dựng."),
              ("table", [["Nơi nhận:\n- Như trên;\n- Lưu: VT.", "KT. GIÁM ĐỐC"]])]
    df = extract_indicators(write_docx(tmp_path / "2021-03.docx", blocks))
    assert df[["period", "value", "kind"]].values.tolist() == [["2021-03", 30.0, "result"], ["2021-04", 40.0, "plan"]]


def test_text_saved_from_a_pdf_gets_its_footnote_markers_back(tmp_path):
    path = tmp_path / "2021-01.txt"
    path.write_text("Kết quả thực hiện nhiệm vụ tháng 01 năm 2021\n\nI. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 01\n\n"
                    "Quản lý 36 nhiệm vụ KH&CN (26 nhiệm vụ chuyển tiếp1; 10 nhiệm vụ thực hiện từ năm 20212).\n\n"
                    "1 Trong đó: 24 nhiệm vụ cấp tỉnh, 02 nhiệm vụ cấp quốc gia\n\n"
                    "2 Trong đó: 10 nhiệm vụ cấp tỉnh\n", encoding="utf-8")
    got = extract_indicators(path)
    assert dict(zip(got.indicator, got.value)) == {
        "tasks_managed": 36, "tasks_continuing": 26, "tasks_new": 10, "tasks_continuing_provincial": 24,
        "tasks_continuing_national": 2, "tasks_new_provincial": 10}


def test_footnote_line_with_the_marker_glued_to_its_text(tmp_path):
    path = tmp_path / "2021-01.txt"
    path.write_text("Kết quả thực hiện nhiệm vụ tháng 01 năm 2021\nI. KẾT QUẢ\n26 nhiệm vụ chuyển tiếp¹.\n"
                    "¹Trong đó: 24 nhiệm vụ cấp tỉnh\n", encoding="utf-8")
    report = read_report(path)
    assert report.footnotes["1"].text == "¹ Trong đó: 24 nhiệm vụ cấp tỉnh"
    assert extract_indicators(report)["indicator"].tolist() == ["tasks_continuing", "tasks_continuing_provincial"]


def test_missing_reader_library_names_the_install_command(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pypdf", None)  # as if not installed
    err = _refused(DATA / "report-2021-02-text.pdf")
    assert err.reason == "missing_dependency" and "pip install pypdf" in str(err)


def test_word_content_controls_are_read_and_text_box_copies_are_not_doubled(tmp_path):
    import docx
    from lxml import etree

    path = write_docx(tmp_path / "2021-01.docx", DOCX_BLOCKS[:6])
    document = docx.Document(str(path))
    body = document.element.body
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    sdt = etree.SubElement(body, f"{{{w}}}sdt")
    content = etree.SubElement(sdt, f"{{{w}}}sdtContent")
    para = etree.SubElement(content, f"{{{w}}}p")
    run = etree.SubElement(para, f"{{{w}}}r")
    etree.SubElement(run, f"{{{w}}}t").text = "Thử nghiệm 45 mẫu vật liệu xây dựng."
    box = etree.SubElement(etree.SubElement(body, f"{{{w}}}p"), f"{{{mc}}}AlternateContent")
    for branch in ("Choice", "Fallback"):
        r = etree.SubElement(etree.SubElement(box, f"{{{mc}}}{branch}"), f"{{{w}}}r")
        etree.SubElement(r, f"{{{w}}}t").text = "Tổ chức 02 lớp tập huấn trồng nấm."
    body.append(body.find(f"{{{w}}}sectPr"))  # section properties stay last
    document.save(str(path))
    df = extract_indicators(path)
    assert dict(zip(df.indicator, df.value))["material_samples_tested"] == 45
    assert df["indicator"].tolist().count("training_classes") == 1
