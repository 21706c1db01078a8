"""The structure of a report: its parts (results, assessment, next-month plan), the heading path
of each paragraph, footnotes as segments of their own, and tables whose other columns are blotted out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sokhcn_analytics.extract.documents import Footnote, Paragraph, read_document
from sokhcn_analytics.core.errors import InputError, Problem
from sokhcn_analytics.extract.period import _HEADING, _TITLE_LEADS, body_span, find_period, find_span
from sokhcn_analytics.extract.wording import _FN_REF, _SUP
from sokhcn_analytics.core.model import is_period, next_period, shift_period

# --- parts and headings ----------------------------------------------------------------------
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


@dataclass
class Report:
    """A report read for extraction: where it came from, its period and its paragraphs."""

    path: str
    period: str
    paragraphs: list[Paragraph]
    footnotes: dict[str, Footnote] = field(default_factory=dict)
    span: int = 1  # months covered: 1 month, 3 quarter, 6 half year, 9, 12 year (title; --period keeps it)

    def scope(self, part: str) -> tuple[str, int]:
        """(last month, span) of a part: the report's own, or for the plan part the period after it."""
        if part != "plan":
            return self.period, self.span
        if self.span == 1:
            return next_period(self.period), 1
        if self.span == 9:
            return shift_period(self.period, 3), 3
        return shift_period(self.period, self.span), self.span

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


# --- reading -----------------------------------------------------------------------------------

def read_report(path, period: str | None = None) -> Report:
    """Read a report (.txt, .md, .docx, .pdf) and find its period in the title.

    ``period`` ("YYYY-MM") overrides the title. ``InputError`` with reason ``empty_report``,
    ``no_text_layer``, ``unsupported_format`` or ``no_period`` when the file cannot be used.
    """
    doc = read_document(path)
    if period is not None and not is_period(period):
        raise InputError(Problem("invalid_period", f"kỳ báo cáo '{period}' không đúng dạng NNNN-TT (ví dụ 2021-01)",
                                 file=str(path), value=period))
    found, span = _scope_of_title(doc.paragraphs, period)
    if found is None:
        first = doc.paragraphs[0].line if doc.paragraphs else 1
        raise InputError(Problem(
            "no_period", "không tìm thấy kỳ báo cáo trong tiêu đề (cần dạng 'Kết quả thực hiện nhiệm vụ tháng 01 "
            "… năm 2021'); hãy sửa tiêu đề hoặc chạy lại với --period NNNN-TT", file=str(path), cell=f"dòng {first}"))
    return Report(str(path), found, doc.paragraphs, doc.footnotes, span)


def _scope_of_title(paragraphs, override: str | None) -> tuple[str | None, int]:
    """(last month, span) from the title: a quarter, half year, nine months or year when it names one,
    else its month; ``override`` (``--period``) replaces the last month, the span stays."""
    scope = find_span(paragraphs, None)
    if scope is None or scope[1] == 1:
        month = find_period(paragraphs, title_only=True)
        scope = (month, 1) if month else scope
    if scope is None:  # no report title: the time the lead states ("Năm 2022, Sở đã …"), a dated lead
        body = body_span(paragraphs, int(override[:4]) if override else None)
        month = None if body else find_period(paragraphs)
        if override:  # --period fixes the last month; the span the text states for that month still holds
            return override, body[1] if body and body[0] == override else 1
        return body or ((month, 1) if month else (None, 1))
    if override:
        return override, scope[1]
    return scope


def parse_report(text: str, path: str = "", period: str | None = None, markdown: bool = False) -> Report:
    """A report from text already in memory (tests, other readers); same rules as :func:`read_report`.

    >>> parse_report("Kết quả thực hiện nhiệm vụ tháng 01 năm 2021").period
    '2021-01'
    """
    from sokhcn_analytics.extract.documents import parse_text

    doc = parse_text(text, path, markdown=markdown)
    found, span = _scope_of_title(doc.paragraphs, period)
    if found is None:
        raise InputError(Problem("no_period", "không tìm thấy kỳ báo cáo trong tiêu đề; hãy sửa tiêu đề "
                                 "hoặc chạy lại với --period NNNN-TT", file=path, cell="dòng 1"))
    return Report(path, found, doc.paragraphs, doc.footnotes, span)


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


_REPORTING = re.compile(r"(?i)báo cáo|như sau|sau đây|căn cứ")


def _opens_body(text: str) -> bool:
    """A long first paragraph that is no administrative introduction ("Thực hiện Thông tư …, Sở báo
    cáo …"): the first sentence of a news item or bulletin, with figures of its own."""
    return len(text) > 150 and bool(re.search(r"\d", text)) and (not _REPORTING.search(text) or bool(_COUNT.search(text)))


# a count of something ("02 cuộc thanh tra"), not a document number, a date or a time ("6 tháng đầu"):
# a lead that states its figures before "… cụ thể như sau:" is body
_COUNT = re.compile(r"(?<![\w/.,-])\d{1,5}\s+(?!(?:tháng|năm|ngày|quý)(?!\w))[^\W\d_]{2,}")


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
        if part == "preamble" and not head and (intro_seen or _opens_body(p.text)):
            part = "result"  # after "… như sau:" the body has begun; a news item's first sentence is body
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


def _month_column(text: str, header: list[_Segment], month: int, span: int = 1) -> tuple[int, int] | None:
    """(index, number of cells) of the column headed by the month ("Thực hiện tháng 10", not
    "Kế hoạch năm", "Lũy kế 10 tháng", "Cùng kỳ"), from the lowest header row that names it; the
    report's own month first when several months stand side by side ("Tháng 4 | Tháng 5")."""
    own = re.compile(rf"(?i)tháng\s*0?{month}(?!\d)")
    # a quarterly, half-year or annual report's own column: "Kết quả 6 tháng", "Thực hiện quý II", "năm 2022"
    period_column = re.compile(rf"(?i)(?<!\d){span}\s+tháng|quý|cả năm|năm \d{{4}}") if span > 1 else None
    for row in reversed(header):
        cells = [text[a:b] for a, b in _cells(row.text, row.start)]
        found = [i for i, cell in enumerate(cells) if _MONTH_COLUMN.search(cell) and (
            not _OTHER_COLUMN.search(cell)
            or period_column is not None and period_column.search(cell) and not re.search(r"(?i)lũy kế|luỹ kế|kế hoạch", cell))]
        if found:
            return next((i for i in found if own.search(cells[i])), found[0]), len(cells)
    return None


def _mask_tables(text: str, segments: list[_Segment], month: int, span: int = 1) -> str:
    """The folded text with the figures of a table's other columns (year plan, year to date, last
    year) blotted out, so that a row's phrasing reaches the month's figure; same length."""
    chars = None
    for rows in _tables(segments):
        data = [i for i, row in enumerate(rows)
                if any(_FIGURE_CELL.fullmatch(text, a, b) for a, b in _cells(row.text, row.start))]
        column = _month_column(text, rows[: data[0]], month, span) if data else None
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
