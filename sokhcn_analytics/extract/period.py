"""The period a report covers, from its title (the signing date is never used for it)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sokhcn_analytics.extract.documents import Paragraph
from sokhcn_analytics.core.model import period

# a numbered heading ends the title block (also the headings of the report body, extract_structure)
_ROMAN = r"[IVXL]{1,5}"
_HEADING = re.compile(
    rf"^(?:(?P<roman>{_ROMAN})[.)-]|(?P<letter>[A-Z])\.|(?P<num>\d{{1,2}}(?:\.\d{{1,2}}){{0,3}})[.)]"
    rf"|(?P<bare>\d{{1,2}}(?:\.\d{{1,2}}){{1,3}})(?=\s+[^\W\d_])|(?P<sub>[a-zđ])[.)]"
    rf"|(?P<part>PHẦN\s+(?:{_ROMAN}|\d+|THỨ\s+\w+)[.:]?))\s*(?=\S)")

# --- period ------------------------------------------------------------------------------------
_SIGNING_DATE = re.compile(r"(?i)ngày\s*\d{1,2}\s*(?:tháng\s*\d{1,2}\s*năm\s*\d{4}|[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})")
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_MONTH = re.compile(r"(?i)tháng\s*(\d{1,2})(?!\d)(?:\s*[/-]\s*((?:19|20)\d\d))?")
_YEAR_AFTER = re.compile(r"(?i)năm\s*((?:19|20)\d\d)")
_RANGE_ON = re.compile(r"\s*(?:[-–]|đến)\s*(?:tháng\s*)?\d{1,2}\s*/")
_TITLE_LEADS = (re.compile(r"(?i)kết\s+quả"), re.compile(r"(?i)báo\s+cáo"),
                re.compile(r"(?i)bản\s+tin|tình\s+hình|hoạt\s+động"))


def _title_lines(paragraphs: list[Paragraph]) -> list[str]:
    """The lines before the first numbered heading (at most 40): where the title stands."""
    head = []
    for p in paragraphs[:40]:
        if _HEADING.match(p.text) and head:
            break
        head.append(p.text)
    return head


def find_period(paragraphs: list[Paragraph], title_only: bool = False) -> str | None:
    """The month the report is about, from its title (else from a "kết quả … tháng N" of its body,
    unless ``title_only``); the signing date is never used for it."""
    signing_year = None
    texts = [" ".join(_title_lines(paragraphs))] + ([] if title_only else [" ".join(p.text for p in paragraphs)])
    for text in texts:
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
        if not m or not 1 <= int(m.group(1)) <= 12 or _RANGE_ON.match(text, m.end()):
            continue  # "từ tháng 6/2012 - 8/2012" is a span, read by body_span
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


# --- spans: quarters, half years, nine months, years, running totals -----------------------------

_N_MONTHS = r"(?P<n>\d{1,2}|ba|sáu|chín|mười hai)"
_WORD_N = {"ba": 3, "sáu": 6, "chín": 9, "mười hai": 12}
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"(?:\s*(?:năm|/)\s*(?P<y>(?:19|20)\d\d))?"
_QUARTER = re.compile(r"(?i)quý\s+(?P<q>IV|III|II|I|[1-4])(?![\w])" + _YEAR)
_N_MONTHS_RX = re.compile(rf"(?i)(?<!\w){_N_MONTHS}\s+tháng(?:\s+(?P<late>cuối)|\s+đầu)?(?:\s+năm)?"
                          r"(?:\s*/?\s*(?P<y>(?:19|20)\d\d))?")
# a year's figure: "Trong năm 2021, …", "Năm 2021, …" opening the clause, "cả năm …"; not "đặt hàng năm 2022"
_YEAR_ONLY = re.compile(r"(?i)(?:(?:trong|cả|tính đến hết|đến hết)\s+năm|^\W*năm)(?:\s+(?P<y>(?:19|20)\d\d))?"
                        r"(?!\s*[-–]\s*(?:19|20)\d\d)(?!\w)")
_DOC_YEAR = re.compile(r"(?i)(?:báo\s+cáo|tổng\s+kết|kết\s+quả)[^.;]{0,120}?năm\s+(?P<y>(?:19|20)\d\d)")


def _month_count(m: re.Match) -> int:
    n = m.group("n").lower()
    return _WORD_N.get(n) or int(n)


def find_span(paragraphs: list[Paragraph], month_period: str | None) -> tuple[str, int] | None:
    """(last month, months covered) of a report from its title: "Báo cáo 6 tháng đầu năm 2022" →
    ("2022-06", 6), "quý III năm 2022" → ("2022-09", 3), "Báo cáo tổng kết năm 2021" → ("2021-12", 12),
    a monthly title → (that month, 1).

    >>> from sokhcn_analytics.extract.documents import parse_text
    >>> find_span(parse_text("BÁO CÁO\\nKết quả hoạt động KH&CN quý III năm 2022").paragraphs, None)
    ('2022-09', 3)
    """
    text = _DATE.sub(" ", _SIGNING_DATE.sub(" ", " ".join(_title_lines(paragraphs))))
    year = int(month_period[:4]) if month_period else None
    if _MONTH.search(text) and month_period is None:  # "tháng 6 và 6 tháng đầu năm": a monthly report
        return None
    m = _N_MONTHS_RX.search(text)
    later_year = _YEAR_AFTER.search(text, m.end()) if m else None
    if m and 2 <= _month_count(m) <= 12 and (m.group("y") or year or later_year):
        y, n = int(m.group("y") or year or later_year.group(1)), _month_count(m)
        return period(y, 12 if m.group("late") else n), n
    m = _QUARTER.search(text)
    if m and (m.group("y") or year or _YEAR_AFTER.search(text, m.end())):
        y = int(m.group("y") or year or _YEAR_AFTER.search(text, m.end()).group(1))
        return period(y, 3 * _ROMAN_Q[m.group("q").lower()]), 3
    if month_period or _MONTH.search(text):  # a monthly title
        return (month_period, 1) if month_period else None
    m = _DOC_YEAR.search(text)
    return (period(int(m.group("y")), 12), 12) if m else None


@dataclass(frozen=True)
class Scope:
    """What time a figure covers: the last month, the number of months, and whether it is a running
    total over years (``cumulative``) or an earlier period's figure given for comparison."""

    period: str
    span: int
    kind: str = ""  # "" (the part's own kind: result or plan), "cumulative" or "comparison"


