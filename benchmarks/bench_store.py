"""Building the store from ten years of monthly workbooks (120 files).

Prints the time of a full build and of a rebuild with nothing changed, and their ratios to
a baseline measured in the same run: loading the same 120 workbooks with openpyxl
(read-only mode), the obvious way to read them. Targets (issue 2): full build ≤ 2 s,
unchanged rebuild ≤ 0.3 s on the 2-core machine.

    .venv/bin/python benchmarks/bench_store.py
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path


def _best(fn, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    import openpyxl

    from sokhcn_analytics.demo import make_demo_data
    from sokhcn_analytics.store import build_store

    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        raw = work / "raw" / "illustrative"
        files = make_demo_data(raw, "2012-01", "2021-12", seed=7)
        processed = work / "processed"

        def openpyxl_baseline():
            for f in files:
                wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
                for name in ("ThongTin", "ChiTieu", "NhiemVu", "MucTieuNam"):
                    list(wb[name].iter_rows(values_only=True))
                wb.close()

        def full_build():
            shutil.rmtree(processed, ignore_errors=True)
            build_store(work / "raw", processed)

        build_store(work / "raw", work / "warmup")  # imports and caches outside the timing
        baseline = _best(openpyxl_baseline, 1)
        full = _best(full_build)
        unchanged = _best(lambda: build_store(work / "raw", processed))
        print(f"workbooks: {len(files)}")
        print(f"baseline (openpyxl read of the same files): {baseline:.3f} s")
        print(f"full build:      {full:.3f} s  ratio to baseline {full / baseline:.2f}  target 2 s: "
              f"{'OK' if full <= 2 else 'MISSED'}")
        print(f"unchanged build: {unchanged:.3f} s  ratio to baseline {unchanged / baseline:.3f}  target 0.3 s: "
              f"{'OK' if unchanged <= 0.3 else 'MISSED'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
