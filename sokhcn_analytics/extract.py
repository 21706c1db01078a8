"""Figures out of the narrative monthly report, each with the phrase that shows it.

>>> df = extract_indicators("data/raw/reports/2021-01_so-khcn-bac-kan.txt")   # doctest: +SKIP
>>> df.loc[0, ["period", "indicator", "value", "quote"]].tolist()               # doctest: +SKIP
['2021-01', 'tasks_managed', 36.0, 'quản lý **36** nhiệm vụ khoa học và công nghệ']

The steps: read the file (:mod:`.documents`), find the report period in the title, cut the
text into parts (results, assessment, next-month plan) and a heading path, then let every
phrasing of ``phrasings.csv`` claim the numbers it recognises. A phrasing is one row: the
indicator code, a pattern with ``{N}`` where the number stands, optionally the indicator whose
footnote it breaks down (``within``) and a section the phrase must sit under. Numbers no
phrasing claims but that count something are listed by :func:`unrecognised`. A phrasing whose
indicator is ``-`` (NOT_AN_INDICATOR) guards a figure known to be no catalog indicator's (tasks
selected by a council): it takes the number so that no other phrasing misreads it ("tuyển chọn 05 đề
tài bắt đầu thực hiện năm 2023" is not five new tasks), gives no row, and stays unrecognised.
"""
from __future__ import annotations

import bisect
import csv
import re
import sys
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import catalog
from .documents import Footnote, Paragraph, read_document
from .errors import InputError, Problem, SokhcnError
from .model import INDICATOR_COLUMNS, REAL_ORG, is_period, next_period, normalize_indicators, period
from .paths import PHRASINGS_CSV
from .vnformat import parse_number

NOT_AN_INDICATOR = "-"
OUTPUT_COLUMNS = ["period", "indicator", "value", "unit", "kind", "section", "quote"]
UNRECOGNISED_COLUMNS = ["period", "kind", "section", "quote", "line"]

# --- pattern vocabulary shared by the phrasings ----------------------------------------------
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_OF = r"(?:/(?P<of>\d{1,3}(?:\.\d{3})+|\d+))?"  # "02/08 ĐTDA", "1.024/1.100 phương tiện"
_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_STOP_WORDS = "cho|tại|với|trên|ở|nhằm|để|tới|đến|và|thuộc|của|theo|từ|do|năm|ngày|tháng|trong|được"
# "02 (hai) lớp": the number written out again in words, in parentheses
_IN_WORDS = (r"(?:[^\S\n]*\((?:(?:một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín|mười|mươi|linh|lẻ|trăm|"
             r"nghìn|ngàn|triệu)[^\S\n]*)+\))?")
MACROS = {
    # the number: optional bold/italic markup around it, optional "/of" ("02/08 ĐTDA" = 2 of 8)
    "{N}": (r"(?<![\w.,/:\-–])(?:(?P<mk>\*\*|\*|__|_))?(?P<n>" + _NUM + r")" + _OF +
            r"(?(mk)(?P=mk))(?!(?!kg\b)[\w/:]|[.,]\d)" + _IN_WORDS),  # "250kg" glued is still a number
    "{FN}": f"(?:[{_SUP}]+)",
    "{YEAR}": r"(?P<year>(?:19|20)\d\d)",  # once per phrasing; must be the year of the row's period
    "{TASK}": "(?:ĐTDA|đề tài/dự án|đề tài, dự án|đề tài - dự án|đề tài và dự án|nhiệm vụ|đề tài|dự án)",
    "{KHCN}": "(?:khoa học và công nghệ|khoa học công nghệ|KH&CN|KHCN|KH-CN)",
    "{NAM}": "(?:Sò|Linh chi|Mộc nhĩ|Hương|Rơm|Kim châm|Đùi gà|Vân chi|Bào ngư|Tai mèo)",
    "{LAN}": "(?:kim tuyến|Hồ Điệp|Phi điệp|Đai châu|Kiếm)",
    "{MAU}": "(?:vật liệu xây dựng|VLXD|bê tông|xi măng|gạch|thép|cát|đá|nước|phân bón|sản phẩm|hàng hóa)",
    "{PTD}": ("(?:phương tiện đo|PTĐ|phương tiện|thiết bị đo|chuẩn đo lường|công tơ điện|công tơ|"
              "cột đo xăng dầu|cột đo|đồng hồ nước|đồng hồ|taximet|huyết áp kế|nhiệt kế|áp kế|quả cân|cân)"),
    # a table row as the readers write it ("| 1 | Kiểm định công tơ điện | chiếc | 1.235 | 5.120 |", Word
    # cells joined by " | "): {ROW} the row start and a TT cell, {CELLS} the rest of the label cell and
    # the cells without figures after it (unit; other columns' figures are blotted out by _mask_tables)
    "{ROW}": r"(?:(?<=\n)|(?<![^\n|])\|[^\S\n]*)(?:\d{1,3}[^\S\n]*\|[^\S\n]*)?",
    "{CELLS}": r"[^|\n]*?[^\S\n]*\|[^\S\n]*(?:[^|\n\d]+?[^\S\n]*\|[^\S\n]*){0,4}",
    # a few words naming a topic ("lớp tập huấn chăn nuôi vỗ béo trâu bò"), up to a linking word
    "{TOPIC}": rf"(?:[^\S\n]+(?!(?:{_STOP_WORDS})(?!\w))[\w&/-]+){{0,8}}",
}
_SPACE = r"[^\S\n]+"

# --- parts and headings ----------------------------------------------------------------------
_ROMAN = r"[IVXL]{1,5}"
_HEADING = re.compile(
    rf"^(?:(?P<roman>{_ROMAN})[.)-]|(?P<letter>[A-Z])\.|(?P<num>\d{{1,2}}(?:\.\d{{1,2}}){{0,3}})[.)]"
    rf"|(?P<bare>\d{{1,2}}(?:\.\d{{1,2}}){{1,3}})(?=\s+[^\W\d_])|(?P<sub>[a-zđ])[.)]"
    rf"|(?P<part>PHẦN\s+(?:{_ROMAN}|\d+|THỨ\s+\w+)[.:]?))\s*(?=\S)")
