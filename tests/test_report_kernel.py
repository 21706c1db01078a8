"""How the runner starts kernels: early, with the notebook's own imports, one per process."""
from __future__ import annotations

import pytest

import json
import subprocess
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from conftest import pid_alive
from report_fixtures import failing_notebook, write_single_file_store, write_store
from sokhcn_analytics.reports import kernels
from sokhcn_analytics.reports import runner as report
from sokhcn_analytics.store import build as store

pytestmark = pytest.mark.slow  # real kernels (make test runs them; make test-fast does not)


def notebook(path, *sources):
    params = new_code_cell('period = "2021-01"\nprocessed_dir = None\nlang = "vi"')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[params, *(new_code_cell(s) for s in sources)], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "sokhcn": {"scope": "month"}})
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def printed(ipynb, cell=-1) -> str:
    """What a code cell printed: ``cell`` is an index or the cell's source."""
    nb = nbformat.read(ipynb, as_version=4)
    found = nb.cells[cell] if isinstance(cell, int) else next(c for c in nb.cells if c.source == cell)
    return "".join(o.get("text", "") for o in found.get("outputs", [])).strip()


# ---------------------------------------------------------------- what gets preloaded

def test_preload_is_the_notebooks_own_imports_and_binds_no_name(tmp_path):
    nb = notebook(tmp_path / "n.ipynb",
                  "import json\nfrom os import path as osp\nx = 1\nif x:\n    import wave",
                  "%matplotlib inline\nimport colorsys",  # IPython syntax: left to the kernel
                  "from string import *\nimport json")
    code = kernels.notebook_imports(nb)
    assert "import json" in code and "from os import path as osp" in code
    assert code.count("import json") == 1          # once, though two cells import it
    assert "wave" not in code                      # only top-level statements
    assert "colorsys" not in code and "*" not in code
    namespace: dict = {}
    exec(code, namespace)
    assert set(namespace) == {"__builtins__"}      # the notebook's namespace stays empty


def test_a_notebook_without_imports_preloads_nothing(tmp_path):
    assert kernels.notebook_imports(notebook(tmp_path / "n.ipynb", "print(period)")) == ""
    assert kernels.kernel_arguments("") == ["--HistoryManager.hist_file=:memory:"]


def test_a_failing_preload_import_is_ignored_and_the_others_still_load(tmp_path):
    import sys

    sys.modules.pop("wave", None)
    code = kernels.notebook_imports(notebook(tmp_path / "n.ipynb", "import sokhcn_no_such_module\nimport wave"))
    assert "sokhcn_no_such_module" in code
    namespace: dict = {}
    exec(code, namespace)  # no exception: the notebook's own cell reports it (test below)
    assert set(namespace) == {"__builtins__"}
    assert "wave" in sys.modules


# ---------------------------------------------------------------- in a real kernel

def test_the_kernel_has_the_notebooks_imports_loaded_before_its_first_cell(tmp_path):
    nb = notebook(tmp_path / "pre.ipynb",
                  "import sys\nprint('wave' in sys.modules, 'wave' in dir())",
                  "import wave")
    jobs = report.plan_jobs(["2021-01"], [str(nb)], processed_dir=write_store(tmp_path / "p"), out=tmp_path / "r")
    [res] = report.run_jobs(jobs, n_jobs=1, pdf=False, progress=False)
    assert res.error is None
    # loaded by the kernel as it started, yet no name reached the notebook
    assert printed(tmp_path / "r" / "2021-01" / "pre.ipynb",
                   cell="import sys\nprint('wave' in sys.modules, 'wave' in dir())") == "True False"


def test_an_import_that_fails_is_reported_in_its_own_cell(tmp_path):
    nb = notebook(tmp_path / "bad.ipynb", "print('first')", "import sokhcn_no_such_module")
    jobs = report.plan_jobs(["2021-01"], [str(nb)], processed_dir=write_store(tmp_path / "p"), out=tmp_path / "r")
    [res] = report.run_jobs(jobs, n_jobs=1, pdf=False, progress=False)
    assert res.error and "ModuleNotFoundError" in res.error and "sokhcn_no_such_module" in res.error
    assert "import sokhcn_no_such_module" in res.error          # the failing cell is named
    assert printed(res.partial, cell="print('first')") == "first"               # the cells before it ran


def test_a_kept_kernel_runs_each_notebook_in_its_own_folder(tmp_path):
    a = notebook(tmp_path / "a" / "where.ipynb", "import os\nprint(os.getcwd())")
    b = notebook(tmp_path / "b" / "where.ipynb", "import os\nprint(os.getcwd())")
    processed = write_store(tmp_path / "p")
    jobs = [*report.plan_jobs(["2021-01"], [str(a)], processed_dir=processed, out=tmp_path / "ra"),
            *report.plan_jobs(["2021-01"], [str(b)], processed_dir=processed, out=tmp_path / "rb")]
    results = report.run_jobs(jobs, n_jobs=1, pdf=False, progress=False)
    assert [r.error for r in results] == [None, None]
    assert printed(tmp_path / "ra" / "2021-01" / "where.ipynb") == str(tmp_path / "a")
    assert printed(tmp_path / "rb" / "2021-01" / "where.ipynb") == str(tmp_path / "b")


# ---------------------------------------------------------------- periods from the manifest

def test_the_manifest_lists_the_periods_with_results_per_org(shipped_store):
    manifest = json.loads((shipped_store / "manifest.json").read_text(encoding="utf-8"))
    expected = store.result_periods_of(store.load_indicators(shipped_store))
    assert manifest["result_periods"] == expected
    assert store.result_periods(shipped_store) == expected
    assert expected["so-khcn-bac-kan"] == ["2021-01"] and len(expected["minh-hoa"]) == 36


