"""reports/index.html and the links between reports: what the index lists, in which order, and
that every link of every page resolves wherever the folder is copied."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from conftest import sokhcn_cmd
from linkwalk import broken_links, links_of
from report_fixtures import args, indicator_rows, task_rows
from sokhcn_analytics.core.catalog import label
from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, REAL_ORG
from sokhcn_analytics.reports import index
from sokhcn_analytics.reports.export import BRIEFING_META_KEY, PAGE_META_KEY

ARTIFACTS = Path(__file__).parent / "artifacts"
HOSTILE = '<script>alert("x")</script> & <b>'
PAGE = ('<!DOCTYPE html><html><head><title>{title}</title></head><body><main>'
        '<!--sokhcn-nav--><!--/sokhcn-nav--><h1 id="top">{title}</h1></main></body></html>')


def fake_report(root: Path, key: str, notebook: str = "monthly_summary", org: str = ILLUSTRATIVE_ORG,
                point: str = "Điểm chính thứ nhất.", flags: int | None = 0, pdf: bool = True, lang: str = "vi") -> Path:
    """A rendered report as the runner leaves it: HTML with the navigation slot, its metadata, a PDF."""
    folder = root / key
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / f"{notebook}.html"
    page.write_text(PAGE.format(title=f"Báo cáo {key}"), encoding="utf-8")
    outputs = [new_output("display_data", data={"text/html": "<h1>.</h1>"}, metadata={PAGE_META_KEY: {
        "title": f"Báo cáo {key}", "lang": lang, "org": org, "illustrative": org == ILLUSTRATIVE_ORG}})]
    if flags is not None:
        outputs.append(new_output("display_data", data={"text/html": "<p>.</p>"},
                                  metadata={BRIEFING_META_KEY: {"period": key, "first_point": point, "flags": flags}}))
    index.write_meta(page, new_notebook(cells=[new_code_cell(outputs=outputs)]), key)
    if pdf:
        page.with_suffix(".pdf").write_bytes(b"%PDF-1.4\n")
    return page


def nav(page: Path) -> str:
    return re.search(r"<!--sokhcn-nav-->(.*?)<!--/sokhcn-nav-->", page.read_text(encoding="utf-8"), re.S).group(1)


# ---------------------------------------------------------------- the index, on a folder made by hand

def test_the_index_lists_the_latest_month_first_with_unit_point_flags_and_links(tmp_path):
    fake_report(tmp_path, "2021-04", point="Tháng tư.", flags=0)
    fake_report(tmp_path, "2021-06", point="Tháng sáu.", flags=2)
    fake_report(tmp_path, "2021-05", org=REAL_ORG, point="Tháng năm.", flags=1, pdf=False)
    fake_report(tmp_path, "2021", notebook="yoy_indicators", flags=None)
    page = index.update_index(tmp_path).read_text(encoding="utf-8")
    months = re.findall(r'<article class="ix-month" id="m-([\d-]+)">', page)
    assert months == ["2021-06", "2021-05", "2021-04"]
    cards = dict(zip(months, re.split(r'<article class="ix-month"', page)[1:]))
    assert "Tháng sáu." in cards["2021-06"] and 'data-flags="2"' in cards["2021-06"]
    assert label("index.flags", count=2) in cards["2021-06"] and label("index.no_flags") in cards["2021-04"]
    assert 'href="2021-06/monthly_summary.html"' in cards["2021-06"] and 'href="2021-06/monthly_summary.pdf"' in cards["2021-06"]
    assert "Sở Khoa học và Công nghệ tỉnh Bắc Kạn" in cards["2021-05"] and "Tháng năm." in cards["2021-05"]
    assert label("illustrative.mark") not in cards["2021-05"] and label("illustrative.mark") in cards["2021-04"]
    assert "monthly_summary.pdf" not in cards["2021-05"] and label("index.no_pdf") in cards["2021-05"]
    assert label("illustrative.banner") in page  # some units are illustrative: said at the top, as on every page
    yearly = page.split(label("index.yearly", year="2021"))[1]
    assert 'href="2021/yoy_indicators.html"' in yearly and 'href="2021/yoy_indicators.pdf"' in yearly
    assert broken_links(tmp_path) == []


def test_months_of_earlier_runs_stay_in_the_index(tmp_path):
    fake_report(tmp_path, "2020-12")
    index.update_index(tmp_path)
    fake_report(tmp_path, "2021-01")  # a later run, another month
    page = index.update_index(tmp_path).read_text(encoding="utf-8")
    assert re.findall(r'id="m-([\d-]+)"', page) == ["2021-01", "2020-12"]
    assert page.index('id="y-2021"') < page.index('id="y-2020"')


def test_a_report_without_metadata_from_an_older_run_is_listed_by_its_title(tmp_path):
    page = fake_report(tmp_path, "2021-02")
    page.with_name("monthly_summary.meta.json").unlink()
    text = index.update_index(tmp_path).read_text(encoding="utf-8")
    assert "Báo cáo 2021-02" in text and label("index.unit_unknown") in text
    assert 'href="2021-02/monthly_summary.html"' in text


def test_everything_in_the_index_is_escaped(tmp_path):
    fake_report(tmp_path, "2021-03", point=HOSTILE)
    text = index.update_index(tmp_path).read_text(encoding="utf-8")
    assert HOSTILE not in text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in text
    assert "<script" not in text


def test_the_index_is_self_contained(tmp_path):
    fake_report(tmp_path, "2021-03")
    text = index.update_index(tmp_path).read_text(encoding="utf-8")
    for fetch in ("http:", "https:", "<script", "<link", "@import", "url(", "@font-face"):
        assert fetch not in text, fetch
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text


def test_the_index_speaks_english_with_lang_en(tmp_path):
    fake_report(tmp_path, "2021-03", lang="en")
    text = index.update_index(tmp_path, lang="en", now=datetime(2021, 4, 2, 9, 30)).read_text(encoding="utf-8")
    assert '<html lang="en">' in text and label("index.title", "en") in text and "03/2021" in text
    assert label("index.title", "vi") not in text and "Tháng 03/2021" not in text
    assert label("nav.index", "en") in nav(tmp_path / "2021-03" / "monthly_summary.html")


def test_an_empty_folder_gets_an_index_that_says_so(tmp_path):
    text = index.update_index(tmp_path / "reports").read_text(encoding="utf-8")
    assert index.esc(label("index.empty")) in text


# ---------------------------------------------------------------- month to month

def test_each_briefing_links_the_index_and_its_neighbours_of_the_same_unit(tmp_path):
    pages = {k: fake_report(tmp_path, k) for k in ("2021-04", "2021-05", "2021-06")}
    real = fake_report(tmp_path, "2021-07", org=REAL_ORG)
    index.update_index(tmp_path)
    middle = links_of(pages["2021-05"])
    assert middle == ["../index.html", "../2021-04/monthly_summary.html", "../2021-06/monthly_summary.html"]
    assert links_of(pages["2021-04"]) == ["../index.html", "../2021-05/monthly_summary.html"]  # no month before
    assert links_of(pages["2021-06"]) == ["../index.html", "../2021-05/monthly_summary.html"]  # July is another unit
    assert links_of(real) == ["../index.html"]
    assert "← Tháng 04/2021" in nav(pages["2021-05"]) and "Tháng 06/2021 →" in nav(pages["2021-05"])


def test_a_month_rendered_after_its_neighbour_is_linked_from_it(tmp_path):
    may = fake_report(tmp_path, "2021-05")
    index.update_index(tmp_path)
    assert links_of(may) == ["../index.html"]
    fake_report(tmp_path, "2021-04")  # a later run renders the month before
    index.update_index(tmp_path)
    assert links_of(may) == ["../index.html", "../2021-04/monthly_summary.html"]
    assert broken_links(tmp_path) == []


def test_a_neighbour_that_is_gone_loses_its_link(tmp_path):
    may = fake_report(tmp_path, "2021-05")
    fake_report(tmp_path, "2021-06")
    index.update_index(tmp_path)
    shutil.rmtree(tmp_path / "2021-06")
    index.update_index(tmp_path)
    assert links_of(may) == ["../index.html"] and broken_links(tmp_path) == []


def test_the_cli_writes_the_index_in_the_language_asked_and_prints_its_path_last(tmp_path, monkeypatch, capsys):
    from report_fixtures import write_store
    from sokhcn_analytics.cli import commands
    from sokhcn_analytics.reports import runner

    store = write_store(tmp_path / "processed")
    monkeypatch.setattr(runner, "run_jobs", lambda jobs, **kw: [])  # no notebook: the index of what is there
    fake_report(tmp_path / "out", "2021-02")
    for lang, title in (("en", label("index.title", "en")), ("vi", label("index.title", "vi"))):
        code = commands.cmd_report(args(period="2021-03", data=str(store), out=str(tmp_path / "out"), lang=lang))
        assert code == 0
        assert capsys.readouterr().out.splitlines()[-1] == str(tmp_path / "out" / "index.html")
        assert title in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- a real batch

@pytest.fixture(scope="module")
def batch(tmp_path_factory, chromium) -> tuple[Path, str]:  # PDFs are printed: Chromium or fail
    """2021-01..2021-03 of the small store, default notebooks, PDFs: two illustrative months (February
    with a figure far off its level) and the real department's March."""
    root = tmp_path_factory.mktemp("index-batch")
    df = indicator_rows()
    spike = (df["org"] == ILLUSTRATIVE_ORG) & (df["period"] == "2021-02") & (df["indicator"] == "mushroom_spawn_kg")
    df.loc[spike & (df["kind"] == "result"), "value"] = 2400.0
    (root / "processed").mkdir()
    df.to_parquet(root / "processed" / "indicators.parquet", index=False)
    task_rows().to_parquet(root / "processed" / "tasks.parquet", index=False)
    done = subprocess.run([*sokhcn_cmd(), "report", "--from", "2021-01", "--to", "2021-03", "--jobs", "2",
                           "--data", str(root / "processed"), "--out", str(root / "reports")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return root / "reports", done.stdout


@pytest.mark.slow
def test_a_batch_of_three_months_has_an_index_of_them_all(batch):
    out, stdout = batch
    assert stdout.splitlines()[-1] == str(out / "index.html")
    page = (out / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'id="m-([\d-]+)"', page) == ["2021-03", "2021-02", "2021-01"]
    cards = dict(zip(["2021-03", "2021-02", "2021-01"], re.split(r'<article class="ix-month"', page)[1:]))
    assert 'data-flags="1"' in cards["2021-02"] and 'data-flags="0"' in cards["2021-01"]
    assert label("illustrative.mark") in cards["2021-01"] and label("illustrative.mark") not in cards["2021-03"]
    assert "Bắc Kạn" in cards["2021-03"]
    for key, card in cards.items():
        meta = index.read_entry(out / key / "monthly_summary.html")
        assert meta.first_point and index.esc(meta.first_point) in card
        assert f'href="{key}/monthly_summary.html"' in card and f'href="{key}/monthly_summary.pdf"' in card
    assert "Giống nấm" in cards["2021-02"]  # the flagged figure is February's first main point
    for name in ("yoy_indicators", "tasks_portfolio"):
        assert f'href="2021/{name}.html"' in page and f'href="2021/{name}.pdf"' in page
    linked = set(re.findall(r'href="([^"]+)"', page))
    made = {str(p.relative_to(out)) for p in out.glob("*/*") if p.suffix in (".html", ".pdf")}
    assert made <= linked  # every report the run made


@pytest.mark.slow
def test_after_a_batch_every_link_of_every_page_resolves_even_copied_elsewhere(batch, tmp_path):
    out, _ = batch
    copy = tmp_path / "shared drive" / "báo cáo"
    shutil.copytree(out, copy)
    assert broken_links(copy) == []
    february = links_of(copy / "2021-02" / "monthly_summary.html")
    assert february[:2] == ["../index.html", "../2021-01/monthly_summary.html"]
    assert "../2021-03/monthly_summary.html" not in february  # March is the real department's
    text = subprocess.run(["pdftotext", str(out / "2021-02" / "monthly_summary.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert label("nav.index") not in text  # the links are for the screen, not the printed page


@pytest.mark.slow
def test_the_index_and_a_briefing_read_on_a_phone_without_sideways_scrolling(batch, chromium):
    from playwright.sync_api import sync_playwright

    out, _ = batch
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                           "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            for rel in ("index.html", "2021-02/monthly_summary.html"):
                page.goto((out / rel).resolve().as_uri(), wait_until="load")
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, (rel, width)
                page.screenshot(path=str(ARTIFACTS / f"phone_index_{rel.replace('/', '_')}.png"), full_page=True)
            assert all(u.startswith(("file:", "data:")) for u in requests), requests  # nothing from the network
            page.goto((out / "index.html").resolve().as_uri())
            page.click("#m-2021-02 .ix-links a >> nth=0")
            assert page.url.endswith("/2021-02/monthly_summary.html")
            page.click("nav.sokhcn-nav a[rel=prev]")
            assert page.url.endswith("/2021-01/monthly_summary.html")
        finally:
            browser.close()