_COMPARISON = re.compile(r"(?i)cùng k[ỳì](?: năm (?:trước|ngoái))?|so với (?:năm|tháng|quý|kỳ) trước|"
                         r"(?:năm|tháng|quý|kỳ) trước|năm ngoái")
_MULTI_YEAR = re.compile(r"(?i)(?:giai đoạn|\d+\s+năm|hai năm|ba năm|năm năm)\s+(?P<a>(?:19|20)\d\d)\s*[-–]\s*(?P<b>(?:19|20)\d\d)|"
                         r"từ năm\s+(?P<since>(?:19|20)\d\d)\s+(?:đến nay|tới nay|đến hết)|"
                         r"từ khi thành lập|từ trước đến nay|đến nay(?! năm)|tính đến nay|nâng tổng số|tổng số lên|"
                         r"lũy kế|luỹ kế")
_YEAR_TO_DATE = re.compile(r"(?i)(?:lũy kế|luỹ kế|tính)?\s*từ đầu năm(?:\s+(?:đến nay|tới nay))?|"
                           r"(?:lũy kế|luỹ kế)\s+(?:năm\s+(?P<ly>(?:19|20)\d\d)|(?P<ln>\d{1,2})\s+tháng)|"
                           r"(?:tính\s+)?đến\s+(?:hết\s+|cuối\s+)?tháng\s+(?P<m>\d{1,2})(?:\s*[/-]\s*(?P<y>(?:19|20)\d\d))?|"
                           r"tính đến (?:hết )?ngày\s+\d{1,2}\s*/\s*(?P<dm>\d{1,2})(?:\s*/\s*(?P<dy>(?:19|20)\d\d))?")
