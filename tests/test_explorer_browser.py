"""The explorer in a real JupyterLab, in headless Chromium: open explore.ipynb, run all cells,
change the indicator and see the chart and the table change, pick a month and see its sources,
press "Xuất Excel" and see the path printed (and the file under reports/exports/).

The test starts JupyterLab itself on 127.0.0.1 with a free port and a random token
(``--no-browser``, its own config, data and runtime folders, a project root of its own with
the shipped store), drives the system Chromium through Playwright's Python API
(``executable_path``: Playwright never downloads a browser here) and shuts the server down,
then checks that nothing listens on the port any more.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
CHART = ".sokhcn-explorer .sokhcn-explorer-chart svg"
TABLE = ".sokhcn-explorer .sokhcn-explorer-table table"
SHOT = REPO / "tests" / "artifacts" / "explorer_jupyterlab.png"
KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && !!document.querySelector('.jp-Notebook .jp-Cell'); }"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _get(url: str, token: str, method: str = "GET", timeout: float = 5):
    request = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return reply.status, reply.read()


@pytest.fixture(scope="module")
def lab(tmp_path_factory, shipped_store):
    """JupyterLab on a project root holding notebooks/explore.ipynb and the shipped store; stopped after."""
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    shutil.copy(REPO / "sokhcn_analytics" / "reports" / "notebooks" / "explore.ipynb", root / "notebooks" / "explore.ipynb")
    shutil.copytree(shipped_store, root / "data" / "processed")
    jupyter = root / ".jupyter"
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "SOKHCN_ROOT": str(root), "MPLBACKEND": "Agg", "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
           "JUPYTER_DATA_DIR": str(jupyter / "data"), "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime")}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--LabApp.expose_app_in_browser=True", "--ServerApp.terminals_enabled=False",
           "--LabApp.extension_manager=readonly"]  # no look-ups on PyPI
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI runs as root
        cmd.append("--allow-root")
    log = open(root / "lab.log", "wb")
    server = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"http://127.0.0.1:{port}/api/status", token)[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (root / "lab.log").read_text(errors="replace")[-3000:])
            time.sleep(0.25)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "port": port, "root": root}
    finally:
        try:  # the server's own shutdown: it stops its kernels first
            _get(f"http://127.0.0.1:{port}/api/shutdown", token, method="POST")
            server.wait(timeout=20)
        except Exception:
            pass
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        log.close()
        with pytest.raises(ProcessLookupError):  # nothing of its process group is left: kernels included
            os.killpg(server.pid, 0)
        assert not _listening(port), f"something still listens on 127.0.0.1:{port}"


def test_explorer_in_jupyterlab_redraws_when_the_indicator_changes(chromium, lab):
    from playwright.sync_api import sync_playwright

    url = f"{lab['url']}/lab/tree/notebooks/explore.ipynb?token={lab['token']}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-quic",
                                           "--disable-background-networking", "--disable-component-update",
                                           "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(url, wait_until="domcontentloaded", timeout=60_000)
            page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')",
                                   timeout=60_000)
            page.wait_for_function(KERNEL_IDLE, timeout=60_000)
            # not awaited: the command's promise ends only when every cell has run
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            page.wait_for_selector(CHART, timeout=60_000)
            page.wait_for_selector(TABLE, timeout=10_000)
            page.locator(".sokhcn-explorer").first.scroll_into_view_if_needed()  # run-all scrolled to the end
            before = {"chart": page.get_attribute(CHART, "data-indicator"), "table": page.text_content(TABLE)}
            select = page.locator(".sokhcn-explorer .widget-select-multiple select").first
            options = select.evaluate("s => [...s.options].map(o => [o.textContent, o.selected])")
            other = next(label for label, selected in options if not selected)
            select.select_option(label=other)
            page.wait_for_function(
                f"() => {{ const c = document.querySelector({json.dumps(CHART)});"
                f" return c && c.getAttribute('data-indicator') !== {json.dumps(before['chart'])}; }}",
                timeout=30_000)
            after = {"chart": page.get_attribute(CHART, "data-indicator"), "table": page.text_content(TABLE)}
            caption = page.text_content(".sokhcn-explorer .sokhcn-explorer-table .sokhcn-caption")
            sources = ".sokhcn-explorer .sokhcn-explorer-sources .sokhcn-caption"
            assert "Tháng 01/2021" in page.text_content(sources)
            page.locator(".sokhcn-explorer .widget-toggle-buttons button", has_text="T2").first.click()
            page.wait_for_function(f"() => document.querySelector({json.dumps(sources)})"
                                   ".textContent.includes('Tháng 02/2021')")
            page.locator(".sokhcn-explorer button", has_text="Xuất Excel").click()
            page.wait_for_function("() => [...document.querySelectorAll('.sokhcn-explorer .jp-OutputArea-output')]"
                                   ".some(o => o.textContent.includes('Đã xuất:'))")
            printed = page.locator(".sokhcn-explorer .jp-OutputArea-output", has_text="Đã xuất:").text_content()
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count()
            SHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOT))
        except Exception:
            SHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOT))  # what the page looked like when it failed
            raise
        finally:
            browser.close()
    assert after["chart"] != before["chart"] and after["table"] != before["table"]
    assert other.replace("\xa0", " ") in caption  # the table is the indicator chosen, by its name
    assert "Tháng 01/2021" in after["table"]
    assert errors == 0
    exported = list((lab["root"] / "reports" / "exports").glob("*.xlsx"))
    assert len(exported) == 1 and str(exported[0]) in printed

