"""The explorer's output as HTML strings: a chart (inline SVG), a table, the sources, a header.

Drawn by hand as SVG rather than with matplotlib: a matplotlib chart costs about 70 ms to
draw and encode, more than the whole re-draw may take once several indicators are shown;
an SVG of a dozen points is a string built in well under a millisecond, stays sharp at any
zoom and renders the same in JupyterLab, VS Code, classic Notebook and an exported page.
The notation is the reports' (``charts.py``): this year solid dark, the year compared with
grey, plans and targets dashed and outlined, a month with no report marked with a grey ×
and left as a gap in the line. Every text from the data is HTML-escaped.
"""
from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from sokhcn_analytics.core import catalog
from sokhcn_analytics.analysis.tables import cell_text
from sokhcn_analytics.core.vnformat import format_number, format_period

COLORS = {"this_year": "#1f5a96", "compare": "#9fbcd9", "plan": "#222222", "gap": "#9e9e9e",
          "mark": "#b00020", "grid": "#e3e3e3", "text": "#333333", "muted": "#666666"}
WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 64, 14, 52, 26
STYLE = """<style>
.sokhcn-explorer-out table.sokhcn-table{border-collapse:collapse;font-size:13px;margin:4px 0 14px}
.sokhcn-explorer-out table.sokhcn-table th,
.sokhcn-explorer-out table.sokhcn-table td{padding:2px 8px;border-bottom:1px solid #ddd}
.sokhcn-explorer-out td.num{text-align:right;font-variant-numeric:tabular-nums}
.sokhcn-explorer-out tr.sel td{background:#fff4c2}
.sokhcn-explorer-out .sokhcn-caption{font-weight:bold;margin:10px 0 2px}
.sokhcn-explorer-out .sokhcn-banner{background:#b00020;color:#fff;padding:4px 8px;font-weight:bold}
.sokhcn-explorer-out .sokhcn-msg{background:#fdecea;border-left:4px solid #b00020;padding:6px 10px}
</style>"""


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def label(key: str, lang: str, **fields) -> str:
    return catalog.label(key, lang, **fields)


# ---------------------------------------------------------------- header and messages

def header_html(org_name: str, illustrative: bool, lang: str) -> str:
    banner = f'<div class="sokhcn-banner" role="note">{esc(label("illustrative.banner", lang))}</div>' \
        if illustrative else ""
    return f'{STYLE}<div class="sokhcn-explorer-out sokhcn-explorer-head"><b>{esc(org_name)}</b>{banner}</div>'


def message_html(messages) -> str:
    if not messages:
        return ""
    return "".join(f'<div class="sokhcn-explorer-out"><p class="sokhcn-msg" role="alert">{esc(m)}</p></div>'
                   for m in messages)


# ---------------------------------------------------------------- chart

