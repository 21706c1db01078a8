"""A full build read in workers writes each org's parts while the other slices are read.

Whatever the early work does, the store must be the one a build in one process makes:
the same parts byte for byte, the same errors, nothing left behind when it fails. Slices
are made small here (4 files) so that a few orgs span several of them.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from sokhcn_analytics.store import early as store_early

from sokhcn_analytics.store import read as store_read
from sokhcn_analytics.ingest.demo import demo_orgs, make_demo_data
from sokhcn_analytics.core.errors import InputError
from sokhcn_analytics.store.build import build_store, load_manifest
from sokhcn_analytics.store.parts import KINDS, STAGING
from sokhcn_analytics.ingest.workbook import write_template

pytestmark = pytest.mark.slow  # reading worker processes (make test runs them; make test-fast does not)

ORGS = demo_orgs(3)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """3 illustrative orgs × 5 months, a folder each (read-only: copy it to change it)."""
    folder = tmp_path_factory.mktemp("early") / "raw"
    make_demo_data(folder / "illustrative", "2020-01", "2020-05", seed=11, orgs=3)
    return folder


@pytest.fixture
def in_workers(monkeypatch):
    """Builds read in worker processes in slices of 4 files; the early parts that stood are recorded."""
    monkeypatch.setattr(store_read, "PARALLEL_MIN_FILES", 4)
    monkeypatch.setattr(store_read, "CHUNK_FILES", 4)
    stood = []
    finish = store_early.EarlyParts.finish

    def recording(self, files):
        stood.append(sorted(result := finish(self, files)))
        return result

    monkeypatch.setattr(store_early.EarlyParts, "finish", recording)
    return stood


def _parts(processed: Path) -> dict:
    return {org: {kind: hashlib.sha256((processed / e[kind]["file"]).read_bytes()).hexdigest() for kind in KINDS}
            for org, e in load_manifest(processed)["parts"].items()}


def _in_one_process(raw: Path, processed: Path):
    return build_store(raw, processed, jobs=1)


def test_parts_written_while_reading_are_those_of_a_build_in_one_process(raw, tmp_path, in_workers):
    result = build_store(raw, tmp_path / "workers", jobs=2)
    assert in_workers == [sorted(ORGS)]  # every org was put together early
    assert result.orgs_rewritten == sorted(ORGS) and "ghi lại dữ liệu của 3 đơn vị" in result.message
    _in_one_process(raw, tmp_path / "one")
    assert _parts(tmp_path / "workers") == _parts(tmp_path / "one")
    manifest = load_manifest(tmp_path / "workers")
    assert manifest["result_periods"] == load_manifest(tmp_path / "one")["result_periods"]
    named = {e[kind]["file"].split("/")[-1] for e in manifest["parts"].values() for kind in KINDS}
    assert {p.name for p in (tmp_path / "workers" / "parts").iterdir()} == named
    assert not (tmp_path / "workers" / STAGING).exists()


def test_an_org_whose_files_sit_in_two_folders_is_put_together_from_all_of_them(raw, tmp_path, in_workers):
    spread = tmp_path / "raw"
    shutil.copytree(raw, spread)
    moved = spread / "illustrative" / "elsewhere"
    moved.mkdir()
    for book in sorted((spread / "illustrative" / ORGS[1]).glob("2020-0[45]_*.xlsx")):
        book.rename(moved / book.name)
    build_store(spread, tmp_path / "workers", jobs=2)
    assert in_workers == [sorted(set(ORGS) - {ORGS[1]})]
    _in_one_process(spread, tmp_path / "one")
    assert _parts(tmp_path / "workers") == _parts(tmp_path / "one")


def test_a_conflict_found_while_reading_is_reported_as_in_one_process_and_nothing_is_left(raw, tmp_path, in_workers):
    bad = tmp_path / "raw"
    shutil.copytree(raw, bad)
    write_template("2020-03", bad / "illustrative" / ORGS[0] / "2020-03_copy.xlsx", org=ORGS[0], reviewed=True,
                   results={"inspections": 987654})
    processed = tmp_path / "workers"
    with pytest.raises(InputError) as workers:
        build_store(bad, processed, jobs=2)
    with pytest.raises(InputError) as one:
        _in_one_process(bad, tmp_path / "one")
    assert workers.value.reasons == one.value.reasons == ["conflicting_sources"]
    assert str(workers.value).replace(str(processed), "") == str(one.value).replace(str(tmp_path / "one"), "")
    assert not (processed / STAGING).exists() and not list(processed.glob("parts/*"))


def test_a_part_that_cannot_be_written_while_reading_says_so_and_leaves_the_old_store(raw, tmp_path, in_workers,
                                                                                       monkeypatch):
    from sokhcn_analytics.core.errors import StoreError

    processed = tmp_path / "workers"
    build_store(raw, processed, jobs=2)
    before = _parts(processed)
    written = []

    def disk_full(staging, org, frames):
        written.append(org)
        raise OSError(27, "File too large")

    monkeypatch.setattr(store_early, "write_parts", disk_full)
    with pytest.raises(StoreError) as e:
        build_store(raw, processed, jobs=2, force=True)
    assert written, "the parts were not written while reading: this test checks nothing"
    assert e.value.reason == "store_write_failed" and "dung lượng đĩa" in str(e.value)
    assert _parts(processed) == before and not (processed / STAGING).exists()
