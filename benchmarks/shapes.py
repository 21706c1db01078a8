"""The two shapes of national data the store is measured on (``bench_store.py --shape``).

* ``demo``: ``sokhcn demo-data --orgs 34 --start 2015-01 --end 2024-12``: dense workbooks with a
  task register and annual targets carried over from month to month;
* ``sparse``: 34 folders (one per department) × 120 monthly workbooks written by ``sokhcn
  template`` with only the ``ChiTieu`` results filled, random whole numbers, no tasks or targets
  (the layout issue 22 was found on: random figures make many plausibility flags).

Each set is made once into ``benchmarks/.cache/`` (a stamp says it was finished) and reused.
"""
from __future__ import annotations

import random
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ORGS, START, END, SEED = 34, "2015-01", "2024-12", 2021
CACHE = Path(__file__).resolve().parent / ".cache"
SHAPES = ("sparse", "demo")


def data_set(shape: str) -> Path:
    """The raw folder of ``shape``, made on first use (≈ 2–4 minutes each)."""
    folder = CACHE / (f"roll-up-{ORGS}x{START}-{END}-{SEED}" if shape == "demo" else f"sparse-{ORGS}x{START}-{END}-{SEED}")
    raw, stamp = folder / "raw", folder / "complete"
    if not stamp.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        if shape == "demo":
            subprocess.run([sys.executable, "-m", "sokhcn_analytics.cli.main", "demo-data", "--orgs", str(ORGS),
                            "--start", START, "--end", END, "--seed", str(SEED), "--out", str(raw / "illustrative")],
                           check=True, env={**os.environ, "SOKHCN_ROOT": str(folder)})  # units' settings: not the checkout
        else:
            make_sparse(raw)
        stamp.write_text(f"{time.perf_counter() - started:.0f} s\n")
    return raw


def sparse_orgs() -> list[str]:
    return [f"don-vi-{i:02d}" for i in range(1, ORGS + 1)]


def months() -> list[str]:
    first, last = int(START[:4]), int(END[:4])
    return [f"{y}-{m:02d}" for y in range(first, last + 1) for m in range(1, 13)]


def make_sparse(raw: Path) -> None:
    """``raw/<org>/<YYYY-MM>_<org>.xlsx`` for every org and month: results only, random whole numbers."""
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_sparse_org, [(raw, n, org) for n, org in enumerate(sparse_orgs())]))


def _sparse_org(task) -> None:
    from sokhcn_analytics.core import catalog
    from sokhcn_analytics.ingest.template import write_template

    raw, n, org = task
    rng = random.Random(SEED * 100 + n)
    codes = catalog.codes()
    for period in months():
        results = {code: rng.randint(0, 500) for code in codes}
        write_template(period, raw / org / f"{period}_{org}.xlsx", org=org, results=results)


if __name__ == "__main__":
    for name in sys.argv[1:] or SHAPES:
        print(name, data_set(name))
