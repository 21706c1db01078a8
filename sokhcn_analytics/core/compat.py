"""Where the package leans on another library's internals for speed: each use behind one check.

``sokhcn report`` is fast partly through things jupyter_client, matplotlib and CPython do not
promise to keep. Each sits here, is checked once per process (:func:`fast`), and falls back to
the library's stock path when the check fails, with one line saying so (a ``RuntimeWarning``,
which the command line prints as ``Cảnh báo: …``). An upgrade that moves an internal makes the
report a little slower, never broken. The uses:

* ``kernel_client`` — a kernel client whose ``wait_for_ready`` ends on the ``idle`` status of its
  own ``kernel_info`` request instead of 0.2 s of silence; it hands the reply to jupyter_client's
  private ``_handle_kernel_info_reply``. Stock: ``AsyncKernelClient``.
* ``kernel_manager`` — an ``AsyncKernelManager`` subclass whose kernels listen on a Unix socket of
  their own and make the client above (its ``client_factory``, ``transport`` and ``ip`` traits).
  Stock: TCP on 127.0.0.1 and the stock client.
* ``quick_exit`` — the command leaves with ``os._exit`` after running the exit handlers through
  CPython's private ``atexit._run_exitfuncs``. Stock: ``sys.exit``.
* ``text_renderer`` — the charts measure text with a ``RendererAgg`` built by hand. Stock: the
  renderer of an Agg canvas.
* ``html_export`` — nbconvert's ``HTMLExporter.from_notebook_node`` without its last step, which
  parses the whole page again with BeautifulSoup to add alt text to images that lack it (ours
  never do) and ``tabindex`` to notebook cells (a report has none to focus): 0.1–0.2 s a page.
  It calls the private ``_init_resources`` and reads ``_nb_metadata``. Stock: the whole method.
* ``selection_validator`` — the explorer's selection widgets accept a value outside their options
  by widening the options first, in an override of ipywidgets' private ``_validate_value``
  (:func:`widening`). Stock: the plain widget (a value outside the options is refused, as in
  ipywidgets); ``Explorer.select`` widens through public traits on both paths.

Figure titles are read with the public ``Figure.get_suptitle`` (matplotlib ≥ 3.8), see :func:`suptitle`.

One import is declined rather than leaned on: :func:`skip_slow_optional_imports`.
``tests/test_compat.py`` removes each internal and checks that the reports still come out.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
import warnings
from functools import lru_cache

_checked: dict[str, bool] = {}


def fast(name: str) -> bool:
    """Whether the fast path ``name`` can be used here; checked once, a failure said once."""
    if name not in _checked:
        try:
            _CHECKS[name]()
            _checked[name] = True
        except Exception as exc:  # noqa: BLE001 - whatever an upgrade changed, the stock path is there
            from sokhcn_analytics.core.catalog import label

            _checked[name] = False
            why = " ".join(f"{type(exc).__name__}: {exc}".split())
            warnings.warn(label("compat.fallback", what=name, why=why if len(why) <= 160 else why[:159] + "…"),
                          RuntimeWarning, stacklevel=3)
    return _checked[name]


def reset() -> None:
    """Forget the checks and the classes made from them (tests remove an internal, then call this)."""
    _checked.clear()
    kernel_client_class.cache_clear()
    kernel_manager_class.cache_clear()


# ---------------------------------------------------------------- the checks

def _check_kernel_client() -> None:
    import inspect

    from jupyter_client.asynchronous import AsyncKernelClient

    assert callable(AsyncKernelClient._handle_kernel_info_reply)
    assert inspect.iscoroutinefunction(AsyncKernelClient.wait_for_ready), "wait_for_ready is not a coroutine"
    for attr in ("kernel_info", "is_alive", "shell_channel", "iopub_channel"):
        getattr(AsyncKernelClient, attr)


def _check_kernel_manager() -> None:
    from jupyter_client.manager import AsyncKernelManager

    missing = {"client_factory", "transport", "ip"} - set(AsyncKernelManager.class_trait_names())
    assert not missing, f"AsyncKernelManager has no trait {', '.join(sorted(missing))}"


def _check_quick_exit() -> None:
    import atexit

    assert callable(atexit._run_exitfuncs)


def _check_text_renderer() -> None:
    from matplotlib.font_manager import FontProperties

    w, h, d = _fast_renderer(144).get_text_width_height_descent("Ág", FontProperties(), ismath=False)
    assert w > 0 and h > 0, f"measured {w}×{h}"


def _check_html_export() -> None:
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML  # noqa: F401
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter  # noqa: F401

    assert callable(HTMLExporter._init_resources) and callable(TemplateExporter.from_notebook_node)
    assert isinstance(HTMLExporter()._nb_metadata, dict), "no _nb_metadata"


def _check_selection_validator() -> None:
    from ipywidgets.widgets.widget_selection import _MultipleSelection, _Selection

    for cls in (_Selection, _MultipleSelection):
        handler = vars(cls).get("_validate_value")
        assert handler is not None and "value" in getattr(handler, "trait_names", ()), \
            f"{cls.__name__} validates its value elsewhere"


_CHECKS = {"kernel_client": _check_kernel_client, "kernel_manager": _check_kernel_manager,
           "quick_exit": _check_quick_exit, "text_renderer": _check_text_renderer,
           "html_export": _check_html_export, "selection_validator": _check_selection_validator}


# ---------------------------------------------------------------- ipywidgets

def widening(base):
    """``base`` (an ipywidgets selection class) made with ``widen=`` the owner's
    ``widen(widget, values)``, which sets wider options quietly when a value outside them is set.

    Fast path: ipywidgets' own validation of ``value`` (private ``_validate_value``) runs after the
    widening. Stock: ``base`` as it is (the ``widen`` argument is kept for the caller and unused).
    """
    stock = not fast("selection_validator")
    from traitlets import validate

    class Widening(base):
        def __init__(self, *, widen, **kwargs):
            self._widen = widen
            super().__init__(**kwargs)

        if not stock:
            @validate("value")
            def _validate_value(self, proposal):
                wanted = proposal.value if isinstance(proposal.value, tuple) else (proposal.value,)
                known = {v for _, v in self.options}
                if any(v not in known for v in wanted if v is not None):
                    self._widen(self, wanted)
                return super()._validate_value(proposal)

    Widening.__name__ = f"Widening{base.__name__}"
    return Widening


# ---------------------------------------------------------------- matplotlib

def _fast_renderer(dpi: float):
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, dpi)


def text_renderer(dpi: float):
    """A renderer to measure text with (``get_text_width_height_descent``) at ``dpi``."""
    if fast("text_renderer"):
        return _fast_renderer(dpi)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    return FigureCanvasAgg(Figure(figsize=(1, 1), dpi=dpi)).get_renderer()


def suptitle(fig) -> str:
    """The figure's title (``Figure.suptitle``), ``""`` when it has none."""
    get = getattr(fig, "get_suptitle", None)
    if get is not None:
        return get()
    sup = getattr(fig, "_suptitle", None)  # matplotlib < 3.8, below our bounds: kept for old installs
    return sup.get_text() if sup is not None else ""


