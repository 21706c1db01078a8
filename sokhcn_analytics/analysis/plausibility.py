"""Figures that look implausible: a month far from its usual level, named with its cell.

A typing slip (``1200`` for ``120``, a figure in the wrong row) is the most common error in a
monthly workbook, and nothing in validation catches it: the cell holds a valid number. This
module compares each monthly result with its recent level and flags it when it is more than
``flag_ratio`` times that level or less than ``1 / flag_ratio`` of it, and differs from it by at
least ``flag_min_change`` (small counts jump without being wrong: 1 class instead of 4). Both
thresholds are columns of ``indicators.csv`` (3 and 10 unless stated). The recent level is:

- **flows** (``sum``): the recent level is the median of the previous 12 reported months
  (at least :data:`MIN_HISTORY` of them, or nothing is judged);
- **stocks** (``last``): the previous reported value of the same year (several stocks restart
  in January: "tasks carried out from this year").

A flag is a warning, never an error: the figure may be right (a large order, a campaign).

>>> import pandas as pd
>>> from sokhcn_analytics.core.model import normalize_indicators
>>> df = normalize_indicators(pd.DataFrame({
...     "org": "x", "period": ["2021-01", "2021-02", "2021-03", "2021-04"],
...     "indicator": "mushroom_spawn_kg", "value": [250.0, 240.0, 260.0, 1200.0], "kind": "result",
...     "source_ref": "ChiTieu!D18"}))
>>> flags(df)[["period", "value", "base", "ratio", "cell"]].to_dict("records")
[{'period': '2021-04', 'value': 1200.0, 'base': 250.0, 'ratio': 4.8, 'cell': 'ChiTieu!D18'}]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sokhcn_analytics.core import catalog

MIN_HISTORY = 3  # a flow's level needs this many earlier months before a month is judged against it
WINDOW = 12
FLAG_COLUMNS = ["org", "period", "indicator", "value", "base", "ratio", "direction", "threshold",
                "source_file", "source_ref", "cell"]


def flags(df: pd.DataFrame, period: str | None = None, org: str | None = None) -> pd.DataFrame:
    """Monthly results far from their recent level (columns :data:`FLAG_COLUMNS`).

    ``period`` / ``org`` keep the flags of that month / org (the history before it is still
    read). ``ratio`` is value / base; ``direction`` is ``"high"`` or ``"low"``; ``cell`` is the
    workbook cell (``Sheet!A1``) or, for a figure read from a report, its quoted sentence.
    """
    res = _monthly_results(df, org)
    if res.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    res = res.assign(base=_recent_level(res))
    codes = res["indicator"].unique()  # a look-up per code, not per row (a national store has 100,000s)
    res["threshold"] = res["indicator"].map({c: catalog.flag_ratio(c) for c in codes}).astype("float64")
    min_change = res["indicator"].map({c: catalog.flag_min_change(c) for c in codes}).astype("float64")
    ok = res["base"].notna() & (res["base"] > 0) & ((res["value"] - res["base"]).abs() >= min_change)
    ratio = (res["value"] / res["base"]).where(ok)
    high, low = ratio > res["threshold"], ratio < 1.0 / res["threshold"]
    res = res.assign(ratio=ratio.round(1), direction=np.where(high, "high", "low"))
    out = res[high | low]
    if period is not None:
        out = out[out["period"] == str(period)]
    out = out.assign(cell=[cell_of(r) for r in out["source_ref"].astype(str)])
    return out.reindex(columns=FLAG_COLUMNS).reset_index(drop=True)


def cell_of(source_ref: str) -> str:
    """``ChiTieu!D18 — Kết quả: …`` → ``ChiTieu!D18``; a report's quote stays whole."""
    head, sep, _ = source_ref.partition(" — ")
    return head.strip() if sep or "!" in head else source_ref.strip()


def _monthly_results(df: pd.DataFrame, org: str | None) -> pd.DataFrame:
    rows = df[df["kind"] == "result"]
    if "span" in rows.columns:  # quarter or year totals are not months
        rows = rows[pd.to_numeric(rows["span"], errors="coerce").fillna(1) == 1]
    if org is not None:
        rows = rows[rows["org"] == org]
    rows = rows.drop_duplicates(["org", "period", "indicator"], keep="last")
    cols = ["org", "period", "indicator", "value", "source_file", "source_ref"]
    rows = rows.reindex(columns=cols).assign(value=lambda d: pd.to_numeric(d["value"], errors="coerce"))
    rows = rows[rows["value"].notna()]
    return rows.sort_values(["org", "indicator", "period"], kind="stable").reset_index(drop=True)


def _recent_level(res: pd.DataFrame) -> pd.Series:
    """Per row: median of the previous :data:`WINDOW` values (flows) or the previous value (stocks)."""
    groups = res.groupby(["org", "indicator"], sort=False)["value"]
    previous = groups.shift(1)
    median = (previous.groupby([res["org"], res["indicator"]], sort=False)
              .rolling(WINDOW, min_periods=MIN_HISTORY).median()
              .reset_index(level=[0, 1], drop=True).sort_index())
    year = res["period"].str[:4]
    same_year = groups.shift(1).notna() & (res.groupby(["org", "indicator"], sort=False)["period"].shift(1).str[:4] == year)
    stock = res["indicator"].map({c: catalog.is_stock(c) for c in res["indicator"].unique()}).astype(bool)
    return previous.where(same_year).where(stock, median)


def warnings_text(flagged: pd.DataFrame, lang: str = "vi") -> list[str]:
    """One line per flag for the terminal (``sokhcn build`` / ``sokhcn summary``): what, where, why."""
    from sokhcn_analytics.core.catalog import label
    from sokhcn_analytics.core.vnformat import format_number, format_period

    lines = []
    for row in flagged.itertuples():
        key = "plausibility.warning_high" if row.direction == "high" else "plausibility.warning_low"
        lines.append(label(key, lang, name=catalog.name(row.indicator, lang), unit=catalog.unit(row.indicator, lang),
                           org=row.org, month=format_period(row.period, lang).lower(), value=format_number(row.value),
                           base=format_number(row.base), ratio=format_number(row.ratio),
                           share=format_number(round(row.value / row.base * 100, 1)), cell=row.cell,
                           file=str(row.source_file).rsplit("/", 1)[-1], limit=format_number(row.threshold)))
    return lines
