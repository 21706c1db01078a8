"""What the figures say: monthly series, YTD, YoY, plans and the task pipeline (``measures``);
quarters and years against their months (``reconcile``); implausible figures (``plausibility``);
tables, sentences and the one-page briefing (``tables``, ``commentary``, ``briefing``,
``summary``)."""
from sokhcn_analytics.core.exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "measures": ["PLAN_STATUSES", "YOY_COLUMNS", "TaskPipeline", "monthly", "plan_followup", "plan_vs_actual",
                 "task_pipeline", "yoy", "ytd"],
    "reconcile": ["reconcile", "span_yoy"],
    "plausibility": ["flags"],
    "tables": ["format_table"],
})
