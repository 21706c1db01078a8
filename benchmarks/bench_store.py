"""The store at national size, on two shapes of data: 34 departments × 10 years = 4,080 monthly workbooks.

Shapes (:mod:`shapes`): ``demo`` (``sokhcn demo-data``: dense workbooks, task register and
targets carried over month to month) and ``sparse`` (``sokhcn template`` with only the
``ChiTieu`` results filled, random whole numbers, no tasks or targets). ``--shape both`` (the
default) measures both in one run.

Prints for each shape, as medians of ``--rounds`` rounds and as ratios to the floor of the same round:

* floor: reading every sheet of every workbook with python-calamine, in one process (measured
  just before and just after the full build of each round, averaged);
* full build (into an empty store), rebuild with nothing changed, rebuild after one
  workbook changed (a different org each round), in this process (``build_store``);
* the same two rebuilds as a user runs them: ``sokhcn build`` in a fresh process (interpreter
  start, imports and the flags it prints included), with the lines it wrote on standard error;
* what judging the flags of a full build adds (``sokhcn build`` prints those of every file read);

then the peak memory of a full build in a fresh process (its own peak plus, for each
reading worker, the largest worker's peak: an upper bound). Targets (issue 22): full build ≤
1.0× the floor, nothing changed ≤ 0.3 s, one changed file ≤ 1.5 s with ≤ 30 lines on standard
error, peak memory ≤ 1 GiB.

The data sets are made once into ``benchmarks/.cache/`` (≈ 2–4 minutes each) and reused; each run
builds from a copy.

    .venv/bin/python benchmarks/bench_store.py [--shape sparse|demo|both] [--rounds 5] [--batch-rounds 3]

``--batch-rounds`` (default 3, 0 to skip) then runs ``benchmarks/bench_batch.py``: the 12-month
report batch, ``--jobs 2`` against ``--jobs 1``, with the processor time of each.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shapes import ORGS, SHAPES, data_set  # noqa: E402

GIB = 1024 ** 3
ROOT = Path(__file__).resolve().parents[1]


def floor(files: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    return time.perf_counter() - started


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def cpu_seconds() -> float:
    """Processor time of this process and of its finished children (the reading workers) so far."""
    import resource

    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def with_cpu(fn) -> tuple[float, float, object]:
    """``(wall, processor, result)`` of ``fn()``."""
    cpu = cpu_seconds()
    wall, out = timed(fn)
    return wall, cpu_seconds() - cpu, out


def change_one(files: list[Path], round_no: int) -> Path:
    """Raise one figure in one workbook of another org each round (not timed)."""
    import openpyxl

    book = files[(round_no * 997 + 61) % len(files)]
    wb = openpyxl.load_workbook(book)
    ws = wb["ChiTieu"]
    ws["D2"] = (ws["D2"].value or 0) + 1
    wb.save(book)
    return book


def peak_memory(raw: Path, processed: Path) -> tuple[int, int]:
    """Peak RSS (bytes) of a full build in a fresh process: the build process, and its largest worker."""
    code = ("import json, resource, sys\nfrom sokhcn_analytics.store.build import build_store\n"
            f"build_store({str(raw)!r}, {str(processed)!r})\n"
            "print(json.dumps([resource.getrusage(w).ru_maxrss * 1024 for w in "
            "(resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    own, worker = json.loads(done.stdout.splitlines()[-1])
    return own, worker


def cli_build(raw: Path, processed: Path) -> tuple[float, float, int]:
    """``sokhcn build`` in a fresh process: ``(wall seconds, its processor seconds, lines on standard error)``."""
    import resource

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sokhcn_analytics.cli.main", "build", "--raw", str(raw),
                           "--processed", str(processed)], capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_utime + usage.ru_stime - cpu, len(done.stderr.splitlines())


def flags_of_everything(processed: Path, read: list[str]) -> float:
    """What ``sokhcn build`` adds after a full build: every org's flags, those of the files read kept."""
    from sokhcn_analytics.analysis.flag_list import capped_lines, flags_of_files
    from sokhcn_analytics.analysis.plausibility import flags
    from sokhcn_analytics.store.build import load_indicators

    return timed(lambda: capped_lines(flags_of_files(flags(load_indicators(processed)), read), processed))[0]


