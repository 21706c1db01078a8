"""Charts: render to PNG (Agg), not blank, labelled with the catalog's Vietnamese names."""
from __future__ import annotations

import io
import subprocess
import sys
import warnings

import matplotlib
import matplotlib.colors
import matplotlib.image
import matplotlib.text
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sokhcn_analytics.core import catalog
from sokhcn_analytics.plots.charts import pipeline_chart, target_chart, trend_chart, ytd_chart
from sokhcn_analytics.core.model import INDICATOR_COLUMNS, normalize_indicators, normalize_tasks

REAL = "so-khcn-bac-kan"
DEMO = "minh-hoa"
SPAWN = "mushroom_spawn_kg"
MANAGED = "tasks_managed"
TRAINING = "training_classes"
MARK_VI = "Dữ liệu minh họa"


def indicators(org=REAL, illustrative=False):
    rows = []
    for year in (2020, 2021):
        for month in range(1, 7):
            if (year, month) == (2021, 3):
                continue  # a month with no report
            p = f"{year}-{month:02d}"
            rows += [(p, SPAWN, 200.0 + 10 * month + year % 2 * 30, "result"),
                     (p, MANAGED, 30.0 + month, "result"),
                     (p, TRAINING, float(month % 4), "result")]
    rows += [("2021-01", SPAWN, 3000.0, "target"), ("2021-01", MANAGED, 40.0, "target"),
             ("2021-01", TRAINING, 20.0, "target"), ("2021-07", SPAWN, 500.0, "plan")]
    return normalize_indicators(pd.DataFrame(
        [{"org": org, "period": p, "indicator": c, "value": v, "kind": k, "reviewed": True,
          "illustrative": illustrative} for p, c, v, k in rows], columns=INDICATOR_COLUMNS))


def tasks(org=REAL, illustrative=False):
    statuses = ["proposed", "approved", "in_progress", "in_progress", "accepted", "stopped"]
    return normalize_tasks(pd.DataFrame(
        [{"org": org, "period": "2021-06", "task_id": f"T{i}", "name": f"Nhiệm vụ {i}",
          "level": ["provincial", "national", "ntmn", "grassroots"][i % 4], "status": statuses[i % 6],
          "illustrative": illustrative} for i in range(20)]))


def texts(fig: Figure) -> list[str]:
    fig.draw_without_rendering()
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]


