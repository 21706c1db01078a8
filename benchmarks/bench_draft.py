"""Writing costs no more than reading: ``sokhcn draft`` of a month against ``sokhcn extract`` of that draft.

    .venv/bin/python benchmarks/bench_draft.py [--period 2021-01] [--org so-khcn-bac-kan] [--rounds 9]

Both are whole commands in fresh processes, as an analyst runs them, alternating round by round
so that the load of a shared machine falls on both alike; medians of the rounds and their ratio
are printed (target: draft ≤ 1.0 × extract). The store is built once from data/raw into a
temporary folder, so the repository's data/processed is left alone.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOKHCN = Path(sys.executable).with_name("sokhcn")


def run(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--period", default="2021-01")
    parser.add_argument("--org", default="so-khcn-bac-kan")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    from sokhcn_analytics.store.build import build_store

    with tempfile.TemporaryDirectory() as tmp:
        processed, out = Path(tmp) / "processed", Path(tmp) / "draft.docx"
        build_store(ROOT / "data" / "raw", processed)
        draft = [str(SOKHCN), "draft", "--period", args.period, "--org", args.org,
                 "--processed", str(processed), "--out", str(out)]
        extract = [str(SOKHCN), "extract", str(out)]
        run(draft), run(extract)  # warm-up: file caches, .pyc
        times: dict[str, list[float]] = {"draft": [], "extract": []}
        for i in range(args.rounds):
            order = ("draft", "extract") if i % 2 == 0 else ("extract", "draft")
            for name in order:
                times[name].append(run(draft if name == "draft" else extract))
    med = {name: statistics.median(ts) for name, ts in times.items()}
    print(f"{args.org} {args.period}, whole commands in fresh processes (median of {args.rounds}, range):")
    for name, label in (("draft", "sokhcn draft"), ("extract", "sokhcn extract of the draft")):
        ts = times[name]
        print(f"  {label:28s} {med[name]:6.3f} s  ({min(ts):.3f}–{max(ts):.3f})")
    ratio = med["draft"] / med["extract"]
    rounds = [d / e for d, e in zip(times["draft"], times["extract"])]
    print(f"  ratio draft / extract: {ratio:.2f} (target ≤ 1.0: {'met' if ratio <= 1.0 else 'NOT met'}); "
          f"each round: {', '.join(f'{r:.2f}' for r in rounds)}")


if __name__ == "__main__":
    main()