def test_a_store_without_that_list_is_read_in_full(tmp_path):
    processed = write_single_file_store(tmp_path / "p")  # parquet files only, no manifest
    assert store.result_periods(processed)["so-khcn-bac-kan"] == ["2021-03"]
    assert report.select_periods(store.result_periods(processed)) == ["2021-03"]


def test_report_checks_its_periods_without_loading_pandas(shipped_store, tmp_path):
    code = ("import sys\nfrom sokhcn_analytics import cli\n"
            f"rc = cli.main(['report', '--period', '2018-05', '--data', {str(shipped_store)!r}, "
            f"'--out', {str(tmp_path / 'r')!r}])\n"
            "print(rc, 'pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["1", "False"]
    assert done.stderr.rstrip().endswith("[no_data]")
    assert not (tmp_path / "r").exists()


def test_failing_notebook_fixture_still_runs_in_a_prestarted_kernel(tmp_path):
    nb = failing_notebook(tmp_path / "f.ipynb", "2021-02")
    jobs = report.plan_jobs(["2021-01", "2021-02"], [str(nb)], processed_dir=write_store(tmp_path / "p"),
                            out=tmp_path / "r")
    results = report.run_jobs(jobs, n_jobs=1, pdf=False, progress=False)
    assert results[0].error is None and "hỏng kỳ 2021-02" in results[1].error


# ---------------------------------------------------------------- --jobs N: lanes with kept kernels


# Each notebook marks that it started, then waits (bounded) until another notebook has started too:
# the first two can only both get past that while they run side by side (no sleep decides it).
SIDE_BY_SIDE = """import os, time
marks = {marks!r}
open(os.path.join(marks, period), "w").close()
deadline = time.monotonic() + 60
while len(os.listdir(marks)) < 2 and time.monotonic() < deadline:
    time.sleep(0.01)
print(os.getpid(), len(os.listdir(marks)) >= 2)"""


def test_two_lanes_run_side_by_side_each_in_a_kept_kernel(tmp_path):
    marks = tmp_path / "started"
    marks.mkdir()
    nb = notebook(tmp_path / "lane.ipynb", SIDE_BY_SIDE.format(marks=str(marks)))
    periods = ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05"]
    jobs = report.plan_jobs(periods, [str(nb)], processed_dir=write_store(tmp_path / "p"), out=tmp_path / "r")
    results = report.run_jobs(jobs, n_jobs=2, pdf=False, progress=False)
    assert [r.job.key for r in results] == periods and [r.error for r in results] == [None] * 5
    runs = [printed(tmp_path / "r" / p / "lane.ipynb").split() for p in periods]
    pids = {int(pid) for pid, _ in runs}
    assert len(pids) == 2                     # two kernels, each kept for more than one notebook
    assert all(met == "True" for _, met in runs)  # the first saw the second start: they ran at the same time
    assert not any(pid_alive(pid) for pid in pids)  # and both are stopped at the end


def test_a_kernel_that_dies_is_reported_and_its_lane_goes_on_with_a_new_one(tmp_path):
    nb = notebook(tmp_path / "die.ipynb",
                  "import os\nif period == '2021-02':\n    os._exit(3)\nprint(os.getpid())")
    periods = ["2021-01", "2021-02", "2021-03", "2021-04"]
    jobs = report.plan_jobs(periods, [str(nb)], processed_dir=write_store(tmp_path / "p"), out=tmp_path / "r")
    results = report.run_jobs(jobs, n_jobs=2, pdf=False, progress=False)
    errors = {r.job.key: r.error for r in results}
    assert errors["2021-02"].startswith("die (2021-02): kernel Python dừng đột ngột")
    assert "hết bộ nhớ" in errors["2021-02"] and "Traceback" not in errors["2021-02"]
    assert [errors[p] for p in ("2021-01", "2021-03", "2021-04")] == [None, None, None]
    for p in ("2021-01", "2021-03", "2021-04"):
        assert (tmp_path / "r" / p / "die.html").is_file()


# ---------------------------------------------------------------- the client's readiness check

def test_a_client_is_ready_with_iopub_connected_and_nothing_of_the_handshake_left(tmp_path):
    """wait_for_ready ends as soon as the kernel_info request's idle status is seen on IOPub;
    a message sent right after must then come back whole on IOPub, for fresh clients too."""
    from jupyter_core.utils import run_sync

    km = kernels.kernel_manager_class()(kernel_name=kernels.ensure_kernel())
    run_sync(km.start_kernel)(cwd=str(tmp_path), extra_arguments=kernels.kernel_arguments())
    try:
        for i in range(4):  # each client connects anew: IOPub may join late
            kc = km.client()
            assert isinstance(kc, kernels.kernel_client_class())

            async def check():
                kc.start_channels()
                await kc.wait_for_ready(timeout=60)
                assert not await kc.iopub_channel.msg_ready()  # the handshake's messages were read
                msg_id = kc.execute(f"{i} + 40")
                seen = []
                while True:
                    msg = await kc.iopub_channel.get_msg(timeout=30)
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    seen.append(msg["msg_type"])
                    if msg["msg_type"] == "execute_result":
                        assert msg["content"]["data"]["text/plain"] == str(i + 40)
                    if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                        return seen

            assert run_sync(check)() == ["status", "execute_input", "execute_result", "status"]
            kc.stop_channels()
    finally:
        run_sync(km.shutdown_kernel)(now=True)
