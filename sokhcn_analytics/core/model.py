"""The tidy data model: columns, fixed vocabularies and periods.

Indicators are one long table, one row per (org, period, indicator, kind, span) and source. ``period``
is the last month a figure covers and ``span`` the number of months (1 for a month, 3 a quarter,
6 a half year, 12 a year; 0 a running total since a start the text does not give): analysis of months
reads only ``span == 1`` (:func:`months_only`); ``reconcile`` compares the others with their months.
Tasks are a register snapshot, one row per task per period.
"""
from __future__ import annotations

import re
from datetime import date

INDICATOR_COLUMNS = [
    "org", "period", "indicator", "value", "unit", "kind",
    "source_file", "source_ref", "reviewed", "illustrative", "span", "approx",
]
TASK_COLUMNS = [
    "org", "period", "task_id", "name", "level", "status", "start_year", "end_year",
    "lead_org", "source_file", "source_ref", "illustrative",
]
KINDS = ("result", "plan", "target", "cumulative", "comparison")
APPROX = ("", ">", "<", "~")  # the text said "hơn"/"trên", "gần", "khoảng" before the number
LEVELS = ("provincial", "national", "ntmn", "grassroots")
STATUSES = ("proposed", "reviewed", "appraised", "approved", "in_progress", "accepted", "stopped")

REAL_ORG = "so-khcn-bac-kan"
ILLUSTRATIVE_ORG = "minh-hoa"

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(text: str) -> tuple[int, int]:
    """``"2021-01"`` → ``(2021, 1)``; ``ValueError`` in Vietnamese for anything else.

    >>> parse_period("2021-01")
    (2021, 1)
    """
    m = _PERIOD.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1990 <= int(m.group(1)) <= 2100:
        raise ValueError(f"kỳ báo cáo phải có dạng NNNN-TT (ví dụ 2021-01), nhận được '{text}'")
    return int(m.group(1)), int(m.group(2))


def is_period(text: object) -> bool:
    try:
        parse_period(str(text))
        return True
    except ValueError:
        return False


def period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def shift_period(text: str, months: int) -> str:
    """The period ``months`` later (negative: earlier). ``shift_period("2021-12", 1)`` → ``"2022-01"``."""
    y, m = parse_period(text)
    idx = y * 12 + (m - 1) + months
    return period(idx // 12, idx % 12 + 1)


def next_period(text: str) -> str:
    return shift_period(text, 1)


def is_future(text: str, today: date | None = None) -> bool:
    """True when the period starts after the current month."""
    today = today or date.today()
    return parse_period(text) > (today.year, today.month)


def empty_indicators():
    import pandas as pd

    return normalize_indicators(pd.DataFrame(columns=INDICATOR_COLUMNS))


def normalize_indicators(df):
    """Columns in model order with model dtypes (value float, flags bool, text as str)."""
    import pandas as pd

    df = df.reindex(columns=INDICATOR_COLUMNS)
    out = pd.DataFrame({
        c: df[c].astype("string").astype(object).where(df[c].notna(), "") if c not in ("value", "reviewed", "illustrative", "span") else df[c]
        for c in INDICATOR_COLUMNS
    })
    out["value"] = pd.to_numeric(df["value"], errors="raise").astype("float64")
    out["span"] = pd.to_numeric(df["span"], errors="raise").fillna(1).astype("int64")
    out["approx"] = df["approx"].where(df["approx"].notna(), "").astype(str)
    out["reviewed"] = _flag(df["reviewed"])
    out["illustrative"] = _flag(df["illustrative"])
    for c in ("org", "period", "indicator", "unit", "kind", "source_file", "source_ref"):
        out[c] = out[c].astype(str)
    return out.reset_index(drop=True)


def months_only(df):
    """The rows of single months (``span == 1``): what monthly series, YTD, YoY and plans read.

    >>> import pandas as pd
    >>> months_only(pd.DataFrame({"period": ["2021-03", "2021-03"], "span": [1, 3]}))["span"].tolist()
    [1]
    """
    return df[df["span"] == 1] if "span" in df.columns else df


def normalize_tasks(df):
    import pandas as pd

    df = df.reindex(columns=TASK_COLUMNS)
    out = df.copy()
    for c in ("org", "period", "task_id", "name", "level", "status", "lead_org", "source_file", "source_ref"):
        out[c] = df[c].where(df[c].notna(), "").astype(str)
    for c in ("start_year", "end_year"):
        out[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    out["illustrative"] = _flag(df["illustrative"])
    return out.reset_index(drop=True)


def _flag(column):
    """A boolean column with missing values as False (an absent column is all False)."""
    return column.astype("boolean").fillna(False).astype(bool)
