"""The fast paths that lean on other libraries' internals, and the stock paths behind them.

Each internal is removed the way an upgrade would move it (tests/internals_gone.py): the fast
path is then left with one warning, and the report still comes out, the same.
"""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from matplotlib.figure import Figure

import internals_gone
from conftest import sokhcn_cmd
from report_fixtures import write_store
from test_report_kernel import notebook
from sokhcn_analytics.core import compat
from sokhcn_analytics.reports import kernels
from sokhcn_analytics.reports import present
from sokhcn_analytics.reports import runner as report

TESTS = Path(__file__).resolve().parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


@pytest.fixture(autouse=True)
def fresh_checks():
    compat.reset()
    yield
    compat.reset()


def test_every_fast_path_is_taken_when_its_internal_is_there():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert all(compat.fast(name) for name in compat._CHECKS)
    assert kernels.kernel_client_class().__name__ == "SokhcnKernelClient"
    assert kernels.kernel_manager_class().__name__ == "SokhcnKernelManager"


@pytest.mark.slow
def test_without_the_kernel_internals_notebooks_run_on_the_stock_client_and_manager(tmp_path, monkeypatch):
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

    internals_gone.remove_kernel_info_handler(patch=monkeypatch)
    names = AsyncKernelManager.class_trait_names()
    monkeypatch.setattr(AsyncKernelManager, "class_trait_names", classmethod(lambda cls, **kw: [
        n for n in names if n != "transport"]))
    with pytest.warns(RuntimeWarning) as said:
        assert kernels.kernel_client_class() is AsyncKernelClient
        manager = kernels.kernel_manager_class()
    assert sorted(re.search(r"'(\w+)'", str(w.message)).group(1) for w in said) == ["kernel_client", "kernel_manager"]
    assert "transport" not in vars(manager) and manager.__mro__[1] is AsyncKernelManager

    nb = notebook(tmp_path / "n.ipynb", "print(6 * 7)")
    jobs = report.plan_jobs(["2021-01"], [str(nb)], processed_dir=write_store(tmp_path / "p"), out=tmp_path / "r")
    [res] = report.run_jobs(jobs, n_jobs=1, pdf=False, progress=False)
    assert res.error is None and (tmp_path / "r" / "2021-01" / "n.html").is_file()
    assert "42" in (tmp_path / "r" / "2021-01" / "n.ipynb").read_text(encoding="utf-8")


def test_without_renderer_agg_text_is_measured_the_same_by_a_canvas_renderer(monkeypatch):
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family="DejaVu Sans", size=10)
    text = "Lũy kế từ đầu năm đến Tháng 01/2021"
    fast = compat.text_renderer(144).get_text_width_height_descent(text, prop, ismath=False)
    internals_gone.remove_renderer_agg(patch=monkeypatch)
    compat.reset()
    with pytest.warns(RuntimeWarning, match="text_renderer"):
        stock = compat.text_renderer(144)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once per process
        compat.text_renderer(144)
    assert stock.get_text_width_height_descent(text, prop, ismath=False) == fast


def test_a_figure_title_is_found_with_or_without_get_suptitle(monkeypatch):
    from matplotlib.figure import FigureBase

    fig = Figure()
    fig.suptitle("Giống nấm")
    fig.add_subplot().set_title("trục")
    assert present.figure_title(fig) == "Giống nấm"
    monkeypatch.delattr(FigureBase, "get_suptitle")  # an older matplotlib
    assert compat.suptitle(fig) == "Giống nấm" and present.figure_title(fig) == "Giống nấm"
    plain = Figure()
    plain.add_subplot().set_title("trục")
    assert compat.suptitle(plain) == "" and present.figure_title(plain) == "trục"


def test_without_run_exitfuncs_the_command_still_leaves_with_its_code_its_output_and_its_handlers(
        shipped_store, tmp_path):
    done = subprocess.run([sys.executable, "-c", (
        "import atexit, sys\ndel atexit._run_exitfuncs\nfrom sokhcn_analytics import cli\n"
        "atexit.register(lambda: print('handler ran'))\n"
        f"sys.argv = ['sokhcn', 'report', '--period', '2018-05', '--data', {str(shipped_store)!r}, "
        f"'--out', {str(tmp_path / 'r')!r}]\n"
        "print('written before')\ncli.run()\nprint('never reached')")],
        capture_output=True, text=True, timeout=120, env=ENV)
    assert done.returncode == 1
    assert done.stdout.split("\n")[:2] == ["written before", "handler ran"] and "never reached" not in done.stdout
    assert "Đường nhanh 'quick_exit'" in done.stderr and "Traceback" not in done.stderr
    assert len([ln for ln in done.stderr.splitlines() if "Đường nhanh" in ln]) == 1


