"""The indicator catalog is complete, consistent and the only source of names and units."""
from __future__ import annotations

import pytest

from sokhcn_analytics import catalog
from sokhcn_analytics.model import LEVELS, STATUSES

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
