"""The drafted .docx as a clerk opens it: LibreOffice Writer prints it to PDF, and the layout is read back.

Nghị định 30/2020/NĐ-CP, Phụ lục I: the national name on one line, the slogan on one line under it,
a short solid rule under the department's name (1/3 to 1/2 of its line) and one under the slogan
(as long as the slogan). The first page is kept as ``tests/artifacts/draft_2021-01_page1.png``.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import libreoffice, sokhcn_cmd
from sokhcn_analytics.core import catalog
from sokhcn_analytics.draft.form import HEADER_COLUMNS_MM, text_width_mm

ARTIFACTS = Path(__file__).parent / "artifacts"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS_PER_MM = 1440 / 25.4
MOTTO, SLOGAN = catalog.label("draft.motto"), catalog.label("draft.slogan")
DEPARTMENT = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
PAGES = 3  # the shipped January 2021 of Bắc Kạn, as LibreOffice prints it


def to_pdf(docx: Path, tmp: Path) -> Path:
    """``soffice --headless --convert-to pdf`` with a profile of its own, so that tests can run in parallel."""
    profile = tmp / "lo-profile"
    done = subprocess.run([libreoffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp), str(docx)],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp / (docx.stem + ".pdf")
    assert done.returncode == 0 and pdf.is_file(), done.stdout + done.stderr
    return pdf


def layout(pdf: Path) -> list[str]:
    """The text of each page as ``pdftotext -layout`` places it."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


@pytest.fixture(scope="module")
def printed(shipped_store, tmp_path_factory) -> dict:
    """January 2021 of Bắc Kạn and the illustrative June 2021, drafted by the command, printed by LibreOffice."""
    tmp = tmp_path_factory.mktemp("draft-print")
    out = {}
    for name, period, org in (("real", "2021-01", "so-khcn-bac-kan"), ("illustrative", "2021-06", "minh-hoa")):
        docx = tmp / f"{period}_{org}.docx"
        done = subprocess.run([*sokhcn_cmd(), "draft", "--period", period, "--org", org, "--processed",
                               str(shipped_store), "--out", str(docx)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        (tmp / name).mkdir()
        out[name] = {"docx": docx, "pdf": to_pdf(docx, tmp / name)}
    return out


@pytest.mark.slow
def test_the_national_name_and_the_slogan_each_print_on_one_line(printed):
    lines = layout(printed["real"]["pdf"])[0].splitlines()
    motto = [ln for ln in lines if "CỘNG HÒA" in ln]
    assert len(motto) == 1 and MOTTO in motto[0], motto
    assert "UBND TỈNH BẮC KẠN" in motto[0]  # the two columns side by side
    slogan = [ln for ln in lines if "Độc lập" in ln]
    assert len(slogan) == 1 and SLOGAN in slogan[0] and DEPARTMENT in slogan[0], slogan
    assert not any(ln.strip() in ("NAM", "VIỆT NAM", "Hạnh phúc") for ln in lines)  # nothing wrapped


def rules(docx: Path) -> dict[int, tuple[float, float]]:
    """Column → (left indent, right indent) in mm of each paragraph of the header's second row drawn
    as a rule (an empty paragraph with a solid bottom border)."""
    with zipfile.ZipFile(docx) as z:
        root = ElementTree.fromstring(z.read("word/document.xml"))
    row = root.find(f"{W}body/{W}tbl").findall(f"{W}tr")[1]
    found = {}
    for col, cell in enumerate(row.findall(f"{W}tc")):
        for p in cell.findall(f"{W}p"):
            bottom = p.find(f"{W}pPr/{W}pBdr/{W}bottom")
            if bottom is None:
                continue
            assert bottom.get(f"{W}val") == "single" and "".join(p.itertext()) == ""
            ind = p.find(f"{W}pPr/{W}ind")
            found[col] = (int(ind.get(f"{W}left")) / TWIPS_PER_MM, int(ind.get(f"{W}right")) / TWIPS_PER_MM)
    return found


@pytest.mark.slow
def test_the_rules_under_the_department_and_the_slogan_are_in_the_document(printed):
    found = rules(printed["real"]["docx"])
    assert set(found) == {0, 1}
    department = HEADER_COLUMNS_MM[0] - sum(found[0])
    slogan = HEADER_COLUMNS_MM[1] - sum(found[1])
    line = min(text_width_mm(DEPARTMENT, 12), HEADER_COLUMNS_MM[0])
    assert line / 3 <= department <= line / 2, department
    assert abs(slogan - text_width_mm(SLOGAN, 13)) < 1, slogan
    assert abs(found[0][0] - found[0][1]) < 0.1 and abs(found[1][0] - found[1][1]) < 0.1  # centred
    with zipfile.ZipFile(printed["real"]["docx"]) as z:
        assert "<w:u w:val=\"single\"/>" not in z.read("word/document.xml").decode()  # a rule, not an underline


def dark_segments(png: Path, dpi: int, top_mm: float, bottom_mm: float, min_mm: float = 10) -> list[tuple]:
    """Horizontal dark strokes at least ``min_mm`` long between ``top_mm`` and ``bottom_mm`` of the page:
    (x from, x to) in mm, one per stroke (the rows of a stroke merged)."""
    import matplotlib.image as mpimg

    page = mpimg.imread(str(png))[..., :3].mean(axis=2)
    px = dpi / 25.4
    strokes = []
    for y in range(int(top_mm * px), int(bottom_mm * px)):
        dark = page[y] < 0.5
        x = 0
        while x < len(dark):
            if dark[x]:
                end = x
                while end < len(dark) and dark[end]:
                    end += 1
                if (end - x) / px >= min_mm:
                    strokes.append((y, round(x / px, 1), round(end / px, 1)))
                x = end
            x += 1
    merged = []
    for y, a, b in strokes:
        if merged and y - merged[-1][0] <= 2 and abs(merged[-1][1] - a) < 2:
            merged[-1] = (y, a, b)
        else:
            merged.append((y, a, b))
    return [(a, b) for _, a, b in merged]


@pytest.mark.slow
def test_libreoffice_draws_both_rules_under_the_header_lines(printed, tmp_path):
    pdf = printed["real"]["pdf"]
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "page1")], check=True)
    found = dark_segments(tmp_path / "page1.png", 150, top_mm=15, bottom_mm=50)
    assert len(found) == 2, found
    (l0, l1), (r0, r1) = sorted(found)
    left_edge = (210 - 30 - 15 - sum(HEADER_COLUMNS_MM)) / 2 + 30  # the header table, centred in the text width
    assert left_edge < l0 and l1 < left_edge + HEADER_COLUMNS_MM[0]  # under the department, in its column
    assert 20 <= l1 - l0 <= 34 and 50 <= r1 - r0 <= 62, found
    assert left_edge + HEADER_COLUMNS_MM[0] < r0


