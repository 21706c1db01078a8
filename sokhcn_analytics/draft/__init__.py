"""The monthly report drafted as .docx in the form of Nghị định 30/2020/NĐ-CP: sentences and
sections from the figures (``compose``), the page form (``form``) and its footnotes
(``footnotes``); the wording in ``draft_sentences.csv`` and ``draft_sections.csv``."""
from sokhcn_analytics.core.exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "compose": ["check_draft", "default_path", "draft_report", "load_org_settings", "save"],
})
