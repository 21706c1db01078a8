"""The processed store under ``data/processed/``: built from ``data/raw/``, read by everyone.

What it holds, per org (see :mod:`~sokhcn_analytics.store.parts` for the files):

* indicators – one row per (org, period, indicator, kind), sources resolved;
* tasks – the task register, one row per (org, period, task);
* sources – every row of every source before resolution (for ``--diff`` and for rebuilding
  only what changed);
* ``manifest.json`` – each input's sha256, row count and org, the parts, and the periods
  with results per org (read without pandas by ``sokhcn report``).

A build reads only the inputs whose checksum changed (in worker processes when there are
many), validates each file on its own, and rewrites the parts of only the orgs those
files belong to (resolution, conflicts and duplicate tasks are all within one org). A
build that reads everything in workers writes each org's parts as soon as its files are
in (:mod:`~sokhcn_analytics.store.early`). The commit is atomic: a build killed at any point leaves the old store or the new one, and
readers see one complete store. One build at a time: a second one waits for the lock,
then gives up with a clear message.
"""
from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sokhcn_analytics.core import paths
from sokhcn_analytics.core.errors import InputError, Problem, StoreError
from sokhcn_analytics.store.parts import (FORMAT, KINDS, LOCK, MANIFEST, PARTS, STAGING, StoreLock, commit, read_kind,
                                         read_manifest, recover, recover_locked, start_staging, write_failed,
                                         write_parts)
from sokhcn_analytics.store.early import EarlyParts
from sokhcn_analytics.store.inputs import REPORT_SUFFIXES, WORKBOOK_SUFFIXES, fingerprinted, list_inputs
from sokhcn_analytics.store.read import read_inputs, stored_name, workers_for, workers_started

__all__ = ["BuildResult", "build_store", "load_indicators", "load_tasks", "load_sources", "load_manifest",
           "result_periods", "result_periods_of", "resolve", "diff_sources", "fingerprint_inputs", "recover",
           "StoreLock", "LOCK", "MANIFEST", "PARTS", "STAGING"]

KEY = ["org", "period", "indicator", "kind", "span"]  # span: a quarter's figure sits beside its last month's
WRITE_THREADS = 4
NO_CHANGE = "Không có thay đổi: kho dữ liệu đã khớp với dữ liệu gốc, không cần build lại."


@dataclass
class BuildResult:
    changed: bool
    message: str
    inputs: list = field(default_factory=list)
    indicator_rows: int = 0
    task_rows: int = 0
    processed: Path | None = None
    files_read: int = 0
    orgs_rewritten: list = field(default_factory=list)
    read: list = field(default_factory=list)  # the ``source_file`` (as stored) of every file read in this build
    _diff: object = field(default=None, repr=False)

    @property
    def diff(self):
        """Workbook (reviewed) vs report (extracted) values over the whole store, worked out when first asked."""
        if self._diff is None and self.processed is not None:
            self._diff = diff_sources(load_sources(self.processed))
        return self._diff


# ---------------------------------------------------------------- reading

def load_indicators(processed_dir=None, orgs=None):
    """The stored indicators: one row per (org, period, indicator, kind), sorted by org, period, kind, indicator.

    ``orgs``: only the rows of these orgs (only their parts are read).

    Before the first ``sokhcn build`` there is nothing to read, and the error says what to run:

    >>> load_indicators("/no/store/here")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    StoreError: chưa có kho dữ liệu ở /no/store/here (thiếu manifest.json); chạy 'sokhcn build' trước
    """
    return _read(processed_dir, "indicators", orgs)


def load_tasks(processed_dir=None):
    """The stored task register, one row per (org, period, task), in the order of the input files."""
    return _read(processed_dir, "tasks")


def load_sources(processed_dir=None):
    """Every row of every source before workbook-over-report resolution, in the order of the input files."""
    return _read(processed_dir, "sources")


