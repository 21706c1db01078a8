"""Set-up without make: ``make install`` calls ``scripts/install.py``, and the manual steps of
``docs/setup.md`` (PowerShell, macOS/Linux) are the commands that script runs, so they cannot drift."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "install.py"


def _script():
    spec = importlib.util.spec_from_file_location("install_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _block(doc: str, heading: str, lang: str) -> list[str]:
    """The lines of the first ``lang`` code block after ``heading``."""
    rest = doc[doc.index(heading):]
    body = re.search(rf"```{lang}\n(.*?)```", rest, re.S).group(1)
    return [line for line in body.splitlines() if line.strip()]


def test_the_documented_manual_steps_are_the_commands_the_install_script_runs():
    install, doc = _script(), (REPO / "docs" / "setup.md").read_text(encoding="utf-8")
    for heading, lang, windows in (("Windows PowerShell:", "powershell", True), ("macOS or Linux:", "sh", False)):
        lines = _block(doc[doc.index("## The same, step by step"):], heading, lang)
        python = str(install.venv_python(".venv", windows=windows))
        assert lines[0].endswith(" -m venv .venv"), lines[0]
        assert lines[1:] == [install.shown(s) for s in install.steps(python)], heading


def test_make_install_runs_the_install_script_and_no_pip_of_its_own():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^\$\(STAMP\):.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "scripts/install.py --editable" in recipe and "pip" not in recipe
    assert re.search(r"^\$\(STAMP\):.*scripts/install\.py", makefile, re.M)  # a changed script reinstalls


def test_the_install_script_editable_and_lab_flags_change_the_commands():
    install = _script()
    plain, editable, lab = (install.steps("py", editable=e, lab=la) for e, la in ((0, 0), (1, 0), (0, 1)))
    assert ["py", "-m", "pip", "install", "-q", "--no-deps", "."] in plain
    assert ["py", "-m", "pip", "install", "-q", "--no-deps", "-e", "."] in editable
    assert not any("requirements-lab.lock" in s for s in plain)
    assert any("requirements-lab.lock" in s for s in lab)


def test_the_install_script_dry_run_prints_the_steps_and_runs_nothing(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), "--dry-run", "--venv", "elsewhere-venv"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "python -m venv elsewhere-venv" and len(lines) == 6
    assert all(line.startswith(str(_script().venv_python("elsewhere-venv"))) for line in lines[1:])
    assert not (REPO / "elsewhere-venv").exists() and not any(tmp_path.iterdir())
