"""The safety scan skips inflating a part whose compressed bytes it has already checked (workbooks made
from one template share most parts), and nothing else: a changed part is scanned as before."""
from __future__ import annotations

import zipfile

import pytest

from sokhcn_analytics.core.errors import InputError
from sokhcn_analytics.ingest import safety
from sokhcn_analytics.ingest.template import write_template


def _rewrite(source, target, name, change):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, change(data) if info.filename == name else data)


def test_a_part_checked_before_is_reused_and_gives_the_same_bytes(tmp_path, monkeypatch):
    first = write_template("2021-01", tmp_path / "a.xlsx", results={"inspections": 3})
    second = write_template("2021-02", tmp_path / "b.xlsx", results={"inspections": 4})
    monkeypatch.setattr(safety, "_SEEN", {})
    before = safety.check_workbook_file(second)
    safety.check_workbook_file(first)
    inflated = []
    monkeypatch.setattr(safety, "_inflate", lambda fh, info: inflated.append(info.filename) or
                        iter([zipfile.ZipFile(second).read(info)]))
    again = safety.check_workbook_file(second)
    assert again == before and again.stored == before.stored and again.context == before.context
    assert not inflated  # every part of the file was met, byte for byte, in the scan before


def test_a_changed_part_is_scanned_again(tmp_path, monkeypatch):
    good = write_template("2021-01", tmp_path / "a.xlsx", results={"inspections": 3})
    monkeypatch.setattr(safety, "_SEEN", {})
    safety.check_workbook_file(good)
    _rewrite(good, tmp_path / "bad.xlsx", "xl/styles.xml",
             lambda data: b'<!DOCTYPE x [<!ENTITY a "b">]>' + data)
    with pytest.raises(InputError) as caught:
        safety.check_workbook_file(tmp_path / "bad.xlsx")
    assert caught.value.problems[0].reason == "xml_entities"
