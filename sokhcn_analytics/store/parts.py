"""The store on disk: one part per org, a manifest naming the parts, an atomic commit.

Layout of ``data/processed/``::

    manifest.json                                  inputs, rows, the org of each input, the parts
    parts/<org>.indicators.<sha256[:16]>.parquet   resolved indicators of one org
    parts/<org>.tasks.<sha256[:16]>.parquet        its task register
    parts/<org>.sources.<sha256[:16]>.parquet      every source row of that org, before resolution

A part is named by its content, so a file once written never changes: a build writes
only the parts of the orgs whose inputs changed, and a reader that follows one manifest
reads one complete store. The commit writes the new parts and manifest into
``.staging/``, marks it complete with ``COMMIT``, moves the parts into ``parts/``, then
replaces ``manifest.json`` (the switch), then deletes the parts no manifest names. A build
killed before ``COMMIT`` leaves the old store (its staging is discarded); after it, the
next reader or build finishes the move. A reader that finds a part gone (a build
committed meanwhile) reads the new manifest again.

Stores written before parts existed (``indicators.parquet`` … beside a ``format: 1``
manifest, or no manifest) are still read; the next build replaces them.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import time
from pathlib import Path

from sokhcn_analytics.core.errors import StoreError

KINDS = ("indicators", "tasks", "sources")
LEGACY_OUTPUTS = tuple(f"{kind}.parquet" for kind in KINDS)
MANIFEST = "manifest.json"
STAGING = ".staging"
PARTS = "parts"
LOCK = ".lock"
FORMAT = 2
_PART_NAME = re.compile(r"^parts/[A-Za-z0-9_-]{1,60}\.(indicators|tasks|sources)\.[0-9a-f]{16}\.parquet$")
_READ_ATTEMPTS = 5


# ---------------------------------------------------------------- writing parts

def write_failed(processed, exc: OSError) -> StoreError:
    """The error of a store that could not be written (disk full, no permission); the store in place
    is untouched. One wording, whether the parts failed while reading or at the end."""
    return StoreError(f"không ghi được kho dữ liệu vào {processed} ({exc}); kiểm tra dung lượng đĩa và quyền "
                      "ghi rồi chạy lại 'sokhcn build'", reason="store_write_failed")


def part_file(org: str, kind: str, data: bytes) -> str:
    """``parts/<org as a safe name>.<kind>.<content hash>.parquet`` (org names come from cells)."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", org)[:40] or "_"
    return f"{PARTS}/{slug}.{kind}.{hashlib.sha256(data).hexdigest()[:16]}.parquet"


def write_parts(staging: Path, org: str, frames: dict) -> dict:
    """Write one org's frames into ``staging/parts``; their manifest entry ``{kind: {file, rows}}``."""
    entry = {}
    for kind in KINDS:
        frame = frames[kind]
        data = _parquet(frame)
        name = part_file(org, kind, data)
        _write_bytes(staging / name, data)
        entry[kind] = {"file": name, "rows": len(frame)}
    return entry


def _parquet(frame) -> bytes:
    """The bytes ``frame.to_parquet(buffer, index=False)`` writes, the columns converted in this thread:
    pandas lets pyarrow start a pool of threads for a frame of more than 100 rows per column, which cost
    more than the conversion (starting them while the reading threads hold the GIL) when an org's
    parts are written during a build."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if frame.attrs:  # metadata pandas adds: its own way
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False, nthreads=1), sink, compression="snappy")
    return sink.getvalue().to_pybytes()


def start_staging(processed: Path) -> Path:
    staging = processed / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    (staging / PARTS).mkdir(parents=True)
    return staging


def commit(processed: Path, manifest: dict) -> None:
    """Make the staged parts and ``manifest`` the store (see the module docstring)."""
    staging = processed / STAGING
    _write_bytes(staging / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    _fsync_dir(staging / PARTS)
    _write_bytes(staging / "COMMIT", b"ok")
    _fsync_dir(staging)
    roll_forward(processed)


def roll_forward(processed: Path) -> None:
    """Move a committed staging into place; safe to repeat after a kill at any point."""
    staging = processed / STAGING
    (processed / PARTS).mkdir(exist_ok=True)
    for part in sorted((staging / PARTS).glob("*.parquet")) if (staging / PARTS).exists() else ():
        os.replace(part, processed / PARTS / part.name)
    _fsync_dir(processed / PARTS)
    if (staging / MANIFEST).exists():  # the manifest last: it vouches for the parts
        os.replace(staging / MANIFEST, processed / MANIFEST)
        _fsync_dir(processed)
    remove_unnamed(processed)
    shutil.rmtree(staging, ignore_errors=True)


def remove_unnamed(processed: Path) -> None:
    """Delete the parts (and pre-parts files) the manifest in place does not name."""
    manifest = read_manifest(processed)
    if manifest.get("format") != FORMAT:
        return
    named = {entry[kind]["file"] for entry in manifest.get("parts", {}).values() for kind in KINDS}
    for part in (processed / PARTS).glob("*") if (processed / PARTS).exists() else ():
        if f"{PARTS}/{part.name}" not in named:
            part.unlink(missing_ok=True)
    for name in LEGACY_OUTPUTS:
        (processed / name).unlink(missing_ok=True)


def recover(processed: Path) -> None:
    """Finish a committed build, or discard one that was interrupted before its commit."""
    staging = Path(processed) / STAGING
    if not staging.exists():
        return
    if (staging / "COMMIT").exists():
        roll_forward(Path(processed))
    else:
        shutil.rmtree(staging, ignore_errors=True)


def recover_locked(processed: Path) -> None:
    """Readers finish an interrupted build, but never under the feet of a running one."""
    if (processed / STAGING).exists():
        with StoreLock(processed):
            recover(processed)


# ---------------------------------------------------------------- reading parts

def read_manifest(processed: Path) -> dict:
    try:
        return json.loads((processed / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def read_kind(processed: Path, kind: str, orgs=None):
    """One frame of ``kind`` over every org (or only ``orgs``), as the manifest in place names it; ``None`` if
    no store."""
    for attempt in range(_READ_ATTEMPTS):
        recover_locked(processed)
        manifest = read_manifest(processed)
        if manifest.get("format") != FORMAT:
            frame = _read_legacy(processed, kind)
            return frame if frame is None or orgs is None else frame[frame["org"].isin(list(orgs))].reset_index(drop=True)
        try:
            return _read_parts(processed, manifest, kind, orgs)
        except FileNotFoundError:  # a build replaced the store between our manifest and its parts
            time.sleep(0.05 * (attempt + 1))
    raise StoreError(f"kho dữ liệu ở {processed} đang được build lại liên tục, không đọc được; thử lại sau",
                     reason="store_busy")


def files_of(processed: Path, kind: str, org: str | None = None) -> list[Path]:
    """The Parquet files holding ``kind`` (of ``org``, when given) as the manifest in place names
    them, for readers that want pyarrow alone (``sokhcn draft``); a legacy store's one file."""
    recover_locked(processed)
    manifest = read_manifest(processed)
    if manifest.get("format") != FORMAT:
        legacy = processed / f"{kind}.parquet"
        return [legacy] if legacy.exists() else []
    parts = manifest.get("parts", {})
    names = [parts[o][kind]["file"] for o in sorted(parts) if (org is None or o == org) and parts[o][kind]["rows"]]
    return [processed / n for n in names if _PART_NAME.match(n)]


