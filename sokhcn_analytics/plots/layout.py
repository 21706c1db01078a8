"""What every chart shares: one style, its colours, the figure class and a fixed layout.

``STYLE`` is applied with ``rc_context`` while a figure is built and whenever it is drawn
or saved (:class:`ChartFigure`), so no change to ``matplotlib.rcParams`` is left behind.
Axes are placed by sizes measured from their labels (:func:`place`, :func:`place_single`,
:func:`fit_texts_right`), not by a layout engine. :func:`decorate` adds the org, the
title and, for illustrative rows, the visible "Dữ liệu minh họa" mark; :func:`chart_rows`
refuses to mix illustrative and real rows or several orgs. The charts themselves are in
:mod:`~sokhcn_analytics.plots.charts`.
"""
from __future__ import annotations

import functools
import io

import matplotlib
import matplotlib.ticker
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from sokhcn_analytics.core import catalog

from sokhcn_analytics.core import compat
from sokhcn_analytics.core.vnformat import format_number

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    # a fixed title height: matplotlib would otherwise measure every axis' tick labels at each
    # draw to dodge ticks on top, and our charts put none there
    "axes.titley": 1.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    # unhinted glyphs: as legible at the 110-150 dpi the reports use (compared side by side),
    # and laying out and drawing text, most of a chart's cost, takes ~15 % less
    "text.hinting": "no_hinting",
}
COLORS = {
    "this_year": "#1f5a96",
    "prev_year": "#9fbcd9",
    "on_track": "#2e7d32",
    "behind": "#c0392b",
    "unknown": "#9e9e9e",
    "expected": "#222222",
    "mark": "#b00020",
    "muted": "#666666",
}
STATUS_COLORS = {
    "proposed": "#deebf7", "reviewed": "#c6dbef", "appraised": "#9ecae1", "approved": "#6baed6",
    "in_progress": "#3182bd", "accepted": "#2e7d32", "stopped": "#9e9e9e",
}


class ChartFigure(Figure):
    """A Figure drawn in the charts' style that shows itself as PNG in Jupyter without pyplot.

    The style is applied again whenever the figure is drawn or saved, so the artists
    matplotlib creates lazily at draw time (ticks) get it too, without an extra draw when
    the chart is built; ``matplotlib.rcParams`` are left as they were.
    """

    def draw(self, renderer):
        with matplotlib.rc_context(STYLE):
            super().draw(renderer)

    def savefig(self, *args, **kwargs):
        with matplotlib.rc_context(STYLE):
            super().savefig(*args, **kwargs)

    def _repr_png_(self):
        buf = io.BytesIO()
        self.savefig(buf, format="png")
        return buf.getvalue()


# ---------------------------------------------------------------------------
# style and shared pieces
# ---------------------------------------------------------------------------

def check_lang(lang: str) -> str:
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', got {lang!r}")
    return lang


def new_figure(width: float, height: float) -> ChartFigure:
    # no layout engine: each chart places its axes itself (see "fixed layout" below)
    fig = ChartFigure(figsize=(width, height))
    FigureCanvasAgg(fig)  # a canvas of its own: savefig/draw work without pyplot
    return fig


def finish(fig: Figure) -> Figure:
    # Nothing is drawn here: ChartFigure applies the style when it is drawn or saved, so a
    # chart is laid out and drawn once, by whoever shows it.
    return fig


def chart_rows(df: pd.DataFrame, org: str | None, what: str = "indicator"):
    """The rows of one org, and whether they are illustrative; refuse mixes."""
    orgs = sorted(df["org"].astype(str).unique().tolist())
    if org is None:
        if len(orgs) > 1:
            raise ValueError(f"the {what} frame holds several orgs ({', '.join(orgs)}); "
                             "a chart shows one: pass org=")
        org = orgs[0] if orgs else None
    elif org not in orgs and catalog.label(f"org.{org}", default=None) is None:
        # a known org without rows gets a "no data" chart; an unknown one is likely a typo
        raise ValueError(f"org '{org}' is not in the {what} frame (orgs present: {', '.join(orgs) or 'none'})")
    rows = df[df["org"].astype(str) == org] if org is not None else df
    flags = set(rows["illustrative"].astype(bool)) if "illustrative" in rows.columns else {False}
    if len(flags) > 1:
        raise ValueError("refusing to chart illustrative and real rows together: "
                         "filter on the 'illustrative' column or on org first")
    return rows, org, flags == {True}


def decorate(fig: Figure, org: str | None, illustrative: bool, lang: str, title: str | None = None) -> float:
    """Org name (left) and the illustrative mark (right) in a header strip; a watermark too.

    Returns the height in inches of the strip (and of the figure ``title`` below it, if any),
    which the chart's layout keeps free of axes, so the mark never covers a title or a tick label.
    """
    height = fig.get_figheight()
    head = 0.32 if (org or illustrative) else 0.0
    if title:
        fig.text(0.01, 1 - (head + 0.04) / height, title, ha="left", va="top", fontsize=12,
                 fontweight="bold")
        head += 0.36
    if org:
        who = catalog.org_name(org, lang)
        fig.text(0.01, 1 - 0.07 / height, who, ha="left", va="top", fontsize=8.5, color=COLORS["muted"])
    if illustrative:
        mark = catalog.label("illustrative.mark", lang)
        fig.text(0.99, 1 - 0.04 / height, mark, ha="right", va="top", fontsize=10, fontweight="bold",
                 color="white", bbox={"boxstyle": "round,pad=0.3", "facecolor": COLORS["mark"],
                                      "edgecolor": "none"}, zorder=10)
        fig.text(0.5, 0.5, mark.upper(), ha="center", va="center", fontsize=40, rotation=25,
                 color=COLORS["mark"], alpha=0.10, fontweight="bold", zorder=0)
    return head


