"""Charts for leadership reports: trend, year to date, progress to target, task pipeline.

One style for all charts (``STYLE``, ``COLORS``, in :mod:`~sokhcn_analytics.plots.layout`).
Every function returns a :class:`matplotlib.figure.Figure` built with the object-oriented
API — no pyplot, no
change to ``matplotlib.rcParams`` is left behind (the style is applied with
``rc_context`` while the figure is built, and again whenever it is drawn or saved).
Axes are placed by a fixed layout measured from their labels, not by a layout engine.
Words come from the indicator catalog and ``labels.csv`` (``lang="vi"`` by default,
``"en"`` on request); DejaVu Sans, shipped with matplotlib, renders every Vietnamese
diacritic.

A chart fed by illustrative rows (``illustrative=True``) carries a visible
"Dữ liệu minh họa" mark; a chart asked to mix illustrative and real rows refuses with
``ValueError``, as does a chart over several orgs without ``org=``.
"""
from __future__ import annotations

import matplotlib
import matplotlib.patches
import matplotlib.ticker
import matplotlib.transforms
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sokhcn_analytics.analysis import measures as analysis

from sokhcn_analytics.core import catalog
from sokhcn_analytics.plots.layout import (COLORS, PAD, STATUS_COLORS, STYLE, chart_rows, check_lang, decorate, empty, finish,
                           fit_texts_right, indicator_title, legend_height, legend_width, new_figure,
                           number_formatter, place, place_single, tick_width)
from sokhcn_analytics.core.model import parse_period, period as make_period
from sokhcn_analytics.core.vnformat import format_number, format_percent, format_period


# ---------------------------------------------------------------------------
# trend
# ---------------------------------------------------------------------------

def trend_chart(df: pd.DataFrame, indicator: str, period: str, org: str | None = None,
                lang: str = "vi") -> Figure:
    """Months January..``period`` of this year with the same months of last year overlaid.

    Flows are grouped bars (last year light, this year dark, labelled); stocks are lines.
    A month with no report has no bar and a small grey "×" on the axis — never a 0 bar.

    >>> from sokhcn_analytics.core.model import normalize_indicators
    >>> df = normalize_indicators(pd.DataFrame({"org": "x", "period": ["2020-01", "2021-01"],
    ...     "indicator": "mushroom_spawn_kg", "value": [200.0, 250.0], "kind": "result"}))
    >>> trend_chart(df, "mushroom_spawn_kg", "2021-01").axes[0].get_title("left")
    'Giống nấm sản xuất theo tháng'
    """
    lang = check_lang(lang)
    rows, org, illustrative = chart_rows(df, org)
    with matplotlib.rc_context(STYLE):
        fig = new_figure(8, 4.2)
        ax = fig.add_subplot()
        _draw_trend(ax, rows, indicator, period, lang)
        head = decorate(fig, org, illustrative, lang)
        place_single(fig, ax, head, right=PAD + 0.1)
        return finish(fig)


def _draw_trend(ax, rows, indicator, period, lang):
    y, m = parse_period(period)
    cur = analysis.monthly(rows, indicator, make_period(y, 1), period).to_numpy(float)
    prev = analysis.monthly(rows, indicator, make_period(y - 1, 1), make_period(y - 1, m)).to_numpy(float)
    x = np.arange(1, m + 1)
    names = (catalog.label("chart.year", lang, year=y - 1), catalog.label("chart.year", lang, year=y))
    if catalog.is_stock(indicator):
        ax.plot(x, prev, marker="o", color=COLORS["prev_year"], linewidth=2, label=names[0])
        ax.plot(x, cur, marker="o", color=COLORS["this_year"], linewidth=2.5, label=names[1])
    else:
        ok_p, ok_c = ~np.isnan(prev), ~np.isnan(cur)  # no bar at all for a month with no report
        ax.bar(x[ok_p] - 0.2, prev[ok_p], 0.4, color=COLORS["prev_year"], label=names[0])
        bars = ax.bar(x[ok_c] + 0.2, cur[ok_c], 0.4, color=COLORS["this_year"], label=names[1])
        ax.bar_label(bars, labels=[format_number(v, lang=lang) for v in cur[ok_c]], padding=2, fontsize=8)
    shift = 0.0 if catalog.is_stock(indicator) else 0.2
    gaps = [xi + off for series, off in ((prev, -shift), (cur, shift)) for xi, v in zip(x, series) if np.isnan(v)]
    if gaps:
        ax.plot(gaps, [0] * len(gaps), linestyle="none", marker="x", color=COLORS["unknown"],
                clip_on=False, label=catalog.label("chart.no_report", lang))
    ax.set_xticks(x, [catalog.label("chart.month_tick", lang, month=i) for i in x])
    ax.set_xlim(0.4, max(m, 6) + 0.6)
    top = np.nanmax(np.concatenate([prev, cur, [0.0]]))
    ax.set_ylim(0, top * 1.2 if top > 0 else 1)
    number_formatter(ax.yaxis, lang)
    ax.set_ylabel(catalog.unit(indicator, lang, default=""))
    ax.set_title(catalog.label("chart.trend.title", lang, name=catalog.name(indicator, lang)))
    handles, labels = ax.get_legend_handles_labels()
    if not catalog.is_stock(indicator):
        # a year without any bar would get matplotlib's default colour in the legend
        swatch = {names[0]: COLORS["prev_year"], names[1]: COLORS["this_year"]}
        handles = [matplotlib.patches.Patch(color=swatch[lab]) if lab in swatch else h
                   for h, lab in zip(handles, labels)]
    ax.legend(handles, labels, loc="upper left", ncols=3, fontsize=9)
    ax.grid(axis="x", visible=False)



