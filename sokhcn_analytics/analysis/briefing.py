"""The month on one page: key-figure cards, the main points, and what is not yet available.

Everything here is numbers of the analysis layer (:func:`~sokhcn_analytics.analysis.measures.yoy`,
:func:`~sokhcn_analytics.analysis.measures.plan_vs_actual`, :func:`~sokhcn_analytics.analysis.measures.plan_followup`,
:func:`~sokhcn_analytics.analysis.plausibility.flags`) put in the order a director reads them:

- :func:`cards` — one row per key indicator with a result this month: the value, the change on
  last month and on the same month last year, the year to date against last year's, progress
  to the annual target against the share of the year elapsed, and 13 months of history;
- :func:`main_points` — 3 to 6 sentences chosen by importance (implausible figures first, then
  targets behind pace, plans not carried out, the largest rises and falls), each carrying the
  numbers it was written from (``Point.figures``) so that a test can hold every number of a
  sentence to the analysis layer;
- :func:`missing` — what is not yet there ("Chưa có: chỉ tiêu năm, danh mục nhiệm vụ").

The wording of every sentence is a ``briefing.*`` row of ``labels.csv``.

On the illustrative June 2021, ``[p.kind for p in main_points(df, tasks, "2021-06", org="minh-hoa")]``
is ``['behind_target', 'yoy_up', 'yoy_down']`` (``tests/test_briefing.py`` runs it).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.catalog import label
from sokhcn_analytics.core.model import parse_period, shift_period
from sokhcn_analytics.core.vnformat import format_number, format_period, format_share, is_finite

MAX_CARDS = 8
MIN_POINTS, MAX_POINTS = 3, 6
MAX_PER_KIND = 3
NOTABLE_CHANGE_PCT = 10.0  # a change on last year smaller than this is not a main point
PACE_TOLERANCE = 5.0  # percentage points behind the share of the year elapsed before a target is "behind"
SCORES = {"implausible": 1000.0, "no_base": 500.0, "behind_target": 300.0, "plan_missed": 200.0,
          "yoy_up": 100.0, "yoy_down": 100.0, "highlight": 0.0}
CARD_COLUMNS = ["value", "prev_month", "change_prev_month_pct", "value_prev_year", "change_pct", "ytd",
                "ytd_prev_year", "ytd_change_pct", "target", "pct_of_target", "elapsed_pct",
                "source_file", "source_ref"]


@dataclass
class Point:
    """One main-point sentence, the numbers it states and why it was chosen."""

    kind: str
    indicator: str | None
    score: float
    text: str
    figures: dict = field(default_factory=dict)


def _fields(code: str, lang: str) -> dict:
    return {"name": catalog.name(code, lang), "unit": catalog.unit(code, lang)}


def _month_results(df: pd.DataFrame, org: str, period: str) -> pd.DataFrame:
    rows = df[(df["org"] == org) & (df["kind"] == "result") & (df["period"] == period)]
    if "span" in rows.columns:
        rows = rows[pd.to_numeric(rows["span"], errors="coerce").fillna(1) == 1]
    return rows.drop_duplicates("indicator", keep="last").set_index("indicator")


# ---------------------------------------------------------------- cards

def key_codes(df: pd.DataFrame, period: str, org: str, limit: int = MAX_CARDS) -> list[str]:
    """The catalog's key indicators with a result this month, in catalog order."""
    have = _month_results(df, org, period)["value"].dropna().index
    return [c for c in catalog.codes() if c in have and catalog.indicator(c)["key"]][:limit]


