"""A few sentences of Vietnamese commentary written from the numbers.

Each sentence is a template row in ``labels.csv`` (keys ``commentary.*``) filled with
figures from :func:`~sokhcn_analytics.analysis.measures.yoy` and
:func:`~sokhcn_analytics.analysis.measures.plan_vs_actual`, so the words and the tables can never
disagree. A sentence that needs a base (last year's month, an annual target) is left out
when that base is missing or zero — never "tăng —".

>>> import pandas as pd
>>> from sokhcn_analytics.core.model import normalize_indicators
>>> df = normalize_indicators(pd.DataFrame({
...     "org": "x", "period": ["2020-01", "2021-01", "2021-01"], "indicator": "mushroom_spawn_kg",
...     "value": [200.0, 250.0, 3000.0], "kind": ["result", "result", "target"]}))
>>> for s in sentences(df, "2021-01", org="x", indicators=["mushroom_spawn_kg"]):
...     print(s)
Giống nấm sản xuất tháng 01/2021 đạt 250 kg.
Tăng 25 % so với cùng kỳ năm 2020 (200 kg).
Lũy kế từ đầu năm đạt 250 kg, bằng 8,3 % chỉ tiêu năm 2021 (3.000 kg).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.catalog import label
from sokhcn_analytics.core.model import parse_period
from sokhcn_analytics.core.vnformat import format_number, format_period, format_share, is_finite

DEFAULT_LIMIT = 4


@dataclass
class Paragraph:
    """The sentences about one indicator."""

    indicator: str
    sentences: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def key_indicators(yoy_table, limit: int = DEFAULT_LIMIT) -> list[str]:
    """The catalog's key indicators with a non-zero result this month, in catalog order."""
    have = [c for c in yoy_table.index if is_finite(yoy_table.loc[c, "value"]) and float(yoy_table.loc[c, "value"]) != 0]
    keys = [c for c in catalog.codes() if c in have and catalog.indicator(c)["key"]]
    return keys[:limit]


def paragraphs(df, period: str, org: str, lang: str = "vi", indicators=None,
               limit: int = DEFAULT_LIMIT) -> list[Paragraph]:
    """One paragraph per indicator: the month's value, change on last year, share of target."""
    from sokhcn_analytics.analysis.measures import plan_vs_actual, yoy

    year, _ = parse_period(period)
    table = yoy(df, period, org=org)
    targets = plan_vs_actual(df, year, period, org=org)
    codes = list(indicators) if indicators is not None else key_indicators(table, limit)
    out = []
    for code in codes:
        if code not in table.index or not is_finite(table.loc[code, "value"]):
            continue  # nothing reported this month: nothing to say
        row = table.loc[code]
        para = Paragraph(code, [_month_sentence(code, row, period, lang)])
        para.sentences += _yoy_sentence(code, row, year, lang)
        if code in targets.index:
            para.sentences += _target_sentence(code, targets.loc[code], year, lang)
        out.append(para)
    return out


def sentences(df, period: str, org: str, lang: str = "vi", indicators=None, limit: int = DEFAULT_LIMIT) -> list[str]:
    """All commentary sentences, in order."""
    return [s for p in paragraphs(df, period, org, lang, indicators, limit) for s in p.sentences]


def _fields(code: str, lang: str) -> dict:
    return {"name": catalog.name(code, lang), "unit": catalog.unit(code, lang)}


def _month_sentence(code, row, period, lang) -> str:
    month = format_period(period, lang)
    month = month[:1].lower() + month[1:]
    return label("commentary.month", lang, month=month, value=format_number(row["value"], lang=lang),
                 **_fields(code, lang))


def _yoy_sentence(code, row, year, lang) -> list[str]:
    base, value = row["value_prev_year"], row["value"]
    if not is_finite(base) or float(base) == 0:
        return []  # no base, no comparison
    change = float(value) - float(base)
    key = "commentary.yoy_same" if change == 0 else "commentary.yoy_up" if change > 0 else "commentary.yoy_down"
    pct = format_share(change / abs(float(base)) * 100.0, lang)
    return [label(key, lang, pct=pct, prev_year=year - 1, base=format_number(base, lang=lang), **_fields(code, lang))]


def _target_sentence(code, row, year, lang) -> list[str]:
    target, actual = row["target"], row["actual"]
    if not is_finite(target) or float(target) == 0 or not is_finite(actual):
        return []
    key = "commentary.target_stock" if catalog.aggregation(code) == "last" else "commentary.target"
    return [label(key, lang, ytd=format_number(actual, lang=lang),
                  pct=format_share(float(actual) / float(target) * 100.0, lang),
                  year=year, target=format_number(target, lang=lang), **_fields(code, lang))]