# ---------------------------------------------------------------------------
# year to date
# ---------------------------------------------------------------------------

def ytd_chart(df: pd.DataFrame, period: str, indicators=None, org: str | None = None,
              lang: str = "vi") -> Figure:
    """Year to date through ``period`` against the same months of last year, one block each.

    ``indicators``: codes to show (default: the catalog's key indicators that have a value
    in either year). Units differ, so each block has its own scale (the larger of its two
    bars spans the block) and every bar carries its value; stocks show their latest value,
    marked as such. The block's heading is the indicator and unit, with the YTD change
    (``analysis.yoy``'s ``ytd_change_pct``) on the right. One axes holds every block: a
    panel per indicator cost three times as much to draw.

    >>> from sokhcn_analytics.core.model import normalize_indicators
    >>> df = normalize_indicators(pd.DataFrame({"org": "x", "period": ["2020-01", "2021-01"],
    ...     "indicator": "mushroom_spawn_kg", "value": [200.0, 250.0], "kind": "result"}))
    >>> [t.get_text() for t in ytd_chart(df, "2021-01").axes[0].texts][:2]
    ['Giống nấm sản xuất (kg)', '+25,0 %']
    """
    lang = check_lang(lang)
    rows, org, illustrative = chart_rows(df, org)
    table = analysis.yoy(rows, period) if len(rows) else pd.DataFrame(columns=analysis.YOY_COLUMNS)
    codes = _ytd_codes(table, indicators)
    with matplotlib.rc_context(STYLE):
        fig = new_figure(8, 1.1 + 0.85 * max(len(codes), 1))
        ax = fig.add_subplot()
        y, _ = parse_period(period)
        if codes:
            _draw_ytd(ax, table, codes, y, lang)
        else:
            empty(ax, lang)
        head = decorate(fig, org, illustrative, lang,
                         title=catalog.label("chart.ytd.title", lang, period=format_period(period, lang)))
        left = PAD + (tick_width(ax.yaxis) if ax.axison else 0.0)
        place(fig, ax, left, PAD, PAD, head + PAD)
        return finish(fig)


def _ytd_codes(table, indicators):
    if indicators is not None:
        return list(indicators)
    has = table[table["ytd"].notna() | table["ytd_prev_year"].notna()].index.tolist()
    key = [c for c in has if c in catalog.codes() and catalog.indicator(c)["key"]]
    return key or has[:8]


YTD_BLOCK = 3.0  # data units per indicator: heading row, last year's bar, this year's bar, gap


