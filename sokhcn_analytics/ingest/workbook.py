"""The monthly workbook staff fill in, loaded back and validated (the layout and the template are
in :mod:`sokhcn_analytics.ingest.template`).

Loading reads with python-calamine (about 7 times faster than openpyxl for a 3-sheet
workbook); writing uses openpyxl, which can add dropdowns and comments.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.errors import InputError, Problem
from sokhcn_analytics.core.model import (LEVELS, STATUSES, is_future, next_period, normalize_indicators,
                    normalize_tasks, parse_period)
from sokhcn_analytics.core.vnformat import format_number, parse_number
from sokhcn_analytics.ingest import cells, safety
from sokhcn_analytics.ingest.template import (GUIDE, INDICATOR_HEADERS, INDICATORS, INFO, INFO_ROWS, NO,  # noqa: F401
                                              REQUIRED_SHEETS, SHEETS, TARGET_HEADERS, TARGETS, TASK_HEADERS,
                                              TASKS, YES, write_template)

_FILE_PERIOD = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?!\d)")


# ---------------------------------------------------------------- loading

@dataclass
class _Sheet:
    """One sheet's rows with enough context to name any cell in an error."""
    file: str
    name: str
    rows: list
    problems: list = field(default_factory=list)

    def cell(self, r: int, c: int):
        row = self.rows[r] if r < len(self.rows) else []
        return row[c] if c < len(row) else None

    def problem(self, reason, message, r, c, value=None):
        self.problems.append(Problem(reason, message, self.file, self.name, _ref(r, c), value))


def _ref(r: int, c: int) -> str:
    return f"{_column_letter(c + 1)}{r + 1}"