@pytest.mark.slow
def test_the_reports_come_out_the_same_with_every_internal_gone(shipped_store, tmp_path):
    """``sokhcn report`` in a process, and kernels, where each internal was renamed at start-up: the
    monthly briefing (SVG charts) and the task portfolio (a matplotlib chart, through the renderer)."""
    site = os.pathsep.join([str(TESTS / "fallback_site"), str(TESTS)])
    runs = {}
    for name, env in (("fast", ENV), ("stock", {**ENV, "PYTHONPATH": site})):
        done = subprocess.run([*sokhcn_cmd(), "report", "--period", "2021-06", "--notebook", "monthly_summary",
                               "--notebook", "tasks_portfolio", "--no-pdf", "--data", str(shipped_store),
                               "--out", str(tmp_path / name)],
                              capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, done.stderr
        runs[name] = done
    said = re.findall(r"Đường nhanh '(\w+)'", runs["stock"].stderr)
    assert sorted(set(said)) == ["html_export", "kernel_client", "quick_exit"] and "Đường nhanh" not in runs["fast"].stderr
    executed = (tmp_path / "stock" / "2021" / "tasks_portfolio.ipynb").read_text(encoding="utf-8")
    assert "Đường nhanh 'text_renderer'" in executed  # in the kernel: its stderr, not the HTML

    def shown(name, rel):
        text = (tmp_path / name / rel).read_text(encoding="utf-8")
        text = re.sub(r'id="cell-id=[^"]*"|\d\d/\d\d/\d{4} \d\d:\d\d|<div class="jp-OutputArea-child">\s*</div>', "",
                      text)
        images = sorted(re.findall(r'<img (?=[^>]*alt="([^"]+)")(?=[^>]*src="([^"]+)")', text))
        return images, " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())  # words as a reader sees them

    for rel in ("2021-06/monthly_summary.html", "2021/tasks_portfolio.html"):
        (fast_images, fast_text), (stock_images, stock_text) = shown("fast", rel), shown("stock", rel)
        assert stock_images == fast_images  # the same charts, pixel for pixel
        assert stock_text == fast_text and "Đường nhanh" not in stock_text
    assert shown("fast", "2021/tasks_portfolio.html")[0]  # a matplotlib chart was compared



@pytest.mark.slow
def test_the_report_modules_decline_a_slow_optional_import_and_notebooks_still_validate():
    """jsonschema imports rfc3987_syntax when it is installed (with JupyterLab): 38 grammars compiled,
    1.2 s per ``sokhcn report``. The report modules make it look absent; nbformat validates as before."""
    code = ("import sys, sokhcn_analytics.reports.runner, nbformat\n"
            "from nbformat.v4 import new_notebook, new_code_cell\n"
            "nbformat.validate(new_notebook(cells=[new_code_cell('1')]))\n"
            "print(sys.modules.get('rfc3987_syntax', 'absent'))\n")
    declined = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert declined.returncode == 0, declined.stderr
    assert declined.stdout.strip() in ("None", "absent")
    kept = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**ENV, "SOKHCN_KEEP_OPTIONAL_IMPORTS": "1"})
    assert kept.returncode == 0 and kept.stdout.strip() != "None"


def _explorer():
    pytest.importorskip("ipywidgets")
    import pandas as pd

    from sokhcn_analytics.core.model import REAL_ORG, normalize_indicators
    from sokhcn_analytics.explorer.widget import Explorer

    rows = [{"org": REAL_ORG, "period": f"{y}-{m:02d}", "indicator": code, "value": 10.0 + m, "unit": "",
             "kind": "result", "source_file": "a.xlsx", "source_ref": "ChiTieu!D9", "reviewed": True}
            for y in (2020, 2021) for m in range(1, 13) for code in ("mushroom_spawn_kg", "tasks_managed")]
    return Explorer(normalize_indicators(pd.DataFrame(rows)), org=REAL_ORG, indicators=["mushroom_spawn_kg"])


def test_with_the_selection_validator_a_value_outside_the_options_widens_them():
    ex = _explorer()
    ex.category.value = "lab_production"
    assert "tasks_managed" not in {v for _, v in ex.indicators.options}
    ex.indicators.value = ("tasks_managed",)
    assert ex.indicators.value == ("tasks_managed",) and type(ex.indicators).__name__ == "WideningSelectMultiple"


def test_without_the_selection_validator_select_still_widens_and_plain_assignment_is_refused(monkeypatch):
    from traitlets import TraitError

    internals_gone.remove_selection_validator(patch=monkeypatch)
    with pytest.warns(RuntimeWarning, match="selection_validator"):
        ex = _explorer()
    ex.category.value = "lab_production"
    with pytest.raises(TraitError):  # ipywidgets' own rule, as the stock widget has it
        ex.indicators.value = ("tasks_managed",)
    ex.select(indicators=["tasks_managed"], year=2020, compare_year=None)
    assert ex.indicators.value == ("tasks_managed",) and ex.year.value == 2020 and ex.compare_year.value is None


def test_the_html_export_shortcut_writes_what_nbconverts_own_export_writes():
    """The shortcut skips only nbconvert's last BeautifulSoup pass (alt text for images that lack one,
    ``tabindex`` on cells): on a report page whose images all carry alt text, the pages are the same."""
    from bs4 import BeautifulSoup
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from sokhcn_analytics.reports import export

    pixel = export._PIXEL
    nb = new_notebook(cells=[
        new_markdown_cell("## Điểm chính"),
        new_code_cell("x = 1", outputs=[new_output("display_data", data={
            "text/html": f'<p>Giống nấm: <b>1.234</b> kg</p><img alt="biểu đồ" src="data:image/png;base64,{pixel}">'})]),
        new_code_cell("df", outputs=[new_output("execute_result", execution_count=1, data={
            "text/html": "<table><tr><th>Chỉ tiêu</th><td>36</td></tr></table>", "text/plain": "36"})]),
    ], metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}})
    fast_html = compat.html_export(export._exporter.__wrapped__(), nb, {})
    stock_html = export._exporter.__wrapped__().from_notebook_node(nb)[0]

    def page(text):
        soup = BeautifulSoup(text, "html.parser")
        for tag in soup.find_all(attrs={"tabindex": True}):
            del tag["tabindex"]
        return " ".join(str(soup).split())

    assert compat.fast("html_export")
    assert "1.234" in fast_html and page(fast_html) == page(stock_html)
