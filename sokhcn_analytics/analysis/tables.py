"""Report tables: the analysis results as display strings with Vietnamese headings.

Numbers come from :mod:`sokhcn_analytics.analysis.measures` and are formatted here by
:func:`format_table` / :mod:`~sokhcn_analytics.core.vnformat`;
headings from ``labels.csv``. Cells stay raw text: escaping happens when they are shown
(:func:`sokhcn_analytics.reports.present.table`).

>>> key_figures(df, "2021-01", org="minh-hoa")      # doctest: +SKIP
"""
from __future__ import annotations

import math

import pandas as pd

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.catalog import label
from sokhcn_analytics.core.model import months_only, parse_period, period as make_period, shift_period
from sokhcn_analytics.core.vnformat import format_number, format_percent, format_period


def _name_unit(codes, lang):
    return ([catalog.name(c, lang) for c in codes], [catalog.unit(c, lang, default="") for c in codes])


# ---------------------------------------------------------------------------
# any analysis result as display strings
# ---------------------------------------------------------------------------

_PCT_COLUMNS = {"change_pct", "ytd_change_pct", "pct_of_target", "expected_pct", "pct_done"}
_SIGNED = {"change", "ytd_change", "change_pct", "ytd_change_pct", "difference"}


def format_table(table, lang: str = "vi") -> pd.DataFrame:
    """A result of :func:`~sokhcn_analytics.analysis.measures.ytd`, :func:`~sokhcn_analytics.analysis.measures.yoy`,
    :func:`~sokhcn_analytics.analysis.measures.plan_vs_actual`, :func:`~sokhcn_analytics.analysis.measures.plan_followup` or
    :func:`~sokhcn_analytics.analysis.measures.task_pipeline` (its ``counts``) as a table of display strings for
    leadership: indicator names and units from the catalog, column headings from ``labels.csv`` (keys
    ``analysis.col.*``), numbers like ``1.234,5``, percentages like ``12,5 %``, missing as "—", statuses
    in words.

    >>> import pandas as pd
    >>> from sokhcn_analytics.analysis.measures import yoy
    >>> from sokhcn_analytics.core.model import normalize_indicators
    >>> df = normalize_indicators(pd.DataFrame({
    ...     "org": "x", "period": ["2020-01", "2021-01"], "indicator": "mushroom_spawn_kg",
    ...     "value": [1000.0, 1250.5], "kind": "result"}))
    >>> format_table(yoy(df, "2021-01")).iloc[0, :3].tolist()
    ['Giống nấm sản xuất', 'kg', '1.250,5']
    """
    from sokhcn_analytics.analysis.measures import TaskPipeline

    if isinstance(table, TaskPipeline):
        table = table.counts
    if isinstance(table, pd.Series):
        table = table.to_frame(table.name or "value")
    if "level" in table.index.names:
        return _format_counts(table, lang)
    table = table.drop(columns=[c for c in ("months", "months_prev_year") if c in table.columns])
    flat = table.reset_index()
    out = pd.DataFrame(index=flat.index)
    if "org" in flat.columns:
        out[_col("org", lang)] = [catalog.org_name(o, lang) for o in flat["org"]]
    if "indicator" in flat.columns:
        out[_col("indicator", lang)] = [catalog.name(c, lang) for c in flat["indicator"]]
        out[_col("unit", lang)] = [catalog.unit(c, lang, default="") for c in flat["indicator"]]
    for col in table.columns:
        out[_col(col, lang)] = [cell_text(col, v, lang) for v in flat[col]]
    return out