@lru_cache(maxsize=None)
def _column_letter(n: int) -> str:
    """1 → A, 27 → AA (openpyxl's ``get_column_letter``, without importing openpyxl to read)."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def load_workbook(path, today=None):
    """Load a monthly workbook into validated ``(indicators, tasks)`` frames.

    Every problem of the file is collected and raised together as
    :class:`~sokhcn_analytics.core.errors.InputError`, each naming file, sheet and cell.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "2021-01_so-khcn-bac-kan.xlsx"
    >>> indicators, tasks = load_workbook(write_template("2021-01", path, results={"orchid_flasks": 120}))
    >>> indicators[["period", "indicator", "value", "source_ref"]].values.tolist(), len(tasks)
    ([['2021-01', 'orchid_flasks', 120.0, 'ChiTieu!D20']], 0)
    """
    import pandas as pd

    rows, tasks = read_workbook_rows(path, today)
    return normalize_indicators(pd.DataFrame(rows)), normalize_tasks(pd.DataFrame(tasks))


def read_workbook_rows(path, today=None, source_file: str | None = None) -> tuple[list[dict], list[dict]]:
    """The validated rows of a workbook as plain dicts in the model's columns.

    The store builds one frame from the rows of all files, which is much faster than a
    frame per file. ``source_file`` names the file in the rows (default: its path relative
    to the project root).
    """
    path = Path(path)
    sheets = _read_sheets(path)
    info = _read_info(sheets[INFO])
    problems = list(sheets[INFO].problems)
    if info.get("period"):
        problems += _check_period(path, sheets[INFO], info["period"], today)
    if problems:
        raise InputError(problems)
    rows = _read_indicators(sheets[INDICATORS], info)
    if TARGETS in sheets:
        rows += _read_targets(sheets[TARGETS], info)
    tasks = _read_tasks(sheets[TASKS], info) if TASKS in sheets else []
    problems = [p for s in sheets.values() for p in s.problems]
    if problems:
        raise InputError(problems)
    return _with_context(rows, tasks, source_file or _display_path(path), info)


def _read_sheets(path: Path) -> dict[str, _Sheet]:
    from python_calamine import CalamineWorkbook

    xml = safety.check_workbook_file(path)
    if (sheets := _sheets_from_xml(path, xml)) is not None:
        return sheets
    try:  # the parts as checked, stored without compression (safety.stored_zip)
        wb = CalamineWorkbook.from_filelike(io.BytesIO(xml.stored))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise InputError(Problem("corrupt_file", f"không đọc được file Excel (file hỏng hoặc không phải .xlsx): {exc}",
                                 str(path))) from None
    missing = [s for s in REQUIRED_SHEETS if s not in wb.sheet_names]
    if missing:
        raise InputError([Problem("missing_sheet", f"thiếu sheet '{s}'; file phải có các sheet "
                                  f"{', '.join(REQUIRED_SHEETS)} như trong mẫu (sokhcn template)", str(path), s)
                          for s in missing])
    safety.check_formulas(path, [s for s in (INFO, INDICATORS, TASKS, TARGETS) if s in wb.sheet_names], xml)
    sheets = {}
    for name in (INFO, INDICATORS, TASKS, TARGETS):
        if name in wb.sheet_names:
            sheets[name] = _Sheet(str(path), name, _sheet_rows(wb, path, name, xml))
    return sheets


def _sheets_from_xml(path: Path, xml) -> dict[str, _Sheet] | None:
    """The sheets read straight from the XML the safety scan inflated (:mod:`cells`), or ``None`` when
    one of them is not simple enough: calamine reads the workbook then (a second parse of every sheet)."""
    if any(s not in xml for s in REQUIRED_SHEETS):
        return None  # calamine's path says which is missing
    names = [s for s in (INFO, INDICATORS, TASKS, TARGETS) if s in xml]
    safety.check_formulas(path, names, xml)
    shared, styles = xml.parts.get("xl/sharedStrings.xml"), xml.parts.get("xl/styles.xml")
    sheets = {}
    for name in names:
        key = (name, xml[name], xml.context) if name in CARRIED_OVER else None
        rows = _PARSED.get(key) if key is not None else None
        if rows is None:
            rows = cells.sheet_rows(xml[name], shared, styles)
            if rows is None:
                return None
            if key is not None:
                _remember(key, rows)
        sheets[name] = _Sheet(str(path), name, rows)
    return sheets


# A sheet that carries over from month to month (the task register, the year's targets) is often
# the same XML as in last month's workbook: its rows are then taken from here instead of parsed
# again. Keyed by the sheet's XML and every other part its values depend on (shared strings,
# styles, the workbook), compared whole; the rows are never changed by their readers.
CARRIED_OVER = (TASKS, TARGETS)
_PARSED: dict = {}
_PARSED_MAX = 16  # the last few workbooks' sheets: files come org by org, month by month


def _sheet_rows(wb, path: Path, name: str, xml) -> list:
    key = (name, xml.get(name), xml.context) if name in CARRIED_OVER and xml.get(name) is not None else None
    if key is not None and (rows := _PARSED.get(key)) is not None:
        return rows
    try:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # e.g. XML cut short by the program that wrote the file
        raise InputError(Problem("corrupt_file", f"sheet bị hỏng, không đọc được ({exc}); mở file bằng "
                                 "Excel rồi lưu lại", str(path), name)) from None
    if key is not None:
        _remember(key, rows)
    return rows


def _remember(key, rows: list) -> None:
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.pop(next(iter(_PARSED)))  # the oldest
    _PARSED[key] = rows


def _read_info(sheet: _Sheet) -> dict:
    info = {}
    for r, (key, name) in enumerate(zip(("org", "period", "reviewed", "illustrative"), INFO_ROWS)):
        label, value = sheet.cell(r, 0), sheet.cell(r, 1)
        if str(label or "").strip() != name:
            sheet.problem("missing_header", f"ô phải ghi '{name}', đang là '{label or ''}'", r, 0, label)
            continue
        value = "" if value is None else str(value).strip()
        if key in ("reviewed", "illustrative"):
            if value not in (YES, NO, ""):
                sheet.problem("invalid_value", f"chỉ được chọn '{YES}' hoặc '{NO}', đang là '{value}'", r, 1, value)
            value = value == YES
        elif key == "period":
            try:
                parse_period(value)
            except ValueError as exc:
                sheet.problem("invalid_period", str(exc), r, 1, value)
                value = ""
        elif not value:
            sheet.problem("missing_value", f"ô '{name}' đang để trống", r, 1)
        info[key] = value
    return info


def _check_period(path: Path, sheet: _Sheet, period: str, today) -> list[Problem]:
    problems = []
    m = _FILE_PERIOD.search(path.name)
    if m and m.group(0) != period:
        problems.append(Problem("period_mismatch", f"kỳ báo cáo trong sheet là {period} nhưng tên file ghi "
                                f"{m.group(0)}; sửa một trong hai cho khớp", str(path), sheet.name, "B2", period))
    if is_future(period, today):
        problems.append(Problem("future_period", f"kỳ báo cáo {period} chưa diễn ra; kiểm tra lại năm và tháng",
                                str(path), sheet.name, "B2", period))
    return problems


def _check_headers(sheet: _Sheet, expected: list[str]) -> bool:
    ok = True
    for c, name in enumerate(expected):
        found = str(sheet.cell(0, c) or "").strip()
        if found != name:
            what = f"đang là '{found}'" if found else "đang trống (thiếu cột)"
            sheet.problem("missing_header", f"tiêu đề cột phải là '{name}', {what}", 0, c, found)
            ok = False
    return ok


def _number(sheet: _Sheet, r: int, c: int, what: str, allow_negative=False):
    value = sheet.cell(r, c)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if type(value) is float and 0 <= value < 1e15:  # the usual cell: a number as Excel stores it
        return value
    try:
        number = parse_number(value)
        if not -1e15 < number < 1e15:  # "999…9" typed as text would parse to inf
            raise ValueError(value)
    except ValueError:
        sheet.problem("not_a_number", f"{what} phải là số (ví dụ 1.200 hoặc 2,5), đang là '{value}'", r, c, value)
        return None
    if number < 0 and not allow_negative:
        sheet.problem("negative_value", f"{what} không được âm, đang là {format_number(number)}", r, c, value)
        return None
    return number


@lru_cache(maxsize=1)
def _known_codes() -> frozenset:
    return frozenset(catalog.codes())


def _code(sheet: _Sheet, r: int, seen: dict) -> str | None:
    code = str(sheet.cell(r, 0) or "").strip()
    if not code:
        if any(str(sheet.cell(r, c) or "").strip() for c in (3, 4)):  # else its figures would vanish silently
            sheet.problem("missing_value", "dòng có số liệu nhưng ô 'Mã chỉ tiêu' đang trống; nhập lại mã chỉ tiêu "
                          "của dòng này", r, 0)
        return None
    if code not in _known_codes():
        sheet.problem("unknown_indicator", f"mã chỉ tiêu '{code}' không có trong danh mục "
                      f"(indicators.csv); kiểm tra chính tả hoặc bổ sung vào danh mục", r, 0, code)
        return None
    if code in seen:
        sheet.problem("duplicate_indicator", f"mã chỉ tiêu '{code}' bị trùng, đã có ở ô A{seen[code] + 1}; "
                      f"giữ lại một dòng", r, 0, code)
        return None
    seen[code] = r
    return code


def _read_indicators(sheet: _Sheet, info: dict) -> list[dict]:
    """This month's results (column D) and next month's plans (column E)."""
    period = info["period"]
    return _read_values(sheet, INDICATOR_HEADERS, [(3, "result", period), (4, "plan", next_period(period))], 5)


def _read_targets(sheet: _Sheet, info: dict) -> list[dict]:
    """Annual targets (column D), stated in the workbook's period."""
    return _read_values(sheet, TARGET_HEADERS, [(3, "target", info["period"])], 4)


