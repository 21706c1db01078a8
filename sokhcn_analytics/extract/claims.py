"""Claiming numbers: every phrasing of ``phrasings.csv`` claims the numbers it recognises, in priority
order; then breakdowns inline and in footnotes attach to the figure they detail.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from sokhcn_analytics.core import catalog
from sokhcn_analytics.extract.structure import Report, _Segment, _mask_tables, _segments
from sokhcn_analytics.extract.wording import (_FN_REF, _NUMBER, _SUP, _WINDOW, _WORD_AFTER, NOT_AN_INDICATOR, Phrasing, _value, fold,
                              load_phrasings)
from sokhcn_analytics.extract.grammar import _approx, _nearest_action, read
from sokhcn_analytics.extract.period import _N_MONTHS_RX, _QUARTER, _YEAR_TO_DATE, Scope, figure_scope
from sokhcn_analytics.core.model import next_period

PART = "+"  # a part of a breakdown the catalog has no code for: claimed (never unrecognised), no row

@dataclass(frozen=True)
class _Claim:
    phrasing: Phrasing
    segment: _Segment
    start: int  # absolute offsets of the quote
    end: int
    number_start: int
    value: float
    order: tuple
    approx: str = ""  # ">", "<", "~": the text qualified the number ("hơn", "gần", "khoảng")
    scope: Scope | None = None  # the months it covers, and cumulative/comparison figures
    why: str = ""  # why a number taken by NOT_AN_INDICATOR gives no row: "part", "restated", "stock_twice"


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
    folded = _mask_tables(fold(text), segments, int(report.period[5:]), report.span)
    candidates = _candidates(folded, segments, load_phrasings())
    claims: dict[int, _Claim] = {}

    def take(ph, m, seg, start, order):
        value = _value(m, ph.scale)
        scope = _scope(report, text, seg, m.start("n"), m.end(), ph.indicator)
        if value is not None and scope is not None and _same_year(m, seg, report.period):
            approx = _approx(folded[max(seg.start, m.start("n") - 20):m.start("n")].rstrip("*_ "))
            claims[m.start("n")] = _Claim(ph, seg, start, m.end(), m.start("n"), value, order, approx, scope=scope)

    for rank, ph, m, seg in candidates:
        if not seg.footnote and not ph.within and m.start("n") not in claims:
            if _in_breakdown(folded, seg, m.start("n"), "itemised") \
                    and not _breakdown_parent(folded, seg, m.start("n"), claims):
                continue  # "…, cụ thể: đã kiểm định được 14 cột đo, 01 cân …": parts of a total not given
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
    _grammar_claims(report, text, folded, segments, claims, parents)
    _one_total_per_stock(folded, claims)
    _itemised_without_total(folded, claims)
    _one_row_per_statement(claims)
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
                                            (tok.start(), 0, 0, 0), scope=first.scope)
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


def _footnote_parents(text: str, segments: list[_Segment], claims: dict[int, _Claim]) -> dict[str, tuple]:
    """marker → (indicator of the figure the footnote is cited after, or "" when it follows no
    figure; offset its rows sort at; that figure's claim or None). Footnotes cited nowhere sort at
    the end."""
    parents: dict[str, tuple] = {}
    for seg in segments:
        if seg.footnote or seg.part not in ("result", "plan"):
            continue
        for m in _FN_REF.finditer(seg.text):
            marker = m.group().translate(str.maketrans(_SUP, "0123456789"))
            pos = seg.start + m.start()
            before = [c for c in claims.values() if c.segment is seg and c.start <= pos
                      and not re.search(r"[;.]", text[c.end:pos])]
            if marker not in parents:
                parent = max(before, key=lambda c: c.start) if before else None
                parents[marker] = (parent.phrasing.indicator if parent else "", _anchor(seg, m.start()), parent)
    for seg in segments:
        if seg.footnote and seg.footnote not in parents:
            parents[seg.footnote] = ("", len(text), None)
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


_OPENS_BREAKDOWN = re.compile(r"(?i)[\s*_]*(?:trong đó|bao gồm|gồm|cụ thể)(?!\w)")
_BREAKDOWN_LEAD = re.compile(r"(?i)(?<!\w)(?:trong đó|bao gồm|gồm|cụ thể|chia ra)(?!\w)")
_TOKEN_AT = re.compile(r"(?<![\w.,/:\-–#])(?:\*\*|\*|__|_)?\d")


def _breakdown_parent(text: str, seg: _Segment, pos: int, claims: dict[int, _Claim]) -> _Claim | None:
    """The figure whose breakdown holds ``pos``: an unclosed bracket after it, or its "trong đó/gồm …"
    clause, at any depth (a part's own parts have the part as parent)."""
    before = [c for c in claims.values() if c.segment is seg and c.end <= pos]
    stops = [m for m in _SENTENCE_STOP.finditer(text, seg.start, pos)]
    if stops and _OPENS_BREAKDOWN.match(text, stops[-1].end()):  # "… 46 đề tài. Trong đó, có 8 đề tài cấp Quốc gia"
        earlier = [c for c in before if c.end <= stops[-1].start() and not _SENTENCE_STOP.search(text, c.end, stops[-1].start())]
        if earlier and not re.search(r"[.;](?!\d)", text[stops[-1].end():pos]):
            return max(earlier, key=lambda c: c.end)
    for c in sorted(before, key=lambda c: -c.end):
        between = text[c.end:pos]
        if between.count("(") > between.count(")"):
            return c
        between = re.sub(r"\([^()]*\)", "", between)  # a part's own parts closed in brackets before this one
        if _BREAKDOWN_LEAD.search(between) and not re.search(r"[.;](?!\d)|\)", between):
            return c
    return None


def _grammar_claims(report, text, folded, segments, claims: dict[int, _Claim], footnote_parents) -> None:
    """Numbers no phrasing claimed, read by :mod:`sokhcn_analytics.extract.grammar`. A number in the breakdown of a
    claimed figure is a part of it: it gets a row only when it is another indicator (a sub-code whose
    total it is, or another quantity altogether), never the total's own code. A breakdown footnote
    ("¹ Trong đó: 28 nhiệm vụ cấp tỉnh, …") is one too, of the figure citing it."""
    for seg in segments:
        if seg.part not in ("result", "plan"):
            continue
        end = seg.start + len(seg.text)
        for tok in _TOKEN_AT.finditer(folded, seg.start, end):
            pos = tok.end() - 1
            if pos in claims or any(c.start <= pos < c.end for c in claims.values() if c.segment is seg):
                continue
            parent = _breakdown_parent(folded, seg, pos, claims)
            if parent is None and seg.footnote:
                parent = footnote_parents.get(seg.footnote, ("", 0, None))[2]
            if parent is None and _in_breakdown(folded, seg, pos):
                continue  # "Trong đó có 4 cơ sở …": a part of a total not claimed; stays unrecognised
            verb, floor = None, seg.start
            if parent is not None:  # a part reads only its own words, and the verb of its total
                verb = folded[parent.start:parent.number_start]
                floor = parent.end if parent.segment is seg else seg.start
            reading = read(folded, pos, floor, end, _nearest_action(verb) if verb else None)
            if reading is None:
                continue
            code = reading.indicator
            if parent is not None and (code in ("", parent.phrasing.indicator, PART)
                                       or parent.phrasing.indicator == NOT_AN_INDICATOR
                                       or _same_quantity(code, parent.phrasing.indicator)):
                code = PART
            elif seg.footnote and not code and footnote_parents.get(seg.footnote, ("",))[0]:
                code = PART
            scope = _scope(report, text, seg, pos, reading.end, code) if code else None
            if scope is None:
                continue
            claims[pos] = _Claim(Phrasing(code, _GRAMMAR), seg, reading.start, reading.end, pos, reading.value,
                                 (pos, 0, 0, 0), reading.approx, scope)


_GRAMMAR = re.compile("(?!)")  # grammar claims have no pattern of their own


_SENTENCE = re.compile(r"[.;!?](?!\d)\s|\n")
_LONGER_TIME = (_N_MONTHS_RX, _QUARTER, _YEAR_TO_DATE)  # "6 tháng đầu năm", "quý II", "lũy kế từ đầu năm"


def _scope(report, text: str, seg: _Segment, pos: int, end: int, indicator: str) -> Scope | None:
    """The months a figure covers, from the time words of its sentence before it (or right after it)."""
    starts = [m.end() for m in _SENTENCE.finditer(text, seg.start, pos)]
    before = text[starts[-1] if starts else seg.start: pos]
    stock = indicator not in ("", NOT_AN_INDICATOR, PART) and catalog.aggregation(indicator) == "last"
    return figure_scope(before, text[end: end + 40], _heading_scope(report, seg), stock)


def _heading_scope(report, seg: _Segment) -> tuple[str, int]:
    """The time of a figure's part, or the longer time its nearest heading names in a monthly report
    whose title names both ("tháng 6 và 6 tháng đầu năm 2022" → "2. Kết quả 6 tháng đầu năm": span 6)."""
    doc = report.scope(seg.part)
    heading = seg.section.rsplit(" > ", 1)[-1]
    if doc[1] != 1 or seg.part != "result" or not heading or not any(rx.search(heading) for rx in _LONGER_TIME):
        return doc
    scope = figure_scope(heading, "", doc, False)
    return (scope.period, scope.span) if scope is not None and not scope.kind else doc


# a part of a stock restricted to a place or put aside in brackets: "(riêng huyện X đang triển khai 12 …)"
_RESTRICTED = re.compile(r"(?i)\((?![^)]*\))|riêng|(?:tại|ở|của|trên địa bàn)\s+(?:các\s+)?(?:huyện|xã|thành phố|thị xã|phường)")


def _one_total_per_stock(text: str, claims: dict[int, _Claim]) -> None:
    """A stock (tasks under management …) has one value at a date: the department's own total. When
    a document states it more than once with different values, the statement not restricted to a
    place nor set aside in brackets is the total, and the first such; the others give no row (they
    stay listed as unrecognised), so a side remark never replaces the total stated elsewhere."""
    groups: dict[tuple, list[tuple[int, _Claim]]] = {}
    for pos, c in sorted(claims.items(), key=lambda kv: kv[1].order):
        code = c.phrasing.indicator
        if code in (NOT_AN_INDICATOR, PART) or catalog.aggregation(code) != "last":
            continue
        key = (code, c.segment.part, c.scope.period if c.scope else "", c.scope.span if c.scope else 1)
        groups.setdefault(key, []).append((pos, c))
    for stated in groups.values():
        if len({c.value for _, c in stated}) < 2:
            continue
        free = [(pos, c) for pos, c in stated
                if not _RESTRICTED.search(re.split(r"[.;](?!\d)", text[c.segment.start: c.number_start])[-1])]
        keep = (free or stated)[0][0]
        for pos, c in stated:
            if pos != keep:
                claims[pos] = replace(c, phrasing=Phrasing(NOT_AN_INDICATOR, c.phrasing.regex), why="stock_twice")


_SENTENCE_STOP = re.compile(r"[.!?](?!\d)\s|\n")
_TOTAL_WORD = re.compile(r"(?i)(?<!\w)(?:tổng|tổng số|tổng cộng|cả thảy|tất cả)(?!\w)")


def _itemised_without_total(text: str, claims: dict[int, _Claim]) -> None:
    """Counts of one flow listed side by side in a sentence under one verb, with no total ("kiểm định
    14 cột đo, 04 cân, 06 cân đĩa"; "02 cơ sở vi phạm về nhãn; 01 cơ sở vi phạm về đo lường") are
    the parts of a total the text does not state: none of them is the total, so none gives a row
    (they stay unrecognised). Figures with their own verb ("kiểm định 218 …, hiệu chuẩn 53 …") and a
    sentence that states its total ("tổng số …") are left alone."""
    from sokhcn_analytics.extract.grammar import has_action

    ordered = sorted((c for c in claims.values() if c.phrasing.indicator not in (NOT_AN_INDICATOR, PART)
                      and catalog.aggregation(c.phrasing.indicator) == "sum"), key=lambda c: c.number_start)
    from sokhcn_analytics.extract.grammar import vocabulary

    one_total = set(vocabulary()["one_total"][0][0])
    items: set[int] = set()
    for a, b in zip(ordered, ordered[1:]):
        if a.phrasing.indicator != b.phrasing.indicator or a.segment is not b.segment or a.scope != b.scope \
                or b.phrasing.regex is not _GRAMMAR:  # a phrasing's list ("kiểm định 215 cân, 18 cột đo") counts each
            continue
        between = text[a.end:b.number_start]
        sentence = text[max([a.segment.start, *(m.end() for m in _SENTENCE_STOP.finditer(text, a.segment.start,
                                                                                          a.number_start))]):a.number_start]
        if _SENTENCE_STOP.search(between) or has_action(between) or _TOTAL_WORD.search(sentence):
            continue
        items |= {a.number_start, b.number_start}
    groups: dict[tuple, list[_Claim]] = {}
    for c in ordered:  # establishments counted trade by trade in one paragraph, each with its own verb
        if c.phrasing.indicator in one_total and c.phrasing.regex is _GRAMMAR:
            groups.setdefault((c.phrasing.indicator, id(c.segment), c.scope), []).append(c)
    for group in groups.values():
        if len({c.value for c in group}) > 1 and not any(
                _TOTAL_WORD.search(re.split(r"[,;:.]\s", text[c.segment.start:c.number_start])[-1]) for c in group):
            items |= {c.number_start for c in group}
    items |= _unread_siblings(text, claims, ordered) | _per_trade(text, claims)
    for pos in items:
        claims[pos] = replace(claims[pos], phrasing=Phrasing(NOT_AN_INDICATOR, claims[pos].phrasing.regex), why="part")


def _per_trade(text: str, claims: dict[int, _Claim]) -> set[int]:
    """A sentence counting establishments trade by trade, two or more of them with no verb the grammar
    binds ("tại 107 cơ sở kinh doanh xăng dầu phát hiện …; 28 cơ sở về lĩnh vực cân … xử phạt 23 triệu
    đồng"), gives the trades' parts: its figures of the ``per_trade`` codes (``wording.csv``) give no row."""
    from sokhcn_analytics.extract.grammar import breakdown_words, vocabulary

    (codes, _), (nouns, _) = vocabulary()["per_trade"][0], vocabulary()["per_trade_noun"][0]
    count = re.compile(r"(?i)(?<![\d.,])(\d+)[^\S\n]+(?:" + "|".join(map(re.escape, nouns)) + r")(?!\w)")
    found: set[int] = set()
    for seg in {id(c.segment): c.segment for c in claims.values()}.values():
        starts = [seg.start, *(m.end() for m in _SENTENCE_STOP.finditer(text, seg.start, seg.start + len(seg.text)))]
        for lo, hi in zip(starts, [*starts[1:], seg.start + len(seg.text)]):
            opens = breakdown_words().search(text, lo, hi)  # "…tại 08 cơ sở; cụ thể: huyện A 02 cơ sở …": a total's parts
            unread = [m for m in count.finditer(text, lo, opens.start() if opens else hi) if m.start(1) not in claims]
            if len(unread) >= 2:
                found |= {pos for pos, c in claims.items() if lo <= pos < hi and c.phrasing.indicator in codes}
    return found


_HEAD = re.compile(r"(?i)[*_]*[^\S\n]*((?:[^\W\d_]+[^\S\n]+){1,2})")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_ITEM_STOP = re.compile(r"[.;!?](?!\d)\s|;|\n")
_SIBLING_LEAD = re.compile(r"(?i)(?:,|\svà|\svà có)[^\S\n]*$")


def _unread_siblings(text: str, claims: dict[int, _Claim], ordered: list[_Claim]) -> set[int]:
    """A figure listed beside another count of the same noun ("8 doanh nghiệp vi phạm về nhãn và 3
    doanh nghiệp vi phạm về đo lường", "13 hội đồng xác định … và 23 hội đồng tuyển chọn") with no verb
    of its own between them and no total in the sentence is an item of a list whose total the text
    does not give, even when the grammar cannot read its sibling: no row (it stays unrecognised).
    Codes with sub-codes of their own (a level of tasks) are left to their breakdowns."""
    within = {h.get("within") for h in catalog.hints().values()}
    found: set[int] = set()
    for c in ordered:
        if c.phrasing.regex is not _GRAMMAR or c.phrasing.indicator in within \
                or catalog.hints().get(c.phrasing.indicator, {}).get("within"):
            continue
        number = _DIGITS.match(text, c.number_start)
        head = _HEAD.match(text, number.end()) if number else None
        seg_end = c.segment.start + len(c.segment.text)
        lo = max([c.segment.start, *(m.end() for m in _ITEM_STOP.finditer(text, c.segment.start, c.number_start))])
        stop = _ITEM_STOP.search(text, c.number_start, seg_end)
        hi = stop.start() if stop else seg_end
        if head is None or _TOTAL_WORD.search(text, lo, hi):
            continue
        for tok in _NUMBER.finditer(text, lo, hi):
            other = claims.get(tok.start("n"))
            if tok.start("n") == c.number_start or other is not None and other.phrasing.indicator not in (
                    c.phrasing.indicator, NOT_AN_INDICATOR, PART):
                continue
            sibling = _HEAD.match(text, _DIGITS.match(text, tok.start("n")).end())
            if sibling is None or sibling.group(1).lower().split() != head.group(1).lower().split():
                continue
            later = max(tok.start("n"), c.number_start)
            if _SIBLING_LEAD.search(text, lo, later):
                found.add(c.number_start)
    return found


def _one_row_per_statement(claims: dict[int, _Claim]) -> None:
    """The same figure stated again in another paragraph (a lead and its body, a photo caption), or a
    count of establishments stated twice in one ("thanh tra đột xuất tại 02 doanh nghiệp … thanh tra tại
    02 tổ chức"), is one figure: the later statement gives no row."""
    from sokhcn_analytics.extract.grammar import vocabulary

    one_total = set(vocabulary()["one_total"][0][0])  # one count of establishments per paragraph
    seen: dict[tuple, _Segment] = {}
    for pos, c in sorted(claims.items(), key=lambda kv: kv[1].order):
        if c.phrasing.indicator in (NOT_AN_INDICATOR, PART):
            continue
        key = (c.phrasing.indicator, c.value, c.scope, c.segment.part)
        if key in seen and (seen[key] is not c.segment or c.phrasing.indicator in one_total):
            claims[pos] = replace(c, phrasing=Phrasing(PART, c.phrasing.regex))
        seen.setdefault(key, c.segment)


def _in_breakdown(text: str, seg: _Segment, pos: int, kind: str = "breakdown") -> bool:
    """Whether the sentence holding ``pos`` opens a breakdown before it ("Trong đó có 4 cơ sở …")."""
    from sokhcn_analytics.extract.grammar import breakdown_words

    stops = [m.end() for m in _SENTENCE_STOP.finditer(text, seg.start, pos)]
    return bool(breakdown_words(kind).search(text, stops[-1] if stops else seg.start, pos))


def _same_quantity(part: str, total: str) -> bool:
    """A part counted in the total's own unit but under another code that does not detail it ("130 mẫu
    thử nghiệm. Trong đó, 116 mẫu hóa-lý"): a part of that total, never a figure of its own."""
    return catalog.unit(part) == catalog.unit(total) and catalog.hints().get(part, {}).get("within") != total
