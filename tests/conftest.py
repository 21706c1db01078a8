"""Shared fixtures: a copy of the shipped raw data and a store built from it, in tmp dirs; the one
Chromium every browser test uses."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
pytest_plugins = ["pytester"]  # test_chromium_fixture runs the fixture in a pytest of its own

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"


@pytest.fixture(scope="session")
def shipped_store(tmp_path_factory) -> Path:
    """The store built from the repository's own data/raw, in a tmp folder (read-only for tests)."""
    from sokhcn_analytics.store.build import build_store

    processed = tmp_path_factory.mktemp("processed")
    build_store(RAW, processed)
    return processed


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A writable copy of data/raw."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


def shipped_store_with(shipped_store: Path, folder: Path, reports: dict[str, str]) -> Path:
    """The shipped store plus narrative reports (``reports/<name>`` → text), built by :func:`build_store`.

    The shipped raw data and store are copied to ``folder``; the build reads only the new reports
    (the manifest says the rest is unchanged) and returns the processed folder.
    """
    from sokhcn_analytics.store.build import build_store

    raw, processed = folder / "raw", folder / "processed"
    shutil.copytree(RAW, raw)
    shutil.copytree(shipped_store, processed, ignore=shutil.ignore_patterns(".lock"))
    for name, text in reports.items():
        (raw / "reports" / name).write_text(text, encoding="utf-8")
    build_store(raw, processed)
    return processed


def sokhcn_cmd() -> list[str]:
    """The console script of the venv running the tests."""
    exe = Path(os.sys.executable).with_name("sokhcn")
    return [str(exe)] if exe.exists() else [os.sys.executable, "-m", "sokhcn_analytics.cli.main"]


NO_CHROMIUM = "SOKHCN_ALLOW_NO_CHROMIUM"


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system Chromium, for every test that prints a PDF or opens a page.

    Missing, the test FAILS: ``make test`` installs it (``make system-deps``) wherever it can.
    Only ``SOKHCN_ALLOW_NO_CHROMIUM=1`` — a machine known to have none — turns that into a skip.
    """
    from sokhcn_analytics.reports.export import find_browser

    browser = find_browser()
    if browser is None:
        if os.environ.get(NO_CHROMIUM) == "1":
            pytest.skip(f"no Chromium, and {NO_CHROMIUM}=1 allows that")
        pytest.fail("Chromium is missing: run 'sudo apt-get install chromium poppler-utils' (or 'make system-deps'), "
                    f"or set {NO_CHROMIUM}=1 on a machine that cannot have it", pytrace=False)
    return browser


def libreoffice() -> str:
    """LibreOffice's ``soffice`` for tests that print the draft as a clerk opens it.

    Missing, it is a failure, as Chromium is: ``make test`` installs it (``make system-deps``:
    Debian's ``libreoffice-writer-nogui``). Only ``SOKHCN_ALLOW_NO_LIBREOFFICE=1`` — a machine known
    to have none — turns it into a skip.
    """
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("SOKHCN_ALLOW_NO_LIBREOFFICE") == "1":
            pytest.skip("no LibreOffice, and SOKHCN_ALLOW_NO_LIBREOFFICE=1 allows that")
        pytest.fail("LibreOffice is missing: run 'make system-deps' (apt-get install libreoffice-writer-nogui), "
                    "or set SOKHCN_ALLOW_NO_LIBREOFFICE=1 on a machine that cannot have it")
    return found


def pid_alive(pid: int) -> bool:
    """Whether a process with this id still exists (a zombie counts until it is reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
