"""What the explorer shows, in pandas: one org, some indicators, a year against another.

:class:`ExplorerData` holds the indicator frame once and answers the explorer's questions:
which orgs, categories, indicators and years there are, the numbers of a selection
(:meth:`ExplorerData.view`) and the source rows behind them (:meth:`ExplorerData.sources`).
No widgets here, so it is tested and benchmarked on its own.

The numbers follow :mod:`sokhcn_analytics.analysis.measures` exactly (a later duplicate row wins, a
missing month is NaN, flows add up and stocks take the latest value) and add one rule a
chart needs: **a month the indicator was not reported in is a gap in every view** — the
year-to-date of a month with no report is not shown as if that month had added nothing.

Views, for each month of the year:

* ``monthly``: the month's result (``analysis.monthly``);
* ``ytd``: the year to date through that month (``analysis.ytd``): the sum of the months
  reported for flows, the latest value for stocks;
* ``rolling12``: the 12 months ending with that month, only when all 12 were reported
  (fewer would understate): their sum for flows, their average level for stocks.

One view is one org: orgs are never added together, and an org that is not illustrative
never shows a row flagged illustrative (nor the other way round).

>>> from sokhcn_analytics.core.model import normalize_indicators
>>> df = normalize_indicators(pd.DataFrame({"org": "x", "period": ["2020-01", "2021-01", "2021-03"],
...     "indicator": "mushroom_spawn_kg", "value": [200.0, 250.0, 300.0], "kind": "result"}))
>>> view = ExplorerData(df).view("x", ("mushroom_spawn_kg",), 2021, 2020, "ytd")
>>> view.loc[:2, ["period", "value", "value_compare", "change_pct"]].values.tolist()
[['2021-01', 250.0, 200.0, 25.0], ['2021-02', nan, nan, nan], ['2021-03', 550.0, nan, nan]]
"""
from __future__ import annotations

import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sokhcn_analytics.core import catalog
from sokhcn_analytics.analysis.measures import catalog_order, clean_values, pct_change
from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, REAL_ORG, period as make_period

VIEWS = ("monthly", "ytd", "rolling12")
MONTHS = np.arange(1, 13)
VIEW_COLUMNS = ["indicator", "month", "period", "value", "compare_period", "value_compare",
                "change", "change_pct", "months", "months_compare"]
PLAN_COLUMNS = {"monthly": ["plan"], "ytd": ["target", "expected"], "rolling12": ["target"]}
SOURCE_COLUMNS = ["indicator", "period", "kind", "value", "source_file", "source_ref", "reviewed"]


