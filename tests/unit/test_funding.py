"""The funding table reproduces the plan's own figures (values typed from the plan's text)."""

from __future__ import annotations

import pytest

import rapnb
from rapnb.derived.funding import funding_table

# Row totals as printed in the plan's funding table ("TOTAL" column).
STATED_ROW_TOTALS = {
    "argentina": 800_000, "brazil": 3_424_000, "caribbean": 1_000_022, "chile": 1_000_001,
    "colombia": 13_399_999, "costa_rica": 1_250_028, "dominican_republic": 1_149_180,
    "ecuador": 2_039_700, "guyana": 700_015, "mexico": 665_418, "panama": 2_000_098,
    "peru": 1_944_190, "uruguay": 150_014, "venezuela": 528_402,
    "ro_buenos_aires": 1_373_882, "ro_san_jose": 901_092,
}
# Where the cells do not add up to the printed total: computed - stated, checked by hand.
ROW_GAPS = {"dominican_republic": 1, "ecuador": 1, "ro_buenos_aires": 1, "ro_san_jose": -1}
# "Funding requested" under each outcome, and the evaluation column.
OUTCOME_AMOUNTS = {
    "data_production": 4_870_332, "capacity_coordination": 8_013_791,
    "direct_assistance": 9_308_907, "socioeconomic_integration": 9_968_231, "evaluation": 164_780,
}
COLUMN_GAPS = {"capacity_coordination": 1, "direct_assistance": 1}


def test_funding_shape_and_types() -> None:
    table = rapnb.funding()
    assert list(table.columns[:3]) == ["office_id", "component", "amount_usd"]
    assert len(table) == 80
    assert str(table["amount_usd"].dtype) == "int64"
    assert (table["amount_usd"] >= 0).all()


def test_grand_total_stated_and_computed() -> None:
    stated = rapnb.funding_stated().set_index(["scope", "item"])["stated_usd"]
    assert stated[("grand_total", "total")] == 32_326_041
    assert stated[("narrative", "total")] == 32_326_041
    # The 80 cells add up to 2 USD more than the plan's grand total.
    assert rapnb.funding()["amount_usd"].sum() == 32_326_043


@pytest.mark.parametrize("office", sorted(STATED_ROW_TOTALS))
def test_each_office_total(office: str) -> None:
    cells = rapnb.funding()
    computed = cells.loc[cells["office_id"] == office, "amount_usd"].sum()
    assert computed - STATED_ROW_TOTALS[office] == ROW_GAPS.get(office, 0)
    stated = rapnb.funding_stated().set_index(["scope", "item"])["stated_usd"]
    assert stated[("office", office)] == STATED_ROW_TOTALS[office]


@pytest.mark.parametrize("component", sorted(OUTCOME_AMOUNTS))
def test_outcome_amounts(component: str) -> None:
    sums = rapnb.funding().groupby("component")["amount_usd"].sum()
    assert sums[component] - OUTCOME_AMOUNTS[component] == COLUMN_GAPS.get(component, 0)
    outcomes = rapnb.outcomes().set_index("component")
    assert outcomes.loc[component, "funding_requested_usd"] == OUTCOME_AMOUNTS[component]


def test_regional_sheet_is_the_two_regional_offices() -> None:
    cells = rapnb.funding().set_index(["office_id", "component"])["amount_usd"]
    both = {c: cells[("ro_buenos_aires", c)] + cells[("ro_san_jose", c)]
            for c in OUTCOME_AMOUNTS}
    # The regional sheet prints USD 687,052 / 499,454 / 786,813 / 136,875 / 164.780.
    assert both == {"data_production": 687_052, "capacity_coordination": 499_454,
                    "direct_assistance": 786_813, "socioeconomic_integration": 136_875,
                    "evaluation": 164_780}
    assert sum(both.values()) == 2_274_974


def test_funding_table_as_printed() -> None:
    table = funding_table()
    assert list(table.index[:3]) == ["Argentina", "Brazil", "Caribbean"]
    assert table.index[-1] == "TOTAL"
    assert table.loc["Dominican R.", "stated_total_usd"] == 1_149_180
    assert table.loc["Dominican R.", "total_usd"] == 1_149_181
    assert table.loc["Colombia", "stated_share_pct"] == pytest.approx(41.5)
    assert table.loc["TOTAL", "stated_total_usd"] == 32_326_041
    assert table.loc["TOTAL", "capacity_coordination"] == 8_013_792


def test_offices_and_sheets() -> None:
    assert rapnb.sheets() == [
        "argentina", "brazil", "caribbean", "chile", "colombia", "costa_rica",
        "dominican_republic", "ecuador", "guyana", "mexico", "panama", "peru", "uruguay",
        "venezuela", "regional",
    ]
    office_ids = set(rapnb.offices()["office_id"])
    assert office_ids == (set(rapnb.sheets()) - {"regional"}) | {"ro_buenos_aires", "ro_san_jose"}
    coverage = rapnb.office_countries()
    caribbean = set(coverage.loc[coverage["office_id"] == "caribbean", "iso3"])
    assert caribbean == {"ABW", "CUW", "BES", "TTO"}
    assert len(rapnb.countries()) == 17
