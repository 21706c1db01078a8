"""The briefing's pictures as HTML and inline SVG: key-figure cards, sparklines, small multiples.

Vector, tiny and quick: no matplotlib, no image, nothing fetched; a phone scales them to its
width and the PDF keeps them sharp. Lines are drawn in a ``viewBox`` stretched to the box the
CSS gives (``preserveAspectRatio="none"``) with ``vector-effect: non-scaling-stroke``, so they
stay thin at any size; every text is HTML around the SVG, sized by the stylesheet (≥ 8 pt in
print). One notation everywhere (IBCS): this year dark and solid, last year grey, target
outlined; a rise green with ▲ and "+", a fall red with ▼ and "−" — never colour alone. A month
with no report is a gap in the line, never a zero.

Every string that comes from the data is escaped here (``html.escape``).

>>> sparkline([1, 2, None, 4], [1, 1, 1, 1]).startswith('<svg class="sk-spark"')
True
"""
from __future__ import annotations

import html
import math

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.catalog import label
from sokhcn_analytics.core.vnformat import format_number, format_percent, format_share, is_finite

VIEW_W, VIEW_H, PAD = 120.0, 40.0, 3.0


def esc(value) -> str:
    return html.escape(str(value), quote=True)


# ---------------------------------------------------------------- lines

def _path(values, top: float) -> str:
    """An SVG path through ``values`` (scaled to ``top``); a gap where a value is missing.

    A month alone between gaps is a zero-length segment: its round cap draws a dot.
    """
    n = len(values)
    step = (VIEW_W - 2 * PAD) / max(n - 1, 1)
    parts, pen_down = [], False
    for i, v in enumerate(values):
        if not is_finite(v):
            pen_down = False
            continue
        x = PAD + i * step
        y = VIEW_H - PAD - (float(v) / top * (VIEW_H - 2 * PAD) if top > 0 else 0.0)
        if pen_down:
            parts.append(f"L{x:.1f} {y:.1f}")
        else:
            parts.append(f"M{x:.1f} {y:.1f}l0 0")
            pen_down = True
    return "".join(parts)


def _top(*series) -> float:
    values = [float(v) for s in series for v in s if is_finite(v)]
    return max(values) if values and max(values) > 0 else 1.0


def sparkline(this, last=(), css: str = "sk-spark", title: str = "") -> str:
    """A line of ``this`` (dark) over ``last`` (grey), both on one scale starting at zero."""
    top = _top(this, last)
    lines = []
    if any(is_finite(v) for v in last):
        lines.append(f'<path class="sk-last" d="{_path(list(last), top)}"/>')
    lines.append(f'<path class="sk-this" d="{_path(list(this), top)}"/>')
    return (f'<svg class="{esc(css)}" viewBox="0 0 {VIEW_W:.0f} {VIEW_H:.0f}" preserveAspectRatio="none" '
            f'role="img" aria-label="{esc(title)}"><line class="sk-base" x1="0" y1="{VIEW_H - PAD}" '
            f'x2="{VIEW_W:.0f}" y2="{VIEW_H - PAD}"/>{"".join(lines)}</svg>')


# ---------------------------------------------------------------- changes

def change(value_pct, lang: str = "vi") -> str:
    """A signed change with its arrow and class: ``▲ +12,5 %`` (green), ``▼ −3 %`` (red), ``—``."""
    if not is_finite(value_pct):
        return '<span class="sk-chg sk-none">—</span>'
    v = float(value_pct)
    css, arrow = ("sk-up", "▲") if v > 0.05 else ("sk-down", "▼") if v < -0.05 else ("sk-flat", "►")
    text = format_percent(v, signed=True, lang=lang).replace("-", "−")
    return f'<span class="sk-chg {css}">{arrow} {esc(text)}</span>'


# ---------------------------------------------------------------- cards

def card(code: str, row, hist, lang: str = "vi") -> str:
    """One key-figure card: value, changes, year to date, target progress, sparkline, source."""
    name, unit = catalog.name(code, lang), catalog.unit(code, lang)
    if is_finite(row["change_prev_month_pct"]) or is_finite(row["change_pct"]):
        deltas = (f'<li>{change(row["change_prev_month_pct"], lang)} {esc(label("briefing.vs_prev_month", lang))}</li>'
                  f'<li>{change(row["change_pct"], lang)} {esc(label("briefing.vs_prev_year", lang))}</li>')
    else:
        deltas = f'<li>{esc(label("briefing.no_change_base", lang))}</li>'
    ytd = esc(label("briefing.ytd", lang, ytd=f"{format_number(row['ytd'], lang=lang)} {unit}"))
    if is_finite(row["ytd_change_pct"]):
        ytd += f' · {change(row["ytd_change_pct"], lang)}'
    parts = [f'<h3 class="sk-card-name">{esc(name)}</h3>',
             f'<p class="sk-card-value"><span class="sk-v">{esc(format_number(row["value"], lang=lang))}</span> '
             f'<span class="sk-u">{esc(unit)}</span></p>',
             f'<ul class="sk-deltas">{deltas}</ul>', f'<p class="sk-ytd">{ytd}</p>']
    if is_finite(row["target"]) and is_finite(row["pct_of_target"]):
        parts.append(_progress(row["pct_of_target"], row["elapsed_pct"], lang))
    if sum(is_finite(v) for v in [*hist["this"], *hist["last"]]) >= 2:  # one dot is not a line
        parts.append(sparkline(hist["this"], hist["last"], title=label("briefing.legend", lang)))
    parts.append(f'<p class="sk-src">{esc(_source(row))}</p>')
    return f'<article class="sk-card" data-indicator="{esc(code)}">{"".join(parts)}</article>'


