"""What users import keeps working after the move to stage folders; old module names warn once."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sokhcn_analytics import legacy

REPO = Path(__file__).resolve().parents[1]


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-W", "default::DeprecationWarning", "-c", code],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_the_public_names_import_from_the_top_without_warnings():
    run = _python("from sokhcn_analytics import load_indicators, load_tasks, ytd, yoy, reconcile\n"
                  "from sokhcn_analytics.explorer import Explorer\n"
                  "import inspect; assert inspect.isfunction(reconcile) and inspect.isclass(Explorer)\n"
                  "print(reconcile.__module__)")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "sokhcn_analytics.analysis.reconcile"
    assert "DeprecationWarning" not in run.stderr


def test_an_old_module_name_works_and_warns_once_with_the_new_place():
    run = _python("from sokhcn_analytics import charts, tables, present, pictures\n"
                  "from sokhcn_analytics import charts, tables\n"
                  "import sokhcn_analytics.tables as again\n"
                  "from sokhcn_analytics.plots import charts as new_charts\n"
                  "assert charts is new_charts and again is tables\n"
                  "assert callable(charts.trend_chart) and callable(tables.format_table) and callable(present.page)\n")
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if "DeprecationWarning" in line]
    assert len(warnings) == 4, run.stderr
    for old, new in [("charts", "plots.charts"), ("tables", "analysis.tables"), ("present", "reports.present"),
                     ("pictures", "plots.pictures")]:
        assert sum(f"sokhcn_analytics.{old} has moved to sokhcn_analytics.{new}" in w for w in warnings) == 1
    # the warning points at the user's own line, not at importlib
    assert all(w.startswith("<string>:1:") for w in warnings), warnings


@pytest.mark.parametrize("old", sorted(legacy.MOVED))
def test_every_old_name_leads_to_a_module_that_exists(old):
    import importlib

    assert importlib.import_module(f"sokhcn_analytics.{legacy.MOVED[old]}")


def test_python_dash_m_is_the_sokhcn_command():
    run = subprocess.run([sys.executable, "-m", "sokhcn_analytics", "--help"], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert run.returncode == 0 and "build" in run.stdout and "report" in run.stdout


def _imported_names(code: str) -> set[str]:
    """Every ``sokhcn_analytics.x`` a piece of code imports, as ``x`` (first level only)."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ImportFrom) and node.module == "sokhcn_analytics":
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sokhcn_analytics."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("sokhcn_analytics.")}
    return found


def test_the_check_below_sees_an_old_name():
    assert _imported_names("from sokhcn_analytics import load_tasks, present as p\nimport sokhcn_analytics.tables") \
        >= {"present", "tables"}


def test_the_shipped_notebooks_import_nothing_from_the_old_places():
    notebooks = sorted((REPO / "sokhcn_analytics" / "reports" / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == 4
    for path in notebooks:
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "code" and not "".join(c["source"]).lstrip().startswith(("%", "!")))
        assert not _imported_names(code) & set(legacy.MOVED), path.name
