"""Every notebook executed with papermill on a real kernel over a small store, then checked
as leadership reads it: HTML without code, offline, Vietnamese, numbers equal to the store's;
PDF text; the page in headless Chromium with the network off. One batch, run once per module.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from report_fixtures import HOSTILE, REAL, args, failing_notebook, write_store
from sokhcn_analytics.cli import commands as cli_commands
from sokhcn_analytics.reports import kernels
from sokhcn_analytics.reports import runner as report
from sokhcn_analytics.reports.export import browser_flags
from sokhcn_analytics.core.vnformat import format_number

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).parent / "artifacts"
NOTEBOOKS = ["monthly_summary", "yoy_indicators", "tasks_portfolio", "explore"]


@pytest.fixture(scope="module")
def batch(chromium, tmp_path_factory):
    """2021-02 (illustrative only) and 2021-03 (real and illustrative), all four notebooks, with PDFs."""
    root = tmp_path_factory.mktemp("report")
    store = write_store(root / "processed")
    out = root / "reports"
    code, stdout, stderr = run_cli(args(from_period="2021-02", to_period="2021-03", data=str(store), out=str(out),
                                        notebooks=NOTEBOOKS, jobs=2))
    return {"code": code, "stdout": stdout, "stderr": stderr, "out": out, "store": store}


def run_cli(ns):
    import contextlib
    import io

    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        code = cli_commands.cmd_report(ns)
    return code, o.getvalue(), e.getvalue()


def read(batch, rel) -> str:
    return (batch["out"] / rel).read_text(encoding="utf-8")


def test_batch_writes_notebook_html_and_pdf_and_prints_each_path(batch):
    assert batch["code"] == 0, batch["stderr"]
    printed = batch["stdout"].split()
    expected = [f"{k}/{n}.{ext}" for k, n in [("2021-02", "monthly_summary"), ("2021-03", "monthly_summary"),
                                             ("2021-02", "explore"), ("2021-03", "explore"),
                                             ("2021", "yoy_indicators"), ("2021", "tasks_portfolio")]
                for ext in ("ipynb", "html", "pdf")]
    assert sorted(printed[:-1]) == sorted(str(batch["out"] / e) for e in expected)
    assert printed[-1] == str(batch["out"] / "index.html")  # the page to open, last
    assert all(Path(p).stat().st_size > 0 for p in printed)


@pytest.mark.parametrize("rel", ["2021-03/monthly_summary.html", "2021-02/monthly_summary.html",
                                 "2021/yoy_indicators.html", "2021/tasks_portfolio.html", "2021-03/explore.html"])
def test_html_has_no_code_and_needs_nothing_from_the_network(batch, rel):
    page = re.sub(r"<style.*?</style>", "", read(batch, rel), flags=re.S)
    assert "jp-CodeMirrorEditor" not in page and "cm-editor" not in page and "jp-InputPrompt" not in page
    assert "In&nbsp;[" not in page and "Out[" not in page
    assert "df = load_indicators(processed_dir)" not in page and "from sokhcn_analytics import" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"<script[^>]*\bsrc=", page, re.I) and "<link" not in page.lower()
    assert "@import" not in page and "url(http" not in page
    assert '<html lang="vi">' in page


def test_monthly_summary_reads_in_vietnamese_with_toc_and_footer(batch):
    page = read(batch, "2021-03/monthly_summary.html")
    for text in ["<title>Báo cáo tình hình hoạt động tháng 03/2021 — Sở Khoa học và Công nghệ tỉnh Bắc Kạn</title>",
                 "Điểm chính", "Phụ lục", "Mục lục", "Tất cả chỉ tiêu trong tháng", "Nguồn số liệu",
                 "Dữ liệu đến: Tháng 03/2021", "Tạo lúc:", "Nguồn: data/raw/workbooks/2021-03_so-khcn-bac-kan.xlsx",
                 "Giống nấm sản xuất: 1.234,5 kg."]:
        assert text in page, text
    assert page.index("Điểm chính") < page.index('class="sk-card"') < page.index("Phụ lục") < page.index("Mục lục")
    toc = re.search(r'<nav class="sokhcn-toc".*?</nav>', page, re.S).group(0)
    assert toc.count("<li>") >= 2 and 'href="#sec-' in toc and "Phụ lục" not in toc


def test_monthly_numbers_equal_the_store(batch):
    from sokhcn_analytics.store.build import load_indicators

    page = read(batch, "2021-03/monthly_summary.html")
    stored = load_indicators(batch["store"])
    real = stored[(stored["org"] == "so-khcn-bac-kan") & (stored["period"] == "2021-03")]
    assert len(real) == len(REAL)
    for value in real["value"]:
        assert f'<td class="num">{format_number(value)}</td>' in page


def test_every_value_from_the_data_is_escaped(batch):
    for rel in ("2021-03/monthly_summary.html", "2021/tasks_portfolio.html"):
        page = read(batch, rel)
        assert HOSTILE not in page and "<script>alert" not in page
        assert "&lt;script&gt;alert(" in page


def test_illustrative_pages_carry_the_banner_and_real_ones_do_not(batch):
    assert 'class="sokhcn-banner"' in read(batch, "2021-02/monthly_summary.html")
    assert "DỮ LIỆU MINH HỌA" in read(batch, "2021/yoy_indicators.html")
    real = read(batch, "2021-03/monthly_summary.html")
    assert 'class="sokhcn-banner"' not in real and "DỮ LIỆU MINH HỌA" not in real


def test_yearly_notebooks_compare_years_and_show_the_task_register(batch):
    yoy_page = read(batch, "2021/yoy_indicators.html")
    assert "So sánh cùng kỳ năm 2021 và năm 2020" in yoy_page and "Theo lĩnh vực: Sản xuất tại Trung tâm" in yoy_page
    assert "730" in yoy_page  # YTD 2021 through March: 250 + 180 + 300
    tasks_page = read(batch, "2021/tasks_portfolio.html")
    assert "Danh mục nhiệm vụ KH&amp;CN năm 2021" in tasks_page and "Đã nghiệm thu" in tasks_page


def test_explore_page_carries_the_explorer_as_static_html_without_widget_state(batch):
    page = read(batch, "2021-03/explore.html")
    chart = re.search(r"<svg [^>]*>", page).group(0)  # (nbconvert orders the attributes)
    assert 'class="sokhcn-explorer-chart"' in chart
    assert 'data-indicator="mushroom_spawn_kg"' in chart  # the real unit reports no tasks: its first key figure
    assert "Nguồn số liệu Tháng 03/2021" in page and "workbooks/2021-03_so-khcn-bac-kan.xlsx" in page
    assert "widget-state" not in page and "widget-view" not in page and HOSTILE not in page


def test_charts_are_inline_vector_or_embedded_images(batch):
    page = read(batch, "2021-02/monthly_summary.html")
    svgs = re.findall(r'<svg [^>]*>', page)
    assert len([x for x in svgs if re.search(r'class="sk-(spark|panel-svg)"', x) and 'aria-label="' in x]) >= 2
    tasks_page = read(batch, "2021/tasks_portfolio.html")
    images = re.findall(r'<img [^>]*src="data:image/png;base64,[^"]+"[^>]*>', tasks_page)
    assert images and all('alt=""' not in img for img in images)


def test_pdf_is_a4_text_with_diacritics_page_numbers_and_charts(batch):
    from pypdf import PdfReader

    pdf = batch["out"] / "2021-02" / "monthly_summary.pdf"
    reader = PdfReader(pdf)
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) < 2 and abs(float(box.height) - 842) < 2
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout \
        if shutil.which("pdftotext") else "\n".join(p.extract_text() for p in reader.pages)
    assert "Báo cáo tình hình hoạt động tháng 02/2021" in text
    assert "Điểm chính" in text and "Nguồn số liệu" in text
    assert f"Trang 1 / {len(reader.pages)}" in text
    assert 2 <= len(reader.pages) <= 4  # the briefing, then an appendix that flows


def test_notebooks_keep_a_parameters_cell_and_run_from_their_defaults():
    for name in NOTEBOOKS:
        nb = nbformat.read(Path(report.__file__).parent / "notebooks" / f"{name}.ipynb", as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, name
        src = tagged[0].source
        assert ("period =" in src or "year =" in src) and "processed_dir =" in src and "lang =" in src
        assert nb.metadata["kernelspec"]["name"] == "python3"


def test_monthly_html_opens_offline_in_chromium_without_errors(chromium, batch, tmp_path):
    browser = chromium
    page = read(batch, "2021-02/monthly_summary.html")
    probe = """<script>
