"""The Chromium kept for a report run: prints over the DevTools pipe, falls back when it fails,
and leaves no process or profile behind."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from conftest import pid_alive
from sokhcn_analytics.reports import export
from sokhcn_analytics.reports.browser import Browser, BrowserError
from sokhcn_analytics.reports.export import KeptBrowser, render_pdf

pytestmark = pytest.mark.slow  # a real Chromium each test

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><style>@page { size: A4; }</style></head>
<body><h1>Báo cáo thử</h1><p>Giống nấm sản xuất: 250 kg.</p><p style="break-before: page">Trang hai</p></body></html>"""


@pytest.fixture
def page(tmp_path) -> Path:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


def pages(pdf: Path) -> list[str]:
    import subprocess

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def test_a_kept_browser_prints_a4_pdfs_and_goes_away(chromium, page, tmp_path):
    kept = KeptBrowser()
    browser = kept.get()
    assert browser is not None
    for name in ("a.pdf", "b.pdf"):  # one browser, several PDFs
        assert render_pdf(page, tmp_path / name, kept=kept) == tmp_path / name
        text = pages(tmp_path / name)
        assert len(text) == 2 and "Giống nấm sản xuất: 250 kg." in text[0]
    profile = Path(browser._profile)
    kept.close()
    assert not pid_alive(browser.pid) and not profile.exists()


def test_a_failing_kept_browser_falls_back_to_a_fresh_one_with_a_warning(chromium, page, tmp_path, monkeypatch):
    kept = KeptBrowser()

    def broken(*args, **kwargs):
        raise BrowserError("Page.printToPDF: renamed upstream")

    monkeypatch.setattr(Browser, "print_pdf", broken)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = render_pdf(page, tmp_path / "c.pdf", kept=kept)
    assert len(pages(out)) == 2
    assert any("renamed upstream" in str(w.message) for w in caught)
    assert kept.get() is None  # not tried again for the rest of the run
    kept.close()


def test_no_browser_means_the_one_shot_path(chromium, page, tmp_path):
    kept = KeptBrowser(executable="/nonexistent/chromium")
    assert kept.get() is None
    assert len(pages(render_pdf(page, tmp_path / "d.pdf", kept=kept))) == 2


def test_a_browser_that_never_answers_is_an_error_not_a_hang(tmp_path):
    fake = tmp_path / "silent-browser"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    with pytest.raises(BrowserError):
        Browser.launch(str(fake), flags=[], timeout=1)


def test_pages_can_be_read_at_phone_size(chromium, page):
    with Browser.launch(chromium) as b:
        session = b.open(page.resolve().as_uri(), width=390, height=800)
        assert b.evaluate(session, "window.innerWidth") == 390
        assert b.evaluate(session, "document.querySelector('h1').textContent") == "Báo cáo thử"

