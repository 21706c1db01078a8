"""How much the monthly report costs over the bare papermill + nbconvert floor, and what --jobs buys.

    .venv/bin/python benchmarks/bench_report.py [--data data/processed] [--period 2021-01]
                                                [--repeat 5] [--batch-year 2020] [--months 12]
                                                [--batch-rounds 3] [--skip-batch]

Targets (issue 6): the monthly summary → HTML within 1.5× the floor; (issue 11) the briefing → HTML
and → HTML + PDF each within 1.0× a user's own ``papermill`` + ``jupyter nbconvert`` commands; a 12-month batch with
``--jobs 2`` within 0.65× of the same batch with ``--jobs 1``. Everything is measured in this
one run, on this machine, rounds interleaved so that a change of load hits every variant alike;
medians are printed.

The floor is an empty parameterized notebook (one ``parameters`` cell, no imports) through
papermill and nbconvert. Both sides are measured as a user meets them, whole commands in fresh
processes, interpreter start and imports included:

* ``floor``: ``benchmarks/floor_plain.py`` — papermill's and nbconvert's Python APIs in one
  process (the cheapest plain route; their two command lines cost more, printed for reference);
* ``floor via sokhcn``: the same empty notebook through ``sokhcn report`` — the runner alone;
* ``monthly``: ``sokhcn report --notebook monthly_summary --no-pdf`` (and with the PDF).

Then the same notebooks inside one warm process (papermill and nbconvert already imported, as
in a batch): there only the kernel's start and the notebook's own work remain, so this ratio
shows what the notebook costs on its own.

The batch runs as a user runs it too, ``sokhcn report --from --to --jobs N`` in a fresh
process, ``--jobs 1`` and ``--jobs 2`` alternating for ``--batch-rounds`` rounds.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
from nbformat.v4 import new_code_cell, new_notebook  # noqa: E402

from sokhcn_analytics.reports import kernels  # noqa: E402

from sokhcn_analytics.core import paths

from sokhcn_analytics.reports import runner as report

OUT = HERE / "out"
BIN = Path(sys.executable).parent


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


def run(cmd: list[str]) -> float:
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if done.returncode:
        sys.exit(f"benchmark command failed ({' '.join(map(str, cmd))}):\n{done.stderr[-2000:]}")
    return elapsed


def commands(floor: Path, period: str, data: str) -> dict[str, list[str]]:
    (OUT / "cli").mkdir(parents=True, exist_ok=True)
    sokhcn = [str(BIN / "sokhcn"), "report", "--period", period, "--data", data]
    return {
        "floor": [sys.executable, str(HERE / "floor_plain.py"), str(floor), str(OUT / "plain")],
        "floor_cli": ["sh", "-c", f'"{BIN}/papermill" -k python3 --no-progress-bar -p period {period} '
                                  f'"{floor}" "{OUT}/cli/floor.ipynb" 2>/dev/null && '
                                  f'"{BIN}/jupyter" nbconvert --to html --no-input "{OUT}/cli/floor.ipynb" 2>/dev/null'],
        "floor_sokhcn": [*sokhcn, "--notebook", str(floor), "--no-pdf", "--out", str(OUT / "cmd-floor")],
        "monthly": [*sokhcn, "--notebook", "monthly_summary", "--no-pdf", "--out", str(OUT / "cmd-html")],
        "monthly_pdf": [*sokhcn, "--notebook", "monthly_summary", "--out", str(OUT / "cmd-pdf")],
    }


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
    """The batch as a user runs it: ``sokhcn report --from --to --jobs N`` in a fresh process."""
    target = OUT / f"batch-jobs{n_jobs}"
    shutil.rmtree(target, ignore_errors=True)
    return run([str(BIN / "sokhcn"), "report", "--from", periods[0], "--to", periods[-1], "--data", data,
                "--notebook", "monthly_summary", "--no-pdf", "--jobs", str(n_jobs), "--out", str(target)])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(paths.processed_dir()))
    ap.add_argument("--period", default="2021-01")
    ap.add_argument("--batch-year", default="2020")
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--batch-rounds", type=int, default=3,
                    help="batch pairs (--jobs 1, then --jobs 2) to run; the ratio of the medians is printed")
    ap.add_argument("--skip-batch", action="store_true")
    a = ap.parse_args()
    print(f"start: {load()} ({os.cpu_count()} cores)")
    floor = floor_notebook()
    kernels.ensure_kernel()
    cmds = commands(floor, a.period, a.data)
    for cmd in cmds.values():  # warm-up: disk caches, bytecode, font cache
        run(cmd)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(a.repeat):
        for name, cmd in cmds.items():
            times[name].append(run(cmd))
    med = {name: statistics.median(ts) for name, ts in times.items()}
    spread = {name: f"{min(ts):.2f}–{max(ts):.2f}" for name, ts in times.items()}
    f = med["floor"]
    print(f"whole commands, fresh processes (median of {a.repeat}, range):")
    print(f"  floor: empty notebook, papermill + nbconvert APIs:   {f:5.2f} s  ({spread['floor']})")
    print(f"  (their command lines, papermill then nbconvert:      {med['floor_cli']:5.2f} s  ({spread['floor_cli']}))")
    print(f"  floor via sokhcn report:                             {med['floor_sokhcn']:5.2f} s  ({spread['floor_sokhcn']})"
          f"   ratio {med['floor_sokhcn'] / f:.2f}")
    print(f"  monthly summary → HTML (sokhcn report --no-pdf):     {med['monthly']:5.2f} s  ({spread['monthly']})"
          f"   ratio {med['monthly'] / f:.2f} (target ≤ 1.5); "
          f"over sokhcn's own floor {med['monthly'] / med['floor_sokhcn']:.2f}")
    print(f"  monthly summary → HTML + PDF (sokhcn report):        {med['monthly_pdf']:5.2f} s  ({spread['monthly_pdf']})"
          f"   ratio {med['monthly_pdf'] / f:.2f}")
    fc = med["floor_cli"]
    print("against a user's own commands (papermill, then jupyter nbconvert --to html --no-input; issue 11):")
    print(f"  briefing → HTML:        ratio {med['monthly'] / fc:.2f} (target ≤ 1.0)")
    print(f"  briefing → HTML + PDF:  ratio {med['monthly_pdf'] / fc:.2f} (target ≤ 1.0; one Chromium kept for the run)")

    timed_job(floor, a.period, a.data, False, 1)  # warm-up of this process: papermill, nbconvert
    t_floor = timed_job(floor, a.period, a.data, False, a.repeat)
    t_html = timed_job(report.resolve_notebook("monthly_summary"), a.period, a.data, False, a.repeat)
    print("one warm process (papermill and nbconvert imported once; a fresh kernel per notebook):")
    print(f"  empty notebook → HTML:   {t_floor:5.2f} s")
    print(f"  monthly summary → HTML:  {t_html:5.2f} s   ratio {t_html / t_floor:.2f}")
    print("  where the monthly summary's kernel spends its time (papermill cell durations, last run):")
    for seconds, first in cell_times(OUT / f"run{a.repeat - 1}" / a.period / "monthly_summary.ipynb"):
        if seconds >= 0.03:
            print(f"    {seconds:5.2f} s  {first}")
    if not a.skip_batch:
        periods = [f"{a.batch_year}-{m:02d}" for m in range(1, a.months + 1)]
        rounds = {1: [], 2: []}
        for _ in range(max(a.batch_rounds, 1)):  # interleaved: a change of load hits both alike
            for n_jobs in (1, 2):
                rounds[n_jobs].append(timed_batch(periods, a.data, n_jobs))
        t1, t2 = (statistics.median(rounds[n]) for n in (1, 2))
        each = ", ".join(f"{b / a_:.2f}" for a_, b in zip(rounds[1], rounds[2]))
        print(f"{len(periods)}-month batch, monthly summary HTML (median of {len(rounds[1])}, range):")
        print(f"  --jobs 1: {t1:6.2f} s  ({min(rounds[1]):.2f}–{max(rounds[1]):.2f})")
        print(f"  --jobs 2: {t2:6.2f} s  ({min(rounds[2]):.2f}–{max(rounds[2]):.2f})   ratio {t2 / t1:.2f} "
              f"(target ≤ 0.65); each round: {each}")
    print(f"end: {load()}")


if __name__ == "__main__":
    main()