# ---------------------------------------------------------------- leaving the process

def quick_exit(code: int) -> None:
    """Leave with ``code`` once the exit handlers ran and the output is flushed.

    What ``os._exit`` skips is the interpreter freeing its modules one by one: ≈ 0.2 s after
    a report, whose process holds papermill, nbconvert and jupyter_client.
    """
    if not fast("quick_exit"):
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()  # what a normal exit would run first
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, OSError, ValueError):  # reader gone or stream closed: nothing to keep
            pass
    os._exit(code)


# ---------------------------------------------------------------- kernels

@lru_cache(maxsize=1)
def kernel_manager_class():
    """The kernel manager the report runner uses (see :func:`sokhcn_analytics.reports.kernels.kernel_manager_class`)."""
    # nbclient drives kernels asynchronously: a blocking manager/client would stall its polling
    from jupyter_client.manager import AsyncKernelManager

    class TrackingKernelManager(AsyncKernelManager):
        """Remembers the clients made from it, so a kept kernel's old clients can be closed."""

        def client(self, **kwargs):
            kc = super().client(**kwargs)
            self.__dict__.setdefault("_sokhcn_clients", []).append(kc)
            return kc

        def close_clients(self):
            for kc in self.__dict__.pop("_sokhcn_clients", []):
                try:
                    kc.stop_channels()
                except Exception:  # a client already closed is fine
                    pass

    if not fast("kernel_manager"):
        return TrackingKernelManager
    from traitlets import CaselessStrEnum, default

    class SokhcnKernelManager(TrackingKernelManager):
        @default("client_factory")
        def _client_factory_default(self):
            return kernel_client_class()

        if os.name == "posix":
            transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _ip_default(self):
            if self.transport != "ipc":
                return "127.0.0.1"
            # jupyter_client's default is "kernel-ipc" in the working folder: shared by
            # parallel kernels (their messages cross) and left in notebooks/. One path each.
            return os.path.join(tempfile.gettempdir(), f"sokhcn-kernel-{uuid.uuid4().hex}-ipc")

    return SokhcnKernelManager