# ---------------------------------------------------------------------------
# fixed layout
# ---------------------------------------------------------------------------
# Every chart has a fixed structure, so its axes are placed from the sizes of the few texts
# that border them (tick labels, axis labels, titles, legends), measured once in the chart
# font. Constrained layout measured every artist of the figure twice on every draw: a third
# of the time it took to save a chart. Sizes are in inches; font sizes follow STYLE.

PAD = 5 / 72                 # free border around the figure
TICK = (3.5 + 3.5) / 72      # tick length + tick label pad (matplotlib's defaults)
TITLE_PAD = 6 / 72           # axes.titlepad
LABEL_PAD = 4 / 72           # axes.labelpad
TICK_SIZE = STYLE["font.size"]
_measurer: list = []


@functools.lru_cache(maxsize=4096)
def _text_size(text: str, size: float, bold: bool = False) -> tuple[float, float]:
    """Width and line height (inches) of one line of ``text`` in the chart font."""
    if not _measurer:
        # hinting snaps glyphs to pixels: at 72 dpi long labels measure ~3 % short of what
        # 100-150 dpi renders, at 144 dpi within 1 %; 3 % more keeps a margin either way
        _measurer.append(compat.text_renderer(144))
    prop = FontProperties(family=STYLE["font.family"], size=size, weight="bold" if bold else "normal")
    w, h, _ = _measurer[0].get_text_width_height_descent(text or "Ág", prop, ismath=False)
    return 1.03 * w / 144, max(h / 144, 1.25 * size / 72)


def _tick_labels(axis) -> list[str]:
    """The tick labels ``axis`` will show, as its locator and formatter will make them."""
    lo, hi = sorted(axis.get_view_interval())
    locs = list(axis.get_major_locator()())
    fmt = axis.get_major_formatter()
    fmt.set_locs(locs)
    span = (hi - lo) * 1e-9
    return [fmt(v, i) for i, v in enumerate(locs) if lo - span <= v <= hi + span]


def tick_width(axis) -> float:
    if not axis.get_visible():
        return 0.0
    return max((_text_size(t, TICK_SIZE)[0] for t in _tick_labels(axis) if t), default=0.0) + TICK


def _title_height(ax) -> float:
    texts = [ax.get_title(loc) for loc in ("left", "center", "right")]
    if not any(texts):
        return 0.0
    size = ax.title.get_fontsize()
    return max(_text_size(t, size, True)[1] for t in texts if t) + TITLE_PAD


def place(fig, ax, left: float, bottom: float, right: float, top: float) -> None:
    """Put ``ax`` at the given margins (inches from each edge of the figure)."""
    w, h = fig.get_size_inches()
    ax.set_position([left / w, bottom / h, max(w - left - right, 0.1) / w, max(h - top - bottom, 0.1) / h])


def legend_width(legend) -> float:
    size = legend.get_texts()[0].get_fontsize()
    text = max(_text_size(t.get_text(), size)[0] for t in legend.get_texts())
    pads = legend.borderaxespad + 2 * legend.borderpad + legend.handlelength + legend.handletextpad
    return text + pads * size / 72


def legend_height(legend) -> float:
    size = legend.get_texts()[0].get_fontsize()
    return _text_size("Ág", size)[1] + (legend.borderaxespad + 2 * legend.borderpad) * size / 72


def fit_texts_right(fig, ax) -> None:
    """Widen the x range so that the texts written after the bars end inside the axes."""
    width = ax.get_position().width * fig.get_figwidth()
    lo, hi = ax.get_xlim()
    need = hi
    for text in ax.texts:
        x = text.get_position()[0]
        w = _text_size(text.get_text(), text.get_fontsize())[0]
        if text.get_ha() == "left" and w < 0.9 * width:
            need = max(need, lo + (x - lo) / (1 - w / width))
    if need > hi:
        ax.set_xlim(lo, need * 1.02)


def place_single(fig, ax, head: float, right: float = PAD, bottom_extra: float = 0.0) -> None:
    """One axes: room for its title, its tick labels and its axis labels; ``right`` as given."""
    top = head + PAD + _title_height(ax)
    xlabel = _text_size(ax.get_xlabel(), TICK_SIZE)[1] + LABEL_PAD if ax.get_xlabel() else 0.0
    bottom = PAD + bottom_extra + xlabel + (_text_size("T1", TICK_SIZE)[1] + TICK if ax.xaxis.get_visible() else 0)
    place(fig, ax, PAD, bottom, right, top)  # vertical first: the y locator counts ticks from the height
    ylabel = _text_size(ax.get_ylabel(), TICK_SIZE)[1] + LABEL_PAD if ax.get_ylabel() else 0.0
    place(fig, ax, PAD + ylabel + tick_width(ax.yaxis), bottom, right, top)


def empty(ax, lang: str) -> None:
    ax.text(0.5, 0.5, catalog.label("chart.empty", lang), ha="center", va="center",
            transform=ax.transAxes, color=COLORS["muted"])
    ax.set_axis_off()


def number_formatter(ax_axis, lang: str = "vi") -> None:
    ax_axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: format_number(v, lang=lang)))


def indicator_title(code: str, lang: str) -> str:
    unit = catalog.unit(code, lang, default="")
    return f"{catalog.name(code, lang)} ({unit})" if unit else catalog.name(code, lang)


