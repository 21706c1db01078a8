"""Leadership reports: the papermill runner (``runner``) on warm kernels (``kernels``), the notebook
pages (``present``), self-contained HTML and the PDF printed by Chromium (``export``, ``browser``);
the shipped notebooks and the nbconvert template live beside them."""
from sokhcn_analytics.core.exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "runner": ["plan_jobs", "run_jobs", "select_periods"],
})
