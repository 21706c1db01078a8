"""Shared fixtures: a copy of the shipped raw data and a store built from it, in tmp dirs."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

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


def sokhcn_cmd() -> list[str]:
    """The console script of the venv running the tests."""
    exe = Path(os.sys.executable).with_name("sokhcn")
    return [str(exe)] if exe.exists() else [os.sys.executable, "-m", "sokhcn_analytics.cli.main"]


def chromium() -> str:
    """The system Chromium for tests that print or open a page.

    Missing, it is a failure: ``make test`` installs it (``make system-deps``) wherever it can.
    Only ``SOKHCN_ALLOW_NO_CHROMIUM=1`` — a machine known to have none — turns it into a skip.
    """
    from sokhcn_analytics.reports.export import find_browser

    browser = find_browser()
    if browser is None:
        if os.environ.get("SOKHCN_ALLOW_NO_CHROMIUM") == "1":
            pytest.skip("no Chromium, and SOKHCN_ALLOW_NO_CHROMIUM=1 allows that")
        pytest.fail("Chromium is missing: run 'make system-deps' (apt-get install chromium poppler-utils), "
                    "or set SOKHCN_ALLOW_NO_CHROMIUM=1 on a machine that cannot have it")
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
