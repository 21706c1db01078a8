"""The quick paths the store's reading takes for usual files decide as the full checks would.

The safety scan and the loader first try a cheaper test for the usual case (a one-letter,
three-digit sheet; no formula element; a known code; a plain number) and fall back to the
full checks otherwise: the cheap tests may let through only what the full ones would.
"""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sokhcn_analytics.ingest import safety
from sokhcn_analytics.ingest.workbook import read_workbook_rows, write_template

LETTERS = st.text(alphabet="ABCXYZ", min_size=1, max_size=4)
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=12)
CELL = st.builds(lambda col, row, value: f'<c r="{col}{row}" t="n"><v>{value}</v></c>'.encode(), LETTERS, DIGITS,
                 st.integers(0, 999))
ROW = st.builds(lambda row: f'<row r="{row}" spans="1:6">'.encode(), DIGITS)


@given(st.lists(CELL | ROW, max_size=8))
@settings(max_examples=300, deadline=None)
def test_the_one_search_for_usual_bounds_misses_nothing_the_full_searches_find(parts):
    data = b"<sheetData>" + b"".join(parts) + b"</sheetData>"
    if safety._LONGER_ROW[3].search(data) or safety._LONGER_COLUMN[1].search(data):
        assert safety._USUAL_BOUNDS.search(data)
    if not safety._USUAL_BOUNDS.search(data):
        assert safety._farthest_bound(data, (0, 0, "", 0))[:2] == (999, 26)


FORMULA = st.sampled_from([b"<f>SUM(A1:A2)</f>", b'<f t="shared" si="0"/>', b"<f></f>", b"<f>1</f><v></v>",
                           b"<f>A1</f><v>3</v>", b'<formula1>"a,b"</formula1>', b""])


@given(st.lists(st.tuples(LETTERS, DIGITS, FORMULA), max_size=5))
@settings(max_examples=300, deadline=None)
def test_the_formula_search_runs_wherever_a_formula_without_value_can_be(cells):
    data = b"".join(f'<c r="{c}{r}" s="1">'.encode() + f + b"</c>" for c, r, f in cells)
    if safety._FORMULA_NO_VALUE.search(data):
        assert safety._ANY_FORMULA.search(data)


def test_whole_numbers_come_back_as_floats_like_typed_ones(tmp_path):
    book = write_template("2021-01", tmp_path / "2021-01_x.xlsx", results={"inspections": 12, "tasks_managed": 2.5},
                          plans={"inspections": "1.200"}, tasks=[dict(task_id="T1", name="n", level="provincial",
                                                                    status="approved", start_year=2021, end_year=2022,
                                                                    lead_org="L")])
    rows, tasks = read_workbook_rows(book, source_file="data/raw/x.xlsx")
    values = {(r["indicator"], r["kind"]): r["value"] for r in rows}
    assert values == {("inspections", "result"): 12.0, ("tasks_managed", "result"): 2.5, ("inspections", "plan"): 1200.0}
    assert all(type(v) is float for v in values.values())
    assert [(t["start_year"], t["end_year"]) for t in tasks] == [(2021.0, 2022.0)]
    assert {r["source_file"] for r in rows + tasks} == {"data/raw/x.xlsx"}


def _rezip(source, target, change=lambda name, data: data):
    import zipfile

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return target


