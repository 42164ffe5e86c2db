"""rapnb.errata(): the plan's textual slips, curated (data/errata.csv) and computed from the
other tables; never applied to the data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import rapnb
from rapnb import report
from rapnb.derived.errata import KINDS, ORIGINS, significant_digits, word_changes

COUNTS = {
    "typo": 19, "truncated_sentence": 1, "date_missing_year": 3, "number_format": 8,
    "heading": 5, "wording_difference": 7, "budget_without_need": 1, "approximate_precise": 2,
}


@pytest.fixture(scope="module")
def found() -> pd.DataFrame:
    return rapnb.errata()


def test_every_kind_is_found_and_counted(found: pd.DataFrame) -> None:
    counts = found["kind"].value_counts().to_dict()
    assert counts == COUNTS
    assert list(dict.fromkeys(found["kind"])) == KINDS  # ordered by kind
    assert set(ORIGINS) == set(KINDS)
    assert found["erratum_id"].is_unique
    for column in ("section", "quote", "note", "source_ref"):
        assert found[column].str.len().min() > 0, column


def test_curated_rows_quote_the_plan_as_printed() -> None:
    curated = rapnb.curated_errata().set_index("erratum_id")
    assert len(curated) == 36
    assert curated.loc["typo_venezuelans_nationals", "quote"].startswith(
        "There has been a 51% increase in the number of Venezuelans nationals")
    assert curated.loc["typo_2016_dot_2017", "quote"].endswith("during 2016.-2017.")
    assert curated.loc["truncated_mercosur", "quote"].endswith("(Mercado Comun del")
    assert curated.loc["date_brazil_between_march", "quote"].startswith(
        "Between March and February 2018")
    assert curated.loc["numfmt_table_thousands_dot", "quote"] == "180.572"
    assert curated.loc["numfmt_table_decimal_comma", "quote"] == "15,1%"


def test_slips_are_kept_in_the_other_datasets() -> None:
    """Errata describe; they never fix: the datasets still print the slips."""
    flows = rapnb.flow_statements().set_index("iso3")["statement"]
    assert "Venezuelans nationals" in flows["ARG"]
    assert flows["CHL"].endswith("during 2016.-2017.")
    funding = rapnb.funding().set_index(["office_id", "component"])["amount_as_printed"]
    assert funding[("argentina", "data_production")] == "180.572"
    activities = rapnb.activities().set_index("activity_id")["text"]
    assert "service provides" in activities["O1.A7"]


def test_a_framework_vs_sheet_wording_checked_by_hand(found: pd.DataFrame) -> None:
    """The regional sheet prints O3.A9 as '... in high vulnerable situation.' where the
    framework has '... in highly vulnerable situations.' (read in the plan's text)."""
    rows = found[found["kind"] == "wording_difference"].set_index("erratum_id")
    row = rows.loc["wording_o3_a9"]
    assert row["quote"].endswith("men, women, boys and girls in high vulnerable situation.")
    assert row["section"] == "Sheet Regional (Regional Offices Buenos Aires and San José):" \
        " activity O3.A9"
    assert "'high' for 'highly'; 'situation' for 'situations'" in row["note"]
    o1a5 = rows.loc["wording_o1_a5"]
    assert "'including GBV risks' dropped" in o1a5["note"]
    assert o1a5["source_ref"].endswith(
        "(argentina, caribbean, chile, colombia, costa_rica, ecuador, guyana, mexico, panama,"
        " peru, regional)")
    # O1.A6 is missing: the sheets only drop the framework's final full stop
    assert sorted(rows.index) == ["wording_o1_a4", "wording_o1_a5", "wording_o2_a3",
                                  "wording_o2_a5", "wording_o2_a6", "wording_o3_a4",
                                  "wording_o3_a9"]


def test_word_changes() -> None:
    assert word_changes("Monitor the risk of smuggling.", "monitor the  risk of smuggling") == []
    assert word_changes("work multi-partner sessions", "work multipartner sessions") == [
        "'multipartner' for 'multi-partner'"]
    assert word_changes("health, employment and referral", "health, education, housing,"
                        " employment and referral") == ["'education, housing' added"]
    assert word_changes("risks including GBV risks.", "risks") == ["'including GBV risks' dropped"]


def test_budget_without_need_matches_the_hand_check(found: pd.DataFrame) -> None:
    """By hand: every sheet lists needs under each outcome it budgets, except the regional
    sheet, which budgets the evaluation (RO Buenos Aires, 164.780) and lists no need for it."""
    rows = found[found["kind"] == "budget_without_need"]
    assert rows[["erratum_id", "quote"]].values.tolist() == [
        ["budget_without_need_regional_evaluation", "164.780"]]
    assert "USD 164,780 for evaluation (RO Buenos Aires)" in rows.iloc[0]["note"]


def test_budget_without_need_sees_a_missing_need(data_copy: Path) -> None:
    path = data_copy / "sheet_needs.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    kept = [r for r in rows if not (r[0] == "peru" and r[1] == "direct_assistance")]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(kept)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    rows_found = rapnb.errata(data_copy)
    ids = rows_found[rows_found["kind"] == "budget_without_need"]["erratum_id"].tolist()
    assert ids == ["budget_without_need_peru_direct_assistance",
                   "budget_without_need_regional_evaluation"]


def test_approximate_precise_figures(found: pd.DataFrame) -> None:
    rows = found[found["kind"] == "approximate_precise"].set_index("erratum_id")
    assert sorted(rows.index) == ["approximate_col_pep_regularised_first_stage",
                                  "approximate_per_ptp_applicants"]
    assert "approximately 68,374" in rows.loc["approximate_col_pep_regularised_first_stage",
                                              "quote"]
    assert [significant_digits(v) for v in (68_374, 125_000, 27.1, 900, 1_600_000)] == [
        5, 3, 3, 1, 2]


def test_errata_table_for_the_overview() -> None:
    table = report.errata_table()
    assert list(table.columns) == ["Where", "As printed", "Note"]
    assert table.index.value_counts()["Wording difference"] == 7
    assert table.loc["Truncated sentence", "As printed"].endswith("(Mercado Comun del")
