"""The module names of 0.1, when every module sat at the top of the package, and where each went.

A user's own notebook that still says ``from sokhcn_analytics import charts, tables`` keeps working
for one release: the old name is the new module, and its first import warns once
(``DeprecationWarning``) with the new place. ``reconcile`` is not among them: at the top of the
package it has always been the function.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

PACKAGE = "sokhcn_analytics"
REMOVED_IN = "0.3"

MOVED = {
    "paths": "core.paths", "errors": "core.errors", "model": "core.model", "catalog": "core.catalog",
    "vnformat": "core.vnformat", "compat": "core.compat",
    "workbook": "ingest.workbook", "safety": "ingest.safety", "demo": "ingest.demo",
    "documents": "extract.documents", "textlines": "extract.textlines",
    "extract_claims": "extract.claims", "extract_grammar": "extract.grammar", "extract_period": "extract.period",
    "extract_structure": "extract.structure", "extract_wording": "extract.wording",
    "store_parts": "store.parts", "store_read": "store.read", "store_early": "store.early",
    "arrow_rows": "store.arrow_rows",
    "plausibility": "analysis.plausibility", "tables": "analysis.tables", "commentary": "analysis.commentary",
    "briefing": "analysis.briefing", "summary": "analysis.summary",
    "charts": "plots.charts", "chart_layout": "plots.layout", "pictures": "plots.pictures",
    "report": "reports.runner", "kernels": "reports.kernels", "export": "reports.export",
    "browser": "reports.browser", "present": "reports.present",
    "draft_form": "draft.form", "footnotes": "draft.footnotes",
    "explorer_data": "explorer.data", "explorer_view": "explorer.view", "cli_commands": "cli.commands",
}


def new_name(old: str) -> str | None:
    """``"sokhcn_analytics.charts"`` → ``"sokhcn_analytics.plots.charts"``; ``None`` for a name that
    did not move.

    >>> new_name("sokhcn_analytics.tables"), new_name("sokhcn_analytics.store")
    ('sokhcn_analytics.analysis.tables', None)
    """
    parent, _, leaf = old.rpartition(".")
    return f"{PACKAGE}.{MOVED[leaf]}" if parent == PACKAGE and leaf in MOVED else None


class MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old name and hands back the module at its new place (public importlib API only)."""

    def find_spec(self, fullname, path=None, target=None):
        return importlib.util.spec_from_loader(fullname, self) if new_name(fullname) else None

    def create_module(self, spec):
        new = new_name(spec.name)
        # stacklevel 2: the importer's own line (the warnings module steps over importlib's frames)
        warnings.warn(f"{spec.name} has moved to {new}: import it from there "
                      f"(the old name goes in {REMOVED_IN})", DeprecationWarning, stacklevel=2)
        return importlib.import_module(new)

    def exec_module(self, module) -> None:
        """The module was run at its new place already."""


def install() -> None:
    """Put the finder on ``sys.meta_path`` once."""
    if not any(isinstance(f, MovedModules) for f in sys.meta_path):
        sys.meta_path.append(MovedModules())