_THIS_MONTH = re.compile(r"(?i)trong tháng(?!\s+\d)|tháng\s+(?P<m>\d{1,2})(?!\s*tháng)(?:\s*[/-]\s*(?P<y>(?:19|20)\d\d))?")
_UNTIL = re.compile(r"(?i)đến\s+(?:hết\s+)?(?:ngày\s*)?$")
_PRESENT = re.compile(r"(?i)(?<!\w)(?:đang|hiện nay|hiện tại|hiện có)(?!\w)")
_PHRASES = (("comparison", _COMPARISON), ("ytd", _YEAR_TO_DATE), ("cumulative", _MULTI_YEAR),
            ("quarter", _QUARTER), ("months", _N_MONTHS_RX), ("year", _YEAR_ONLY), ("month", _THIS_MONTH))


def _months_between(first: tuple[int, int], last: str) -> int:
    y, m = int(last[:4]), int(last[5:])
    return (y - first[0]) * 12 + m - first[1] + 1


def figure_scope(before: str, after: str, doc: tuple[str, int], stock: bool) -> Scope | None:
    """The scope of a figure from the time words nearest before it in its clause (or right after
    it: "… 5.400 phương tiện đo lũy kế từ đầu năm"), else the report's own. A stock is stated at a
    date: span 1. ``doc`` is (last month, span) of the report part the figure sits in. ``None``
    when a year's or year-to-date phrase would cover only the one month (too unclear to keep).

    >>> figure_scope("Lũy kế 9 tháng đầu năm 2022, kiểm định ", "", ("2022-09", 1), False)
    Scope(period='2022-09', span=9, kind='')
    >>> figure_scope("giai đoạn 2016 - 2022 đã nghiệm thu ", "", ("2022-12", 12), False)
    Scope(period='2022-12', span=84, kind='cumulative')
    >>> figure_scope("so với cùng kỳ năm trước (", "", ("2022-06", 6), False)
    Scope(period='2021-06', span=6, kind='comparison')
    """
    before = _ANY_DATE.sub(lambda m: m.group() if _UNTIL.search(before, 0, m.start()) else " " * len(m.group()),
                           before)  # "theo Quyết định … ngày 04 tháng 3 năm 2008": a date, no time of the figure
    found = [(m.end(), -m.start(), name, m) for name, rx in _PHRASES for m in rx.finditer(before)]
    tail = [(name, m) for name, rx in _PHRASES[:3] for m in [rx.match(after.lstrip(" *_"))] if m]
    # a stock is stated at a date in a monthly report, or when it is "đang …" with no time of its own;
    # "Năm 2017, đã thực hiện 61 đề tài" in a year's summary counts the year
    stock = stock and (doc[1] == 1 or not (found or tail) and bool(_PRESENT.search(before)))
    if tail:
        name, m = tail[0]
    elif found:
        _, _, name, m = max(found, key=lambda f: (f[0], f[1]))
    else:  # the document's own time; more than a year of it is a running total
        return Scope(doc[0], 1 if stock else doc[1], "cumulative" if doc[1] > 12 and not stock else "")
    scope = _scope_of(name, m, doc, stock)
    if scope.span == 0 and re.search(rf"(?i)năm\s+{doc[0][:4]}(?!\d)", before[m.end():]):
        scope = Scope(doc[0], int(doc[0][5:]))  # "Đến nay, … đợt thanh tra năm 2016 … tại 39 cơ sở": so far this year
    # "Trong năm 2021 …" in a January report: a year's figure (a plan, or January's?) — never a month's
    return None if scope.span == 1 and name in ("ytd", "year", "months") and not stock else scope