@lru_cache(maxsize=1)
def kernel_client_class():
    """The kernel client (see :func:`sokhcn_analytics.reports.kernels.kernel_client_class`)."""
    from jupyter_client.asynchronous import AsyncKernelClient

    if not fast("kernel_client"):
        return AsyncKernelClient
    from queue import Empty

    async def _next(channel, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        try:
            return await channel.get_msg(timeout=left)
        except Empty:
            return None

    class SokhcnKernelClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            give_up = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                asked = self.kernel_info()
                reply = None
                deadline = time.monotonic() + 1
                while (msg := await _next(self.shell_channel, deadline)) is not None:
                    if msg["msg_type"] == "kernel_info_reply" and msg["parent_header"].get("msg_id") == asked:
                        reply = msg
                        break
                if reply is not None:
                    deadline = time.monotonic() + 0.2
                    while (msg := await _next(self.iopub_channel, deadline)) is not None:
                        if (msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"
                                and msg["parent_header"].get("msg_id") == asked):
                            self._handle_kernel_info_reply(reply)
                            return
                if not await self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > give_up:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    return SokhcnKernelClient


# ---------------------------------------------------------------- imports we decline

# Optional modules that a dependency imports only if present, that cost far more than they give
# us. ``rfc3987_syntax`` (installed with JupyterLab, through jsonschema[format-nongpl]) compiles
# 38 lark grammars when jsonschema is imported — 1.2 s on every ``sokhcn report``, through
# papermill → nbformat → jsonschema — for IRI format checks nbformat never asks for.
SLOW_OPTIONAL_IMPORTS = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Make the modules of :data:`SLOW_OPTIONAL_IMPORTS` look absent to this process's later imports.

    Python's documented way: ``sys.modules[name] = None`` makes ``import name`` raise ImportError,
    which jsonschema handles by leaving that one format check out. A module already imported is
    left alone (someone wanted it), and ``SOKHCN_KEEP_OPTIONAL_IMPORTS=1`` turns this off.
    """
    if os.environ.get("SOKHCN_KEEP_OPTIONAL_IMPORTS") == "1" or "jsonschema" in sys.modules:
        return
    for name in SLOW_OPTIONAL_IMPORTS:
        sys.modules.setdefault(name, None)


# ---------------------------------------------------------------- nbconvert

def html_export(exporter, nb, resources: dict) -> str:
    """The report page of ``nb`` by ``exporter`` (an ``HTMLExporter``), as HTMLExporter writes it
    before its BeautifulSoup pass (see ``html_export`` above); the stock method when that moved."""
    if not fast("html_export"):
        return exporter.from_notebook_node(nb, resources=resources)[0]
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    lexer = nb.metadata.get("language_info", {}).get("pygments_lexer", None)
    resources = exporter._init_resources(resources)
    exporter.register_filter("highlight_code", exporter.filters.get(
        "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=exporter)))
    exporter.register_filter("filter_data_type", WidgetsDataTypeFilter(
        notebook_metadata=exporter._nb_metadata, parent=exporter, resources=resources))
    return TemplateExporter.from_notebook_node(exporter, nb, resources)[0]
