"""Figures out of the narrative monthly report, each with the phrase that shows it.

>>> df = extract_indicators("data/raw/reports/2021-01_so-khcn-bac-kan.txt")   # doctest: +SKIP
>>> df.loc[0, ["period", "indicator", "value", "quote"]].tolist()               # doctest: +SKIP
['2021-01', 'tasks_managed', 36.0, 'quản lý **36** nhiệm vụ khoa học và công nghệ']

The steps: read the file (:mod:`sokhcn_analytics.extract.documents`), find the report period in the title, cut the
text into parts (results, assessment, next-month plan) and a heading path, then let every
phrasing of ``phrasings.csv`` claim the numbers it recognises. A phrasing is one row: the
indicator code, a pattern with ``{N}`` where the number stands, optionally the indicator whose
footnote it breaks down (``within``) and a section the phrase must sit under. Numbers no
phrasing claims but that count something are listed by :func:`unrecognised`. A phrasing whose
indicator is ``-`` (NOT_AN_INDICATOR) guards a figure known to be no catalog indicator's (tasks
selected by a council): it takes the number so that no other phrasing misreads it ("tuyển chọn 05 đề
tài bắt đầu thực hiện năm 2023" is not five new tasks), gives no row, and stays unrecognised.

The work is split by job: :mod:`sokhcn_analytics.extract.wording` (phrasings, vocabulary, numbers that never count),
:mod:`sokhcn_analytics.extract.structure` (parts, headings, footnotes, tables), :mod:`sokhcn_analytics.extract.period` (the report's
period), :mod:`sokhcn_analytics.extract.claims` (which phrasing takes which number); the ``sokhcn extract`` command
is in :mod:`sokhcn_analytics.cli.commands`. This module holds the public functions.
"""
from __future__ import annotations

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.errors import SokhcnError  # re-exported: callers catch extract.SokhcnError
from sokhcn_analytics.extract.claims import _FN_REF, PART, _claims, _in_breakdown
from sokhcn_analytics.extract.period import find_period
from sokhcn_analytics.extract.grammar import never_a_figure
from sokhcn_analytics.extract.structure import Report, parse_report, read_report
from sokhcn_analytics.extract.wording import (_SUP, _TOKEN, NOT_AN_INDICATOR, _context, _is_trap, compile_pattern, fold,
                              load_phrasings)
from sokhcn_analytics.core.model import INDICATOR_COLUMNS, REAL_ORG, next_period, normalize_indicators
from sokhcn_analytics.core.vnformat import parse_number

__all__ = ["NOT_AN_INDICATOR", "OUTPUT_COLUMNS", "UNRECOGNISED_COLUMNS", "Report", "compile_pattern",
           "extract_indicators", "find_period", "fold", "load_phrasings", "parse_report", "read_report",
           "review", "to_store_rows", "unrecognised", "SokhcnError"]

OUTPUT_COLUMNS = ["period", "span", "indicator", "value", "unit", "kind", "approx", "section", "quote"]
REVIEW_COLUMNS = ["line", "reason", "quote", "sentence"]
UNRECOGNISED_COLUMNS = ["period", "kind", "section", "quote", "line"]


# --- public API --------------------------------------------------------------------------------------

def _as_report(report_or_path, period: str | None) -> Report:
    if isinstance(report_or_path, Report):
        if period and period != report_or_path.period:
            return Report(report_or_path.path, period, report_or_path.paragraphs, report_or_path.footnotes,
                          report_or_path.span)
        return report_or_path
    return read_report(report_or_path, period)


def extract_indicators(report_or_path, period: str | None = None):
    """One row per figure found: ``period, span, indicator, value, unit, kind, approx, section, quote, line``.

    Plan figures (next-month part) have ``kind="plan"`` and the period of the next month.

    >>> rep = parse_report("Kết quả tháng 01 năm 2021\\nI. KẾT QUẢ\\nThử nghiệm 68 mẫu gạch.\\n"
    ...                    "II. PHƯƠNG HƯỚNG THÁNG 02\\nKiểm tra 01 cơ sở.")
    >>> extract_indicators(rep)[["period", "indicator", "value", "kind", "quote"]].values.tolist()
    [['2021-01', 'material_samples_tested', 68.0, 'result', 'Thử nghiệm 68 mẫu gạch'], \
['2021-02', 'establishments_inspected', 1.0, 'plan', 'Kiểm tra 01 cơ sở']]
    """
    import pandas as pd

    report = _as_report(report_or_path, period)
    claims, text, _ = _claims(report)
    rows = [{
        "period": c.scope.period,
        "span": c.scope.span,
        "indicator": c.phrasing.indicator,
        "value": c.value,
        "unit": catalog.unit(c.phrasing.indicator),
        "kind": c.scope.kind or c.segment.part,
        "approx": c.approx,
        "section": c.segment.section,
        "quote": text[c.start:c.end],
        "line": c.segment.line,
    } for c in claims if c.phrasing.indicator not in (NOT_AN_INDICATOR, PART)]
    df = pd.DataFrame(rows, columns=[*OUTPUT_COLUMNS, "line"])
    df["value"] = df["value"].astype("float64")
    df["line"] = df["line"].astype("int64")
    df["span"] = df["span"].astype("int64")
    return df