def _scope_of(name: str, m: re.Match, doc: tuple[str, int], stock: bool) -> Scope:
    from sokhcn_analytics.core.model import shift_period

    end, span = doc
    year = int(end[:4])
    if name == "comparison":
        words = m.group().lower()
        back = 1 if "tháng" in words else 3 if "quý" in words else 12
        return Scope(shift_period(end, -back), span if back == 12 else (1 if back == 1 else 3), "comparison")
    if stock:
        return Scope(end, 1)
    if name == "ytd":
        if m.group("ly"):
            y = int(m.group("ly"))
            return Scope(period(y, 12), 12) if y < year else Scope(end, int(end[5:]))
        month = m.group("m") or m.group("dm") or m.group("ln")
        y = int(m.group("y") or m.group("dy") or year)
        last = period(y, int(month)) if month and 1 <= int(month) <= 12 else end
        return Scope(last, int(last[5:]))
    if name == "cumulative":
        if m.group("a"):
            return Scope(period(int(m.group("b")), 12), (int(m.group("b")) - int(m.group("a")) + 1) * 12, "cumulative")
        if m.group("since"):
            return Scope(end, _months_between((int(m.group("since")), 1), end), "cumulative")
        return Scope(end, 0, "cumulative")  # since a start the text does not give
    if name == "quarter":
        y = int(m.group("y") or year)
        return Scope(period(y, 3 * _ROMAN_Q[m.group("q").lower()]), 3)
    if name == "months":
        n = _month_count(m)
        if not 1 <= n <= 12:
            return Scope(end, span)
        return Scope(period(int(m.group("y") or year), 12 if m.group("late") else n), n)
    if name == "year":
        y = int(m.group("y") or year)
        return Scope(period(y, 12), 12) if y < year or end[5:] == "12" else Scope(end, int(end[5:]))
    month = m.group("m")
    if month and 1 <= int(month) <= 12:
        named = period(int(m.group("y") or year), int(month))
        # "tại hội nghị giao ban tháng 4/2021" in a text about 2019–2020: when it was told, not what it covers
        return Scope(named, 1) if named <= end else Scope(end, span, "cumulative" if span > 12 else "")
    return Scope(end, 1)


# --- the period stated in the body: news items, bulletins and summaries without a report title -----

_LEAD_CHARS = 1500  # the title and lead: where a news item or a summary says what time it covers
_ANY_DATE = re.compile(r"(?i)(?:ngày\s*)?(?<!\d)(?P<d>\d{1,2})\s*(?:[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*|\s+tháng\s+"
                       r"(?P<m2>\d{1,2})\s+năm\s+)(?P<y>(?:19|20)\d\d)(?!\d)")
_Y = r"(?:19|20)\d\d"
# "giai đoạn 2016-2020", "từ năm 2012 - 2016", "trong hai năm 2019 và 2020", "2 năm 2020 – 2021"
_YEAR_RANGE = re.compile(rf"(?i)(?:giai\s+đoạn|thời\s+kỳ|từ\s+năm|năm|trong)\s+(?P<a>{_Y})\s*(?:[-–]|đến|và)\s*"
                         rf"(?:năm\s+)?(?P<b>{_Y})(?!\d)")
# "từ tháng 6/2012 - 8/2012", "từ tháng 6 đến tháng 8/2012"
_MONTH_RANGE = re.compile(rf"(?i)tháng\s+(?P<m1>\d{{1,2}})(?:\s*/\s*(?P<y1>{_Y}))?\s*(?:[-–]|đến)\s*(?:tháng\s+)?"
                          rf"(?P<m2>\d{{1,2}})\s*/\s*(?P<y2>{_Y})")
