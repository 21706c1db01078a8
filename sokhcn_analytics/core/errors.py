"""Errors that say where, what was expected and what was found.

Every problem with input is a :class:`Problem`: a machine-readable ``reason`` (tests assert
it), the place (file, sheet, cell or line), the value found and one Vietnamese sentence an
analyst can act on. A file's problems are collected and raised together as
:class:`InputError`, so an analyst fixes them all in one pass. Every reason is a member of
:class:`Reason` (one vocabulary: ``tests/test_errors.py`` finds any other), and every exception
class the package raises is here; the command line prints the reason after the message
(``… [not_a_number]``).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Reason(StrEnum):
    """Every reason code, one word per kind of problem. A ``str``: ``Reason.NO_DATA == "no_data"``."""

    # any file
    FILE_NOT_FOUND = "file_not_found"
    EMPTY_FILE = "empty_file"            # 0 bytes, or no text at all (formerly also empty_report)
    TOO_LARGE = "too_large"
    ZIP_BOMB = "zip_bomb"
    XML_ENTITIES = "xml_entities"
    CORRUPT_FILE = "corrupt_file"
    UNSUPPORTED_FORMAT = "unsupported_format"
    MISSING_DEPENDENCY = "missing_dependency"
    # workbooks
    NOT_A_WORKBOOK = "not_a_workbook"
    MISSING_SHEET = "missing_sheet"
    MISSING_HEADER = "missing_header"
    MERGED_CELLS = "merged_cells"
    MISSING_VALUE = "missing_value"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE_VALUE = "negative_value"
    INVALID_VALUE = "invalid_value"
    FORMULA_WITHOUT_VALUE = "formula_without_value"
    UNKNOWN_INDICATOR = "unknown_indicator"
    DUPLICATE_INDICATOR = "duplicate_indicator"
    DUPLICATE_TASK = "duplicate_task"
    # periods
    INVALID_PERIOD = "invalid_period"    # not YYYY-MM (formerly also bad_period)
    FUTURE_PERIOD = "future_period"
    PERIOD_MISMATCH = "period_mismatch"
    NO_PERIOD = "no_period"
    # narrative reports
    NO_TEXT_LAYER = "no_text_layer"
    UNREADABLE_REPORT = "unreadable_report"
    BAD_PHRASING = "bad_phrasing"
    TOO_MANY_REPORTS = "too_many_reports"
    # the store
    CONFLICTING_SOURCES = "conflicting_sources"
    RAW_MISSING = "raw_missing"
    STORE_MISSING = "store_missing"
    STORE_LOCKED = "store_locked"
    STORE_WRITE_FAILED = "store_write_failed"
    STORE = "store"
    STORE_BUSY = "store_busy"            # rebuilt again and again while being read
    STORE_DAMAGED = "store_damaged"      # the manifest names a part that cannot be
    WORKER_FAILED = "worker_failed"      # a reading worker of a parallel build stopped
    # reports
    NO_DATA = "no_data"
    BAD_RANGE = "bad_range"
    BAD_JOBS = "bad_jobs"
    BAD_OUT = "bad_out"
    BAD_NOTEBOOK = "bad_notebook"
    UNKNOWN_NOTEBOOK = "unknown_notebook"
    REPORT = "report"
    BROWSER_NOT_FOUND = "browser_not_found"
    PDF_FAILED = "pdf_failed"
    BROWSER_FAILED = "browser_failed"    # the Chromium kept for a run (the run falls back to a fresh one)
    # the monthly report drafted as .docx
    BAD_ORG = "bad_org"
    ORG_SETTINGS_MISSING = "org_settings_missing"
    BAD_ORG_SETTINGS = "bad_org_settings"
    ORG_SETTINGS_UNFILLED = "org_settings_unfilled"  # a "[cần điền]" mark of `sokhcn init` still there
    # a department's project (sokhcn init)
    PROJECT_EXISTS = "project_exists"    # a file init would make is already there (kept)
    BAD_TEMPLATE = "bad_template"
    # the explorer
    EXPLORER = "explorer"
    BAD_EXPORT_NAME = "bad_export_name"
    # catch-alls of the base classes
    INVALID_INPUT = "invalid_input"
    ERROR = "error"


@dataclass(frozen=True)
class Problem:
    reason: str  # e.g. "not_a_number", "duplicate_indicator", "unknown_indicator"
    message: str  # one Vietnamese sentence: what was expected, what was found
    file: str = ""
    sheet: str = ""
    cell: str = ""  # "C7"; for text sources a line: "dòng 12"
    value: object = None

    @property
    def where(self) -> str:
        parts = [Path(self.file).name if self.file else ""]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.cell:
            parts.append(f"ô {self.cell}" if self.cell[:1].isalpha() and not self.cell.startswith("dòng") else self.cell)
        return ", ".join(p for p in parts if p)

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message


class SokhcnError(Exception):
    """Base class: anything the command line reports to the user without a traceback."""

    reason = Reason.ERROR

    def __init__(self, message: str, *, reason: str | None = None):
        super().__init__(message)
        if reason:
            self.reason = reason


class InputError(SokhcnError):
    """One or more problems in one input; ``problems`` holds them all."""

    reason = Reason.INVALID_INPUT

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        head = f"{len(self.problems)} lỗi trong dữ liệu đầu vào:" if len(self.problems) > 1 else ""
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join([head, *("  - " + s for s in lines)]) if head else lines[0])
        self.reason = self.problems[0].reason if self.problems else Reason.INVALID_INPUT

    @property
    def reasons(self) -> list[str]:
        return [p.reason for p in self.problems]


class StoreError(SokhcnError):
    """The processed store cannot be read or written (conflict, lock, missing store)."""

    reason = Reason.STORE


class ReportError(SokhcnError):
    """A report cannot be planned: a bad period, range, notebook name or output folder, no data."""

    reason = Reason.REPORT


class BrowserNotFound(SokhcnError):
    """No Chromium, Chrome or Edge to print the PDF with."""

    reason = Reason.BROWSER_NOT_FOUND


class PdfError(SokhcnError):
    reason = Reason.PDF_FAILED


def with_reason(message: str, reason) -> str:
    """``message [reason]``: how the command line shows an error (tests assert the reason)."""
    return f"{message} [{reason}]" if reason else message


class BrowserError(SokhcnError, RuntimeError):
    """The browser kept for a report run could not do what was asked (callers fall back to a fresh one)."""

    reason = Reason.BROWSER_FAILED


class ExplorerError(SokhcnError):
    """A selection or an export the explorer cannot do (shown in its output area, never a traceback)."""

    reason = Reason.EXPLORER
