"""Checks a workbook file must pass before any parser opens it.

An ``.xlsx`` is a zip of XML parts. A damaged or hostile one can be a text file with the
wrong name, a zip bomb (a few kB that inflate to gigabytes) or XML with entity expansion.
These checks read only the zip directory and the first bytes of each part, so they are
quick and use little memory.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .errors import InputError, Problem

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a monthly workbook is well under 1 MB
MAX_RATIO = 200  # XML compresses about 10-20×; bombs compress thousands of times
MAX_PARTS = 2000
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA_NO_VALUE = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?!<v>)')


def check_workbook_file(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` looks like a safe Excel workbook."""
    file = str(path)
    if not path.exists():
        raise InputError(Problem("file_not_found", "không tìm thấy file", file))
    if path.stat().st_size == 0:
        raise InputError(Problem("empty_file", "file rỗng (0 byte); lưu lại file từ Excel", file))
    if not zipfile.is_zipfile(path):
        raise InputError(Problem("not_a_workbook", "file không phải là sổ Excel .xlsx (có thể là file văn bản hoặc "
                                 ".xls cũ đổi tên); mở bằng Excel và lưu dưới dạng .xlsx", file))
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_sizes(file, infos)
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with zf.open(info) as part:
                        if _DOCTYPE.search(part.read(4096)):
                            raise InputError(Problem("xml_entities", f"phần '{info.filename}' chứa khai báo DOCTYPE/"
                                                     "ENTITY (có thể là tấn công XML); file bị từ chối", file))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(Problem("corrupt_file", f"file Excel bị hỏng ({exc}); lấy lại bản gốc", file)) from None


def _check_sizes(file: str, infos) -> None:
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > MAX_PARTS or total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise InputError(Problem("zip_bomb", f"file giải nén ra {total / 1e6:,.0f} MB từ {packed / 1e6:,.2f} MB; "
                                 "quá lớn cho một sổ số liệu tháng, file bị từ chối", file))


def check_formulas(path: Path, sheet_names: list[str]) -> None:
    """Refuse formula cells saved without their computed value (files written by scripts)."""
    with zipfile.ZipFile(path) as zf:
        targets = _sheet_parts(zf)
        problems = []
        for name in sheet_names:
            part = targets.get(name)
            if part is None or part not in zf.namelist():
                continue
            data = zf.read(part)
            if b"<f" not in data:
                continue
            for m in _FORMULA_NO_VALUE.finditer(data):
                problems.append(Problem("formula_without_value", "ô có công thức nhưng chưa có giá trị đã tính; "
                                        "mở file bằng Excel hoặc LibreOffice rồi lưu lại", str(path), name,
                                        m.group(1).decode()))
        if problems:
            raise InputError(problems)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Map sheet names to their XML part inside the zip."""
    try:
        wb = zf.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    targets.update({a: b for b, a in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
    out = {}
    for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb):
        target = targets.get(rid, "")
        out[_unescape(name)] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)