def _progress(got, elapsed, lang) -> str:
    text = label("briefing.target_progress", lang, pct=format_share(got, lang), elapsed=format_share(elapsed, lang))
    width = max(0.0, min(float(got), 100.0))
    return (f'<div class="sk-progress" role="img" aria-label="{esc(text)}">'
            f'<span class="sk-bar" style="width:{width:.1f}%"></span>'
            f'<span class="sk-tick" style="left:{max(0.0, min(float(elapsed), 100.0)):.1f}%"></span></div>'
            f'<p class="sk-progress-label">{esc(text)}</p>')


def _source(row) -> str:
    from sokhcn_analytics.analysis.plausibility import cell_of

    file = str(row.get("source_file") or "").rsplit("/", 1)[-1]
    cell = cell_of(str(row.get("source_ref") or ""))
    cell = cell if len(cell) <= 60 else cell[:59] + "…"
    return " ".join(x for x in (file, cell) if x)


def cards(table, histories: dict, lang: str = "vi") -> str:
    """The grid of cards for the rows of :func:`sokhcn_analytics.analysis.briefing.cards`."""
    items = "".join(card(code, table.loc[code], histories[code], lang) for code in table.index)
    return f'<section class="sk-cards" aria-label="{esc(label("briefing.key_figures", lang))}">{items}</section>'


# ---------------------------------------------------------------- small multiples

def panel(code: str, this, last, *, caption: str = "", lang: str = "vi") -> str:
    """One small multiple: the indicator's months this year (dark) and last year (grey)."""
    name, unit = catalog.name(code, lang), catalog.unit(code, lang)
    top = _top(this, last)
    ticks = "".join(f"<span>{esc(label('chart.month_tick', lang, month=m))}</span>" for m in (1, 6, 12))
    return (f'<figure class="sk-panel" data-indicator="{esc(code)}"><figcaption>'
            f'<span class="sk-panel-name">{esc(name)}</span>'
            f'{"<br>" + caption if caption else f" <span class=sk-panel-unit>({esc(unit)})</span>"}</figcaption>'
            f'<div class="sk-panel-plot"><span class="sk-panel-top">{esc(format_number(top, lang=lang))}</span>'
            f'{sparkline(this, last, css="sk-panel-svg", title=name)}</div>'
            f'<div class="sk-panel-ticks">{ticks}</div></figure>')


def small_multiples(panels: list[str], legend: str = "", title: str = "") -> str:
    head = f'<h3 class="sk-group">{esc(title)}</h3>' if title else ""
    note = f'<p class="sk-legend">{esc(legend)}</p>' if legend else ""
    return f'{head}{note}<div class="sk-multiples">{"".join(panels)}</div>'


# ---------------------------------------------------------------- sentences

def points(items, lang: str = "vi") -> str:
    """The main points as a list (each item's text escaped)."""
    lis = "".join(f'<li class="sk-point sk-point-{esc(p.kind)}">{esc(p.text)}</li>' for p in items)
    return (f'<section class="sk-points"><h2 class="sk-h">{esc(label("briefing.main_points", lang))}</h2>'
            f'<ul>{lis}</ul></section>')


def missing_line(items: list[str], lang: str = "vi") -> str:
    if not items:
        return ""
    return f'<p class="sk-missing">{esc(label("briefing.missing", lang, items=", ".join(items)))}</p>'


def sources(table, lang: str = "vi") -> str:
    """The figures' sources (the rows of :func:`sokhcn_analytics.analysis.tables.sources`), grouped by file:
    each figure with its cell or quote, in two columns on paper."""
    cols = list(table.columns)  # indicator, kind, value, file, where
    blocks = []
    for file, rows in table.groupby(cols[3], sort=False):
        where = [str(w) for w in rows[cols[4]]]
        notes = {w.partition(" — ")[2] for w in where}
        shared = notes.pop() if len(notes) == 1 and len(where) > 1 else ""  # one note for every row: said once
        if shared:
            where = [w.partition(" — ")[0] for w in where]
        items = "".join(f'<li><span class="sk-src-name">{esc(r[cols[0]])}</span> ({esc(str(r[cols[1]]).lower())}): '
                        f'<b>{esc(r[cols[2]])}</b> — {esc(w)}</li>' for (_, r), w in zip(rows.iterrows(), where))
        note = f' <span class="sk-src-name">— {esc(shared)}</span>' if shared else ""
        blocks.append(f'<p class="sk-src-file">{esc(file)}{note}</p><ul class="sk-src-list">{items}</ul>')
    return f'<div class="sk-sources">{"".join(blocks)}</div>'
