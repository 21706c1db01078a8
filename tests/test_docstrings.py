"""The examples in the package's docstrings are documentation: they must stay true, and a module
that shows examples must run at least one of them (an example marked ``+SKIP`` everywhere proves
nothing)."""
from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sokhcn_analytics"


def _module_names() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] != "__main__":
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _module_names()


def test_the_runner_sees_every_folder_of_the_package():
    assert len(MODULES) > 50
    assert {"sokhcn_analytics.core.catalog", "sokhcn_analytics.extract.period", "sokhcn_analytics.reports.present",
            "sokhcn_analytics.draft.footnotes"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    tests = doctest.DocTestFinder().find(module)
    examples = sum(len(t.examples) for t in tests)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if examples:
        assert result.attempted > 0, f"{name} shows {examples} example(s) but runs none (all +SKIP)"