def load_manifest(processed_dir=None) -> dict:
    target = Path(processed_dir) if processed_dir else paths.processed_dir()
    recover_locked(target)
    return read_manifest(target)


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
    pairs = df.loc[(df["kind"].astype(str) == "result").to_numpy(), ["org", "period"]].drop_duplicates()
    out: dict[str, list[str]] = {}
    for org, period in sorted(zip(map(str, pairs["org"].tolist()), map(str, pairs["period"].tolist()))):
        out.setdefault(org, []).append(period)
    return out


def _read(processed_dir, kind, orgs=None):
    target = Path(processed_dir) if processed_dir else paths.processed_dir()
    frame = read_kind(target, kind, orgs)
    if frame is None:
        raise StoreError(f"chưa có kho dữ liệu ở {target} (thiếu {MANIFEST}); chạy 'sokhcn build' trước",
                         reason="store_missing")
    return frame


# ---------------------------------------------------------------- building

def build_store(raw=None, processed=None, force: bool = False, lock_timeout: float | None = None,
                jobs: int | None = None) -> BuildResult:
    """Ingest every workbook and report under ``raw`` into the store at ``processed``.

    Nothing is written when no input changed (``force`` re-reads everything anyway). Any
    invalid input raises :class:`InputError` listing every problem, and the store stays as
    it was. ``jobs`` caps the reading processes (default: the cores; few files are read in
    this process).
    """
    raw = Path(raw) if raw else paths.raw_dir()
    processed = Path(processed) if processed else paths.processed_dir()
    if not raw.is_dir():
        raise StoreError(f"không thấy thư mục dữ liệu gốc {raw}", reason="raw_missing")
    processed.mkdir(parents=True, exist_ok=True)
    with StoreLock(processed, lock_timeout), ExitStack() as stack:
        recover(processed)
        old = read_manifest(processed)
        reusable = _reusable(old, processed)  # reads every file of the package: once
        started_at = time.time_ns()  # files changed after this are looked at again next time
        listed = list_inputs(raw)
        started = None
        if (force or not reusable) and (workers := workers_for(len(listed), jobs)):
            # everything will be read: the workers start Python while the inputs are fingerprinted
            started = stack.enter_context(workers_started(workers))
        inputs, record = fingerprinted(raw, listed, old if reusable else None)
        record["fingerprinted_at"] = started_at
        if not force and reusable and old.get("inputs") == _listed(inputs):
            return BuildResult(False, NO_CHANGE, inputs, *_totals(old), processed=processed)
        kept = {} if force or not reusable else old
        to_read, dropped = _changes(kept, inputs)
        staging = early = None
        if started:  # everything is read in workers: orgs are put together and written meanwhile
            staging = stack.enter_context(_staged(processed))
            early = EarlyParts(staging, [i["source_file"] for i in to_read], _org_frames)
        fresh = read_inputs(raw, to_read, jobs, started, early.add if early else None)
        written = early.finish(fresh.files) if early else {}  # orgs whose parts were written while reading
        manifest, frames = _rebuild(processed, kept, inputs, fresh, dropped, written)
        manifest.update(record)
        _write(processed, manifest, frames, staging)
    totals, rewritten = _totals(manifest), sorted({*frames, *written})
    return BuildResult(True, f"Đã build kho dữ liệu: {totals[0]} dòng chỉ tiêu, {totals[1]} dòng nhiệm vụ "
                       f"từ {len(inputs)} file (đọc {len(to_read)} file, ghi lại dữ liệu của {len(rewritten)} đơn vị).",
                       inputs, *totals, processed=processed, files_read=len(to_read), orgs_rewritten=rewritten,
                       read=[stored_name(i["source_file"]) for i in to_read])


def fingerprint_inputs(raw: Path) -> list[dict]:
    """Every source file under ``raw`` with its kind and sha256, in a stable order."""
    return fingerprinted(raw, list_inputs(raw))[0]


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


def _reusable(old: dict, processed: Path) -> bool:
    """A manifest of this format and code whose parts are all there: its rows can be kept."""
    parts = old.get("parts")
    return (old.get("format") == FORMAT and old.get("code") == _code_fingerprint() and isinstance(parts, dict)
            and all((processed / entry[kind]["file"]).is_file() for entry in parts.values() for kind in KINDS))