def fold(text: str) -> str:
    """Lower case without diacritics, for searching Vietnamese names: ``fold("Giống nấm")`` → ``'giong nam'``."""
    text = unicodedata.normalize("NFD", str(text).lower().replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def _month_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


@dataclass
class _Org:
    """One org's rows, pivoted once: month index (year*12 + month-1) × indicator, per kind."""

    rows: pd.DataFrame
    illustrative: bool
    results: pd.DataFrame
    plans: pd.DataFrame
    targets: pd.DataFrame
    years: tuple
    indicators: tuple

    def column(self, table: pd.DataFrame, code: str, first: int, last: int) -> np.ndarray:
        """Values of ``code`` for month indices ``first..last`` (NaN where absent)."""
        out = np.full(last - first + 1, np.nan)
        if code not in table.columns:
            return out
        s = table[code]
        lo, hi = max(first, table.index[0]), min(last, table.index[-1])
        if lo <= hi:
            out[lo - first:hi - first + 1] = s.loc[lo:hi].to_numpy("float64")
        return out


class ExplorerData:
    """An indicator frame ready to be explored: loaded once, pivoted once per org, views cached.

    ``df`` is the frame of ``load_indicators()``; ``tasks`` (optional) the register of
    ``load_tasks()``, kept as ``.tasks`` for code in the notebook.
    """

    def __init__(self, df: pd.DataFrame, tasks: pd.DataFrame | None = None):
        clean = clean_values(df)
        for col, default in (("source_file", ""), ("source_ref", ""), ("reviewed", False), ("illustrative", False)):
            if col not in clean.columns:
                clean[col] = default
        clean["illustrative"] = clean["illustrative"].astype("boolean").fillna(False).astype(bool)
        self.df = clean
        self.tasks = tasks
        self._by_org = {str(o): g for o, g in clean.groupby("org", sort=True)}
        self._orgs: dict[str, _Org] = {}
        self._views: OrderedDict = OrderedDict()
        self._series: OrderedDict = OrderedDict()

    # ------------------------------------------------------------ what there is

    def orgs(self) -> list[str]:
        """Org codes: real ones first (the department before others), then illustrative ones."""
        def key(org):
            return (self.is_illustrative(org), org != REAL_ORG, org)
        return sorted(self._by_org, key=key)

    def is_illustrative(self, org: str) -> bool:
        """The illustrative org, or an org all of whose rows are flagged illustrative."""
        rows = self._by_org.get(org)
        return org == ILLUSTRATIVE_ORG or (rows is not None and len(rows) > 0 and bool(rows["illustrative"].all()))

    def org(self, org: str) -> _Org:
        """The org's rows and pivots (made on first use, then kept)."""
        if org not in self._orgs:
            self._orgs[org] = self._make_org(org)
        return self._orgs[org]

    def _make_org(self, org: str) -> _Org:
        rows = self._by_org.get(org, self.df.iloc[0:0])
        illustrative = self.is_illustrative(org)
        if org != ILLUSTRATIVE_ORG:  # never a real figure beside an illustrative one
            rows = rows[rows["illustrative"] == illustrative]
        rows = rows.assign(month_index=[_month_index(p) for p in rows["period"]])
        pivots = {}
        for kind in ("result", "plan", "target"):
            r = rows[(rows["kind"] == kind) & rows["value"].notna()]
            table = r.pivot(index="month_index", columns="indicator", values="value") if len(r) else pd.DataFrame()
            if len(table):
                table = table.reindex(range(table.index.min(), table.index.max() + 1))
            pivots[kind] = table
        res = pivots["result"]
        years = tuple(sorted({i // 12 for i in res.index[res.notna().any(axis=1)]})) if len(res) else ()
        reported = rows["indicator"].unique().tolist()
        return _Org(rows, illustrative, res, pivots["plan"], pivots["target"], years,
                    tuple(catalog_order(reported)))

    def years(self, org: str) -> tuple:
        """Years in which ``org`` reported at least one result."""
        return self.org(org).years

    def all_years(self) -> list[int]:
        return sorted({int(p[:4]) for p in self.df.loc[self.df["kind"] == "result", "period"]})

    def indicators(self, org: str) -> tuple:
        """Indicator codes ``org`` has rows for (any kind), in catalog order."""
        return self.org(org).indicators

    def categories(self, org: str) -> list[str]:
        """Categories of the indicators ``org`` reports, in catalog order."""
        found = {category_of(c) for c in self.indicators(org)}
        return [c for c in catalog.CATEGORIES if c in found] + sorted(found - set(catalog.CATEGORIES) - {""})

    # ------------------------------------------------------------ numbers

    def view(self, org: str, indicators, year: int, compare_year: int | None, view: str = "monthly",
             show_plans: bool = False) -> pd.DataFrame:
        """The numbers of a selection: one row per indicator and month (12 per indicator).

        Columns :data:`VIEW_COLUMNS`, plus :data:`PLAN_COLUMNS` of the view when ``show_plans``
        (``plan``: the month's plan; ``target``: the annual target in force that month;
        ``expected``: what the target asks by then, as in ``analysis.plan_vs_actual``).
        Cached: a change of year, view or indicator reuses each indicator's computed year.
        """
        if view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
        key = (org, tuple(indicators), int(year), None if compare_year is None else int(compare_year), view,
               bool(show_plans))
        if key in self._views:
            self._views.move_to_end(key)
            return self._views[key].copy()
        parts = [self._one(org, code, key[2], key[3], view, show_plans) for code in key[1]]
        cols = VIEW_COLUMNS + (PLAN_COLUMNS[view] if show_plans else [])
        out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
        _remember(self._views, key, out, 64)
        return out.copy()

    def _one(self, org, code, year, compare_year, view, show_plans) -> pd.DataFrame:
        value, months = self.series(org, code, year, view)
        if compare_year is None:
            other, other_months = np.full(12, np.nan), np.zeros(12, dtype="int64")
        else:
            other, other_months = self.series(org, code, compare_year, view)
        frame = pd.DataFrame({
            "indicator": code, "month": MONTHS,
            "period": [make_period(year, m) for m in MONTHS],
            "value": value,
            "compare_period": [make_period(compare_year, m) if compare_year else "" for m in MONTHS],
            "value_compare": other,
            "change": value - other,
            "change_pct": pct_change(value, other).to_numpy("float64"),
            "months": months, "months_compare": other_months,
        })
        if show_plans:
            for col, values in self._plans(org, code, year, view).items():
                frame[col] = values
        return frame

    def series(self, org: str, code: str, year: int, view: str) -> tuple[np.ndarray, np.ndarray]:
        """(12 values, 12 counts of months reported in each window) of one indicator and year."""
        key = (org, code, int(year), view)
        if key not in self._series:
            _remember(self._series, key, self._compute(self.org(org), code, int(year), view), 4096)
        else:
            self._series.move_to_end(key)
        return self._series[key]

    @staticmethod
    def _compute(o: _Org, code: str, year: int, view: str):
        jan = year * 12
        stock = catalog.is_stock(code)
        if view == "rolling12":
            window = o.column(o.results, code, jan - 11, jan + 11)
            stacked = np.lib.stride_tricks.sliding_window_view(window, 12)  # 12 windows × 12 months
            counts = np.sum(~np.isnan(stacked), axis=1)
            full = counts == 12
            totals = stacked.mean(axis=1) if stock else stacked.sum(axis=1)
            return np.where(full, totals, np.nan), counts.astype("int64")
        months = o.column(o.results, code, jan, jan + 11)
        seen = ~np.isnan(months)
        if view == "monthly":
            return months, seen.astype("int64")
        counts = np.cumsum(seen)
        if stock:  # the latest value of the year: that month's own value where it was reported
            return months, counts.astype("int64")
        return np.where(seen, np.nancumsum(months), np.nan), counts.astype("int64")

    def _plans(self, org, code, year, view) -> dict:
        o = self.org(org)
        jan = year * 12
        if view == "monthly":
            return {"plan": o.column(o.plans, code, jan, jan + 11)}
        stated = pd.Series(o.column(o.targets, code, jan, jan + 11))
        target = stated.ffill().to_numpy("float64")  # a restatement revises the target from its month on
        out = {"target": target}
        if view == "ytd":
            out["expected"] = target * (1.0 if catalog.is_stock(code) else MONTHS / 12)
        return out

    # ------------------------------------------------------------ sources

    def sources(self, org: str, indicators, year: int, compare_year: int | None, view: str = "monthly",
                month: int | None = None, show_plans: bool = False) -> pd.DataFrame:
        """The stored rows behind the numbers of a selection (``month=None``: all months).

        A month's number comes from that month's row (``monthly``), from January to that
        month (``ytd`` of a flow; the month's own row for a stock), or from the 12 months
        ending with it (``rolling12``); plans and targets when ``show_plans``.
        Columns :data:`SOURCE_COLUMNS`; newest first within each indicator.
        """
        o = self.org(org)
        months = [int(month)] if month else list(MONTHS)
        wanted = set()
        for y in (year, compare_year):
            if y is None:
                continue
            for code in indicators:
                for m in months:
                    wanted.update((code, p, "result") for p in _window(code, int(y), m, view))
                    if show_plans:
                        kind = "plan" if view == "monthly" else "target"
                        span = [m] if view == "monthly" else range(1, m + 1)
                        wanted.update((code, make_period(int(y), k), kind) for k in span)
        rows = o.rows
        if not wanted or rows.empty:
            return pd.DataFrame(columns=SOURCE_COLUMNS)
        keys = pd.MultiIndex.from_frame(rows[["indicator", "period", "kind"]])
        picked = rows[keys.isin(list(wanted)) & rows["value"].notna()]
        order = {c: i for i, c in enumerate(indicators)}
        picked = picked.assign(_o=picked["indicator"].map(order)).sort_values(
            ["_o", "period", "kind"], ascending=[True, False, True], kind="stable")
        return picked[SOURCE_COLUMNS].reset_index(drop=True)


def _window(code: str, year: int, month: int, view: str) -> list[str]:
    if view == "ytd" and not catalog.is_stock(code):
        return [make_period(year, m) for m in range(1, month + 1)]
    if view == "rolling12":
        last = year * 12 + month - 1
        return [make_period(i // 12, i % 12 + 1) for i in range(last - 11, last + 1)]
    return [make_period(year, month)]


def _remember(cache: OrderedDict, key, value, size: int) -> None:
    cache[key] = value
    while len(cache) > size:
        cache.popitem(last=False)


def category_of(code: str) -> str:
    """The catalog category of a code; empty for a code the catalog lacks."""
    return catalog.field(code, "category", default="")

