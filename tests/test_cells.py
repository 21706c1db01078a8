"""A simple sheet read straight from its XML gives exactly calamine's rows; anything else is left to calamine."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from html import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from sokhcn_analytics.ingest import cells, safety, workbook
from sokhcn_analytics.ingest.template import write_template

# cell styles of the generated workbooks: 0 General, 1 a number format, 2 a date, 3 a custom date
STYLES = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2">'
          b'<numFmt numFmtId="164" formatCode="#,##0.##"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy"/></numFmts>'
          b'<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
          b'<cellXfs count="4"><xf numFmtId="0" fontId="0"/><xf numFmtId="164" fontId="0"/>'
          b'<xf numFmtId="14" fontId="0"/><xf numFmtId="165" fontId="0"/></cellXfs></styleSheet>')
TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' \
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' \
    b'<Default Extension="xml" ContentType="application/xml"/>' \
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' \
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' \
    b'<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' \
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' \
    b'</Types>'
RELS = b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' \
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" ' \
    b'Target="xl/workbook.xml"/></Relationships>'
WORKBOOK = b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' \
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' \
    b'<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
WORKBOOK_RELS = b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' \
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" ' \
    b'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" ' \
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' \
    b'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" ' \
    b'Target="sharedStrings.xml"/></Relationships>'


def _letters(c: int) -> str:
    return workbook._column_letter(c + 1)


def _cell_xml(ref: str, cell, shared: list) -> str:
    """One cell as Excel or openpyxl write it; ``cell`` is ``(how, value, style)``."""
    how, value, style = cell
    s = f' s="{style}"' if style else ""
    if how == "inline":
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(value, quote=False)}</t></is></c>'
    if how == "shared":
        shared.append(value)
        return f'<c r="{ref}"{s} t="s"><v>{len(shared) - 1}</v></c>'
    if how == "number":
        return f'<c r="{ref}"{s} t="n"><v>{value}</v></c>' if style != 1 else f'<c r="{ref}"{s}><v>{value}</v></c>'
    if how == "empty":
        return f'<c r="{ref}"{s} t="n"></c>' if style else f'<c r="{ref}"{s}/>'
    if how == "bool":
        return f'<c r="{ref}" t="b"><v>{value}</v></c>'
    return f'<c r="{ref}"><f>1+1</f><v>{value}</v></c>'  # a formula with its saved value


def _book(grid: list[list]) -> tuple[bytes, bytes, bytes]:
    """``(file, sheet XML, shared strings XML)`` of a one-sheet workbook holding ``grid``."""
    shared, rows = [], []
    for r, row in enumerate(grid):
        rows.append(f'<row r="{r + 1}">' + "".join(_cell_xml(f"{_letters(c)}{r + 1}", cell, shared)
                                                    for c, cell in enumerate(row) if cell is not None) + "</row>")
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + "".join(rows) + "</sheetData></worksheet>").encode()
    strings = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "".join(
        f'<si><t xml:space="preserve">{escape(v, quote=False)}</t></si>' for v in shared) + "</sst>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("[Content_Types].xml", TYPES), ("_rels/.rels", RELS), ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), ("xl/styles.xml", STYLES),
                           ("xl/sharedStrings.xml", strings), ("xl/worksheets/sheet1.xml", sheet)):
            zf.writestr(name, data)
    return out.getvalue(), sheet, strings


def _calamine(book: bytes) -> list:
    return CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_name("S").to_python(skip_empty_area=False)


def _typed(rows: list) -> list:
    return [[(type(v), v) for v in row] for row in rows]


TEXT = st.text(st.sampled_from(list("aZ 09&<>\"'_x.-,đăêôươĐỆ\n\t")), min_size=1, max_size=8)
NUMBER = st.one_of(st.integers(-10**6, 10**12).map(str), st.floats(-1e9, 1e9, allow_nan=False).map(repr),
                   st.sampled_from(["1E3", "2.5e-7", "-0", "007", "1.50"]))
CELL = st.one_of(
    st.none(),
    st.tuples(st.just("inline"), TEXT, st.sampled_from([0, 1])),
    st.tuples(st.just("shared"), TEXT, st.sampled_from([0, 1])),
    st.tuples(st.just("number"), NUMBER, st.sampled_from([0, 1, 2, 3])),
    st.tuples(st.just("empty"), st.just(""), st.sampled_from([0, 1])),
    st.tuples(st.just("bool"), st.sampled_from(["0", "1"]), st.just(0)),
    st.tuples(st.just("formula"), NUMBER, st.just(0)),
)
PLAIN_CELL = st.one_of(st.none(), st.tuples(st.just("inline"), TEXT, st.just(0)),
                       st.tuples(st.just("shared"), TEXT, st.just(1)),
                       st.tuples(st.just("number"), NUMBER, st.sampled_from([0, 1])))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=6))
def test_rows_read_from_the_xml_are_calamines_or_none(grid):
    book, sheet, strings = _book(grid)
    rows = cells.sheet_rows(sheet, strings, STYLES)
    if rows is not None:
        assert _typed(rows) == _typed(_calamine(book))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(PLAIN_CELL, min_size=1, max_size=6), min_size=1, max_size=6))
def test_a_sheet_of_text_and_numbers_is_read_from_the_xml(grid):
    book, sheet, strings = _book(grid)
    rows = cells.sheet_rows(sheet, strings, STYLES)
    if any(cell is not None for row in grid for cell in row):
        assert rows is not None and _typed(rows) == _typed(_calamine(book))


@pytest.mark.parametrize("cell", [("number", "45000", 2), ("number", "45000", 3), ("bool", "1", 0),
                                  ("formula", "2", 0)])
def test_dates_booleans_and_formulas_are_left_to_calamine(cell):
    _, sheet, strings = _book([[("inline", "a", 0), cell]])
    assert cells.sheet_rows(sheet, strings, STYLES) is None


def test_a_monthly_workbook_is_read_without_calamine(tmp_path, monkeypatch):
    book = write_template("2021-01", tmp_path / "2021-01_so-khcn-bac-kan.xlsx",
                          results={"orchid_flasks": 120, "inspections": 3.5})
    expected = workbook.read_workbook_rows(book, today=dt.date(2021, 3, 1))
    with monkeypatch.context() as m:  # the same rows through calamine
        m.setattr(cells, "sheet_rows", lambda *a: None)
        m.setattr(workbook, "_PARSED", {})
        assert workbook.read_workbook_rows(book, today=dt.date(2021, 3, 1)) == expected
    monkeypatch.setattr(workbook, "_PARSED", {})
    monkeypatch.setattr(CalamineWorkbook, "from_filelike", None)  # calamine cannot be used
    assert workbook.read_workbook_rows(book, today=dt.date(2021, 3, 1)) == expected
    assert sorted(r["value"] for r in expected[0]) == [3.5, 120.0]


def test_a_workbook_with_a_formula_is_read_by_calamine(tmp_path, monkeypatch):
    book = write_template("2021-01", tmp_path / "2021-01_so-khcn-bac-kan.xlsx", results={"orchid_flasks": 120})
    changed = tmp_path / "2021-01_so-khcn-bac-kan-f.xlsx"
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = data.replace(b't="n"><v>120</v>', b'><f>100+20</f><v>120</v>')
            zout.writestr(info, data)
    xml = safety.check_workbook_file(changed)
    assert b"<f>" in xml["ChiTieu"] and cells.sheet_rows(xml["ChiTieu"]) is None
    rows, _ = workbook.read_workbook_rows(changed, today=dt.date(2021, 3, 1))
    assert [r["value"] for r in rows] == [120.0]


def test_text_that_is_not_utf8_is_left_to_calamine():
    _, sheet, strings = _book([[("inline", "a", 0)]])
    assert cells.sheet_rows(sheet.replace(b"<t>a</t>", b"<t>\x80a</t>"), strings, STYLES) is None


@pytest.mark.parametrize("reference", ["&#9999999;", "&#xD800;", "&#1;", "&nbsp;"])
def test_a_reference_to_no_xml_character_is_left_to_calamine(reference):
    _, sheet, strings = _book([[("inline", "a", 0)]])
    assert cells.sheet_rows(sheet.replace(b"<t>a</t>", f"<t>a{reference}</t>".encode()), strings, STYLES) is None
