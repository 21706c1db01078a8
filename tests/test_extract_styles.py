"""Reports of other months and other departments' styles against hand-read expectations.

Each ``tests/data/extract/styles/<name>.txt|.md`` imitates a real monthly report of a Sở KH&CN
(other months of Bắc Kạn, other provinces' wording, numbering and tables); next to it
``<name>.expected.csv`` lists what a careful analyst reads: ``period, indicator, value, kind``
(and a note saying why). The extractor must give exactly those rows: none missing, none extra.
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from sokhcn_analytics.extract import extract_indicators, read_report

STYLES = Path(__file__).parent / "data" / "extract" / "styles"
REPORTS = sorted(p for p in STYLES.iterdir() if p.suffix in (".txt", ".md"))


def _expected(report: Path) -> Counter:
    with open(report.with_suffix(".expected.csv"), encoding="utf-8", newline="") as fh:
        return Counter((r["period"], r["indicator"], float(r["value"]), r["kind"]) for r in csv.DictReader(fh))


def _got(path) -> Counter:
    df = extract_indicators(path)
    return Counter(zip(df["period"], df["indicator"], df["value"].astype(float), df["kind"]))


def _diff(got: Counter, want: Counter) -> str:
    missing, extra = want - got, got - want
    return f"missing {sorted(missing.elements())}; extra {sorted(extra.elements())}"


def test_every_style_report_has_its_expected_reading():
    assert len(REPORTS) >= 6
    for report in REPORTS:
        assert report.with_suffix(".expected.csv").is_file(), report.name


@pytest.mark.parametrize("report", REPORTS, ids=[p.stem for p in REPORTS])
def test_style_report_gives_exactly_the_expected_rows(report):
    got, want = _got(report), _expected(report)
    assert got == want, _diff(got, want)


@pytest.mark.parametrize("report", REPORTS, ids=[p.stem for p in REPORTS])
def test_style_report_quotes_are_verbatim_and_show_the_number(report):
    rep = read_report(report)
    text = "\n".join([rep.text, *(note.text for note in rep.footnotes.values())])
    for quote in extract_indicators(report)["quote"]:
        assert quote in text and any(c.isdigit() for c in quote)


def _as_docx(source: Path, out: Path) -> Path:
    """The same report as a Word file: lines with " | " become a Word table, the rest paragraphs."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    table = None
    for line in source.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if "|" in line else None
        if cells and not all(set(c) <= set("-: ") for c in cells):
            if table is None:
                table = document.add_table(rows=0, cols=len(cells))
            for cell, value in zip(table.add_row().cells, cells):
                cell.text = value
            continue
        table = None
        if line.strip() and not cells:
            document.add_paragraph(line.strip())
    document.save(out)
    return out


@pytest.mark.parametrize("name", ["ha-giang-2022-07.txt", "cao-bang-2022-05.md"])
def test_style_report_saved_as_word_with_a_real_table_reads_the_same(tmp_path, name):
    source = STYLES / name
    got = _got(_as_docx(source, tmp_path / (source.stem + ".docx")))
    want = _expected(source)
    assert got == want, _diff(got, want)
