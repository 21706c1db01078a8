"""Where the project is: $SOKHCN_ROOT, else the nearest folder upward holding data/raw, else the checkout;
and where a notebook is: the project's own, else the one shipped in the package."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from report_fixtures import write_store
from test_report_kernel import notebook
from sokhcn_analytics.core import paths
from sokhcn_analytics.reports import runner as report
from sokhcn_analytics.cli.main import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A department's data folder, away from the checkout, with no SOKHCN_ROOT set."""
    monkeypatch.delenv("SOKHCN_ROOT", raising=False)
    root = tmp_path / "so-khcn"
    (root / "data" / "raw").mkdir(parents=True)
    return root


def test_the_root_is_the_nearest_folder_upward_that_holds_data_raw(project, monkeypatch):
    deep = project / "notebooks" / "drafts"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert paths.project_root() == project.resolve()
    assert paths.processed_dir() == project.resolve() / "data" / "processed"
    assert paths.reports_dir() == project.resolve() / "reports"


def test_sokhcn_root_wins_over_the_working_folder(project, tmp_path, monkeypatch):
    monkeypatch.chdir(project)
    monkeypatch.setenv("SOKHCN_ROOT", str(tmp_path / "elsewhere"))
    assert paths.project_root() == (tmp_path / "elsewhere").resolve()


def test_without_data_raw_upward_the_checkout_is_the_root(tmp_path, monkeypatch):
    monkeypatch.delenv("SOKHCN_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert paths.project_root() == REPO


def test_an_installed_package_never_takes_site_packages_as_the_root(tmp_path, monkeypatch):
    monkeypatch.delenv("SOKHCN_ROOT", raising=False)
    site = tmp_path / "site-packages" / "sokhcn_analytics"
    site.mkdir(parents=True)
    monkeypatch.setattr(paths, "PACKAGE_DIR", site)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert paths.project_root() == work.resolve()


def _nb(folder: Path, name: str, marker: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    shutil.copy(REPO / "sokhcn_analytics" / "reports" / "notebooks" / "explore.ipynb", path)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"\n{marker}")  # tells the copies apart; only the path is looked at here
    return path


def test_a_projects_own_notebook_overrides_the_shipped_one_by_name(project, tmp_path, monkeypatch):
    shipped = tmp_path / "package" / "sokhcn_analytics"
    monkeypatch.setattr(paths, "PACKAGE_DIR", shipped)
    monkeypatch.chdir(project)
    only_shipped = _nb(shipped / "reports" / "notebooks", "monthly_summary", "shipped")
    _nb(shipped / "reports" / "notebooks", "explore", "shipped")
    own = _nb(project / "notebooks", "explore", "own")
    assert paths.notebook_path("monthly_summary") == only_shipped
    assert paths.notebook_path("explore") == own.resolve()
    assert paths.notebook_path("nothing_here") is None
    assert report.resolve_notebook("monthly_summary") == only_shipped
    with pytest.raises(report.ReportError) as e:
        report.resolve_notebook("nothing_here")
    assert e.value.reason == "unknown_notebook" and str(shipped / "reports" / "notebooks") in str(e.value)


@pytest.mark.slow
def test_sokhcn_report_writes_under_the_projects_reports_folder(project, tmp_path, monkeypatch, capsys):
    write_store(project / "data" / "processed")
    nb = notebook(tmp_path / "nb" / "tiny.ipynb", "print(period)")
    here = project / "notebooks"
    here.mkdir()
    monkeypatch.chdir(here)  # as from JupyterLab's terminal
    assert main(["report", "--period", "2021-03", "--notebook", str(nb), "--no-pdf"]) == 0
    written = capsys.readouterr().out.split()
    assert written == [str(project.resolve() / "reports" / "2021-03" / f"tiny.{ext}") for ext in ("ipynb", "html")] \
        + [str(project.resolve() / "reports" / "index.html")]
    assert not (here / "reports").exists()


@pytest.mark.slow
def test_a_data_folder_elsewhere_gets_the_shipped_notebooks(tmp_path):
    """``SOKHCN_ROOT=/elsewhere sokhcn report``: no notebooks/ there, the package's own are used,
    and the reports land under that root."""
    import os
    import subprocess

    from conftest import sokhcn_cmd

    root = tmp_path / "elsewhere"
    shutil.copytree(REPO / "data" / "raw" / "workbooks", root / "data" / "raw" / "workbooks")
    env = {**os.environ, "SOKHCN_ROOT": str(root)}
    for argv in (["build"], ["report", "--period", "2021-01", "--notebook", "monthly_summary", "--no-pdf"]):
        done = subprocess.run([*sokhcn_cmd(), *argv], capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    assert not (root / "notebooks").exists()
    page = (root / "reports" / "2021-01" / "monthly_summary.html").read_text(encoding="utf-8")
    assert "Điểm chính" in page and "36" in page
