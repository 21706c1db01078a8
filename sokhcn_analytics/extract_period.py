"""The period a report covers, from its title (the signing date is never used for it)."""
from __future__ import annotations

import re

from .documents import Paragraph
from .model import period

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
_TITLE_LEADS = (re.compile(r"(?i)kết\s+quả"), re.compile(r"(?i)báo\s+cáo"))


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
