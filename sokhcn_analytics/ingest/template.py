"""The monthly workbook staff fill in, written: the sheet names and headers that are the contract
between the template and :mod:`sokhcn_analytics.ingest.workbook` (which reads it back), and
the template itself with its dropdowns and comments (openpyxl).

* ``HuongDan`` – instructions in Vietnamese;
* ``ThongTin`` – org, period, reviewed, illustrative (column B);
* ``ChiTieu`` – one row per indicator: code, name, unit, this month's result,
  next month's plan, source/note;
* ``NhiemVu`` – the task register;
* ``MucTieuNam`` – annual targets.
"""
from __future__ import annotations

from pathlib import Path

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.model import LEVELS, REAL_ORG, STATUSES, parse_period

INFO, INDICATORS, TASKS, TARGETS, GUIDE = "ThongTin", "ChiTieu", "NhiemVu", "MucTieuNam", "HuongDan"
SHEETS = (GUIDE, INFO, INDICATORS, TASKS, TARGETS)
REQUIRED_SHEETS = (INFO, INDICATORS)

INDICATOR_HEADERS = ["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Kết quả tháng",
                     "Kế hoạch tháng sau", "Nguồn / ghi chú"]
TASK_HEADERS = ["Mã nhiệm vụ", "Tên nhiệm vụ", "Cấp", "Trạng thái", "Năm bắt đầu",
                "Năm kết thúc", "Cơ quan chủ trì", "Ghi chú"]
TARGET_HEADERS = ["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Chỉ tiêu năm", "Ghi chú"]
INFO_ROWS = ["Mã đơn vị", "Kỳ báo cáo (NNNN-TT)", "Đã rà soát", "Dữ liệu minh họa", "Người lập"]
YES, NO = "Có", "Không"


def write_template(period: str, path, org: str = REAL_ORG, results: dict | None = None,
                   plans: dict | None = None, comments: dict | None = None, reviewed: bool = False,
                   targets: dict | None = None, tasks: list[dict] | None = None,
                   notes: dict | None = None, illustrative: bool = False) -> Path:
    """Write the monthly workbook for ``period`` to ``path`` and return the path.

    ``results``/``plans``/``targets`` prefill values by indicator code; ``comments`` maps
    ``(code, "result"|"plan")`` to a cell comment (the quote an extraction found);
    ``notes`` maps a code to the source/note column; ``tasks`` are register rows.

    >>> import tempfile, pathlib
    >>> write_template("2021-01", pathlib.Path(tempfile.mkdtemp()) / "2021-01_so-khcn-bac-kan.xlsx").name
    '2021-01_so-khcn-bac-kan.xlsx'
    """
    from openpyxl import Workbook

    parse_period(period)
    path = Path(path)
    wb = Workbook()
    _guide_sheet(wb.active, period)
    _info_sheet(wb.create_sheet(INFO), period, org, reviewed, illustrative)
    _indicator_sheet(wb.create_sheet(INDICATORS), results or {}, plans or {}, comments or {}, notes or {})
    _task_sheet(wb.create_sheet(TASKS), tasks or [])
    _target_sheet(wb.create_sheet(TARGETS), targets or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path


def _guide_sheet(ws, period):
    ws.title = GUIDE
    lines = [
        f"SỔ SỐ LIỆU THÁNG {period} – Sở Khoa học và Công nghệ",
        "",
        "1. Sheet ThongTin: kiểm tra Mã đơn vị và Kỳ báo cáo (dạng NNNN-TT, ví dụ 2021-01).",
        "   Kỳ báo cáo phải trùng với kỳ trong tên file. Chọn 'Có' ở 'Đã rà soát' khi số liệu đã được kiểm tra.",
        "2. Sheet ChiTieu: nhập số vào cột 'Kết quả tháng' và 'Kế hoạch tháng sau'. Ô để trống = không báo cáo.",
        "   Chỉ nhập số: 1200 hoặc 1.200 (dấu chấm phân cách hàng nghìn), 2,5 (dấu phẩy thập phân). Không nhập số âm.",
        "   Không sửa, không xóa cột 'Mã chỉ tiêu'; mỗi mã chỉ xuất hiện một lần.",
        "   Cột 'Nguồn / ghi chú': ghi câu trong báo cáo hoặc văn bản làm căn cứ cho số liệu.",
        "3. Sheet NhiemVu: mỗi dòng một nhiệm vụ KH&CN; chọn Cấp và Trạng thái từ danh sách.",
        "4. Sheet MucTieuNam: chỉ tiêu cả năm (thường nhập ở tháng 01; nhập lại khi được điều chỉnh).",
        "5. Lưu file vào data/raw/workbooks/ rồi chạy: sokhcn build",
    ]
    for i, text in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=text)
    ws.column_dimensions["A"].width = 110


def _info_sheet(ws, period, org, reviewed, illustrative):
    from openpyxl.worksheet.datavalidation import DataValidation

    values = [org, period, YES if reviewed else NO, YES if illustrative else NO, ""]
    for i, (key, value) in enumerate(zip(INFO_ROWS, values), start=1):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=value).number_format = "@"
    _dropdown(ws, [YES, NO], "B3:B4")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 24


def _indicator_sheet(ws, results, plans, comments, notes):
    from openpyxl.comments import Comment

    _header(ws, INDICATOR_HEADERS, [30, 55, 14, 16, 18, 70])
    for r, row in enumerate(catalog.load_catalog().itertuples(), start=2):
        code = row.Index
        ws.append([code, row.name_vi, row.unit, results.get(code), plans.get(code), notes.get(code)])
        for col, kind in ((4, "result"), (5, "plan")):
            ws.cell(row=r, column=col).number_format = "#,##0.##"
            if (code, kind) in comments:
                ws.cell(row=r, column=col).comment = Comment(comments[(code, kind)], "sokhcn extract")


def _task_sheet(ws, tasks):
    _header(ws, TASK_HEADERS, [14, 60, 18, 18, 12, 12, 30, 30])
    for t in tasks:
        ws.append([t.get("task_id"), t.get("name"), catalog.label(f"level.{t['level']}"),
                   catalog.label(f"status.{t['status']}"), t.get("start_year"), t.get("end_year"),
                   t.get("lead_org"), t.get("note")])
    _dropdown(ws, [catalog.label(f"level.{x}") for x in LEVELS], "C2:C1000")
    _dropdown(ws, [catalog.label(f"status.{x}") for x in STATUSES], "D2:D1000")


def _target_sheet(ws, targets):
    _header(ws, TARGET_HEADERS, [30, 55, 14, 16, 40])
    for row in catalog.load_catalog().itertuples():
        ws.append([row.Index, row.name_vi, row.unit, targets.get(row.Index), None])


def _header(ws, headers, widths):
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(headers)
    for i, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def _dropdown(ws, options, ref):
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                        error="Chọn một giá trị trong danh sách.")
    ws.add_data_validation(dv)
    dv.add(ref)