def _format_counts(counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Task counts (level × status): labelled rows and columns, a total column."""
    flat = counts.reset_index()
    out = pd.DataFrame(index=flat.index)
    if "org" in flat.columns:
        out[_col("org", lang)] = [catalog.org_name(o, lang) for o in flat["org"]]
    out[_col("level", lang)] = [catalog.label(f"level.{lv}", lang, default=lv) for lv in flat["level"]]
    for status in counts.columns:
        out[catalog.label(f"status.{status}", lang, default=status)] = [format_number(v, lang=lang) for v in flat[status]]
    out[_col("total", lang)] = [format_number(v, lang=lang) for v in counts.sum(axis=1).to_numpy()]
    return out


def _col(name: str, lang: str) -> str:
    return catalog.label(f"analysis.col.{name}", lang, default=name)


def cell_text(col: str, value, lang: str) -> str:
    """One cell of a formatted table as the reader sees it (status names, ✓/✗, numbers)."""
    if col == "status":
        return catalog.label(f"analysis.status.{value}", lang) if isinstance(value, str) else "—"
    if col == "on_track":
        if value is pd.NA or value is None or (isinstance(value, float) and math.isnan(value)):
            return catalog.label("missing", lang)
        return catalog.label("analysis.on_track.yes" if value else "analysis.on_track.no", lang)
    if col == "target_period":
        return format_period(value, lang) if isinstance(value, str) and value else "—"
    if col in _PCT_COLUMNS:
        return format_percent(value, signed=col in _SIGNED, lang=lang)
    text = format_number(value, lang=lang)
    if col in _SIGNED and text != "—" and not text.startswith("-") and float(value) > 0:
        text = "+" + text
    return text


# ---------------------------------------------------------------------------
# the report's tables
# ---------------------------------------------------------------------------


def key_figures(df, period: str, org: str, lang: str = "vi") -> pd.DataFrame:
    """This month beside last month, the same month last year and the year to date.

    One row per indicator with a result this month, in catalog order.
    """
    from sokhcn_analytics.analysis.measures import yoy

    now = yoy(df, period, org=org)
    now = now[now["value"].notna()]
    last = yoy(df, shift_period(period, -1), org=org)["value"].reindex(now.index)
    shown = format_table(now[["value", "value_prev_year", "change_pct", "ytd", "ytd_prev_year", "ytd_change_pct"]],
                         lang)
    prev_col = label("report.col.prev_month", lang)
    shown.insert(3, prev_col, [format_number(v, lang=lang) for v in last])
    change = (now["value"] - last) / last.abs() * 100
    change = change.where(last.notna() & (last != 0))
    shown.insert(4, label("report.col.change_prev_month", lang),
                 [format_percent(v, signed=True, lang=lang) for v in change])
    return shown


def targets(df, year: int, through: str, org: str, lang: str = "vi") -> pd.DataFrame:
    from sokhcn_analytics.analysis.measures import plan_vs_actual

    t = plan_vs_actual(df, int(year), through, org=org)
    return format_table(t[["target", "actual", "pct_of_target", "expected_pct", "on_track"]], lang)


def followup(df, period: str, org: str, lang: str = "vi") -> pd.DataFrame:
    """What was planned for ``period`` (in last month's report) beside what was done."""
    from sokhcn_analytics.analysis.measures import plan_followup

    return format_table(plan_followup(df, period, org=org), lang)


def next_plans(df, period: str, org: str, lang: str = "vi") -> pd.DataFrame:
    """The plan stated this month for next month (stored with next month's period)."""
    nxt = shift_period(period, 1)
    df = months_only(df)
    rows = df[(df["org"] == org) & (df["kind"] == "plan") & (df["period"] == nxt)]
    rows = rows.drop_duplicates(["indicator"], keep="last")
    order = {c: i for i, c in enumerate(catalog.codes())}
    rows = rows.assign(_o=rows["indicator"].map(lambda c: order.get(c, 999))).sort_values("_o")
    names, units = _name_unit(rows["indicator"], lang)
    return pd.DataFrame({
        label("analysis.col.indicator", lang): names,
        label("analysis.col.unit", lang): units,
        label("analysis.col.plan", lang) + f" ({format_period(nxt, lang).lower()})":
            [format_number(v, lang=lang) for v in rows["value"]],
    })


def sources(df, period: str, org: str, lang: str = "vi") -> pd.DataFrame:
    """Every figure of the period with its file and cell or quote."""
    df = months_only(df)  # a quarter's or year's figures are shown by reconcile, not as the month's
    rows = df[(df["org"] == org) & (df["period"] == period)]
    order = {c: i for i, c in enumerate(catalog.codes())}
    kinds = {"result": 0, "target": 1, "plan": 2}
    rows = rows.assign(_o=rows["indicator"].map(lambda c: order.get(c, 999)),
                       _k=rows["kind"].map(lambda k: kinds.get(k, 9))).sort_values(["_o", "_k"])
    names, units = _name_unit(rows["indicator"], lang)
    return pd.DataFrame({
        label("analysis.col.indicator", lang): names,
        label("report.col.kind", lang): [_named("kind", k, lang) for k in rows["kind"]],
        label("report.col.value", lang): [f"{format_number(v, lang=lang)} {u}".strip()
                                          for v, u in zip(rows["value"], units)],
        label("report.col.file", lang): list(rows["source_file"].astype(str)),
        label("report.col.where", lang): list(rows["source_ref"].astype(str)),
    })


def _named(prefix: str, value, lang: str) -> str:
    """The label of a kind, status or level (``status.accepted``); the value itself if it has none."""
    return label(f"{prefix}.{value}", lang, default=str(value))


def pipeline_counts(tasks, period: str, org: str, lang: str = "vi") -> pd.DataFrame:
    """Tasks by level (rows) and status (columns) with totals."""
    from sokhcn_analytics.analysis.measures import task_pipeline

    counts = task_pipeline(tasks, period, org=org).counts
    counts = counts.loc[:, counts.sum(axis=0) > 0]
    out = pd.DataFrame({label("report.col.level", lang): [_named("level", lv, lang) for lv in counts.index]})
    for status in counts.columns:
        out[_named("status", status, lang)] = [format_number(v, lang=lang) for v in counts[status]]
    out[label("report.col.total", lang)] = [format_number(v, lang=lang) for v in counts.sum(axis=1)]
    return out


def pipeline_moves(tasks, period: str, org: str, lang: str = "vi") -> pd.DataFrame:
    from sokhcn_analytics.analysis.measures import task_pipeline

    moves = task_pipeline(tasks, period, org=org).moves
    return pd.DataFrame({
        label("report.col.from_status", lang): [_named("status", s, lang) for s in moves["from_status"]],
        label("report.col.to_status", lang): [_named("status", s, lang) for s in moves["to_status"]],
        label("report.col.count", lang): [format_number(v, lang=lang) for v in moves["count"]],
    })


def new_tasks(tasks, period: str, org: str, lang: str = "vi") -> pd.DataFrame:
    from sokhcn_analytics.analysis.measures import task_pipeline

    new = task_pipeline(tasks, period, org=org).new
    return pd.DataFrame({
        label("report.col.task_id", lang): list(new["task_id"].astype(str)),
        label("report.col.task_name", lang): list(new["name"].astype(str)) if "name" in new else [],
        label("report.col.level", lang): [_named("level", v, lang) for v in new["level"]],
        label("report.col.status", lang): [_named("status", v, lang) for v in new["status"]],
    })


def status_history(tasks, year: int, through: str, org: str, lang: str = "vi") -> pd.DataFrame:
    """Number of tasks in each status, month by month of ``year`` up to ``through``."""
    t = tasks[(tasks["org"] == org) & (tasks["period"] >= make_period(int(year), 1)) & (tasks["period"] <= through)]
    t = t.drop_duplicates(["period", "task_id"], keep="last")
    grid = pd.crosstab(t["period"], t["status"])
    from sokhcn_analytics.core.model import STATUSES

    cols = [s for s in STATUSES if s in grid.columns] + sorted(set(grid.columns) - set(STATUSES))
    grid = grid.reindex(columns=cols)
    out = pd.DataFrame({label("report.col.month", lang): [format_period(p, lang) for p in grid.index]})
    for s in cols:
        out[_named("status", s, lang)] = [format_number(v, lang=lang) for v in grid[s]]
    out[label("report.col.total", lang)] = [format_number(v, lang=lang) for v in grid.sum(axis=1)]
    return out


def months_by_category(df, year: int, through: str, category: str, org: str, lang: str = "vi") -> pd.DataFrame:
    """Month by month this year and last year for one category's indicators, with YTD and % change."""
    from sokhcn_analytics.analysis.measures import monthly, yoy

    _, month = parse_period(through)
    summary = yoy(df, through, org=org)
    codes = [c for c in catalog.codes() if catalog.indicator(c)["category"] == category and c in summary.index]
    rows = []
    for code in codes:
        for y in (int(year) - 1, int(year)):
            series = monthly(df, code, make_period(y, 1), make_period(y, month), org=org)
            ytd_value = summary.loc[code, "ytd" if y == int(year) else "ytd_prev_year"]
            row = {label("analysis.col.indicator", lang): catalog.name(code, lang),
                   label("analysis.col.unit", lang): catalog.unit(code, lang, default=""),
                   label("report.col.year", lang): str(y)}
            for p, v in series.items():
                row[label("chart.month_tick", lang, month=int(str(p)[5:7]))] = format_number(v, lang=lang)
            row[label("analysis.col.ytd", lang)] = format_number(ytd_value, lang=lang)
            row[label("analysis.col.ytd_change_pct", lang)] = (
                format_percent(summary.loc[code, "ytd_change_pct"], signed=True, lang=lang) if y == int(year) else "")
            rows.append(row)
    return pd.DataFrame(rows)


def categories_with_data(df, year: int, through: str, org: str) -> list[str]:
    from sokhcn_analytics.analysis.measures import yoy

    have = set(yoy(df, through, org=org).index)
    cats = []
    for code in catalog.codes():
        cat = catalog.indicator(code)["category"]
        if code in have and cat not in cats:
            cats.append(cat)
    return cats


def disagreements(df, period: str, org: str, lang: str = "vi") -> pd.DataFrame:
    """Quarter, half-year, nine-month or year figures of this year (through ``period``) that the
    months do not add up to: stated, computed from the months, difference, and where it was stated."""
    from sokhcn_analytics.analysis.reconcile import disagreements as find

    rows = find(df, org=org)
    rows = rows[(rows["period"].str[:4] == period[:4]) & (rows["period"] <= period)]
    names, units = _name_unit(rows["indicator"], lang)
    return pd.DataFrame({
        label("analysis.col.indicator", lang): names,
        label("analysis.col.unit", lang): units,
        label("briefing.col.span", lang): [label("briefing.span_through", lang, span=int(s),
                                                 month=format_period(p, lang).lower())
                                           for s, p in zip(rows["span"], rows["period"])],
        label("briefing.col.stated", lang): [format_number(v) for v in rows["stated"]],
        label("briefing.col.computed", lang): [format_number(v) for v in rows["computed"]],
        label("analysis.col.difference", lang): [format_number(v) for v in rows["difference"]],
        label("report.col.where", lang): [f"{str(f).rsplit('/', 1)[-1]} {q}".strip()
                                          for f, q in zip(rows["source_file"], rows["quote"])],
    })