def chart_svg(frame: pd.DataFrame, code: str, year: int, compare_year, view: str, lang: str,
              illustrative: bool) -> str:
    """One indicator's chart: 12 months of ``year`` against ``compare_year`` (and plan/target columns)."""
    name = catalog.name(code, lang)
    key = f"explorer.title.{view}_stock" if view != "monthly" and catalog.is_stock(code) else f"explorer.title.{view}"
    title = label(key, lang, name=name)
    value = frame["value"].to_numpy("float64")
    other = frame["value_compare"].to_numpy("float64")
    extra = [(c, frame[c].to_numpy("float64")) for c in ("plan", "target", "expected") if c in frame.columns]
    lo, hi, ticks = _scale([value, other, *[v for _, v in extra]])
    x = LEFT + (np.arange(12) + 0.5) * (WIDTH - LEFT - RIGHT) / 12

    def y(v):
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (v - lo) / (hi - lo))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sokhcn-explorer-chart" width="{WIDTH}" '
             f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{esc(title)}" '
             f'data-indicator="{esc(code)}" data-view="{esc(view)}" data-year="{int(year)}" '
             f'font-family="DejaVu Sans, Arial, sans-serif" font-size="11">',
             f'<text x="4" y="15" font-size="13" font-weight="bold" fill="{COLORS["text"]}">{esc(title)}</text>',
             f'<text x="4" y="30" fill="{COLORS["muted"]}">{esc(catalog.unit(code, lang, default=""))}</text>']
    if illustrative:
        parts.append(f'<text x="{WIDTH - 4}" y="15" text-anchor="end" font-weight="bold" '
                     f'fill="{COLORS["mark"]}">{esc(label("illustrative.mark", lang).upper())}</text>')
    for t in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
                     f'stroke="{COLORS["grid"]}"/>'
                     f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" text-anchor="end" fill="{COLORS["muted"]}">'
                     f'{esc(format_number(t))}</text>')
    for i, xi in enumerate(x):
        parts.append(f'<text x="{xi:.1f}" y="{HEIGHT - 8}" text-anchor="middle" fill="{COLORS["muted"]}">'
                     f'{esc(label("chart.month_tick", lang, month=i + 1))}</text>')
    legend = []
    if compare_year is not None and np.isfinite(other).any():  # a year without data draws nothing
        parts.append(_line(x, other, y, COLORS["compare"], 2, "compare"))
        legend.append((label("chart.year", lang, year=compare_year), COLORS["compare"], ""))
    parts.append(_line(x, value, y, COLORS["this_year"], 2.5, "value"))
    legend.insert(0, (label("chart.year", lang, year=year), COLORS["this_year"], ""))
    for col, values in extra:
        dash = "6 3" if col != "expected" else "2 3"
        parts.append(_line(x, values, y, COLORS["plan"], 1.5, col, dash=dash, hollow=True))
        legend.append((label(f"explorer.col.{col}", lang), COLORS["plan"], dash))
    gaps = _gaps(value)
    if len(gaps):
        base = y(max(lo, 0.0))
        parts.extend(f'<text x="{x[i]:.1f}" y="{base + 4:.1f}" text-anchor="middle" font-size="13" '
                     f'fill="{COLORS["gap"]}" class="gap">×</text>' for i in gaps)
        legend.append((label("explorer.gap", lang), COLORS["gap"], "gap"))
    parts.append(_legend(legend))
    parts.append("</svg>")
    return "".join(parts)


def _scale(arrays) -> tuple[float, float, list[float]]:
    """A nice axis from 0 (or below, for negatives) to above the largest value."""
    values = np.concatenate([np.asarray(a, dtype="float64") for a in arrays])
    values = values[np.isfinite(values)]
    top = float(values.max()) if len(values) else 1.0
    bottom = min(0.0, float(values.min())) if len(values) else 0.0
    span = (top - bottom) or abs(top) or 1.0
    raw = span / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    lo = math.floor(bottom / step) * step
    hi = max(math.ceil(top / step) * step, lo + step)
    ticks = [lo + i * step for i in range(int(round((hi - lo) / step)) + 1)]
    return lo, hi, ticks


def _line(x, values, y, color, width, css, dash="", hollow=False) -> str:
    """A polyline broken at every NaN (a gap stays a gap), with a dot on each point."""
    segments, current = [], []
    for xi, v in zip(x, values):
        if np.isfinite(v):
            current.append(f"{xi:.1f},{y(v):.1f}")
        elif current:
            segments.append(current)
            current = []
    if current:
        segments.append(current)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    out = [f'<g class="{css}">']
    out.extend(f'<polyline points="{" ".join(s)}" fill="none" stroke="{color}" stroke-width="{width}"{dash_attr}/>'
               for s in segments if len(s) > 1)
    fill = "#ffffff" if hollow else color
    out.extend(f'<circle cx="{xi:.1f}" cy="{y(v):.1f}" r="3.2" fill="{fill}" stroke="{color}" stroke-width="1.5"/>'
               for xi, v in zip(x, values) if np.isfinite(v))
    out.append("</g>")
    return "".join(out)


def _gaps(values) -> np.ndarray:
    """Months with no value before the last one reported (later months are simply not there yet)."""
    seen = np.flatnonzero(np.isfinite(values))
    if not len(seen):
        return seen
    return np.array([i for i in range(seen[-1]) if not np.isfinite(values[i])], dtype=int)


def _legend(items) -> str:
    out, xpos = ['<g class="legend">'], 4
    for text, color, style in items:
        if style == "gap":
            out.append(f'<text x="{xpos + 8}" y="46" text-anchor="middle" font-size="13" fill="{color}">×</text>')
        else:
            dash = f' stroke-dasharray="{style}"' if style else ""
            out.append(f'<line x1="{xpos}" x2="{xpos + 18}" y1="42" y2="42" stroke="{color}" '
                       f'stroke-width="2.5"{dash}/>')
        out.append(f'<text x="{xpos + 22}" y="46" fill="{COLORS["text"]}">{esc(text)}</text>')
        xpos += 30 + 7 * len(text)
    out.append("</g>")
    return "".join(out)