window.__errors = [];
window.addEventListener('error', function (e) { __errors.push(String(e.message || (e.target && (e.target.src || e.target.href)))); }, true);
var __ce = console.error; console.error = function () { __errors.push([].join.call(arguments, ' ')); __ce.apply(console, arguments); };
window.addEventListener('load', function () {
  var imgs = [].map.call(document.querySelectorAll('svg.sk-spark, svg.sk-panel-svg, img'), function (i) { var r = i.getBoundingClientRect(); return [i.naturalWidth || 1, i.naturalHeight || 1, Math.round(r.width), Math.round(r.height)]; });
  var pre = document.createElement('pre'); pre.id = '__probe'; pre.textContent = JSON.stringify({errors: __errors, imgs: imgs});
  document.body.appendChild(pre);
});
</script>"""
    probed = tmp_path / "probe.html"
    probed.write_text(page.replace("<head>", "<head>" + probe, 1), encoding="utf-8")
    offline = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
               "--window-size=412,2000", "--virtual-time-budget=5000"]
    dom = subprocess.run([browser, *browser_flags(str(tmp_path / "profile")), *offline, "--dump-dom",
                          probed.as_uri()], capture_output=True, text=True, timeout=120).stdout
    found = re.search(r'<pre id="__probe">(.*?)</pre>', dom, re.S)
    assert found, "the page did not finish loading"
    result = json.loads(html.unescape(found.group(1)))
    assert result["errors"] == []
    assert len(result["imgs"]) >= 2 and all(w > 0 and h > 0 and rw > 0 and rh > 0 for w, h, rw, rh in result["imgs"])
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "monthly_summary_phone.png"
    subprocess.run([browser, *browser_flags(str(tmp_path / "profile2")), *offline, f"--screenshot={shot}",
                    (batch["out"] / "2021-02" / "monthly_summary.html").as_uri()],
                   capture_output=True, text=True, timeout=120)
    assert shot.stat().st_size > 10_000


def test_failing_notebook_in_a_batch_of_three_periods(tmp_path):
    store = write_store(tmp_path / "processed")
    nb = failing_notebook(tmp_path / "fragile.ipynb", fail_period="2021-02")
    out = tmp_path / "reports"
    code, stdout, stderr = run_cli(args(from_period="2021-01", to_period="2021-03", data=str(store), out=str(out),
                                        notebooks=[str(nb)], no_pdf=True, jobs=2))
    assert code == 1
    assert (out / "2021-01" / "fragile.html").is_file() and (out / "2021-03" / "fragile.html").is_file()
    partial = out / "2021-02" / "fragile.ipynb"
    assert partial.is_file() and not (out / "2021-02" / "fragile.html").exists()
    assert "RuntimeError" in partial.read_text(encoding="utf-8")
    assert "fragile (2021-02): lỗi ở ô số 2" in stderr and "RuntimeError: hỏng kỳ 2021-02" in stderr
    assert "1/3 báo cáo bị lỗi" in stderr and str(partial) in stderr
    assert str(out / "2021-03" / "fragile.html") in stdout.split()


def test_kernel_is_this_virtualenvs_interpreter(tmp_path):
    import papermill as pm

    nb = failing_notebook(tmp_path / "which.ipynb", fail_period="never")
    nb_node = nbformat.read(nb, as_version=4)
    nb_node.cells[1].source = "import sys\nprint(sys.executable)"
    nbformat.write(nb_node, nb)
    done = pm.execute_notebook(str(nb), str(tmp_path / "which_out.ipynb"), kernel_name=kernels.ensure_kernel(),
                               progress_bar=False, kernel_manager_class=kernels.kernel_manager_class())
    assert done.cells[-1].outputs[0]["text"].strip() == sys.executable


def test_batch_reuses_one_kernel_and_clears_it_between_notebooks(tmp_path):
    store = write_store(tmp_path / "processed")
    nb_path = failing_notebook(tmp_path / "leaky.ipynb", fail_period="never")
    nb_node = nbformat.read(nb_path, as_version=4)
    nb_node.cells[1].source = ('import os\nif period == "2021-01":\n    leak = 1\n'
                               'assert "leak" not in dir() or period == "2021-01"\nprint(os.getpid())')
    nbformat.write(nb_node, nb_path)
    jobs = report.plan_jobs(["2021-01", "2021-02"], [str(nb_path)], processed_dir=store, out=tmp_path / "r")
    results = report.run_jobs(jobs, n_jobs=1, pdf=False, progress=False)
    assert [r.error for r in results] == [None, None]
    pids = [nbformat.read(tmp_path / "r" / p / "leaky.ipynb", as_version=4).cells[-1].outputs[0]["text"].strip()
            for p in ("2021-01", "2021-02")]
    assert pids[0] == pids[1]
