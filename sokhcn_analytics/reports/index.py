"""One page to start from: ``reports/index.html``, and the links between the reports of a folder.

Every ``sokhcn report`` run ends with :func:`update_index` on its output folder. It reads what
is there (so the months of earlier runs stay listed), not what the run made:

- each report's small ``<name>.meta.json``, written beside its HTML when it is rendered
  (:func:`write_meta`: unit, illustrative or not, the briefing's first main point and how many
  figures are flagged), so nothing has to be read back out of the HTML;
- then it fills every page's navigation slot (``<!--sokhcn-nav-->``, left by the HTML
  template) with links to the index and to the previous and next report of the same notebook
  and the same unit, and writes the index: latest month first, the whole-year reports at the
  end of each year.

Every link is relative (``../2021-05/monthly_summary.html``), so the folder can be copied to a
shared drive or an intranet and still works. A neighbour that is not in the folder gets no
link; a month rendered later than its neighbour is linked from it at the next run's end,
because every page's slot is filled again each time (the PDFs are not: the links are for the
screen, and the print CSS hides them).

``update_index("reports", lang="vi")`` returns ``reports/index.html``.
"""
from __future__ import annotations

import html
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from sokhcn_analytics.core.catalog import label, org_name
from sokhcn_analytics.core.paths import TEMPLATES_DIR
from sokhcn_analytics.core.vnformat import format_period

INDEX_NAME = "index.html"
META_SUFFIX = ".meta.json"
INDEX_CSS = TEMPLATES_DIR / "index.css"
NAV_SLOT = re.compile(r"<!--sokhcn-nav-->.*?<!--/sokhcn-nav-->", re.S)
_MONTH_KEY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_YEAR_KEY = re.compile(r"^\d{4}$")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@dataclass(frozen=True)
class Entry:
    """One rendered report of the output folder, as the index lists it."""

    key: str  # "2021-06" (its month) or "2021" (its year): the folder it lives in
    notebook: str  # the file's stem: monthly_summary
    title: str
    org: str | None = None  # None: rendered before reports carried their metadata
    illustrative: bool = False
    lang: str = "vi"
    first_point: str = ""
    flags: int | None = None  # None: not a briefing
    pdf: bool = False

    @property
    def monthly(self) -> bool:
        return len(self.key) == 7

    def href(self, up: bool = False, suffix: str = ".html") -> str:
        """The link to this report from the folder's root (``up``: from another report's folder)."""
        return ("../" if up else "") + f"{quote(self.key)}/{quote(self.notebook)}{suffix}"


# ---------------------------------------------------------------- at render time

def write_meta(html_path, nb, key: str) -> Path:
    """Save beside ``html_path`` what the index shows of this report, from the executed notebook."""
    from sokhcn_analytics.reports.export import BRIEFING_META_KEY, page_meta

    html_path = Path(html_path)
    page, brief = page_meta(nb), page_meta(nb, BRIEFING_META_KEY)
    meta = {"key": key, "notebook": html_path.stem, "title": str(page.get("title") or ""),
            "org": page.get("org"), "illustrative": bool(page.get("illustrative")),
            "lang": page.get("lang", "vi"), "first_point": str(brief.get("first_point") or ""),
            "flags": int(brief["flags"]) if "flags" in brief else None}
    path = html_path.with_name(html_path.stem + META_SUFFIX)
    write_atomic(path, json.dumps(meta, ensure_ascii=False, indent=1))
    return path


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so that a reader sees the old file or the new one, never half of it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- reading the folder

def scan(root) -> list[Entry]:
    """Every report (``<YYYY-MM or YYYY>/<name>.html``) under ``root``, in key and name order."""
    root = Path(root)
    if not root.is_dir():
        return []
    entries = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and _is_key(p.name)):
        for page in sorted(folder.glob("*.html")):
            entries.append(read_entry(page))
    return entries


def _is_key(name: str) -> bool:
    return bool(_MONTH_KEY.match(name) or _YEAR_KEY.match(name))


