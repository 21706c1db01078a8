"""The 12-month batch, ``sokhcn report --from --to --jobs 2`` against ``--jobs 1`` (issue 6: ratio ≤ 0.65),
with the processor time each takes: on a shared machine the wall-clock ratio says how busy the others
were; the processor time says what the batch itself needs.

    .venv/bin/python benchmarks/bench_batch.py [--data data/processed] [--year 2020] [--rounds 3]

Each variant is a whole command in a fresh process, ``--jobs 1`` and ``--jobs 2`` alternating. Printed:
medians of wall time and of processor time (the command and every process it started: kernels,
Chromium), the wall ratio, and the lowest ratio two idle cores would allow, ``(CPU of --jobs 2 / 2) /
CPU of --jobs 1`` (``--jobs 1`` cannot take less wall time than its processor time on one lane, and
``--jobs 2`` cannot take less than half its own). When that bound is above 0.65, no scheduling of the
two lanes meets the target on two cores: the second lane's fixed costs are the reason.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def batch(year: str, data: str, jobs: int) -> tuple[float, float]:
    """``(wall, processor)`` seconds of the batch with ``--jobs jobs``."""
    target = OUT / f"batch-jobs{jobs}"
    shutil.rmtree(target, ignore_errors=True)
    cmd = [str(Path(sys.executable).parent / "sokhcn"), "report", "--from", f"{year}-01", "--to", f"{year}-12",
           "--data", data, "--notebook", "monthly_summary", "--no-pdf", "--jobs", str(jobs), "--out", str(target)]
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"the batch failed ({' '.join(cmd)}):\n{done.stderr[-2000:]}")
    return wall, children_cpu() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "data" / "processed"))
    ap.add_argument("--year", default="2020")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    batch(a.year, a.data, 1)  # warm-up: disk caches, bytecode, fonts
    runs = {1: [], 2: []}
    for n in range(a.rounds):
        for jobs in (1, 2):  # interleaved: a change of load hits both alike
            runs[jobs].append(batch(a.year, a.data, jobs))
        (w1, c1), (w2, c2) = runs[1][-1], runs[2][-1]
        print(f"round {n + 1}: --jobs 1 {w1:.2f} s (CPU {c1:.2f} s)  --jobs 2 {w2:.2f} s (CPU {c2:.2f} s)  "
              f"ratio {w2 / w1:.2f}  bound {c2 / 2 / c1:.2f}", flush=True)
    (w1, c1), (w2, c2) = [[statistics.median(r[i] for r in runs[j]) for i in (0, 1)] for j in (1, 2)]
    print(f"12-month batch, medians of {a.rounds}: --jobs 1 {w1:.2f} s (CPU {c1:.2f} s), --jobs 2 {w2:.2f} s "
          f"(CPU {c2:.2f} s)")
    each = ", ".join(f"{b[0] / a_[0]:.2f}" for a_, b in zip(runs[1], runs[2]))
    print(f"wall ratio {w2 / w1:.2f} (rounds {each}; target ≤ 0.65; the load of other sessions moves it); lowest ratio two idle "
          f"cores allow: {c2 / 2 / c1:.2f} (median of the rounds' bounds "
          f"{statistics.median(b[1] / 2 / a_[1] for a_, b in zip(runs[1], runs[2])):.2f})")


if __name__ == "__main__":
    main()