# ---------------------------------------------------------------- table

def table_columns(year: int, compare_year, view: str, extra, lang: str) -> dict:
    """Display heading of every numeric column of a view frame, in order."""
    cols = {"value": label("explorer.col.year", lang, year=year)}
    if compare_year is not None:
        cols["value_compare"] = label("explorer.col.year", lang, year=compare_year)
        cols["change"] = label("explorer.col.change", lang)
        cols["change_pct"] = label("explorer.col.change_pct", lang)
    if view != "monthly":
        cols["months"] = label("explorer.col.months", lang)
    for col in extra:
        cols[col] = label(f"explorer.col.{col}", lang)
    return cols


def table_html(frame: pd.DataFrame, code: str, year: int, compare_year, view: str, lang: str,
               selected_month: int | None = None) -> str:
    """One indicator's 12 months as a table, numbers written the Vietnamese way."""
    extra = [c for c in ("plan", "target", "expected") if c in frame.columns]
    cols = table_columns(year, compare_year, view, extra, lang)
    head = "".join(f"<th>{esc(h)}</th>" for h in [label("explorer.col.month", lang), *cols.values()])
    rows = []
    for rec in frame.to_dict("records"):
        sel = ' class="sel"' if selected_month == rec["month"] else ""
        cells = "".join(f'<td class="num">{esc(_text(c, rec[c]))}</td>' for c in cols)
        rows.append(f'<tr{sel} data-month="{int(rec["month"])}"><td>{esc(format_period(rec["period"], lang))}</td>'
                    f"{cells}</tr>")
    caption = f'{catalog.name(code, lang)} ({catalog.unit(code, lang, default="")})' if catalog.unit(code, lang, default="") else catalog.name(code, lang)
    return (f'<div class="sokhcn-caption">{esc(caption)}</div>'
            f'<table class="sokhcn-table" data-indicator="{esc(code)}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _text(col: str, value) -> str:
    if col in ("months",):
        return str(int(value))
    return cell_text(col, value, "vi")


# ---------------------------------------------------------------- sources

def source_columns(lang: str) -> dict:
    return {"period": label("report.col.month", lang), "indicator": label("explorer.indicators", lang),
            "kind": label("report.col.kind", lang), "value": label("report.col.value", lang),
            "source_file": label("report.col.file", lang), "source_ref": label("report.col.where", lang),
            "reviewed": label("explorer.col.reviewed", lang)}


def source_rows(sources: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The sources frame with Vietnamese headings and words (numbers stay numbers)."""
    out = pd.DataFrame({
        "period": [format_period(p, lang) for p in sources["period"]],
        "indicator": [catalog.name(c, lang) for c in sources["indicator"]],
        "kind": [label(f"kind.{k}", lang, default=k) for k in sources["kind"]],
        "value": sources["value"].astype("float64"),
        "source_file": sources["source_file"].astype(str),
        "source_ref": sources["source_ref"].astype(str),
        "reviewed": [label("explorer.reviewed.yes" if bool(r) else "explorer.reviewed.no", lang)
                     for r in sources["reviewed"]],
    })
    return out.rename(columns=source_columns(lang))


def sources_html(sources: pd.DataFrame, month: int, year: int, indicators, lang: str) -> str:
    names = ", ".join(catalog.name(c, lang) for c in indicators)
    title = label("explorer.sources.title", lang, month=format_period(f"{int(year):04d}-{int(month):02d}", lang),
                  name=names)
    if sources.empty:
        body = f'<p>{esc(label("explorer.sources.none", lang))}</p>'
    else:
        shown = source_rows(sources, lang)
        value_col = source_columns(lang)["value"]
        shown[value_col] = [format_number(v) for v in shown[value_col]]
        body = shown.to_html(index=False, escape=True, border=0, classes="sokhcn-table sokhcn-sources")
        body = body.replace(f"<td>{esc('—')}</td>", '<td class="num">—</td>')
    return f'<div class="sokhcn-explorer-out"><div class="sokhcn-caption">{esc(title)}</div>{body}</div>'
