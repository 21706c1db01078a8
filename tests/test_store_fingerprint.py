"""The store's code fingerprint covers every file of the package: a change anywhere rebuilds."""
from __future__ import annotations

import shutil

import pytest

from sokhcn_analytics.core import paths

from sokhcn_analytics.store import build as store


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """A copy of the package that the fingerprint reads instead of the real one."""
    copy = tmp_path / "sokhcn_analytics"
    shutil.copytree(paths.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE_DIR", copy)
    return copy


@pytest.mark.parametrize("name", ["ingest/safety.py", "core/catalog.py", "core/labels.csv", "core/indicators.csv",
                                  "extract/phrasings.csv", "reports/templates/sokhcn_report/index.html.j2"])
def test_changing_any_file_of_the_package_changes_the_fingerprint(package_copy, name):
    assert (package_copy / name).is_file()  # a change to a file that is there, not a new one
    before = store._code_fingerprint()
    with open(package_copy / name, "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert store._code_fingerprint() != before


def test_a_new_or_renamed_file_changes_it_and_compiled_files_and_notebooks_do_not(package_copy):
    before = store._code_fingerprint()
    (package_copy / "__pycache__").mkdir(exist_ok=True)
    (package_copy / "__pycache__" / "safety.cpython-311.pyc").write_bytes(b"\x00compiled")
    # the shipped notebooks only read the store
    (package_copy / "reports" / "notebooks" / "monthly_summary.ipynb").write_text("{}", encoding="utf-8")
    assert store._code_fingerprint() == before
    (package_copy / "rules.yml").write_text("a: 1\n", encoding="utf-8")
    added = store._code_fingerprint()
    assert added != before
    (package_copy / "rules.yml").rename(package_copy / "other.yml")
    assert store._code_fingerprint() not in (before, added)


def test_a_build_after_a_change_to_the_package_rebuilds(raw_copy, tmp_path, package_copy):
    processed = tmp_path / "processed"
    assert store.build_store(raw_copy, processed).changed
    assert not store.build_store(raw_copy, processed).changed
    with open(package_copy / "safety.py", "a", encoding="utf-8") as fh:
        fh.write("# a new rule\n")
    assert store.build_store(raw_copy, processed).changed
