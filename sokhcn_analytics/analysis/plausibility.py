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
    if res is None:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    rows, value, group, month, codes, indicators = res
    base = _recent_level(value, group, month, np.array([catalog.is_stock(c) for c in indicators], bool)[codes])
    threshold = np.array([catalog.flag_ratio(c) for c in indicators], "float64")[codes]
    min_change = np.array([catalog.flag_min_change(c) for c in indicators], "float64")[codes]
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = ~np.isnan(base) & (base > 0) & (np.abs(value - base) >= min_change)
        ratio = np.where(ok, value / base, np.nan)
        high, low = ratio > threshold, ratio < 1.0 / threshold
    hit = np.flatnonzero(high | low)
    out = df.iloc[rows[hit]].reindex(columns=["org", "period", "indicator", "source_file", "source_ref"])
    out = out.assign(value=value[hit], base=base[hit], ratio=np.round(ratio[hit], 1),
                     direction=np.where(high[hit], "high", "low"), threshold=threshold[hit])
    if period is not None:
        out = out[out["period"] == str(period)]
    out = out.assign(cell=[cell_of(r) for r in out["source_ref"].astype(str)])
    return out.reindex(columns=FLAG_COLUMNS).reset_index(drop=True)


def cell_of(source_ref: str) -> str:
    """``ChiTieu!D18 — Kết quả: …`` → ``ChiTieu!D18``; a report's quote stays whole."""
    head, sep, _ = source_ref.partition(" — ")
    return head.strip() if sep or "!" in head else source_ref.strip()


def _monthly_results(df: pd.DataFrame, org: str | None):
    """The monthly results (the last row of each org, period and indicator, with a value), sorted by org,
    indicator, period, as arrays: ``(row positions in df, value, group, month number, indicator code,
    indicators)``; ``None`` if there are none. Numbers, not frames: a national store has 100,000s of
    rows, and sorting and copying its text columns cost seconds."""
    keep = (df["kind"] == "result").to_numpy(bool).copy() if len(df) else np.zeros(0, bool)
    if "span" in df.columns:  # quarter or year totals are not months
        keep &= (pd.to_numeric(df["span"], errors="coerce").fillna(1) == 1).to_numpy(bool)
    if org is not None:
        keep &= (df["org"] == org).to_numpy(bool)
    positions = np.flatnonzero(keep)
    if not len(positions):
        return None
    part = df.iloc[positions]
    orgs, _ = pd.factorize(part["org"], sort=True)
    codes, indicators = pd.factorize(part["indicator"].astype(str), sort=True)
    months, periods = pd.factorize(part["period"].astype(str), sort=True)
    month_of = np.array([int(p[:4]) * 12 + int(p[5:7]) - 1 for p in periods], "int64")
    key = (orgs.astype("int64") * len(indicators) + codes) * len(periods) + months
    _, last = np.unique(key[::-1], return_index=True)  # sorted by key: org, indicator, period
    order = len(key) - 1 - last  # the last row of each key, as drop_duplicates(keep="last")
    value = pd.to_numeric(part["value"], errors="coerce").to_numpy("float64")[order]
    order = order[~np.isnan(value)]
    if not len(order):
        return None
    value = pd.to_numeric(part["value"], errors="coerce").to_numpy("float64")[order]
    group = key[order] // len(periods)
    return positions[order], value, group, month_of[months[order]], codes[order], list(indicators)


def _recent_level(value, group, month, stock) -> np.ndarray:
    """Per row: median of the previous :data:`WINDOW` values of its group (flows, at least
    :data:`MIN_HISTORY` of them) or the previous value of the same year (stocks)."""
    n = len(value)
    previous = np.full((n, WINDOW), np.nan)
    for k in range(1, WINDOW + 1):
        same = group[k:] == group[:-k]
        previous[k:, k - 1] = np.where(same, value[:-k], np.nan)
    count = (~np.isnan(previous)).sum(axis=1)
    ordered = np.sort(previous, axis=1)  # NaN last: the values of a row come first, in order
    rows = np.arange(n)
    low, high = ordered[rows, np.maximum(count - 1, 0) // 2], ordered[rows, np.maximum(count, 1) // 2 - (count == 0)]
    median = np.where(count >= MIN_HISTORY, (low + high) / 2, np.nan)
    last_month = np.r_[-1, month[:-1]]
    same_year = ~np.isnan(previous[:, 0]) & (last_month // 12 == month // 12)
    return np.where(stock, np.where(same_year, previous[:, 0], np.nan), median)


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
