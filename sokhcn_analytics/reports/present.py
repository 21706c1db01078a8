"""Showing the analysis in a notebook: headings, tables, charts, banner, sources and footer.

The notebooks call these and stay thin. Everything is emitted as HTML outputs, so the same
cells read well in JupyterLab and in the exported report (``export.py`` adds the table of
contents into the slot :func:`page` leaves). Every value that comes from the data is
HTML-escaped here (``html.escape``, ``DataFrame.to_html(escape=True)``).

A notebook says ``from sokhcn_analytics.reports import present as p`` and then
``p.page("nb.monthly.title", df, org="minh-hoa", period="2021-03")``.
"""
from __future__ import annotations

import base64
import html
import io
import re
import sys
from datetime import datetime

from sokhcn_analytics.core.catalog import label, org_name  # noqa: F401 (org_name: the notebooks call p.org_name)
from sokhcn_analytics.core.compat import suptitle
from sokhcn_analytics.reports.export import BRIEFING_META_KEY, PAGE_META_KEY
from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, REAL_ORG

_section_ids: dict[str, int] = {}


# ---------------------------------------------------------------- output

def show_html(markup: str, metadata: dict | None = None) -> None:
    """Display raw HTML as a notebook output (plain text fallback for terminals)."""
    from IPython.display import display

    text = re.sub(r"<[^>]+>", " ", markup)
    display({"text/html": markup, "text/plain": " ".join(text.split())}, raw=True, metadata=metadata or {})


def esc(value) -> str:
    return html.escape(str(value), quote=True)


# ---------------------------------------------------------------- choosing the org

def choose_org(df, periods) -> str:
    """The org with results in the most of ``periods``; the real department wins ties.

    Never mixes orgs: every page shows one org's figures.
    """
    res = df[df["period"].isin(list(periods))]
    if "kind" in res.columns:
        res = res[res["kind"] == "result"]
    counts = res.groupby("org")["period"].nunique()
    if counts.empty:
        orgs = sorted(set(df["org"]))
        return REAL_ORG if REAL_ORG in orgs or not orgs else orgs[0]
    best = counts.max()
    winners = sorted(counts[counts == best].index)
    return REAL_ORG if REAL_ORG in winners else winners[0]


def has_rows(frame, org: str, period: str | None = None) -> bool:
    """Whether ``frame`` (indicators or tasks) has rows of ``org`` (at ``period``)."""
    rows = frame[frame["org"] == org]
    return bool(len(rows if period is None else rows[rows["period"] == period]))


def months_of(year: int) -> list[str]:
    return [f"{int(year):04d}-{m:02d}" for m in range(1, 13)]


def latest_period(frame, org: str, year: int, upto: str | None = None) -> str | None:
    """The latest period of ``year`` (not after ``upto``) with rows of ``org`` (results, for indicators)."""
    rows = frame[(frame["org"] == org) & (frame["period"].astype(str).str[:4] == f"{int(year):04d}")]
    if "kind" in rows.columns:
        rows = rows[rows["kind"] == "result"]
    periods = [p for p in rows["period"].astype(str) if upto is None or p <= upto]
    return max(periods) if periods else None


def previous_period(frame, org: str, period: str) -> str | None:
    """The latest period before ``period`` with rows of ``org``."""
    periods = [p for p in frame.loc[frame["org"] == org, "period"].astype(str) if p < period]
    return max(periods) if periods else None


def is_illustrative(df, org) -> bool:
    rows = df[df["org"] == org]
    return org == ILLUSTRATIVE_ORG or bool(len(rows) and rows["illustrative"].astype(bool).any())


# ---------------------------------------------------------------- page pieces