def _read_values(sheet: _Sheet, headers: list[str], columns: list[tuple], note_column: int) -> list[dict]:
    """One row per filled value cell of a code-per-row sheet; its source is the cell plus the row's note."""
    if not _check_headers(sheet, headers):
        return []
    rows, seen, known, name = [], {}, _known_codes(), sheet.name
    refs = [(c, kind, period, _column_letter(c + 1)) for c, kind, period in columns]
    for r in range(1, len(sheet.rows)):
        row = sheet.rows[r]
        code = row[0] if row else None
        if type(code) is str and code in known and code not in seen:  # the usual row: a known code, once
            seen[code] = r
        else:  # anything else through the checks, which name the problem
            code = _code(sheet, r, seen)
            if code is None:
                continue
        note = row[note_column] if note_column < len(row) else None
        note = str(note or "").strip()
        for c, kind, period, letter in refs:
            value = row[c] if c < len(row) else None
            if value is None or value == "":  # an empty cell (calamine gives "" inside the sheet's area)
                continue
            if type(value) is int and 0 <= value < 1e15:  # a whole number (calamine gives it as int)
                value = float(value)
            elif not (type(value) is float and 0 <= value < 1e15):  # the usual cells above, else the checks
                value = _number(sheet, r, c, headers[c])
                if value is None:
                    continue
            ref = f"{name}!{letter}{r + 1}" + (f" — {note}" if note else "")
            rows.append(dict(indicator=code, value=value, kind=kind, period=period, source_ref=ref))
    return rows


