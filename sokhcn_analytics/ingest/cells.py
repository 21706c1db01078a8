"""The rows of a simple sheet, read straight from the XML the safety scan already inflated.

A monthly workbook's sheets are plain: text (inline or shared strings) and numbers, no
formulas, no dates, no rich text. For such a sheet, :func:`sheet_rows` gives exactly what
python-calamine's ``to_python(skip_empty_area=False)`` gives (rows from A1 to the last
filled cell, ``""`` where empty, numbers as ``float``) without a second parse of the file.
Anything else (a formula, a date or a date-formatted number, a boolean, rich text, an
escape it does not know, XML it does not recognise) gives ``None``: the caller then reads
the sheet with calamine, as before. ``tests/test_cells.py`` checks both agree on generated
sheets.

>>> xml = b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>M&#227;</t></is></c>' \\
...       b'<c r="B1"><v>40</v></c></row></sheetData></worksheet>'
>>> sheet_rows(xml)
[['Mã', 40.0]]
"""
from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter

_ROW_TAGS = rb'(?:</row>|<row r="[0-9]{1,7}"[^<>]*?/>|<row r="[0-9]{1,7}"[^<>/]*>)*'
# one cell, from after its "<c " to the next cell: the sheetData is split at every "<c " (text cannot hold a
# "<"), so each piece is one cell and the row tags after it, and must match this whole
_PIECE = re.compile(rb'r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,5})")?(?: t="(n|s|inlineStr)")?'
                    rb'(?:/>|>(?:<v>([^<]+)</v>|<is><t(?: xml:space="preserve")?>([^<]+)</t></is>)?</c>)' + _ROW_TAGS)
_LEAD = re.compile(_ROW_TAGS)
_NUMBER = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_SHARED = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<]+)</t></si>')
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")  # an escape calamine decodes
_XF = re.compile(rb'<xf [^>]*?numFmtId="([0-9]+)"')
_CUSTOM = re.compile(rb'<numFmt numFmtId="([0-9]+)" formatCode="([^"]*)"')
# built-in number formats that show a number as a number (not a date or time: calamine turns those into dates)
_PLAIN_FORMATS = {0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 37, 38, 39, 40, 48, 49}
_DATE_LETTERS = re.compile(rb"[dmyhsDMYHSeEgGbBaA]")  # any of them: maybe a date format, left to calamine
_EMPTY, _NOT_SIMPLE = (), False  # (None: not met yet)
# What each cell's XML gave, under the last styles and shared strings met: the cells of workbooks made from
# one template repeat (codes, names, units, many values), so most are looked up, not parsed.
_MET: dict = {}
_MET_MAX = 100_000


def sheet_rows(data: bytes, shared: bytes | None = None, styles: bytes | None = None) -> list[list] | None:
    """The sheet's rows as calamine gives them, or ``None`` when the sheet is not simple enough.

    ``shared``: the workbook's ``xl/sharedStrings.xml``; ``styles``: its ``xl/styles.xml``
    (which says whether a number is shown as a date).
    """
    start, end = data.find(b"<sheetData>"), data.rfind(b"</sheetData>")
    if start < 0 or end < start or b"\r" in data or _ESCAPE.search(data):
        return None
    pieces = data[start + len(b"<sheetData>"):end].split(b"<c ")
    if len(pieces) < 2 or not _LEAD.fullmatch(pieces[0]):
        return None
    met = _met(shared, styles)
    cells = list(map(met.get, pieces[1:]))
    if None in cells:  # not met before
        cells = [met.setdefault(piece, _cell(piece, shared, styles)) if cell is None else cell
                 for piece, cell in zip(pieces[1:], cells)]
    if _NOT_SIMPLE in cells:
        return None
    found = list(filter(None, cells))
    if not found:
        return None
    width = max(map(itemgetter(1), found)) + 1
    rows = [[""] * width for _ in range(max(map(itemgetter(0), found)) + 1)]
    for r, c, value in found:
        rows[r][c] = value
    if len(set(map(itemgetter(0, 1), found))) != len(found):  # the same cell twice: left to calamine
        return None
    return rows


