"""The indicator catalog is complete, consistent and the only source of names and units."""
from __future__ import annotations

import pytest

from sokhcn_analytics.core import catalog
from sokhcn_analytics.core.model import LEVELS, STATUSES

REQUIRED = """tasks_managed tasks_continuing tasks_new tasks_continuing_provincial tasks_continuing_national
tasks_continuing_ntmn tasks_new_provincial tasks_new_national tasks_new_ntmn tasks_central_monitored
tasks_appraised tasks_accepted budget_appraisals mushroom_spawn_kg mushroom_bags orchid_flasks orchid_bags
material_samples_tested instruments_verified grounding_systems_measured training_classes media_programs
admin_procedures inspections ip_applications""".split()


def test_catalog_has_every_required_code_once():
    codes = catalog.codes()
    assert set(REQUIRED) <= set(codes)
    assert len(codes) == len(set(codes))


def test_every_indicator_has_names_unit_category_and_aggregation():
    df = catalog.load_catalog()
    assert set(df.category) <= set(catalog.CATEGORIES)
    assert set(df.aggregation) <= set(catalog.AGGREGATIONS)
    assert (df.name_vi.str.len() > 3).all() and (df.name_en.str.len() > 3).all() and (df.unit.str.len() > 0).all()


@pytest.mark.parametrize("code,aggregation", [("mushroom_spawn_kg", "sum"), ("tasks_managed", "last"),
                                              ("material_samples_tested", "sum"), ("tasks_appraised", "last")])
def test_flows_sum_and_stocks_take_the_last_value(code, aggregation):
    assert catalog.aggregation(code) == aggregation


def test_labels_cover_every_category_level_status_and_org():
    for key in ([f"category.{c}" for c in catalog.CATEGORIES] + [f"level.{x}" for x in LEVELS]
                + [f"status.{x}" for x in STATUSES] + ["org.so-khcn-bac-kan", "org.minh-hoa",
                                                       "illustrative.banner", "illustrative.mark"]):
        assert catalog.label(key, "vi") and catalog.label(key, "en"), key


def test_unknown_names_fail_loudly():
    with pytest.raises(KeyError, match="no_such"):
        catalog.indicator("no_such")
    with pytest.raises(KeyError, match="no.such"):
        catalog.label("no.such")
    assert catalog.name("mushroom_spawn_kg", "en") == "Mushroom spawn produced"


def test_every_indicator_has_a_unit_in_both_languages():
    for code in catalog.codes():
        vi, en = catalog.unit(code), catalog.unit(code, "en")
        assert vi and en, code
        assert en.isascii(), (code, en)  # no Vietnamese word left in an English report
    assert (catalog.unit("orchid_bags"), catalog.unit("orchid_bags", "en")) == ("bịch", "bags")


NATIONAL = {  # issue 12: the ministry's regime (Thông tư 03/2019/TT-BKHCN), names and units exactly
    "tasks_managed_provincial": ("nhiệm vụ", "last"), "tasks_managed_national": ("nhiệm vụ", "last"),
    "tasks_managed_ntmn": ("dự án", "last"), "task_proposals_received": ("đề xuất", "sum"),
    "tasks_identified": ("nhiệm vụ", "sum"), "councils_held": ("hội đồng", "sum"),
    "ip_titles_granted": ("văn bằng", "sum"), "establishments_inspected": ("cơ sở", "sum"),
    "violations_found": ("trường hợp", "sum"), "establishments_sanctioned": ("cơ sở", "sum"),
    "fines_vnd": ("đồng", "sum"), "samples_tested": ("mẫu", "sum"), "xray_devices_inspected": ("thiết bị", "sum"),
    "import_quality_dossiers": ("hồ sơ", "sum"), "conformity_declarations": ("hồ sơ", "sum"),
    "st_budget_vnd": ("đồng", "last"),
}


def test_national_codes_have_their_unit_and_aggregation():
    for code, (unit, aggregation) in NATIONAL.items():
        assert (catalog.unit(code), catalog.aggregation(code)) == (unit, aggregation), code
    assert catalog.name("fines_vnd") == "Số tiền xử phạt vi phạm hành chính"
    assert catalog.name("tasks_identified", "en") == "S&T tasks identified for ordering by an advisory council"


def test_every_national_code_has_wording_hints_naming_known_codes():
    hints = catalog.hints()
    for code in NATIONAL:
        assert hints[code]["nouns"] and (hints[code]["actions"] or hints[code]["qualifiers"]), code
    assert {h["within"] for h in hints.values()} - {""} <= set(catalog.codes())


def test_workbook_template_lists_the_national_codes(tmp_path):
    import openpyxl

    from sokhcn_analytics.ingest.workbook import write_template

    path = write_template("2022-03", tmp_path / "t.xlsx", org="so-khcn-cao-bang")
    text = " ".join(str(c.value) for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row
                    if c.value is not None)
    for code in NATIONAL:
        assert code in text or catalog.name(code) in text, code
