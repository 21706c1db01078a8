"""Every documented flag of every ``sokhcn`` command, through the real argument parser, each with a
check that fails if the flag were parsed and then ignored (as ``build --force`` once was)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest import RAW
from sokhcn_analytics.reports import runner as report
from sokhcn_analytics.cli.main import build_parser, main

REPO = Path(__file__).resolve().parents[1]
JANUARY = REPO / "tests" / "data" / "extract" / "2021-01_so-khcn-bac-kan.txt"


def _flags(command: str) -> set[str]:
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices[command]
    return {opt for a in sub._actions for opt in a.option_strings if opt not in ("-h", "--help")}


def test_every_flag_the_readme_and_the_parser_know_is_tested_here():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Commands"):readme.index("Every error names")]
    tested = set(re.findall(r"def test_(\w+?)_flag_", Path(__file__).read_text(encoding="utf-8")))
    for line in table.splitlines():
        m = re.match(r"\| `sokhcn ([\w-]+) (.*?)` \|", line)
        if not m:
            continue
        command, usage = m.groups()
        documented = set(re.findall(r"--[\w-]+", usage))
        assert documented <= _flags(command), (command, documented - _flags(command))
        for flag in _flags(command):
            name = f"{command}_{flag[2:]}".replace("-", "_")
            assert name in tested, f"no test for sokhcn {command} {flag}"


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- init

def _settings(root: Path, org: str = "so-khcn-thu") -> dict:
    import yaml

    return yaml.safe_load((root / "data" / "orgs" / f"{org}.yml").read_text(encoding="utf-8"))


def _init(capsys, root: Path, *argv, org: str = "so-khcn-thu") -> dict:
    assert _run(capsys, "init", str(root), "--org", org, *argv)[0] == 0
    return _settings(root, org)


def test_init_dir_is_where_the_project_goes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _init(capsys, tmp_path / "du-an")
    assert (tmp_path / "du-an" / "data" / "raw" / "workbooks").is_dir() and not (tmp_path / "data").exists()


def test_init_org_flag_names_the_settings_file(tmp_path, capsys):
    _init(capsys, tmp_path, org="so-khcn-thai-nguyen")
    assert [p.name for p in (tmp_path / "data" / "orgs").iterdir()] == ["so-khcn-thai-nguyen.yml"]


def test_init_name_flag_fills_the_names_of_the_header(tmp_path, capsys):
    s = _init(capsys, tmp_path / "a", "--name", "Sở Khoa học và Công nghệ tỉnh Thái Nguyên")
    assert (s["issuing_body"], s["department"], s["department_short"], s["place"]) == (
        "UBND TỈNH THÁI NGUYÊN", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Sở Khoa học và Công nghệ", "Thái Nguyên")
    s = _init(capsys, tmp_path / "b")
    assert s["issuing_body"] == s["department"] == s["department_short"] == s["place"] == "[cần điền]"


def test_init_place_flag_is_the_place_before_the_date(tmp_path, capsys):
    name = "Sở Khoa học và Công nghệ thành phố Hải Phòng"
    assert _init(capsys, tmp_path / "a", "--name", name, "--place", "Hải Phòng (TP)")["place"] == "Hải Phòng (TP)"
    assert _init(capsys, tmp_path / "b", "--place", "Cao Bằng")["place"] == "Cao Bằng"
    assert _init(capsys, tmp_path / "c", "--name", name)["issuing_body"] == "UBND THÀNH PHỐ HẢI PHÒNG"


def test_init_signer_flag_is_the_signers_name(tmp_path, capsys):
    assert _init(capsys, tmp_path / "a", "--signer", "Nguyễn Văn A")["signer"] == {"title": "GIÁM ĐỐC",
                                                                                   "name": "Nguyễn Văn A"}
    assert _init(capsys, tmp_path / "b")["signer"]["name"] == "[cần điền]"


def test_init_center_flag_names_the_centre_and_its_unit(tmp_path, capsys):
    s = _init(capsys, tmp_path / "a", "--center", "Trung tâm: Ứng dụng KH&CN [TN]")
    assert s["center"] == s["units"]["center"] == "Trung tâm: Ứng dụng KH&CN [TN]"  # quoted: ':' and '[' stay text
    assert _init(capsys, tmp_path / "b")["center"] == "[cần điền]"


def test_init_recipient_flag_is_one_recipient_each(tmp_path, capsys):
    s = _init(capsys, tmp_path / "a", "--recipient", "UBND tỉnh (b/c);", "--recipient", "Lưu: VT, VP.")
    assert s["recipients"] == ["UBND tỉnh (b/c);", "Lưu: VT, VP."]
    assert _init(capsys, tmp_path / "b")["recipients"] == ["[cần điền]"]


def test_init_force_flag_makes_only_the_missing_files(tmp_path, capsys):
    _init(capsys, tmp_path, "--signer", "Người Một")
    (tmp_path / "notebooks" / "README.md").unlink()
    (tmp_path / ".gitignore").write_text("của tôi\n", encoding="utf-8")
    code, _, err = _run(capsys, "init", str(tmp_path), "--org", "so-khcn-thu", "--signer", "Người Hai")
    assert code == 1 and "[project_exists]" in err and ".gitignore" in err
    assert not (tmp_path / "notebooks" / "README.md").exists()  # without --force nothing is made
    code, out, _ = _run(capsys, "init", str(tmp_path), "--org", "so-khcn-thu", "--signer", "Người Hai", "--force")
    assert code == 0 and (tmp_path / "notebooks" / "README.md").is_file()
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "của tôi\n"
    assert _settings(tmp_path)["signer"]["name"] == "Người Một"
    assert f"giữ nguyên: {tmp_path.resolve() / '.gitignore'}" in out


# ---------------------------------------------------------------- template

def _info(path) -> dict:
    return {r[0]: r[1] for r in openpyxl.load_workbook(path, read_only=True)["ThongTin"].iter_rows(values_only=True)}


def test_template_period_flag_sets_the_workbooks_period(tmp_path, capsys):
    for period in ("2020-11", "2021-02"):
        assert _run(capsys, "template", "--period", period, "--out", str(tmp_path / f"{period}.xlsx"))[0] == 0
        assert _info(tmp_path / f"{period}.xlsx")["Kỳ báo cáo (NNNN-TT)"] == period


def test_template_out_flag_is_where_the_workbook_goes(tmp_path, capsys):
    code, out, _ = _run(capsys, "template", "--period", "2021-02", "--out", str(tmp_path / "a" / "b.xlsx"))
    assert code == 0 and out.strip() == str(tmp_path / "a" / "b.xlsx") and (tmp_path / "a" / "b.xlsx").is_file()


def test_template_org_flag_sets_the_org(tmp_path, capsys):
    _run(capsys, "template", "--period", "2021-02", "--out", str(tmp_path / "x.xlsx"), "--org", "so-khcn-thu")
    _run(capsys, "template", "--period", "2021-02", "--out", str(tmp_path / "d.xlsx"))
    assert _info(tmp_path / "x.xlsx")["Mã đơn vị"] == "so-khcn-thu"
    assert _info(tmp_path / "d.xlsx")["Mã đơn vị"] == "so-khcn-bac-kan"


# ---------------------------------------------------------------- build

@pytest.fixture
def small_raw(tmp_path) -> Path:
    """The real January workbook and report only: a build takes a fraction of a second."""
    raw = tmp_path / "raw"
    for folder in ("workbooks", "reports"):
        shutil.copytree(RAW / folder, raw / folder)
    return raw


def test_build_raw_flag_is_the_folder_read(small_raw, tmp_path, capsys):
    code, out, _ = _run(capsys, "build", "--raw", str(small_raw), "--processed", str(tmp_path / "p"))
    assert code == 0 and "từ 2 file" in out


def test_build_processed_flag_is_where_the_store_goes(small_raw, tmp_path, capsys):
    _run(capsys, "build", "--raw", str(small_raw), "--processed", str(tmp_path / "p"))
    assert json.loads((tmp_path / "p" / "manifest.json").read_text(encoding="utf-8"))["inputs"]


def test_build_diff_flag_lists_the_differences(small_raw, tmp_path, capsys):
    plain = _run(capsys, "build", "--raw", str(small_raw), "--processed", str(tmp_path / "p"))[1]
    diff = _run(capsys, "build", "--raw", str(small_raw), "--processed", str(tmp_path / "p"), "--diff")[1]
    assert "khác biệt" not in plain and "khác biệt giữa sổ đã rà soát" in diff


def test_build_force_flag_rebuilds_an_unchanged_store(small_raw, tmp_path, capsys):
    argv = ["build", "--raw", str(small_raw), "--processed", str(tmp_path / "p")]
    _run(capsys, *argv)
    stamp = (tmp_path / "p" / "manifest.json").stat().st_mtime_ns
    assert _run(capsys, *argv)[1].startswith("Không có thay đổi")
    assert _run(capsys, *argv, "--force")[1].startswith("Đã build")
    assert (tmp_path / "p" / "manifest.json").stat().st_mtime_ns != stamp


# ---------------------------------------------------------------- summary

def test_summary_processed_flag_is_the_store_read(shipped_store, small_raw, tmp_path, capsys):
    _run(capsys, "build", "--raw", str(small_raw), "--processed", str(tmp_path / "p"))
    only_real = _run(capsys, "summary", "--processed", str(tmp_path / "p"))[1]
    both = _run(capsys, "summary", "--processed", str(shipped_store))[1]
    assert "MINH HỌA" in both.upper() and "MINH HỌA" not in only_real.upper()


def test_summary_period_flag_picks_the_month(shipped_store, capsys):
    out = _run(capsys, "summary", "--processed", str(shipped_store), "--period", "2020-07")[1]
    assert "Tháng 07/2020" in out and "Tháng 12/2021" not in out


@pytest.fixture(scope="module")
def flag_store(tmp_path_factory) -> Path:
    """The store of :mod:`flag_fixtures`: flags in don-vi-a 2020-04 and 2021-03, don-vi-b 2021-05."""
    from flag_fixtures import flag_raw
    from sokhcn_analytics.store.build import build_store

    base = tmp_path_factory.mktemp("flag-store")
    build_store(flag_raw(base / "raw"), base / "processed")
    return base / "processed"


def test_summary_org_flag_shows_only_that_org_and_its_flags(flag_store, capsys):
    _, both, both_err = _run(capsys, "summary", "--processed", str(flag_store), "--period", "2021-05")
    _, one, one_err = _run(capsys, "summary", "--processed", str(flag_store), "--period", "2021-05", "--org", "don-vi-a")
    assert "don-vi-b" in both and "don-vi-b" in both_err
    assert "don-vi-a" in one and "don-vi-b" not in one and one_err == ""


# ---------------------------------------------------------------- flags

def _flag_files(out: str) -> set[str]:
    return set(re.findall(r"\d{4}-\d{2}_don-vi-\w\.xlsx", out))


def test_flags_processed_flag_is_the_store_read(flag_store, small_raw, tmp_path, capsys):
    _run(capsys, "build", "--raw", str(small_raw), "--processed", str(tmp_path / "p"))
    assert _flag_files(_run(capsys, "flags", "--processed", str(flag_store))[1])
    assert not _flag_files(_run(capsys, "flags", "--processed", str(tmp_path / "p"))[1])


def test_flags_org_flag_keeps_that_org(flag_store, capsys):
    out = _run(capsys, "flags", "--processed", str(flag_store), "--org", "don-vi-b")[1]
    assert _flag_files(out) == {"2021-05_don-vi-b.xlsx"}


def test_flags_period_flag_keeps_that_month(flag_store, capsys):
    out = _run(capsys, "flags", "--processed", str(flag_store), "--period", "2021-03")[1]
    assert _flag_files(out) == {"2021-03_don-vi-a.xlsx"}


def test_flags_from_flag_starts_the_months(flag_store, capsys):
    out = _run(capsys, "flags", "--processed", str(flag_store), "--from", "2020-01")[1]
    assert _flag_files(out) == {"2020-04_don-vi-a.xlsx", "2021-03_don-vi-a.xlsx", "2021-05_don-vi-b.xlsx"}
    out = _run(capsys, "flags", "--processed", str(flag_store), "--from", "2021-04")[1]
    assert _flag_files(out) == {"2021-05_don-vi-b.xlsx"}


def test_flags_to_flag_ends_the_months(flag_store, capsys):
    out = _run(capsys, "flags", "--processed", str(flag_store), "--to", "2021-04")[1]
    assert _flag_files(out) == {"2020-04_don-vi-a.xlsx", "2021-03_don-vi-a.xlsx"}


def test_flags_all_flag_adds_the_months_before_each_orgs_latest_year(flag_store, capsys):
    recent = _run(capsys, "flags", "--processed", str(flag_store))[1]
    every = _run(capsys, "flags", "--processed", str(flag_store), "--all")[1]
    assert _flag_files(recent) == {"2021-03_don-vi-a.xlsx", "2021-05_don-vi-b.xlsx"}  # 2020-04: over a year old
    assert _flag_files(every) == _flag_files(recent) | {"2020-04_don-vi-a.xlsx"}


def test_flags_format_flag_writes_csv(flag_store, capsys):
    import csv
    import io

    table = _run(capsys, "flags", "--processed", str(flag_store), "--all")[1]
    rows = list(csv.DictReader(io.StringIO(_run(capsys, "flags", "--processed", str(flag_store), "--all",
                                                "--format", "csv")[1])))
    assert "," not in table.splitlines()[1] and len(rows) == 3
    assert {(r["org"], r["period"], r["indicator"], r["value"]) for r in rows} == {
        ("don-vi-a", "2020-04", "mushroom_spawn_kg", "2000.0"), ("don-vi-a", "2021-03", "inspections", "1500.0"),
        ("don-vi-b", "2021-05", "training_classes", "900.0")}
    assert all(r["cell"].startswith("ChiTieu!D") and r["source_file"].endswith(".xlsx") for r in rows)


# ---------------------------------------------------------------- extract

def test_extract_format_flag_writes_json(capsys):
    code, out, _ = _run(capsys, "extract", str(JANUARY), "--format", "json")
    assert code == 0 and json.loads(out)[0]["period"] == "2021-01"
    assert _run(capsys, "extract", str(JANUARY))[1].startswith("period,span,indicator,")


def test_extract_period_flag_overrides_the_title(capsys):
    rows = json.loads(_run(capsys, "extract", str(JANUARY), "--format", "json", "--period", "2021-05")[1])
    assert {r["period"] for r in rows if r["kind"] == "result"} == {"2021-05"}


def test_extract_to_workbook_flag_writes_the_workbook(tmp_path, capsys):
    out = tmp_path / "2021-01_so-khcn-bac-kan.xlsx"
    assert _run(capsys, "extract", str(JANUARY), "--to-workbook", str(out))[0] == 0
    assert _info(out)["Kỳ báo cáo (NNNN-TT)"] == "2021-01"


# ---------------------------------------------------------------- report (notebooks not run: what reaches the runner)

@pytest.fixture
def ran(monkeypatch):
    """What ``sokhcn report`` hands the runner: the jobs and the runner's options."""
    seen: dict = {}

    def run_jobs(jobs, **kw):
        seen.update(kw, jobs=list(jobs))
        return []

    monkeypatch.setattr(report, "run_jobs", run_jobs)
    return seen