def _met(shared, styles) -> dict:
    key = (shared, styles)
    if _MET.get("key") != key or len(_MET) > _MET_MAX:
        _MET.clear()
        _MET["key"] = key  # not a piece of XML: a piece never starts with a letter that is not r="
    return _MET


def _cell(piece: bytes, shared: bytes | None, styles: bytes | None):
    """``(row, column, value)`` of one cell's XML, :data:`_EMPTY` for an empty one, :data:`_NOT_SIMPLE`."""
    m = _PIECE.fullmatch(piece)
    if m is None:
        return _NOT_SIMPLE
    letters, row, style, kind, number, text = m.groups()
    if kind == b"inlineStr":
        if text is None:
            return _EMPTY
        value = _text(text)
    elif kind == b"s":
        strings = _shared_strings(shared) if shared is not None else ()
        value = strings[int(number)] if number and number.isdigit() and int(number) < len(strings) else None
    elif text is not None:  # inline text in a number cell
        return _NOT_SIMPLE
    elif number is None:
        return _EMPTY
    elif not _NUMBER.fullmatch(number):
        return _NOT_SIMPLE
    elif int(style or 0) in (_dated_styles(styles) if styles is not None else ()):
        return _NOT_SIMPLE
    else:
        value = float(number)
    if value is None:
        return _NOT_SIMPLE
    return int(row) - 1, _column(letters), value


@lru_cache(maxsize=4096)
def _column(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col - 1


@lru_cache(maxsize=8192)
def _text(raw: bytes) -> str | None:
    """The text of an XML text node (``None`` if it is not UTF-8 or holds an entity XML does not define)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # damaged: calamine says what is wrong
        return None
    if "&" not in text:
        return text
    if "&" in _ENTITY.sub("", text):
        return None
    try:
        return _ENTITY.sub(_entity, text)
    except ValueError:  # a character reference to no character
        return None


def _entity(m) -> str:
    name = m.group(1)
    if name[0] != "#":
        return _NAMED[name]
    code = int(name[2:], 16) if name[1] == "x" else int(name[1:])
    if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF):
        raise ValueError(code)  # not a character XML allows
    return chr(code)


@lru_cache(maxsize=8)
def _shared_strings(data: bytes) -> tuple:
    """The shared strings in order; ``None`` for one that is not plain text (rich text, phonetics)."""
    start = data.find(b"<sst")
    items = data.split(b"<si>")[1:] if start >= 0 else []
    out = []
    for item in items:
        m = _SHARED.match(b"<si>" + item.split(b"</si>")[0] + b"</si>")
        out.append(None if m is None or b"\r" in m.group(1) or _ESCAPE.search(m.group(1)) else _text(m.group(1)))
    return tuple(out)


@lru_cache(maxsize=8)
def _dated_styles(data: bytes) -> frozenset:
    """The cell styles (indexes into ``cellXfs``) under which calamine may read a number as a date."""
    custom = {int(i): code for i, code in _CUSTOM.findall(data)}
    start, end = data.find(b"<cellXfs"), data.find(b"</cellXfs>")
    if start < 0 or end < start:
        return frozenset(range(1 << 16))  # no cell styles found: every styled number goes to calamine
    dated = set()
    for n, fmt in enumerate(int(i) for i in _XF.findall(data, start, end)):
        if fmt in custom and not _DATE_LETTERS.search(custom[fmt]) or fmt in _PLAIN_FORMATS and fmt not in custom:
            continue
        dated.add(n)
    if data.count(b"<xf ", start, end) != len(_XF.findall(data, start, end)):  # an xf without numFmtId
        return frozenset(range(1 << 16))
    return frozenset(dated)