def _draw_ytd(ax, table, codes, year, lang):
    names = [catalog.label("chart.year", lang, year=year - 1), catalog.label("chart.year", lang, year=year)]
    colors = np.array([COLORS["prev_year"], COLORS["this_year"]])
    heading = matplotlib.transforms.blended_transform_factory(ax.transAxes, ax.transData)
    ticks, tick_labels = [], []
    for i, code in enumerate(codes):
        base = (len(codes) - 1 - i) * YTD_BLOCK
        row = table.loc[code] if code in table.index else pd.Series(dtype="float64")
        title = indicator_title(code, lang)
        if catalog.is_stock(code):
            title += f" — {catalog.label('chart.ytd.latest', lang)}"
        ax.text(0, base + 2.05, title, transform=heading, ha="left", va="center", fontsize=10,
                fontweight="bold")
        change = row.get("ytd_change_pct", np.nan)  # analysis.yoy's own figure, as in the tables
        if pd.notna(change):
            color = COLORS["on_track"] if change > 0 else COLORS["behind"] if change < 0 else COLORS["muted"]
            ax.text(1, base + 2.05, format_percent(change, signed=True, lang=lang), transform=heading, ha="right",
                    va="center", fontsize=10, fontweight="bold", color=color)
        values = np.array([row.get("ytd_prev_year", np.nan), row.get("ytd", np.nan)], dtype="float64")
        ypos = np.array([base + 1, base])
        ticks += list(ypos)
        tick_labels += names
        top = np.nanmax(np.append(values, 0.0))
        scale = top if top > 0 else 1.0
        ok = ~np.isnan(values)
        ax.barh(ypos[ok], values[ok] / scale, 0.7, color=colors[ok])
        for yp, v in zip(ypos, values):
            if np.isnan(v):
                ax.text(0, yp, " " + catalog.label("chart.empty", lang), va="center", color=COLORS["muted"],
                        fontsize=9)
            else:
                ax.text(v / scale + 0.01, yp, format_number(v, lang=lang), va="center", fontsize=9)
    ax.set_yticks(ticks, tick_labels)
    ax.set_ylim(-0.6, (len(codes) - 1) * YTD_BLOCK + 2.5)
    ax.set_xlim(0, 1.3)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.grid(False)


# ---------------------------------------------------------------------------
# progress to target
# ---------------------------------------------------------------------------

def target_chart(df: pd.DataFrame, year: int, through, indicators=None, org: str | None = None,
                 lang: str = "vi") -> Figure:
    """Each target's progress as % of the annual target, with the level expected by now.

    Bars are green when on track and red when behind (see
    :func:`sokhcn_analytics.analysis.measures.plan_vs_actual` for how flows and stocks are judged);
    the black tick on each bar is the expected level (pro-rata for flows, 100 % for stocks).

    >>> from sokhcn_analytics.core.model import normalize_indicators
    >>> df = normalize_indicators(pd.DataFrame({"org": "x", "period": ["2021-01", "2021-01"],
    ...     "indicator": "mushroom_spawn_kg", "value": [3000.0, 250.0], "kind": ["target", "result"]}))
    >>> [t.get_text() for t in target_chart(df, 2021, "2021-01").axes[0].get_yticklabels()]
    ['Giống nấm sản xuất']
    """
    lang = check_lang(lang)
    rows, org, illustrative = chart_rows(df, org)
    month = analysis.through_month(int(year), through)
    table = analysis.plan_vs_actual(rows, int(year), month) if len(rows) else pd.DataFrame()
    if indicators is not None:
        table = table.reindex([c for c in indicators if c in table.index])
    with matplotlib.rc_context(STYLE):
        fig = new_figure(9, 1.8 + 0.5 * max(len(table), 2))
        ax = fig.add_subplot()
        if len(table):
            _draw_targets(ax, table, lang)
        else:
            empty(ax, lang)
        # a figure title: the long indicator names push the axes far right
        head = decorate(fig, org, illustrative, lang, title=catalog.label(
            "chart.target.title", lang, year=int(year), period=format_period(make_period(int(year), month), lang)))
        legend = fig.legends[0] if fig.legends else None
        place_single(fig, ax, head, right=PAD + 0.25, bottom_extra=legend_height(legend) if legend else 0.0)
        fit_texts_right(fig, ax)
        return finish(fig)


