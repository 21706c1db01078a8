"""A headless Chromium kept for a run and driven over the DevTools protocol (CDP) on a pipe.

Printing a PDF with a fresh ``chromium --print-to-pdf`` costs a browser start each time
(1.4–1.7 s here). A report run starts one browser while its first notebook executes and
prints every PDF with it: ``Page.printToPDF`` of an open page takes a fraction of that.

The protocol travels over ``--remote-debugging-pipe`` (Chromium reads commands on fd 3 and
writes answers on fd 4, each message JSON ended by a NUL byte): no port is opened, nothing
listens, and no websocket library is needed. Only public, documented CDP methods are used
(``Target``, ``Page``, ``Runtime``, ``Emulation``). Anything that goes wrong raises
:class:`BrowserError`; callers fall back to the one-shot ``--print-to-pdf``.

Used as ``with Browser.launch("/usr/bin/chromium") as b: b.print_pdf(html_path, pdf_path)``.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from sokhcn_analytics.core.errors import BrowserError  # noqa: F401  (raised here; callers import it from either module)



def browser_flags(user_data_dir: str) -> list[str]:
    """Headless, offline, no first-run, no profile left behind."""
    return [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--mute-audio",
        f"--user-data-dir={user_data_dir}",
    ]


class Browser:
    """One headless Chromium process and its CDP pipe. Thread-safe: one command at a time."""

    def __init__(self, pid: int, to_browser: int, from_browser: int, profile: str):
        self.pid, self._out, self._in, self._profile = pid, to_browser, from_browser, profile
        self._buffer, self._next_id, self._events = b"", 0, []
        self._lock = threading.RLock()

    @classmethod
    def launch(cls, executable: str, flags: list[str] | None = None, timeout: float = 30) -> "Browser":
        """Start ``executable`` headless with a pipe for CDP; ``flags`` replace the default ones;
        :class:`BrowserError` when it does not answer within ``timeout`` seconds."""
        if os.name != "posix" or not hasattr(os, "posix_spawn"):
            raise BrowserError("the DevTools pipe needs a POSIX system")
        profile = tempfile.mkdtemp(prefix="sokhcn-chromium-")
        cmd_r, cmd_w = os.pipe()  # we write commands, the browser reads them on its fd 3
        ans_r, ans_w = os.pipe()  # the browser writes answers on its fd 4, we read them
        devnull = os.open(os.devnull, os.O_RDWR)
        actions = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
                   (os.POSIX_SPAWN_DUP2, devnull, 2), (os.POSIX_SPAWN_DUP2, cmd_r, 3),
                   (os.POSIX_SPAWN_DUP2, ans_w, 4)]
        argv = [executable, *(browser_flags(profile) if flags is None else flags), "--remote-debugging-pipe",
                "about:blank"]
        try:
            # its own session: closing kills the browser and every helper process it started at once
            pid = os.posix_spawn(executable, argv, os.environ, file_actions=actions, setsid=True)
        except OSError as exc:
            shutil.rmtree(profile, ignore_errors=True)
            raise BrowserError(f"could not start {executable}: {exc}") from None
        finally:
            for fd in (cmd_r, ans_w, devnull):
                os.close(fd)
        browser = cls(pid, cmd_w, ans_r, profile)
        try:
            browser.send("Browser.getVersion", timeout=timeout)
        except BrowserError:
            browser.close()
            raise
        return browser

    # ------------------------------------------------------------ protocol

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 60) -> dict:
        """Send one command and wait for its answer (events that arrive meanwhile are kept)."""
        with self._lock:
            self._next_id += 1
            message = {"id": self._next_id, "method": method, "params": params or {}}
            if session:
                message["sessionId"] = session
            try:
                os.write(self._out, json.dumps(message).encode() + b"\0")
            except OSError as exc:
                raise BrowserError(f"the browser is gone ({exc})") from None
            answer = self._read_until(lambda m: m.get("id") == message["id"], timeout)
            if "error" in answer:
                raise BrowserError(f"{method}: {answer['error'].get('message', answer['error'])}")
            return answer.get("result", {})

    def wait_event(self, method: str, session: str | None = None, timeout: float = 60) -> dict:
        with self._lock:
            def match(m):
                return m.get("method") == method and (session is None or m.get("sessionId") == session)

            for i, event in enumerate(self._events):
                if match(event):
                    return self._events.pop(i)
            return self._read_until(match, timeout, keep_events=False)

    def _read_until(self, match, timeout: float, keep_events: bool = True) -> dict:
        import select

        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if match(message):
                    return message
                if "method" in message and len(self._events) < 1000:
                    self._events.append(message)
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"no answer from the browser within {timeout:.0f} s")
            ready, _, _ = select.select([self._in], [], [], left)
            if ready:
                chunk = os.read(self._in, 1 << 20)
                if not chunk:
                    raise BrowserError("the browser closed its DevTools pipe")
                self._buffer += chunk

    # ------------------------------------------------------------ pages

    def open(self, url: str, *, width: int | None = None, height: int | None = None,
             timeout: float = 60) -> str:
        """A new tab showing ``url`` (loaded), optionally at a phone's size; its session id."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self._targets = getattr(self, "_targets", {})
        self._targets[session] = target
        self.send("Page.enable", session=session)
        if width:
            self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height or 900,
                                                             "deviceScaleFactor": 2, "mobile": True},
                      session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_event("Page.loadEventFired", session, timeout)
        return session

    def close_page(self, session: str) -> None:
        target = getattr(self, "_targets", {}).pop(session, None)
        if target:
            self.send("Target.closeTarget", {"targetId": target})

    def evaluate(self, session: str, expression: str):
        """The value of a JavaScript expression in the page (tests read layout with it)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
        return result.get("result", {}).get("value")

    def screenshot(self, session: str, path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def print_pdf(self, html_path, pdf_path, timeout: float = 120) -> Path:
        """Print a local HTML file to an A4 PDF (page size and numbers from its CSS ``@page``)."""
        html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
        with self._lock:
            session = self.open(html_path.as_uri(), timeout=timeout)
            try:
                data = self.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True,
                                                     "displayHeaderFooter": False}, session=session,
                                 timeout=timeout)["data"]
            finally:
                self.close_page(session)
        tmp = pdf_path.with_name(f".{pdf_path.name}.part")
        tmp.write_bytes(base64.b64decode(data))
        os.replace(tmp, pdf_path)  # a reader never sees half a PDF
        return pdf_path

    # ------------------------------------------------------------ end

    def close(self) -> None:
        """Stop the browser and remove its profile.

        It is killed rather than asked to quit: its throwaway profile holds nothing worth
        saving, and a graceful quit costs about 0.4 s at the end of every run. It runs in a
        session of its own, so its helper processes are killed with it.
        """
        for fd in (self._out, self._in):
            try:
                os.close(fd)
            except OSError:
                pass
        for kill in (os.killpg, os.kill):  # the whole group (renderers, zygote, crash handler), then the browser
            try:
                kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        for _ in range(40):  # a helper process still dying may write one last file into the profile
            shutil.rmtree(self._profile, ignore_errors=True)
            if not os.path.exists(self._profile):
                break
            time.sleep(0.05)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