_PARTS = (  # first match wins; tested on a heading in capitals
    ("result", re.compile(r"KẾT QUẢ|TÌNH HÌNH (?:THỰC HIỆN|HOẠT ĐỘNG)|CÔNG TÁC ĐÃ|ĐÃ THỰC HIỆN")),
    ("plan", re.compile(r"PHƯƠNG HƯỚNG|(?:NHIỆM VỤ|KẾ HOẠCH|CHƯƠNG TRÌNH CÔNG TÁC).*"
                        r"(?:THÁNG|TRỌNG TÂM|CHỦ YẾU|TỚI|TIẾP THEO|DỰ KIẾN)|(?:TRỌNG TÂM|DỰ KIẾN).*THÁNG")),
    ("assessment", re.compile(r"^(?:ĐÁNH GIÁ|NHẬN XÉT|TỒN TẠI|KHÓ KHĂN|KIẾN NGHỊ|ĐỀ XUẤT|ĐỀ NGHỊ)")),
)
# a plan heading naming only the report's own month ("II. NHIỆM VỤ KH&CN CẤP TỈNH THÁNG 5") is a topic
_PLAN_WORDS = re.compile(r"PHƯƠNG HƯỚNG|TRỌNG TÂM|CHỦ YẾU|KẾ HOẠCH|CHƯƠNG TRÌNH|DỰ KIẾN|TỚI|TIẾP THEO")
# an unnumbered line opening a part (Word auto-numbering leaves no "II." in the text)
_BARE_PART = re.compile(r"(?i)^(?:phương hướng|nhiệm vụ (?:trọng tâm|chủ yếu|công tác)|nhiệm vụ(?: trong)? tháng|"
                        r"kế hoạch (?:công tác )?tháng|dự kiến (?:nhiệm vụ|kế hoạch)|"
                        r"(?:dự kiến )?chương trình công tác|kết quả (?:thực hiện|công tác|hoạt động)|"
                        r"tình hình thực hiện|đánh giá chung|tồn tại|khó khăn|kiến nghị|đề xuất)")
_CLOSING = re.compile(r"(?i)^(?:nơi nhận|trên đây là)")
_INTRO_END = re.compile(r"(?i)(?:như sau|sau đây|cụ thể)\s*:\s*$")
_MARKUP = re.compile(r"^[#*_\s]+|[*_\s]+$")

# --- period ------------------------------------------------------------------------------------
_SIGNING_DATE = re.compile(r"(?i)ngày\s*\d{1,2}\s*(?:tháng\s*\d{1,2}\s*năm\s*\d{4}|[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})")
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_MONTH = re.compile(r"(?i)tháng\s*(\d{1,2})(?!\d)(?:\s*[/-]\s*((?:19|20)\d\d))?")
_YEAR_AFTER = re.compile(r"(?i)năm\s*((?:19|20)\d\d)")
_TITLE_LEADS = (re.compile(r"(?i)kết\s+quả"), re.compile(r"(?i)báo\s+cáo"))

# --- numbers that never count anything ---------------------------------------------------------
_TOKEN = re.compile(r"(?<![\w.,/:\-–])(?:(?P<mk>\*\*|\*|__|_))?(?P<n>" + _NUM + r")" + _OF +
                    r"(?(mk)(?P=mk))(?![\w/:]|[.,]\d|\s/)")
_TRAP_BEFORE = re.compile(
    r"(?i)(?:ngày|tháng|năm|nưam|số|giai đoạn|quý|điều|khoản|mục|điểm|chương|phần|phụ lục|ISO|TCVN|QCVN|"
    r"tel|ĐT|điện thoại|fax|hotline|quốc lộ|tỉnh lộ|QL|km|lần thứ|khóa|khoá|\d[\s.]?|\d\s*[-–/]\s*)[:.]?\s*[*_]*$")
_TRAP_AFTER = re.compile(r"^\s*(?:[-–/]\s*\d|-\w|\.\s*\w)")
_NOUN_AFTER = re.compile(rf"^[*_{_SUP}]*[^\S\n]+(?!(?:giờ|phút|ngày|tháng|năm)(?!\w))[^\W\d_]")
_FN_REF = re.compile(rf"(?<![\s\dkcdm]m)[{_SUP}]+")  # not the ² of m², km², cm³


@dataclass(frozen=True)
class Phrasing:
    indicator: str
    regex: re.Pattern
    within: str = ""
    section: re.Pattern | None = None
    scale: float = 1.0
    example: str = ""
    after: re.Pattern | None = None  # what must follow the number: a cheap first test
    table: bool = False  # a table-row phrasing ({ROW} …): tried only in rows with cells


@dataclass
class Report:
    """A report read for extraction: where it came from, its period and its paragraphs."""

    path: str
    period: str
    paragraphs: list[Paragraph]
    footnotes: dict[str, Footnote] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    def title_line(self) -> str:
        """Where the title that gives the period stands, as errors name it: ``"dòng 6"``."""
        lines = [p.line for p in self.paragraphs[:40] if any(lead.search(p.text) for lead in _TITLE_LEADS)]
        return f"dòng {(lines or [self.paragraphs[0].line])[0]}"


@dataclass(frozen=True)
class _Segment:
    start: int  # offset in the joined text
    text: str
    line: int
    part: str  # preamble | result | assessment | plan | closing
    section: str
    footnote: str = ""  # marker number when the segment is a footnote


@dataclass(frozen=True)
class _Claim:
    phrasing: Phrasing
    segment: _Segment
    start: int  # absolute offsets of the quote
    end: int
    number_start: int
    value: float
    order: tuple


# --- phrasings -------------------------------------------------------------------------------

# Tone marks sit on either vowel ("hoà"/"hòa", "thuỷ"/"thủy") and "kỳ"/"kì" alternate: phrasings
# match a folded copy of the text; each fold keeps the length, so quotes come from the original.
_FOLD_PAIRS = {f"{o}{a}": f"{t}{b}" for o, b, pairs in (
    ("o", "a", "àòáóảỏãõạọ"), ("o", "e", "èòéóẻỏẽõẹọ"), ("u", "y", "ỳùýúỷủỹũỵụ"),
    ("O", "A", "ÀÒÁÓẢỎÃÕẠỌ"), ("O", "E", "ÈÒÉÓẺỎẼÕẸỌ"), ("U", "Y", "ỲÙÝÚỶỦỸŨỴỤ"))
    for a, t in zip(pairs[::2], pairs[1::2])}