def cards(df: pd.DataFrame, period: str, org: str, codes=None) -> pd.DataFrame:
    """The numbers of each key-figure card (columns :data:`CARD_COLUMNS`), indexed by indicator."""
    from sokhcn_analytics.analysis.measures import plan_vs_actual, yoy

    codes = list(codes) if codes is not None else key_codes(df, period, org)
    year, month = parse_period(period)
    now = yoy(df, period, org=org).reindex(codes)
    last = yoy(df, shift_period(period, -1), org=org)["value"].reindex(codes)
    targets = plan_vs_actual(df, year, period, org=org).reindex(codes)
    month_rows = _month_results(df, org, period).reindex(codes)
    out = pd.DataFrame(index=pd.Index(codes, name="indicator"))
    for col in ("value", "value_prev_year", "change_pct", "ytd", "ytd_prev_year", "ytd_change_pct"):
        out[col] = now[col].astype("float64")
    out["prev_month"] = last.astype("float64")
    ok = out["prev_month"].notna() & (out["prev_month"] != 0)
    out["change_prev_month_pct"] = ((out["value"] - out["prev_month"]) / out["prev_month"].abs() * 100).where(ok)
    out["target"] = targets["target"].astype("float64")
    out["pct_of_target"] = targets["pct_of_target"].astype("float64")
    out["elapsed_pct"] = np.where(out["target"].notna(), month / 12 * 100, np.nan)
    out["source_file"] = month_rows["source_file"].astype(str)
    out["source_ref"] = month_rows["source_ref"].astype(str)
    return out[CARD_COLUMNS]


def grid(df: pd.DataFrame, org: str, start: str, end: str) -> pd.DataFrame:
    """Monthly results of ``org``, indicator × month from ``start`` to ``end``, gaps as NaN.

    The same numbers as :func:`~sokhcn_analytics.analysis.measures.monthly` (results only, a later
    duplicate wins), for every indicator at once.
    """
    rows = _month_rows(df, org)
    rows = rows[(rows["period"] >= start) & (rows["period"] <= end)]
    n = (int(end[:4]) * 12 + int(end[5:7])) - (int(start[:4]) * 12 + int(start[5:7])) + 1
    months = [shift_period(start, i) for i in range(n)]
    table = rows.pivot(index="indicator", columns="period", values="value")
    return table.reindex(columns=months).astype("float64")


def _month_rows(df: pd.DataFrame, org: str) -> pd.DataFrame:
    rows = df[(df["org"] == org) & (df["kind"] == "result")]
    if "span" in rows.columns:
        rows = rows[pd.to_numeric(rows["span"], errors="coerce").fillna(1) == 1]
    rows = rows.assign(value=pd.to_numeric(rows["value"], errors="coerce").astype("float64"))
    return rows.drop_duplicates(["period", "indicator"], keep="last")


def history(df: pd.DataFrame, period: str, org: str, codes, months: int = 13) -> dict[str, pd.DataFrame]:
    """Per indicator: the last ``months`` months through ``period`` (column ``this``) and the same
    months a year earlier (``last``), gaps as NaN — the data of a card's sparkline."""
    start = shift_period(period, -(months - 1))
    now = grid(df, org, start, period)
    before = grid(df, org, shift_period(start, -12), shift_period(period, -12))
    out = {}
    for code in codes:
        this = now.loc[code].to_numpy("float64") if code in now.index else np.full(months, np.nan)
        last = before.loc[code].to_numpy("float64") if code in before.index else np.full(months, np.nan)
        out[code] = pd.DataFrame({"this": this, "last": last}, index=pd.Index(now.columns, name="period"))
    return out


# ---------------------------------------------------------------- main points

def main_points(df: pd.DataFrame, tasks, period: str, org: str, lang: str = "vi") -> list[Point]:
    """3–6 sentences, most important first (see the module docstring for the order)."""
    candidates = [*_implausible(df, period, org, lang), *_no_base(df, period, org, lang),
                  *_behind_target(df, period, org, lang), *_plans_missed(df, period, org, lang),
                  *_yoy_changes(df, period, org, lang)]
    chosen, per_kind = [], {}
    for point in sorted(candidates, key=lambda p: -p.score):
        if per_kind.get(point.kind, 0) < MAX_PER_KIND and len(chosen) < MAX_POINTS:
            chosen.append(point)
            per_kind[point.kind] = per_kind.get(point.kind, 0) + 1
    named = {p.indicator for p in chosen}
    for point in _highlights(df, period, org, lang):
        if len(chosen) >= MIN_POINTS:
            break
        if point.indicator not in named:
            chosen.append(point)
    return chosen


