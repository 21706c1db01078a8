"""The leadership briefing: numbers of page one, main points, plausibility flags, and the
rendered pages (PDF page budgets, page-one text, a phone-sized browser) on the shipped data."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from conftest import sokhcn_cmd
from sokhcn_analytics.analysis import briefing
from sokhcn_analytics.plots import pictures
from sokhcn_analytics.analysis import plausibility
from sokhcn_analytics.analysis.measures import plan_followup, plan_vs_actual, yoy
from sokhcn_analytics.core.model import normalize_indicators
from sokhcn_analytics.store.build import load_indicators, load_tasks
from sokhcn_analytics.core.vnformat import format_number, format_share

ARTIFACTS = Path(__file__).parent / "artifacts"
DEMO, REAL = "minh-hoa", "so-khcn-bac-kan"
NUMBER = re.compile(r"\d[\d.]*(?:,\d+)?")


@pytest.fixture(scope="module")
def store(shipped_store):
    return load_indicators(shipped_store), load_tasks(shipped_store)


def frame(values, indicator="mushroom_spawn_kg", start=1, kind="result", org="x", year=2021):
    periods = [f"{year}-{m:02d}" for m in range(start, start + len(values))]
    return normalize_indicators(pd.DataFrame({"org": org, "period": periods, "indicator": indicator,
                                              "value": values, "kind": kind,
                                              "source_ref": [f"ChiTieu!D18 — tháng {p}" for p in periods]}))


# ---------------------------------------------------------------- plausibility

def test_a_month_far_above_its_usual_level_is_flagged_with_its_cell():
    df = frame([250.0, 240.0, 260.0, 1200.0])
    flagged = plausibility.flags(df)
    assert flagged[["period", "value", "base", "ratio", "direction", "cell"]].to_dict("records") == [
        {"period": "2021-04", "value": 1200.0, "base": 250.0, "ratio": 4.8, "direction": "high", "cell": "ChiTieu!D18"}]


def test_a_month_far_below_is_flagged_and_a_small_count_is_not():
    low = plausibility.flags(frame([300.0, 320.0, 310.0, 50.0]))
    assert low["direction"].tolist() == ["low"]
    # 4 classes then 1: a quarter of the level, but a change of 3 is below the catalog's flag_min_change
    assert plausibility.flags(frame([4.0, 4.0, 5.0, 1.0], indicator="training_classes")).empty


def test_stocks_are_judged_against_last_month_of_the_same_year():
    jump = frame([36.0, 37.0, 150.0], indicator="tasks_managed")
    assert plausibility.flags(jump)["period"].tolist() == ["2021-03"]
    reset = pd.concat([frame([12.0], indicator="tasks_new", start=12, year=2020),
                       frame([1.0], indicator="tasks_new")])  # "new this year" restarts in January
    assert plausibility.flags(reset).empty


def test_thresholds_come_from_the_catalog(monkeypatch):
    from sokhcn_analytics.core import catalog

    df = frame([100.0, 100.0, 100.0, 250.0])
    assert plausibility.flags(df).empty  # 2.5× is under the shipped 3×
    monkeypatch.setattr(catalog, "flag_ratio", lambda code: 2.0)
    assert plausibility.flags(df)["ratio"].tolist() == [2.5]


def test_no_flag_on_the_shipped_real_and_illustrative_data(store):
    df, _ = store
    assert plausibility.flags(df).empty


def test_quarter_totals_are_not_months():
    df = frame([250.0, 240.0, 260.0, 750.0]).assign(span=[1, 1, 1, 3])
    assert plausibility.flags(df).empty


# ---------------------------------------------------------------- page one numbers

def test_cards_carry_the_analysis_numbers(store):
    df, _ = store
    cards = briefing.cards(df, "2021-06", DEMO)
    table = yoy(df, "2021-06", org=DEMO)
    targets = plan_vs_actual(df, 2021, "2021-06", org=DEMO)
    spawn = cards.loc["mushroom_spawn_kg"]
    assert spawn["value"] == table.loc["mushroom_spawn_kg", "value"] == 200
    assert spawn["prev_month"] == 170 and round(spawn["change_prev_month_pct"], 1) == 17.6
    assert spawn["change_pct"] == table.loc["mushroom_spawn_kg", "change_pct"]
    assert spawn["ytd"] == 1190 and spawn["pct_of_target"] == targets.loc["mushroom_spawn_kg", "pct_of_target"]
    assert spawn["elapsed_pct"] == 50
    assert list(cards.index)[:3] == ["tasks_managed", "tasks_accepted", "mushroom_spawn_kg"]  # catalog order


def test_sparkline_history_keeps_gaps_and_last_year(store):
    df, _ = store
    gap = df[~((df["org"] == DEMO) & (df["period"] == "2021-03"))]
    hist = briefing.history(gap, "2021-06", DEMO, ["mushroom_spawn_kg"])["mushroom_spawn_kg"]
    assert len(hist) == 13 and hist.index[0] == "2020-06"
    assert pd.isna(hist.loc["2021-03", "this"]) and hist.loc["2021-03", "last"] == 220


def _numbers_of(point) -> set[str]:
    allowed = set()
    for value in point.figures.values():
        allowed |= {format_number(value), format_share(value).split()[0], str(value)}
    return allowed


@pytest.mark.parametrize("period", ["2020-03", "2021-06", "2021-11"])
def test_every_number_of_a_main_point_is_a_number_of_the_analysis(store, period):
    df, tasks = store
    points = briefing.main_points(df, tasks, period, DEMO)
    assert 3 <= len(points) <= 6
    table, year = yoy(df, period, org=DEMO), int(period[:4])
    targets, follow = plan_vs_actual(df, year, period, org=DEMO), plan_followup(df, period, org=DEMO)
    for p in points:
        stated = NUMBER.findall(p.text)
        assert stated and set(stated) <= _numbers_of(p), (p.text, p.figures)
        if p.kind in ("yoy_up", "yoy_down"):
            assert p.figures["value"] == table.loc[p.indicator, "value"]
            assert p.figures["change_pct"] == table.loc[p.indicator, "change_pct"]
        if p.kind == "behind_target":
            assert p.figures["ytd"] == targets.loc[p.indicator, "actual"]
            assert p.figures["pct_of_target"] == targets.loc[p.indicator, "pct_of_target"]
        if p.kind == "plan_missed":
            assert p.figures["plan"] == follow.loc[p.indicator, "plan"]


def test_points_are_chosen_by_importance_not_catalog_order(store):
    df, tasks = store
    planted = df.copy()
    at = (planted["org"] == DEMO) & (planted["period"] == "2021-06") & (planted["indicator"] == "orchid_flasks") \
        & (planted["kind"] == "result")
    planted.loc[at, "value"] = 460.0
    points = briefing.main_points(planted, tasks, "2021-06", DEMO)
    assert points[0].kind == "implausible" and points[0].indicator == "orchid_flasks"
    assert "ChiTieu!D20" in points[0].text and "460" in points[0].text
    scores = [p.score for p in points]
    assert scores == sorted(scores, reverse=True)


def test_the_first_month_says_there_is_nothing_to_compare(store):
    df, tasks = store
    points = briefing.main_points(df, tasks, "2021-01", REAL)
    assert points[0].kind == "no_base" and "tháng đầu tiên có số liệu" in points[0].text
    assert any("36 nhiệm vụ" in p.text for p in points) and any("250 kg" in p.text for p in points)
    assert briefing.missing(df, tasks, "2021-01", REAL) == [
        "chỉ tiêu năm", "danh mục nhiệm vụ", "kế hoạch nêu trong báo cáo tháng trước", "số liệu cùng kỳ năm trước"]


def test_changes_carry_arrow_and_sign_not_colour_alone():
    assert pictures.change(12.5) == '<span class="sk-chg sk-up">▲ +12,5 %</span>'
    assert pictures.change(-3.0) == '<span class="sk-chg sk-down">▼ −3,0 %</span>'
    assert "—" in pictures.change(float("nan"))


def test_a_missing_month_is_a_gap_in_the_line():
    svg = pictures.sparkline([1.0, 2.0, None, 4.0, 5.0], [])
    path = re.search(r'class="sk-this" d="([^"]+)"', svg).group(1)
    assert path.count("M") == 2  # two runs: Jan–Feb, Apr–May


def test_card_text_from_the_data_is_escaped(store):
    df, _ = store
    hostile = df.copy()
    hostile["source_ref"] = '<script>alert(1)</script>'
    cards = briefing.cards(hostile, "2021-06", DEMO)
    markup = pictures.cards(cards, briefing.history(hostile, "2021-06", DEMO, cards.index))
    assert "<script>" not in markup and "&lt;script&gt;" in markup


# ---------------------------------------------------------------- the rendered pages

@pytest.fixture(scope="module")
def rendered(chromium, shipped_store, tmp_path_factory):
    """The briefing for the illustrative 2021-06 and the real 2021-01, and the 2021 yearly page, with PDFs."""
    out = tmp_path_factory.mktemp("briefing")
    for period, notebooks in (("2021-06", ["monthly_summary"]), ("2021-01", ["monthly_summary"]),
                              ("2021-12", ["yoy_indicators"])):
        done = subprocess.run([*sokhcn_cmd(), "report", "--period", period, "--data", str(shipped_store),
                               "--out", str(out), *sum((["--notebook", n] for n in notebooks), [])],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
    return out


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def page_text(path: Path, page: int = 1) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_page_budgets_hold(rendered):
    assert pdf_pages(rendered / "2021-06" / "monthly_summary.pdf") <= 4
    assert pdf_pages(rendered / "2021-01" / "monthly_summary.pdf") <= 3
    assert pdf_pages(rendered / "2021" / "yoy_indicators.pdf") <= 6


@pytest.mark.slow
def test_page_one_of_the_illustrative_month_holds_the_key_figures_and_main_points(rendered, store):
    text = page_text(rendered / "2021-06" / "monthly_summary.pdf")
    assert "DỮ LIỆU MINH HỌA" in text and "Điểm chính" in text
    for figure in ("42", "200", "550", "1.190 kg", "+13,5 %", "+11,1 %", "so với cùng kỳ"):
        assert figure in text, figure
    flowing = " ".join(subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(rendered / "2021-06" / "monthly_summary.pdf"),
                                       "-"], capture_output=True, text=True, check=True).stdout.split())
    df, tasks = store
    sentences = [p.text for p in briefing.main_points(df, tasks, "2021-06", DEMO)]
    assert sum(s in flowing for s in sentences) >= 3, (sentences, flowing[:800])


@pytest.mark.slow
def test_page_one_of_the_real_month_says_it_is_the_first(rendered):
    text = page_text(rendered / "2021-01" / "monthly_summary.pdf")
    assert "36" in text and "nhiệm vụ" in text and "250" in text and "kg" in text
    assert "tháng đầu tiên có số liệu" in text and "DỮ LIỆU MINH HỌA" not in text
    assert "Chưa có:" in text and "Đường đậm" not in text  # no line drawn, no legend for one


@pytest.mark.slow
def test_no_empty_section_is_printed(rendered):
    for rel in ("2021-06/monthly_summary.html", "2021-01/monthly_summary.html", "2021/yoy_indicators.html"):
        page = (rendered / rel).read_text(encoding="utf-8")
        assert "Không có số liệu cho mục này" not in page, rel
    real = (rendered / "2021-01" / "monthly_summary.html").read_text(encoding="utf-8")
    assert "Diễn biến từng chỉ tiêu" not in real  # one month: no trend to draw


@pytest.mark.slow
def test_the_yearly_page_opens_with_a_panel_per_indicator(rendered):
    page = (rendered / "2021" / "yoy_indicators.html").read_text(encoding="utf-8")
    first = page.index('class="sk-panel"')
    assert first < page.index("Phụ lục") and page.count('class="sk-panel"') >= 20
    text = page_text(rendered / "2021" / "yoy_indicators.pdf")
    assert "Giống nấm sản" in text and "Lũy kế" in text


@pytest.mark.slow
def test_on_a_phone_nothing_scrolls_sideways_and_the_cards_come_first(chromium, rendered):
    from sokhcn_analytics.reports.browser import Browser

    ARTIFACTS.mkdir(exist_ok=True)
    with Browser.launch(chromium) as b:
        for rel in ("2021-06/monthly_summary.html", "2021-01/monthly_summary.html", "2021/yoy_indicators.html"):
            session = b.open((rendered / rel).resolve().as_uri(), width=390, height=900)
            assert b.evaluate(session, "document.documentElement.scrollWidth") <= 390, rel
            if "monthly" in rel:
                top = b.evaluate(session, "document.querySelector('.sk-card').getBoundingClientRect().top")
                assert top < 900, rel
                assert b.evaluate(session, "getComputedStyle(document.querySelector('.sk-card')).display") != "none"
            b.screenshot(session, ARTIFACTS / f"phone_{rel.replace('/', '_')}.png")
            b.close_page(session)


# ---------------------------------------------------------------- a planted outlier, end to end

@pytest.mark.slow
def test_a_planted_outlier_is_flagged_by_build_summary_and_briefing(tmp_path):
    import openpyxl

    raw = tmp_path / "raw"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "raw", raw)
    book_path = raw / "illustrative" / "2021-06_minh-hoa.xlsx"
    book = openpyxl.load_workbook(book_path)
    assert book["ChiTieu"]["D18"].value == 200
    book["ChiTieu"]["D18"] = 1200
    book.save(book_path)
    processed = tmp_path / "processed"
    built = subprocess.run([*sokhcn_cmd(), "build", "--raw", str(raw), "--processed", str(processed)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert "[implausible_value]" in built.stderr and "ChiTieu!D18" in built.stderr and "1.200 kg" in built.stderr
    summary = subprocess.run([*sokhcn_cmd(), "summary", "--processed", str(processed), "--period", "2021-06"],
                             capture_output=True, text=True)
    assert summary.returncode == 0 and "ChiTieu!D18" in summary.stderr
    df, tasks = load_indicators(processed), load_tasks(processed)
    first = briefing.main_points(df, tasks, "2021-06", DEMO)[0]
    assert first.kind == "implausible" and "Giống nấm sản xuất 1.200 kg" in first.text and "ChiTieu!D18" in first.text


# ---------------------------------------------------------------- quarter figures against the months

def with_quarter(df, stated: float):
    row = df[(df["org"] == DEMO) & (df["period"] == "2021-03") & (df["indicator"] == "mushroom_spawn_kg")
             & (df["kind"] == "result")].assign(value=stated, span=3, source_ref="«quý I: 700 kg giống nấm»")
    return pd.concat([df.assign(span=1) if "span" not in df.columns else df, row], ignore_index=True)


def test_a_quarter_that_the_months_do_not_add_up_to_is_listed(store):
    from sokhcn_analytics.analysis import tables

    df, _ = store  # January–March 2021: 290 + 130 + 210 = 630 kg
    assert tables.disagreements(with_quarter(df, 630.0), "2021-06", DEMO).empty
    shown = tables.disagreements(with_quarter(df, 700.0), "2021-06", DEMO)
    assert shown.iloc[0].tolist()[:6] == ["Giống nấm sản xuất", "kg", "3 tháng đến tháng 03/2021", "700", "630", "70"]
    assert tables.disagreements(with_quarter(df, 700.0), "2021-02", DEMO).empty  # not yet stated by then
    # the quarter is never summed into the months
    assert briefing.cards(with_quarter(df, 700.0), "2021-03", DEMO).loc["mushroom_spawn_kg", "value"] == 210


@pytest.mark.slow
def test_the_briefing_appendix_shows_the_disagreement(shipped_store, tmp_path):
    from conftest import shipped_store_with

    quarter = "BÁO CÁO\nKết quả công tác quý I năm 2021\n1. Hoạt động của Trung tâm\nQuý I sản xuất được 700 kg giống nấm.\n"
    folder = shipped_store_with(shipped_store, tmp_path, {"2021-03_minh-hoa.txt": quarter})
    stated = load_indicators(folder).query("span == 3")
    assert stated[["period", "indicator", "value"]].values.tolist() == [["2021-03", "mushroom_spawn_kg", 700.0]]
    done = subprocess.run([*sokhcn_cmd(), "report", "--period", "2021-06", "--data", str(folder), "--out",
                           str(tmp_path / "out"), "--notebook", "monthly_summary", "--no-pdf"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "out" / "2021-06" / "monthly_summary.html").read_text(encoding="utf-8")
    assert "Số liệu kỳ (quý/năm) chưa khớp với tổng các tháng" in page
    assert stated["source_ref"].iloc[0] in page.replace("&laquo;", "«").replace("&raquo;", "»")  # the report's quote


def test_english_briefings_write_english_numbers(store):
    df, tasks = store
    text = " ".join(p.text for p in briefing.main_points(df, tasks, "2021-06", DEMO, lang="en"))
    assert "2,230 instruments" in text and "22.4 %" in text and "22,4" not in text
    cards = briefing.cards(df, "2021-06", DEMO)
    markup = pictures.cards(cards, briefing.history(df, "2021-06", DEMO, cards.index), lang="en")
    assert "Year to date: 1,190 kg" in markup and "+17.6 %" in markup and "1.190" not in markup
