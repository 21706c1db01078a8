"""Vietnamese numbers, periods and percentages: parsing and formatting in one place.

Vietnamese writes ``1.234,5`` for 1234.5: dots group thousands, a comma marks decimals.
Reports in English (``lang="en"``) write ``1,234.5``; Vietnamese is the default everywhere.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

from sokhcn_analytics.core.model import parse_period

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.200  1.234.567  1.234,5
_PLAIN = re.compile(r"^\d+(,\d+)?$")  # 07  2,5  1200
# (thousands separator, decimal mark) per report language
SEPARATORS = {"vi": (".", ","), "en": (",", ".")}
_EN_DECIMAL = re.compile(r"^\d+\.\d{1,2}$|^\d+\.\d{4,}$")  # 2.5 or 3.14159 (not a thousands group)


def parse_number(text) -> float:
    """A number written the Vietnamese way, or typed in a cell, as a float.

    ``ValueError`` when it is not a number.

    >>> parse_number("1.200"), parse_number("2,5"), parse_number("07"), parse_number("1.234,5")
    (1200.0, 2.5, 7.0, 1234.5)
    """
    if isinstance(text, bool):
        raise ValueError(f"'{text}' không phải là số")
    if isinstance(text, (int, float)):
        if isinstance(text, float) and not math.isfinite(text):
            raise ValueError(f"'{text}' không phải là số hữu hạn")
        return float(text)
    s = str(text).strip().replace("\u00a0", "").replace(" ", "").replace("*", "").replace("_", "")
    sign = 1.0
    if s[:1] in "-−":
        sign, s = -1.0, s[1:]
    elif s[:1] == "+":
        s = s[1:]
    if _GROUPED.match(s):
        return _finite(sign * float(s.replace(".", "").replace(",", ".")), text)
    if _PLAIN.match(s):
        return _finite(sign * float(s.replace(",", ".")), text)
    if _EN_DECIMAL.match(s):
        return _finite(sign * float(s), text)
    raise ValueError(f"'{text}' không phải là số (ví dụ đúng: 1.200 hoặc 2,5)")


def parse_decimal(text) -> Decimal:
    """A number written the Vietnamese way as an exact ``Decimal`` (money is counted in whole đồng,
    never through binary floating point).

    >>> parse_decimal("16,9") * 1_000_000_000, parse_decimal("1.250.500")
    (Decimal('16900000000.0'), Decimal('1250500'))
    """
    s = str(text).strip().replace("\u00a0", "").replace(" ", "").replace("*", "").replace("_", "")
    if _GROUPED.match(s):
        return Decimal(s.replace(".", "").replace(",", "."))
    if _PLAIN.match(s):
        return Decimal(s.replace(",", "."))
    return Decimal(repr(parse_number(text)))


def amount_in_dong(text, scale) -> float:
    """An amount ``text`` × ``scale`` in đồng, multiplied exactly: "16,9" × 1 tỷ → 16900000000.0, never
    16899999999.999998 (whole đồng stay whole; the float holds them exactly up to 9 triệu tỷ).

    >>> amount_in_dong("16,9", "1000000000"), amount_in_dong("1.250.500", 1), amount_in_dong("85,35", "1000000")
    (16900000000.0, 1250500.0, 85350000.0)
    """
    return float(parse_decimal(text) * Decimal(str(scale)))


def _finite(value: float, text) -> float:
    if not math.isfinite(value):
        raise ValueError(f"'{str(text)[:20]}…' quá lớn, không phải là số liệu hợp lệ")
    return value


def decimal_mark(lang: str = "vi") -> str:
    """``","`` in Vietnamese, ``"."`` in English."""
    return SEPARATORS.get(lang, SEPARATORS["vi"])[1]


def format_number(value, decimals: int | None = None, lang: str = "vi") -> str:
    """``1234.5`` → ``'1.234,5'`` (``'1,234.5'`` with ``lang="en"``); whole numbers without
    decimals; missing → ``'—'``.

    >>> format_number(1234.5), format_number(250.0), format_number(None), format_number(1234.5, lang="en")
    ('1.234,5', '250', '—', '1,234.5')
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if not isinstance(value, (int, float)):  # pd.NA, NaT…; plain numbers need no pandas import
        try:
            import pandas as pd

            if pd.isna(value):
                return "—"
        except (TypeError, ValueError):
            pass
    value = float(value)
    auto = decimals is None
    if auto:
        decimals = 0 if value == round(value) else (1 if abs(value) >= 10 else 2)
    thousands, mark = SEPARATORS.get(lang, SEPARATORS["vi"])
    text = f"{abs(value):,.{decimals}f}"  # 1,234.50
    text = text.replace(",", "\x00").replace(".", mark).replace("\x00", thousands)
    if auto and decimals and mark in text:
        text = text.rstrip("0").rstrip(mark)
    return ("-" if value < 0 and text.strip("0.,") else "") + text


def format_percent(value, decimals: int = 1, signed: bool = False, lang: str = "vi") -> str:
    """A fraction-free percentage: ``12.5`` → ``'12,5 %'`` (``'12.5 %'`` in English); missing or
    infinite → ``'—'``."""
    if value is None:
        return "—"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(v):
        return "—"
    text = format_number(round(v, decimals), decimals, lang)
    if signed and v > 0:
        text = "+" + text
    return f"{text} %"


def format_period(text: str, lang: str = "vi") -> str:
    """``'2021-01'`` → ``'Tháng 01/2021'`` (``'01/2021'`` in English)."""
    y, m = parse_period(text)
    return f"Tháng {m:02d}/{y}" if lang == "vi" else f"{m:02d}/{y}"


def is_finite(value) -> bool:
    """A real, finite number (None, NaN, inf and text are not): what a sentence may state."""
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def format_share(value, lang: str = "vi") -> str:
    """A percentage without sign or trailing zero decimal: 25 → ``'25 %'``, 8.33 → ``'8,3 %'``
    (``'8.3 %'`` in English); the way sentences write a share.

    >>> format_share(25.0), format_share(-8.33), format_share(8.33, lang="en")
    ('25 %', '8,3 %', '8.3 %')
    """
    text = format_percent(abs(float(value)), lang=lang)
    return text.replace(f"{decimal_mark(lang)}0 %", " %")