def _implausible(df, period, org, lang) -> list[Point]:
    from sokhcn_analytics.analysis.plausibility import flags

    out = []
    for row in flags(df, period, org).itertuples():
        where = (label("briefing.where_cell", lang, cell=row.cell) if "!" in row.cell
                 else label("briefing.where_quote", lang, quote=row.cell[:80]))
        figures = {"value": row.value, "base": row.base, "ratio": row.ratio}
        if row.direction == "high":
            text = label("briefing.implausible_high", lang, value=format_number(row.value, lang=lang),
                         ratio=format_number(row.ratio, lang=lang), base=format_number(row.base, lang=lang), where=where,
                         **_fields(row.indicator, lang))
        else:
            share = row.value / row.base * 100
            figures["share_pct"] = share
            text = label("briefing.implausible_low", lang, value=format_number(row.value, lang=lang), pct=format_share(share, lang),
                         base=format_number(row.base, lang=lang), where=where, **_fields(row.indicator, lang))
        out.append(Point("implausible", row.indicator, SCORES["implausible"] + float(row.ratio), text, figures))
    return out


def _no_base(df, period, org, lang) -> list[Point]:
    """One sentence when there is nothing to compare with: the first month, or no last year."""
    rows = df[(df["org"] == org) & (df["kind"] == "result") & (df["period"] < period)]
    if rows.empty:
        return [Point("no_base", None, SCORES["no_base"], label("briefing.first_month", lang,
                      month=format_period(period, lang).lower()))]
    prev = shift_period(period, -12)
    if not (rows["period"].str[:4] == prev[:4]).any():
        year = int(prev[:4])
        return [Point("no_base", None, SCORES["no_base"], label("briefing.no_last_year", lang, prev_year=year),
                      {"prev_year": year})]
    return []


def _behind_target(df, period, org, lang) -> list[Point]:
    from sokhcn_analytics.analysis.measures import plan_vs_actual

    year, month = parse_period(period)
    elapsed = month / 12 * 100
    table = plan_vs_actual(df, year, period, org=org)
    out = []
    for code, row in table.iterrows():
        got = row["pct_of_target"]
        if not is_finite(got) or got >= elapsed - PACE_TOLERANCE:
            continue
        text = label("briefing.behind_target", lang, ytd=format_number(row["actual"], lang=lang), pct=format_share(got, lang),
                     year=year, target=format_number(row["target"], lang=lang), elapsed=format_share(elapsed, lang),
                     **_fields(code, lang))
        figures = {"ytd": row["actual"], "pct_of_target": got, "target": row["target"], "elapsed_pct": elapsed,
                   "year": year}
        out.append(Point("behind_target", code, SCORES["behind_target"] + (elapsed - got), text, figures))
    return out


def _plans_missed(df, period, org, lang) -> list[Point]:
    from sokhcn_analytics.analysis.measures import plan_followup

    table = plan_followup(df, period, org=org)
    out = []
    for code, row in table[table["status"].isin(["partial", "not_done"])].iterrows():
        done = row["pct_done"] if is_finite(row["pct_done"]) else 0.0
        text = label("briefing.plan_missed", lang, plan=format_number(row["plan"], lang=lang),
                     result=format_number(row["result"], lang=lang), pct=format_share(done, lang), **_fields(code, lang))
        out.append(Point("plan_missed", code, SCORES["plan_missed"] + (100 - done), text,
                         {"plan": row["plan"], "result": row["result"], "pct_done": done}))
    return out


