"""The bad-input corpus: one workbook per way a monthly file goes wrong.

Every case starts from the real template (``write_template``) and breaks one thing, the
way a user, a script or an attacker would. Nothing large is checked in: the files are
generated at test time (``tests/test_reliability.py``), or by hand with

    .venv/bin/python tests/bad_corpus.py tests/data/bad          # all cases
    .venv/bin/python tests/bad_corpus.py /tmp/bad --small        # without the zip bomb / big sheet

Each :class:`Case` says what ``sokhcn build`` must answer: the machine-readable reason
and the sheet and cell the message must name (``reason=None``: the file is fine to load).
"""
from __future__ import annotations

import re

import shutil
import sys
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import openpyxl

from sokhcn_analytics.ingest.workbook import INDICATORS, INFO, write_template

ORG = "kiem-thu"
PERIOD = "2021-01"
GOOD_NAME = f"{PERIOD}_{ORG}.xlsx"
SPAWN = "mushroom_spawn_kg"
GOOD_VALUES = {SPAWN: 250.0, "mushroom_bags": 700.0, "material_samples_tested": 68.0}


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]  # writes the file into a folder, returns its path
    reason: str | None  # expected Problem.reason; None: loads fine
    sheet: str = ""
    cell: str = ""
    what: str = ""  # one line for docs/reliability.md
    big: bool = False  # slow or large to generate


def good_workbook(folder: Path, name: str = GOOD_NAME, period: str = PERIOD) -> Path:
    return write_template(period, Path(folder) / name, org=ORG, results=dict(GOOD_VALUES), plans={SPAWN: 300.0},
                          reviewed=True)


def row_of(path: Path, code: str) -> int:
    ws = openpyxl.load_workbook(path)[INDICATORS]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == code:
            return row[0].row
    raise KeyError(code)


def _edit(folder: Path, change: Callable, name: str = GOOD_NAME) -> Path:
    path = good_workbook(folder, name)
    wb = openpyxl.load_workbook(path)
    change(wb, row_of(path, SPAWN))
    wb.save(path)
    return path


def _rezip(path: Path, replace: dict[str, bytes], add: dict[str, bytes] | None = None, out: Path | None = None) -> Path:
    """Copy a zip, replacing some parts' bytes and adding others."""
    out = out or path
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    tmp.replace(out)
    if out != path:
        path.unlink()
    return out


def _sheet_part(path: Path, sheet: str) -> str:
    from sokhcn_analytics.ingest.safety import _sheet_parts

    with zipfile.ZipFile(path) as zf:
        return _sheet_parts(zf)[sheet]


# ---------------------------------------------------------------- the cases

def corrupt_zip(folder):
    """Bytes damaged in the middle of the indicator sheet's compressed data (a bad disk or USB stick)."""
    path = good_workbook(folder)
    part = _sheet_part(path, INDICATORS)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(part)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + info.compress_size // 3, start + info.compress_size // 3 + 40):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def truncated_zip(folder):
    """Only the first half of the file arrived (an interrupted copy or e-mail download)."""
    path = good_workbook(folder)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def text_as_xlsx(folder):
    path = Path(folder) / GOOD_NAME
    path.write_text("ma_chi_tieu;ket_qua\nmushroom_spawn_kg;250\n", encoding="utf-8")
    return path


def xls_or_encrypted(folder):
    """An OLE2 compound file under the .xlsx name: an Excel 97-2003 file, or a workbook saved with a password."""
    path = Path(folder) / GOOD_NAME
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"EncryptedPackage".ljust(512, b"\x00"))
    return path


def pasted_table(folder, rows: int = 3000):
    """A table pasted under the indicators: thousands of unknown codes, each one a problem."""
    extra = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>ma_{r}</t></is></c><c r="D{r}"><v>{r}</v></c></row>'
                    for r in range(100, 100 + rows))
    return _with_rows_below_indicators(folder, extra)


