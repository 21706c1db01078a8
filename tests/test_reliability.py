"""Bad inputs through the real command line: refused with a message naming the place, no
traceback, and the processed store byte for byte as it was.

The corpus is generated at test time by ``tests/bad_corpus.py`` (a 2 GB zip bomb is not
something to check in). Every case runs ``sokhcn build`` in a subprocess under a small
wrapper that reports the child's peak memory, so "memory stays low" is checked for each
case, the zip bombs and the 200 000-row sheet included.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import bad_corpus
from bad_corpus import CASES, SPAWN, good_workbook, make_corpus, row_of
from conftest import sokhcn_cmd
from sokhcn_analytics.core.errors import InputError
from sokhcn_analytics.store.build import build_store, load_indicators
from sokhcn_analytics.ingest.workbook import INDICATORS, load_workbook

pytestmark = pytest.mark.slow  # the bad-workbook corpus, each case a build (make test runs them; make test-fast does not)

MAX_RSS_MB = 400  # a build of a few workbooks peaks near 110 MB; the bombs used 2 GB before they were checked
_MEASURE = ("import json, resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "print(json.dumps([p.returncode, p.stdout, p.stderr, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))")


def run_cli(*args, cwd=None, env=None):
    """Run ``sokhcn`` in a fresh process; return (exit code, stdout, stderr, peak RSS in MB)."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, *sokhcn_cmd(), *map(str, args)], capture_output=True,
                         text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=120)
    code, stdout, stderr, rss_kb = json.loads(out.stdout)
    return code, stdout, stderr, rss_kb / 1024


def tree_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return make_corpus(tmp_path_factory.mktemp("bad"))


@pytest.fixture(scope="module")
def layout(tmp_path_factory) -> dict:
    """Where things are in the good template: the spawn row and the first row after the catalog."""
    path = good_workbook(tmp_path_factory.mktemp("good"))
    return {"spawn": row_of(path, SPAWN), "last": openpyxl.load_workbook(path)[INDICATORS].max_row + 1}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> tuple[Path, Path]:
    """A raw folder with one good December workbook and the store built from it."""
    root = tmp_path_factory.mktemp("baseline")
    good_workbook(root / "raw" / "workbooks", name="2020-12_kiem-thu.xlsx", period="2020-12")
    build_store(root / "raw", root / "processed")
    return root / "raw", root / "processed"


@pytest.fixture
def store(baseline, tmp_path) -> tuple[Path, Path]:
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(baseline[0], raw)
    shutil.copytree(baseline[1], processed)
    return raw, processed


REFUSED = [c for c in CASES if c.reason]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_bad_workbook_is_refused_naming_file_sheet_and_cell_and_store_is_untouched(case, corpus, layout, store):
    raw, processed = store
    bad = corpus[case.name]
    shutil.copy(bad, raw / "workbooks" / bad.name)
    before = tree_hashes(processed)

    code, out, err, rss_mb = run_cli("build", "--raw", raw, "--processed", processed)

    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    assert bad.name in err
    if case.sheet:
        assert f"sheet '{case.sheet}'" in err
    if case.cell:
        assert f"ô {bad_corpus.expected_cell(case, layout['spawn'], layout['last'])}" in err
    assert "Không có gì trong kho dữ liệu bị thay đổi" in err
    assert len(err.splitlines()) <= 53  # a screenful: at most 50 problems, then how many more
    assert tree_hashes(processed) == before
    assert rss_mb < MAX_RSS_MB
    with pytest.raises(InputError) as info:
        load_workbook(bad)
    assert case.reason in info.value.reasons


def test_thousands_of_problems_show_the_first_fifty_and_the_count(corpus, store):
    raw, processed = store
    shutil.copy(corpus["pasted_table"], raw / "workbooks" / corpus["pasted_table"].name)
    code, out, err, _ = run_cli("build", "--raw", raw, "--processed", processed)
    assert code == 1
    assert err.startswith("Lỗi: 3000 lỗi trong dữ liệu đầu vào (hiện 50 lỗi đầu):")
    assert "ô A149:" in err and "ô A150:" not in err
    assert "… và 2950 lỗi khác" in err


def test_every_problem_of_a_file_is_reported_at_once(tmp_path, layout):
    path = good_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws, r = wb[INDICATORS], layout["spawn"]
    ws.cell(r, 4, "nhiều")
    ws.cell(r + 1, 4, -1)
    ws.cell(r + 2, 1, "khong_co_ma_nay")
    wb.save(path)
    with pytest.raises(InputError) as info:
        load_workbook(path)
    assert sorted(info.value.reasons) == ["negative_value", "not_a_number", "unknown_indicator"]


def test_row_with_figures_but_no_code_is_refused_not_dropped(tmp_path, layout):
    path = good_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb[INDICATORS].cell(layout["spawn"], 1).value = None
    wb.save(path)
    with pytest.raises(InputError) as info:
        load_workbook(path)
    assert info.value.problems[0].reason == "missing_value"
    assert info.value.problems[0].cell == f"A{layout['spawn']}"


def test_macro_workbook_is_read_and_its_macros_ignored(corpus, store):
    raw, processed = store
    xlsm = corpus["xlsm_with_macros"]
    shutil.copy(xlsm, raw / "workbooks" / xlsm.name)

    code, out, err, _ = run_cli("build", "--raw", raw, "--processed", processed)

    assert code == 0, err
    df = load_indicators(processed)
    got = df[(df.period == "2021-01") & (df.kind == "result")].set_index("indicator")
    assert got.value.to_dict() == bad_corpus.GOOD_VALUES
    assert set(got.source_file) == {f"data/raw/workbooks/{xlsm.name}"}
    assert not list(processed.rglob("*.bin"))


# ---------------------------------------------------------------- paths from the command line

TRAVERSALS = [
    ["template", "--period", "../../x", "--out", "t.xlsx"],
    ["template", "--period", "2021-01", "--out", "../../x.xlsx"],
    ["template", "--period", "2021-01", "--out", "sub/../../../x.xlsx"],
    ["demo-data", "--out", "../../x"],
    ["build", "--processed", "../../x"],
    ["extract", "r.txt", "--to-workbook", "../../x.xlsx"],
    ["extract", "r.txt", "--period", "../../x"],
    ["report", "--period", "../../x"],
    ["report", "--out", "../../x"],
]


@pytest.mark.parametrize("args", TRAVERSALS, ids=[" ".join(a) for a in TRAVERSALS])
def test_path_traversal_in_out_or_period_is_refused_and_writes_nothing(args, tmp_path):
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)

    code, out, err, _ = run_cli(*args, cwd=cwd, env={"SOKHCN_ROOT": str(cwd)})

    assert code != 0
    assert "Traceback" not in out + err
    assert "../../x" in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b"]


def test_absurdly_long_number_typed_as_text_is_refused_not_stored_as_infinity(tmp_path, layout):
    path = good_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb[INDICATORS].cell(layout["spawn"], 4).value = "9" * 400
    wb.save(path)
    with pytest.raises(InputError) as info:
        load_workbook(path)
    assert info.value.reasons == ["not_a_number"]
    assert info.value.problems[0].cell == f"D{layout['spawn']}"
