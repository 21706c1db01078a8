"""The ``sokhcn`` console command's way out: exit code, flushed output, exit handlers."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import sokhcn_cmd


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # stdout buffered, as usual


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=ENV)


def test_quick_exit_keeps_the_exit_code_the_buffered_output_and_the_exit_handlers(shipped_store, tmp_path):
    done = _run("import atexit, sys\nfrom sokhcn_analytics import cli\n"
                "atexit.register(lambda: print('handler ran'))\n"
                f"sys.argv = ['sokhcn', 'report', '--period', '2018-05', '--data', {str(shipped_store)!r}, "
                f"'--out', {str(tmp_path / 'r')!r}]\n"
                "print('written before')\n"  # still in stdout's buffer (a pipe) when run() exits
                "cli.run()\n"
                "print('never reached')")
    assert done.returncode == 1
    assert done.stdout.split("\n")[:2] == ["written before", "handler ran"]
    assert "never reached" not in done.stdout
    assert done.stderr.rstrip().endswith("[no_data]") and "Traceback" not in done.stderr


def test_help_and_argument_errors_leave_as_usual():
    assert subprocess.run([*sokhcn_cmd(), "--help"], capture_output=True, text=True).returncode == 0
    bad = subprocess.run([*sokhcn_cmd(), "report", "--jobs", "two"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--jobs" in bad.stderr


def test_a_reader_that_closes_early_is_not_an_error(shipped_store):
    # `sokhcn summary | head -1`: the pipe closes before everything is written
    done = subprocess.run(f"{' '.join(sokhcn_cmd())} summary --processed {shipped_store} | head -1",
                          shell=True, capture_output=True, text=True, executable="/bin/bash", env=ENV)
    assert done.stdout.startswith("Sở Khoa học và Công nghệ tỉnh Bắc Kạn")
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
