"""Reading the store's inputs: every changed workbook and report, validated file by file.

From :data:`PARALLEL_MIN_FILES` files on, they are read in worker processes (one per core
besides this process, which reads too), fewer in this process alone: a worker has to start
Python and import pandas first (≈ 0.5 s), which costs more than reading a few hundred
workbooks here. A worker is
``python -m sokhcn_analytics.store.read``, fed slices of the input list on its standard
input and answering on its standard output: unlike a multiprocessing pool it neither
re-runs the caller's main script nor copies a parent that may hold threads, and it ends
by itself when the build is killed (its pipes close). Each worker turns the rows of its
slice into the model's tables and sends them as Arrow streams, so the parent only joins
them (or puts an org together as soon as its slices are in: :mod:`store_early`). Problems
are collected over every file, as in one process.
For one file: ``read_inputs(Path("data/raw"), [{"source_file": "workbooks/2021-01_so-khcn-bac-kan.xlsx",
"kind": "workbook"}])``.
"""
from __future__ import annotations

import gc
import os
import pickle
import re
import struct
import subprocess
import sys
import warnings
from collections import deque
from contextlib import contextmanager
from itertools import repeat
from dataclasses import dataclass, field
from pathlib import Path

from sokhcn_analytics.core.errors import InputError, Problem

# Below this many files, workers cost more than they save: starting one (Python, pandas) takes
# ≈ 0.5 s, reading a workbook here ≈ 3 ms (benchmarks/bench_store.py measures both).
# SOKHCN_PARALLEL_MIN_FILES overrides it (tests use it to make small builds use workers).
PARALLEL_MIN_FILES = 400
CHUNK_FILES = 96
IN_FLIGHT = 2  # slices given to a worker at a time: the next one waits in its pipe
LEAST_FILES = 12  # the smallest slice handed out as the readers meet
_REPORT_NAME = re.compile(r"^(\d{4}-\d{2})_(.+)$")


@dataclass
class Batch:
    """The validated rows of some inputs as model frames, and what each file gave.

    A frame travels between processes as an Arrow IPC stream: compact, and read back
    without copying.
    """
    indicators: list = field(default_factory=list)  # Arrow IPC streams of normalize_indicators frames, in input order
    tasks: list = field(default_factory=list)  # of normalize_tasks frames
    files: list = field(default_factory=list)  # (source_file, rows, org or "") per file read
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # (category, message) a reader warned, re-issued by the caller

    def extend(self, other: "Batch") -> None:
        self.indicators += other.indicators
        self.tasks += other.tasks
        self.files += other.files
        self.problems += other.problems
        self.warnings += other.warnings

    def frames(self, orgs=None):
        """``(indicators, tasks)``: one frame each, over every file read (only the rows of ``orgs`` if given)."""
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        from sokhcn_analytics.store.arrow_rows import table_frame
        from sokhcn_analytics.core.model import normalize_indicators, normalize_tasks

        out = []
        for streams, empty, kind in ((self.indicators, normalize_indicators(pd.DataFrame()), "indicators"),
                                     (self.tasks, normalize_tasks(pd.DataFrame()), "tasks")):
            tables = [pa.ipc.open_stream(s).read_all() for s in streams]
            if orgs is not None:
                wanted = pa.array(sorted(orgs), pa.string())
                tables = [t.filter(pc.is_in(t["org"], value_set=wanted)) for t in tables]
            tables = [t for t in tables if t.num_rows]
            out.append(table_frame(pa.concat_tables(tables), kind) if tables else empty)
        return tuple(out)


def _stream(table) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def stored_name(relative: str) -> str:
    """The ``source_file`` of a row: the input's path relative to the raw folder, under ``data/raw/``."""
    return f"data/raw/{relative}"


def workers_for(n_files: int, jobs: int | None = None) -> int:
    """How many worker processes read ``n_files``: none for few files (this process reads them), else one per
    core besides the one this process reads on (``jobs``: the reading processes, this one included)."""
    cores = jobs or _cores()
    least = int(os.environ.get("SOKHCN_PARALLEL_MIN_FILES") or PARALLEL_MIN_FILES)
    return 0 if n_files < least or cores < 2 else min(cores - 1, n_files)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def read_inputs(raw: Path, items: list[dict], jobs: int | None = None, started: list | None = None,
                on_slice=None) -> Batch:
    """Read ``items`` (``source_file`` relative to ``raw``, ``kind``) in input order.

    ``started``: worker processes started ahead (:func:`workers_started`), used when workers
    are worth it; ``on_slice(files, batch)`` is called as each slice is read (``files``: its
    ``source_file`` names). Raises :class:`InputError` with the problems of every file when any file is invalid.
    """
    todo = [(i["source_file"], i["kind"]) for i in items]
    workers = workers_for(len(items), jobs)
    out = Batch()
    if workers and not started:
        with workers_started(workers) as started:
            batches = _in_workers(str(raw), todo, started, on_slice)
    elif workers:
        batches = _in_workers(str(raw), todo, started, on_slice)
    else:
        batches = []
        for chunk in _chunks(todo):
            batches.append(_read_chunk((str(raw), chunk)))
            if on_slice:
                on_slice([name for name, _ in chunk], batches[-1])
    for batch in batches:
        out.extend(batch)
    for category, message in out.warnings:  # here, where the caller (the command line) shows them its way
        warnings.warn(message, category, stacklevel=2)
    if out.problems:
        raise InputError(out.problems)
    return out


