"""What ``sokhcn build`` and ``sokhcn summary`` warn about, and ``sokhcn flags`` (issue 22).

A build says what *it* read: the flags of the rows of the files read in this run, at most a
screenful, then how many more and the command listing them. Older flags are listed by
``sokhcn flags``. The data: :mod:`flag_fixtures`.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from flag_fixtures import FLOWS, flag_raw, plant
from sokhcn_analytics.analysis.flag_list import SHOWN
from sokhcn_analytics.cli.main import main


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The planted raw folder and its store, built once (copy before changing either)."""
    from sokhcn_analytics.store.build import build_store

    base = tmp_path_factory.mktemp("flags")
    raw = flag_raw(base / "raw")
    build_store(raw, base / "processed")
    return raw, base / "processed"


@pytest.fixture
def store(built, tmp_path) -> tuple[Path, Path]:
    """A writable copy of :func:`built`."""
    raw, processed = (tmp_path / "raw", tmp_path / "processed")
    shutil.copytree(built[0], raw)
    shutil.copytree(built[1], processed)
    return raw, processed


def _build(capsys, raw, processed):
    return _run(capsys, "build", "--raw", str(raw), "--processed", str(processed))


def test_build_prints_the_outlier_planted_in_the_changed_file_and_not_the_old_flags(store, capsys):
    raw, processed = store
    plant(raw, "don-vi-a", "2021-06", {"mushroom_spawn_kg": 3000})
    code, out, err = _build(capsys, raw, processed)
    assert code == 0 and "đọc 1 file" in out
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "2021-06_don-vi-a.xlsx" in lines[0] and "ChiTieu!D" in lines[0] and "3.000" in lines[0]
    assert "1.500" not in err and "2.000" not in err and "don-vi-b" not in err  # older flags are not repeated


def test_build_with_nothing_changed_prints_no_flag(store, capsys):
    code, out, err = _build(capsys, *store)
    assert code == 0 and out.startswith("Không có thay đổi") and err == ""


def test_flags_lists_the_new_flag_and_the_old_ones(store, capsys):
    raw, processed = store
    plant(raw, "don-vi-a", "2021-06", {"mushroom_spawn_kg": 3000})
    _build(capsys, raw, processed)
    code, out, _ = _run(capsys, "flags", "--processed", str(processed))
    assert code == 0
    assert "2021-06_don-vi-a.xlsx" in out and "2021-03_don-vi-a.xlsx" in out and "2021-05_don-vi-b.xlsx" in out
    assert out.splitlines()[0].startswith("3 ")  # the count line: 3 flags in each org's latest 12 months


def test_build_caps_the_warnings_and_says_how_many_more_and_how_to_list_them(store, capsys):
    raw, processed = store
    plant(raw, "don-vi-b", "2021-06", {code: 5000 for code in FLOWS})
    code, _, err = _build(capsys, raw, processed)
    lines = err.splitlines()
    more = len(FLOWS) - SHOWN
    assert code == 0 and len(FLOWS) > SHOWN and len(lines) == SHOWN + 1
    assert all("2021-06_don-vi-b.xlsx" in line for line in lines[:SHOWN])
    assert f"… và {more} cảnh báo khác" in lines[-1]
    command = lines[-1].split("xem tất cả: ")[1].split()
    assert command[:2] == ["sokhcn", "flags"] and "--org" in command and "--period" in command
    _, listed, _ = _run(capsys, *command[1:], "--format", "csv")  # the command it names lists them all
    assert len(listed.splitlines()) == 1 + len(FLOWS)


def test_a_full_build_judges_only_the_files_it_read(built, tmp_path, capsys):
    code, _, err = _build(capsys, built[0], tmp_path / "p")
    lines = err.splitlines()
    assert code == 0 and len(lines) == 3  # every flag is new to an empty store
    assert {"2020-04_don-vi-a.xlsx", "2021-03_don-vi-a.xlsx", "2021-05_don-vi-b.xlsx"} == {
        re.search(r"\S+\.xlsx", line).group() for line in lines}


def test_summary_warns_only_about_the_month_it_shows(store, capsys):
    raw, processed = store
    plant(raw, "don-vi-a", "2021-06", {"mushroom_spawn_kg": 3000})
    _build(capsys, raw, processed)
    _, out, err = _run(capsys, "summary", "--processed", str(processed))
    assert "2021-06_don-vi-a.xlsx" in err and len(err.splitlines()) == 1  # not 2021-03's nor don-vi-b's May
    _, _, err = _run(capsys, "summary", "--processed", str(processed), "--period", "2021-05")
    assert "2021-05_don-vi-b.xlsx" in err and len(err.splitlines()) == 1


def test_flags_all_with_a_period_is_an_error(built, capsys):
    code, out, err = _run(capsys, "flags", "--processed", str(built[1]), "--all", "--period", "2021-03")
    assert code == 1 and "bad_range" in err and out == ""
