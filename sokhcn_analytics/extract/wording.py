"""The wording the extractor reads: phrasings (``phrasings.csv``), the pattern vocabulary they share,
the folding of tone marks, and the numbers that never count anything (dates, document numbers …).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.errors import SokhcnError
from sokhcn_analytics.core.paths import PHRASINGS_CSV
from sokhcn_analytics.core.vnformat import parse_number

NOT_AN_INDICATOR = "-"

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
    "{TASK}": "(?:ĐTDA|ĐT/DA|ĐT, DA|ĐT-DA|đề tài/dự án|đề tài, dự án|đề tài - dự án|đề tài và dự án|nhiệm vụ|đề tài|dự án)",
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
        if tail.startswith("(?="):  # a look-ahead past punctuation ("là 90. Trong đó, 60 mẫu nước thải"): no cheap test
            return None
        return compile_pattern(("(?:[*_]{1,2})?" if tail.startswith(" ") else "") + tail)
    except re.error:
        return None


def _value(m: re.Match, scale: float) -> float | None:
    n = parse_number(m.group("n"))
    of = m.group("of")
    if of is not None and n > parse_number(of):  # "14/01" is a date, not "14 of 1"
        return None
    return n * scale


_NUMBER = re.compile(MACROS["{N}"])
_WORD_AFTER = re.compile(rf"[*_{_SUP}]*(?:[^\S\n]+|(?=kg\b))[^\W\d_]")
_WINDOW = (100, 160)  # characters before and after a number a phrase may reach


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