def _report(capsys, store, *argv) -> int:
    return _run(capsys, "report", "--data", str(store), *argv)[0]


def test_report_period_flag_picks_the_month(shipped_store, ran, capsys):
    assert _report(capsys, shipped_store, "--period", "2020-06", "--notebook", "monthly_summary") == 0
    assert [j.key for j in ran["jobs"]] == ["2020-06"]


def test_report_notebook_flag_picks_the_notebooks(shipped_store, ran, capsys):
    _report(capsys, shipped_store, "--period", "2021-01", "--notebook", "explore", "--notebook", "tasks_portfolio")
    assert sorted(j.notebook for j in ran["jobs"]) == ["explore", "tasks_portfolio"]


def test_report_data_flag_is_the_store_the_notebooks_read(shipped_store, ran, capsys):
    _report(capsys, shipped_store, "--period", "2021-01", "--notebook", "monthly_summary")
    assert {j.parameters["processed_dir"] for j in ran["jobs"]} == {str(shipped_store.resolve())}


def test_report_out_flag_is_where_reports_go(shipped_store, ran, tmp_path, capsys):
    _report(capsys, shipped_store, "--period", "2021-01", "--notebook", "monthly_summary", "--out", str(tmp_path / "o"))
    assert [j.out_dir for j in ran["jobs"]] == [str(tmp_path / "o" / "2021-01")]