@lru_cache(maxsize=None)
def _vocabulary(prefix: str, codes) -> dict[str, str]:
    """Accept either the code or its Vietnamese label (what the dropdown shows)."""
    out = {c: c for c in codes}
    out.update({catalog.label(f"{prefix}.{c}").lower(): c for c in codes})
    return out


@lru_cache(maxsize=None)
def _as_shown(prefix: str, codes) -> dict[str, str]:
    """The code or the Vietnamese label exactly as the dropdown writes it, to its code."""
    return {**{c: c for c in codes}, **{catalog.label(f"{prefix}.{c}"): c for c in codes}}


def _read_tasks(sheet: _Sheet, info: dict) -> list[dict]:
    if not _check_headers(sheet, TASK_HEADERS):
        return []
    levels, statuses = _vocabulary("level", LEVELS), _vocabulary("status", STATUSES)
    exact_levels, exact_statuses = _as_shown("level", LEVELS), _as_shown("status", STATUSES)
    tasks, seen, width, name = [], {}, len(TASK_HEADERS), sheet.name
    for r in range(1, len(sheet.rows)):
        row = sheet.rows[r]
        if len(row) < width:  # calamine gives every row the sheet's width; a narrower sheet is padded
            row = [*row, *[None] * (width - len(row))]
        task_id = str(row[0] or "").strip()
        if not task_id:
            continue
        if task_id in seen:
            sheet.problem("duplicate_task", f"mã nhiệm vụ '{task_id}' bị trùng với ô A{seen[task_id] + 1}", r, 0, task_id)
            continue
        seen[task_id] = r
        # the dropdown's own text is the usual cell: looked up at once, anything else goes through the checks
        level = exact_levels.get(row[2]) or _choice(sheet, r, 2, levels, "Cấp")
        status = exact_statuses.get(row[3]) or _choice(sheet, r, 3, statuses, "Trạng thái")
        start, end = row[4], row[5]
        if type(start) is not float or not 0 <= start < 1e15:  # the usual year (a float) as it is
            start = _year(sheet, r, 4, start)
        if type(end) is not float or not 0 <= end < 1e15:
            end = _year(sheet, r, 5, end)
        tasks.append({"task_id": task_id, "name": str(row[1] or "").strip(), "level": level, "status": status,
                      "start_year": start, "end_year": end, "lead_org": str(row[6] or "").strip(),
                      "source_ref": f"{name}!A{r + 1}"})
    return tasks


def _year(sheet: _Sheet, r: int, c: int, value):
    """A task's year: the usual cell (a whole number calamine gives as int) at once, else :func:`_number`."""
    if type(value) is int and 0 <= value < 1e15:
        return float(value)
    if type(value) is float and 0 <= value < 1e15:
        return value
    if value is None or value == "":  # not given (a task not yet started or ended)
        return None
    return _number(sheet, r, c, TASK_HEADERS[c])


def _choice(sheet: _Sheet, r: int, c: int, vocabulary: dict, what: str):
    value = str(sheet.cell(r, c) or "").strip()
    code = vocabulary.get(value) or vocabulary.get(value.lower())
    if code is None:
        options = ", ".join(sorted({k for k in vocabulary if k not in vocabulary.values()}))
        sheet.problem("invalid_value", f"{what} '{value}' không hợp lệ; chọn một trong: {options}", r, c, value)
    return code


def _with_context(rows, tasks, source_file: str, info: dict):
    """The rows with what the whole file says (org, file, flags; a task's period), added in place."""
    common = dict(org=info["org"], source_file=source_file, illustrative=info["illustrative"])
    with_reviewed = {**common, "reviewed": info["reviewed"]}
    for row in rows:
        row.update(with_reviewed)
        row["unit"] = catalog.unit(row["indicator"])
    with_period = {**common, "period": info["period"]}
    for task in tasks:
        task.update(with_period)
    return rows, tasks


def _display_path(path: Path) -> str:
    """The path relative to the project root when inside it, so sources read the same on every machine."""
    from sokhcn_analytics.core.paths import project_root

    try:
        return path.resolve().relative_to(project_root()).as_posix()
    except ValueError:
        return path.name