def read_entry(page: Path) -> Entry:
    """The report at ``page`` from its metadata file; a page without one (an older run) by its title."""
    pdf = page.with_suffix(".pdf").is_file()
    try:
        meta = json.loads(page.with_name(page.stem + META_SUFFIX).read_text(encoding="utf-8"))
        flags = meta.get("flags")
        return Entry(page.parent.name, page.stem, str(meta.get("title") or page.stem), meta.get("org") or None,
                     bool(meta.get("illustrative")), str(meta.get("lang") or "vi"),
                     str(meta.get("first_point") or ""), int(flags) if flags is not None else None, pdf)
    except (OSError, ValueError, TypeError, AttributeError):
        return Entry(page.parent.name, page.stem, _title_of(page), pdf=pdf)


def _title_of(page: Path) -> str:
    try:
        with open(page, encoding="utf-8", errors="replace") as fh:
            found = _TITLE.search(fh.read(4096))
    except OSError:
        found = None
    return html.unescape(found.group(1)).strip() if found else page.stem


# ---------------------------------------------------------------- month to month

def neighbours(entries: list[Entry], entry: Entry) -> tuple[Entry | None, Entry | None]:
    """The reports just before and just after ``entry`` of the same notebook, unit and scope."""
    if entry.org is None:
        return None, None
    same = sorted((e for e in entries if e.notebook == entry.notebook and e.org == entry.org
                   and e.monthly == entry.monthly), key=lambda e: e.key)
    i = next(n for n, e in enumerate(same) if e.key == entry.key)
    return (same[i - 1] if i > 0 else None), (same[i + 1] if i + 1 < len(same) else None)


def nav_html(entries: list[Entry], entry: Entry) -> str:
    """The links at the top of ``entry``'s page: all reports, previous and next (where they exist)."""
    lang = entry.lang
    before, after = neighbours(entries, entry)
    months = []
    if before is not None:
        months.append(_link(before.href(up=True), label("nav.previous", lang, when=when(before.key, lang)), "prev"))
    if after is not None:
        months.append(_link(after.href(up=True), label("nav.next", lang, when=when(after.key, lang)), "next"))
    return (f'<nav class="sokhcn-nav" aria-label="{esc(label("nav.label", lang))}">'
            f'{_link("../" + INDEX_NAME, label("nav.index", lang), "index")}'
            f'<span class="sokhcn-nav-months">{" ".join(months)}</span></nav>')


def _link(href: str, text: str, rel: str = "") -> str:
    rel = f' rel="{esc(rel)}"' if rel else ""
    return f'<a href="{esc(href)}"{rel}>{esc(text)}</a>'


def when(key: str, lang: str = "vi") -> str:
    """``Tháng 06/2021`` for a month key, ``Năm 2021`` for a year key."""
    return format_period(key, lang) if len(key) == 7 else label("index.year", lang, year=key)


def link_pages(root, entries: list[Entry]) -> list[Path]:
    """Fill the navigation slot of every page under ``root``; the pages whose links changed."""
    changed = []
    for entry in entries:
        page = Path(root) / entry.key / f"{entry.notebook}.html"
        text = page.read_text(encoding="utf-8")
        nav = "<!--sokhcn-nav-->" + nav_html(entries, entry) + "<!--/sokhcn-nav-->"
        new = NAV_SLOT.sub(lambda _: nav, text, count=1)
        if new != text:
            write_atomic(page, new)
            changed.append(page)
    return changed


# ---------------------------------------------------------------- the index page

