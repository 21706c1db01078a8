"""The processed store under ``data/processed/``: built from ``data/raw/``, read by everyone.

Files:

* ``indicators.parquet`` – one row per (org, period, indicator, kind), sources resolved;
* ``tasks.parquet`` – the task register, one row per (org, period, task);
* ``sources.parquet`` – every row of every source before resolution (for ``--diff`` and
  for rebuilding only the files that changed);
* ``manifest.json`` – each input's sha256 and row count, each output's sha256, and the
  periods with results per org (read without pandas by ``sokhcn report``).

A build writes the new files into ``.staging/``, marks them complete with a ``COMMIT``
file, then moves them into place. A build killed at any point leaves either the old store
or a complete staging that the next reader or build rolls forward, so readers never see
half a store. One build at a time: a second one waits for the lock, then gives up with a
clear message.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import paths
from .errors import InputError, Problem, StoreError

OUTPUTS = ("indicators.parquet", "tasks.parquet", "sources.parquet")
MANIFEST = "manifest.json"
STAGING = ".staging"
LOCK = ".lock"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
REPORT_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
KEY = ["org", "period", "indicator", "kind", "span"]  # span: a quarter's figure sits beside its last month's
_REPORT_NAME = re.compile(r"^(\d{4}-\d{2})_(.+)$")


@dataclass
class BuildResult:
    changed: bool
    message: str
    inputs: list = field(default_factory=list)
    indicator_rows: int = 0
    task_rows: int = 0
    diff: object = None  # DataFrame of workbook vs report differences


# ---------------------------------------------------------------- reading

def load_indicators(processed_dir=None):
    """The stored indicators: one row per (org, period, indicator, kind).

    >>> df = load_indicators()                         # doctest: +SKIP
    >>> df[df.indicator == "mushroom_spawn_kg"].head()  # doctest: +SKIP
    """
    return _read(processed_dir, "indicators.parquet")


def load_tasks(processed_dir=None):
    """The stored task register, one row per (org, period, task)."""
    return _read(processed_dir, "tasks.parquet")


def load_sources(processed_dir=None):
    """Every row of every source before workbook-over-report resolution."""
    return _read(processed_dir, "sources.parquet")


def load_manifest(processed_dir=None) -> dict:
    target = Path(processed_dir) if processed_dir else paths.processed_dir()
    _recover_locked(target)
    try:
        return json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def result_periods(processed_dir=None) -> dict[str, list[str]]:
    """The periods with at least one result, per org: ``{"so-khcn-bac-kan": ["2021-01"], ...}``.

    Read from the manifest (no pandas needed: the report command checks its periods before
    anything heavy starts); a store built before the manifest held them is read in full.
    """
    known = load_manifest(processed_dir).get("result_periods")
    if isinstance(known, dict):
        return {str(org): sorted(map(str, periods)) for org, periods in known.items()}
    return result_periods_of(load_indicators(processed_dir))


def result_periods_of(df) -> dict[str, list[str]]:
    """``{org: sorted periods with a result row}`` of an indicator frame."""
    r = df[df["kind"].astype(str) == "result"]
    return {str(org): sorted(set(g["period"].astype(str)))
            for org, g in r.groupby(r["org"].astype(str), sort=True)}


def _read(processed_dir, name):
    import pandas as pd

    target = Path(processed_dir) if processed_dir else paths.processed_dir()
    _recover_locked(target)
    file = target / name
    if not file.exists():
        raise StoreError(f"chưa có kho dữ liệu ở {target} (thiếu {name}); chạy 'sokhcn build' trước",
                         reason="store_missing")
    return pd.read_parquet(file)


# ---------------------------------------------------------------- building

def build_store(raw=None, processed=None, force: bool = False, lock_timeout: float | None = None) -> BuildResult:
    """Ingest every workbook and report under ``raw`` into the store at ``processed``.

    Nothing is written when no input changed (``force`` rebuilds anyway). Any invalid
    input raises :class:`InputError` listing every problem, and the store stays as it was.
    """
    raw = Path(raw) if raw else paths.raw_dir()
    processed = Path(processed) if processed else paths.processed_dir()
    if not raw.is_dir():
        raise StoreError(f"không thấy thư mục dữ liệu gốc {raw}", reason="raw_missing")
    processed.mkdir(parents=True, exist_ok=True)
    with StoreLock(processed, lock_timeout):
        recover(processed)
        inputs = fingerprint_inputs(raw)
        old = _manifest(processed)
        if not force and _unchanged(old, inputs, processed):
            return BuildResult(False, "Không có thay đổi: kho dữ liệu đã khớp với dữ liệu gốc, không cần build lại.",
                               inputs)
        sources, tasks = _load_sources(raw, inputs, processed, old)
        indicators, diff = resolve(sources)
        try:
            _commit(processed, indicators, tasks, sources, inputs)
        except OSError as exc:  # disk full, no permission: the store in place was not touched
            if not (processed / STAGING / "COMMIT").exists():
                shutil.rmtree(processed / STAGING, ignore_errors=True)
            raise StoreError(f"không ghi được kho dữ liệu vào {processed} ({exc}); kiểm tra dung lượng đĩa và quyền "
                             "ghi rồi chạy lại 'sokhcn build'", reason="store_write_failed") from None
    return BuildResult(True, f"Đã build kho dữ liệu: {len(indicators)} dòng chỉ tiêu, {len(tasks)} dòng nhiệm vụ "
                       f"từ {len(inputs)} file.", inputs, len(indicators), len(tasks), diff)


def fingerprint_inputs(raw: Path) -> list[dict]:
    """Every source file under ``raw`` with its kind and sha256, in a stable order."""
    out = []
    for file in sorted(raw.rglob("*")):
        if not file.is_file() or file.name.startswith((".", "~$")):
            continue
        suffix = file.suffix.lower()
        if suffix in WORKBOOK_SUFFIXES:
            kind = "workbook"
        elif suffix in REPORT_SUFFIXES and "reports" in file.relative_to(raw).parts[:-1]:
            kind = "report"
        else:
            continue
        out.append({"source_file": file.relative_to(raw).as_posix(), "kind": kind, "sha256": _sha256(file)})
    return out


def _sha256(file: Path) -> str:
    h = hashlib.sha256()
    with open(file, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _code_fingerprint() -> str:
    """Every file of the package (code, catalog, phrasings, labels, templates): a change to any
    of them may change what the sources mean, so the store is rebuilt. Compiled files and the
    shipped notebooks (which only read the store) aside."""
    root = paths.PACKAGE_DIR
    h = hashlib.sha256()
    for file in sorted(root.rglob("*")):
        if file.is_file() and file.suffix not in (".pyc", ".pyo", ".ipynb") and "__pycache__" not in file.parts:
            h.update(f"{file.relative_to(root).as_posix()}\0{file.stat().st_size}\0".encode())
            h.update(file.read_bytes())
    return h.hexdigest()


def _manifest(processed: Path) -> dict:
    try:
        return json.loads((processed / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def _unchanged(old: dict, inputs: list[dict], processed: Path) -> bool:
    return (old.get("inputs") == [{k: i[k] for k in ("source_file", "kind", "sha256")} for i in inputs]
            and old.get("code") == _code_fingerprint()
            and all((processed / name).exists() for name in OUTPUTS))


def _load_sources(raw: Path, inputs: list[dict], processed: Path, old: dict):
    """Read every input; reuse the stored rows of files whose checksum did not change."""
    import pandas as pd

    from .model import normalize_indicators, normalize_tasks

    cached = _cached_rows(processed, old)
    rows, task_rows, problems = [], [], []
    for item in inputs:
        try:
            found, tasks = cached.get((item["source_file"], item["sha256"])) or _read_source(
                raw / item["source_file"], item["kind"], item["source_file"])
        except InputError as exc:
            problems += exc.problems
            continue
        item["rows"] = len(found) + len(tasks)
        rows += found
        task_rows += tasks
    if problems:
        raise InputError(problems)
    sources = normalize_indicators(pd.DataFrame(rows))
    tasks = normalize_tasks(pd.DataFrame(task_rows))
    _check_tasks(tasks)
    return sources, tasks


def _cached_rows(processed: Path, old: dict) -> dict:
    """Rows of the previous build (as dicts) by source file and checksum."""
    if old.get("code") != _code_fingerprint() or not (processed / "sources.parquet").exists():
        return {}
    try:
        import pandas as pd

        sources = pd.read_parquet(processed / "sources.parquet")
        tasks = pd.read_parquet(processed / "tasks.parquet")
    except Exception:  # a damaged cache only costs a full rebuild
        return {}
    by_source = {name: group.to_dict("records") for name, group in sources.groupby("source_file")}
    tasks_by_source = {name: group.to_dict("records") for name, group in tasks.groupby("source_file")}
    out = {}
    for item in old.get("inputs", []):
        key = _stored_name(item["source_file"])
        out[(item["source_file"], item["sha256"])] = (by_source.get(key, []), tasks_by_source.get(key, []))
    return out


def _stored_name(relative: str) -> str:
    return f"data/raw/{relative}"


def _read_source(file: Path, kind: str, relative: str | None = None) -> tuple[list[dict], list[dict]]:
    from .workbook import read_workbook_rows

    if kind == "workbook":
        rows, tasks = read_workbook_rows(file)
    else:
        rows, tasks = _read_report(file).to_dict("records"), []
    # named relative to the raw folder given, as the cache looks rows up by that name (a raw folder
    # not called "raw" otherwise lost every unchanged file's rows on the next build)
    name = _stored_name(relative or _relative_to_raw(file))
    for row in (*rows, *tasks):
        row["source_file"] = name
    return rows, tasks


def _relative_to_raw(file: Path) -> str:
    parts = file.resolve().parts
    if "raw" in parts:
        i = len(parts) - 1 - parts[::-1].index("raw")
        return "/".join(parts[i + 1:])
    return file.name


def _read_report(file: Path):
    """Extract a narrative report into store rows (unreviewed, source_ref = the quote)."""
    from .model import REAL_ORG, normalize_indicators

    try:
        from . import extract
    except ImportError:  # extraction not installed in this build
        import pandas as pd

        return normalize_indicators(pd.DataFrame())
    m = _REPORT_NAME.match(file.stem)
    org = m.group(2) if m else REAL_ORG
    report = extract.read_report(file)
    if m and report.period != m.group(1):  # a report copied under next month's name
        raise InputError(Problem("period_mismatch", f"kỳ báo cáo trong tiêu đề là {report.period} nhưng tên file ghi "
                                 f"{m.group(1)}; sửa một trong hai cho khớp", str(file), cell=report.title_line()))
    frame = extract.extract_indicators(report)
    return normalize_indicators(extract.to_store_rows(frame, source_file=str(file), org=org))


def _check_tasks(tasks) -> None:
    dup = tasks[tasks.duplicated(["org", "period", "task_id"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        files = sorted(set(dup[(dup.task_id == first.task_id) & (dup.period == first.period)].source_file))
        raise InputError(Problem("duplicate_task", f"nhiệm vụ '{first.task_id}' kỳ {first.period} có ở nhiều file: "
                                 f"{', '.join(files)}; giữ lại ở một file", files[0]))


def resolve(sources):
    """One row per (org, period, indicator, kind): reviewed workbooks win over extraction.

    Two sources of the same standing that disagree are an error naming both.
    Returns ``(indicators, diff)`` where ``diff`` lists workbook vs report values.
    """
    import pandas as pd

    problems = []
    for reviewed in (True, False):
        same = sources[sources.reviewed == reviewed]
        groups = same.groupby(KEY, sort=False)["value"].nunique()
        for key in groups[groups > 1].index:
            rows = same.set_index(KEY).loc[key]
            problems.append(_conflict(key, rows))
    if problems:
        raise InputError(problems)
    ordered = sources.sort_values("reviewed", ascending=False, kind="stable")
    indicators = ordered.drop_duplicates(KEY, keep="first")
    indicators = indicators.sort_values(["org", "period", "kind", "indicator"], kind="stable").reset_index(drop=True)
    return indicators, diff_sources(sources)


def _conflict(key, rows) -> Problem:
    where = "; ".join(f"{r.source_file} ({r.source_ref}) = {r.value:g}" for r in rows.itertuples())
    org, period, indicator, kind = key[:4]
    return Problem("conflicting_sources", f"chỉ tiêu '{indicator}' ({kind}) kỳ {period} của {org} có giá trị khác "
                   f"nhau giữa các nguồn: {where}; sửa cho thống nhất hoặc bỏ một nguồn",
                   rows.iloc[0].source_file, value=indicator)


def diff_sources(sources):
    """Workbook (reviewed) vs report (extracted) values wherever both exist and differ, or only one exists."""
    import pandas as pd

    cols = KEY + ["value", "source_file", "source_ref"]
    reviewed = sources[sources.reviewed][cols]
    extracted = sources[~sources.reviewed][cols]
    months = ["org", "period"]
    shared = reviewed[months].drop_duplicates().merge(extracted[months].drop_duplicates())
    reviewed, extracted = reviewed.merge(shared), extracted.merge(shared)  # months that have both sources
    both = reviewed.merge(extracted, on=KEY, how="outer", suffixes=("_workbook", "_report"))
    changed = both[~(both.value_workbook == both.value_report)]
    return changed.sort_values(KEY).reset_index(drop=True)


# ---------------------------------------------------------------- writing

def _commit(processed: Path, indicators, tasks, sources, inputs: list[dict]) -> None:
    staging = processed / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    outputs = {}
    for name, frame in zip(OUTPUTS, (indicators, tasks, sources)):
        frame.to_parquet(staging / name, index=False)
        _fsync(staging / name)
        outputs[name] = {"sha256": _sha256(staging / name), "rows": len(frame)}
    manifest = {
        "format": 1,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code": _code_fingerprint(),
        "inputs": [{k: i[k] for k in ("source_file", "kind", "sha256")} for i in inputs],
        "rows": {i["source_file"]: i.get("rows", 0) for i in inputs},
        "outputs": outputs,
        "result_periods": result_periods_of(indicators),
    }
    _write_text(staging / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    _write_text(staging / "COMMIT", "ok")
    _fsync_dir(staging)
    _roll_forward(processed)


def recover(processed: Path) -> None:
    """Finish or discard a build that was interrupted (see the module docstring)."""
    staging = Path(processed) / STAGING
    if not staging.exists():
        return
    if (staging / "COMMIT").exists():
        _roll_forward(Path(processed))
    else:
        shutil.rmtree(staging, ignore_errors=True)


def _recover_locked(processed: Path) -> None:
    """Readers finish an interrupted build, but never under the feet of a running one."""
    if (processed / STAGING).exists():
        with StoreLock(processed):
            recover(processed)


def _roll_forward(processed: Path) -> None:
    staging = processed / STAGING
    for name in (*OUTPUTS, MANIFEST):  # the manifest last: it vouches for the others
        if (staging / name).exists():
            os.replace(staging / name, processed / name)
    _fsync_dir(processed)
    shutil.rmtree(staging, ignore_errors=True)


def _write_text(file: Path, text: str) -> None:
    with open(file, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync(file: Path) -> None:
    with open(file, "rb") as fh:
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
