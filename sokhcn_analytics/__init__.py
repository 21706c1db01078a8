"""sokhcn-analytics: the monthly figures of a Sở KH&CN as tidy pandas frames.

>>> from sokhcn_analytics import load_indicators, ytd, yoy   # doctest: +SKIP

Names are imported lazily so that ``import sokhcn_analytics`` stays fast for the
command line.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    # store
    "load_indicators": "store", "load_tasks": "store", "build_store": "store",
    # workbook
    "write_template": "workbook", "load_workbook": "workbook",
    # catalog
    "load_catalog": "catalog", "label": "catalog",
    # extraction
    "read_report": "extract", "extract_indicators": "extract",
    # the monthly report drafted as .docx
    "draft_report": "draft",
    # analysis
    "monthly": "analysis", "ytd": "analysis", "yoy": "analysis",
    "plan_vs_actual": "analysis", "plan_followup": "analysis", "task_pipeline": "analysis",
    "format_table": "tables", "reconcile": "reconcile", "span_yoy": "reconcile",
    # charts
    "trend_chart": "charts", "ytd_chart": "charts", "target_chart": "charts", "pipeline_chart": "charts",
    # formatting
    "format_number": "vnformat", "format_percent": "vnformat", "format_period": "vnformat",
    "parse_number": "vnformat",
    # errors
    "InputError": "errors", "SokhcnError": "errors", "Problem": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sokhcn_analytics' has no attribute '{name}'")
    return getattr(importlib.import_module(f".{module}", __name__), name)


def __dir__():
    return sorted(list(globals()) + __all__)