def page(title: str, df, *, org: str, lang: str = "vi", subtitle: str = "") -> None:
    """Title, org, illustrative banner and the table-of-contents slot; carries the page metadata."""
    _section_ids.clear()
    banner = (f'<div class="sokhcn-banner" role="note">{esc(label("illustrative.banner", lang))}</div>'
              if is_illustrative(df, org) else "")
    markup = (f'<header class="sokhcn-header"><h1>{esc(title)}</h1>'
              f'<p class="sokhcn-subtitle">{esc(org_name(org, lang))}{" — " + esc(subtitle) if subtitle else ""}</p>'
              f'{banner}</header>')
    show_html(markup, {PAGE_META_KEY: {"title": f"{title} — {org_name(org, lang)}", "lang": lang, "org": org,
                                       "illustrative": bool(banner)}})


def section(title: str, css: str = "") -> None:
    """A section heading (``h2``); the appendix's table of contents lists them."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower().encode("ascii", "ignore").decode()).strip("-") or "muc"
    n = _section_ids.get(slug, 0) + 1
    _section_ids[slug] = n
    anchor = f"sec-{slug}" + (f"-{n}" if n > 1 else "")
    classes = "sokhcn-h2" + (f" {esc(css)}" if css else "")
    show_html(f'<h2 class="{classes}" id="{anchor}">{esc(title)}</h2>')


def appendix(lang: str = "vi") -> None:
    """The appendix heading (a new printed page) and the slot for its table of contents."""
    section(label("briefing.appendix", lang), "sokhcn-appendix")
    show_html('<nav class="sokhcn-toc"></nav>')


def html_block(markup: str) -> None:
    """Markup built by :mod:`sokhcn_analytics.plots.pictures` (which escapes what comes from the data)."""
    show_html(markup)


# ---------------------------------------------------------------- the briefing

def briefing(df, tasks, period: str, *, org: str, lang: str = "vi") -> None:
    """Page one: key-figure cards, the main points and what is not yet available."""
    from sokhcn_analytics.analysis import briefing as b
    from sokhcn_analytics.plots import pictures

    from sokhcn_analytics.analysis.plausibility import flags

    table = b.cards(df, period, org)
    histories = b.history(df, period, org, table.index)
    points = b.main_points(df, tasks, period, org, lang)
    parts = [pictures.points(points, lang)]
    if len(table):
        parts.append(pictures.cards(table, histories, lang))
        if 'class="sk-spark"' in parts[-1]:  # the legend only where a line is drawn
            parts.append(f'<p class="sk-legend">{esc(label("briefing.legend", lang))}</p>')
    parts.append(pictures.missing_line(b.missing(df, tasks, period, org, lang), lang))
    # what the index of the output folder shows for this month (reports/index.py reads it back)
    summary = {"period": period, "first_point": points[0].text if points else "",
               "flags": int(len(flags(df, period, org)))}
    show_html(f'<div class="sk-briefing">{"".join(parts)}</div>', {BRIEFING_META_KEY: summary})


def year_panels(df, period: str, *, org: str, lang: str = "vi", by_category: bool = False, title: str = "") -> None:
    """Small multiples (this year dark, last grey) under the heading ``title``; nothing at all
    when no indicator has two months to draw."""
    from sokhcn_analytics.analysis import briefing as b
    from sokhcn_analytics.plots import pictures

    year = int(period[:4])
    legend = label("briefing.trends_legend", lang, year=year, prev_year=year - 1)
    groups = b.year_panels(df, period, org, by_category=by_category)
    if not groups:
        return
    if title:
        section(title)
    panels = []
    for category, rows in groups.items():
        if by_category:  # the area's name takes the first cell of its panels: the grid stays full
            panels.append(f'<div class="sk-cat">{esc(label(f"category.{category}", lang))}</div>')
        panels += [pictures.panel(r.code, r.this, r.last, lang=lang, caption=_panel_caption(r, lang)) for r in rows]
    show_html(pictures.small_multiples(panels, legend=legend))


def _panel_caption(row, lang: str) -> str:
    from sokhcn_analytics.core import catalog
    from sokhcn_analytics.plots import pictures
    from sokhcn_analytics.core.vnformat import format_number

    ytd = esc(label("briefing.panel_ytd", lang, ytd=f"{format_number(row.ytd, lang=lang)} {catalog.unit(row.code, lang)}"))
    return f'<span class="sk-panel-ytd">{ytd} · {pictures.change(row.ytd_change_pct, lang)}</span>'


def paragraph(text: str, css: str = "") -> None:
    show_html(f'<p class="{esc(css)}">{esc(text)}</p>' if css else f"<p>{esc(text)}</p>")


def note(text: str) -> None:
    paragraph(text, "sokhcn-note")


def bullets(items, css: str = "") -> None:
    lis = "".join(f"<li>{esc(i)}</li>" for i in items)
    show_html(f'<ul class="{esc(css)}">{lis}</ul>')


def table(frame, lang: str = "vi", numeric: bool = True) -> None:
    """A table of display strings; cells escaped; text-like numbers right-aligned.

    An empty table shows a one-line note instead.
    """
    if frame is None or len(frame) == 0:
        note(label("nb.no_rows", lang))
        return
    markup = frame.to_html(index=False, escape=True, border=0, na_rep="—", classes="sokhcn-table")
    if numeric:
        markup = re.sub(r"<td>([+\-−]?\d[\d.,]*(?: %)?|—)</td>", r'<td class="num">\1</td>', markup)
    show_html(f'<div class="sokhcn-table-wrap">{markup}</div>')


def figure(fig, alt: str = "", dpi: int = 110) -> None:
    """A matplotlib Figure as an embedded PNG (base64, nothing linked), then closed."""
    buf = io.BytesIO()
    if not fig.stale and fig.get_layout_engine() is not None:
        # already laid out (charts finish with a layout pass): don't pay constrained layout twice
        fig.set_layout_engine("none")
    # zlib level 1: a few percent larger files, a fraction of the compression time
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:  # only a pyplot figure needs closing; importing pyplot costs time
        plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    alt = alt or figure_title(fig)
    show_html(f'<figure class="sokhcn-figure"><img src="data:image/png;base64,{data}" alt="{esc(alt)}">'
              f"</figure>")


def figure_title(fig) -> str:
    """The chart's own title (figure title or first figure text, else the first axes title), for alt text."""
    if title := suptitle(fig):
        return title
    if fig.texts and fig.texts[0].get_text():
        return fig.texts[0].get_text()
    for ax in fig.get_axes():
        for loc in ("center", "left"):
            if ax.get_title(loc):
                return ax.get_title(loc)
    return ""


def footer(df, *, org: str, through: str, lang: str = "vi", now: datetime | None = None) -> None:
    """"Data as of / generated at / sources" for the page's org, up to ``through``."""
    rows = df[(df["org"] == org) & (df["period"] <= through)]
    res = rows[rows["kind"] == "result"]
    as_of = max(res["period"]) if len(res) else None
    from sokhcn_analytics.core.vnformat import format_period

    files = sorted({f for f in rows.loc[rows["period"] == as_of, "source_file"].astype(str) if f}) if as_of else []
    earlier = len({f for f in rows["source_file"].astype(str) if f} - set(files))
    now = now or datetime.now().astimezone()
    parts = [
        label("report.footer.data_as_of", lang, period=format_period(as_of, lang) if as_of else "—"),
        label("report.footer.generated_at", lang, time=now.strftime("%d/%m/%Y %H:%M")),
        label("report.footer.sources", lang, sources=", ".join(files) if files else "—")
        + (" " + label("report.footer.earlier_sources", lang, count=earlier) if earlier else ""),
    ]
    if is_illustrative(df, org):
        parts.append(label("illustrative.banner", lang))
    show_html('<footer class="sokhcn-footer">' + "".join(f"<p>{esc(p)}</p>" for p in parts) + "</footer>")
