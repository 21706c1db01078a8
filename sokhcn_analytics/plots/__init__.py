"""Pictures of the figures: the four matplotlib charts (``charts``) on one shared style and layout
(``layout``), and the inline SVG cards, sparklines and small multiples of the briefing
(``pictures``)."""
from sokhcn_analytics.core.exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "charts": ["pipeline_chart", "target_chart", "trend_chart", "ytd_chart"],
})