@pytest.mark.slow
def test_the_draft_prints_on_the_expected_pages_with_numbers_from_page_two(printed):
    pages = layout(printed["real"]["pdf"])
    assert len(pages) == PAGES
    assert "CỘNG HÒA" in pages[0] and not re.match(r"\s*1\s*$", pages[0].splitlines()[0])
    for n, page in enumerate(pages[1:], start=2):
        first = next(ln for ln in page.splitlines() if ln.strip())
        assert first.strip() == str(n), first
    assert "Nơi nhận:" in pages[-1] and "GIÁM ĐỐC" in pages[-1]


@pytest.mark.slow
def test_the_illustrative_draft_prints_its_banner_on_every_page(printed):
    banner = catalog.label("illustrative.banner")
    pages = layout(printed["illustrative"]["pdf"])
    assert len(pages) >= 2
    for page in pages:
        assert " ".join(banner.split()[:4]) in " ".join(page.split()), page[:200]
    assert "MINH HỌA" not in " ".join(layout(printed["real"]["pdf"])[0].split())


@pytest.mark.slow
def test_the_first_page_is_kept_as_an_image(printed):
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "draft_2021-01_page1"
    target.with_suffix(".png").unlink(missing_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(printed["real"]["pdf"]),
                    str(target)], check=True)
    assert target.with_suffix(".png").stat().st_size > 10_000
    shutil.copy(printed["real"]["pdf"], ARTIFACTS / "draft_2021-01.pdf")


def test_a_missing_libreoffice_fails_the_tests_unless_a_machine_is_known_to_have_none(monkeypatch):
    import conftest

    monkeypatch.setattr(conftest.shutil, "which", lambda name: None)
    monkeypatch.delenv("SOKHCN_ALLOW_NO_LIBREOFFICE", raising=False)
    with pytest.raises(pytest.fail.Exception, match="make system-deps"):
        libreoffice()
    monkeypatch.setenv("SOKHCN_ALLOW_NO_LIBREOFFICE", "1")
    with pytest.raises(pytest.skip.Exception):
        libreoffice()
