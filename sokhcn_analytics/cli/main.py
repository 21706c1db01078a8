"""The ``sokhcn`` command line: one subcommand per step of the monthly job.

The parser, :func:`main` and :func:`run` are here; what each subcommand does (read its
arguments, call the package, print) is in :mod:`sokhcn_analytics.cli.commands`.

Errors reach the user as one Vietnamese message on standard error and a non-zero exit,
never as a traceback (set ``SOKHCN_DEBUG=1`` to see one).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sokhcn_analytics.cli.commands import (cmd_build, cmd_check, cmd_demo_data, cmd_draft, cmd_extract, cmd_flags,
                                           cmd_init, cmd_report, cmd_summary, cmd_template)
from sokhcn_analytics.core.errors import InputError, SokhcnError, with_reason


def _period(text: str) -> str:
    from sokhcn_analytics.core.model import parse_period

    try:
        parse_period(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _org_count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 999:
        raise argparse.ArgumentTypeError(f"số đơn vị phải là số nguyên từ 1 đến 999, nhận được '{text}'")
    return n


def _safe_path(text: str) -> str:
    """An output path without '..' parts, so a typo or a crafted value cannot escape the project."""
    if ".." in Path(text).parts or "\x00" in text:
        raise argparse.ArgumentTypeError(f"đường dẫn '{text}' không được chứa '..'; dùng đường dẫn tuyệt đối "
                                         "hoặc một thư mục con của thư mục hiện tại")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sokhcn", description="Số liệu hằng tháng của Sở KH&CN: sổ Excel, "
                                     "báo cáo, kho dữ liệu, báo cáo cho lãnh đạo.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="tạo thư mục dự án của một đơn vị: các thư mục dữ liệu, tệp thông tin đơn vị")
    p.add_argument("dir", nargs="?", default=".", type=_safe_path, metavar="DIR",
                   help="thư mục dự án (mặc định: thư mục hiện tại)")
    p.add_argument("--org", required=True, help="mã đơn vị, ví dụ so-khcn-thai-nguyen (tên tệp data/orgs/<mã>.yml)")
    p.add_argument("--name", default=None, help='tên đầy đủ, ví dụ "Sở Khoa học và Công nghệ tỉnh Thái Nguyên"')
    p.add_argument("--place", default=None, help="địa danh trước ngày tháng (mặc định: tên tỉnh trong --name)")
    p.add_argument("--signer", default=None, help="họ tên người ký (Giám đốc Sở)")
    p.add_argument("--center", default=None, help="tên Trung tâm trực thuộc Sở")
    p.add_argument("--recipient", dest="recipients", action="append", default=None, metavar="TEXT",
                   help="một nơi nhận (lặp lại cho mỗi nơi), ví dụ --recipient \"UBND tỉnh (b/c);\"")
    p.add_argument("--force", action="store_true", help="khi đã có một số tệp: chỉ tạo các tệp còn thiếu, giữ nguyên tệp đã có")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("template", help="tạo sổ Excel số liệu tháng để nhập")
    p.add_argument("--period", required=True, type=_period, help="kỳ báo cáo NNNN-TT, ví dụ 2021-01")
    p.add_argument("--out", required=True, type=_safe_path, help="file .xlsx sẽ tạo")
    p.add_argument("--org", default=None, help="mã đơn vị (mặc định: so-khcn-bac-kan)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("build", help="đọc data/raw và cập nhật kho data/processed")
    p.add_argument("--raw", default=None, help="thư mục dữ liệu gốc (mặc định data/raw)")
    p.add_argument("--processed", default=None, type=_safe_path, help="thư mục kho (mặc định data/processed)")
    p.add_argument("--diff", action="store_true", help="liệt kê chỗ sổ đã rà soát khác số trích từ báo cáo")
    p.add_argument("--force", action="store_true", help="build lại dù dữ liệu gốc không đổi")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("summary", help="in bảng tóm tắt kho dữ liệu")
    p.add_argument("--processed", default=None, help="thư mục kho (mặc định data/processed)")
    p.add_argument("--period", type=_period, default=None, help="kỳ cần xem (mặc định: kỳ thật mới nhất)")
    p.add_argument("--org", default=None, help="chỉ đơn vị này (mặc định: mọi đơn vị)")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("flags", help="liệt kê số liệu lệch xa mức thường (cảnh báo) trong kho dữ liệu")
    p.add_argument("--processed", default=None, help="thư mục kho (mặc định data/processed)")
    p.add_argument("--org", default=None, help="chỉ đơn vị này (mặc định: mọi đơn vị)")
    p.add_argument("--period", type=_period, default=None, help="chỉ kỳ này (NNNN-TT)")
    p.add_argument("--from", dest="from_period", type=_period, default=None, help="từ kỳ (NNNN-TT)")
    p.add_argument("--to", dest="to_period", type=_period, default=None, help="đến kỳ (NNNN-TT)")
    p.add_argument("--all", action="store_true", help="mọi kỳ (mặc định: 12 tháng gần nhất của mỗi đơn vị)")
    p.add_argument("--format", choices=("table", "csv"), default="table", help="bảng (mặc định) hoặc csv")
    p.set_defaults(func=cmd_flags)

    p = sub.add_parser("demo-data", help="tạo bộ dữ liệu MINH HỌA (không phải số liệu thật)")
    p.add_argument("--out", default=None, type=_safe_path, help="thư mục ghi (mặc định data/raw/illustrative)")
    p.add_argument("--start", type=_period, default="2019-01")
    p.add_argument("--end", type=_period, default="2021-12")
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--orgs", type=_org_count, default=1, help="số đơn vị minh họa (mặc định 1: minh-hoa; "
                   "N > 1: minh-hoa-01 … minh-hoa-NN, mỗi đơn vị một thư mục con)")
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("extract", help="trích số liệu từ báo cáo (.txt .md .docx .pdf)")
    p.add_argument("reports", nargs="+", metavar="REPORT")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--period", type=_period, default=None, help="kỳ báo cáo, nếu không lấy được từ tiêu đề")
    p.add_argument("--to-workbook", dest="to_workbook", type=_safe_path, default=None, metavar="OUT.xlsx")
    p.add_argument("--review", action="store_true",
                   help="thay cho số liệu: liệt kê những số cần người xem lại, kèm câu và lý do")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("draft", help="soạn nháp báo cáo tháng (.docx) từ kho dữ liệu")
    p.add_argument("--period", required=True, type=_period, help="kỳ báo cáo NNNN-TT, ví dụ 2021-01")
    p.add_argument("--org", default=None, help="mã đơn vị (mặc định: so-khcn-bac-kan)")
    p.add_argument("--out", default=None, type=_safe_path, metavar="FILE.docx",
                   help="tệp ra (mặc định reports/<NNNN-TT>/bao-cao-thang_<đơn vị>.docx)")
    p.add_argument("--processed", default=None, help="thư mục kho (mặc định data/processed)")
    p.add_argument("--check", action="store_true", help="đọc lại bản nháp; liệt kê số liệu không đọc lại đúng")
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("check", help="đối chiếu số liệu quý, 6 tháng, năm với tổng các tháng")
    p.add_argument("--processed", default=None, help="thư mục kho (mặc định data/processed)")
    p.add_argument("--org", default=None, help="mã đơn vị (mặc định: mọi đơn vị)")
    p.add_argument("--period", type=_period, default=None, help="chỉ các kỳ kết thúc vào tháng này")
    p.add_argument("--differences", action="store_true", help="chỉ in các dòng lệch")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("report", help="chạy notebook và xuất HTML/PDF cho lãnh đạo")
    p.add_argument("--period", type=_period, default=None)
    p.add_argument("--notebook", dest="notebooks", action="append", default=None, metavar="NAME")
    p.add_argument("--data", default=None, help="thư mục kho (mặc định data/processed)")
    p.add_argument("--out", default=None, type=_safe_path, help="thư mục ghi báo cáo (mặc định reports/ của dự án)")
    p.add_argument("--no-pdf", dest="no_pdf", action="store_true")
    p.add_argument("--all", action="store_true", help="mọi kỳ có dữ liệu")
    p.add_argument("--from", dest="from_period", type=_period, default=None)
    p.add_argument("--to", dest="to_period", type=_period, default=None)
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ báo cáo (mặc định vi)")
    p.set_defaults(func=cmd_report)
    return parser


MAX_PROBLEMS_SHOWN = 50


def _first_problems(exc: InputError) -> str:
    """Every problem with its reason, up to a screenful; a pasted-in table can make tens of thousands."""
    problems = exc.problems
    if len(problems) == 1:
        return with_reason(str(problems[0]), problems[0].reason)
    shown = problems[:MAX_PROBLEMS_SHOWN]
    head = (f"{len(problems)} lỗi trong dữ liệu đầu vào:" if len(problems) <= MAX_PROBLEMS_SHOWN else
            f"{len(problems)} lỗi trong dữ liệu đầu vào (hiện {MAX_PROBLEMS_SHOWN} lỗi đầu):")
    lines = [head, *(f"  - {with_reason(str(p), p.reason)}" for p in shown)]
    if len(problems) > len(shown):
        lines.append(f"  … và {len(problems) - len(shown)} lỗi khác; sửa các lỗi trên rồi chạy lại")
    return "\n".join(lines)


def _plain_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one line for the analyst (e.g. a report not in UTF-8), without a source line."""
    print(f"Cảnh báo: {message}", file=sys.stderr)