def update_index(root, lang: str = "vi", now: datetime | None = None) -> Path:
    """Link every page under ``root`` to its neighbours and write ``root/index.html``; its path."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    entries = scan(root)
    link_pages(root, entries)
    path = root / INDEX_NAME
    write_atomic(path, index_html(entries, lang, now))
    return path


def index_html(entries: list[Entry], lang: str = "vi", now: datetime | None = None) -> str:
    """The whole index page: self-contained (inline CSS, no script, no font fetched)."""
    now = now or datetime.now().astimezone()
    title = label("index.title", lang)
    body = [f"<h1>{esc(title)}</h1>", f'<p class="ix-intro">{esc(label("index.intro", lang))}</p>',
            f'<p class="ix-updated">{esc(label("index.updated", lang, time=now.strftime("%d/%m/%Y %H:%M"), count=len(entries)))}</p>']
    if any(e.illustrative for e in entries):
        body.append(f'<div class="ix-banner" role="note">{esc(label("illustrative.banner", lang))}</div>')
    if not entries:
        body.append(f'<p class="ix-empty">{esc(label("index.empty", lang))}</p>')
    for year in sorted({e.key[:4] for e in entries}, reverse=True):
        body.append(_year_section(year, [e for e in entries if e.key[:4] == year], lang))
    css = INDEX_CSS.read_text(encoding="utf-8")
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="sokhcn-analytics">\n<title>{esc(title)}</title>\n'
            f"<style>\n{css}</style>\n</head>\n<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n")


def _year_section(year: str, entries: list[Entry], lang: str) -> str:
    months = sorted({e.key for e in entries if e.monthly}, reverse=True)
    parts = [f'<section class="ix-year" id="y-{esc(year)}"><h2>{esc(label("index.year", lang, year=year))}</h2>']
    parts += [_month_card(m, [e for e in entries if e.key == m], lang) for m in months]
    yearly = [e for e in entries if not e.monthly]
    if yearly:
        parts.append(f'<h3 class="ix-yearly-title">{esc(label("index.yearly", lang, year=year))}</h3>')
        parts.append('<ul class="ix-list">' + "".join(f"<li>{_report_line(e, lang)}</li>" for e in yearly) + "</ul>")
    return "".join(parts) + "</section>"


def _month_card(month: str, entries: list[Entry], lang: str) -> str:
    """A month: its unit, the briefing's first main point, the flag count, links; then any other report."""
    briefings = [e for e in entries if e.flags is not None] or [e for e in entries if e.notebook == "monthly_summary"]
    main = briefings[0] if briefings else entries[0]
    parts = [f'<article class="ix-month" id="m-{esc(month)}"><h3>{esc(when(month, lang))}</h3>',
             f'<p class="ix-unit">{_unit(main, lang)}</p>']
    if main.first_point:
        parts.append(f'<p class="ix-point">{esc(main.first_point)}</p>')
    if main.flags is not None:
        text = label("index.flags", lang, count=main.flags) if main.flags else label("index.no_flags", lang)
        parts.append(f'<p class="ix-flags{" ix-flagged" if main.flags else ""}" data-flags="{main.flags}">{esc(text)}</p>')
    if main.flags is None:  # not a briefing, or one from before reports carried their metadata
        parts.append(f'<p class="ix-title">{esc(_short_title(main))}</p>')
    parts.append(f'<p class="ix-links">{_links(main, lang)}</p>')
    others = [e for e in entries if e is not main]
    if others:
        parts.append(f'<p class="ix-other-title">{esc(label("index.other", lang))}</p><ul class="ix-list">'
                     + "".join(f"<li>{_report_line(e, lang)}</li>" for e in others) + "</ul>")
    return "".join(parts) + "</article>"


def _report_line(entry: Entry, lang: str) -> str:
    return (f'<span class="ix-title">{esc(_short_title(entry))}</span> <span class="ix-unit">{_unit(entry, lang)}</span> '
            f'<span class="ix-links">{_links(entry, lang)}</span>')


def _short_title(entry: Entry) -> str:
    """The page's title without the unit it ends with (the unit has its own line)."""
    suffix = f" — {org_name(entry.org, entry.lang)}" if entry.org else None
    return entry.title[: -len(suffix)] if suffix and entry.title.endswith(suffix) else entry.title


def _unit(entry: Entry, lang: str) -> str:
    if entry.org is None:
        return esc(label("index.unit_unknown", lang))
    mark = f' <span class="ix-mark">{esc(label("illustrative.mark", lang))}</span>' if entry.illustrative else ""
    return esc(org_name(entry.org, lang)) + mark


def _links(entry: Entry, lang: str) -> str:
    links = [_link(entry.href(), label("index.html", lang))]
    if entry.pdf:
        links.append(_link(entry.href(suffix=".pdf"), label("index.pdf", lang)))
    else:
        links.append(f'<span class="ix-missing">{esc(label("index.no_pdf", lang))}</span>')
    return " ".join(links)


def esc(value) -> str:
    return html.escape(str(value), quote=True)