# "tính đến hết tháng 10/2023", "đến hết tháng 10 năm 2023": a year to date
_UNTIL_MONTH = re.compile(rf"(?i)(?:tính\s+)?đến\s+(?:hết\s+|cuối\s+)?tháng\s+(?P<m>\d{{1,2}})(?:\s*(?:/|năm)\s*(?P<y>{_Y}))?")
_QUARTER_Y = re.compile(rf"(?i)quý\s+(?P<q>IV|III|II|I|[1-4])(?!\w)\s*(?:/|năm)\s*(?P<y>{_Y})")
_MONTHS_Y = re.compile(rf"(?i)(?<!\w)(?P<n>\d{{1,2}}|ba|sáu|chín)\s+tháng\s+(?P<late>cuối\s+|đầu\s+)?năm(?:\s+(?P<y>{_Y}))?")
# "Năm 2022, …", "trong năm 2021", "tổng kết năm 2016", "chuyên đề năm 2016"; not "từ năm 2024", "đến năm 2030"
_YEAR_NAMED = re.compile(rf"(?i)(?<!từ\s)(?<!đến\s)(?<!tới\s)(?<!vào\s)(?<!hoạch\s)(?<!kiến\s)năm\s+(?P<y>{_Y})(?!\s*[-–]\s*\d)(?!\d)")
_MONTH_Y = re.compile(rf"(?i)tháng\s+(?P<m>\d{{1,2}})\s*(?:/|năm)\s*(?P<y>{_Y})(?!\d)")


def _blank(text: str, rx: re.Pattern) -> str:
    return rx.sub(lambda m: " " * len(m.group()), text)


def body_span(paragraphs: list[Paragraph], year: int | None = None) -> tuple[str, int] | None:
    """(last month, months covered) stated in the lead of a text that has no report title: the
    longest time it names ("giai đoạn 2016-2020" → ("2020-12", 60), "6 tháng đầu năm 2022" →
    ("2022-06", 6), "Năm 2023, Sở đã …" → ("2023-12", 12), "từ tháng 6/2012 - 8/2012" → ("2012-08", 3)),
    else the month of a dated lead ("Ngày 25/10/2021, …" → ("2021-10", 1)). A time after the
    latest date of the text is a plan's, never the text's own. ``year`` (of ``--period``) dates the
    phrases that name no year ("Trong 9 tháng đầu năm, …").

    >>> from sokhcn_analytics.extract.documents import parse_text
    >>> body_span(parse_text("Ngày 10/01/2023, tại hội nghị tổng kết.\\nNăm 2022, Sở đã kiểm tra 12 cơ sở.").paragraphs)
    ('2022-12', 12)
    """
    lead = "\n".join(p.text for p in paragraphs)[:_LEAD_CHARS]
    dates = [(int(m.group("y")), int(m.group("m") or m.group("m2")), m) for m in _ANY_DATE.finditer(lead)]
    dates = [d for d in dates if 1 <= d[1] <= 12]
    # a decision's date ("số 10-CTr/TU ngày 14/5/2021") says nothing of when the text was written
    written = [d for d in dates if not _DECISION_DATE.search(lead, max(0, d[2].start() - 40), d[2].start())]
    latest = max(d[0] for d in written) if written else 9999
    found = [*_date_ranges(lead), *_spans(_blank(_blank(lead, _ANY_DATE), _programme_range()), latest, year)]
    # (the programme's words go blank with its years: they name no time of the text either)
    if found:  # a time stated from–to ("từ ngày 03/4 đến ngày 05/4/2019", "giai đoạn 2016-2020") first
        return max(found, key=lambda f: (f[3], f[1], -f[2]))[0]
    # a dated lead ("Ngày 25/10/2021, …"), never a signing date ("Bắc Kạn, ngày …") nor a decision's
    own = [d for d in written if not _NOT_LEAD_DATE.search(lead, max(0, d[2].start() - 40), d[2].start())]
    return (period(own[0][0], own[0][1]), 1) if own else None


