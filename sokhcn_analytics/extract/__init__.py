"""Figures out of the narrative report: reading the document (``documents``, ``textlines``), its
parts and period (``structure``, ``period``), the phrasings and vocabulary (``wording``,
``grammar``), which phrasing claims which number (``claims``), and the public functions
(``extractor``)."""
from sokhcn_analytics.core.exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "extractor": ["NOT_AN_INDICATOR", "OUTPUT_COLUMNS", "UNRECOGNISED_COLUMNS", "Report", "compile_pattern",
                  "extract_indicators", "find_period", "fold", "load_phrasings", "parse_report", "read_report",
                  "to_store_rows", "unrecognised", "SokhcnError"],
})
