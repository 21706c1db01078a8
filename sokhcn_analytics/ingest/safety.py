"""Checks a workbook file must pass before any parser opens it.

An ``.xlsx`` is a zip of XML parts. A damaged or hostile one can be a text file with the
wrong name, a truncated download, a zip bomb (a few MB that inflate to gigabytes), XML with
entity expansion, or a sheet of millions of cells. :func:`check_workbook_file` streams every
part once in 1 MB chunks (so memory stays flat whatever the file claims), verifies its
checksum, stops as soon as more bytes come out than the zip declared or than a monthly
workbook can hold, and refuses any DOCTYPE/ENTITY declaration wherever it hides.

:func:`check_sheets` then looks at the sheets the loader reads for what a parser would
silently get wrong: formula cells saved without their computed value (files written by
scripts) and merged cells (a merge keeps only its top-left value; the rest of the data
under it would vanish).
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

from sokhcn_analytics.core.errors import InputError, Problem

MAX_UNCOMPRESSED = 64 * 1024 * 1024  # a monthly workbook is well under 1 MB, a long task register a few MB
MAX_RATIO = 200  # XML compresses about 10-20×; bombs compress thousands of times
MAX_PARTS = 2000
MAX_CELLS = 200_000  # per sheet; the indicator sheet has about 200 cells, a task register a few thousand
CHUNK = 1 << 20
IN_MEMORY = 16 * 1024 * 1024  # files up to this size are read at once and checked in memory
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL_STARTS = (b"<c ", b"<c>", b"<c/")  # a cell element; counted with bytes.count, far faster than a regex
_DIMENSION = re.compile(rb'<dimension ref="([A-Z0-9:]+)"')
# any length: a reference longer than Excel allows (B999999999999) must be caught here, not left to the reader
_CELL_REF = re.compile(rb'<(?:c r="([A-Z]+)|row r=")([0-9]+)"')
_ROW_NUMBER = re.compile(rb'<(?:c r="[A-Z]+|row r=")([0-9]+)"')
_COLUMN_LETTERS = re.compile(rb'<c r="([A-Z]+)[0-9]+"')
MAX_AREA = 2_000_000  # rows × columns up to the farthest cell: the reader allocates all of it
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?!<v>[^<])(?!<v [^>]*>[^<])')
_ANY_FORMULA = re.compile(rb"<f[^>]*/>|<f[^>]*>[^<]*</f>")  # the formula part of _FORMULA_NO_VALUE (quick: led by "<f")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


class SheetXml(dict):
    """The XML of a workbook's sheets by sheet name; ``context``: the other parts under ``xl/``
    (workbook, relationships, shared strings, styles, theme) as one bytes string — with a sheet's
    XML, everything what a reader makes of the sheet depends on; ``parts``: every part as checked,
    by its name in the zip; ``stored``: the whole workbook again, every part as checked, in a zip
    without compression (:func:`stored_zip`), made when first asked for (a sheet read straight
    from its XML needs none)."""
    context: bytes = b""
    parts: dict = {}
    entries: list = []  # the zip's entries, in its order

    @property
    def stored(self) -> bytes:
        if (made := self.__dict__.get("_stored")) is None:
            made = self.__dict__["_stored"] = stored_zip([(info, self.parts[info.filename]) for info in self.entries])
        return made


def check_workbook_file(path: Path) -> SheetXml:
    """Raise :class:`InputError` unless ``path`` looks like a safe, undamaged Excel workbook.

    Returns the XML of its sheets by sheet name (inflated for the checks anyway), for
    :func:`check_sheets`.
    """
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise InputError(Problem("file_not_found", "không tìm thấy file", file))
    size = path.stat().st_size
    if size == 0:
        raise InputError(Problem("empty_file", "file rỗng (0 byte); lưu lại file từ Excel", file))
    # a usual workbook (tens of KB) is read at once and checked in memory; a large file is streamed
    source = io.BytesIO(path.read_bytes()) if size <= IN_MEMORY else path
    try:
        opened = zipfile.ZipFile(source)
    except Exception:  # asked only now (most files are zips, opened once); a zip fails again below
        if not zipfile.is_zipfile(path):
            raise InputError(_not_a_zip(path)) from None
        opened = None
    try:
        with opened or zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            _check_sizes(file, infos)
            with (open(path, "rb") if source is path else source) as fh:
                return _scan_parts(file, fh, infos)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, OSError, EOFError,
            ValueError) as exc:
        raise InputError(Problem("corrupt_file", f"file Excel bị hỏng ({exc}); lấy lại bản gốc hoặc mở bằng Excel "
                                 "rồi lưu lại", file)) from None


def _not_a_zip(path: Path) -> Problem:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head in _ZIP_MAGIC:  # a zip whose end is missing: an interrupted copy or download
        return Problem("corrupt_file", "file Excel bị hỏng hoặc không đầy đủ (có thể do chép/tải về bị ngắt); "
                       "lấy lại bản gốc", str(path))
    if head == _OLE_MAGIC[:4]:  # Excel 97-2003, or any workbook saved with a password (encrypted in OLE)
        return Problem("not_a_workbook", "file là sổ Excel cũ (.xls) hoặc sổ Excel có đặt mật khẩu; mở bằng Excel, "
                       "gỡ mật khẩu nếu có và lưu dưới dạng .xlsx", str(path))
    return Problem("not_a_workbook", "file không phải là sổ Excel .xlsx (có thể là file văn bản hoặc .xls cũ đổi "
                   "tên); mở bằng Excel và lưu dưới dạng .xlsx", str(path))


def _check_sizes(file: str, infos) -> None:
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):  # readers disagree on which copy counts: what is checked may not be read
        twice = sorted({n for n in names if names.count(n) > 1})
        raise InputError(Problem("corrupt_file", f"file zip có nhiều phần trùng tên ({', '.join(twice)}); file bị "
                                 "sửa ngoài Excel, mở bằng Excel rồi lưu lại", file))
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > MAX_PARTS or total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise InputError(_bomb(file, total, packed))


def _bomb(file: str, total: int, packed: int) -> Problem:
    from sokhcn_analytics.core.vnformat import format_number

    return Problem("zip_bomb", f"file giải nén ra hơn {format_number(total / 1e6, 0)} MB từ "
                   f"{format_number(packed / 1e6, 2)} MB; "
                   "quá lớn cho một sổ số liệu tháng, file bị từ chối", file)


def _scan_parts(file: str, fh, infos) -> SheetXml:
    """Inflate every part once, chunk by chunk: checksums, real sizes, DOCTYPE, cell counts.

    The workbook part and its relationships come first: they name the sheets, which are
    counted and bounded as they inflate.
    """
    packed_total = sum(i.compress_size for i in infos) or 1
    inflated, xml, context, sheets, mapped, parts = 0, SheetXml(), {}, {}, False, {}
    for info in sorted(infos, key=lambda i: i.filename not in _WORKBOOK_PARTS):  # stable: zip order otherwise
        if not mapped and info.filename not in _WORKBOOK_PARTS:  # the workbook's parts are in
            found, mapped = [context.get(p) for p in _WORKBOOK_PARTS], True
            sheets = {part: name for name, part in _sheet_map(*found).items()} if all(found) else {}
        packed = _packed(fh, info) if info.compress_size <= SEEN_PART_MAX else None
        seen_key = (info.filename, info.filename in sheets, info.CRC, info.file_size, info.compress_type,
                    info.flag_bits, packed)
        if packed is not None and (seen := _seen(seen_key)) is not None:
            inflated += len(seen)
            if inflated > MAX_UNCOMPRESSED:
                raise InputError(_bomb(file, inflated, packed_total))
            _keep(info, seen, parts, sheets, xml, context)
            continue
        tail, cells, dimension, crc, size, far = b"", 0, b"", 0, 0, (0, 0, "", 0)
        kept = []
        for chunk in _inflate(fh, info):
            size += len(chunk)
            inflated += len(chunk)
            # other readers would inflate on, to gigabytes maybe; a little more than declared is
            # damage (a bad byte in the stream), caught by the size and CRC check below
            if size > 2 * info.file_size + CHUNK:
                raise InputError(Problem("zip_bomb", f"phần '{info.filename}' giải nén ra nhiều hơn kích thước "
                                         "khai báo trong file zip (file bị sửa có chủ đích, có thể là zip bomb); "
                                         "file bị từ chối", file))
            if inflated > MAX_UNCOMPRESSED:
                raise InputError(_bomb(file, inflated, packed_total))
            crc = zlib.crc32(chunk, crc)
            window = tail + chunk
            # "!" alone is found at memory speed (a one-byte search) and is rare in a workbook's XML
            if b"!" in window and b"<!" in window and _DOCTYPE.search(window):
                raise InputError(Problem("xml_entities", f"phần '{info.filename}' chứa khai báo DOCTYPE/"
                                         "ENTITY (có thể là tấn công XML); file bị từ chối", file))
            if info.filename in sheets:
                if info.file_size >= MAX_CELLS * len(b"<c/>"):  # a smaller part cannot hold that many cells
                    if not dimension and (m := _DIMENSION.search(window)):
                        dimension = m.group(1)
                    cells += _count_cells(chunk) + _count_cells(tail[-2:] + chunk[:2])
                    if cells > MAX_CELLS:
                        raise InputError(_too_large(file, sheets[info.filename], dimension))
                whole = not tail and size == info.file_size  # the part in one chunk: bounds are enough
                far = _farthest_bound(window, far) if whole else _farthest(window, far)
            kept.append(chunk)
            tail = chunk[-32:]
        if far[0] * far[1] > MAX_AREA:
            raise InputError(_too_far(file, sheets[info.filename], far[2] or f"A{far[0]}"))
        if size != info.file_size or crc != info.CRC:
            raise zipfile.BadZipFile(f"phần '{info.filename}' bị hỏng (sai kích thước hoặc CRC)")
        _keep(info, b"".join(kept), parts, sheets, xml, context)
        if packed is not None:
            _remember(seen_key, parts[info.filename])
    xml.context = b"\0".join(context[n] + b"\0" + n.encode() for n in sorted(context))
    xml.parts, xml.entries = parts, list(infos)
    return xml


def _keep(info, data: bytes, parts: dict, sheets: dict, xml: SheetXml, context: dict) -> None:
    parts[info.filename] = data
    if info.filename in sheets:
        xml[sheets[info.filename]] = data
    elif info.filename.startswith("xl/"):
        context[info.filename] = data


# Parts that passed every check, by their compressed bytes. Workbooks made from one template share most
# parts byte for byte (styles, theme, the guide sheet, an empty task register): the same compressed
# bytes inflate to the same bytes, which pass the same checks, so they are compared (a memcmp), not
# inflated and scanned again. Keyed by the bytes themselves, never by a checksum a file could forge.
SEEN_PART_MAX = 256 * 1024  # compressed bytes: larger parts (a long task register) are always scanned
_SEEN: dict = {}
_SEEN_MAX = 64  # the least recently met go first: a shared part is met in every file


def _packed(fh, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of one part, as its local header places them."""
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"phần '{info.filename}' không có phần đầu hợp lệ")
    fh.seek(int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little"), 1)
    data = fh.read(info.compress_size)
    if len(data) != info.compress_size:
        raise EOFError(info.filename)
    return data


def _seen(key) -> bytes | None:
    data = _SEEN.pop(key, None)
    if data is not None:
        _SEEN[key] = data  # now the most recently met
    return data


def _remember(key, data: bytes) -> None:
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.pop(next(iter(_SEEN)))
    _SEEN[key] = data


def stored_zip(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    """A zip of ``parts`` (each ``(its entry in the checked file, its inflated bytes)``), stored without
    compression: the reader then parses exactly the bytes that were checked (no second reading of the file,
    nothing a second zip parser could see differently) and need not inflate them again, which took it
    a seventh of its time. Checksums are the file's, verified against these bytes by the scan."""
    local, central, offset = [], [], 0
    for info, data in parts:
        name = info.filename.encode("utf-8")
        head = (20, 0x800, 0, 0, 0x21, info.CRC, len(data), len(data), len(name), 0)  # 0x800: UTF-8 name
        local += [struct.pack("<4s5H3L2H", b"PK\x03\x04", *head), name, data]
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *head, 0, 0, 0, 0, offset) + name)
        offset += 30 + len(name) + len(data)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join(local) + directory + end