_FOLD = re.compile("|".join(_FOLD_PAIRS))
_FOLD_Y = str.maketrans("ýỳỷỹỵÝỲỶỸỴ", "íìỉĩịÍÌỈĨỊ")


def fold(text: str) -> str:
    """Text with one tone-mark placement and i for accented y, same length as ``text``.

    >>> fold("Hoà Thuỷ kỳ"), fold("Hòa Thủy kì")
    ('Hòa Thủy kì', 'Hòa Thủy kì')
    """
    return _FOLD.sub(lambda m: _FOLD_PAIRS[m.group()], text).translate(_FOLD_Y)


def compile_pattern(pattern: str) -> re.Pattern:
    """A phrasing pattern as a regex: macros expanded, a space stands for any spaces on one line,
    bold/italic markup may open before or close after the number ("quản lý **36 nhiệm vụ**") and an
    estimate may precede it ("kiểm định khoảng 900 phương tiện đo")."""
    pattern = pattern.replace(" {N}", " (?:(?:khoảng|gần|hơn) )?(?:[*_]{1,2}(?=\\d))?{N}").replace("{N} ", "{N}(?:[*_]{1,2})? ")
    for macro, regex in MACROS.items():
        pattern = pattern.replace(macro, regex.replace(" ", "\x00"))
    return re.compile(fold(pattern.replace(" ", _SPACE).replace("\x00", " ")), re.IGNORECASE)


@lru_cache(maxsize=4)
def load_phrasings(path: str | None = None) -> tuple[Phrasing, ...]:
    """The phrasings in priority order (earlier rows claim a number first)."""
    path = Path(path or PHRASINGS_CSV)
    known = set(catalog.codes())
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for no, row in enumerate(csv.DictReader(fh), start=2):
            code = row["indicator"].strip()
            if code not in known | {NOT_AN_INDICATOR} or (row.get("within") and row["within"] not in known):
                raise SokhcnError(f"{path.name} dòng {no}: mã chỉ tiêu '{code}' không có trong danh mục "
                                  "indicators.csv; hãy thêm chỉ tiêu vào danh mục trước", reason="unknown_indicator")
            try:
                regex = compile_pattern(row["pattern"])
            except re.error as exc:
                raise SokhcnError(f"{path.name} dòng {no}: mẫu câu của '{code}' không hợp lệ ({exc}); "
                                  "trong (?<!…) hãy viết \\s thay cho dấu cách", reason="bad_phrasing") from exc
            rows.append(Phrasing(code, regex, (row.get("within") or "").strip(),
                                 re.compile(fold(row["section"]), re.I) if row.get("section") else None,
                                 float(row.get("scale") or 1), row.get("example") or "",
                                 _after_number(row["pattern"]), row["pattern"].startswith("{ROW}")))
    return tuple(rows)


def _after_number(pattern: str) -> re.Pattern | None:
    """The part of a pattern after ``{N}``, when it stands alone as a regex (``{N}`` at top level)."""
    if pattern.count("{N}") != 1:
        return None
    try:
        tail = pattern.split("{N}", 1)[1]
        return compile_pattern(("(?:[*_]{1,2})?" if tail.startswith(" ") else "") + tail)
    except re.error:
        return None


# --- reading -----------------------------------------------------------------------------------

def read_report(path, period: str | None = None) -> Report:
    """Read a report (.txt, .md, .docx, .pdf) and find its period in the title.

    ``period`` ("YYYY-MM") overrides the title. ``InputError`` with reason ``empty_file``,
    ``no_text_layer``, ``unsupported_format`` or ``no_period`` when the file cannot be used.
    """
    doc = read_document(path)
    if period is not None and not is_period(period):
        raise InputError(Problem("invalid_period", f"kỳ báo cáo '{period}' không đúng dạng NNNN-TT (ví dụ 2021-01)",
                                 file=str(path), value=period))
    found = period or find_period(doc.paragraphs)
    if found is None:
        first = doc.paragraphs[0].line if doc.paragraphs else 1
        raise InputError(Problem(
            "no_period", "không tìm thấy kỳ báo cáo trong tiêu đề (cần dạng 'Kết quả thực hiện nhiệm vụ tháng 01 "
            "… năm 2021'); hãy sửa tiêu đề hoặc chạy lại với --period NNNN-TT", file=str(path), cell=f"dòng {first}"))
    return Report(str(path), found, doc.paragraphs, doc.footnotes)


def parse_report(text: str, path: str = "", period: str | None = None, markdown: bool = False) -> Report:
    """A report from text already in memory (tests, other readers); same rules as :func:`read_report`.

    >>> parse_report("Kết quả thực hiện nhiệm vụ tháng 01 năm 2021").period
    '2021-01'
    """
    from .documents import parse_text

    doc = parse_text(text, path, markdown=markdown)
    found = period or find_period(doc.paragraphs)
    if found is None:
        raise InputError(Problem("no_period", "không tìm thấy kỳ báo cáo trong tiêu đề; hãy sửa tiêu đề "
                                 "hoặc chạy lại với --period NNNN-TT", file=path, cell="dòng 1"))
    return Report(path, found, doc.paragraphs, doc.footnotes)


def find_period(paragraphs: list[Paragraph]) -> str | None:
    """The month the report is about, from its title; the signing date is never used for it."""
    head = []
    for p in paragraphs[:40]:
        if _HEADING.match(p.text) and head:
            break
        head.append(p.text)
    signing_year = None
    for text in (" ".join(head), " ".join(p.text for p in paragraphs)):
        m = _SIGNING_DATE.search(text)
        signing_year = signing_year or (int(m.group()[-4:]) if m else None)
        text = _DATE.sub(" ", _SIGNING_DATE.sub(" ", text))
        for lead in _TITLE_LEADS:
            found = _period_after(text, lead, signing_year)
            if found:
                return found
    return None