def _with_rows_below_indicators(folder, rows_xml: str, last_row: int | None = None):
    """A good workbook with ``rows_xml`` appended to the indicator sheet (and its dimension
    moved down to ``last_row`` when given, as Excel would write it)."""
    path = good_workbook(folder)
    part = _sheet_part(path, INDICATORS)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part).decode()
    xml = xml.replace("</sheetData>", rows_xml + "</sheetData>")
    if last_row is not None:
        xml = re.sub(r'<dimension ref="A1:F\d+"/>', f'<dimension ref="A1:F{last_row}"/>', xml)
    return _rezip(path, {part: xml.encode()})


def empty_file(folder):
    path = Path(folder) / GOOD_NAME
    path.write_bytes(b"")
    return path


def empty_workbook(folder):
    """A valid .xlsx with one blank sheet (File > New, then saved under the monthly name)."""
    path = Path(folder) / GOOD_NAME
    openpyxl.Workbook().save(path)
    return path


def missing_sheet(folder):
    return _edit(folder, lambda wb, r: wb.remove(wb[INDICATORS]))


def renamed_header(folder):
    return _edit(folder, lambda wb, r: wb[INDICATORS].cell(1, 4, "Số liệu"))


def missing_header_column(folder):
    """The 'Kết quả tháng' column deleted: every column right of it moves one step left."""
    return _edit(folder, lambda wb, r: wb[INDICATORS].delete_cols(4))


def text_in_number(folder):
    return _edit(folder, lambda wb, r: wb[INDICATORS].cell(r, 4, "khoảng 250 kg"))


def negative_count(folder):
    return _edit(folder, lambda wb, r: wb[INDICATORS].cell(r, 4, -250))


def duplicate_indicator(folder):
    return _edit(folder, lambda wb, r: wb[INDICATORS].append([SPAWN, "Giống nấm (nhập lại)", "kg", 260]))


def unknown_indicator(folder):
    return _edit(folder, lambda wb, r: wb[INDICATORS].cell(r, 1, "mushroom_spawn_kgs"))


def period_mismatch(folder):
    """The February file name, but the sheet still says January (copied from last month)."""
    return _edit(folder, lambda wb, r: None, name=f"2021-02_{ORG}.xlsx")


def future_period(folder):
    path = write_template("2099-01", Path(folder) / f"2099-01_{ORG}.xlsx", org=ORG, results=dict(GOOD_VALUES))
    return path


def formula_without_value(folder):
    """A formula written by a script (openpyxl) is saved with no computed value."""
    return _edit(folder, lambda wb, r: wb[INDICATORS].cell(r, 4, "=200+50"))


def merged_cells(folder):
    """Two code cells merged: the second row's figures would silently lose their code."""
    def change(wb, r):
        ws = wb[INDICATORS]
        ws.cell(r + 1, 4, 720)
        ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    return _edit(folder, change)


def xlsm_with_macros(folder):
    """Saved as a macro-enabled workbook: a VBA project part and the macro content type."""
    path = good_workbook(folder)
    with zipfile.ZipFile(path) as zf:
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                          "</Types>")
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                        'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Module1\"\nSub Auto_Open()\nShell \"calc.exe\"\nEnd Sub\n"
    return _rezip(path, {"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
                  {"xl/vbaProject.bin": vba}, out=path.with_suffix(".xlsm"))


def duplicate_part(folder):
    """A second copy of the indicator sheet appended to the zip: checkers and readers may pick different copies."""
    path = good_workbook(folder)
    part = _sheet_part(path, INDICATORS)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)
    with zipfile.ZipFile(path, "a") as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" is the point
        zf.writestr(part, xml.replace(b"<v>250</v>", b"<v>999</v>"))
    return path


