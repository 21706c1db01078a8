"""The kernels notebooks run in: which kernel, how it starts, how it is kept between notebooks.

``sokhcn report`` launches a kernel before anything else, with the notebook's own imports
(:func:`notebook_imports`), keeps it for every notebook of the run (:class:`WarmKernel`),
and talks to it over a Unix socket with a client that knows when the kernel is ready
(:func:`kernel_client_class`). :mod:`sokhcn_analytics.reports.runner` plans and runs the notebooks on top of this.

In short: ``kernel_manager_class()(kernel_name=ensure_kernel())``.
"""
from __future__ import annotations

import os
import signal
import sys
import time

from sokhcn_analytics.core import compat

KERNEL_NAME = "python3"
FALLBACK_KERNEL_NAME = "sokhcn-analytics"

_kernel_checked: str | None = None


def ensure_kernel() -> str:
    """The kernel name to run notebooks with, making sure it is this interpreter's ipykernel.

    ``python3`` resolves to ``sys.executable`` when its spec says plain ``python``
    (jupyter_client substitutes the running interpreter). If another ``python3`` spec
    shadows it (a user-wide install pointing elsewhere), a ``sokhcn-analytics`` spec for this
    interpreter is installed into ``sys.prefix`` and used instead.
    """
    global _kernel_checked
    if _kernel_checked:
        return _kernel_checked
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    ksm = KernelSpecManager()
    try:
        argv0 = ksm.get_kernel_spec(KERNEL_NAME).argv[0]
    except NoSuchKernel:
        argv0 = ""
    plain = {"python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"}
    if argv0 in plain or os.path.abspath(argv0) == os.path.abspath(sys.executable):
        _kernel_checked = KERNEL_NAME
        return _kernel_checked
    try:
        spec = ksm.get_kernel_spec(FALLBACK_KERNEL_NAME)
        ok = os.path.abspath(spec.argv[0]) == os.path.abspath(sys.executable)
    except NoSuchKernel:
        ok = False
    if not ok:
        from ipykernel.kernelspec import install

        install(kernel_name=FALLBACK_KERNEL_NAME, display_name="Python (sokhcn-analytics)", prefix=sys.prefix)
    _kernel_checked = FALLBACK_KERNEL_NAME
    return _kernel_checked


def kernel_manager_class():
    """Local kernels talk over a Unix socket (IPC) where there is one: nothing listens on TCP
    and ipykernel has no reason to warn about unencrypted traffic. The manager remembers the
    clients made from it, so a kept kernel's old clients can be closed (``close_clients``); its
    clients know when the kernel is ready without waiting for a silence (see
    :func:`kernel_client_class`). Built on jupyter_client's traits: when they move, a plain
    ``AsyncKernelManager`` on TCP is used instead (:mod:`sokhcn_analytics.core.compat`)."""
    return compat.kernel_manager_class()


def kernel_client_class():
    """jupyter_client's asynchronous client, with a ``wait_for_ready`` that ends when it can.

    jupyter_client's asks for ``kernel_info`` until a reply comes and IOPub carries a
    message (IOPub is connected), then reads IOPub until it has been silent for 0.2 s —
    0.2 s spent on every notebook, since nbclient waits for each. Here the wait ends when
    IOPub has carried the ``idle`` status of the very request that was answered: the kernel
    has finished with it and IOPub is connected; nothing of it is left to flush. (nbclient
    reads only the messages that answer its own requests, so an older one left on IOPub
    would be skipped anyway.) A reply without that status within 0.2 s (IOPub connected
    late) means asking again, as jupyter_client does. It ends with jupyter_client's private
    ``_handle_kernel_info_reply``: when that is gone, the stock client is used (:mod:`sokhcn_analytics.core.compat`).
    """
    return compat.kernel_client_class()