def measure(shape: str, rounds: int) -> dict:
    from sokhcn_analytics.store.build import build_store

    cached = data_set(shape)
    work = Path(tempfile.mkdtemp(prefix=f"bench-store-{shape}-"))
    try:
        raw = work / "raw"
        shutil.copytree(cached, raw)
        files = sorted(raw.rglob("*.xlsx"))
        processed = work / "processed"
        build_store(raw, work / "warmup")  # imports and disk caches outside the timing
        out = []
        for n in range(rounds):
            shutil.rmtree(processed, ignore_errors=True)
            # the floor just before and just after the build, averaged: this machine's speed drifts by
            # a tenth or more within a minute (other sessions), and both sides of the build see the same
            before, before_cpu, _ = with_cpu(lambda: floor(files))
            full, full_cpu, result = with_cpu(lambda: build_store(raw, processed))
            after, after_cpu, _ = with_cpu(lambda: floor(files))
            f, f_cpu = (before + after) / 2, (before_cpu + after_cpu) / 2
            flagging = flags_of_everything(processed, result.read)
            same, result = timed(lambda: build_store(raw, processed))
            assert not result.changed
            change_one(files, 2 * n)
            one, result = timed(lambda: build_store(raw, processed))
            assert result.files_read == 1 and len(result.orgs_rewritten) == 1, result.message
            same_cli, same_cpu, same_lines = cli_build(raw, processed)
            change_one(files, 2 * n + 1)
            one_cli, one_cpu, one_lines = cli_build(raw, processed)
            out.append(dict(floor=f, full=full, ratio=full / f, flags=flagging, same=same, one=one, same_cli=same_cli,
                            one_cli=one_cli, one_lines=one_lines, same_lines=same_lines, same_cpu=same_cpu,
                            one_cpu=one_cpu, load=os.getloadavg()[0], cpu_ratio=full_cpu / f_cpu))
            print(f"[{shape}] round {n + 1}: floor {f:.2f} s ({before:.2f} before, {after:.2f} after)  full "
                  f"{full:.2f} s ({full / f:.2f}×; processor time {full_cpu:.1f} s vs {f_cpu:.1f} s, {full_cpu / f_cpu:.2f}×; "
                  f"+ flags {flagging:.2f} s)  nothing changed {same:.3f} s "
                  f"(sokhcn build {same_cli:.2f} s, CPU {same_cpu:.2f} s)  one changed {one:.3f} s (sokhcn build "
                  f"{one_cli:.2f} s, CPU {one_cpu:.2f} s, {one_lines} lines on stderr)  load {out[-1]['load']:.1f}",
                  flush=True)
        medians = {k: statistics.median(r[k] for r in out) for k in out[0]}
        medians["max_lines"] = max(r["one_lines"] for r in out)
        medians["files"] = len(files)
        medians["peak"] = peak_memory(raw, work / "memory")
        return medians
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(shape: str, m: dict, rounds: int) -> None:
    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    own, worker = m["peak"]
    from sokhcn_analytics.store import read as store_read

    workers = store_read.workers_for(m["files"])
    peak = own + workers * worker  # as if the build's peak and every worker's came at the same moment
    print(f"\n== {shape}: {m['files']} workbooks ({ORGS} orgs × {m['files'] // ORGS} months); medians of {rounds} rounds")
    print(f"floor (python-calamine reads every sheet, one process): {m['floor']:.2f} s")
    print(f"full build:        {m['full']:6.2f} s  {m['ratio']:.2f}× the floor (median of the rounds' ratios)  "
          f"target ≤ 1.0×: {verdict(m['ratio'] <= 1)}")
    print(f"  processor time of the full build (all its processes) {m['cpu_ratio']:.2f}× the floor's: with two idle "
          f"cores the build's wall time would be about half that ratio (two processes read), less what they share")
    print(f"  + judging every flag of it (sokhcn build prints those of the files read): {m['flags']:.2f} s")
    print(f"nothing changed:   {m['same']:6.3f} s in this process, {m['same_cli']:.2f} s as 'sokhcn build' "
          f"(its processor time {m['same_cpu']:.2f} s)   target ≤ 0.3 s: {verdict(m['same'] <= 0.3)}")
    print(f"one changed file:  {m['one']:6.3f} s in this process, {m['one_cli']:.2f} s as 'sokhcn build' "
          f"(its processor time {m['one_cpu']:.2f} s), ≤ {m['max_lines']} lines on stderr   target ≤ 1.5 s, ≤ 30 lines: "
          f"{verdict(m['one'] <= 1.5 and m['max_lines'] <= 30)} in this process, "
          f"{verdict(m['one_cli'] <= 1.5 and m['max_lines'] <= 30)} as a command")
    print(f"load average during the rounds: {m['load']:.1f} (median) on {os.cpu_count()} cores")
    print(f"peak RSS of a full build: {own / 2**20:.0f} MiB (build process) + {workers} × {worker / 2**20:.0f} MiB "
          f"(largest worker) = at most {peak / 2**20:.0f} MiB   target ≤ 1 GiB: {verdict(peak <= GIB)}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=(*SHAPES, "both"), default="both")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch-rounds", type=int, default=3, help="rounds of benchmarks/bench_batch.py run "
                        "after the store (the 12-month report batch, --jobs 2 vs --jobs 1); 0: skip it")
    args = parser.parse_args(argv)
    shapes = SHAPES if args.shape == "both" else (args.shape,)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results = {shape: measure(shape, args.rounds) for shape in shapes}
    for shape, m in results.items():
        report(shape, m, args.rounds)
    if args.batch_rounds > 0:  # on the store of data/raw (sokhcn build first)
        print("\n== the 12-month report batch (benchmarks/bench_batch.py)", flush=True)
        subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "bench_batch.py"), "--rounds",
                        str(args.batch_rounds)], check=False)


if __name__ == "__main__":
    main()