def _yoy_changes(df, period, org, lang) -> list[Point]:
    from sokhcn_analytics.analysis.measures import yoy

    year, _ = parse_period(period)
    table = yoy(df, period, org=org)
    out = []
    for code, row in table.iterrows():
        change = row["change_pct"]
        if not is_finite(change) or abs(change) < NOTABLE_CHANGE_PCT:
            continue
        kind = "yoy_up" if change > 0 else "yoy_down"
        key = catalog.indicator(code)["key"]
        if not key and abs(row["change"]) < catalog.flag_min_change(code):
            continue  # 1 → 3 applications is +200 % but says little
        weight = 1.5 if key else 1.0
        text = label(f"briefing.{kind}", lang, value=format_number(row["value"], lang=lang), pct=format_share(change, lang),
                     prev_year=year - 1, base=format_number(row["value_prev_year"], lang=lang), **_fields(code, lang))
        out.append(Point(kind, code, SCORES[kind] + min(abs(change), 200.0) * weight, text,
                         {"value": row["value"], "change_pct": change, "value_prev_year": row["value_prev_year"],
                          "prev_year": year - 1}))
    return out


def _highlights(df, period, org, lang) -> list[Point]:
    """The month's key figures as plain sentences: what a page says when there is nothing to compare."""
    month = _month_results(df, org, period)
    out = []
    for i, code in enumerate(key_codes(df, period, org)):
        value = month.loc[code, "value"]
        text = label("briefing.highlight", lang, value=format_number(value, lang=lang), **_fields(code, lang))
        out.append(Point("highlight", code, SCORES["highlight"] - i, text, {"value": value}))
    return out


# ---------------------------------------------------------------- what is missing

def missing(df: pd.DataFrame, tasks, period: str, org: str, lang: str = "vi") -> list[str]:
    """The kinds of data not available for this page, as labels (empty when all is there)."""
    year, _ = parse_period(period)
    mine = df[df["org"] == org]
    checks = {
        "briefing.missing.targets": ((mine["kind"] == "target") & (mine["period"].str[:4] == str(year))
                                     & (mine["period"] <= period)).any(),
        "briefing.missing.tasks": tasks is not None and len(tasks) > 0 and (
            (tasks["org"] == org) & (tasks["period"] == period)).any(),
        "briefing.missing.plans": ((mine["kind"] == "plan") & (mine["period"] == period)).any(),
        "briefing.missing.last_year": ((mine["kind"] == "result")
                                       & (mine["period"].str[:4] == str(year - 1))).any(),
    }
    return [label(key, lang) for key, present in checks.items() if not present]


# ---------------------------------------------------------------- the year, one panel per indicator

@dataclass
class Panel:
    code: str
    this: list
    last: list
    ytd: float
    ytd_change_pct: float


def year_panels(df: pd.DataFrame, period: str, org: str, by_category: bool = False) -> dict[str, list[Panel]]:
    """Every indicator with at least two months of results this year and last: January–December.

    Months after ``period`` are left blank this year. Keyed by category (catalog order) when
    ``by_category``, else one group ``""``.
    """
    from sokhcn_analytics.analysis.measures import yoy

    year, _ = parse_period(period)
    table = yoy(df, period, org=org)
    this_year, last_year = grid(df, org, f"{year}-01", period), grid(df, org, f"{year - 1}-01", f"{year - 1}-12")
    groups: dict[str, list[Panel]] = {}
    for code in [c for c in catalog.codes() if c in this_year.index or c in last_year.index]:
        this = this_year.loc[code].tolist() if code in this_year.index else []
        this += [math.nan] * (12 - len(this))
        last = last_year.loc[code].tolist() if code in last_year.index else [math.nan] * 12
        if sum(is_finite(v) for v in this + last) < 2:
            continue  # one dot is not a trend: the panel would say nothing
        row = table.loc[code] if code in table.index else None
        key = catalog.indicator(code)["category"] if by_category else ""
        groups.setdefault(key, []).append(Panel(
            code, this, last,
            float(row["ytd"]) if row is not None else math.nan,
            float(row["ytd_change_pct"]) if row is not None else math.nan))
    return groups
