"""How much the monthly report costs over the bare papermill + nbconvert floor, and what --jobs buys.

    .venv/bin/python benchmarks/bench_report.py [--data data/processed] [--period 2021-01]
                                                [--batch-year 2020] [--repeat 3] [--months 12]

Prints seconds and ratios (targets: monthly HTML ≤ 1.5× floor; 12-month batch with --jobs 2
≤ 0.65× the same batch with --jobs 1). Everything runs through the Python APIs in this one
process (papermill, nbconvert), as ``sokhcn report`` does; outputs go to benchmarks/out/.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import nbformat  # noqa: E402
from nbformat.v4 import new_code_cell, new_notebook  # noqa: E402

from sokhcn_analytics import paths, report  # noqa: E402

OUT = HERE / "out"


def floor_notebook() -> Path:
    """An empty parameterized notebook: the cost of kernel start, papermill and nbconvert alone."""
    cell = new_code_cell('period = "2021-01"\nprocessed_dir = None\nlang = "vi"')
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}, "sokhcn": {"scope": "month"}})
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # not on this platform
        return "load average unknown"


def cell_times(ipynb) -> list[tuple[float, str]]:
    """papermill's duration of each code cell of an executed notebook, with its first line."""
    nb = nbformat.read(ipynb, as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")]
            out.append((cell.metadata.get("papermill", {}).get("duration") or 0.0, (lines or [""])[0][:60]))
    return out


def timed_job(notebook, period, data, pdf, repeat) -> float:
    times = []
    for i in range(repeat):
        job = report.plan_jobs([period], [str(notebook)], processed_dir=data, out=OUT / f"run{i}")[0]
        t = time.perf_counter()
        res = report.execute_job(job, pdf=pdf)
        times.append(time.perf_counter() - t)
        if res.error:
            sys.exit(f"benchmark run failed: {res.error}")
    return statistics.median(times)


def timed_batch(periods, data, n_jobs) -> float:
    target = OUT / f"batch-jobs{n_jobs}"
    shutil.rmtree(target, ignore_errors=True)
    jobs = report.plan_jobs(periods, ["monthly_summary"], processed_dir=data, out=target)
    t = time.perf_counter()
    results = report.run_jobs(jobs, n_jobs=n_jobs, pdf=False, progress=False)
    elapsed = time.perf_counter() - t
    failed = [r.error for r in results if r.error]
    if failed:
        sys.exit(f"batch failed: {failed[0]}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(paths.processed_dir()))
    ap.add_argument("--period", default="2021-01")
    ap.add_argument("--batch-year", default="2020")
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-batch", action="store_true")
    a = ap.parse_args()
    print(f"start: {load()} ({os.cpu_count()} cores)")
    monthly = report.resolve_notebook("monthly_summary")
    floor = floor_notebook()
    report.ensure_kernel()
    timed_job(floor, a.period, a.data, False, 1)  # warm-up: imports in this process, disk caches

    t_floor = timed_job(floor, a.period, a.data, False, a.repeat)
    t_html = timed_job(monthly, a.period, a.data, False, a.repeat)
    t_pdf = timed_job(monthly, a.period, a.data, True, a.repeat)
    print(f"floor (empty parameterized notebook → papermill → HTML): {t_floor:6.2f} s")
    print(f"monthly summary → HTML:                                  {t_html:6.2f} s   ratio {t_html / t_floor:.2f} (target ≤ 1.5)")
    print(f"monthly summary → HTML + PDF:                            {t_pdf:6.2f} s   ratio {t_pdf / t_floor:.2f}")
    print("  where a fresh kernel spends the monthly summary's time (papermill cell durations, last run):")
    for seconds, first in cell_times(OUT / f"run{a.repeat - 1}" / a.period / "monthly_summary.ipynb"):
        if seconds >= 0.03:
            print(f"    {seconds:5.2f} s  {first}")
    if a.skip_batch:
        return
    periods = [f"{a.batch_year}-{m:02d}" for m in range(1, a.months + 1)]
    t1 = timed_batch(periods, a.data, 1)
    t2 = timed_batch(periods, a.data, 2)
    print(f"{len(periods)}-month batch, monthly summary HTML, --jobs 1:    {t1:6.2f} s")
    print(f"{len(periods)}-month batch, monthly summary HTML, --jobs 2:    {t2:6.2f} s   ratio {t2 / t1:.2f} (target ≤ 0.65)")
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
