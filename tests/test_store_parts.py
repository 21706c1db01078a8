"""The store of many orgs: one part per org, rebuilt only where inputs changed, read as one frame.

A small roll-up (3 illustrative orgs × 6 months) stands in for the 34 × 10 years of the
benchmark (benchmarks/bench_store.py builds that one); the rules do not depend on size.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sokhcn_analytics.store import read as store_read
from sokhcn_analytics.ingest.demo import demo_orgs, make_demo_data
from sokhcn_analytics.core.errors import InputError
from sokhcn_analytics.core.model import normalize_indicators, normalize_tasks
from sokhcn_analytics.store.build import build_store, load_indicators, load_manifest, load_sources, load_tasks
from sokhcn_analytics.store.parts import KINDS, LEGACY_OUTPUTS, PARTS
from sokhcn_analytics.ingest.workbook import write_template

ORGS = demo_orgs(3)


@pytest.fixture(scope="module")
def roll_up(tmp_path_factory) -> Path:
    """A raw folder with 3 illustrative orgs, 6 months each (read-only: copy it to change it)."""
    raw = tmp_path_factory.mktemp("roll-up") / "raw"
    make_demo_data(raw / "illustrative", "2020-01", "2020-06", seed=7, orgs=3)
    return raw


@pytest.fixture(scope="module")
def built(roll_up, tmp_path_factory) -> Path:
    """The store of the roll-up, built once (read-only)."""
    processed = tmp_path_factory.mktemp("built")
    build_store(roll_up, processed)
    return processed


@pytest.fixture
def store(roll_up, built, tmp_path) -> tuple[Path, Path]:
    """A writable copy of the roll-up and of its store."""
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(roll_up, raw)
    shutil.copytree(built, processed)
    return raw, processed


def _parts(processed: Path) -> dict:
    """``{org: {kind: (file name, sha256 of its bytes)}}`` as the manifest names them."""
    return {org: {kind: (e[kind]["file"], hashlib.sha256((processed / e[kind]["file"]).read_bytes()).hexdigest())
                  for kind in KINDS} for org, e in load_manifest(processed)["parts"].items()}


def _raise_spawn(book: Path, by: float) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(book)
    ws = wb["ChiTieu"]
    row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == "mushroom_spawn_kg")
    ws[f"D{row}"] = ws[f"D{row}"].value + by
    wb.save(book)


def test_each_org_has_its_own_part_and_parts_never_mix(built):
    manifest = load_manifest(built)
    assert sorted(manifest["parts"]) == ORGS
    for org, entry in manifest["parts"].items():
        for kind in KINDS:
            frame = pd.read_parquet(built / entry[kind]["file"])
            assert set(frame["org"]) == {org}, (org, kind)
            assert len(frame) == entry[kind]["rows"] > 0
    df = load_indicators(built)
    assert sorted(df.org.unique()) == ORGS and df.illustrative.all()
    assert all(f.startswith(f"data/raw/illustrative/{org}/") for org, f in zip(df.org, df.source_file))


def test_loaded_frames_keep_the_model_dtypes_and_order(built):
    df, tasks, sources = load_indicators(built), load_tasks(built), load_sources(built)
    assert df.dtypes.to_dict() == normalize_indicators(df.head(0)).dtypes.to_dict()
    assert tasks.dtypes.to_dict() == normalize_tasks(tasks.head(0)).dtypes.to_dict()
    assert df.equals(df.sort_values(["org", "period", "kind", "indicator"], kind="stable").reset_index(drop=True))
    files = [f for f in load_manifest(built)["inputs"]]
    order = {f"data/raw/{i['source_file']}": n for n, i in enumerate(files)}
    for frame in (tasks, sources):  # in the order of the input files
        assert frame.source_file.map(order).is_monotonic_increasing
    assert list(df.index) == list(range(len(df)))


def _spawn(df, org, period) -> float:
    return df[(df.org == org) & (df.period == period) & (df.indicator == "mushroom_spawn_kg")
              & (df.kind == "result")].value.item()


def test_one_changed_file_rewrites_only_its_org_part(store):
    raw, processed = store
    before, df_before = _parts(processed), load_indicators(processed)
    _raise_spawn(raw / "illustrative" / ORGS[1] / f"2020-03_{ORGS[1]}.xlsx", 1000)
    result = build_store(raw, processed)
    assert result.files_read == 1 and result.orgs_rewritten == [ORGS[1]]
    after = _parts(processed)
    assert {o: after[o] for o in (ORGS[0], ORGS[2])} == {o: before[o] for o in (ORGS[0], ORGS[2])}
    assert after[ORGS[1]]["indicators"] != before[ORGS[1]]["indicators"]
    assert sorted(p.name for p in (processed / PARTS).iterdir()) == sorted(
        Path(f).name for e in after.values() for f, _ in e.values())  # the replaced part files are gone
    df = load_indicators(processed)
    assert _spawn(df, ORGS[1], "2020-03") == _spawn(df_before, ORGS[1], "2020-03") + 1000
    others = df_before.org != ORGS[1]
    pd.testing.assert_frame_equal(df[df.org != ORGS[1]], df_before[others])
    assert len(df) == len(df_before)


def test_incremental_build_equals_a_build_from_scratch(store, tmp_path):
    raw, processed = store
    _raise_spawn(raw / "illustrative" / ORGS[0] / f"2020-02_{ORGS[0]}.xlsx", 5)
    (raw / "illustrative" / ORGS[2] / f"2020-06_{ORGS[2]}.xlsx").unlink()
    build_store(raw, processed)
    build_store(raw, tmp_path / "scratch")
    for load in (load_indicators, load_tasks, load_sources):
        pd.testing.assert_frame_equal(load(processed), load(tmp_path / "scratch"))
    assert _parts(processed) == _parts(tmp_path / "scratch")  # same bytes, same names


def test_deleted_file_removes_its_rows_and_a_deleted_org_its_part(store):
    raw, processed = store
    gone = raw / "illustrative" / ORGS[0] / f"2020-04_{ORGS[0]}.xlsx"
    gone.unlink()
    result = build_store(raw, processed)
    assert result.orgs_rewritten == [ORGS[0]]
    df, tasks = load_indicators(processed), load_tasks(processed)
    assert not df.source_file.str.endswith(gone.name).any() and not tasks.source_file.str.endswith(gone.name).any()
    assert "2020-04" not in set(df[(df.org == ORGS[0]) & (df.kind == "result")].period)
    assert "2020-04" in load_manifest(processed)["result_periods"][ORGS[1]]

    shutil.rmtree(raw / "illustrative" / ORGS[2])
    build_store(raw, processed)
    manifest = load_manifest(processed)
    assert sorted(manifest["parts"]) == ORGS[:2] and ORGS[2] not in manifest["result_periods"]
    assert ORGS[2] not in set(load_indicators(processed).org) and ORGS[2] not in set(load_tasks(processed).org)
    assert not any(ORGS[2] in p.name for p in (processed / PARTS).iterdir())


def test_a_file_moving_to_another_org_leaves_the_first_one(store):
    raw, processed = store
    book = raw / "illustrative" / ORGS[0] / f"2020-05_{ORGS[0]}.xlsx"
    write_template("2020-05", book, org=ORGS[1] + "-x", results={"mushroom_spawn_kg": 1}, reviewed=True,
                   illustrative=True)
    result = build_store(raw, processed)
    assert result.orgs_rewritten == sorted([ORGS[0], ORGS[1] + "-x"])
    df = load_indicators(processed)
    assert df[df.source_file.str.endswith(book.name)].org.unique().tolist() == [ORGS[1] + "-x"]


def test_rows_of_interleaved_orgs_come_back_in_input_order(tmp_path):
    raw = tmp_path / "raw"
    for month, org in (("01", "b-org"), ("02", "a-org"), ("03", "b-org")):
        write_template(f"2021-{month}", raw / "workbooks" / f"2021-{month}_x.xlsx", org=org,
                       tasks=[dict(task_id=f"T{month}", name="n", level="provincial", status="approved",
                                   start_year=2021, end_year=2022, lead_org="L")], results={"inspections": 1})
    build_store(raw, tmp_path / "p")
    assert load_tasks(tmp_path / "p").task_id.tolist() == ["T01", "T02", "T03"]
    assert load_indicators(tmp_path / "p").org.tolist() == ["a-org", "b-org", "b-org"]


@pytest.mark.slow
def test_reading_in_worker_processes_gives_the_same_store(roll_up, built, tmp_path, monkeypatch):
    monkeypatch.setattr(store_read, "PARALLEL_MIN_FILES", 4)
    assert store_read.workers_for(18, jobs=2) == 1  # and this process
    result = build_store(roll_up, tmp_path / "p", jobs=2)
    assert result.files_read == 18
    assert _parts(tmp_path / "p") == _parts(built)


def test_problems_found_by_worker_processes_are_all_reported_and_nothing_written(store, monkeypatch):
    monkeypatch.setattr(store_read, "PARALLEL_MIN_FILES", 4)
    raw, processed = store
    before = {p.name: p.read_bytes() for p in processed.rglob("*") if p.is_file()}
    for org in (ORGS[0], ORGS[2]):
        (raw / "illustrative" / org / f"2020-01_{org}.xlsx").write_text("không phải sổ Excel")
    _raise_spawn(raw / "illustrative" / ORGS[1] / f"2020-02_{ORGS[1]}.xlsx", 1)
    with pytest.raises(InputError) as info:
        build_store(raw, processed, force=True, jobs=2)
    assert info.value.reasons == ["not_a_workbook", "not_a_workbook"]
    assert {Path(p.file).name for p in info.value.problems} == {f"2020-01_{ORGS[0]}.xlsx", f"2020-01_{ORGS[2]}.xlsx"}
    assert {p.name: p.read_bytes() for p in processed.rglob("*") if p.is_file()} == before


def test_conflicting_sources_stay_within_their_org(tmp_path):
    raw = tmp_path / "raw"
    for org in ("a-org", "b-org"):  # the same cell, different values, in two orgs: no conflict
        write_template("2021-01", raw / org / "2021-01_x.xlsx", org=org, reviewed=True,
                       results={"inspections": 1 if org == "a-org" else 2})
    build_store(raw, tmp_path / "p")
    assert load_indicators(tmp_path / "p").value.tolist() == [1.0, 2.0]
    write_template("2021-01", raw / "b-copy" / "2021-01_x.xlsx", org="b-org", reviewed=True, results={"inspections": 3})
    with pytest.raises(InputError) as info:
        build_store(raw, tmp_path / "p")
    assert info.value.reasons == ["conflicting_sources"] and "b-org" in str(info.value)


def test_a_store_of_the_single_file_layout_is_read_then_replaced(tmp_path):
    from report_fixtures import write_single_file_store

    processed = write_single_file_store(tmp_path / "p")  # indicators.parquet, tasks.parquet, no manifest
    old = load_indicators(processed)
    assert len(old) and len(load_tasks(processed))
    raw = tmp_path / "raw"
    write_template("2021-01", raw / "workbooks" / "2021-01_so-khcn-bac-kan.xlsx", results={"inspections": 4},
                   reviewed=True)
    build_store(raw, processed)
    assert not any((processed / name).exists() for name in LEGACY_OUTPUTS)
    assert load_indicators(processed).value.tolist() == [4.0]


@pytest.mark.slow
def test_demo_data_for_many_orgs_is_illustrative_and_deterministic(tmp_path):
    a = make_demo_data(tmp_path / "a", "2020-11", "2021-01", seed=3, orgs=12)
    b = make_demo_data(tmp_path / "b", "2020-11", "2021-01", seed=3, orgs=12)
    assert len(a) == 36 and demo_orgs(12)[0] == "minh-hoa-01" and demo_orgs(12)[-1] == "minh-hoa-12"
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    from sokhcn_analytics.ingest.workbook import load_workbook

    firsts = []
    for org in ("minh-hoa-01", "minh-hoa-07"):
        rows, _ = load_workbook(tmp_path / "a" / org / f"2021-01_{org}.xlsx")
        same, _ = load_workbook(tmp_path / "b" / org / f"2021-01_{org}.xlsx")
        pd.testing.assert_frame_equal(rows.drop(columns="source_file"), same.drop(columns="source_file"))
        assert rows.illustrative.all() and set(rows.org) == {org}
        firsts.append(rows.set_index(["indicator", "kind"]).value)
    assert not firsts[0].equals(firsts[1])  # each department has its own figures


@pytest.mark.slow
def test_a_reading_worker_that_dies_stops_the_build_with_a_message(tmp_path, monkeypatch):
    from sokhcn_analytics.core.errors import StoreError

    import queue

    with store_read.workers_started(1) as started:  # a slice the worker cannot even unpack: it dies with a traceback
        tasks, finished = [((0, [None]), (str(tmp_path), None))], queue.SimpleQueue()
        store_read._feed(started[0], lambda first: tasks.pop() if tasks else None, finished)
    (start, _), error = finished.get_nowait()
    assert start is None and isinstance(error, StoreError)
    assert error.reason == "worker_failed" and "sokhcn build" in str(error)
    # the build's thread raises what a feeding thread handed it: the feeder fails while this process
    # reads its first slice (the order made explicit with two events, no sleep)
    import threading

    reading, failed, read = threading.Event(), threading.Event(), []

    def feed(proc, take, finished):
        assert reading.wait(30), "this process never read a slice"
        finished.put(((None, None), error))
        failed.set()

    def read_chunk(task):
        read.append(task)
        reading.set()
        assert failed.wait(30), "the feeding thread never handed its error"
        return store_read.Batch()

    monkeypatch.setattr(store_read, "_feed", feed)
    monkeypatch.setattr(store_read, "_read_chunk", read_chunk)
    with pytest.raises(StoreError) as info:  # this process reads a first slice, then finds the error
        store_read._in_workers(str(tmp_path), [(f"{n}.xlsx", "workbook") for n in range(50)], [object()])
    assert info.value is error and len(read) == 1  # stopped at the error: not one slice more


@pytest.mark.slow
def test_demo_data_command_takes_a_number_of_orgs(tmp_path):
    import os
    import subprocess

    from conftest import sokhcn_cmd

    done = subprocess.run([*sokhcn_cmd(), "demo-data", "--orgs", "2", "--start", "2021-01", "--end", "2021-02",
                           "--out", str(tmp_path / "d")], capture_output=True, text=True,
                          env={**os.environ, "SOKHCN_ROOT": str(tmp_path)})  # the units' settings go to its data/orgs
    assert done.returncode == 0, done.stderr
    assert "4 sổ số liệu MINH HỌA của 2 đơn vị" in done.stdout
    assert sorted(p.relative_to(tmp_path / "d").as_posix() for p in (tmp_path / "d").rglob("*.xlsx")) == [
        "minh-hoa-01/2021-01_minh-hoa-01.xlsx", "minh-hoa-01/2021-02_minh-hoa-01.xlsx",
        "minh-hoa-02/2021-01_minh-hoa-02.xlsx", "minh-hoa-02/2021-02_minh-hoa-02.xlsx"]
    bad = subprocess.run([*sokhcn_cmd(), "demo-data", "--orgs", "0", "--out", str(tmp_path / "e")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "--orgs" in bad.stderr and not (tmp_path / "e").exists()


@pytest.mark.slow
def test_a_warning_of_a_file_read_by_a_worker_reaches_the_caller(tmp_path, monkeypatch):
    from test_reliability_reports import cp1258, plain_report

    monkeypatch.setattr(store_read, "PARALLEL_MIN_FILES", 1)
    raw = tmp_path / "raw"
    (raw / "reports").mkdir(parents=True)
    (raw / "reports" / "2021-01_so-khcn-bac-kan.txt").write_bytes(cp1258(plain_report()))  # not UTF-8
    write_template("2021-02", raw / "workbooks" / "2021-02_so-khcn-bac-kan.xlsx", results={"inspections": 1})
    with pytest.warns(UnicodeWarning, match="không phải UTF-8"):
        result = build_store(raw, tmp_path / "p", jobs=2)
    assert result.files_read == 2
