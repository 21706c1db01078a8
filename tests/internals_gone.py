"""What an upgrade that moves the internals :mod:`sokhcn_analytics.core.compat` leans on looks like.

Each internal is renamed the way its library would rename it, the library's own code included,
so the library's stock path still works and only a caller of the old name breaks. Used in this
process (tests/test_compat.py) and, through ``tests/fallback_site/sitecustomize.py``, in a
``sokhcn report`` process and the kernels it starts.
"""
from __future__ import annotations

import inspect


def rename(owner, old: str, new: str, users=(), patch=None) -> None:
    """``owner.old`` becomes ``owner.new``; the functions of ``users`` that used ``old`` use ``new``.

    ``patch``: a pytest ``monkeypatch``, to undo it all after the test.
    """
    setattr, delattr = (patch.setattr, patch.delattr) if patch is not None else (_setattr, _delattr)
    setattr(owner, new, getattr(owner, old), raising=False)
    delattr(owner, old)
    for cls in users:
        for name, fn in list(vars(cls).items()):
            if inspect.isfunction(fn) and old in fn.__code__.co_names:
                setattr(cls, name, _renamed(fn, old, new))


def _renamed(fn, old: str, new: str):
    """``fn`` with every use of the name ``old`` (attribute or global) turned into ``new``; its
    closure kept, so a method calling ``super()`` still works."""
    import types

    code = fn.__code__.replace(co_names=tuple(new if n == old else n for n in fn.__code__.co_names))
    out = types.FunctionType(code, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
    out.__kwdefaults__, out.__qualname__, out.__doc__ = fn.__kwdefaults__, fn.__qualname__, fn.__doc__
    return out


def _setattr(owner, name, value, raising=True):
    setattr(owner, name, value)


def _delattr(owner, name):
    delattr(owner, name)


def remove_kernel_info_handler(patch=None) -> None:
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.client import KernelClient

    rename(KernelClient, "_handle_kernel_info_reply", "_on_kernel_info_reply", users=(KernelClient, AsyncKernelClient),
           patch=patch)


def remove_run_exitfuncs() -> None:
    import atexit

    del atexit._run_exitfuncs


def remove_renderer_agg(patch=None) -> None:
    from matplotlib.backends import backend_agg

    rename(backend_agg, "RendererAgg", "AggRenderer", users=(backend_agg.FigureCanvasAgg,), patch=patch)


def remove_get_suptitle() -> None:
    from matplotlib.figure import FigureBase

    del FigureBase.get_suptitle  # as in matplotlib < 3.8


def remove_init_resources(patch=None) -> None:
    from nbconvert import HTMLExporter

    owners = [c for c in HTMLExporter.__mro__ if "_init_resources" in vars(c)]  # each calls super()'s
    for owner in owners:
        rename(owner, "_init_resources", "_prepare_resources", users=owners, patch=patch)


def remove_selection_validator(patch=None) -> None:
    from ipywidgets.widgets.widget_selection import _MultipleSelection, _Selection

    for owner in (_Selection, _MultipleSelection):  # the handler stays registered for 'value', as after a rename
        rename(owner, "_validate_value", "_validate_selection", patch=patch)


def remove_all() -> None:
    remove_init_resources()
    remove_kernel_info_handler()
    remove_run_exitfuncs()
    remove_renderer_agg()
    remove_get_suptitle()