def _period_after(text: str, lead: re.Pattern, signing_year: int | None) -> str | None:
    for lead_match in lead.finditer(text):
        m = _MONTH.search(text, lead_match.end(), lead_match.end() + 120)
        if not m or not 1 <= int(m.group(1)) <= 12:
            continue
        month = int(m.group(1))
        year_match = _YEAR_AFTER.search(text, m.end(), m.end() + 160)
        year = m.group(2) or (year_match.group(1) if year_match else None)
        if year and not m.group(2) and any(int(later.group(1)) < month for later in
                                           _MONTH.finditer(text, m.end(), year_match.start())):
            year = int(year) - 1  # "tháng 12; phương hướng tháng 01 năm 2021": the year is January's
        if year is None and signing_year:  # a December report signed in January
            year = signing_year - 1 if month == 12 else signing_year
        if year:
            return period(int(year), month)
    return None


# --- structure: parts, sections, segments ---------------------------------------------------------

def _heading(p: Paragraph) -> tuple[int, str, bool] | None:
    """(level, label, numbered) when the paragraph is a heading: numbered ("I.", "2.1.", "2.1 Tên",
    "a)"), styled as a heading in Word or markdown, or a short line in capitals."""
    text = _MARKUP.sub("", p.text)
    m = _HEADING.match(text)
    if m and m.group("bare") and not text[m.end():m.end() + 1].isupper():
        m = None  # "2.5 tấn" is a number, "2.5 Công tác" a heading
    if m:
        if m.group("roman") or m.group("part") or m.group("letter"):
            level = 1
        elif m.group("num") or m.group("bare"):
            level = 2 + (m.group("num") or m.group("bare")).count(".")
        else:
            level = 6
    elif p.style_level is not None:
        level = max(p.style_level, 1)
    elif len(text) <= 150 and " " in text and "|" not in text and text.upper() == text \
            and any(c.isalpha() for c in text):
        level = 1
    else:
        return None
    cut = m.end() if m and m.group("part") else 0  # "PHẦN THỨ HAI: NHIỆM VỤ TRỌNG TÂM THÁNG 03" is one label
    label = text[:cut] + re.split(r":\s", text[cut:], maxsplit=1)[0]
    return level, (label if len(label) <= 120 else label[:117].rstrip() + "…"), bool(m)


def _part_of(label: str, level: int, month: int = 0) -> str | None:
    """The part a heading opens: a top-level one in any case; one below only when it names a month
    ("1. KẾT QUẢ THÁNG 01", "2. Phương hướng nhiệm vụ tháng 02"), in capitals or opening with a part's
    name, so that "1. CÔNG TÁC QUẢN LÝ NHIỆM VỤ" stays a topic."""
    body = _HEADING.sub("", label).strip()
    letters = [c for c in body if c.isalpha()]
    if len(body) <= 100 and (level == 1 or _BARE_PART.match(body)):  # "2. Phương hướng nhiệm vụ tháng 7"
        body = body.upper()
    if len(letters) < 4 or any(c.islower() for c in body):
        return None
    if level > 1 and "THÁNG" not in body and "PHƯƠNG HƯỚNG" not in body:
        return None
    for part, rx in _PARTS:
        if rx.search(body):
            own_month = {int(n) for n in re.findall(r"THÁNG\s*(\d{1,2})(?!\d)", body)} == {month}
            return None if part == "plan" and own_month and not _PLAN_WORDS.search(body) else part
    return None


def _bare_part_heading(p: Paragraph, part: str) -> tuple[int, str, bool] | None:
    """ "Phương hướng nhiệm vụ tháng 7" alone on a short line once the body has begun."""
    text = _MARKUP.sub("", p.text)
    figures = re.sub(r"(?i)(?:tháng|năm)\s*\d+(?:/\d+)?", "", text)  # "Đề xuất 05 nhiệm vụ …" is a sentence
    if part in ("preamble", "result", "plan", "assessment") and len(text) <= 100 and not text.endswith((".", ";")) \
            and _BARE_PART.match(text) and not re.search(r"\d", figures):
        return 1, re.split(r":\s", text, maxsplit=1)[0], False
    return None


_TOPIC_LINE = re.compile(r"[A-ZĐÀ-Ỹ][^\d.;:!?]{3,78}")


def _topic_line(p: Paragraph, part: str) -> tuple[int, str, bool] | None:
    """A short line without figures or final stop in the body ("Công tác thanh tra"): the topic of
    what follows when Word's list numbering left no "2.3." in the text; a section's level."""
    text = _MARKUP.sub("", p.text)
    if part in ("result", "plan") and " " in text and _TOPIC_LINE.fullmatch(text):
        return 2, text, False
    return None


def _head_of(p: Paragraph, part: str, intro_seen: bool) -> tuple[int, str, bool] | None:
    """The paragraph as a heading: numbered or styled, an unnumbered part line, or a topic line.
    In the preamble a part line counts only after the introduction ("… như sau:"), so that the
    title's own "phương hướng nhiệm vụ tháng 4" line opens nothing."""
    if part == "closing":
        return None
    return (_heading(p) or _bare_part_heading(p, part if part != "preamble" or intro_seen else "")
            or _topic_line(p, part))


def _segments(report: Report) -> tuple[str, list[_Segment]]:
    """The joined text the phrasings run over, cut into segments with their part and section."""
    segments: list[_Segment] = []
    path: list[tuple[int, str]] = []
    part, offset, numbered_seen, intro_seen = "preamble", 0, False, False
    for p in report.paragraphs:
        if _CLOSING.match(p.text):
            part = "closing"
        head = _head_of(p, part, intro_seen)
        if part == "preamble" and intro_seen and not head:  # after "… như sau:" the body has begun
            part = "result"
        intro_seen = intro_seen or len(p.text) > 150 or bool(_INTRO_END.search(p.text))
        if head:
            level, label, numbered = head
            # the body starts at the first part heading, or at the first numbered or styled one;
            # a title in capitals ("KẾT QUẢ …; PHƯƠNG HƯỚNG …") holds no figures whatever part it sets
            numbered_seen = numbered_seen or numbered or (p.style_level or 0) >= 1
            new_part = _part_of(label, level, int(report.period[5:]))
            if new_part:
                part, path = new_part, []
            elif part == "preamble" and numbered_seen:
                part = "result"
            path = [h for h in path if h[0] < level] + [(level, label)]
        segments.append(_Segment(offset, p.text, p.line, part, " > ".join(lbl for _, lbl in path)))
        offset += len(p.text) + 1
    if not any(s.part in ("result", "plan") for s in segments):  # no headings at all: all results
        segments = [_Segment(s.start, s.text, s.line, "result" if s.part == "preamble" else s.part, s.section)
                    for s in segments]
    citing = _citing_segments(segments, report.footnotes)
    for marker, note in report.footnotes.items():
        host = citing.get(marker)
        segments.append(_Segment(offset, note.text, note.line, host.part if host else "result",
                                 host.section if host else "", marker))
        offset += len(note.text) + 1
    return "\n".join(s.text for s in segments), segments