def _draw_targets(ax, table, lang):
    n = len(table)
    ypos = np.arange(n)[::-1]
    pct = table["pct_of_target"].to_numpy(float)
    colors = [COLORS["unknown"] if pd.isna(o) else COLORS["on_track"] if o else COLORS["behind"]
              for o in table["on_track"]]
    ax.barh(ypos, np.nan_to_num(pct, nan=0.0), 0.6, color=colors)
    ax.vlines(table["expected_pct"].to_numpy(float), ypos - 0.4, ypos + 0.4, color=COLORS["expected"],
              linewidth=2, label=catalog.label("chart.target.expected", lang))
    for yp, (code, row) in zip(ypos, table.iterrows()):
        actual, target = format_number(row["actual"], lang=lang), format_number(row["target"], lang=lang)
        text = (f" {actual} / {target} {catalog.unit(code, lang, default='')}"
                f"  ({format_percent(row['pct_of_target'], lang=lang)})")
        ax.text(max(np.nan_to_num(row["pct_of_target"], nan=0.0), row["expected_pct"]) + 1, yp, text,
                va="center", fontsize=8.5)
    ax.set_yticks(ypos, [catalog.name(c, lang) for c in table.index])
    ax.set_xlim(0, max(100.0, np.nanmax(np.append(pct, 0))) * 1.5)
    ax.axvline(100, color=COLORS["muted"], linewidth=0.8, linestyle="--")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: format_percent(v, 0, lang=lang)))
    ax.set_xlabel(catalog.label("chart.target.xlabel", lang))
    handles = [matplotlib.patches.Patch(color=COLORS["on_track"], label=catalog.label("analysis.on_track.yes", lang)),
               matplotlib.patches.Patch(color=COLORS["behind"], label=catalog.label("analysis.on_track.no", lang))]
    handles.append(ax.get_legend_handles_labels()[0][0])
    ax.figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=8.5)
    ax.grid(axis="y", visible=False)


# ---------------------------------------------------------------------------
# task pipeline
# ---------------------------------------------------------------------------

def pipeline_chart(tasks: pd.DataFrame, period: str, org: str | None = None, lang: str = "vi") -> Figure:
    """Tasks at ``period`` as stacked bars: one bar per level, stacked by status.

    No register for that org and month → a chart saying "Không có số liệu".

    >>> from sokhcn_analytics.core.model import normalize_tasks
    >>> t = normalize_tasks(pd.DataFrame({"org": "x", "period": "2021-01", "task_id": ["A", "B"],
    ...     "level": "provincial", "status": ["approved", "in_progress"]}))
    >>> pipeline_chart(t, "2021-01").axes[0].get_xticklabels()[0].get_text()
    'Cấp tỉnh'
    """
    lang = check_lang(lang)
    rows, org, illustrative = chart_rows(tasks, org, what="task")
    has_register = len(rows) and (rows["period"].astype(str) == period).any()
    counts = analysis.task_pipeline(rows, period).counts if has_register else pd.DataFrame()
    with matplotlib.rc_context(STYLE):
        fig = new_figure(8, 4.5)
        ax = fig.add_subplot()
        ax.set_title(catalog.label("chart.pipeline.title", lang, period=format_period(period, lang)))
        if len(counts) and counts.to_numpy().sum() > 0:
            _draw_pipeline(ax, counts, lang)
        else:
            empty(ax, lang)
        head = decorate(fig, org, illustrative, lang)
        legend = ax.get_legend()
        place_single(fig, ax, head, right=PAD + (legend_width(legend) if legend else 0.1))
        return finish(fig)


def _draw_pipeline(ax, counts, lang):
    x = np.arange(len(counts))
    bottom = np.zeros(len(counts))
    tallest = max(float(counts.to_numpy().sum(axis=1).max()), 1.0)
    for status in counts.columns:
        values = counts[status].to_numpy(float)
        if values.sum() == 0:
            continue
        bars = ax.bar(x, values, 0.6, bottom=bottom, color=STATUS_COLORS.get(status, COLORS["unknown"]),
                      label=catalog.label(f"status.{status}", lang, default=status), edgecolor="white", linewidth=0.5)
        # a number only where the segment is tall enough to hold it
        ax.bar_label(bars, labels=[format_number(v, lang=lang) if v >= 0.05 * tallest else "" for v in values],
                     label_type="center", fontsize=8)
        bottom += values
    for xi, total in zip(x, bottom):
        ax.text(xi, total, format_number(total, lang=lang), ha="center", va="bottom", fontweight="bold")
    ax.set_xticks(x, [catalog.label(f"level.{lv}", lang, default=lv) for lv in counts.index])
    ax.set_ylim(0, max(bottom.max(), 1) * 1.15)
    ax.set_ylabel(catalog.label("chart.pipeline.ylabel", lang))
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    handles, labels = ax.get_legend_handles_labels()  # top of the legend = top of the stack
    ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    ax.grid(axis="x", visible=False)


