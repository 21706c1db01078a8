"""The monthly job: run the parameterized notebooks with papermill, export HTML and PDF.

``sokhcn report --period 2021-01`` writes ``reports/2021-01/monthly_summary.{ipynb,html,pdf}``
and the yearly notebooks under ``reports/2021/``. Batches (``--all``, ``--from/--to``) run
periods in parallel (``--jobs N``: N kernels, each kept for its share of the notebooks), keep
going when one notebook fails and report every failure at the end.

In short: ``run_jobs(plan_jobs(["2021-01"], ["monthly_summary"], processed_dir="data/processed"), pdf=False)``.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sokhcn_analytics.core import paths
from sokhcn_analytics.core.catalog import label
from sokhcn_analytics.core.compat import skip_slow_optional_imports
from sokhcn_analytics.core.errors import Reason, ReportError
from sokhcn_analytics.reports.kernels import WarmKernel, ensure_kernel, kernel_manager_class, notebook_imports, warm_kernel
from sokhcn_analytics.core.model import parse_period, period as make_period

skip_slow_optional_imports()  # papermill and nbconvert import jsonschema: 1.2 s less per run (compat.py)

DEFAULT_NOTEBOOKS = ("monthly_summary", "yoy_indicators", "tasks_portfolio")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


@dataclass(frozen=True)
class Job:
    """One notebook for one period (monthly scope) or one year (yearly scope)."""

    notebook: str
    source: str
    key: str  # "2021-01" or "2021": the output folder
    parameters: dict
    out_dir: str


@dataclass
class JobResult:
    job: Job
    written: list = field(default_factory=list)
    error: str | None = None
    partial: str | None = None
    warning: str | None = None


# ---------------------------------------------------------------- validation

def validate_period(text) -> str:
    """A ``YYYY-MM`` period, or :class:`ReportError` (reason ``invalid_period``)."""
    try:
        y, m = parse_period(str(text))
    except ValueError as e:
        raise ReportError(str(e), reason=Reason.INVALID_PERIOD) from None
    return make_period(y, m)


def validate_out(out) -> Path:
    """The output folder (default: the project's ``reports/``); relative paths may not climb out
    of the working folder."""
    text = str(out or paths.reports_dir())
    if not text.strip() or any(ord(c) < 32 for c in text):
        raise ReportError(label("report.bad_out", out=text), reason="bad_out")
    p = Path(text)
    if ".." in p.parts:
        raise ReportError(label("report.bad_out", out=text), reason="bad_out")
    return p


def resolve_notebook(name) -> Path:
    """A notebook name (``monthly_summary``: the project's ``notebooks/`` first, then the package's)
    or a path to an ``.ipynb``."""
    text = str(name)
    if text.endswith(".ipynb") and Path(text).is_file():
        return Path(text).resolve()
    stem = text[:-6] if text.endswith(".ipynb") else text
    if not _NAME.match(stem):
        raise ReportError(label("report.bad_notebook", name=text), reason="bad_notebook")
    path = paths.notebook_path(stem)
    if path is None:
        folders = f"{paths.notebooks_dir()}, {paths.shipped_notebooks_dir()}"
        raise ReportError(label("report.unknown_notebook", name=text, folder=folders), reason="unknown_notebook")
    return path


def notebook_scope(path) -> str:
    """``"year"`` or ``"month"``, from the notebook's ``metadata.sokhcn.scope``."""
    import json

    with open(path, encoding="utf-8") as fh:
        meta = json.load(fh).get("metadata", {})
    return "year" if meta.get("sokhcn", {}).get("scope") == "year" else "month"


# ---------------------------------------------------------------- planning

def periods_with_data(source) -> list[str]:
    """Sorted periods that have at least one result row, of any org.

    ``source`` is ``{org: periods}`` (:func:`sokhcn_analytics.store.build.result_periods`) or an
    indicator DataFrame.
    """
    return sorted({p for periods in _by_org(source).values() for p in periods})


def _by_org(source) -> dict:
    if hasattr(source, "columns"):
        from sokhcn_analytics.store.build import result_periods_of

        return result_periods_of(source)
    return dict(source)


def select_periods(source, period=None, all_periods=False, from_period=None, to_period=None) -> list[str]:
    """The periods a command asks for; each must have data (checked before any kernel starts).

    ``source``: the store's ``{org: periods with results}`` or an indicator DataFrame.
    """
    by_org = _by_org(source)
    have = periods_with_data(by_org)
    if all_periods:
        if not have:
            raise ReportError(label("report.store_empty"), reason="no_data")
        return have
    if from_period or to_period:
        start = validate_period(from_period or (have[0] if have else to_period))
        end = validate_period(to_period or (have[-1] if have else start))
        if start > end:
            raise ReportError(label("report.bad_range", start=start, end=end), reason="bad_range")
        wanted = _range(start, end)
    elif period:
        wanted = [validate_period(period)]
    else:
        if not have:
            raise ReportError(label("report.store_empty"), reason="no_data")
        from sokhcn_analytics.core.model import REAL_ORG

        wanted = [max(by_org.get(REAL_ORG) or have)]
    missing = [p for p in wanted if p not in set(have)]
    if missing:
        raise ReportError(label("report.no_data", periods=", ".join(missing),
                                available=_span(have)), reason="no_data")
    return wanted


def _range(start: str, end: str) -> list[str]:
    from sokhcn_analytics.core.model import shift_period

    out, p = [], start
    while p <= end:
        out.append(p)
        p = shift_period(p, 1)
    return out


def _span(periods: list[str]) -> str:
    return f"{periods[0]} … {periods[-1]}" if periods else "—"


def plan_jobs(periods, notebooks=None, *, processed_dir=None, out=None, lang="vi") -> list[Job]:
    """One job per (monthly notebook, period) and per (yearly notebook, year).

    A yearly notebook runs once per year, through the latest period of that year in the batch.
    Parameters are plain values; papermill writes them into the notebook's injected cell.
    """
    out_root = validate_out(out)
    data = str(Path(processed_dir).resolve()) if processed_dir else str(paths.processed_dir())
    jobs = []
    for name in notebooks or DEFAULT_NOTEBOOKS:
        source = resolve_notebook(name)
        common = {"processed_dir": data, "lang": lang}
        if notebook_scope(source) == "year":
            through = {}
            for p in periods:
                through[p[:4]] = max(through.get(p[:4], p), p)
            for year, last in sorted(through.items()):
                params = {"year": int(year), "through": last, **common}
                jobs.append(Job(source.stem, str(source), year, params, str(out_root / year)))
        else:
            for p in periods:
                jobs.append(Job(source.stem, str(source), p, {"period": p, **common}, str(out_root / p)))
    return sorted(jobs, key=lambda j: (j.key[:4], j.key, j.notebook))


# ---------------------------------------------------------------- running

def execute_job(job: Job, pdf: bool = True, kernel_name: str | None = None, warm: bool = False,
                kept: WarmKernel | None = None, printer=None) -> JobResult:
    """Run one notebook with papermill, then write its HTML (and PDF). Never raises.

    ``warm``: run in this process's kept kernel (see :class:`WarmKernel`) instead of a new one;
    ``kept``: run in that kept kernel (a batch gives each of its lanes one); ``printer``: an
    :class:`~sokhcn_analytics.reports.export.KeptBrowser` that prints the PDF.
    """
    result = JobResult(job)
    out_dir = Path(job.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ipynb = out_dir / f"{job.notebook}.ipynb"
    cwd = str(Path(job.source).parent)
    try:
        kernel_name = kernel_name or ensure_kernel()
        if warm and kept is None:
            kept = warm_kernel(kernel_name)
        if kept is not None:  # the kernel boots and runs the notebook's imports while papermill is imported
            kept.start(cwd, notebook_imports(job.source))
        # lazy imports: papermill and nbconvert take a second to import; the CLI's other commands don't need them
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError
    except Exception as e:
        result.error = label("report.run_failed", notebook=job.notebook, when=job.key,
                             ename=type(e).__name__, evalue=_short(str(e)))
        return result
    from sokhcn_analytics.reports.export import BrowserNotFound, notebook_to_html, render_pdf, warm_up
    from sokhcn_analytics.reports.index import write_meta

    try:
        if kept is not None:
            warm_up()  # nbconvert's import and template compilation, while the kernel boots
        extra = {"km": kept.manager(cwd)} if kept is not None else {}
        nb = pm.execute_notebook(
            job.source, str(ipynb), parameters=dict(job.parameters),
            kernel_name=kernel_name, progress_bar=False, log_output=False,
            # saving after every cell re-validates and rewrites the whole notebook (charts included);
            # papermill still writes the partial notebook when a cell fails
            request_save_on_cell_execute=False,
            cwd=cwd, kernel_manager_class=kernel_manager_class(),
            shutdown_kernel="immediate",  # the notebook is saved; a graceful stop waits seconds for nothing
            **extra,
        )
    except PapermillExecutionError as e:
        result.partial = str(ipynb) if ipynb.exists() else None
        result.error = label("report.cell_failed", notebook=job.notebook, when=job.key,
                             cell=e.cell_index, line=_first_line(e.source), ename=e.ename,
                             evalue=_short(e.evalue))
        return result
    except Exception as e:  # kernel died, notebook unreadable, disk full: report it and go on
        result.partial = str(ipynb) if ipynb.exists() else None
        if type(e).__name__ == "DeadKernelError":  # nbclient's, raised when the kernel process is gone
            result.error = label("report.kernel_died", notebook=job.notebook, when=job.key)
        else:
            result.error = label("report.run_failed", notebook=job.notebook, when=job.key,
                                 ename=type(e).__name__, evalue=_short(str(e)))
        return result
    result.written.append(str(ipynb))
    html_path = ipynb.with_suffix(".html")
    try:
        html_path.write_text(notebook_to_html(nb), encoding="utf-8")
        result.written.append(str(html_path))
        write_meta(html_path, nb, job.key)  # what the folder's index shows of it (reports/index.py)
        if pdf:
            result.written.append(str(render_pdf(html_path, kept=printer)))
    except BrowserNotFound as e:
        result.warning = str(e)
    except Exception as e:
        result.error = label("report.export_failed", notebook=job.notebook, when=job.key,
                             ename=type(e).__name__, evalue=_short(str(e)))
    return result


def _first_line(source) -> str:
    lines = [ln.strip() for ln in str(source or "").splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return _short(lines[0] if lines else "", 80)


def _short(text, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_jobs(jobs, n_jobs: int = 1, pdf: bool = True, on_result=None, progress: bool | None = None,
             warm: bool = True) -> list[JobResult]:
    """Run every job, ``n_jobs`` at a time, calling ``on_result`` as each finishes.

    With ``warm`` (default) the batch runs in ``n_jobs`` lanes, each with one kept kernel for
    all its notebooks, launched at once so that they boot while papermill and nbconvert are
    imported. Lanes are threads of this process: the work is in the kernels (separate
    processes), and one process imports papermill and nbconvert once instead of once per
    worker.
    """
    jobs = list(jobs)
    kernel = ensure_kernel()
    lanes = max(1, min(n_jobs, len(jobs)))
    kept: list[WarmKernel | None] = [None] * lanes
    if warm and jobs:
        kept = [warm_kernel(kernel)] + [WarmKernel(kernel) for _ in range(lanes - 1)]
        for k, first in zip(kept, jobs):  # boot every lane's kernel now, with its first notebook's imports
            try:
                k.start(str(Path(first.source).parent), notebook_imports(first.source))
            except Exception:  # the job tries again and reports what went wrong
                pass
    from sokhcn_analytics.reports.export import KeptBrowser

    printer = KeptBrowser() if pdf and jobs else None  # boots while the first notebook runs
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    results = []
    try:
        with tqdm(total=len(jobs), disable=not show, file=sys.stderr, unit="báo cáo", leave=False) as bar:
            def done(res):
                results.append(res)
                bar.update(1)
                if on_result:
                    on_result(res, bar)

            if lanes == 1:
                for job in jobs:
                    done(execute_job(job, pdf, kernel, kept=kept[0], printer=printer))
            else:
                for res in _run_lanes(jobs, kept, pdf, kernel, printer):
                    done(res)
    finally:
        if printer is not None:
            printer.close()
        for k in kept:
            if k is not None:
                k.close()
    order = {(j.notebook, j.key): i for i, j in enumerate(jobs)}
    return sorted(results, key=lambda r: order.get((r.job.notebook, r.job.key), 0))


def _run_lanes(jobs: list[Job], kept: list, pdf: bool, kernel: str, printer=None):
    """Yield each job's result as it finishes, ``len(kept)`` jobs running at a time.

    Lane *i* starts with job *i* (its kernel was booted in that notebook's folder, with its
    imports), then takes the next job left. The lanes are daemon threads: on Ctrl-C the
    caller stops waiting and closes the kernels.
    """
    import queue
    import threading

    # papermill and nbconvert imported, and the HTML template compiled, once, while the kernels boot
    import papermill  # noqa: F401

    from sokhcn_analytics.reports.export import warm_up

    warm_up()
    rest: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs[len(kept):]:
        rest.put(job)
    finished: queue.SimpleQueue = queue.SimpleQueue()

    def lane(first: Job, k) -> None:
        job = first
        while job is not None:
            try:
                finished.put(execute_job(job, pdf, kernel, kept=k, printer=printer))
            except BaseException as e:  # execute_job reports its own errors; this is a last resort
                finished.put(JobResult(job, error=label("report.run_failed", notebook=job.notebook, when=job.key,
                                                        ename=type(e).__name__, evalue=_short(str(e)))))
            try:
                job = rest.get_nowait()
            except queue.Empty:
                job = None

    for i, (first, k) in enumerate(zip(jobs, kept)):
        threading.Thread(target=lane, args=(first, k), name=f"sokhcn-lane-{i}", daemon=True).start()
    for _ in jobs:
        yield finished.get()
