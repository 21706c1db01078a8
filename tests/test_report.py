"""The runner's checks and plans, and the HTML/PDF helpers, without starting kernels."""
from __future__ import annotations

import contextlib
import io

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from report_fixtures import HOSTILE, args, failing_notebook, write_store
from sokhcn_analytics.cli import commands as cli_commands
from sokhcn_analytics.reports import export
from sokhcn_analytics.reports import present
from sokhcn_analytics.reports import runner as report


def run_cli(ns):
    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        code = cli_commands.cmd_report(ns)
    return code, o.getvalue(), e.getvalue()


@pytest.fixture
def store(tmp_path):
    return write_store(tmp_path / "processed")


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if anything tries to run a notebook."""
    def boom(*a, **k):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(report, "execute_job", boom)


def test_period_without_data_is_an_error_before_any_kernel_starts(store, tmp_path, no_kernel):
    code, out, err = run_cli(args(period="2019-05", data=str(store), out=str(tmp_path / "r")))
    assert code == 1 and out == ""
    assert "Không có số liệu cho kỳ 2019-05" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_range_names_every_missing_period(store, tmp_path, no_kernel):
    code, _, err = run_cli(args(from_period="2021-03", to_period="2021-05", data=str(store), out=str(tmp_path / "r")))
    assert code == 1 and "2021-04, 2021-05" in err


@pytest.mark.parametrize("field", ["period", "out", "from_period"])
def test_path_climbing_values_are_refused(store, tmp_path, no_kernel, field, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ns = args(period="2021-03", data=str(store))
    setattr(ns, field, "../../x")
    code, out, err = run_cli(ns)
    assert code == 1 and out == "" and err.strip()
    assert not (tmp_path.parent.parent / "x").exists()


def test_validate_out_accepts_plain_and_absolute_folders(tmp_path):
    assert str(report.validate_out("reports")) == "reports"
    assert report.validate_out(tmp_path / "r") == tmp_path / "r"
    with pytest.raises(report.ReportError) as e:
        report.validate_out("reports/../../etc")
    assert e.value.reason == "bad_out"


def test_unknown_notebook_name_is_refused_with_the_folder(store, no_kernel):
    code, _, err = run_cli(args(period="2021-03", data=str(store), notebooks=["monthly_sumary"]))
    assert code == 1 and "monthly_sumary" in err
    code, _, err = run_cli(args(period="2021-03", data=str(store), notebooks=["x; rm -rf /"]))
    assert code == 1 and "không hợp lệ" in err


def test_yearly_notebooks_run_once_per_year_through_the_last_month(tmp_path):
    periods = ["2020-11", "2020-12", "2021-01", "2021-02"]
    jobs = report.plan_jobs(periods, ["monthly_summary", "yoy_indicators"], processed_dir=tmp_path, out=tmp_path / "r")
    yearly = [(j.key, j.parameters["through"], j.out_dir) for j in jobs if j.notebook == "yoy_indicators"]
    assert yearly == [("2020", "2020-12", str(tmp_path / "r" / "2020")), ("2021", "2021-02", str(tmp_path / "r" / "2021"))]
    monthly = [j for j in jobs if j.notebook == "monthly_summary"]
    assert [j.out_dir for j in monthly] == [str(tmp_path / "r" / p) for p in periods]
    # parameters are plain values for papermill, never code
    for j in jobs:
        assert all(isinstance(v, (str, int)) for v in j.parameters.values())
        assert j.parameters["processed_dir"] == str(tmp_path.resolve()) and j.parameters["lang"] == "vi"


def test_all_takes_every_period_with_results(store):
    from sokhcn_analytics.store.build import load_indicators

    df = load_indicators(store)
    periods = report.select_periods(df, all_periods=True)
    assert periods[0] == "2020-01" and periods[-1] == "2021-03" and len(periods) == 15
    assert report.select_periods(df) == ["2021-03"]  # default: latest real period


def test_notebook_scope_comes_from_its_metadata(tmp_path):
    assert report.notebook_scope(report.resolve_notebook("yoy_indicators")) == "year"
    assert report.notebook_scope(report.resolve_notebook("monthly_summary")) == "month"
    assert report.notebook_scope(failing_notebook(tmp_path / "f.ipynb", "x")) == "month"


def test_no_browser_writes_html_and_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("SOKHCN_BROWSER", "")
    assert export.find_browser() is None
    html_file = tmp_path / "a.html"
    html_file.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(export.BrowserNotFound) as e:
        export.render_pdf(html_file)
    assert "sudo apt-get install chromium" in str(e.value)

    # at the job level: the HTML is kept, the message is a warning, no error
    nb = new_notebook(cells=[new_code_cell("1")])
    monkeypatch.setattr("papermill.execute_notebook", lambda *a, **k: nbformat.write(nb, a[1]) or nb)
    job = report.plan_jobs(["2021-01"], [str(failing_notebook(tmp_path / "n.ipynb", "x"))], out=tmp_path / "r")[0]
    res = report.execute_job(job, pdf=True, kernel_name="python3")
    assert res.error is None and "sudo apt-get install chromium" in res.warning
    assert [p.rsplit(".", 1)[1] for p in res.written] == ["ipynb", "html"]


def test_toc_lists_the_sections_after_it_and_forces_no_page_break():
    body = ('<h2 class="sokhcn-h2" id="sec-top">Điểm chính</h2>'
            '<h2 class="sokhcn-h2 sokhcn-appendix" id="sec-pl">Phụ lục</h2><nav class="sokhcn-toc"></nav>'
            '<h2 class="sokhcn-h2" id="sec-a">Nhận xét</h2><h2 class="sokhcn-h2" id="sec-b">Nguồn &amp; file</h2>')
    out = export.insert_toc(body)
    assert '<ol><li><a href="#sec-a">Nhận xét</a></li><li><a href="#sec-b">Nguồn &amp; file</a></li></ol>' in out
    assert "sokhcn-break" not in out and "Mục lục" in out


def test_html_from_a_notebook_has_no_code_and_no_cdn():
    nb = new_notebook(cells=[new_code_cell("secret_code = 1", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": "<p>kết quả</p>"})])])
    page = export.notebook_to_html(nb)
    assert "secret_code" not in page and "kết quả" in page
    assert "require.js" not in page and "mathjax" not in page.lower() and "http" not in page.replace(
        "http-equiv", "")


def test_present_escapes_values_from_the_data(monkeypatch):
    import pandas as pd

    shown = []
    monkeypatch.setattr(present, "show_html", lambda markup, metadata=None: shown.append(markup))
    present.table(pd.DataFrame({"Tên": [HOSTILE], "Số": ["1.234,5"]}))
    present.bullets([HOSTILE])
    present.section(HOSTILE)
    joined = "".join(shown)
    assert HOSTILE not in joined and "<script>" not in joined
    assert '<td class="num">1.234,5</td>' in shown[0]


def test_choose_org_prefers_the_real_department_on_ties(store):
    from sokhcn_analytics.store.build import load_indicators

    df = load_indicators(store)
    assert present.choose_org(df, ["2021-03"]) == "so-khcn-bac-kan"
    assert present.choose_org(df, ["2021-02"]) == "minh-hoa"
    assert present.choose_org(df, present.months_of(2021)) == "minh-hoa"


def test_lang_option_reaches_every_notebook_as_a_parameter(shipped_store, monkeypatch):
    from sokhcn_analytics.reports import runner as report
    from sokhcn_analytics.cli.main import build_parser

    seen = []
    monkeypatch.setattr(report, "run_jobs", lambda jobs, **kw: seen.extend(jobs) or [])
    args = build_parser().parse_args(["report", "--period", "2021-01", "--lang", "en", "--data", str(shipped_store),
                                      "--no-pdf"])
    assert cli_commands.cmd_report(args) == 0
    assert seen and {j.parameters["lang"] for j in seen} == {"en"}
    assert {j.notebook for j in seen} >= {"monthly_summary", "yoy_indicators", "tasks_portfolio"}


def test_the_report_store_is_built_from_workbooks_and_holds_the_fixture_rows(store):
    """The store the report tests read went through the real build (manifest, parts), and the frames
    other tests use in memory are exactly its rows."""
    import json

    from report_fixtures import indicator_rows, task_rows
    from sokhcn_analytics.store.build import load_indicators, load_tasks

    manifest = json.loads((store / "manifest.json").read_text(encoding="utf-8"))
    assert not (store / "indicators.parquet").exists() and len(manifest["inputs"]) == 16
    key = ["org", "period", "indicator", "value", "kind"]
    built, fixture = load_indicators(store), indicator_rows()
    assert built[key].sort_values(key).values.tolist() == fixture[key].sort_values(key).values.tolist()
    key = ["org", "period", "task_id", "name", "level", "status", "start_year", "end_year", "lead_org"]
    assert (load_tasks(store)[key].sort_values(key).values.tolist()
            == task_rows()[key].sort_values(key).values.tolist())
    assert HOSTILE in " ".join(built["source_ref"])  # the real org's note, kept verbatim for the escaping tests
