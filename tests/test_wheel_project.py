"""Issue 24's "done when": the package built as a wheel and installed into a fresh virtual environment
(no checkout on its path), run in an empty folder: init → template → fill one workbook → build →
report --no-pdf → draft --check, all succeeding with nothing from the checkout; init twice keeps every file.

The fresh environment gets the package from the wheel only; its dependencies are those already
installed for the tests, seen through a ``.pth`` file naming their site-packages (a ``.pth`` file
inside that folder, e.g. the checkout's editable install, is not read: only the folder is added), and
nbconvert's templates copied to where installing it puts them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[1]
ORG = "so-khcn-thu"
PERIOD = "2021-06"
FIGURES = {"mushroom_spawn_kg": (250, 300), "material_samples_tested": (68, None), "tasks_managed": (36, None),
           "inspections": (2, 3)}


def _wheel(tmp: Path) -> Path:
    """The wheel, built from a copy of the sources (pip builds in the tree it is given)."""
    src = tmp / "src"
    shutil.copytree(REPO / "sokhcn_analytics", src / "sokhcn_analytics", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(src), "-w", str(tmp / "dist")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return next((tmp / "dist").glob("sokhcn_analytics-*.whl"))


def _fresh_venv(tmp: Path, wheel: Path) -> Path:
    """A venv holding the wheel; the dependencies' folder on its path, the checkout nowhere."""
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # nbconvert's templates are data files of its install (<prefix>/share/jupyter), as pip puts them there
    shutil.copytree(Path(sys.prefix) / "share" / "jupyter" / "nbconvert", env_dir / "share" / "jupyter" / "nbconvert")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                           "--no-index", str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return python


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    return _fresh_venv(tmp, _wheel(tmp))


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SOKHCN_ROOT", "PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}


def _sokhcn(python: Path, project: Path, *argv, code: int = 0) -> str:
    script = python.with_name("sokhcn.exe" if os.name == "nt" else "sokhcn")
    done = subprocess.run([str(script), *argv], capture_output=True, text=True, cwd=project, env=_env(), timeout=600)
    assert done.returncode == code, (argv, done.stdout, done.stderr)
    said = done.stdout + done.stderr
    assert str(REPO) not in said, (argv, said)  # nothing from the checkout
    return said


def _fill(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for row in wb["ChiTieu"].iter_rows(min_row=2):
        if row[0].value in FIGURES:
            row[3].value, row[4].value = FIGURES[row[0].value]
    wb.save(book)


@pytest.mark.slow
def test_a_department_starts_from_an_empty_folder_with_the_installed_wheel(installed, tmp_path):
    project = tmp_path / "so-khcn-thu"
    project.mkdir()
    where = subprocess.run([str(installed), "-c", "import sokhcn_analytics, sys; print(sokhcn_analytics.__file__); "
                            "print(sys.path)"], capture_output=True, text=True, cwd=project, env=_env(), check=True)
    module, path = where.stdout.splitlines()
    assert Path(module).is_relative_to(installed.parents[1]) and str(REPO) + "'" not in path

    _sokhcn(installed, project, "init", "--org", ORG, "--name", "Sở Khoa học và Công nghệ tỉnh Thử Nghiệm",
            "--signer", "Nguyễn Văn A", "--center", "Trung tâm Ứng dụng KH&CN", "--recipient", "Lưu: VT.")
    made = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    book = project / "data" / "raw" / "workbooks" / f"{PERIOD}_{ORG}.xlsx"
    _sokhcn(installed, project, "template", "--period", PERIOD, "--org", ORG, "--out", str(book.relative_to(project)))
    _fill(book)
    assert "6 dòng chỉ tiêu" in _sokhcn(installed, project, "build")
    written = _sokhcn(installed, project, "report", "--period", PERIOD, "--no-pdf").split()
    assert str(project / "reports" / PERIOD / "monthly_summary.html") in written
    page = (project / "reports" / PERIOD / "monthly_summary.html").read_text(encoding="utf-8")
    assert "Điểm chính" in page and "250" in page and str(REPO) not in page
    checked = _sokhcn(installed, project, "draft", "--period", PERIOD, "--org", ORG, "--check")
    assert "cả 6 số liệu đều đọc lại đúng" in checked
    assert (project / "reports" / PERIOD / f"bao-cao-thang_{ORG}.docx").is_file()

    assert "[project_exists]" in _sokhcn(installed, project, "init", "--org", ORG, code=1)  # init twice
    _sokhcn(installed, project, "init", "--org", ORG, "--force")
    assert {p: p.read_bytes() for p in made} == made
