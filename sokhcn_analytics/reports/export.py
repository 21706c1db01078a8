"""Executed notebook → self-contained HTML (no code, no CDN) → A4 PDF through headless Chromium.

The HTML comes from nbconvert's ``HTMLExporter`` with the package's ``sokhcn_report`` template:
code cells and prompts are left out, images stay embedded as base64, and nothing is loaded
from the network. The PDF is Chromium's ``--print-to-pdf`` of that same file, so both look alike.

``render_pdf(render_html("reports/2021-01/monthly_summary.ipynb"))`` writes
``reports/2021-01/monthly_summary.pdf`` beside the HTML.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from sokhcn_analytics.core.catalog import label
from sokhcn_analytics.core.compat import html_export, skip_slow_optional_imports
from sokhcn_analytics.core.errors import BrowserNotFound, PdfError  # noqa: F401 - raised here, defined with the others
from sokhcn_analytics.core.paths import TEMPLATES_DIR
from sokhcn_analytics.reports.browser import Browser, BrowserError, browser_flags

skip_slow_optional_imports()  # papermill and nbconvert import jsonschema: 1.2 s less per run (compat.py)

TEMPLATE_NAME = "sokhcn_report"
PAGE_META_KEY = "sokhcn"  # display metadata key the notebooks' page() output carries
BRIEFING_META_KEY = "sokhcn_briefing"  # ... and their briefing() output: first main point, flag count
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge")
_WINDOWS_BROWSERS = (
    r"%ProgramFiles%\Google\Chrome\Application\chrome.exe",
    r"%ProgramFiles(x86)%\Google\Chrome\Application\chrome.exe",
    r"%ProgramFiles(x86)%\Microsoft\Edge\Application\msedge.exe",
    r"%ProgramFiles%\Microsoft\Edge\Application\msedge.exe",
)
_H2 = re.compile(r'<h2 class="([^"]*\bsokhcn-h2\b[^"]*)" id="([^"]+)">(.*?)</h2>', re.S)
_TOC_SLOT = '<nav class="sokhcn-toc"></nav>'


@lru_cache(maxsize=1)
def _exporter():
    # lazy import: nbconvert pulls in jinja2, mistune, bleach; the CLI should not pay for it
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=False,  # charts are already data: URIs; nothing on disk to embed
    )
    return exporter


_EXPORT_LOCK = threading.Lock()  # one exporter per process; a batch's lanes take turns
_PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Import nbconvert and compile the template and its HTML passes now, once per process.

    The first export pays about a second for them; the report runner calls this while its
    kernel starts, so that second overlaps the kernel's own start instead of following it.
    """
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    output = new_output("display_data", data={"text/html": "<p>.</p>", "image/png": _PIXEL})
    notebook_to_html(new_notebook(cells=[new_code_cell(outputs=[output])]))


