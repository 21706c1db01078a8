"""A build hashes only the inputs whose size, times or inode changed since the last one looked
(:mod:`sokhcn_analytics.store.inputs`); a changed file is never taken for unchanged."""
from __future__ import annotations

import os
import shutil

from conftest import RAW
from sokhcn_analytics.store import inputs
from sokhcn_analytics.store.build import build_store


def _raw(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW / "workbooks", raw / "workbooks")
    return raw


def test_an_unchanged_input_is_not_hashed_again(tmp_path, monkeypatch):
    raw = _raw(tmp_path)
    monkeypatch.setattr(inputs, "RACY_NS", 0)  # the files were written just before the first build
    build_store(raw, tmp_path / "p")
    hashed = []
    real = inputs.sha256_of
    monkeypatch.setattr(inputs, "sha256_of", lambda f: hashed.append(f.name) or real(f))
    assert not build_store(raw, tmp_path / "p").changed
    assert hashed == []


def test_a_file_changed_under_the_same_size_and_modification_time_is_read_again(tmp_path, monkeypatch):
    raw = _raw(tmp_path)
    monkeypatch.setattr(inputs, "RACY_NS", 0)
    build_store(raw, tmp_path / "p")
    victim = sorted(raw.rglob("*.xlsx"))[0]
    before = victim.stat()
    data = bytearray(victim.read_bytes())
    data[-30] ^= 0xFF  # same size, one byte other (in the zip's end record: still readable)
    victim.write_bytes(bytes(data))
    os.utime(victim, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p or rsync -t would leave it
    assert victim.stat().st_size == before.st_size and victim.stat().st_mtime_ns == before.st_mtime_ns
    try:
        result = build_store(raw, tmp_path / "p")
    except Exception as exc:  # noqa: BLE001 - a broken workbook is fine: it was read, not trusted
        assert "corrupt" in str(getattr(exc, "problems", exc)) or "hỏng" in str(exc)
        return
    assert result.changed and result.files_read == 1


def test_inputs_are_listed_part_by_part_as_before(tmp_path):
    for name in ("a/b.xlsx", "a-b/c.xlsx", "a/.hidden.xlsx", "a/~$lock.xlsx", "a/notes.csv", "x/reports/r.txt",
                 "x/r.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert [(n, k) for n, k, _ in inputs.list_inputs(tmp_path)] == [
        ("a/b.xlsx", "workbook"), ("a-b/c.xlsx", "workbook"), ("x/reports/r.txt", "report")]
