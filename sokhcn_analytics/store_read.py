"""Reading the store's inputs: every changed workbook and report, validated file by file.

Many files are read in worker processes (at most one per core), few in this process: a
worker has to start Python first (≈ 0.2 s), which costs more than reading a handful of
workbooks. Workers never import pandas; they send back the rows of a batch of files as
plain columns (one list per model column), which pickle compactly and become a frame in
the parent in one step. Problems are collected over every file, as in one process.

    >>> batch = read_inputs(Path("data/raw"), [{"source_file": "workbooks/2021-01_so-khcn-bac-kan.xlsx",
    ...                                         "kind": "workbook"}])       # doctest: +SKIP
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, Problem

# Below this many files a pool costs more than it saves (benchmarks/bench_store.py measures both).
PARALLEL_MIN_FILES = 64
_REPORT_NAME = re.compile(r"^(\d{4}-\d{2})_(.+)$")


@dataclass
class Batch:
    """The rows of some inputs, column by column, and what each file gave."""
    indicators: dict = field(default_factory=dict)  # column -> list, in the model's columns
    tasks: dict = field(default_factory=dict)
    files: list = field(default_factory=list)  # (source_file, rows, org or "") per file read
    problems: list = field(default_factory=list)

    def extend(self, other: "Batch") -> None:
        for mine, theirs in ((self.indicators, other.indicators), (self.tasks, other.tasks)):
            for column, values in theirs.items():
                mine.setdefault(column, []).extend(values)
        self.files += other.files
        self.problems += other.problems


def stored_name(relative: str) -> str:
    """The ``source_file`` of a row: the input's path relative to the raw folder, under ``data/raw/``."""
    return f"data/raw/{relative}"


def workers_for(n_files: int, jobs: int | None = None) -> int:
    """How many processes read ``n_files``: 0 (in this process) for few files, else up to the cores."""
    cores = jobs or _cores()
    if n_files < PARALLEL_MIN_FILES or cores < 2:
        return 0
    return min(cores, math.ceil(n_files / (PARALLEL_MIN_FILES // 2)))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def read_inputs(raw: Path, items: list[dict], jobs: int | None = None) -> Batch:
    """Read ``items`` (``source_file`` relative to ``raw``, ``kind``) in input order.

    Raises :class:`InputError` with the problems of every file when any file is invalid.
    """
    tasks = [(str(raw), [(i["source_file"], i["kind"]) for i in chunk]) for chunk in _chunks(items, jobs)]
    workers = workers_for(len(items), jobs)
    out = Batch()
    if workers:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
            for batch in pool.map(_read_chunk, tasks):
                out.extend(batch)
    else:
        for task in tasks:
            out.extend(_read_chunk(task))
    if out.problems:
        raise InputError(out.problems)
    return out


def _chunks(items: list[dict], jobs: int | None) -> list[list[dict]]:
    """Consecutive slices, about four per worker so that a slow one does not hold the others up."""
    workers = workers_for(len(items), jobs)
    if not workers:
        return [items] if items else []
    size = max(8, math.ceil(len(items) / (4 * workers)))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _context():
    """A fresh interpreter per worker that preloads only this module (no pandas, no threads copied)."""
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
        return ctx
    except ValueError:  # no forkserver on this platform
        return multiprocessing.get_context("spawn")


def _read_chunk(task) -> Batch:
    """Worker: read one slice of inputs into plain columns (runs in a worker or in this process)."""
    from .model import INDICATOR_COLUMNS, TASK_COLUMNS

    raw, items = task
    batch = Batch({c: [] for c in INDICATOR_COLUMNS}, {c: [] for c in TASK_COLUMNS})
    for relative, kind in items:
        try:
            rows, tasks = read_source(Path(raw) / relative, kind, relative)
        except InputError as exc:
            batch.problems += exc.problems
            continue
        org = (rows or tasks or [{}])[0].get("org", "")
        batch.files.append((relative, len(rows) + len(tasks), org))
        for columns, found in ((batch.indicators, rows), (batch.tasks, tasks)):
            for column, values in columns.items():
                values.extend([r.get(column) for r in found])
    return batch


def read_source(file: Path, kind: str, relative: str) -> tuple[list[dict], list[dict]]:
    """The rows (as dicts) of one workbook or report, ``source_file`` named relative to the raw folder."""
    from .workbook import read_workbook_rows

    if kind == "workbook":
        rows, tasks = read_workbook_rows(file)
    else:
        rows, tasks = _read_report(file).to_dict("records"), []
    # named relative to the raw folder given, as the store looks rows up by that name (a raw folder
    # not called "raw" otherwise lost every unchanged file's rows on the next build)
    name = stored_name(relative)
    for row in (*rows, *tasks):
        row["source_file"] = name
    return rows, tasks


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