def test_report_no_pdf_flag_skips_the_pdf(shipped_store, ran, capsys):
    _report(capsys, shipped_store, "--period", "2021-01", "--notebook", "monthly_summary")
    assert ran["pdf"] is True
    _report(capsys, shipped_store, "--period", "2021-01", "--notebook", "monthly_summary", "--no-pdf")
    assert ran["pdf"] is False


def test_report_all_flag_takes_every_period(shipped_store, ran, capsys):
    _report(capsys, shipped_store, "--all", "--notebook", "monthly_summary")
    assert len(ran["jobs"]) == 36 and ran["jobs"][0].key == "2019-01"


def test_report_from_flag_starts_the_range(shipped_store, ran, capsys):
    _report(capsys, shipped_store, "--from", "2021-10", "--notebook", "monthly_summary")
    assert [j.key for j in ran["jobs"]] == ["2021-10", "2021-11", "2021-12"]


def test_report_to_flag_ends_the_range(shipped_store, ran, capsys):
    _report(capsys, shipped_store, "--from", "2021-01", "--to", "2021-02", "--notebook", "monthly_summary")
    assert [j.key for j in ran["jobs"]] == ["2021-01", "2021-02"]


def test_report_jobs_flag_is_the_number_of_lanes(shipped_store, ran, capsys):
    _report(capsys, shipped_store, "--period", "2021-01", "--jobs", "3")
    assert ran["n_jobs"] == 3