def _read_legacy(processed: Path, kind: str):
    import pandas as pd

    file = processed / f"{kind}.parquet"
    return pd.read_parquet(file) if file.exists() else None


def _read_parts(processed: Path, manifest: dict, kind: str, only=None):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sokhcn_analytics.core.model import normalize_indicators, normalize_tasks

    parts = manifest.get("parts", {})
    orgs, needs_sort = reading_order(manifest, kind)
    if only is not None:
        orgs = [o for o in orgs if o in set(only)]
    files = [parts[org][kind]["file"] for org in orgs if parts[org][kind]["rows"]]
    if any(not _PART_NAME.match(f) for f in files):
        raise StoreError(f"manifest.json ở {processed} ghi tên phần dữ liệu không hợp lệ; chạy 'sokhcn build "
                         "--force' để tạo lại kho", reason="store_damaged")
    if not files:
        import pandas as pd

        return (normalize_tasks if kind == "tasks" else normalize_indicators)(pd.DataFrame())
    frame = pa.concat_tables([pq.read_table(processed / f) for f in files]).to_pandas()
    return _in_input_order(frame, manifest) if needs_sort else frame


def reading_order(manifest: dict, kind: str) -> tuple[list[str], bool]:
    """The orgs in the order their parts are read, and whether the rows still need sorting.

    Indicators are sorted by org first, so their parts go in org order. Tasks and sources
    keep the order of the inputs (files sorted by path, rows as in the file): each org's
    rows are in that order within its part, so the parts in the order of their first file
    are too, unless two orgs' files interleave.
    """
    orgs = sorted(manifest.get("parts", {}))
    if kind == "indicators":
        return orgs, False
    position = {i["source_file"]: n for n, i in enumerate(manifest.get("inputs", []))}
    spans = {}
    for source, org in manifest.get("org_of", {}).items():
        n = position.get(source, 0)
        low, high = spans.get(org, (n, n))
        spans[org] = (min(low, n), max(high, n))
    orgs.sort(key=lambda o: spans.get(o, (0, 0)))
    interleaved = any(spans.get(a, (0, 0))[1] > spans.get(b, (0, 0))[0] for a, b in zip(orgs, orgs[1:]))
    return orgs, interleaved


def _in_input_order(frame, manifest: dict):
    from sokhcn_analytics.store.read import stored_name

    position = {stored_name(i["source_file"]): n for n, i in enumerate(manifest.get("inputs", []))}
    order = frame["source_file"].map(position).to_numpy().argsort(kind="stable")
    return frame.take(order).reset_index(drop=True)


# ---------------------------------------------------------------- files

def _write_bytes(file: Path, data: bytes) -> None:
    with open(file, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class StoreLock:
    """An exclusive lock on the store for the length of a build (released if the process dies)."""

    def __init__(self, processed: Path, timeout: float | None = None):
        self.file = Path(processed) / LOCK
        env = os.environ.get("SOKHCN_LOCK_TIMEOUT")
        self.timeout = timeout if timeout is not None else float(env) if env else 60.0
        self.fh = None

    def __enter__(self):
        self.fh = open(self.file, "a+")
        deadline = time.monotonic() + self.timeout
        while not self._try():
            if time.monotonic() >= deadline:
                self.fh.close()
                raise StoreError(f"một lần 'sokhcn build' khác đang ghi vào {self.file.parent}; chờ nó chạy xong "
                                 "rồi chạy lại", reason="store_locked")
            time.sleep(0.1)
        return self

    def _try(self) -> bool:
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(self.fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def __exit__(self, *exc):
        self.fh.close()  # closing the file releases the lock
        return False
