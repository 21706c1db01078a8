"""Figures stated for a quarter, half year, nine months or year against the sum of the months.

A department's quarterly or annual report states its own history; the months it covers are in the
store too (from the monthly workbooks and reports). :func:`reconcile` lists, per org, indicator and
stated span, the stated figure, the figure computed from the months (sum for flows, the last month
for stocks) and the difference. :func:`span_yoy` compares a span with the same span a year before,
from the stated figures where the months are missing.
"""
from __future__ import annotations

import pandas as pd

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.model import shift_period

COLUMNS = ["org", "indicator", "period", "span", "stated", "computed", "difference", "months_found",
           "missing_months", "source_file", "quote"]


def _months(period: str, span: int) -> list[str]:
    return [shift_period(period, -k) for k in range(span - 1, -1, -1)]


def _monthly_results(df: pd.DataFrame) -> pd.DataFrame:
    span = df["span"] if "span" in df.columns else pd.Series(1, index=df.index)
    return df[(span == 1) & (df["kind"] == "result")]


def _computed(months: pd.DataFrame, period: str, span: int, code: str) -> tuple[float, list[str]]:
    """(value from the months, months missing): the sum of a flow's months, a stock's last month."""
    wanted = _months(period, span)
    by_month = months.drop_duplicates("period", keep="last").set_index("period")["value"]
    missing = [p for p in wanted if p not in by_month.index]
    if catalog.aggregation(code) == "last":
        return (float(by_month[period]) if period in by_month.index else float("nan")), \
            ([period] if period not in by_month.index else [])
    present = [p for p in wanted if p in by_month.index]
    return (float(by_month[present].sum()) if present else float("nan")), missing


def reconcile(df: pd.DataFrame, org: str | None = None, period: str | None = None) -> pd.DataFrame:
    """Each stated figure of a span longer than a month beside the figure its months give.

    ``difference`` is stated − computed, and empty (NaN) while a month is missing: the months
    found and those missing are listed so the analyst sees why. ``period`` keeps the spans that end
    that month.

    >>> df = pd.DataFrame({"org": "x", "indicator": "training_classes", "kind": "result",
    ...     "period": ["2022-01", "2022-02", "2022-03", "2022-03"], "span": [1, 1, 1, 3],
    ...     "value": [2.0, 1.0, 3.0, 7.0]})
    >>> reconcile(df)[["period", "span", "stated", "computed", "difference"]].values.tolist()
    [['2022-03', 3, 7.0, 6.0, 1.0]]
    """
    if "span" not in df.columns:
        return pd.DataFrame(columns=COLUMNS)
    stated = df[(df["span"] > 1) & (df["kind"] == "result")]
    if org is not None:
        stated = stated[stated["org"] == org]
    if period is not None:
        stated = stated[stated["period"] == period]
    months = _monthly_results(df)
    groups = {key: g for key, g in months.groupby(["org", "indicator"])}
    rows = []
    for r in stated.itertuples(index=False):
        own = groups.get((r.org, r.indicator), months.iloc[0:0])
        value, missing = _computed(own, r.period, int(r.span), r.indicator)
        found = int(r.span) - len(missing) if catalog.aggregation(r.indicator) == "sum" else int(not missing)
        rows.append({"org": r.org, "indicator": r.indicator, "period": r.period, "span": int(r.span),
                     "stated": float(r.value), "computed": value,
                     "difference": float(r.value) - value if not missing else float("nan"),
                     "months_found": found, "missing_months": ", ".join(missing),
                     "source_file": getattr(r, "source_file", ""), "quote": getattr(r, "source_ref", "")})
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["org", "period", "indicator", "span"], kind="stable").reset_index(drop=True)


def disagreements(df: pd.DataFrame, org: str | None = None, period: str | None = None) -> pd.DataFrame:
    """The rows of :func:`reconcile` whose months are all there and do not add up to the stated figure."""
    out = reconcile(df, org, period)
    return out[out["difference"].notna() & (out["difference"].abs() > 1e-9)].reset_index(drop=True)


def span_value(df: pd.DataFrame, org: str, indicator: str, period: str, span: int) -> tuple[float, str]:
    """(value, how) of a span: ``"months"`` when every month is stored, else ``"stated"`` from a
    quarterly/annual report, else (NaN, "")."""
    rows = df[(df["org"] == org) & (df["indicator"] == indicator)]
    value, missing = _computed(_monthly_results(rows), period, span, indicator)
    if not missing:
        return value, "months"
    stated = rows[(rows.get("span", 1) == span) & (rows["period"] == period) & (rows["kind"] == "result")]
    return (float(stated["value"].iloc[-1]), "stated") if len(stated) else (float("nan"), "")


def span_yoy(df: pd.DataFrame, org: str, period: str, span: int = 12) -> pd.DataFrame:
    """Each indicator over ``span`` months ending ``period`` against the same months a year before,
    from the months when all are stored and from the stated figure otherwise (annual reports).

    >>> df = pd.DataFrame({"org": "x", "indicator": "training_classes", "kind": "result",
    ...     "period": ["2021-12", "2022-12"], "span": [12, 12], "value": [20.0, 25.0]})
    >>> span_yoy(df, "x", "2022-12")[["indicator", "value", "previous", "change"]].values.tolist()
    [['training_classes', 25.0, 20.0, 5.0]]
    """
    before = shift_period(period, -12)
    rows = []
    for code in sorted(set(df.loc[df["org"] == org, "indicator"]), key=catalog.codes().index):
        now, how = span_value(df, org, code, period, span)
        then, how_then = span_value(df, org, code, before, span)
        if how or how_then:
            rows.append({"indicator": code, "period": period, "span": span, "value": now, "previous": then,
                         "change": now - then, "source": how, "previous_source": how_then})
    return pd.DataFrame(rows, columns=["indicator", "period", "span", "value", "previous", "change", "source",
                                       "previous_source"])


def check_text(df: pd.DataFrame, org: str | None = None, period: str | None = None,
               differences_only: bool = False) -> tuple[str, int]:
    """What ``sokhcn check`` prints, and the number of disagreements."""
    from sokhcn_analytics.core.catalog import label, name, unit
    from sokhcn_analytics.core.vnformat import format_number, format_period

    out = reconcile(df, org, period)
    if differences_only:
        out = out[out["difference"].notna() & (out["difference"].abs() > 1e-9)]
    if out.empty:
        return label("check.none"), 0
    blocks, differs = [], 0
    for who, rows in out.groupby("org", sort=False):
        lines = [label("check.header", org=who, count=len(rows))]
        for r in rows.itertuples():
            if r.missing_months:
                verdict = label("check.missing", months=r.missing_months)
            elif abs(r.difference) > 1e-9:
                differs += 1
                verdict = label("check.differs", difference=format_number(r.difference))
            else:
                verdict = label("check.agree")
            lines.append(f"  {format_period(r.period)} ({label('check.span', span=r.span)}) | {name(r.indicator)} | "
                         f"{label('check.col.stated')}: {format_number(r.stated)} {unit(r.indicator)} | "
                         f"{label('check.col.computed')}: {format_number(r.computed)} | {verdict}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks), differs