def notebook_imports(path) -> str:
    """Code that runs a notebook's own top-level imports without binding any name.

    A kernel launched with it (see :func:`kernel_arguments`) imports pandas, matplotlib and
    the package while this process is still importing papermill and nbconvert, so the
    notebook's first cell finds them loaded. The imports run inside a function (nothing
    reaches the notebook's namespace) and a failing one is ignored: the notebook then
    meets the same error in its own cell, where it is reported. ``""`` when there are none.
    """
    import ast
    import json

    with open(path, encoding="utf-8") as fh:
        cells = json.load(fh).get("cells", [])
    statements = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source") or [])
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics: the kernel will say so when it runs the cell
            continue
        for node in tree.body:
            if isinstance(node, ast.Import) or (
                    isinstance(node, ast.ImportFrom) and node.level == 0 and node.module != "__future__"
                    and all(a.name != "*" for a in node.names)):
                text = ast.unparse(node)
                if text not in statements:
                    statements.append(text)
    if not statements:
        return ""
    # one try each: an import that fails does not keep the others from loading
    body = "".join(f"    try:\n        {line}\n    except Exception:\n        pass\n" for line in statements)
    return "def _sokhcn_preload():\n" + body + "_sokhcn_preload()\ndel _sokhcn_preload"


def kernel_arguments(preload: str = "") -> list[str]:
    """Command-line arguments for a kernel: history in memory (as nbclient does), and the
    notebook's imports run while the kernel starts (``IPKernelApp.exec_lines``)."""
    args = ["--HistoryManager.hist_file=:memory:"]
    if preload:
        args.append(f"--IPKernelApp.exec_lines={preload}")
    return args


class WarmKernel:
    """One kernel kept for all the notebooks of a run (of one lane, with --jobs N), cleared between them.

    Starting a kernel and importing pandas, matplotlib and the package costs seconds per
    notebook; a run pays it once per lane. :meth:`start` launches the kernel without waiting
    for it, so it boots (and runs the notebook's imports) while the caller does other work.
    Between notebooks the user namespace is reset (``%reset -f``) and the working folder
    set to the next notebook's, so no variable leaks from one report into the next; a
    kernel that died or does not answer is replaced by a fresh one.
    """

    def __init__(self, kernel_name: str):
        self.kernel_name = kernel_name
        self.km = None
        self.unused = False  # launched by start() and not handed out yet

    def start(self, cwd: str, preload: str = "") -> None:
        """Launch a kernel now, without waiting for it to be ready; nothing if one runs."""
        if self.km is not None:
            return
        from jupyter_core.utils import run_sync

        km = kernel_manager_class()(kernel_name=self.kernel_name)
        run_sync(km.start_kernel)(cwd=cwd, extra_arguments=kernel_arguments(preload))
        self.km, self.unused = km, True

    def manager(self, cwd: str, preload: str = ""):
        from jupyter_core.utils import run_sync

        if self.km is not None:
            if self.unused:
                self.unused = False
                return self.km
            self.km.close_clients()
            if run_sync(self.km.is_alive)() and self._reset(cwd):
                return self.km
            self.close()
        self.start(cwd, preload)
        self.unused = False
        return self.km

    def _reset(self, cwd: str) -> bool:
        """Clear the user namespace and enter ``cwd``; False when the kernel does not answer within 30 s."""
        kc = self.km.blocking_client()
        # only the shell channel: no heartbeat/iopub handshakes to wait for
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            code = f"get_ipython().run_line_magic('reset', '-f'); __import__('os').chdir({str(cwd)!r})"
            msg_id = kc.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                reply = kc.get_shell_msg(timeout=max(deadline - time.monotonic(), 0.01))
                if reply["parent_header"].get("msg_id") == msg_id:
                    return reply["content"]["status"] == "ok"
            return False
        except Exception:  # no answer: the caller starts a fresh kernel
            return False
        finally:
            kc.stop_channels()

    def close(self) -> None:
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        km, self.km, self.unused = self.km, None, False
        km.close_clients()
        try:
            # killed and awaited here: shutdown_kernel(now=True) would kill it, then poll for its
            # end every 0.1 s, which is 0.1 s on every run's way out
            run_sync(km.signal_kernel)(getattr(signal, "SIGKILL", signal.SIGTERM))
            deadline = time.monotonic() + 2
            while run_sync(km.is_alive)() and time.monotonic() < deadline:
                time.sleep(0.005)
        except Exception:  # already gone; shutdown_kernel below cleans up either way
            pass
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already gone
            pass


_warm: WarmKernel | None = None


def warm_kernel(kernel_name: str) -> WarmKernel:
    """This process's kept kernel (shut down when the process ends)."""
    global _warm
    if _warm is None or _warm.kernel_name != kernel_name:
        import atexit

        _warm = WarmKernel(kernel_name)
        atexit.register(_warm.close)
    return _warm