def test_a_sheet_carried_over_unchanged_is_parsed_once_and_anything_it_depends_on_counts(tmp_path, monkeypatch):
    from sokhcn_analytics.ingest import workbook

    monkeypatch.setattr(workbook, "_PARSED", {})
    tasks = [dict(task_id=f"T{i}", name=f"nhiệm vụ {i}", level="provincial", status="approved", start_year=2020,
                  end_year=2022, lead_org="L") for i in range(5)]
    jan = write_template("2021-01", tmp_path / "2021-01_x.xlsx", results={"inspections": 1}, tasks=tasks,
                         targets={"inspections": 40})
    feb = write_template("2021-02", tmp_path / "2021-02_x.xlsx", results={"inspections": 2}, tasks=tasks,
                         targets={"inspections": 40})
    first, second = workbook._read_sheets(jan), workbook._read_sheets(feb)
    for name in workbook.CARRIED_OVER:  # the same register and targets: February's rows are January's
        assert second[name].rows is first[name].rows
    assert second[workbook.INDICATORS].rows is not first[workbook.INDICATORS].rows
    # what the store gets is what a fresh parse gives
    rows, got_tasks = read_workbook_rows(feb, source_file="f")
    monkeypatch.setattr(workbook, "_PARSED", {})
    assert read_workbook_rows(feb, source_file="f") == (rows, got_tasks)
    # the same sheet XML in a workbook whose styles differ (a number format may make a number a date) is parsed
    restyled = _rezip(feb, tmp_path / "2021-02_y.xlsx",
                      lambda name, data: data.replace(b"</styleSheet>", b"<!-- other --></styleSheet>")
                      if name == "xl/styles.xml" else data)
    again = workbook._read_sheets(feb)
    assert workbook._read_sheets(restyled)[workbook.TASKS].rows is not again[workbook.TASKS].rows
    # a changed register is parsed, and the cache stays small
    changed = write_template("2021-03", tmp_path / "2021-03_x.xlsx", tasks=tasks[:4])
    assert len(workbook._read_sheets(changed)[workbook.TASKS].rows) == 5
    for month in range(4, 13):
        write_template(f"2021-{month:02d}", tmp_path / f"2021-{month:02d}_x.xlsx", tasks=tasks[:month % 5])
        workbook._read_sheets(tmp_path / f"2021-{month:02d}_x.xlsx")
    assert len(workbook._PARSED) <= workbook._PARSED_MAX


SHEET_PARTS = st.sampled_from([b"<sheetData>", b"</sheetData>", b"<sheetData/>", b'<mergeCell ref="A1:B2"/>',
                               b'<c r="B3"><f>SUM(A1:A2)</f></c>', b'<c r="C4"><f>1</f><v>1</v></c>',
                               b'<row r="5">', b"</row>", b'<formula1>"a,b"</formula1>', b"<mergeCells>"])


@given(st.lists(SHEET_PARTS, max_size=8))
@settings(max_examples=400, deadline=None)
def test_looking_for_formulas_inside_the_cells_and_merges_outside_finds_what_readers_would_take(parts):
    """A formula counts where a reader takes cells (inside <sheetData>), a merge where it takes merges (outside);
    without a <sheetData>…</sheetData> both are looked for everywhere."""
    import pytest

    from sokhcn_analytics.core.errors import InputError

    data = b"<worksheet>" + b"".join(parts) + b"</worksheet>"
    area = safety._cell_area(data)
    inside = data[area[0]:area[1]] if area else data
    outside = data[:area[0]] + data[area[1]:] if area else data
    expected = {"formula_without_value"} if safety._FORMULA_NO_VALUE.search(inside) else set()
    expected |= {"merged_cells"} if b"<mergeCell " in outside else set()
    if expected:
        with pytest.raises(InputError) as caught:
            safety.check_sheets("x.xlsx", ["S"], {"S": data})
        assert {p.reason for p in caught.value.problems} == expected
    else:
        safety.check_sheets("x.xlsx", ["S"], {"S": data})


def test_the_reader_gets_the_checked_parts_stored_and_reads_what_it_reads_from_the_file(tmp_path):
    """calamine opens the workbook re-packed from the parts the scan inflated and checked (no compression);
    every part is there byte for byte, and every sheet reads as from the file itself."""
    import io
    import zipfile

    from python_calamine import CalamineWorkbook

    book = write_template("2021-01", tmp_path / "2021-01_x.xlsx", results={"inspections": 12, "tasks_managed": 2.5},
                          plans={"inspections": "1.200"}, targets={"inspections": 40}, notes={"inspections": "Báo cáo"},
                          tasks=[dict(task_id="T1", name="Nhiệm vụ ấy", level="provincial", status="approved",
                                      start_year=2021, end_year=None, lead_org="Sở")])
    xml = safety.check_workbook_file(book)
    with zipfile.ZipFile(io.BytesIO(xml.stored)) as stored, zipfile.ZipFile(book) as original:
        assert stored.testzip() is None
        assert [i.filename for i in stored.infolist()] == original.namelist()
        assert all(stored.read(n) == original.read(n) for n in original.namelist())
        assert {i.compress_type for i in stored.infolist()} == {zipfile.ZIP_STORED}
    again, first = CalamineWorkbook.from_filelike(io.BytesIO(xml.stored)), CalamineWorkbook.from_path(str(book))
    assert again.sheet_names == first.sheet_names
    for name in first.sheet_names:
        assert (again.get_sheet_by_name(name).to_python(skip_empty_area=False)
                == first.get_sheet_by_name(name).to_python(skip_empty_area=False))
