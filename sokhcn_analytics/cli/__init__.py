"""The ``sokhcn`` command: the parser and entry point (``main``) and one function per command
(``commands``)."""
from sokhcn_analytics.core.exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {"main": ["build_parser", "main", "run"]})