def _listed(inputs: list[dict]) -> list[dict]:
    return [{k: i[k] for k in ("source_file", "kind", "sha256")} for i in inputs]


def _totals(manifest: dict) -> tuple[int, int]:
    parts = manifest.get("parts", {}).values()
    return sum(p["indicators"]["rows"] for p in parts), sum(p["tasks"]["rows"] for p in parts)


def _changes(kept: dict, inputs: list[dict]) -> tuple[list[dict], set[str]]:
    """The inputs to read (new or changed), and the files whose stored rows go (changed or removed)."""
    before = {i["source_file"]: i["sha256"] for i in kept.get("inputs", [])}
    to_read = [i for i in inputs if before.get(i["source_file"]) != i["sha256"]]
    now = {i["source_file"] for i in inputs}
    dropped = {f for f in before if f not in now} | {i["source_file"] for i in to_read if i["source_file"] in before}
    return to_read, dropped


def _rebuild(processed: Path, kept: dict, inputs: list[dict], fresh, dropped: set[str], early: dict):
    """The new manifest and, for every org an input change touches, its three frames.

    The rows of such an org are its stored rows minus those of dropped files, plus the rows
    just read, in input order; the tasks are checked and the sources resolved on those
    rows only (everything that can conflict shares an org). ``early``: ``{org: (manifest
    entry, result periods)}`` of orgs whose parts were written while reading (:mod:`store_early`).
    """
    org_of = {f: org for f, org in kept.get("org_of", {}).items() if f not in dropped}
    rows = {f: n for f, n in kept.get("rows", {}).items() if f not in dropped}
    for source_file, n, org in fresh.files:
        org_of[source_file], rows[source_file] = org, n
    affected = {kept.get("org_of", {}).get(f) for f in dropped} | {org for _, _, org in fresh.files}
    affected = sorted(o for o in affected if o)
    left = [o for o in affected if o not in early]
    frames, new_periods = {}, {}
    if left:
        old_sources, old_tasks = _kept_rows(processed, kept, left, {stored_name(f) for f in dropped})
        sources, tasks = fresh.frames(set(left) if early else None)
        if len(old_sources) or len(old_tasks):
            order = {stored_name(i["source_file"]): n for n, i in enumerate(inputs)}
            sources = _in_order(_concat(old_sources, sources), order)
            tasks = _in_order(_concat(old_tasks, tasks), order)
        frames, new_periods = _org_frames(sources, tasks, left)
    periods = {o: p for o, p in kept.get("result_periods", {}).items() if o not in affected}
    periods.update(new_periods)
    periods.update({org: found for org, (_, found) in early.items() if found})
    manifest = {
        "format": FORMAT,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code": _code_fingerprint(),
        "inputs": _listed(inputs),
        "rows": {i["source_file"]: rows.get(i["source_file"], 0) for i in inputs},
        "org_of": {i["source_file"]: org_of.get(i["source_file"], "") for i in inputs},
        "parts": {**{o: p for o, p in kept.get("parts", {}).items() if o not in affected},
                  **{org: entry for org, (entry, _) in early.items()}},
        "result_periods": dict(sorted(periods.items())),
    }
    for item in inputs:
        item["rows"] = manifest["rows"][item["source_file"]]
    return manifest, frames


def _org_frames(sources, tasks, orgs: list[str] | None = None):
    """``({org: {kind: frame}}, {org: result periods})`` of ``orgs`` (default: every org in the rows), the
    tasks checked and the sources resolved; an org without rows of a kind gets an empty frame."""
    _check_tasks(tasks)
    resolved = _resolved(sources)
    split = {kind: _by_org(frame) for kind, frame in (("sources", sources), ("tasks", tasks), ("indicators", resolved))}
    orgs = sorted(set(split["sources"]) | set(split["tasks"])) if orgs is None else orgs
    frames = {org: {kind: split[kind][org] if org in split[kind] else _empty(kind) for kind in KINDS}
              for org in orgs if any(org in split[kind] for kind in KINDS)}  # an empty frame only where one is missing
    return frames, result_periods_of(resolved)