def _chunks(items: list) -> list[list]:
    """Consecutive slices: small enough that the rows of one slice, as Python dicts until they become
    a table, stay a few megabytes."""
    return [items[i:i + CHUNK_FILES] for i in range(0, len(items), CHUNK_FILES)]


class _Slices:
    """The inputs left to read, handed out in slices from either end: the workers take from the start,
    this process from the end. A slice is a share of what is left (but at most :data:`CHUNK_FILES` and at
    least :data:`LEAST_FILES` files), so slices shrink as the two ends meet and every reader finishes at
    about the same time (large slices at the end kept one reader busy while the other waited)."""

    def __init__(self, items: list, readers: int):
        import threading

        self.items, self.start, self.end, self.readers = items, 0, len(items), readers
        self.lock = threading.Lock()

    def take(self, first: bool):
        """``(position of its first input, its inputs)``, or ``None`` when all are handed out."""
        with self.lock:
            left = self.end - self.start
            if not left:
                return None
            size = min(left, CHUNK_FILES, max(LEAST_FILES, left // (2 * self.readers)))
            if first:
                self.start += size
                return self.start - size, self.items[self.start - size:self.start]
            self.end -= size
            return self.end, self.items[self.end:self.end + size]


@contextmanager
def workers_started(n: int):
    """``n`` worker processes, started now and stopped on leaving (each exits when its input closes;
    on an error, at once).

    A worker takes ≈ 0.5 s to start Python and import what it reads with; a build that will
    read everything starts them before it fingerprints its inputs, which that time then covers.
    """
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    procs, failed = [], False
    try:
        for _ in range(n):
            procs.append(subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, env=env))
        yield procs
    except BaseException:
        failed = True  # the build stops: no slice still being read is wanted
        raise
    finally:
        for proc in procs:
            if failed:
                proc.kill()
            try:
                proc.stdin.close()
            except OSError:  # its pipe broke with the worker
                pass
        for proc in procs:
            proc.wait()  # then its output ends, and the thread reading it with it
            proc.stdout.close()


def _in_workers(raw: str, items: list, procs: list, on_slice=None) -> list[Batch]:
    """Read ``items`` (``(source_file, kind)``) in the worker processes ``procs`` and in this process;
    the batches in input order.

    A thread per worker keeps it fed: two slices in flight (the next one waits in its pipe)
    and its answers read as they come, so a worker never waits for this process, which reads
    slices too meanwhile (it has everything imported already while a worker starts Python
    first) and hands each finished slice to ``on_slice``.
    """
    import queue
    import threading

    slices, finished = _Slices(items, len(procs) + 1), queue.SimpleQueue()

    def take(first: bool):
        got = slices.take(first)
        return None if got is None else (got, (raw, got[1]))

    threads = [threading.Thread(target=_feed, args=(proc, take, finished), daemon=True) for proc in procs]
    for thread in threads:
        thread.start()
    results, done = {}, 0
    while done < len(items):
        try:
            (start, chunk), batch = finished.get_nowait()
        except queue.Empty:
            got = slices.take(False)
            (start, chunk), batch = (got, _read_chunk((raw, got[1]))) if got else finished.get()
        if start is None:  # a worker failed: ``batch`` is the error
            raise batch
        results[start], done = batch, done + len(chunk)
        if on_slice:
            on_slice([name for name, _ in chunk], batch)
    for thread in threads:
        thread.join()
    return [results[start] for start in sorted(results)]


def _feed(proc, take, finished) -> None:
    """Thread: give ``proc`` slices two at a time and put each answer on ``finished`` as
    ``((position, inputs), batch)`` (``((None, None), error)`` if the worker fails)."""
    from sokhcn_analytics.core.errors import StoreError

    try:
        in_flight = deque()
        while True:
            while len(in_flight) < IN_FLIGHT and (item := take(True)) is not None:
                in_flight.append(item[0])
                _send(proc.stdin, item[1])
            if not in_flight:
                break
            reply = _receive(proc.stdout)
            if reply is None:
                raise StoreError("một tiến trình đọc dữ liệu gốc dừng bất thường (hết bộ nhớ?); chạy lại "
                                 "'sokhcn build' (SOKHCN_DEBUG=1 để xem chi tiết)", reason="worker_failed")
            finished.put((in_flight.popleft(), reply))
        proc.stdin.close()  # nothing left: the worker exits
    except BrokenPipeError:
        finished.put(((None, None), StoreError("một tiến trình đọc dữ liệu gốc dừng bất thường (hết bộ nhớ?); chạy "
                                               "lại 'sokhcn build' (SOKHCN_DEBUG=1 để xem chi tiết)",
                                               reason="worker_failed")))
    except BaseException as exc:  # noqa: BLE001 - handed to the building thread, which raises it
        finished.put(((None, None), exc))


def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _receive(stream):
    """One message, or ``None`` at the end of the stream (the other side closed or died)."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    size = struct.unpack("<Q", head)[0]
    data = stream.read(size)
    return pickle.loads(data) if len(data) == size else None


def _serve() -> None:
    """Worker loop: a slice in, its :class:`Batch` out, until the input closes."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        _warm()
        while (task := _receive(stdin)) is not None:
            _send(stdout, _read_chunk(task))
    except (BrokenPipeError, KeyboardInterrupt):  # the build was stopped (Ctrl+C, killed): nothing to say
        os._exit(1)


def _warm() -> None:
    """Worker: import now what reading a slice needs (pyarrow, and pandas, which pyarrow imports at its
    first array; the workbook reader and the catalog). The build sends the first slice only once it has
    fingerprinted its inputs (≈ 0.25 s for 4,080 workbooks), which this ≈ 0.5 s then partly covers instead
    of coming after the first slice."""
    from sokhcn_analytics.core import catalog
    from sokhcn_analytics.ingest import workbook  # noqa: F401
    from sokhcn_analytics.store.arrow_rows import indicator_table

    indicator_table([])
    catalog.codes()


def _read_chunk(task) -> Batch:
    """Worker: read one slice of inputs into model tables (runs in a worker or in this process)."""
    raw, items = task
    batch, rows, tasks = Batch(), [], []
    collecting = gc.isenabled()
    gc.disable()  # the rows are acyclic: collecting while they pile up cost a tenth of the reading
    try:
        _read_items(raw, items, batch, rows, tasks)
    finally:
        if collecting:
            gc.enable()
    if not batch.problems:  # frames of a failing build would only be thrown away
        indicators, task_rows = _tables(rows, tasks)
        batch.indicators.append(_stream(indicators))
        batch.tasks.append(_stream(task_rows))
    return batch


def _tables(rows: list[dict], tasks: list[dict]):
    """The model's tables of ``rows`` and ``tasks``: built directly (three times quicker), or, for rows
    that do not fit the model's types, through pandas' normalization, which says what is wrong."""
    from sokhcn_analytics.store.arrow_rows import indicator_table, task_table

    try:
        return indicator_table(rows), task_table(tasks)
    except ValueError:
        import pandas as pd
        import pyarrow as pa

        from sokhcn_analytics.core.model import INDICATOR_COLUMNS, TASK_COLUMNS, normalize_indicators, normalize_tasks

        return tuple(pa.Table.from_pandas(normalize(_columns(pd, found, columns)), preserve_index=False)
                     .replace_schema_metadata(None).cast(table([]).schema)  # the types the direct way gives
                     for found, columns, normalize, table in (
                         (rows, INDICATOR_COLUMNS, normalize_indicators, indicator_table),
                         (tasks, TASK_COLUMNS, normalize_tasks, task_table)))


def _read_items(raw: str, items: list, batch: Batch, rows: list, tasks: list) -> None:
    """Read ``items`` into ``batch`` (files, problems, warnings), their rows onto ``rows`` and ``tasks``."""
    folder = Path(raw)
    with warnings.catch_warnings(record=True) as caught:  # once for the slice (a warning keeps its text only)
        warnings.simplefilter("always")
        try:
            for relative, kind in items:
                try:
                    found, found_tasks = read_source(folder / relative, kind, relative)
                except InputError as exc:
                    batch.problems += exc.problems
                    continue
                org = (found or found_tasks or [{}])[0].get("org", "")
                batch.files.append((relative, len(found) + len(found_tasks), org))
                rows += found
                tasks += found_tasks
        finally:
            batch.warnings += [(w.category, str(w.message)) for w in caught]


def _columns(pd, rows: list[dict], columns: list[str]):
    """A frame of the model's ``columns`` from row dicts, built column by column (much faster
    than from the dicts themselves; a key a row lacks is missing, as there)."""
    return pd.DataFrame({c: list(map(dict.get, rows, repeat(c, len(rows)))) for c in columns}) if rows else pd.DataFrame()


def read_source(file: Path, kind: str, relative: str) -> tuple[list[dict], list[dict]]:
    """The rows (as dicts) of one workbook or report, ``source_file`` named relative to the raw folder."""
    from sokhcn_analytics.ingest.workbook import read_workbook_rows

    # named relative to the raw folder given, as the store looks rows up by that name (a raw folder
    # not called "raw" otherwise lost every unchanged file's rows on the next build)
    name = stored_name(relative)
    if kind == "workbook":
        return read_workbook_rows(file, source_file=name)
    rows = _read_report(file).to_dict("records")
    for row in rows:
        row["source_file"] = name
    return rows, []


def _read_report(file: Path):
    """Extract a narrative report into store rows (unreviewed, source_ref = the quote)."""
    from sokhcn_analytics.core.model import REAL_ORG, normalize_indicators

    try:
        from sokhcn_analytics.extract import extractor as extract
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


if __name__ == "__main__":  # as a worker: through the package, so what it pickles names the package's classes
    from sokhcn_analytics.store.read import _serve as serve

    serve()
