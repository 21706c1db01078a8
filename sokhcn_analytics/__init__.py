"""sokhcn-analytics: the monthly figures of a Sở KH&CN as tidy pandas frames.

>>> import sokhcn_analytics
>>> sorted(n for n in sokhcn_analytics.__all__ if n.startswith("load_"))
['load_catalog', 'load_indicators', 'load_tasks', 'load_workbook']

The package is its pipeline, one folder a stage, each importing only the stages before it:
``core`` ← ``ingest``, ``extract`` ← ``store`` ← ``analysis`` ← ``plots`` ← ``reports``, ``draft``,
``explorer`` ← ``cli``. Names are imported lazily so that ``import sokhcn_analytics`` stays fast for
the command line.
"""
from __future__ import annotations

from sokhcn_analytics import legacy
from sokhcn_analytics.core.exports import lazy_exports

__version__ = "0.2.0"

legacy.install()

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "store.build": ["load_indicators", "load_tasks", "build_store"],
    "ingest.workbook": ["write_template", "load_workbook"],
    "core.catalog": ["load_catalog", "label"],
    "extract.extractor": ["read_report", "extract_indicators"],
    "draft.compose": ["draft_report"],
    "analysis.measures": ["monthly", "ytd", "yoy", "plan_vs_actual", "plan_followup", "task_pipeline"],
    "analysis.tables": ["format_table"],
    "analysis.reconcile": ["reconcile", "span_yoy"],
    "plots.charts": ["trend_chart", "ytd_chart", "target_chart", "pipeline_chart"],
    "core.vnformat": ["format_number", "format_percent", "format_period", "parse_number"],
    "core.errors": ["InputError", "SokhcnError", "Problem"],
})