def _citing_segments(segments: list[_Segment], footnotes: dict) -> dict[str, _Segment]:
    citing = {}
    for seg in segments:
        for m in _FN_REF.finditer(seg.text):
            marker = m.group().translate(str.maketrans(_SUP, "0123456789"))
            if marker in footnotes:
                citing.setdefault(marker, seg)
    return citing


# --- tables: only the month's column counts ----------------------------------------------------------

_FIGURE_CELL = re.compile(r"[^\S\n]*[\d.,%]*\d[\d.,%]*[^\S\n]*")
_MONTH_COLUMN = re.compile(r"(?i)tháng|thực hiện|kết quả|trong kỳ|số lượng|(?-i:TH)(?!\w)")
_OTHER_COLUMN = re.compile(r"(?i)lũy kế|luỹ kế|kế hoạch|(?-i:KH)(?!\w)|cùng kỳ|năm trước|so với|so sánh|%|tỷ lệ|"
                           r"đầu năm|cả năm|\d+ tháng")


def _cells(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each cell of a table row written with " | " between cells."""
    bounds = [-1, *(m.start() for m in re.finditer(r"\|", text)), len(text)]
    return [(start + a + 1, start + b) for a, b in zip(bounds, bounds[1:])]


def _tables(segments: list[_Segment]) -> list[list[_Segment]]:
    tables, rows = [], []
    for seg in [*segments, None]:
        if seg is not None and not seg.footnote and seg.text.count("|") >= 2:
            rows.append(seg)
        elif rows:
            tables, rows = [*tables, rows], []
    return tables


def _month_column(text: str, header: list[_Segment], month: int) -> tuple[int, int] | None:
    """(index, number of cells) of the column headed by the month ("Thực hiện tháng 10", not
    "Kế hoạch năm", "Lũy kế 10 tháng", "Cùng kỳ"), from the lowest header row that names it; the
    report's own month first when several months stand side by side ("Tháng 4 | Tháng 5")."""
    own = re.compile(rf"(?i)tháng\s*0?{month}(?!\d)")
    for row in reversed(header):
        cells = [text[a:b] for a, b in _cells(row.text, row.start)]
        found = [i for i, cell in enumerate(cells) if _MONTH_COLUMN.search(cell) and not _OTHER_COLUMN.search(cell)]
        if found:
            return next((i for i in found if own.search(cells[i])), found[0]), len(cells)
    return None


def _mask_tables(text: str, segments: list[_Segment], month: int) -> str:
    """The folded text with the figures of a table's other columns (year plan, year to date, last
    year) blotted out, so that a row's phrasing reaches the month's figure; same length."""
    chars = None
    for rows in _tables(segments):
        data = [i for i, row in enumerate(rows)
                if any(_FIGURE_CELL.fullmatch(text, a, b) for a, b in _cells(row.text, row.start))]
        column = _month_column(text, rows[: data[0]], month) if data else None
        if column is None:
            continue
        for row in rows[data[0]:]:
            cells = _cells(row.text, row.start)
            label = next((i for i, (a, b) in enumerate(cells) if text[a:b].strip()
                          and not _FIGURE_CELL.fullmatch(text, a, b)), len(cells))
            for i, (a, b) in enumerate(cells[label + 1:], start=label + 1):
                # a row of another width than the header: keep none of its figures
                if (i != column[0] or len(cells) != column[1]) and _FIGURE_CELL.fullmatch(text, a, b):
                    chars = chars if chars is not None else list(text)
                    chars[a:b] = re.sub(r"\S", "#", text[a:b])
    return text if chars is None else "".join(chars)


# --- claiming numbers ------------------------------------------------------------------------------

def _value(m: re.Match, scale: float) -> float | None:
    n = parse_number(m.group("n"))
    of = m.group("of")
    if of is not None and n > parse_number(of):  # "14/01" is a date, not "14 of 1"
        return None
    return n * scale


_NUMBER = re.compile(MACROS["{N}"])
_WORD_AFTER = re.compile(rf"[*_{_SUP}]*(?:[^\S\n]+|(?=kg\b))[^\W\d_]")
_WINDOW = (100, 160)  # characters before and after a number a phrase may reach


def _candidates(text: str, segments: list[_Segment], phrasings) -> list[tuple[int, Phrasing, re.Match, _Segment]]:
    """Every phrasing match whose number is a number of the results or plan part, by priority.

    Phrasings are tried only around numbers, and only where the words after the number fit,
    which keeps a report at a few milliseconds whatever the number of phrasings.
    """
    starts = [s.start for s in segments]
    found = []
    ranks = {id(ph): rank for rank, ph in enumerate(phrasings)}
    open_ended = [ph for ph in phrasings if ph.after is None or ph.after.match("")]
    for tok in _NUMBER.finditer(text):
        # most phrasings need words after the number ("cấp tỉnh: 24;" does not)
        tried = phrasings if _WORD_AFTER.match(text, tok.end()) else open_ended
        if not tried:
            continue
        seg = segments[bisect.bisect_right(starts, tok.start()) - 1]
        if seg.part not in ("result", "plan"):
            continue
        lo, hi = max(seg.start, tok.start() - _WINDOW[0]), min(seg.start + len(seg.text), tok.end() + _WINDOW[1])
        in_table = "|" in seg.text
        for ph in tried:
            rank = ranks[id(ph)]
            if ph.table and not in_table or ph.after is not None and not ph.after.match(text, tok.end()):
                continue
            if ph.section is not None and not ph.section.search(fold(seg.section)):
                continue
            m = next((m for m in ph.regex.finditer(text, lo, hi) if m.start("n") == tok.start("n")), None)
            if m is not None:
                found.append((rank, ph, m, seg))
    found.sort(key=lambda c: (c[0], c[2].start()))
    return found


def _claims(report: Report) -> tuple[list[_Claim], str, list[_Segment]]:
    key = (id(load_phrasings()), report.period, len(report.paragraphs), len(report.footnotes))
    cached = report.__dict__.get("_claims")
    if cached is None or cached[0] != key:  # extract_indicators then unrecognised: claim once
        report.__dict__["_claims"] = cached = (key, _claim(report))
    return cached[1]


def _claim(report: Report) -> tuple[list[_Claim], str, list[_Segment]]:
    """Let the phrasings claim numbers, in priority order, one phrasing per number.

    Three passes: the body's own figures; then breakdowns written inline after a figure
    ("26 nhiệm vụ chuyển tiếp (24 cấp tỉnh, …)"); then footnotes, whose breakdowns belong to
    the figure that cites them.
    """
    text, segments = _segments(report)
    folded = _mask_tables(fold(text), segments, int(report.period[5:]))
    candidates = _candidates(folded, segments, load_phrasings())
    claims: dict[int, _Claim] = {}

    def take(ph, m, seg, start, order):
        value = _value(m, ph.scale)
        if value is not None and not _cumulative(seg, m.start(), ph.indicator) \
                and not _CUMULATIVE_AFTER.match(text, m.end()) and _same_year(m, seg, report.period):
            claims[m.start("n")] = _Claim(ph, seg, start, m.end(), m.start("n"), value, order)

    for rank, ph, m, seg in candidates:
        if not seg.footnote and not ph.within and m.start("n") not in claims:
            take(ph, m, seg, m.start(), (m.start(), 0, 0, 0))
    _list_items(folded, claims)
    body = list(claims.values())
    for rank, ph, m, seg in candidates:
        if not seg.footnote and ph.within and m.start("n") not in claims and \
                _inline_parent(text, seg, m.start(), body) == ph.within:
            take(ph, m, seg, m.start(), (m.start(), 0, 0, 0))
    parents = _footnote_parents(text, segments, claims)
    for rank, ph, m, seg in candidates:
        if not seg.footnote or m.start("n") in claims:
            continue
        if ph.within and parents[seg.footnote][0] != ph.within:
            continue
        start = _lead_in_start(seg, m.start()) if ph.within else m.start()
        take(ph, m, seg, start, (parents[seg.footnote][1], 1, int(seg.footnote), m.start()))
    return sorted(claims.values(), key=lambda c: c.order), text, segments


def _same_year(m: re.Match, seg: _Segment, period_: str) -> bool:
    """ "05 nhiệm vụ thực hiện từ năm 2024" in a 2023 report are not this year's new tasks (the plan
    part of a December report speaks of next year's)."""
    year = m.re.groupindex.get("year") and m.group("year")
    return not year or year == (next_period(period_) if seg.part == "plan" else period_)[:4]


# between one figure of a list and the next: the rest of its noun phrase, then "," or "và"
_LIST_GAP = re.compile(r"(?i)(?:(?!trong đó|bao gồm|gồm|cụ thể|tăng|giảm|đạt)[^\d\n.;:()])*?(?:,|\svà)[^\S\n]+")


def _list_items(text: str, claims: dict[int, _Claim]) -> None:
    """Figures listed after a claimed one under the same verb ("kiểm định 215 cân, 18 cột đo xăng
    dầu, 06 taximet") belong to its indicator when the words after each fit its phrasing. Only for
    flows: a list after a stock ("quản lý 24 nhiệm vụ cấp tỉnh, 01 nhiệm vụ cấp quốc gia") is its parts."""
    for first in sorted(claims.values(), key=lambda c: c.end):
        ph, pos = first.phrasing, first.end
        while ph.after is not None and ph.indicator != NOT_AN_INDICATOR and catalog.aggregation(ph.indicator) == "sum":
            gap = _LIST_GAP.match(text, pos)
            tok = _NUMBER.match(text, gap.end()) if gap and gap.end() - pos <= 60 else None
            tail = ph.after.match(text, tok.end()) if tok and tok.start("n") not in claims else None
            value = _value(tok, ph.scale) if tail else None
            if value is None or _cumulative(first.segment, tok.start()):
                break
            claims[tok.start("n")] = _Claim(ph, first.segment, tok.start(), tail.end(), tok.start("n"), value,
                                            (tok.start(), 0, 0, 0))
            pos = tail.end()


_CUMULATIVE = re.compile(r"(?i)lũy kế|luỹ kế|từ đầu năm|tháng đầu năm|tính đến (?:hết|ngày|thời điểm)|"
                         r"(?:tính )?đến (?:nay|hết năm)|cả năm|"
                         r"cùng kỳ|quý (?:I{1,3}|IV|[1-4])(?!\w)|tháng trước|kỳ trước")


# "… 5.400 phương tiện đo lũy kế từ đầu năm": the running total named right after the phrase
_CUMULATIVE_AFTER = re.compile(r"(?i)[^\S\n]+(?:lũy kế|luỹ kế|(?:kể |tính )?từ đầu năm|tính đến nay)")


# a year's total of a flow ("Trong năm 2021, đã kiểm định 12.500 …", "Năm 2021, sản xuất 3.200 kg …");
# a stock stated for the year is this month's ("Năm 2021, … quản lý 36 nhiệm vụ")
_ANNUAL = re.compile(r"(?i)trong năm|^\W*năm (?:19|20)\d\d\s*,")


def _cumulative(seg: _Segment, pos: int, indicator: str = "") -> bool:
    """A year-to-date, last-year or last-month figure ("lũy kế từ đầu năm kiểm định 2.500 …") is not
    this month's; nor is a year's total of a flow."""
    clause = re.split(r"[;.]\s", seg.text[: pos - seg.start])[-1]
    if _CUMULATIVE.search(clause):
        return True
    return indicator not in ("", NOT_AN_INDICATOR) and catalog.aggregation(indicator) == "sum" \
        and bool(_ANNUAL.search(clause))


_INLINE_LEAD = re.compile(r"(?i)[\s*_:,]*(?:\(|(?:trong đó|bao gồm|gồm)\b)")


def _inline_parent(text: str, seg: _Segment, pos: int, claims: list[_Claim]) -> str | None:
    """The indicator of the figure a breakdown at ``pos`` details, when it sits in the parenthesis or
    the "trong đó …" clause right after that figure."""
    for c in sorted((c for c in claims if c.segment is seg and c.end <= pos), key=lambda c: -c.end):
        lead = _INLINE_LEAD.match(text, c.end)
        if not lead:
            return None
        between = text[lead.end():pos]
        if lead.group().endswith("("):
            return c.phrasing.indicator if ")" not in between else None
        return c.phrasing.indicator if not re.search(r"[;.()]", between) else None
    return None


def _footnote_parents(text: str, segments: list[_Segment], claims: dict[int, _Claim]) -> dict[str, tuple[str, int]]:
    """marker → (indicator of the figure the footnote is cited after, or "" when it follows no
    figure; offset its rows sort at). Footnotes cited nowhere sort at the end."""
    parents: dict[str, tuple[str, int]] = {}
    for seg in segments:
        if seg.footnote or seg.part not in ("result", "plan"):
            continue
        for m in _FN_REF.finditer(seg.text):
            marker = m.group().translate(str.maketrans(_SUP, "0123456789"))
            pos = seg.start + m.start()
            before = [c for c in claims.values() if c.segment is seg and c.start <= pos
                      and not re.search(r"[;.]", text[c.end:pos])]
            if marker not in parents:
                parent = max(before, key=lambda c: c.start).phrasing.indicator if before else ""
                parents[marker] = (parent, _anchor(seg, m.start()))
    for seg in segments:
        if seg.footnote and seg.footnote not in parents:
            parents[seg.footnote] = ("", len(text))
    return parents


def _anchor(seg: _Segment, pos: int) -> int:
    """Where the rows of a cited footnote sort: after the parenthesis or clause citing it."""
    text = seg.text
    opening = text.rfind("(", 0, pos)
    if opening != -1 and text.rfind(")", opening, pos) == -1:
        closing = text.find(")", pos)
        if closing != -1:
            return seg.start + closing
    m = re.compile(r"[;.](?!\d)").search(text, pos)
    return seg.start + (m.start() if m else len(text))


_LEAD_IN = re.compile(rf"(?i)^[{_SUP}]+\s*(?:trong đó|bao gồm|gồm|cụ thể)?\s*:?\s*$")


def _lead_in_start(seg: _Segment, start: int) -> int:
    """A breakdown footnote's first figure is quoted with the marker tying it to the figure it
    details, and the lead-in ("¹ Trong đó: 24 nhiệm vụ cấp tỉnh")."""
    return seg.start if _LEAD_IN.match(seg.text[: start - seg.start]) else start


# --- public API --------------------------------------------------------------------------------------

def _as_report(report_or_path, period: str | None) -> Report:
    if isinstance(report_or_path, Report):
        if period and period != report_or_path.period:
            return Report(report_or_path.path, period, report_or_path.paragraphs, report_or_path.footnotes)
        return report_or_path
    return read_report(report_or_path, period)


def extract_indicators(report_or_path, period: str | None = None):
    """One row per figure found: ``period, indicator, value, unit, kind, section, quote, line``.

    Plan figures (next-month part) have ``kind="plan"`` and the period of the next month.

    >>> rep = parse_report("Kết quả tháng 01 năm 2021\\nI. KẾT QUẢ\\nThử nghiệm 68 mẫu gạch.\\n"
    ...                    "II. PHƯƠNG HƯỚNG THÁNG 02\\nKiểm tra 01 cơ sở.")
    >>> extract_indicators(rep)[["period", "indicator", "value", "kind", "quote"]].values.tolist()
    [['2021-01', 'material_samples_tested', 68.0, 'result', 'Thử nghiệm 68 mẫu gạch'], \
['2021-02', 'inspections', 1.0, 'plan', 'Kiểm tra 01 cơ sở']]
    """
    import pandas as pd

    report = _as_report(report_or_path, period)
    claims, text, _ = _claims(report)
    plan_period = next_period(report.period)
    rows = [{
        "period": plan_period if c.segment.part == "plan" else report.period,
        "indicator": c.phrasing.indicator,
        "value": c.value,
        "unit": catalog.unit(c.phrasing.indicator),
        "kind": c.segment.part,
        "section": c.segment.section,
        "quote": text[c.start:c.end],
        "line": c.segment.line,
    } for c in claims if c.phrasing.indicator != NOT_AN_INDICATOR]
    df = pd.DataFrame(rows, columns=[*OUTPUT_COLUMNS, "line"])
    df["value"] = df["value"].astype("float64")
    df["line"] = df["line"].astype("int64")
    return df


def unrecognised(report_or_path, period: str | None = None):
    """Numbers that count something but that no phrasing claims: ``period, kind, section, quote, line``.

    Dates, document numbers, standards, years, ranges, section numbers and phone numbers are
    never listed; nor is a footnote figure that restates the figure citing it.

    >>> rep = parse_report("Kết quả tháng 01 năm 2021\\nI. KẾT QUẢ\\n"
    ...                    "Theo Quyết định số 10/QĐ-UBND ngày 12/01/2021, cấp 15 giấy phép bức xạ.")
    >>> unrecognised(rep)["quote"].tolist()
    ['cấp 15 giấy phép bức xạ']
    """
    import pandas as pd

    report = _as_report(report_or_path, period)
    claims, text, segments = _claims(report)
    claimed = {c.number_start for c in claims if c.phrasing.indicator != NOT_AN_INDICATOR}
    restated = _restated_values(claims, text, segments)
    rows = []
    for seg in segments:
        if seg.part not in ("result", "plan"):
            continue
        for m in _TOKEN.finditer(seg.text):
            if seg.start + m.start("n") in claimed or _is_trap(seg.text, m):
                continue
            if seg.footnote and parse_number(m.group("n")) in restated.get(seg.footnote, ()):
                continue
            rows.append({"period": next_period(report.period) if seg.part == "plan" else report.period,
                         "kind": seg.part, "section": seg.section, "quote": _context(seg.text, m),
                         "line": seg.line})
    return pd.DataFrame(rows, columns=UNRECOGNISED_COLUMNS)


def _restated_values(claims, text, segments) -> dict[str, set[float]]:
    """marker → values of the figures its citation follows (a footnote often lists them again)."""
    out: dict[str, set[float]] = {}
    for c in claims:
        tail = text[c.end: c.end + 3]
        for m in _FN_REF.finditer(text[c.start: c.end] + tail):
            out.setdefault(m.group().translate(str.maketrans(_SUP, "0123456789")), set()).add(c.value)
    return out


def _is_trap(text: str, m: re.Match) -> bool:
    number = m.group("n")
    if re.fullmatch(r"(?:19|20)\d\d", number):  # a year
        return True
    before, after = text[max(0, m.start() - 20): m.start()], text[m.end():]
    if _TRAP_BEFORE.search(before) or _TRAP_AFTER.match(after):
        return True
    if not text[: m.start()].strip(" *_#") and after[:1] in ".)":  # section number "1." / "a)"
        return True
    return not _NOUN_AFTER.match(after)


def _context(text: str, m: re.Match) -> str:
    """The number with up to three words before and eight after it, within its clause."""
    left = re.split(r"[,;:.()“”\"]", text[: m.start()])[-1].split()[-3:]
    right = re.split(r"[,;:.()“”\"]", text[m.end():])[0].split()[:8]
    return " ".join([*left, m.group().strip(), *right])


def to_store_rows(df, source_file, org: str = REAL_ORG):
    """Extracted rows in the store's indicator model (``reviewed=False``, ``source_ref`` = quote).

    Several phrases for the same figure of one (period, indicator, kind) become one row: flows
    (``sum``) add up, stocks (``last``) keep the first statement; the quotes are joined.
    """
    import pandas as pd

    if df.empty:
        from .model import empty_indicators
        return empty_indicators()
    rows = []
    for (per, code, kind), group in df.groupby(["period", "indicator", "kind"], sort=False):
        value = group["value"].sum() if catalog.aggregation(code) == "sum" else group["value"].iloc[0]
        rows.append({"org": org, "period": per, "indicator": code, "value": float(value),
                     "unit": catalog.unit(code), "kind": kind, "source_file": str(source_file),
                     "source_ref": " | ".join(group["quote"]), "reviewed": False, "illustrative": False})
    return normalize_indicators(pd.DataFrame(rows, columns=INDICATOR_COLUMNS))


# --- command line ------------------------------------------------------------------------------------

def cli_extract(args) -> int:
    """``sokhcn extract REPORT... [--format csv|json] [--period YYYY-MM] [--to-workbook OUT.xlsx]``.

    Rows go to standard output; unrecognised quantities and errors to standard error. Every
    report is tried; the exit code is 1 when any of them failed.
    """
    import pandas as pd

    done, failed = [], False
    for path in args.reports:
        try:
            with warnings.catch_warnings(record=True) as caught:  # e.g. a legacy encoding: one plain line
                warnings.simplefilter("always")
                report = read_report(path, getattr(args, "period", None))
            for w in caught:
                print(str(w.message), file=sys.stderr)
            done.append((report, extract_indicators(report)))
            _print_unrecognised(report)
        except SokhcnError as exc:
            print(str(exc), file=sys.stderr)
            failed = True
    frames = [df for _, df in done]
    out = pd.concat(frames, ignore_index=True)[OUTPUT_COLUMNS] if frames else pd.DataFrame(columns=OUTPUT_COLUMNS)
    if getattr(args, "format", "csv") == "json":
        sys.stdout.write(out.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        out = out.assign(value=[_plain_number(v) for v in out["value"]])
        sys.stdout.write(out.to_csv(index=False, lineterminator="\n"))
    if getattr(args, "to_workbook", None) and done:
        try:
            _write_workbook(done, args.to_workbook)
        except SokhcnError as exc:
            print(str(exc), file=sys.stderr)
            failed = True
    return 1 if failed else 0


def _plain_number(value: float) -> str:
    """36.0 → "36", 2.5 → "2.5", 1234567.0 → "1234567" (machine-readable, never 1.23e+06)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _print_unrecognised(report: Report) -> None:
    rows = unrecognised(report)
    if rows.empty:
        return
    print(catalog.label("extract.unrecognised_header", file=Path(report.path).name, count=len(rows)),
          file=sys.stderr)
    for r in rows.itertuples():
        print(f"  dòng {r.line}: {r.quote}", file=sys.stderr)


def _write_workbook(done, out_path) -> None:
    """The monthly workbook prefilled with one report's figures, each quote as a cell comment."""
    from .workbook import write_template

    if len(done) != 1:
        raise SokhcnError("--to-workbook chỉ nhận một báo cáo mỗi lần; hãy chạy lại với đúng một tệp báo cáo",
                          reason="too_many_reports")
    report, df = done[0]
    results, plans = df[df["kind"] == "result"], df[df["kind"] == "plan"]
    comments = {(code, kind): "\n".join(group["quote"]) for (code, kind), group in df.groupby(["indicator", "kind"])}
    notes = {code: "Trích từ báo cáo: " + " | ".join(group["quote"]) for code, group in df.groupby("indicator")}
    write_template(report.period, out_path, org=REAL_ORG, results=_values(results), plans=_values(plans),
                   comments=comments, notes=notes)


def _values(df) -> dict[str, float]:
    """code → value; several statements of a flow add up, of a stock the first one counts."""
    out: dict[str, float] = {}
    for r in df.itertuples():
        if r.indicator in out and catalog.aggregation(r.indicator) == "sum":
            out[r.indicator] += r.value
        else:
            out.setdefault(r.indicator, r.value)
    return out