def test_report_lang_flag_reaches_the_notebooks(shipped_store, ran, capsys):
    _report(capsys, shipped_store, "--period", "2021-01", "--notebook", "monthly_summary", "--lang", "en")
    assert [j.parameters["lang"] for j in ran["jobs"]] == ["en"]


# ---------------------------------------------------------------- demo-data

@pytest.fixture(autouse=True)
def _project_in_tmp(request, tmp_path, monkeypatch):
    """demo-data writes the illustrative units' settings into the project's data/orgs: here a tmp one."""
    if "demo_data" in request.node.name:
        monkeypatch.setenv("SOKHCN_ROOT", str(tmp_path / "project"))


def _demo(capsys, out, *argv) -> list[str]:
    assert _run(capsys, "demo-data", "--out", str(out), *argv)[0] == 0
    return sorted(p.name for p in out.iterdir())


def test_demo_data_out_flag_is_where_the_workbooks_go(tmp_path, capsys):
    assert _demo(capsys, tmp_path / "d", "--start", "2021-11") == ["2021-11_minh-hoa.xlsx", "2021-12_minh-hoa.xlsx"]


def test_demo_data_start_flag_is_the_first_month(tmp_path, capsys):
    assert _demo(capsys, tmp_path / "d", "--start", "2021-12") == ["2021-12_minh-hoa.xlsx"]


