"""Names a package offers from its modules, imported on first use.

A stage package (``sokhcn_analytics.store``, ``.extract`` …) lists the names users import from
it; the module behind a name is imported only when the name is asked for, so that a worker that
imports one module of a package (``python -m sokhcn_analytics.store.read``) does not pay for the
rest, and ``import sokhcn_analytics`` stays fast for the command line.

>>> getattr_, dir_, all_ = lazy_exports("sokhcn_analytics.core", {"vnformat": ["format_number"]})
>>> getattr_("format_number")(1200)
'1.200'
>>> all_
['format_number']
"""
from __future__ import annotations

import importlib


def lazy_exports(package: str, modules: dict[str, list[str]]):
    """``(__getattr__, __dir__, __all__)`` for ``package``: each name of ``modules[module]`` is
    taken from ``package.module`` when first asked for."""
    where = {name: module for module, names in modules.items() for name in names}
    public = sorted(where)

    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__():
        return public + sorted({module.split(".")[0] for module in modules})

    return __getattr__, __dir__, public
