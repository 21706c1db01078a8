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
    from sokhcn_analytics.store import build_store

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
    return [str(exe)] if exe.exists() else [os.sys.executable, "-m", "sokhcn_analytics.cli"]
