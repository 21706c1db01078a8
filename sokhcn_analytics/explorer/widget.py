"""Explore year on year interactively in JupyterLab, VS Code or classic Notebook (ipywidgets).

>>> from sokhcn_analytics.explorer.widget import Explorer
>>> ex = Explorer()  # doctest: +SKIP
>>> ex               # doctest: +SKIP
>>> ex.select(indicators=["mushroom_spawn_kg"]); ex.view.value = "ytd"; ex.data.head()  # doctest: +SKIP

``Explorer()`` loads the store; ``Explorer(df, tasks)`` takes frames in hand; ``ex`` as the
last line of a cell displays the widget.

The controls are plain widgets held as attributes — ``org``, ``category``, ``search``,
``indicators``, ``year``, ``compare_year``, ``view``, ``show_plans``, ``month`` (whose
sources are shown) — with names as labels and codes as values. Every change re-draws the
output in place (``header``, ``message``, ``chart``, ``table``, ``sources``: HTML widgets);
``ex.data`` is the frame behind the table, numbers not strings. A bad selection (a year
without data, an indicator the org never reports) is a short message, never a traceback.

Displayed, the explorer also carries a static HTML copy of what it shows, so an exported
or headless-executed notebook still holds the chart and the table.
"""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from sokhcn_analytics.core import catalog, compat

from sokhcn_analytics.core import paths
from sokhcn_analytics.core.errors import ExplorerError, SokhcnError  # noqa: F401  (ExplorerError: raised here, imported by callers)
from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG
from sokhcn_analytics.explorer.data import MONTHS, PLAN_COLUMNS, VIEWS, ExplorerData, category_of, fold
from sokhcn_analytics.explorer.view import (chart_svg, header_html, message_html, source_rows, sources_html, table_columns,
                            table_html)
from sokhcn_analytics.core.vnformat import format_period

try:
    import ipywidgets as widgets
except ImportError:  # the lab extra is not installed: Explorer() says what to run
    widgets = None

_KEEP = object()  # select(): leave the comparison as it is
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def exports_dir() -> Path:
    """Where the explorer's Excel files go: ``reports/exports/`` (never read by ``sokhcn build``)."""
    return paths.reports_dir() / "exports"