def _empty(kind: str):
    """An empty frame of ``kind`` in the model's columns and dtypes (made once: normalizing takes ≈ 20 ms)."""
    import pandas as pd

    from sokhcn_analytics.core.model import normalize_indicators, normalize_tasks

    if kind not in _EMPTY:
        _EMPTY[kind] = (normalize_tasks if kind == "tasks" else normalize_indicators)(pd.DataFrame())
    return _EMPTY[kind].copy()


_EMPTY: dict = {}


def _kept_rows(processed: Path, kept: dict, orgs: list[str], dropped: set[str]):
    """The stored source and task rows of ``orgs``, without those of ``dropped`` files."""
    import pandas as pd

    out = []
    for kind in ("sources", "tasks"):
        frames = []
        for org in orgs:
            entry = kept.get("parts", {}).get(org)
            if entry and entry[kind]["rows"]:
                frame = pd.read_parquet(processed / entry[kind]["file"])
                frames.append(frame[~frame["source_file"].isin(dropped)])
        out.append(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame())
    return out


def _concat(*frames):
    """The frames one after the other (empty ones left out: they carry no dtypes worth keeping)."""
    import pandas as pd

    full = [f for f in frames if len(f)]
    return pd.concat(full, ignore_index=True) if len(full) > 1 else full[0] if full else frames[-1]


def _in_order(frame, order: dict):
    """Rows in input order (stable: rows of one file keep their order)."""
    if not len(frame):
        return frame
    return frame.take(frame["source_file"].map(order).to_numpy().argsort(kind="stable")).reset_index(drop=True)


def _by_org(frame) -> dict:
    """``{org: its rows}``, each in the frame's order (sorted once, then sliced: slices cost nothing)."""
    import numpy as np

    if not len(frame):
        return {}
    codes, orgs = frame["org"].factorize()  # numbered by first appearance: grouped rows never go down
    if (np.diff(codes) < 0).any():
        order = codes.argsort(kind="stable")
        frame, codes = frame.take(order).reset_index(drop=True), codes[order]
    starts = np.r_[0, np.flatnonzero(np.diff(codes)) + 1, len(codes)]
    return {orgs[codes[a]]: frame.iloc[a:b].reset_index(drop=True) for a, b in zip(starts[:-1], starts[1:])}


@contextmanager
def _staged(processed: Path):
    """A staging folder made now, removed on leaving unless a commit has taken it over."""
    import shutil

    staging = start_staging(processed)
    try:
        yield staging
    finally:
        if staging.exists() and not (staging / "COMMIT").exists():
            shutil.rmtree(staging, ignore_errors=True)


def _write(processed: Path, manifest: dict, frames: dict, staging: Path | None = None) -> None:
    """Write the changed orgs' parts (into ``staging`` if already made) and commit; a failed write leaves
    the store in place untouched."""
    import shutil

    try:
        staging = staging or start_staging(processed)
        # threads: Parquet encoding and fsync release the GIL, and a disk takes many fsyncs at once better
        with ThreadPoolExecutor(WRITE_THREADS) as pool:
            entries = pool.map(lambda org: write_parts(staging, org, frames[org]), list(frames))
            manifest["parts"].update(zip(list(frames), entries))
        manifest["parts"] = dict(sorted(manifest["parts"].items()))
        commit(processed, manifest)
    except OSError as exc:  # disk full, no permission: the store in place was not touched
        if not (processed / STAGING / "COMMIT").exists():
            shutil.rmtree(processed / STAGING, ignore_errors=True)
        raise write_failed(processed, exc) from None


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
    return _resolved(sources), diff_sources(sources)


def _resolved(sources):
    """The resolved indicators of :func:`resolve` (without the diff)."""
    problems = []
    if not sources.duplicated(KEY).any():  # the usual rows: one source per figure, nothing to resolve
        ordered = sources.sort_values("reviewed", ascending=False, kind="stable")
        return ordered.sort_values(["org", "period", "kind", "indicator"], kind="stable").reset_index(drop=True)
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
    return indicators.sort_values(["org", "period", "kind", "indicator"], kind="stable").reset_index(drop=True)


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