def test_demo_data_end_flag_is_the_last_month(tmp_path, capsys):
    assert _demo(capsys, tmp_path / "d", "--start", "2019-01", "--end", "2019-02") == [
        "2019-01_minh-hoa.xlsx", "2019-02_minh-hoa.xlsx"]


def test_demo_data_seed_flag_changes_the_figures(tmp_path, capsys):
    from sokhcn_analytics.ingest.workbook import load_workbook

    def figures(seed):
        out = tmp_path / f"s{seed}"
        _demo(capsys, out, "--start", "2021-12", "--seed", str(seed))
        return list(load_workbook(out / "2021-12_minh-hoa.xlsx")[0]["value"])

    assert figures(7) == figures(7) and figures(7) != figures(2021)


def test_demo_data_orgs_flag_makes_one_illustrative_unit_each(tmp_path, capsys):
    out = tmp_path / "roll-up"
    assert _run(capsys, "demo-data", "--out", str(out), "--start", "2021-12", "--orgs", "3")[0] == 0
    books = sorted(p.name for p in out.rglob("*.xlsx"))
    assert books == [f"2021-12_minh-hoa-0{i}.xlsx" for i in (1, 2, 3)]
    settings = sorted(p.name for p in (tmp_path / "project" / "data" / "orgs").iterdir())
    assert settings == [f"minh-hoa-0{i}.yml" for i in (1, 2, 3)]  # each one can be drafted


# ---------------------------------------------------------------- check

@pytest.fixture(scope="module")
def quarter_store(shipped_store, tmp_path_factory):
    """The shipped store plus two quarterly reports of the illustrative unit, built by the real build:
    2020 Q1 agrees with its months, 2021 Q1 (700 kg) does not."""
    from conftest import shipped_store_with
    from sokhcn_analytics.core.vnformat import format_number
    from sokhcn_analytics.store.build import load_indicators

    df = load_indicators(shipped_store)
    spawn = df[(df["org"] == "minh-hoa") & (df["indicator"] == "mushroom_spawn_kg") & (df["kind"] == "result")]
    q2020 = spawn[spawn["period"].isin(["2020-01", "2020-02", "2020-03"])]["value"].sum()
    return shipped_store_with(shipped_store, tmp_path_factory.mktemp("quarters"), {
        "2021-03_minh-hoa.txt": quarter_report(2021, "700"),
        "2020-03_minh-hoa.txt": quarter_report(2020, format_number(float(q2020)))})