class Explorer:
    """The year-on-year explorer. ``Explorer()`` loads the store; ``Explorer(df, tasks)`` takes frames.

    Keyword arguments set the first selection: ``org``, ``indicators`` (codes), ``year``,
    ``compare_year`` (default: the year before), ``view`` (``monthly``, ``ytd``,
    ``rolling12``), ``show_plans``; ``lang="en"`` for English words.
    """

    def __init__(self, df: pd.DataFrame | None = None, tasks: pd.DataFrame | None = None, *, processed_dir=None,
                 lang: str = "vi", org: str | None = None, indicators=None, year: int | None = None,
                 compare_year: int | None = None, view: str = "monthly", show_plans: bool = False):
        if widgets is None:
            raise ExplorerError(catalog.label("explorer.need_widgets", lang), reason="missing_dependency")
        if df is None:
            from sokhcn_analytics.store.build import load_indicators, load_tasks

            df = load_indicators(processed_dir)
            tasks = load_tasks(processed_dir) if tasks is None else tasks
        self.lang = lang
        self.processed_dir = processed_dir
        self.frames = ExplorerData(df, tasks)
        self.tasks = tasks
        self.data = pd.DataFrame()
        self.messages: list[str] = []
        self._hold = 0
        self._build()
        with self._quiet():
            if self.frames.orgs():  # an empty store: the output says so
                self.org.value = org if org in self.frames.orgs() else self._default_org(year)
                self._org_changed(indicators, year)
            if compare_year is not None:
                self._choose(self.compare_year, compare_year, self._widen_years)
            self.view.value = view
            self.show_plans.value = bool(show_plans)
        self._watch()
        self.refresh()

    # ------------------------------------------------------------ building

    def _l(self, key: str, **fields) -> str:
        return catalog.label(key, self.lang, **fields)

    def _build(self) -> None:
        w, wide = widgets, {"description_width": "initial"}
        self.org = w.Dropdown(options=[(self._org_label(o), o) for o in self.frames.orgs()],
                              description=self._l("explorer.org"), style=wide, layout=w.Layout(width="420px"))
        self.category = w.Dropdown(options=[(self._l("explorer.category_all"), "")],
                                   description=self._l("explorer.category"), style=wide)
        self.search = w.Text(description=self._l("explorer.search"), placeholder=self._l("explorer.search_placeholder"),
                             style=wide, continuous_update=True)
        self.indicators = compat.widening(w.SelectMultiple)(widen=self._widen_indicators, options=[],
                                                      description=self._l("explorer.indicators"), rows=7, style=wide,
                                                      layout=w.Layout(width="420px"))
        self.year = compat.widening(w.Dropdown)(widen=self._widen_years, options=[], description=self._l("explorer.year"),
                                          style=wide, layout=w.Layout(width="160px"))
        self.compare_year = compat.widening(w.Dropdown)(widen=self._widen_years, options=[(self._l("explorer.compare_none"),
                                                                                     None)],
                                                  description=self._l("explorer.compare_year"), style=wide,
                                                  layout=w.Layout(width="220px"))
        self.view = w.ToggleButtons(options=[(self._l(f"explorer.view.{v}"), v) for v in VIEWS],
                                    description=self._l("explorer.view"), style=wide)
        self.show_plans = w.Checkbox(description=self._l("explorer.show_plans"), value=False, indent=False)
        self.month = w.ToggleButtons(options=[(self._l("chart.month_tick", month=m), int(m)) for m in MONTHS],
                                     description=self._l("explorer.month"), style={**wide, "button_width": "44px"})
        self.export_button = w.Button(description=self._l("explorer.export"), icon="download")
        self.header, self.message, self.chart, self.table, self.sources = (w.HTML() for _ in range(5))
        self.log = w.Output()
        for part, css in ((self.chart, "chart"), (self.table, "table"), (self.sources, "sources"),
                          (self.message, "message")):
            part.add_class(f"sokhcn-explorer-{css}")
        controls = w.HBox([w.VBox([self.org, self.category, self.search, self.indicators]),
                           w.VBox([self.year, self.compare_year, self.show_plans, self.export_button])])
        self.widget = w.VBox([self.header, controls, self.view, self.message, self.chart, self.table, self.month,
                              self.sources, self.log])
        self.widget.add_class("sokhcn-explorer")

    def _watch(self) -> None:
        self.org.observe(lambda _: self._on(self._org_changed), names="value")
        self.category.observe(lambda _: self._on(self._category_changed), names="value")
        self.search.observe(lambda _: self._on(self._fill_indicators, redraw=False), names="value")
        self.indicators.observe(lambda _: self._on(self._indicators_changed), names="value")
        self.year.observe(self._year_changed, names="value")
        for control in (self.compare_year, self.view, self.show_plans):
            control.observe(lambda _: self._on(None), names="value")
        self.month.observe(lambda _: self._on(self._draw_sources, redraw=False), names="value")
        self.export_button.on_click(self._export_clicked)

    @contextlib.contextmanager
    def _quiet(self):
        """Changes made inside are one change: no re-draw until the outermost block ends."""
        self._hold += 1
        try:
            yield
        finally:
            self._hold -= 1

    def _on(self, step, redraw: bool = True) -> None:
        if self._hold:
            return
        with self._quiet():
            if step is not None:
                step()
        if redraw:
            self.refresh()

    # ------------------------------------------------------------ options

    def _org_label(self, org: str) -> str:
        name = catalog.org_name(org, self.lang)
        # the illustrative org's own name says so; any other org made of illustrative rows is marked
        marked = self.frames.is_illustrative(org) and org != ILLUSTRATIVE_ORG
        return self._l("explorer.illustrative_suffix", name=name) if marked else name

    def _default_org(self, year) -> str:
        orgs = self.frames.orgs()
        with_year = [o for o in orgs if year is None or int(year) in self.frames.years(o)]
        return (with_year or orgs or [""])[0]

    def _org_changed(self, indicators=None, year=None) -> None:
        org = self.org.value
        cats = self.frames.categories(org)
        self.category.options = [(self._l("explorer.category_all"), "")] + [
            (catalog.label(f"category.{c}", self.lang), c) for c in cats]
        reported = self.frames.indicators(org)
        wanted = tuple(indicators) if indicators else tuple(c for c in self.indicators.value if c in reported)
        if not wanted:
            keys = [c for c in reported if catalog.field(c, "key", default=False)] or list(reported)
            wanted = tuple(keys[:1])
        years = list(self.frames.years(org))
        before = self.year.value
        self.year.options = [(str(y), y) for y in years]
        self.compare_year.options = [(self._l("explorer.compare_none"), None)] + [(str(y), y) for y in years]
        chosen = int(year) if year is not None else (before if before in years else None)
        if chosen is None and years:
            chosen = years[-1]
        if chosen is not None:
            self._choose(self.year, chosen, self._widen_years)
            self._choose(self.compare_year, chosen - 1, self._widen_years)
        self._choose(self.indicators, wanted, self._widen_indicators)
        self._indicators_changed()
        self._choose_month()

    def _category_changed(self) -> None:
        cat = self.category.value
        if cat and not any(category_of(c) == cat for c in self.indicators.value):
            in_cat = [c for c in self.frames.indicators(self.org.value) if category_of(c) == cat]
            keys = [c for c in in_cat if catalog.field(c, "key", default=False)] or in_cat
            self._fill_indicators(extra=tuple(keys[:1]))
            self._choose(self.indicators, tuple(keys[:1]), self._widen_indicators)
        self._fill_indicators()

    def _indicators_changed(self) -> None:
        cats = {category_of(c) for c in self.indicators.value}
        if len(cats) == 1 and (cat := cats.pop()) in {v for _, v in self.category.options}:
            self.category.value = cat
        elif cats:
            self.category.value = ""
        self._fill_indicators()

    def _fill_indicators(self, extra=()) -> None:
        """The list: the org's indicators of the category matching the search, plus those selected."""
        selected = tuple(self.indicators.value) + tuple(extra)
        cat, words = self.category.value, fold(self.search.value).split()
        codes = [c for c in self.frames.indicators(self.org.value)
                 if (not cat or category_of(c) == cat) and all(w in fold(catalog.name(c, self.lang)) for w in words)]
        codes += [c for c in selected if c not in codes]
        options = _unique_labels([(catalog.name(c, self.lang), c) for c in codes])
        if tuple(options) != tuple(self.indicators.options):
            with self._quiet():
                self.indicators.options = options
                self.indicators.value = tuple(c for c in selected if c in codes and c not in extra)

    def select(self, *, indicators=None, year=None, compare_year=_KEEP) -> None:
        """Select from code what a person would pick: indicator ``codes``, the ``year``, the year to
        compare with (``None``: none). A code outside the category shown, or a year with no data, is
        added to the choices first (public traits only, whatever ipywidgets keeps private)."""
        if indicators is not None:
            self._choose(self.indicators, tuple(indicators), self._widen_indicators)
        if year is not None:
            self._choose(self.year, int(year), self._widen_years)
        if compare_year is not _KEEP:
            self._choose(self.compare_year, None if compare_year is None else int(compare_year), self._widen_years)

    @staticmethod
    def _choose(widget, value, widen) -> None:
        """Set a selection's value, first adding what its choices lack (``widen(widget, values)``)."""
        wanted = value if isinstance(value, tuple) else (value,)
        known = {v for _, v in widget.options}
        if any(v not in known for v in wanted if v is not None):
            widen(widget, wanted)
        widget.value = value

    def _widen_indicators(self, widget, wanted) -> None:
        with self._quiet():
            before = widget.value
            known = [v for _, v in widget.options]
            widget.options = _unique_labels([*widget.options, *((catalog.name(c, self.lang), c) for c in wanted
                                                                 if c not in known)])
            widget.value = before

    def _widen_years(self, widget, wanted) -> None:
        with self._quiet():
            before = widget.value
            opts = [o for o in widget.options if o[1] is not None]
            none = [o for o in widget.options if o[1] is None]
            years = {v for _, v in opts} | {int(v) for v in wanted if v is not None}
            widget.options = none + [(str(y), y) for y in sorted(years)]
            widget.value = before

    def _year_changed(self, change) -> None:
        if self._hold:
            return
        with self._quiet():
            if change.old is not None and self.compare_year.value == change.old - 1 and change.new is not None:
                # the comparison follows while it is "the year before"
                self._choose(self.compare_year, change.new - 1, self._widen_years)
            self._choose_month()
        self.refresh()

    def _choose_month(self) -> None:
        """The latest month of the year with a result of the selected indicators (December if none)."""
        org, year = self.org.value, self.year.value
        best = 12
        if year is not None and self.indicators.value and int(year) in self.frames.years(org):
            seen = [self.frames.series(org, c, int(year), "monthly")[1] for c in self.indicators.value
                    if c in self.frames.indicators(org)]
            months = [m for s in seen for m in MONTHS[s.astype(bool)]]
            best = int(max(months)) if months else 12
        self.month.value = best

    # ------------------------------------------------------------ drawing

    def selection(self) -> dict:
        """The current selection as plain values."""
        return {"org": self.org.value, "indicators": tuple(self.indicators.value), "year": self.year.value,
                "compare_year": self.compare_year.value, "view": self.view.value,
                "show_plans": bool(self.show_plans.value), "month": self.month.value}

    def refresh(self) -> None:
        """Re-draw everything from the controls (called on every change)."""
        try:
            self._draw()
        except Exception as exc:  # never a traceback in the output area; SOKHCN_DEBUG=1 shows it
            if os.environ.get("SOKHCN_DEBUG"):
                raise
            self.data = pd.DataFrame()
            self.chart.value = self.table.value = self.sources.value = ""
            self.messages = [self._l("explorer.msg.failed", detail=str(exc) or type(exc).__name__)]
            self.message.value = message_html(self.messages)

    def _shown(self) -> tuple[list[str], list[str]]:
        """The indicators that can be shown, and the messages about the rest."""
        s, frames = self.selection(), self.frames
        if not frames.orgs():
            return [], [self._l("report.store_empty")]
        org_name = self._org_label(s["org"])
        if s["org"] not in frames.orgs():
            return [], [self._l("explorer.msg.no_org", org=s["org"])]
        messages = []
        years = frames.years(s["org"])
        if s["year"] not in years:
            messages.append(self._l("explorer.msg.no_year", org=org_name, year=s["year"],
                                    years=", ".join(map(str, years)) or "—"))
        if not s["indicators"]:
            messages.append(self._l("explorer.msg.no_indicator"))
        reported = set(frames.indicators(s["org"]))
        missing = [c for c in s["indicators"] if c not in reported]
        if missing:
            messages.append(self._l("explorer.msg.not_reported", org=org_name,
                                    names=", ".join(catalog.name(c, self.lang) for c in missing)))
        shown = [c for c in s["indicators"] if c in reported] if s["year"] in years else []
        if shown and s["compare_year"] is not None and s["compare_year"] not in years:
            messages.append(self._l("explorer.msg.no_compare", year=s["compare_year"]))
        return shown, messages

    def _draw(self) -> None:
        s = self.selection()
        shown, self.messages = self._shown()
        illustrative = self.frames.is_illustrative(s["org"])
        parts = [self.frames.view(s["org"], (c,), s["year"], s["compare_year"], s["view"], s["show_plans"])
                 for c in shown]
        self.data = pd.concat(parts, ignore_index=True) if parts else \
            self.frames.view(s["org"], (), s["year"] or 0, s["compare_year"], s["view"], s["show_plans"])
        self.header.value = header_html(self._org_label(s["org"]) if s["org"] else "", illustrative, self.lang)
        self.message.value = message_html(self.messages)
        self.chart.value = "".join(chart_svg(p, c, s["year"], s["compare_year"], s["view"], self.lang, illustrative)
                                   for c, p in zip(shown, parts))
        self.table.value = '<div class="sokhcn-explorer-out">' + "".join(
            table_html(p, c, s["year"], s["compare_year"], s["view"], self.lang, s["month"])
            for c, p in zip(shown, parts)) + "</div>"
        self._shown_codes = shown
        self._draw_sources()

    def _draw_sources(self) -> None:
        s, shown = self.selection(), getattr(self, "_shown_codes", [])
        if not shown:
            self.sources.value = ""
            return
        rows = self.frames.sources(s["org"], shown, s["year"], s["compare_year"], s["view"], s["month"],
                                   s["show_plans"])
        self.sources.value = sources_html(rows, s["month"], s["year"], shown, self.lang)
        self.table.value = re.sub(r'<tr class="sel" ', "<tr ", self.table.value).replace(
            f'<tr data-month="{s["month"]}">', f'<tr class="sel" data-month="{s["month"]}">')

    # ------------------------------------------------------------ display

    def to_html(self) -> str:
        """What the explorer shows now, as static HTML (header, messages, chart, table, sources)."""
        return "".join(part.value for part in (self.header, self.message, self.chart, self.table, self.sources))

    def _repr_mimebundle_(self, **kwargs):
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = self.to_html()  # shown where widgets are not: exported pages, viewers
        return bundle

    # ------------------------------------------------------------ export

    def default_export_name(self) -> str:
        s = self.selection()
        codes = s["indicators"]
        parts = [s["org"], f'{s["year"]}-{s["compare_year"] or "x"}', s["view"], *(codes[:1] or ["none"])]
        if len(codes) > 1:
            parts.append(f"{len(codes) - 1}more")
        return re.sub(r"[^A-Za-z0-9_-]+", "-", "_".join(str(p) for p in parts))[:100]

    def export_path(self, path=None) -> Path:
        """``reports/exports/<name>.xlsx`` for a bare name (or none: a name from the selection), else ``path``."""
        if path is None:
            return exports_dir() / f"{self.default_export_name()}.xlsx"
        p = Path(path)
        if ".." in p.parts or any(ord(c) < 32 for c in str(path)):
            raise ExplorerError(self._l("explorer.msg.bad_name", name=str(path)), reason="bad_export_name")
        if len(p.parts) == 1:
            stem = p.name[:-5] if p.name.lower().endswith(".xlsx") else p.name
            if not _NAME.match(stem):
                raise ExplorerError(self._l("explorer.msg.bad_name", name=str(path)), reason="bad_export_name")
            return exports_dir() / f"{stem}.xlsx"
        return p if p.suffix.lower() == ".xlsx" else p.with_name(p.name + ".xlsx")

    def export(self, path=None) -> Path:
        """Write the current view to an Excel file: figures, their sources and the selection. Returns the path."""
        target = self.export_path(path)
        sheets = {self._l("explorer.sheet.data"): self._export_figures(),
                  self._l("explorer.sheet.sources"): self._export_sources(),
                  self._l("explorer.sheet.note"): self._export_note()}
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".xlsx", dir=target.parent)
        os.close(fd)
        try:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, frame in sheets.items():
                    frame.to_excel(writer, sheet_name=name[:31], index=False)
                    for col, cells in zip(writer.sheets[name[:31]].columns, range(len(frame.columns))):
                        width = max([len(str(frame.columns[cells]))] + [len(str(v)) for v in frame.iloc[:, cells]])
                        writer.sheets[name[:31]].column_dimensions[col[0].column_letter].width = min(60, width + 2)
            os.replace(tmp, target)  # atomic: a reader never sees half a workbook
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return target

    def _export_figures(self) -> pd.DataFrame:
        s, frame = self.selection(), self.data
        extra = [c for c in PLAN_COLUMNS[s["view"]] if c in frame.columns]
        cols = table_columns(s["year"], s["compare_year"], s["view"], extra, self.lang)
        out = pd.DataFrame({
            self._l("explorer.col.code"): frame.get("indicator", pd.Series(dtype=object)),
            self._l("explorer.indicators"): [catalog.name(c, self.lang) for c in frame.get("indicator", [])],
            self._l("explorer.col.month"): [format_period(p, self.lang) for p in frame.get("period", [])],
        })
        for col, heading in cols.items():
            out[heading] = frame[col].to_numpy() if col in frame.columns else []
        return out

    def _export_sources(self) -> pd.DataFrame:
        s = self.selection()
        shown = getattr(self, "_shown_codes", [])
        rows = self.frames.sources(s["org"], shown, s["year"], s["compare_year"], s["view"], None, s["show_plans"]) \
            if shown else self.frames.sources(s["org"], [], 0, None)
        return source_rows(rows, self.lang)

    def _export_note(self) -> pd.DataFrame:
        s = self.selection()
        items = [
            ("explorer.org", self._org_label(s["org"])),
            ("explorer.indicators", ", ".join(f"{catalog.name(c, self.lang)} ({c})" for c in s["indicators"])),
            ("explorer.year", s["year"]),
            ("explorer.compare_year", s["compare_year"] if s["compare_year"] is not None
             else self._l("explorer.compare_none")),
            ("explorer.view", self._l(f"explorer.view.{s['view']}")),
            ("explorer.show_plans", "✓" if s["show_plans"] else "—"),
            ("explorer.note.store", str(self.processed_dir or paths.processed_dir())),
            ("explorer.note.exported_at", datetime.now().astimezone().strftime("%d/%m/%Y %H:%M")),
        ]
        rows = [(self._l(k), str(v)) for k, v in items]
        if self.frames.is_illustrative(s["org"]):
            rows.insert(0, (self._l("illustrative.mark"), self._l("illustrative.banner")))
        rows += [("!", m) for m in self.messages]
        return pd.DataFrame(rows, columns=[self._l("explorer.note.item"), self._l("explorer.note.value")])

    def _export_clicked(self, _button=None) -> None:
        self.log.clear_output()
        with self.log:
            try:
                print(self._l("explorer.exported", path=self.export()))
            except Exception as exc:  # a locked or unwritable file: say so, no traceback
                print(self._l("explorer.msg.export_failed", detail=str(exc)))




def _unique_labels(options) -> list[tuple[str, str]]:
    """Option labels must be unique: a repeated name gets its code."""
    seen, out = set(), []
    for text, code in options:
        if code in {c for _, c in out}:
            continue
        text = text if text not in seen else f"{text} ({code})"
        seen.add(text)
        out.append((text, code))
    return out
