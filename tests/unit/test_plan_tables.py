"""Activity framework, sheets, permits and narrative figures against the plan's own text."""

from __future__ import annotations

import pandas as pd
import pytest

import rapnb

# Residence permits as printed in the plan's table (N.A. as None), typed from the text.
PERMITS = {
    "ARG": (5_784, 12_859, 31_167), "BRA": (None, None, 8_470),
    "COL": (11_743, 15_541, 68_799), "CHL": (9_730, 26_625, 84_425),
    "ECU": (10_543, 14_818, 15_800), "PER": (1_366, 2_314, 21_250),
    "URY": (710, 864, 3_271), "CRI": (None, 950, 1_200), "MEX": (6_464, 7_449, 9_236),
    "PAN": (None, 4_615, 15_366), "DOM": (345, 749, 1_529), "CAN": (935, 1_020, 1_025),
}


def test_activity_counts_per_outcome() -> None:
    table = rapnb.activities()
    assert list(table.columns[:3]) == ["activity_id", "outcome", "text"]
    assert table.groupby("outcome").size().to_dict() == {1: 7, 2: 12, 3: 10, 4: 16}
    assert table["activity_id"].iloc[0] == "O1.A1"
    assert table.set_index("activity_id").loc["O1.A1", "text"] == (
        "Adapt the DTM toolbox to the regional flows")
    assert table.set_index("activity_id").loc["O4.A16", "text"].startswith("Co-fund small projects")


def test_sheet_activities_cover_every_sheet() -> None:
    listed = rapnb.sheet_activities()
    assert list(listed.columns[:2]) == ["sheet_id", "activity_id"]
    assert set(listed["sheet_id"]) == set(rapnb.sheets())
    counts = listed.groupby("sheet_id").size()
    # Venezuela's sheet lists two activities; Uruguay's six; the regional sheet thirteen.
    assert (counts["venezuela"], counts["uruguay"], counts["regional"]) == (2, 6, 13)
    regional_only = {"O1.A1", "O1.A2", "O1.A4", "O2.A9", "O2.A10", "O3.A9"}
    assert regional_only <= set(listed.loc[listed["sheet_id"] == "regional", "activity_id"])


def test_needs_only_where_the_sheet_has_money() -> None:
    needs = rapnb.sheet_needs()
    offices = rapnb.offices()[["office_id", "sheet_id"]]
    money = rapnb.funding().merge(offices, on="office_id")
    funded = money[money["amount_usd"] > 0].groupby("sheet_id")["component"].agg(set)
    for sheet, components in needs.groupby("sheet_id")["component"].agg(set).items():
        assert components == funded[sheet] - {"evaluation"}, sheet
    assert set(needs.loc[needs["sheet_id"] == "uruguay", "need"]) == {
        "Migrant registration capacity", "Integration"}


def test_government_response_by_sheet() -> None:
    measures = rapnb.government_response()
    counts = measures.groupby("sheet_id").size().to_dict()
    assert counts["argentina"] == 3 and counts["mexico"] == 1 and counts["peru"] == 2
    assert "caribbean" not in counts and "regional" not in counts
    mexico = measures.loc[measures["sheet_id"] == "mexico", "measure"].item()
    assert mexico == "High acceptance rate of Venezuelan Asylum Seekers"


def test_residence_permits_as_printed() -> None:
    table = rapnb.residence_permits()
    assert list(table.columns[:4]) == ["iso3", "country", "year", "permits"]
    assert str(table["permits"].dtype) == "Int64"
    for iso3, values in PERMITS.items():
        for year, expected in zip((2015, 2016, 2017), values, strict=True):
            got = table.loc[(table["iso3"] == iso3) & (table["year"] == year), "permits"].item()
            assert (got is pd.NA) if expected is None else got == expected, (iso3, year)


def test_permits_table_sums() -> None:
    by_year = rapnb.residence_permits().groupby("year")["permits"].sum().to_dict()
    assert by_year == {2015: 47_620, 2016: 87_804, 2017: 261_538}
    assert sum(by_year.values()) == 396_962  # the narrative says "over 400,000"
    assert rapnb.residence_permits()["permits"].isna().sum() == 4


def test_key_figures_keep_their_sentences() -> None:
    figures = rapnb.key_figures().set_index("figure_id")
    assert figures.loc["dom_permits_2015_narrative", "value"] == 313
    assert "313 residence permits" in figures.loc["dom_permits_2015_narrative", "statement"]
    assert figures.loc["col_pep_applications", "value"] == 155_572
    assert figures["source_ref"].str.len().min() > 5


def test_stocks_keep_source_and_confidence() -> None:
    stocks = rapnb.stocks()
    assert set(stocks["confidence"]) == {"high", "medium", "low"}
    usa = stocks[(stocks["iso3"] == "USA") & (stocks["year"] == 2016)]
    assert usa["venezuelan_nationals"].item() == 290_224
    chile = stocks[stocks["iso3"] == "CHL"]
    assert chile["confidence"].item() == "low" and "press report" in chile["source"].item()


def test_reconcile_finds_the_rounding_gaps() -> None:
    found = rapnb.reconcile()
    assert list(found.columns[:2]) == ["table", "item"]
    assert {"stated", "computed", "difference", "note"} <= set(found.columns)
    funding = found[found["table"] == "funding"]
    rows = funding[funding["check"] == "row total"].set_index("item")["difference"].to_dict()
    assert rows == {"dominican_republic": 1, "ecuador": 1, "ro_buenos_aires": 1,
                    "ro_san_jose": -1}
    columns = funding[funding["check"] == "column total"].set_index("item")["difference"]
    assert columns.to_dict() == {"capacity_coordination": 1, "direct_assistance": 1}
    grand = funding[funding["check"] == "grand total"].iloc[0]
    assert (grand["stated"], grand["computed"]) == (32_326_041, 32_326_043)
    shares = funding[funding["check"] == "sum of stated row shares"].iloc[0]
    assert shares["computed"] == pytest.approx(100.3)


def test_reconcile_finds_permit_conflicts() -> None:
    found = rapnb.reconcile()
    permits = found[found["table"] == "residence_permits"]
    dom = permits[permits["item"] == "DOM 2015"].iloc[0]
    assert (dom["stated"], dom["computed"]) == (313, 345)
    total = permits[permits["check"] == "table total"].iloc[0]
    assert (total["stated"], total["computed"]) == (400_000, 396_962)
    panama = permits[permits["item"] == "PAN"].iloc[0]
    assert panama["computed"] == pytest.approx(15_366 / 4_615)


def test_reconcile_covers_every_total_and_share() -> None:
    checks = rapnb.reconcile(include_agreements=True)
    funding = checks[checks["table"] == "funding"]
    counts = funding.groupby("check").size().to_dict()
    assert counts["row total"] == 16 and counts["row share"] == 16
    assert counts["column total"] == 5 and counts["column share"] == 5
    assert counts["grand total"] == 1 and counts["sheet total"] == 15
    agreeing = funding[funding["agrees"]]
    assert "argentina" in set(agreeing.loc[agreeing["check"] == "row total", "item"])