def quarter_report(year: int, spawn_kg: str) -> str:
    """A quarterly report of the Centre that the extractor reads as a three-month figure."""
    return (f"BÁO CÁO\nKết quả công tác quý I năm {year}\n1. Hoạt động của Trung tâm\n"
            f"Quý I sản xuất được {spawn_kg} kg giống nấm các loại.\n")


def test_check_processed_flag_is_the_store_read(shipped_store, quarter_store, capsys):
    assert "lệch 70" in _run(capsys, "check", "--processed", str(quarter_store))[1]
    assert "lệch" not in _run(capsys, "check", "--processed", str(shipped_store))[1]


def test_check_differences_flag_keeps_only_what_differs(quarter_store, capsys):
    everything = _run(capsys, "check", "--processed", str(quarter_store))[1]
    differences = _run(capsys, "check", "--processed", str(quarter_store), "--differences")[1]
    assert "khớp" in everything and "khớp" not in differences and "lệch 70" in differences


def test_check_period_flag_keeps_the_spans_ending_that_month(quarter_store, capsys):
    out = _run(capsys, "check", "--processed", str(quarter_store), "--period", "2020-03")[1]
    assert "03/2020" in out and "03/2021" not in out


def test_check_org_flag_keeps_that_unit(quarter_store, capsys):
    assert "Giống nấm" not in _run(capsys, "check", "--processed", str(quarter_store), "--org", "so-khcn-bac-kan")[1]
    assert "Giống nấm" in _run(capsys, "check", "--processed", str(quarter_store), "--org", "minh-hoa")[1]


# ---------------------------------------------------------------- draft

def _draft_figures(path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(path).paragraphs)


def test_draft_period_flag_picks_the_month(shipped_store, tmp_path, capsys):
    _run(capsys, "draft", "--processed", str(shipped_store), "--org", "minh-hoa", "--period", "2021-06",
         "--out", str(tmp_path / "a.docx"))
    assert "tháng 06" in _draft_figures(tmp_path / "a.docx")


def test_draft_org_flag_picks_the_unit(shipped_store, tmp_path, capsys):
    _run(capsys, "draft", "--processed", str(shipped_store), "--period", "2021-01", "--out", str(tmp_path / "r.docx"))
    _run(capsys, "draft", "--processed", str(shipped_store), "--period", "2021-01", "--org", "minh-hoa",
         "--out", str(tmp_path / "m.docx"))
    assert _draft_figures(tmp_path / "r.docx") != _draft_figures(tmp_path / "m.docx")


def test_draft_out_flag_is_where_the_draft_goes(shipped_store, tmp_path, capsys):
    code, out, _ = _run(capsys, "draft", "--processed", str(shipped_store), "--period", "2021-01",
                        "--out", str(tmp_path / "here.docx"))
    assert code == 0 and (tmp_path / "here.docx").is_file()


def test_draft_processed_flag_is_the_store_read(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = _run(capsys, "draft", "--processed", str(empty), "--period", "2021-01",
                        "--out", str(tmp_path / "x.docx"))
    assert code != 0 and not (tmp_path / "x.docx").exists()


def test_draft_check_flag_reads_the_draft_back(shipped_store, tmp_path, capsys):
    plain = _run(capsys, "draft", "--processed", str(shipped_store), "--period", "2021-01", "--out",
                 str(tmp_path / "a.docx"))
    checked = _run(capsys, "draft", "--processed", str(shipped_store), "--period", "2021-01", "--out",
                   str(tmp_path / "b.docx"), "--check")
    assert "đọc lại đúng" in checked[1] + checked[2] and "đọc lại đúng" not in plain[1] + plain[2]


def test_extract_review_flag_lists_what_needs_a_person_instead_of_the_figures(tmp_path, capsys):
    path = tmp_path / "tin.txt"
    path.write_text("Năm 2022, Sở kiểm tra 30 cơ sở. Đoàn làm việc tại hai chợ, trong đó có 5 cơ sở vi phạm "
                    "về nhãn hàng hóa.\n", encoding="utf-8")
    code, out, _ = _run(capsys, "extract", str(path), "--review")
    assert code == 0 and "tin.txt: 1 số cần người xem lại" in out and "là một phần của một tổng số" in out
    assert "trong đó có 5 cơ sở vi phạm về nhãn hàng hóa." in out and "period,span" not in out
    code, out, _ = _run(capsys, "extract", str(path))  # without --review: the figures as CSV
    assert code == 0 and out.splitlines()[0].startswith("period,span") and "establishments_inspected,30," in out