def broken_sheet_xml(folder):
    """A well-formed zip whose indicator sheet XML stops half-way (a program crashed while writing it)."""
    path = good_workbook(folder)
    part = _sheet_part(path, INDICATORS)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)
    return _rezip(path, {part: xml[: len(xml) // 2]})


def far_away_cell(folder):
    """One value in the very last cell Excel has, XFD1048576 (Ctrl+End, then typing).

    python-calamine allocates the whole A1:XFD1048576 area for it: 550 GB, and the process
    aborted with a Rust backtrace before this was checked.
    """
    path = good_workbook(folder)
    part = _sheet_part(path, INDICATORS)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part)
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    return _rezip(path, {part: xml.replace(b"</sheetData>", far)})


def xml_entities(folder):
    """'Billion laughs' in the indicator sheet, hidden behind 8 kB of comment so a quick peek misses it."""
    path = good_workbook(folder)
    part = _sheet_part(path, INDICATORS)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(part).decode()
    lol = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 or "")) * 10}">' for i in range(1, 10)]
    prolog = '<?xml version="1.0" encoding="UTF-8"?>\n<!--' + " " * 8192 + "-->\n<!DOCTYPE lolz [" + "".join(lol) + "]>"
    body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
    body = body.replace("<t>Giống nấm sản xuất</t>", "<t>&lol9;</t>", 1)
    return _rezip(path, {part: (prolog + body).encode()})


def large_sheet(folder, rows: int = 200_000):
    """200 000 rows pasted under the indicators (another table pasted in by mistake)."""
    extra = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c><c r="D{r}"><v>{r}</v></c>'
                    f'<c r="E{r}"><v>1</v></c><c r="F{r}" t="inlineStr"><is><t>dòng {r}</t></is></c></row>'
                    for r in range(100, 100 + rows))
    return _with_rows_below_indicators(folder, extra, last_row=99 + rows)


def zip_bomb(folder, gigabytes: int = 2):
    """A 2 MB .xlsx whose indicator sheet inflates to 2 GB of blanks (written without ever holding them)."""
    path = good_workbook(folder)
    part = _sheet_part(path, INDICATORS)
    chunk = b" " * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)  # identical for every identical chunk
    count = gigabytes * 1024
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == part:
                _raw_entry(dst, part, block * count + comp.flush(), crc, count * len(chunk))
            else:
                dst.writestr(info.filename, src.read(info.filename))
    tmp.replace(path)
    return path