def main(argv=None) -> int:
    import warnings

    args = build_parser().parse_args(argv)
    if not os.environ.get("SOKHCN_DEBUG"):
        warnings.showwarning = _plain_warning
    try:
        return args.func(args) or 0
    except InputError as exc:
        print(f"Lỗi: {_first_problems(exc)}", file=sys.stderr)
        print("Không có gì trong kho dữ liệu bị thay đổi.", file=sys.stderr) if args.command == "build" else None
        return 1
    except SokhcnError as exc:
        print(f"Lỗi: {with_reason(str(exc), exc.reason)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head/less that closed early
        return 0
    except Exception as exc:  # noqa: BLE001 - last resort: never a traceback for the analyst
        if os.environ.get("SOKHCN_DEBUG"):
            raise
        print(f"Lỗi không mong đợi: {type(exc).__name__}: {exc}\n"
              "Chạy lại với SOKHCN_DEBUG=1 để xem chi tiết và gửi cho người phụ trách kỹ thuật.", file=sys.stderr)
        return 2


def run() -> None:
    """The ``sokhcn`` command: :func:`main`, then a quick exit.

    When :func:`main` returns, everything the command wrote is closed and its kernels are
    stopped; :func:`sokhcn_analytics.core.compat.quick_exit` then runs the exit handlers, flushes the output and
    leaves without the interpreter's slow teardown (``--help`` and argument errors leave
    through ``SystemExit`` as usual).
    """
    from sokhcn_analytics.core.compat import quick_exit

    quick_exit(main())


if __name__ == "__main__":
    run()
