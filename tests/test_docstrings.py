"""The examples in the package's docstrings are documentation: they must stay true."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["analysis", "catalog", "charts", "documents", "model", "vnformat", "tables", "commentary", "present",
           "store", "report", "kernels", "export", "workbook", "plausibility", "briefing", "pictures", "browser"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(f"sokhcn_analytics.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
