"""The store under faults: a build killed at any moment, and two builds at once.

Two known states of a roll-up of 4 illustrative orgs: OLD (their first 3 months) and NEW
(20 months each, one of the first months changed: 80 workbooks, 68 to read, enough for
the build to read them in worker processes when the threshold is lowered to 32, as here). Each kill starts from a copy of OLD and
SIGKILLs ``sokhcn build`` of NEW after a random delay. Afterwards the store must be
exactly OLD or exactly NEW (through the API, which rolls an interrupted commit forward),
the manifest a plain reader opens must name whole parts of one of them, and the next
build must succeed and give NEW. (The 4,080-workbook roll-up itself is built by
benchmarks/bench_store.py; the commit does not depend on the size.)
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import sokhcn_cmd
from sokhcn_analytics.ingest.demo import make_demo_data
from sokhcn_analytics.core.errors import StoreError
from sokhcn_analytics.ingest.workbook import write_template
from sokhcn_analytics.store.build import (LOCK, MANIFEST, STAGING, build_store, load_indicators, load_manifest,
                                    load_sources, load_tasks)
from sokhcn_analytics.store.parts import KINDS

pytestmark = pytest.mark.slow  # kill tests and concurrent builds (make test runs them; make test-fast does not)

KILLS = 14
# the 68 workbooks to read are read by worker processes, as 400 and more are by default
WORKERS = {**os.environ, "SOKHCN_PARALLEL_MIN_FILES": "32"}
SEED = 20210131


def _frames(processed: Path) -> dict:
    return {"indicators": load_indicators(processed), "tasks": load_tasks(processed),
            "sources": load_sources(processed), "inputs": load_manifest(processed)["inputs"]}


def _same(a: dict, b: dict) -> bool:
    return a["inputs"] == b["inputs"] and all(a[k].equals(b[k]) for k in ("indicators", "tasks", "sources"))


def _bytes(processed: Path) -> dict:
    """Every part the manifest names, by file name."""
    manifest = json.loads((processed / MANIFEST).read_text(encoding="utf-8"))
    return {e[k]["file"]: (processed / e[k]["file"]).read_bytes() for e in manifest["parts"].values() for k in KINDS}


def _files(processed: Path) -> dict:
    return {p.relative_to(processed).as_posix(): p.read_bytes() for p in processed.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """Raw folders and stores for OLD and NEW, and how long a CLI build from OLD to NEW takes."""
    root = tmp_path_factory.mktemp("faults")
    books = make_demo_data(root / "months", "2019-01", "2020-08", orgs=4)
    old_raw, new_raw = root / "old_raw" / "workbooks", root / "new_raw" / "workbooks"
    for folder, files in ((old_raw, [b for b in books if b.name < "2019-04"]), (new_raw, books)):
        for f in files:
            (folder / f.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(f, folder / f.parent.name / f.name)
    write_template("2019-02", next(new_raw.glob("*/2019-02_minh-hoa-02.xlsx")), org="minh-hoa-02",
                   results={"inspections": 99}, reviewed=True, illustrative=True)  # one old month changed
    old, new = root / "old", root / "new"
    build_store(old_raw.parent, old)
    shutil.copytree(old, new)
    started = time.monotonic()
    run = subprocess.run([*sokhcn_cmd(), "build", "--raw", new_raw.parent, "--processed", new], capture_output=True,
                         text=True, env=WORKERS)
    duration = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    return {"old_raw": old_raw.parent, "new_raw": new_raw.parent, "old": old, "new": new, "duration": duration,
            "old_frames": _frames(old), "new_frames": _frames(new), "old_bytes": _bytes(old),
            "new_bytes": _bytes(new), "old_manifest": (old / MANIFEST).read_bytes()}


def test_incremental_build_gives_the_same_store_as_a_build_from_scratch(states, tmp_path):
    build_store(states["new_raw"], tmp_path)
    assert _same(_frames(tmp_path), states["new_frames"])
    assert _bytes(tmp_path) == states["new_bytes"]


def _plain_read_is_whole(processed: Path, states) -> str:
    """What a reader that opens the files directly (no recovery) sees: one manifest, every part it names whole."""
    manifest = json.loads((processed / MANIFEST).read_text(encoding="utf-8"))  # never half-written
    state = "old" if manifest["inputs"] == states["old_frames"]["inputs"] else "new"
    assert manifest["inputs"] == states[f"{state}_frames"]["inputs"]
    parts = _bytes(processed)
    assert parts == states[f"{state}_bytes"]
    for name, data in parts.items():  # a part is named by its content
        assert hashlib.sha256(data).hexdigest()[:16] == name.split(".")[-2], name
    return state


def _start_build(states, processed: Path, force: bool = False) -> subprocess.Popen:
    return subprocess.Popen([*sokhcn_cmd(), "build", "--raw", states["new_raw"], "--processed", processed,
                             *(["--force"] if force else [])],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=WORKERS)


def _wait_for_staging(proc: subprocess.Popen, processed: Path) -> None:
    """Until the build starts writing its staging folder (the commit phase) or ends."""
    deadline = time.monotonic() + 60
    while not (processed / STAGING).exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)


def _kill_and_check(states, processed: Path, when: str, delay: float, force: bool = False):
    """Kill one build ``delay`` s after its start (or after its commit phase starts); check the store."""
    shutil.rmtree(processed, ignore_errors=True)
    shutil.copytree(states["old"], processed)
    proc = _start_build(states, processed, force)
    if when == "commit":
        _wait_for_staging(proc, processed)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    plain = _plain_read_is_whole(processed, states)
    after = _frames(processed)  # the API rolls a committed staging forward first
    state = "new" if _same(after, states["new_frames"]) else "old"
    assert _same(after, states[f"{state}_frames"]), f"mixed store after a kill ({when}, {delay:.2f}s)"
    assert not (processed / STAGING).exists()

    result = build_store(states["new_raw"], processed, jobs=1)  # in this process: quicker for a check
    assert result.changed == (state == "old")
    assert _same(_frames(processed), states["new_frames"])
    return when, round(delay, 3), plain, state


def test_build_killed_at_random_moments_leaves_old_or_new_store_and_next_build_succeeds(states, tmp_path):
    """Half the kills at any moment of the build, half during or just after its commit phase."""
    rng = random.Random(SEED)
    plans = [("anytime", rng.uniform(0.0, states["duration"])) for _ in range(KILLS // 2)]
    plans += [("commit", rng.uniform(0.0, 0.06)) for _ in range(KILLS - KILLS // 2)]
    outcomes = []
    processed = tmp_path / "processed"
    for when, delay in plans:
        outcomes.append(_kill_and_check(states, processed, when, delay))
    # a loaded machine can make every planned kill land before the commit: keep killing later in
    # the commit phase until one lands after it, so both recovery paths are always exercised
    for delay in (0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2):
        if {state for *_, state in outcomes} == {"old", "new"}:
            break
        outcomes.append(_kill_and_check(states, processed, "commit", delay))
    print("kills (when, delay, plain read, state):", outcomes)
    assert {state for *_, state in outcomes} == {"old", "new"}, outcomes  # kills landed on both sides


def test_a_full_build_killed_while_it_writes_parts_as_it_reads_leaves_old_or_new_store(states, tmp_path):
    """``--force`` reads all 80 workbooks in workers and writes each org's parts into the staging folder
    while the others are still read (store_early): killed at any moment, the store is OLD or NEW."""
    rng = random.Random(SEED + 1)
    processed = tmp_path / "processed"
    outcomes = [_kill_and_check(states, processed, "anytime", rng.uniform(0.0, states["duration"]), force=True)
                for _ in range(4)]
    outcomes += [_kill_and_check(states, processed, "commit", rng.uniform(0.0, 0.3), force=True) for _ in range(3)]
    print("kills of --force (when, delay, plain read, state):", outcomes)
    assert "old" in {state for *_, state in outcomes}, outcomes


def test_second_build_refuses_clearly_while_another_holds_the_lock(states, tmp_path):
    processed = tmp_path / "processed"
    shutil.copytree(states["old"], processed)
    before = _files(processed)
    with open(processed / LOCK, "a+") as held:  # stands in for a build that is running
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        run = subprocess.run([*sokhcn_cmd(), "build", "--raw", states["new_raw"], "--processed", processed],
                             capture_output=True, text=True, env={**os.environ, "SOKHCN_LOCK_TIMEOUT": "0.5"})
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert "sokhcn build" in run.stderr and "đang ghi" in run.stderr and run.stderr.rstrip().endswith("[store_locked]")
    assert _files(processed) == before


def _lock_is_held(processed: Path) -> bool:
    with open(processed / LOCK, "a+") as probe:
        try:
            fcntl.flock(probe.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(probe.fileno(), fcntl.LOCK_UN)
        return False


def test_build_started_during_a_running_build_is_refused_and_store_ends_new(states, tmp_path):
    processed = tmp_path / "processed"
    shutil.copytree(states["old"], processed)
    running = subprocess.Popen([*sokhcn_cmd(), "build", "--raw", states["new_raw"], "--processed", processed],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=WORKERS)
    deadline = time.monotonic() + 60
    while not _lock_is_held(processed) and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert running.poll() is None, "the first build ended before it could be caught holding the lock"
    with pytest.raises(StoreError) as info:
        build_store(states["new_raw"], processed, lock_timeout=0)
    assert info.value.reason == "store_locked"
    assert running.wait(timeout=120) == 0, running.stderr.read()
    assert _same(_frames(processed), states["new_frames"])


def test_two_builds_started_together_both_succeed_one_after_the_other(states, tmp_path):
    processed = tmp_path / "processed"
    shutil.copytree(states["old"], processed)
    cmd = [*sokhcn_cmd(), "build", "--raw", str(states["new_raw"]), "--processed", str(processed)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=WORKERS)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    messages = sorted(out for out, _ in outs)
    assert messages[0].startswith("Không có thay đổi") and messages[1].startswith("Đã build"), messages
    assert _same(_frames(processed), states["new_frames"])


def _small_files_only():
    """In the child: writing past 3 kB fails with EFBIG (as on a full disk) instead of killing it."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))


def test_build_that_cannot_write_says_so_and_leaves_the_old_store(states, tmp_path):
    processed = tmp_path / "processed"
    shutil.copytree(states["old"], processed)
    before = _files(processed)

    run = subprocess.run([*sokhcn_cmd(), "build", "--raw", states["new_raw"], "--processed", processed],
                         capture_output=True, text=True, preexec_fn=_small_files_only, env=WORKERS)

    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert "không ghi được kho dữ liệu" in run.stderr and "dung lượng đĩa" in run.stderr
    assert run.stderr.rstrip().endswith("[store_write_failed]")
    assert _files(processed) == before
    assert not (processed / STAGING).exists()
    assert build_store(states["new_raw"], processed).changed
    assert _same(_frames(processed), states["new_frames"])
