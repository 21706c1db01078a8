"""Errors that say where, what was expected and what was found.

Every problem with input is a :class:`Problem`: a machine-readable ``reason`` (tests assert
it), the place (file, sheet, cell or line), the value found and one Vietnamese sentence an
analyst can act on. A file's problems are collected and raised together as
:class:`InputError`, so an analyst fixes them all in one pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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

    reason = "error"

    def __init__(self, message: str, *, reason: str | None = None):
        super().__init__(message)
        if reason:
            self.reason = reason


class InputError(SokhcnError):
    """One or more problems in one input; ``problems`` holds them all."""

    reason = "invalid_input"

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        head = f"{len(self.problems)} lỗi trong dữ liệu đầu vào:" if len(self.problems) > 1 else ""
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join([head, *("  - " + s for s in lines)]) if head else lines[0])
        self.reason = self.problems[0].reason if self.problems else "invalid_input"

    @property
    def reasons(self) -> list[str]:
        return [p.reason for p in self.problems]


class StoreError(SokhcnError):
    """The processed store cannot be read or written (conflict, lock, missing store)."""

    reason = "store"