def page_meta(nb, key: str = PAGE_META_KEY) -> dict:
    """The page metadata (title, lang, ...) a notebook's ``present.page()`` output carried
    (``key=BRIEFING_META_KEY``: what its ``present.briefing()`` output carried)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get(key)
            if isinstance(meta, dict):
                return dict(meta)
    return {}


def notebook_to_html(nb, *, title: str | None = None) -> str:
    """The report HTML of an executed notebook node, as a string."""
    meta = page_meta(nb)
    lang = meta.get("lang", "vi")
    resources = {
        "sokhcn": {
            "title": title or meta.get("title") or label("report.default_title", lang),
            "page_label": label("report.page", lang),
        },
        "language_code": lang,
    }
    with _EXPORT_LOCK:
        exporter = _exporter()
        exporter.language_code = lang
        body = html_export(exporter, nb, resources)
    return insert_toc(body, lang)


def insert_toc(body: str, lang: str = "vi") -> str:
    """Fill the table-of-contents slot with links to the section headings that follow it.

    Sections flow on the printed page (no forced break per section): a page with little to
    say stays short. Only the appendix heading (``sokhcn-appendix``) starts a new page, by CSS.
    """
    if _TOC_SLOT not in body:
        return body
    head, tail = body.split(_TOC_SLOT, 1)
    entries = [(a, t) for classes, a, t in _H2.findall(tail) if "sokhcn-appendix" not in classes]
    if not entries:
        return head + tail
    items = "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in entries)
    toc = (f'<nav class="sokhcn-toc" aria-label="{html.escape(label("report.toc", lang))}">'
           f'<div class="sokhcn-toc-title">{html.escape(label("report.toc", lang))}</div><ol>{items}</ol></nav>')
    return head + toc + tail


def render_html(notebook_path, html_path=None) -> Path:
    """Write the HTML of an executed notebook file beside it (or to ``html_path``)."""
    import nbformat

    notebook_path = Path(notebook_path)
    html_path = Path(html_path) if html_path else notebook_path.with_suffix(".html")
    nb = nbformat.read(notebook_path, as_version=4)
    html_path.write_text(notebook_to_html(nb), encoding="utf-8")
    return html_path


def find_browser() -> str | None:
    """Path of a Chromium-family browser, or None. ``$SOKHCN_BROWSER`` overrides the search."""
    override = os.environ.get("SOKHCN_BROWSER")
    if override is not None:
        return shutil.which(override) or (override if override and Path(override).is_file() else None)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if sys.platform == "win32":
        for raw in _WINDOWS_BROWSERS:
            candidate = Path(os.path.expandvars(raw))
            if candidate.is_file():
                return str(candidate)
    return None


def browser_install_hint() -> str:
    return label("report.no_browser")


class KeptBrowser:
    """A Chromium started in the background for a whole run, to print every PDF of it.

    It boots while the first notebook runs; :meth:`get` waits for it. When it cannot start,
    or later fails, PDFs are printed the one-shot way (a fresh ``--print-to-pdf``) with one
    warning: a kept browser is a speed-up, never a requirement.
    """

    def __init__(self, executable: str | None = None):
        self._executable = executable or find_browser()
        self._browser, self._failed = None, None
        self._thread = threading.Thread(target=self._launch, name="sokhcn-browser", daemon=True)
        if self._executable:
            self._thread.start()

    def _launch(self) -> None:

        try:
            self._browser = Browser.launch(self._executable)
        except BrowserError as exc:
            self._failed = str(exc)

    def get(self):
        """The running browser, or None (no browser, or it could not start)."""
        if self._thread.is_alive() or self._thread.ident is not None:
            self._thread.join()
        return None if self._failed else self._browser

    def print_pdf(self, html_path, pdf_path) -> bool:
        """Print with the kept browser; False (after one warning) when the caller must fall back."""

        browser = self.get()
        if browser is None:
            return False
        try:
            browser.print_pdf(html_path, pdf_path)
            return True
        except BrowserError as exc:
            import warnings

            warnings.warn(label("report.kept_browser_failed", detail=str(exc)), stacklevel=2)
            self._failed, self._browser = str(exc), None
            browser.close()
            return False

    def close(self) -> None:
        browser = self.get()
        self._browser = None
        if browser is not None:
            browser.close()


def render_pdf(html_path, pdf_path=None, *, browser: str | None = None, timeout: float = 120,
               kept: KeptBrowser | None = None) -> Path:
    """Print the HTML to an A4 PDF with headless Chromium (page numbers from the CSS @page footer).

    ``kept``: a browser kept for the run prints it (much quicker than starting one); without
    it, or when it fails, a fresh ``chromium --print-to-pdf`` does.
    """
    shown = Path(pdf_path) if pdf_path else Path(html_path).with_suffix(".pdf")  # returned as the caller wrote it
    if kept is not None and kept.print_pdf(html_path, shown):
        return shown
    html_path = Path(html_path).resolve()
    pdf_path = shown.resolve()
    browser = browser or find_browser()
    if not browser:
        raise BrowserNotFound(browser_install_hint())
    with tempfile.TemporaryDirectory(prefix="sokhcn-chromium-") as profile:
        cmd = [browser, *browser_flags(profile), "--no-pdf-header-footer",
               f"--print-to-pdf={pdf_path}", html_path.as_uri()]
        if pdf_path.exists():
            pdf_path.unlink()
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PdfError(label("report.pdf_timeout", file=pdf_path.name, seconds=int(timeout))) from None
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        detail = (done.stderr or "").strip().splitlines()[-1:] or [""]
        raise PdfError(label("report.pdf_failed", file=pdf_path.name, detail=detail[0]))
    return shown
