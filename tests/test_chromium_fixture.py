"""The one Chromium fixture every browser test uses: a missing browser fails the test, and only
``SOKHCN_ALLOW_NO_CHROMIUM=1`` turns that into a skip. Run in a pytest of its own (pytester),
with the browser forced missing by ``SOKHCN_BROWSER`` pointing at no file."""
from __future__ import annotations

from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")
A_BROWSER_TEST = """
def test_needs_a_browser(chromium):
    assert chromium
"""


@pytest.fixture
def inner(pytester, monkeypatch):
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8").replace('pytest_plugins = ["pytester"]', ""))
    pytester.makepyfile(test_page=A_BROWSER_TEST)
    monkeypatch.setenv("SOKHCN_BROWSER", str(pytester.path / "no-such-chromium"))
    return pytester


def test_a_missing_chromium_fails_with_the_apt_get_command(inner, monkeypatch):
    monkeypatch.delenv("SOKHCN_ALLOW_NO_CHROMIUM", raising=False)
    result = inner.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*Chromium is missing*sudo apt-get install chromium*"])


def test_a_missing_chromium_is_a_skip_only_when_the_machine_is_known_to_have_none(inner, monkeypatch):
    monkeypatch.setenv("SOKHCN_ALLOW_NO_CHROMIUM", "1")
    result = inner.runpytest("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*no Chromium, and SOKHCN_ALLOW_NO_CHROMIUM=1 allows that*"])


def test_any_other_value_of_the_variable_still_fails(inner, monkeypatch):
    monkeypatch.setenv("SOKHCN_ALLOW_NO_CHROMIUM", "0")
    inner.runpytest("-p", "no:cacheprovider").assert_outcomes(errors=1)


def test_a_present_chromium_is_handed_to_the_test(chromium):
    assert Path(chromium).is_file()
