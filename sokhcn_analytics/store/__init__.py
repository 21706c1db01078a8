"""The processed store: per-org Parquet parts and a manifest, rebuilt atomically from what changed
(``build``); reading the inputs in worker processes (``read``, ``arrow_rows``); writing and
committing parts (``parts``, ``early``)."""
from sokhcn_analytics.core.exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "build": ["BuildResult", "build_store", "diff_sources", "fingerprint_inputs", "load_indicators",
              "load_manifest", "load_sources", "load_tasks", "resolve", "result_periods", "result_periods_of"],
})
