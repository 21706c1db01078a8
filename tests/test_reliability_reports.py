"""Bad narrative reports and hostile text on the way to the leadership HTML.

Reports go through the real ``sokhcn build`` / ``sokhcn extract``; the one notebook run
(``sokhcn report``) checks two things at once: text from the data is escaped in the HTML,
and a store folder whose name is Python code does not run as code in the notebook.
"""
from __future__ import annotations

import ast
import shutil
import unicodedata
from pathlib import Path

import pytest

from conftest import REPO
from test_reliability import run_cli, tree_hashes
from sokhcn_analytics.store.build import build_store, load_indicators, load_tasks
from sokhcn_analytics.ingest.workbook import write_template

pytestmark = pytest.mark.slow  # legacy encodings, hostile and broken reports, each a build (make test-fast skips them)

REPORT = REPO / "data" / "raw" / "reports" / "2021-01_so-khcn-bac-kan.txt"
HOSTILE = '<script>alert("x")</script> & <b>'
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Text as a Windows-1258 file: base letters precomposed, tone marks as combining marks."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out += (base + "".join(c for c in parts if c in _TONES)).encode("cp1258")
    return bytes(out)


def plain_report() -> str:
    """The January report without superscript footnote markers (Windows-1258 has no ⁴)."""
    text = REPORT.read_text(encoding="utf-8")
    return "".join(c for c in text if not ("\u2070" <= c <= "\u209f" or c in "¹²³"))


@pytest.fixture
def store(tmp_path) -> tuple[Path, Path]:
    """A raw folder holding one good workbook, and the store built from it."""
    raw = tmp_path / "raw"
    write_template("2020-12", raw / "workbooks" / "2020-12_kiem-thu.xlsx", org="kiem-thu",
                   results={"mushroom_spawn_kg": 240.0}, reviewed=True)
    build_store(raw, tmp_path / "processed")
    return raw, tmp_path / "processed"


def _add_report(raw: Path, name: str, data: bytes) -> Path:
    path = raw / "reports" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_report_in_a_legacy_encoding_is_read_with_a_one_line_warning(store, tmp_path):
    raw, processed = store
    utf8 = tmp_path / "utf8" / "2021-01_so-khcn-bac-kan.txt"
    utf8.parent.mkdir()
    utf8.write_text(plain_report(), encoding="utf-8")
    legacy = _add_report(raw, "2021-01_so-khcn-bac-kan.txt", cp1258(plain_report()))

    code, legacy_rows, err, _ = run_cli("extract", legacy)
    _, utf8_rows, _, _ = run_cli("extract", utf8)
    assert code == 0 and legacy_rows == utf8_rows and legacy_rows.count("\n") > 10
    assert f"{legacy.name}: không phải UTF-8" in err

    code, out, err, _ = run_cli("build", "--raw", raw, "--processed", processed)
    assert code == 0, err
    assert "Traceback" not in err and "warnings.warn" not in err and ".py:" not in err
    assert [line for line in err.splitlines() if "UTF-8" in line] == [
        f"Cảnh báo: {legacy.name}: không phải UTF-8, đọc thử theo bảng mã Windows-1258; hãy lưu lại báo cáo dưới "
        "dạng UTF-8 để chắc chắn"]
    stored = load_indicators(processed)
    assert stored[(stored.period == "2021-01") & (stored.indicator == "mushroom_spawn_kg")].value.tolist() == [250.0]


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \n"], ids=["zero_bytes", "only_blanks"])
def test_empty_report_is_refused_and_the_store_is_untouched(store, content):
    raw, processed = store
    report = _add_report(raw, "2021-02_so-khcn-bac-kan.txt", content)
    before = tree_hashes(processed)

    code, out, err, _ = run_cli("build", "--raw", raw, "--processed", processed)

    assert code == 1 and "Traceback" not in out + err
    assert f"{report.name}: tệp báo cáo" in err
    assert tree_hashes(processed) == before