@lru_cache(maxsize=1)
def _programme_range() -> re.Pattern:
    """The years of a programme, plan or resolution the text names ("chương trình hành động … giai đoạn
    2020 - 2025"): that document's time, never the text's (words: ``wording.csv`` ``programme``)."""
    from sokhcn_analytics.extract.grammar import vocabulary

    words = "|".join(re.escape(w) for w in vocabulary()["programme"][0][0])
    return re.compile(rf"(?i)(?:{words})[^.;\n]{{0,200}}?giai\s+đoạn\s+{_Y}\s*[-–]\s*{_Y}")


_DECISION_DATE = re.compile(r"(?i)[\w-]+/[\w-]+[^\S\n]+(?:ngày[^\S\n]*)?$")
_NOT_LEAD_DATE = re.compile(r"(?i)(?:[\w-]+/[\w-]+[^\S\n]+|,[^\S\n]*)(?:ngày[^\S\n]*)?$")
_DATE_RANGE = re.compile(r"(?<![\d/])(?P<d1>\d{1,2})(?:/(?P<m1>\d{1,2})(?:/(?P<y1>(?:19|20)\d\d))?)?\s*(?:[-–]|đến)\s*"
                         r"(?:ngày\s*)?(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>(?:19|20)\d\d)(?!\d)")


def _date_ranges(text: str):
    """ "từ 10/3/2008 - 10/4/2008": the month it ends in, and about how many months it lasts."""
    import datetime as dt

    for m in _DATE_RANGE.finditer(text):
        try:
            end = dt.date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
            start = dt.date(int(m.group("y1") or m.group("y2")), int(m.group("m1") or m.group("m2")), int(m.group("d1")))
        except ValueError:
            continue
        if start <= end:
            n = max(1, round((end - start).days / 30.4))
            yield (period(end.year, end.month), n), n, m.start(), True


def _spans(text: str, latest: int, year: int | None = None):
    """((last month, span), span, where, stated from–to) of every time phrase of the lead that ends by ``latest``."""
    def keep(y: int, m: int, n: int, at: int, ranged: bool = False):
        return [((period(y, m), n), n, at, ranged)] if y <= latest and 1 <= m <= 12 and 1 <= n <= 480 else []

    for m in _YEAR_RANGE.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        yield from keep(b, 12, (b - a + 1) * 12, m.start(), True) if b > a else []
    for m in _MONTH_RANGE.finditer(text):
        m1, m2, y2 = int(m.group("m1")), int(m.group("m2")), int(m.group("y2"))
        y1 = int(m.group("y1") or y2)
        yield from keep(y2, m2, (y2 - y1) * 12 + m2 - m1 + 1, m.start(), True) if 1 <= m1 <= 12 else []
    year_of = [int(m.group("y")) for m in _YEAR_NAMED.finditer(text) if int(m.group("y")) <= latest]
    fallback = year_of[0] if year_of else year  # "9 tháng đầu năm" takes the year named, or --period's
    for m in _MONTHS_Y.finditer(text):
        n, y = _month_count(m), m.group("y") or fallback
        if y and 2 <= n <= 12:
            yield from keep(int(y), 12 if (m.group("late") or "").strip().lower() == "cuối" else n, n, m.start())
    for m in _QUARTER_Y.finditer(text):
        yield from keep(int(m.group("y")), 3 * _ROMAN_Q[m.group("q").lower()], 3, m.start())
    for m in _UNTIL_MONTH.finditer(text):
        y, month = m.group("y") or fallback, int(m.group("m"))
        yield from keep(int(y), month, month, m.start()) if y and month > 1 else []
    for m in _YEAR_NAMED.finditer(_blank(_blank(text, _YEAR_RANGE), _MONTH_Y)):
        yield from keep(int(m.group("y")), 12, 12, m.start())
    for m in _MONTH_Y.finditer(text):
        yield from keep(int(m.group("y")), int(m.group("m")), 1, m.start())