def render(fig: Figure) -> np.ndarray:
    """PNG bytes through Agg, failing on any warning (e.g. a glyph missing from the font)."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(buf, format="png")
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    buf.seek(0)
    return matplotlib.image.imread(buf, format="png")


def assert_not_blank(pixels: np.ndarray):
    assert pixels.shape[0] > 200 and pixels.shape[1] > 400
    assert pixels[..., :3].std() > 0.05


def build_quietly(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


CHARTS = {
    "trend": lambda df, t, **kw: trend_chart(df, SPAWN, "2021-06", **kw),
    "trend_stock": lambda df, t, **kw: trend_chart(df, MANAGED, "2021-06", **kw),
    "ytd": lambda df, t, **kw: ytd_chart(df, "2021-06", **kw),
    "target": lambda df, t, **kw: target_chart(df, 2021, "2021-06", **kw),
    "pipeline": lambda df, t, **kw: pipeline_chart(t, "2021-06", **kw),
}


@pytest.mark.parametrize("name", CHARTS)
def test_chart_renders_to_a_non_blank_png_without_warnings(name):
    fig = build_quietly(CHARTS[name], indicators(), tasks())
    assert isinstance(fig, Figure)
    assert_not_blank(render(fig))


def test_trend_chart_labels_are_the_catalogs_vietnamese_names():
    words = texts(trend_chart(indicators(), SPAWN, "2021-06"))
    assert f"{catalog.name(SPAWN)} theo tháng" in words
    assert catalog.unit(SPAWN) in words
    assert {"Năm 2020", "Năm 2021", "T1", "T6", "Tháng không có báo cáo"} <= set(words)


def test_trend_chart_draws_no_bar_for_a_month_without_report():
    fig = trend_chart(indicators(), SPAWN, "2021-06")
    ax = fig.axes[0]
    this_year = [p for p in ax.patches if p.get_facecolor()[:3] == matplotlib.colors.to_rgb("#1f5a96")]
    assert len(this_year) == 5                          # Jan, Feb, Apr, May, Jun — no 0 bar for March
    assert all(p.get_height() > 0 for p in this_year)


def test_ytd_chart_labels_are_the_catalogs_vietnamese_names():
    words = texts(ytd_chart(indicators(), "2021-06", indicators=[SPAWN, MANAGED]))
    assert f"{catalog.name(SPAWN)} (kg)" in words
    assert any(w.startswith(catalog.name(MANAGED)) and "số mới nhất" in w for w in words)
    assert "Lũy kế từ đầu năm đến Tháng 06/2021" in words


def test_target_chart_labels_are_the_catalogs_vietnamese_names():
    words = texts(target_chart(indicators(), 2021, "2021-06"))
    for code in (SPAWN, MANAGED, TRAINING):
        assert catalog.name(code) in words
    assert "% chỉ tiêu năm" in words and "Đạt tiến độ" in words


def test_pipeline_chart_labels_are_the_vietnamese_levels_and_statuses():
    words = texts(pipeline_chart(tasks(), "2021-06"))
    assert {"Cấp tỉnh", "Cấp quốc gia", "Chương trình NTMN", "Cấp cơ sở"} <= set(words)
    assert {"Đề xuất", "Đang thực hiện", "Đã nghiệm thu", "Dừng thực hiện"} <= set(words)
    assert catalog.label("chart.pipeline.ylabel") in words


def test_charts_speak_english_on_request():
    words = texts(trend_chart(indicators(), SPAWN, "2021-06", lang="en"))
    assert "Mushroom spawn produced by month" in words
    assert not any("Năm" in w for w in words)
    assert "Provincial" in texts(pipeline_chart(tasks(), "2021-06", lang="en"))


def test_english_charts_give_english_units():
    ytd_words = texts(ytd_chart(indicators(), "2021-06", indicators=[TRAINING], lang="en"))
    assert "Training classes held (classes)" in ytd_words
    trend_words = texts(trend_chart(indicators(), TRAINING, "2021-06", lang="en"))
    assert "classes" in trend_words and "lớp" not in " ".join(trend_words)


@pytest.mark.parametrize("name", CHARTS)
def test_illustrative_rows_carry_a_visible_mark(name):
    fig = CHARTS[name](indicators(org=DEMO, illustrative=True), tasks(org=DEMO, illustrative=True))
    words = texts(fig)
    assert MARK_VI in words
    mark = next(t for t in fig.findobj(matplotlib.text.Text) if t.get_text() == MARK_VI)
    assert mark.get_alpha() in (None, 1.0) and mark.get_fontsize() >= 9
    assert_not_blank(render(fig))


@pytest.mark.parametrize("name", CHARTS)
def test_real_rows_carry_no_illustrative_mark(name):
    words = texts(CHARTS[name](indicators(), tasks()))
    assert not any("minh họa" in w.lower() for w in words)


def test_charts_refuse_to_mix_illustrative_and_real_rows():
    real = indicators()
    mixed = pd.concat([real, real.iloc[:3].assign(illustrative=True, period="2021-07")], ignore_index=True)
    with pytest.raises(ValueError, match="illustrative"):
        trend_chart(mixed, SPAWN, "2021-06")
    with pytest.raises(ValueError, match="illustrative"):
        ytd_chart(mixed, "2021-06")
    t = tasks()
    with pytest.raises(ValueError, match="illustrative"):
        pipeline_chart(pd.concat([t, t.iloc[:1].assign(illustrative=True, task_id="X")]), "2021-06")


def test_charts_need_org_when_the_frame_holds_several():
    both = pd.concat([indicators(), indicators(org=DEMO, illustrative=True)], ignore_index=True)
    with pytest.raises(ValueError, match="org="):
        target_chart(both, 2021, "2021-06")
    real_only = texts(target_chart(both, 2021, "2021-06", org=REAL))
    demo_only = texts(target_chart(both, 2021, "2021-06", org=DEMO))
    assert MARK_VI not in real_only and MARK_VI in demo_only


def test_chart_without_data_says_so_instead_of_failing():
    df = indicators()
    assert "Không có số liệu" in texts(target_chart(df[df["kind"] != "target"], 2021, "2021-06"))


def test_charts_leave_matplotlib_global_state_alone():
    before = dict(matplotlib.rcParams)
    for name, make in CHARTS.items():
        make(indicators(), tasks())
    after = dict(matplotlib.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()


@pytest.mark.slow
def test_charts_never_import_pyplot():
    code = ("import sys; from tests.test_charts import CHARTS, indicators, tasks\n"
            "[make(indicators(), tasks()).savefig(__import__('io').BytesIO()) for make in CHARTS.values()]\n"
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("pathlib").Path(__file__).parents[1]))


def test_figure_shows_itself_as_png_in_jupyter():
    png = trend_chart(indicators(), SPAWN, "2021-06")._repr_png_()
    assert png[:4] == b"\x89PNG"


def test_known_org_without_rows_gets_a_no_data_chart_and_unknown_org_is_refused():
    demo_tasks = tasks(org=DEMO, illustrative=True)
    assert "Không có số liệu" in texts(pipeline_chart(demo_tasks, "2021-06", org=REAL))
    assert "Không có số liệu" in texts(pipeline_chart(demo_tasks, "2021-07"))
    with pytest.raises(ValueError, match="so-khcn-backan"):
        pipeline_chart(demo_tasks, "2021-06", org="so-khcn-backan")



@pytest.mark.parametrize("name", CHARTS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_text_of_a_chart_lies_inside_the_figure(name, lang):
    """The charts place their axes themselves (no layout engine): nothing may be cut off."""
    fig = CHARTS[name](indicators(illustrative=True, org=DEMO), tasks(illustrative=True, org=DEMO), lang=lang)
    fig.set_dpi(110)  # the dpi the reports embed charts at
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    parts = [(f"axes {ax.get_title('left')!r}", ax.get_tightbbox(renderer)) for ax in fig.axes]
    parts += [(repr(t.get_text()), t.get_window_extent(renderer)) for t in fig.texts
              if t.get_visible() and t.get_rotation() == 0]  # the rotated watermark may run off the corners
    parts += [("legend", leg.get_window_extent(renderer)) for leg in fig.legends]
    box = fig.bbox
    for what, ext in parts:
        assert box.x0 - 1 <= ext.x0 and ext.x1 <= box.x1 + 1 and box.y0 - 1 <= ext.y0 and ext.y1 <= box.y1 + 1, \
            f"{what} sticks out of the figure: {ext.bounds} vs {box.bounds}"


def test_target_chart_keeps_long_names_and_long_notes_inside_the_figure():
    df = indicators()
    df.loc[df["indicator"] == SPAWN, "value"] *= 123456.0  # notes like " 499.996.800 / 370.368.000 kg (135,0 %)"
    df.loc[(df["indicator"] == SPAWN) & (df["kind"] == "result"), "value"] *= 3  # far right: above target
    fig = target_chart(df, 2021, "2021-06")
    fig.set_dpi(110)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    ext = ax.get_tightbbox(renderer)  # bars, their notes and the indicator names
    assert 0 <= ext.x0 and ext.x1 <= fig.bbox.x1
    assert max(len(t.get_text()) for t in ax.texts) > 30  # the case this test is about: a long note


def test_trend_legend_shows_last_years_colour_even_without_last_years_bars():
    df = indicators()
    df = df[~df["period"].str.startswith("2020")]
    ax = trend_chart(df, SPAWN, "2021-06").axes[0]
    legend = ax.get_legend()
    swatches = {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles)}
    assert matplotlib.colors.to_hex(swatches["Năm 2020"].get_facecolor()) == "#9fbcd9"
    assert matplotlib.colors.to_hex(swatches["Năm 2021"].get_facecolor()) == "#1f5a96"


def test_ytd_block_shows_the_year_to_date_change_of_the_yoy_table_beside_its_heading():
    from sokhcn_analytics.analysis.measures import yoy
    from sokhcn_analytics.core.vnformat import format_percent

    df = indicators()
    ax = ytd_chart(df, "2021-06", indicators=[SPAWN]).axes[0]
    expected = format_percent(yoy(df, "2021-06").loc[SPAWN, "ytd_change_pct"], signed=True)
    heading = next(t for t in ax.texts if t.get_text() == f"{catalog.name(SPAWN)} (kg)")
    change = next(t for t in ax.texts if t.get_text() == expected)
    assert expected.endswith("%")  # a figure is shown (here -5,7 %: March has no report)
    assert change.get_position()[1] == heading.get_position()[1] and change.get_ha() == "right"


def test_ytd_blocks_have_their_own_scale_and_carry_the_real_values():
    from sokhcn_analytics.analysis.measures import yoy
    from sokhcn_analytics.core.vnformat import format_number

    df = indicators()
    ax = ytd_chart(df, "2021-06", indicators=[SPAWN, TRAINING]).axes[0]
    table = yoy(df, "2021-06")
    bars = sorted(ax.patches, key=lambda p: -p.get_y())  # top to bottom: spawn 2020, 2021, training 2020, 2021
    assert len(bars) == 4
    for pair, code in ((bars[:2], SPAWN), (bars[2:], TRAINING)):
        values = [table.loc[code, "ytd_prev_year"], table.loc[code, "ytd"]]
        widths = [b.get_width() for b in pair]
        assert max(widths) == pytest.approx(1.0)  # the larger bar of each block spans the block
        assert widths[0] / widths[1] == pytest.approx(values[0] / values[1])
        shown = {t.get_text() for t in ax.texts}
        assert {format_number(v) for v in values} <= shown