def unrecognised(report_or_path, period: str | None = None):
    """Numbers that count something but that no phrasing claims: ``period, kind, section, quote, line``.

    Dates, document numbers, standards, years, ranges, section numbers and phone numbers are
    never listed; nor is a footnote figure that restates the figure citing it.

    >>> rep = parse_report("Kết quả tháng 01 năm 2021\\nI. KẾT QUẢ\\n"
    ...                    "Theo Quyết định số 10/QĐ-UBND ngày 12/01/2021, cấp 15 giấy chứng nhận đủ điều kiện.")
    >>> unrecognised(rep)["quote"].tolist()
    ['cấp 15 giấy chứng nhận đủ điều kiện']
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
            if seg.start + m.start("n") in claimed or _is_trap(seg.text, m) \
                    or never_a_figure(seg.text, m.start("n"), m.end("n")):
                continue
            if seg.footnote and parse_number(m.group("n")) in restated.get(seg.footnote, ()):
                continue
            rows.append({"period": next_period(report.period) if seg.part == "plan" else report.period,
                         "kind": seg.part, "section": seg.section, "quote": _context(seg.text, m),
                         "line": seg.line})
    return pd.DataFrame(rows, columns=UNRECOGNISED_COLUMNS)


def review(report_or_path, period: str | None = None):
    """What needs a person, one row per number: ``line, reason, quote, sentence``. The reasons are
    ``unrecognised`` (no indicator fits), ``part`` (a part of a total the text does not state, or of
    one in a breakdown), ``not_an_indicator`` (a figure known to be no catalog indicator's, such as tasks
    selected by a council), ``stock_twice`` (a stock stated again with another value) and ``approx``
    (a figure the text gives as "hơn", "gần", "khoảng": kept, but a person should know).

    >>> rep = parse_report("Kết quả tháng 01 năm 2021\\nI. KẾT QUẢ\\nKiểm tra hơn 15 cơ sở. "
    ...                    "Đoàn làm việc tại hai chợ, trong đó có 4 cơ sở vàng.")
    >>> review(rep)[["reason", "quote"]].values.tolist()
    [['approx', 'Kiểm tra hơn 15 cơ sở'], ['part', 'trong đó có 4 cơ sở vàng']]
    """
    import pandas as pd

    report = _as_report(report_or_path, period)
    claims, text, segments = _claims(report)
    why = {c.number_start: c.why or "not_an_indicator" for c in claims if c.phrasing.indicator == NOT_AN_INDICATOR}
    rows = [(c.segment.line, c.number_start, "approx", text[c.start:c.end], c.segment)
            for c in claims if c.approx and c.phrasing.indicator not in (NOT_AN_INDICATOR, PART)]
    left = unrecognised(report)
    lines = set(left["line"])
    for seg in segments:
        if seg.line not in lines and not any(pos in why for pos in range(seg.start, seg.start + len(seg.text))):
            continue
        for m in _TOKEN.finditer(seg.text):
            pos = seg.start + m.start("n")
            quote = _context(seg.text, m)
            if pos in why:
                rows.append((seg.line, pos, why[pos], quote, seg))
            elif quote in set(left.loc[left["line"] == seg.line, "quote"]):
                cause = "part" if _in_breakdown(fold(text), seg, pos) else "unrecognised"
                rows.append((seg.line, pos, cause, quote, seg))
    rows.sort(key=lambda r: r[1])
    return pd.DataFrame([{"line": line, "reason": reason, "quote": quote, "sentence": _sentence(seg.text, pos - seg.start)}
                         for line, pos, reason, quote, seg in rows], columns=REVIEW_COLUMNS)


def _sentence(text: str, pos: int) -> str:
    """The sentence of ``text`` holding ``pos`` (at most 300 characters)."""
    import re

    starts = [m.end() for m in re.finditer(r"[.!?;](?!\d)\s", text[:pos])]
    stop = re.compile(r"[.!?;](?!\d)(?:\s|$)").search(text, pos)
    sentence = text[starts[-1] if starts else 0: stop.end() if stop else len(text)].strip()
    return sentence if len(sentence) <= 300 else sentence[:297].rstrip() + "…"


def _restated_values(claims, text, segments) -> dict[str, set[float]]:
    """marker → values of the figures its citation follows (a footnote often lists them again)."""
    out: dict[str, set[float]] = {}
    for c in claims:
        tail = text[c.end: c.end + 3]
        for m in _FN_REF.finditer(text[c.start: c.end] + tail):
            out.setdefault(m.group().translate(str.maketrans(_SUP, "0123456789")), set()).add(c.value)
    return out


def to_store_rows(df, source_file, org: str = REAL_ORG):
    """Extracted rows in the store's indicator model (``reviewed=False``, ``source_ref`` = quote).

    Several phrases for the same figure of one (period, indicator, kind, span) become one row: flows
    (``sum``) add up, stocks (``last``) keep the first statement; the quotes are joined.
    """
    import pandas as pd

    if df.empty:
        from sokhcn_analytics.core.model import empty_indicators
        return empty_indicators()
    rows = []
    df = df.assign(span=df["span"] if "span" in df.columns else 1, approx=df.get("approx", ""))
    for (per, code, kind, span), group in df.groupby(["period", "indicator", "kind", "span"], sort=False):
        value = group["value"].sum() if catalog.aggregation(code) == "sum" else group["value"].iloc[0]
        rows.append({"org": org, "period": per, "indicator": code, "value": float(value),
                     "unit": catalog.unit(code), "kind": kind, "source_file": str(source_file),
                     "source_ref": " | ".join(group["quote"]), "reviewed": False, "illustrative": False,
                     "span": int(span), "approx": next((a for a in group["approx"] if a), "")})
    return normalize_indicators(pd.DataFrame(rows, columns=INDICATOR_COLUMNS))
