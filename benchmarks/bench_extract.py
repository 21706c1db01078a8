"""Reports per second of the extractor on the January 2021 report (target: ≤ 50 ms per report, one core).

    .venv/bin/python benchmarks/bench_extract.py [REPORT] [--repeat N] [--rounds R]

Times what ``sokhcn extract REPORT`` does per report (read the file, find the period, extract,
list unrecognised quantities) and its parts, after a warm-up run that compiles the phrasings.
CPU time of this process, best of R rounds, so that other processes on a shared machine distort
the figure less.
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from sokhcn_analytics.extract.extractor import Report, extract_indicators, read_report, unrecognised

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "extract" / "2021-01_so-khcn-bac-kan.txt"


def _per_call(fn, repeat: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            fn()
        best = min(best, (time.process_time() - start) / repeat)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("report", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    path = args.report
    extract_indicators(path)  # warm-up: compile phrasings, load catalog, import pandas
    report = read_report(path)

    def fresh():  # the same report without the claims cached by an earlier call
        return Report(report.path, report.period, report.paragraphs, report.footnotes)

    def whole():  # what `sokhcn extract REPORT` does per report
        rep = read_report(path)
        return extract_indicators(rep), unrecognised(rep)

    timings = {
        "read_report": _per_call(lambda: read_report(path), args.repeat, args.rounds),
        "extract_indicators": _per_call(lambda: extract_indicators(fresh()), args.repeat, args.rounds),
        "unrecognised": _per_call(lambda: unrecognised(fresh()), args.repeat, args.rounds),
    }
    full = _per_call(whole, args.repeat, args.rounds)

    def floor():  # the least any extractor does: read the text and find every number once
        import re

        return re.findall(r"\d+(?:[.,]\d+)*", Path(path).read_text(encoding="utf-8-sig"))

    baseline = _per_call(floor, args.repeat, args.rounds)
    size = Path(path).stat().st_size
    print(f"report: {Path(path).name} ({size / 1024:.1f} KiB, {len(report.paragraphs)} paragraphs); "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, seconds in timings.items():
        print(f"  {name:<20} {seconds * 1000:7.2f} ms")
    print(f"  {'baseline (read + one number regex)':<20} {baseline * 1000:7.2f} ms")
    print(f"read + extract + unrecognised: {full * 1000:.2f} ms per report = {1 / full:.1f} reports/second, "
          f"{full / baseline:.0f}x the baseline (target ≤ 50 ms: {'met' if full <= 0.05 else 'NOT met'})")


if __name__ == "__main__":
    main()