def _count_cells(data: bytes) -> int:
    return sum(data.count(start) for start in _CELL_STARTS)


def _inflate(fh, info: zipfile.ZipInfo):
    """The bytes of one part, read from the raw stream so a wrong size in the header cannot hide more.

    ``zipfile`` stops at the size the header declares; other readers (calamine) inflate on
    to the end of the stream, so the stream itself is what must be measured.
    """
    if info.flag_bits & 0x1:
        raise zipfile.BadZipFile("file Excel được đặt mật khẩu; gỡ mật khẩu rồi lưu lại")
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"phần '{info.filename}' không có phần đầu hợp lệ")
    fh.seek(int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little"), 1)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            chunk = fh.read(min(CHUNK, left))
            if not chunk:
                raise EOFError(info.filename)
            left -= len(chunk)
            yield chunk
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise zipfile.BadZipFile(f"phần '{info.filename}' nén theo kiểu Excel không dùng ({info.compress_type})")
    inflater = zlib.decompressobj(-15)
    while left > 0 or inflater.unconsumed_tail:
        data = inflater.unconsumed_tail
        if not data:
            data = fh.read(min(CHUNK, left))
            if not data:
                raise EOFError(info.filename)
            left -= len(data)
        chunk = inflater.decompress(data, CHUNK)
        if chunk:
            yield chunk
    rest = inflater.flush()
    if rest:
        yield rest


def _farthest(data: bytes, far: tuple) -> tuple:
    """``(max row, max column, the cell spanning the largest area, that area)`` over ``data`` and ``far``.

    The maxima come from the distinct row numbers and column letters (a sheet repeats them
    thousands of times); the cell itself is looked for only once they pass the limit,
    which is when an error names it.
    """
    max_row, max_col, ref, area = far
    rows, columns = set(_ROW_NUMBER.findall(data)), set(_COLUMN_LETTERS.findall(data))
    max_row = max(max_row, max((_row_number(r) for r in rows), default=0))
    max_col = max(max_col, max(map(_column_number, columns), default=0))
    if max_row * max_col <= MAX_AREA:
        return max_row, max_col, ref, area
    return _farthest_cell(data, (max_row, max_col, ref, area))


_LONGER_ROW = [re.compile(rb'<(?:c r="[A-Z]{1,3}|row r=")[0-9]{%d,}"' % (d + 1)) for d in range(10)]
_LONGER_COLUMN = [re.compile(rb'<c r="[A-Z]{%d,}[0-9]' % (n + 1)) for n in range(4)]
# found wherever a row number of 4+ digits or a column of 2+ letters is (and sometimes elsewhere): one
# search, led by a literal the regex engine skips to, clears the usual sheet
_USUAL_BOUNDS = re.compile(rb'r="(?:[A-Z]{0,3}[0-9]{4}|[A-Z]{2})')
_LAST_COLUMN = {1: 26, 2: 702, 3: 18278}  # Z, ZZ, ZZZ


def _farthest_bound(data: bytes, far: tuple) -> tuple:
    """:func:`_farthest` of a whole sheet, or bounds on it when they are below the limit.

    A sheet whose row numbers have at most 3 digits and whose columns one letter spans at
    most 999 × 26 cells: two regex searches that find nothing say so, without looking at
    each of its cells.
    """
    if not _USUAL_BOUNDS.search(data):  # rows of at most 3 digits, columns of one letter
        digits, letters = 3, 1
    else:
        digits = next((d for d in range(3, 10) if not _LONGER_ROW[d].search(data)), 10)
        letters = next((n for n in range(1, 3) if not _LONGER_COLUMN[n].search(data)), 3)
    rows, columns = 10 ** digits - 1, _LAST_COLUMN[letters]
    if far[0] or far[1] or rows * columns > MAX_AREA:
        return _farthest(data, far)
    return rows, columns, "", 0


def _row_number(digits: bytes) -> int:
    """A row number; a longer digit string than any sheet has is past every limit (never parsed whole)."""
    return int(digits) if len(digits) <= 9 else 10 ** 10


def _column_number(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col


def _farthest_cell(data: bytes, far: tuple) -> tuple:
    """:func:`_farthest` cell by cell, which also finds the cell of the largest area."""
    max_row, max_col, ref, area = far
    for letters, digits in _CELL_REF.findall(data):
        row, col = _row_number(digits), 0
        for ch in letters:
            col = col * 26 + ch - 64
        if row * col > area:
            ref, area = f"{letters.decode()}{row}", row * col
        max_row, max_col = max(max_row, row), max(max_col, col)
    return max_row, max_col, ref, area


def _too_far(file: str, sheet: str, ref: str) -> Problem:
    return Problem("too_large", "có ô chứa dữ liệu nằm quá xa vùng số liệu (chương trình đọc sẽ phải cấp bộ nhớ cho "
                   "cả vùng từ A1 tới ô đó); xóa nội dung và định dạng của ô đó rồi lưu lại", file, sheet, ref)


def _too_large(file: str, sheet: str, dimension: bytes) -> Problem:
    return Problem("too_large", f"sheet có hơn {MAX_CELLS:,} ô dữ liệu".replace(",", ".") +
                   " (sổ số liệu tháng chỉ có vài trăm ô); có thể đã dán nhầm cả bảng dữ liệu khác vào, xóa các "
                   "dòng thừa rồi lưu lại", file, sheet, dimension.decode())


def check_sheets(path: Path, sheet_names: list[str], xml: dict[str, bytes] | None = None) -> None:
    """Refuse formula cells without a saved value and merged cells in the sheets the loader reads.

    ``xml`` is what :func:`check_workbook_file` returned (the file is not opened again).
    """
    path = Path(path)
    problems = []
    sheets = xml if xml is not None else dict(_sheet_xml(path))
    for name in sheet_names:
        if (data := sheets.get(name)) is None:
            continue
        area = _cell_area(data)
        start, end = area or (0, len(data))
        # the regexes only where there is something to find: most sheets have no formula
        if _ANY_FORMULA.search(data, start, end):
            problems += [Problem("formula_without_value", "ô có công thức nhưng chưa có giá trị đã tính; mở file "
                                 "bằng Excel hoặc LibreOffice rồi lưu lại (hoặc nhập số thay cho công thức)",
                                 str(path), name, m.group(1).decode())
                         for m in _FORMULA_NO_VALUE.finditer(data, start, end)]
        if (data.find(b"<mergeCell ", 0, start) >= 0 or data.find(b"<mergeCell ", end) >= 0 if area
                else b"<mergeCell " in data):
            problems += [Problem("merged_cells", "vùng ô bị gộp (merge): chỉ giữ được số ở ô đầu, số ở các ô còn "
                                 "lại sẽ mất; bỏ gộp ô (Unmerge) và nhập đủ từng ô", str(path), name,
                                 m.group(1).decode()) for m in _MERGE.finditer(data)]
    if problems:
        raise InputError(problems)


def _cell_area(data: bytes) -> tuple[int, int] | None:
    """Where a sheet's cells can be: from its first ``<sheetData`` to its last ``</sheetData>``
    (``None`` if either is missing: then anywhere). Readers take cells, and so formulas, only
    there, and merged ranges only outside (``<mergeCells>`` follows the cells)."""
    start, end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    return (start, end) if 0 <= start < end else None


def _sheet_xml(path: Path):
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for name, part in _sheet_parts(zf).items():
            if part in names:
                yield name, zf.read(part)


check_formulas = check_sheets  # the name the loader used first


_WORKBOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Map sheet names to their XML part inside the zip."""
    try:
        return _sheet_map(*(zf.read(part) for part in _WORKBOOK_PARTS))
    except KeyError:
        return {}


def _sheet_map(workbook: bytes, rels: bytes) -> dict[str, str]:
    """Sheet names to their XML part, from the workbook part and its relationships."""
    wb, rels = workbook.decode("utf-8", "replace"), rels.decode("utf-8", "replace")
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