def zip_bomb_lying_header(folder, gigabytes: int = 1):
    """The sheet's zip header claims its normal size, but its stream goes on for 1 GB of blanks.

    ``zipfile`` stops reading at the declared size (and the checksum of those bytes is right),
    while a streaming reader such as calamine inflates everything: 2 GB of memory and half a
    minute before this was checked.
    """
    path = good_workbook(folder)
    part = _sheet_part(path, INDICATORS)
    with zipfile.ZipFile(path) as zf:
        real = zf.read(part)
    head, end = real[: -len(b"</worksheet>")], b"</worksheet>"
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(b" " * (1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    stream += block * (gigabytes * 1024) + comp.compress(end) + comp.flush()
    claimed_crc = zlib.crc32((head + b" " * len(real))[: len(real)])
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == part:
                _raw_entry(dst, part, stream, claimed_crc, len(real))
            else:
                dst.writestr(info.filename, src.read(info.filename))
    tmp.replace(path)
    return path


def _raw_entry(zf: zipfile.ZipFile, name: str, compressed: bytes, crc: int, size: int) -> None:
    """Append an already-deflated member (zipfile has no public API for that)."""
    info = zipfile.ZipInfo(name, date_time=(2021, 1, 31, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.CRC, info.compress_size, info.file_size = crc, len(compressed), size
    info.header_offset = zf.fp.tell()
    zf.fp.write(info.FileHeader(False))
    zf.fp.write(compressed)
    zf.filelist.append(info)
    zf.NameToInfo[name] = info
    zf.start_dir = zf.fp.tell()
    zf._didModify = True


CASES = [
    Case("corrupt_zip", corrupt_zip, "corrupt_file", what="zip hỏng: byte bị hỏng giữa dữ liệu nén"),
    Case("truncated_zip", truncated_zip, "corrupt_file", what="zip bị cắt cụt (chép/tải về dở dang)"),
    Case("text_as_xlsx", text_as_xlsx, "not_a_workbook", what="file văn bản (CSV) đặt tên .xlsx"),
    Case("xls_or_encrypted", xls_or_encrypted, "not_a_workbook", what="file .xls cũ hoặc sổ có mật khẩu (OLE2)"),
    Case("empty_file", empty_file, "empty_file", what="file 0 byte"),
    Case("empty_workbook", empty_workbook, "missing_sheet", INFO, what="sổ Excel trống (chỉ có một sheet trắng)"),
    Case("missing_sheet", missing_sheet, "missing_sheet", INDICATORS, what="thiếu sheet ChiTieu"),
    Case("renamed_header", renamed_header, "missing_header", INDICATORS, "D1", what="đổi tên tiêu đề cột"),
    Case("missing_header_column", missing_header_column, "missing_header", INDICATORS, "D1",
         what="xóa cả cột 'Kết quả tháng'"),
    Case("text_in_number", text_in_number, "not_a_number", INDICATORS, "D{spawn}", what="chữ trong ô số"),
    Case("negative_count", negative_count, "negative_value", INDICATORS, "D{spawn}", what="số âm"),
    Case("duplicate_indicator", duplicate_indicator, "duplicate_indicator", INDICATORS, "A{last}",
         what="một mã chỉ tiêu xuất hiện hai lần"),
    Case("unknown_indicator", unknown_indicator, "unknown_indicator", INDICATORS, "A{spawn}",
         what="mã chỉ tiêu không có trong danh mục"),
    Case("period_mismatch", period_mismatch, "period_mismatch", INFO, "B2", what="kỳ trong tên file ≠ kỳ trong sheet"),
    Case("future_period", future_period, "future_period", INFO, "B2", what="kỳ báo cáo ở tương lai"),
    Case("formula_without_value", formula_without_value, "formula_without_value", INDICATORS, "D{spawn}",
         what="ô công thức chưa có giá trị đã tính"),
    Case("merged_cells", merged_cells, "merged_cells", INDICATORS, "A{spawn}:A{spawn1}", what="ô gộp đè lên số liệu"),
    Case("pasted_table", pasted_table, "unknown_indicator", INDICATORS, "A100",
         what="dán nhầm cả bảng 3 000 dòng: hiện 50 lỗi đầu và số lỗi còn lại"),
    Case("xlsm_with_macros", xlsm_with_macros, None, what=".xlsm có macro: đọc số liệu, bỏ qua macro"),
    Case("duplicate_part", duplicate_part, "corrupt_file", what="hai phần trùng tên trong file zip"),
    Case("broken_sheet_xml", broken_sheet_xml, "corrupt_file", INDICATORS, what="XML của sheet bị cắt giữa chừng"),
    Case("far_away_cell", far_away_cell, "too_large", INDICATORS, "XFD1048576",
         what="một số ở ô cuối cùng của Excel (XFD1048576)"),
    Case("xml_entities", xml_entities, "xml_entities", what="XML entity expansion (billion laughs)"),
    Case("large_sheet", large_sheet, "too_large", INDICATORS, "A1:F200099", what="sheet 200 000 dòng", big=True),
    Case("zip_bomb", zip_bomb, "zip_bomb", what="zip bomb: 2 MB giải nén ra 2 GB", big=True),
    Case("zip_bomb_lying_header", zip_bomb_lying_header, "zip_bomb",
         what="zip bomb khai man kích thước trong header (1 MB giải nén ra 1 GB)"),
]


def expected_cell(case: Case, spawn_row: int, last_row: int) -> str:
    return case.cell.format(spawn=spawn_row, spawn1=spawn_row + 1, last=last_row)


def make_corpus(out: Path, big: bool = True) -> dict[str, Path]:
    """Write every case into ``out/<case>/`` and return the files by case name."""
    files = {}
    for case in CASES:
        if case.big and not big:
            continue
        folder = Path(out) / case.name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        files[case.name] = case.make(folder)
    return files


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/bad")
    for name, file in make_corpus(target, big="--small" not in sys.argv).items():
        print(f"{name:24s} {file} ({file.stat().st_size:,} bytes)")