def test_report_without_a_period_is_refused_naming_the_line(store):
    raw, processed = store
    report = _add_report(raw, "2021-02_so-khcn-bac-kan.txt", "BÁO CÁO\nSở Khoa học và Công nghệ\n\n"
                         "Trong tháng đã sản xuất 250 kg giống nấm.\n".encode())
    before = tree_hashes(processed)

    for args in (["build", "--raw", raw, "--processed", processed], ["extract", report]):
        code, out, err, _ = run_cli(*args)
        assert code == 1 and "Traceback" not in out + err
        assert f"{report.name}, dòng 1: không tìm thấy kỳ báo cáo" in err
    assert tree_hashes(processed) == before


def test_report_copied_under_next_months_name_is_refused_naming_the_title_line(store):
    raw, processed = store
    report = _add_report(raw, "2021-02_so-khcn-bac-kan.txt", REPORT.read_bytes())
    before = tree_hashes(processed)

    code, out, err, _ = run_cli("build", "--raw", raw, "--processed", processed)

    assert code == 1 and "Traceback" not in out + err
    assert f"{report.name}, dòng 7: kỳ báo cáo trong tiêu đề là 2021-01 nhưng tên file ghi 2021-02" in err
    assert tree_hashes(processed) == before


# ---------------------------------------------------------------- hostile text and parameters

CODE_DIR = 'st"\nopen(__import__("os").environ["SOKHCN_MARKER"], "w")\n#\'); open(__import__("os").environ["SOKHCN_MARKER"], "w"); (\''


def test_parameter_values_reach_the_notebook_as_plain_string_literals():
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from sokhcn_analytics.reports.runner import DEFAULT_NOTEBOOKS, plan_jobs

    for job in plan_jobs(["2021-01"], DEFAULT_NOTEBOOKS, processed_dir=f"/tmp/{CODE_DIR}", out="reports"):
        nb = parameterize_notebook(load_notebook_node(job.source), job.parameters, kernel_name="python3",
                                   language="python")
        injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
        tree = ast.parse(injected.source)
        assert all(isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) for node in tree.body)
        values = {node.targets[0].id: node.value.value for node in tree.body}
        assert values["processed_dir"].endswith(CODE_DIR)


def test_script_in_task_names_and_notes_is_escaped_and_a_code_like_store_path_runs_no_code(tmp_path):
    raw, processed, out = tmp_path / "raw", tmp_path / CODE_DIR, tmp_path / "out"
    task = dict(level="provincial", status="in_progress", start_year=2020, end_year=2022, lead_org="Sở " + HOSTILE)
    for month, tasks in (("01", [dict(task, task_id="T-1", name="Nhiệm vụ A")]),
                         ("02", [dict(task, task_id="T-1", name="Nhiệm vụ A"),
                                 dict(task, task_id="T-2", name="Nhiệm vụ " + HOSTILE, status="approved")])):
        write_template(f"2021-{month}", raw / "workbooks" / f"2021-{month}_so-khcn-bac-kan.xlsx", reviewed=True,
                       results={"mushroom_spawn_kg": 250.0, "tasks_managed": 36.0},
                       notes={"mushroom_spawn_kg": "Báo cáo " + HOSTILE}, tasks=tasks)
    code, _, err, _ = run_cli("build", "--raw", raw, "--processed", processed)
    assert code == 0, err
    assert HOSTILE in set(load_tasks(processed).name.str.replace("Nhiệm vụ ", ""))  # kept as data, verbatim
    marker = tmp_path / "marker"

    code, stdout, err, _ = run_cli("report", "--period", "2021-02", "--data", processed, "--out", out, "--no-pdf",
                                   "--notebook", "monthly_summary", "--notebook", "tasks_portfolio",
                                   env={"SOKHCN_MARKER": str(marker)})

    assert code == 0, err
    assert not marker.exists()
    pages = sorted(out.glob("*/*.html"))
    assert len(pages) == 2
    assert "<script>alert" not in (out / "index.html").read_text(encoding="utf-8")
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "& <b>" not in html
        assert "&lt;script&gt;alert(" in html, page.name
