"""The standard Excel workbook in and out: the template, reading and validating it
(``workbook``), the safety scan of the file (``safety``) and the illustrative data (``demo``)."""
from sokhcn_analytics.core.exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    "workbook": ["write_template", "load_workbook", "read_workbook_rows"],
    "demo": ["make_demo_data"],
})
