"""The JupyterLab explorer: the widget (``widget``), what it computes (``data``) and what it draws
(``view``). In a notebook: ``from sokhcn_analytics.explorer import Explorer; Explorer()``."""
from sokhcn_analytics.core.exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "widget": ["Explorer"],
    "data": ["ExplorerData"],
})
