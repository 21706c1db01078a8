"""The processed store: builds, skips unchanged inputs, refuses conflicts, keeps old data on failure."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from sokhcn_analytics import load_indicators, load_tasks
from sokhcn_analytics.core.errors import InputError, StoreError
from sokhcn_analytics.core.model import ILLUSTRATIVE_ORG, INDICATOR_COLUMNS, REAL_ORG, normalize_indicators
from sokhcn_analytics.store.build import build_store, load_manifest, load_sources, resolve
from sokhcn_analytics.store.parts import KINDS, MANIFEST, start_staging, write_parts
from sokhcn_analytics.ingest.workbook import write_template


def _hashes(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _month(raw: Path, period: str, org=REAL_ORG, reviewed=True, **values) -> Path:
    return write_template(period, raw / "workbooks" / f"{period}_{org}.xlsx", org=org, results=values,
                          reviewed=reviewed)


def test_build_writes_indicators_tasks_and_manifest(tmp_path):
    raw = tmp_path / "raw"
    _month(raw, "2021-01", mushroom_spawn_kg=250)
    _month(raw, "2021-02", mushroom_spawn_kg=120)
    result = build_store(raw, tmp_path / "p")
    assert result.changed
    df = load_indicators(tmp_path / "p")
    assert list(df.columns) == INDICATOR_COLUMNS
    assert df.set_index("period").value.to_dict() == {"2021-01": 250.0, "2021-02": 120.0}
    assert df.source_file.str.endswith("2021-02_so-khcn-bac-kan.xlsx").any()
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert {i["source_file"] for i in manifest["inputs"]} == {"workbooks/2021-01_so-khcn-bac-kan.xlsx",
                                                              "workbooks/2021-02_so-khcn-bac-kan.xlsx"}
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["rows"]["workbooks/2021-01_so-khcn-bac-kan.xlsx"] == 1
    assert len(load_tasks(tmp_path / "p")) == 0


def test_second_build_with_nothing_changed_does_no_work(tmp_path):
    raw = tmp_path / "raw"
    _month(raw, "2021-01", mushroom_spawn_kg=250)
    build_store(raw, tmp_path / "p")
    before = _hashes(tmp_path / "p")
    result = build_store(raw, tmp_path / "p")
    assert not result.changed and "Không có thay đổi" in result.message
    assert _hashes(tmp_path / "p") == before


def test_changed_file_is_picked_up_and_others_reused(tmp_path):
    raw = tmp_path / "raw"
    _month(raw, "2021-01", mushroom_spawn_kg=250)
    _month(raw, "2021-02", mushroom_spawn_kg=120)
    build_store(raw, tmp_path / "p")
    _month(raw, "2021-02", mushroom_spawn_kg=130)
    assert build_store(raw, tmp_path / "p").changed
    df = load_indicators(tmp_path / "p")
    assert df.set_index("period").value.to_dict() == {"2021-01": 250.0, "2021-02": 130.0}


def test_removed_file_leaves_the_store(tmp_path):
    raw = tmp_path / "raw"
    _month(raw, "2021-01", mushroom_spawn_kg=250)
    second = _month(raw, "2021-02", mushroom_spawn_kg=120)
    build_store(raw, tmp_path / "p")
    second.unlink()
    build_store(raw, tmp_path / "p")
    assert load_indicators(tmp_path / "p").period.tolist() == ["2021-01"]


def test_failed_build_leaves_previous_store_byte_identical(tmp_path):
    raw = tmp_path / "raw"
    _month(raw, "2021-01", mushroom_spawn_kg=250)
    build_store(raw, tmp_path / "p")
    before = _hashes(tmp_path / "p")
    (raw / "workbooks" / "2021-02_so-khcn-bac-kan.xlsx").write_text("not a workbook")
    with pytest.raises(InputError) as info:
        build_store(raw, tmp_path / "p")
    assert info.value.reasons == ["not_a_workbook"]
    assert _hashes(tmp_path / "p") == before
    assert not (tmp_path / "p" / ".staging").exists()


def test_problems_of_several_files_are_reported_together(tmp_path):
    raw = tmp_path / "raw"
    (raw / "a").mkdir(parents=True)
    (raw / "a" / "2021-01_x.xlsx").write_text("x")
    (raw / "a" / "2021-02_x.xlsx").write_bytes(b"PK\x03\x04broken")
    with pytest.raises(InputError) as info:
        build_store(raw, tmp_path / "p")
    assert {p.file.split("/")[-1] for p in info.value.problems} == {"2021-01_x.xlsx", "2021-02_x.xlsx"}


def test_two_reviewed_sources_disagreeing_is_an_error_naming_both(tmp_path):
    raw = tmp_path / "raw"
    _month(raw, "2021-01", mushroom_spawn_kg=250)
    write_template("2021-01", raw / "other" / "2021-01_so-khcn-bac-kan.xlsx", results={"mushroom_spawn_kg": 260},
                   reviewed=True)
    with pytest.raises(InputError) as info:
        build_store(raw, tmp_path / "p")
    [problem] = info.value.problems
    assert problem.reason == "conflicting_sources"
    assert "workbooks/2021-01" in problem.message and "other/2021-01" in problem.message
    assert "250" in problem.message and "260" in problem.message


def test_same_value_from_two_sources_is_kept_once(tmp_path):
    raw = tmp_path / "raw"
    _month(raw, "2021-01", mushroom_spawn_kg=250)
    write_template("2021-01", raw / "other" / "2021-01_so-khcn-bac-kan.xlsx", results={"mushroom_spawn_kg": 250},
                   reviewed=True)
    build_store(raw, tmp_path / "p")
    assert len(load_indicators(tmp_path / "p")) == 1


def _source(value, reviewed, ref):
    return dict(org=REAL_ORG, period="2021-01", indicator="mushroom_spawn_kg", value=value, unit="kg",
                kind="result", source_file="f.xlsx" if reviewed else "r.txt", source_ref=ref, reviewed=reviewed,
                illustrative=False)


def test_reviewed_workbook_wins_over_extraction_and_diff_lists_it():
    sources = normalize_indicators(pd.DataFrame([_source(250, True, "ChiTieu!D18"),
                                                 _source(205, False, "Sản xuất được 205 kg giống nấm")]))
    indicators, diff = resolve(sources)
    assert indicators.value.tolist() == [250.0] and indicators.reviewed.tolist() == [True]
    assert diff[["value_workbook", "value_report"]].values.tolist() == [[250.0, 205.0]]


def test_two_extractions_disagreeing_is_an_error():
    sources = normalize_indicators(pd.DataFrame([_source(250, False, "a"), _source(205, False, "b")]))
    with pytest.raises(InputError):
        resolve(sources)


def test_loading_before_any_build_says_what_to_run(tmp_path):
    with pytest.raises(StoreError) as info:
        load_indicators(tmp_path)
    assert info.value.reason == "store_missing" and "sokhcn build" in str(info.value)


def test_interrupted_build_with_commit_is_rolled_forward_on_read(tmp_path):
    raw = tmp_path / "raw"
    _month(raw, "2021-01", mushroom_spawn_kg=250)
    build_store(raw, tmp_path / "p")
    manifest = load_manifest(tmp_path / "p")
    old_files = {e[k]["file"] for e in manifest["parts"].values() for k in KINDS}
    frames = {"indicators": load_indicators(tmp_path / "p").assign(value=999.0), "tasks": load_tasks(tmp_path / "p"),
              "sources": load_sources(tmp_path / "p")}
    staging = start_staging(tmp_path / "p")  # what a build killed right after its COMMIT leaves
    manifest["parts"][REAL_ORG] = write_parts(staging, REAL_ORG, frames)
    (staging / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (staging / "COMMIT").write_text("ok")
    assert load_indicators(tmp_path / "p").value.tolist() == [999.0]
    assert not staging.exists()
    assert not any((tmp_path / "p" / f).exists() for f in old_files if "indicators" in f)  # the replaced part went


def test_interrupted_build_without_commit_is_discarded(tmp_path):
    raw = tmp_path / "raw"
    _month(raw, "2021-01", mushroom_spawn_kg=250)
    build_store(raw, tmp_path / "p")
    staging = start_staging(tmp_path / "p")
    (staging / "parts" / "so-khcn-bac-kan.indicators.0123456789abcdef.parquet").write_bytes(b"half a file")
    assert load_indicators(tmp_path / "p").value.tolist() == [250.0]
    assert not staging.exists()


# ------------------------------------------------------------ the shipped data

def test_shipped_real_workbook_matches_hand_checked_truth(shipped_store):
    import csv

    truth_file = Path(__file__).parent / "data" / "2021-01_so-khcn-bac-kan.truth.csv"
    truth = {(r["period"], r["indicator"], r["kind"]): float(r["value"])
             for r in csv.DictReader(truth_file.open(encoding="utf-8"))}
    df = load_indicators(shipped_store)
    real = df[(df.org == REAL_ORG) & df.reviewed]
    assert {(r.period, r.indicator, r.kind): r.value for r in real.itertuples()} == truth
    assert not real.illustrative.any()
    spawn = real[real.indicator == "mushroom_spawn_kg"].iloc[0]
    assert "Sản xuất được 250 kg giống nấm Sò" in spawn.source_ref and spawn.source_ref.startswith("ChiTieu!D")


def test_shipped_illustrative_data_is_flagged_and_kept_apart(shipped_store):
    df = load_indicators(shipped_store)
    demo = df[df.org == ILLUSTRATIVE_ORG]
    assert demo.illustrative.all() and not df[df.org != ILLUSTRATIVE_ORG].illustrative.any()
    assert demo.source_file.str.startswith("data/raw/illustrative/").all()
    results = demo[demo.kind == "result"]
    assert results.period.min() == "2019-01" and results.period.max() == "2021-12"
    assert set(demo[demo.kind == "target"].period) == {"2019-01", "2020-01", "2021-01"}
    tasks = load_tasks(shipped_store)
    assert tasks[tasks.org == ILLUSTRATIVE_ORG].illustrative.all()
    moves = tasks.pivot_table(index="task_id", columns="period", values="status", aggfunc="first")
    assert (moves.nunique(axis=1) >= 3).sum() >= 5  # tasks really move through statuses


def test_illustrative_scale_is_plausible_against_the_real_january(shipped_store):
    df = load_indicators(shipped_store)
    jan = df[(df.period == "2021-01") & (df.kind == "result")].pivot(index="indicator", columns="org",
                                                                     values="value")
    for code in ("mushroom_spawn_kg", "mushroom_bags", "material_samples_tested", "tasks_managed"):
        ratio = jan.loc[code, ILLUSTRATIVE_ORG] / jan.loc[code, REAL_ORG]
        assert 0.5 < ratio < 2, code


@pytest.mark.slow
def test_demo_data_command_is_deterministic(tmp_path):
    from sokhcn_analytics.ingest.demo import make_demo_data
    from sokhcn_analytics.ingest.workbook import load_workbook

    shipped = Path(__file__).parents[1] / "data" / "raw" / "illustrative"
    made = make_demo_data(tmp_path, "2019-01", "2021-12", seed=2021)
    assert sorted(p.name for p in made) == sorted(p.name for p in shipped.glob("*.xlsx"))
    for name in ("2019-01_minh-hoa.xlsx", "2020-07_minh-hoa.xlsx", "2021-12_minh-hoa.xlsx"):
        a, ta = load_workbook(tmp_path / name)
        b, tb = load_workbook(shipped / name)
        cols = ["indicator", "kind", "period", "value"]
        pd.testing.assert_frame_equal(a[cols], b[cols])
        pd.testing.assert_frame_equal(ta[["task_id", "status"]], tb[["task_id", "status"]])


def test_report_is_ingested_and_reviewed_workbook_wins_cell_by_cell(raw_copy, tmp_path):
    import openpyxl
    import subprocess

    from conftest import sokhcn_cmd

    book = raw_copy / "workbooks" / "2021-01_so-khcn-bac-kan.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["ChiTieu"]
    row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == "mushroom_spawn_kg")
    ws[f"D{row}"] = 260  # the reviewer corrected the report's 250
    wb.save(book)
    done = subprocess.run([*sokhcn_cmd(), "build", "--raw", str(raw_copy), "--processed", str(tmp_path / "p"),
                           "--diff"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "1 khác biệt" in done.stdout and "mushroom_spawn_kg" in done.stdout and "250" in done.stdout
    df = load_indicators(tmp_path / "p")
    spawn = df[(df.org == REAL_ORG) & (df.indicator == "mushroom_spawn_kg") & (df.kind == "result")]
    assert spawn.value.tolist() == [260.0] and spawn.reviewed.tolist() == [True]
    extracted_only = df[(df.org == REAL_ORG) & ~df.reviewed]
    assert extracted_only.empty  # every report figure is also in the reviewed workbook


def test_summary_command_shows_real_month_first_with_sources(shipped_store):
    import subprocess

    from conftest import sokhcn_cmd

    done = subprocess.run([*sokhcn_cmd(), "summary", "--processed", str(shipped_store)], capture_output=True,
                          text=True)
    assert done.returncode == 0
    first = done.stdout.splitlines()[0]
    assert first.startswith("Sở Khoa học và Công nghệ tỉnh Bắc Kạn — Tháng 01/2021")
    line = next(l for l in done.stdout.splitlines() if l.startswith("Giống nấm sản xuất"))
    assert " 250 kg" in line and "2021-01_so-khcn-bac-kan.xlsx ChiTieu!D" in line and "giống nấm Sò" in line
    assert "Dữ liệu minh họa" in done.stdout  # the illustrative block is labelled as such
