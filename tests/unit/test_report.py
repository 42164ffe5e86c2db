"""Report helpers: sheet facts, tables as printed, and escaping of text from data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rapnb import report
from rapnb.errors import UnknownSheetError


def test_sheet_info_regional() -> None:
    info = report.sheet_info("regional")
    assert info.office_ids == ("ro_buenos_aires", "ro_san_jose")
    assert info.total_usd == 2_274_974 and info.stated_total_usd == 2_274_974
    assert info.stated_share_pct == pytest.approx(4.3 + 2.8)
    assert len(info.iso3) == 17


def test_sheet_info_caribbean_countries() -> None:
    info = report.sheet_info("caribbean")
    assert set(info.iso3) == {"ABW", "CUW", "BES", "TTO"}
    assert info.stated_total_usd == 1_000_022


@pytest.mark.parametrize("bad", ["atlantis", "", 3, None])
def test_unknown_or_mistyped_sheet(bad: object) -> None:
    with pytest.raises(UnknownSheetError) as err:
        report.sheet_info(bad)
    assert "valid sheet ids: argentina, brazil, caribbean" in str(err.value)
    assert str(err.value).endswith("venezuela, regional")


def test_sheet_funding_table_shows_stated_beside_sum() -> None:
    info = report.sheet_info("dominican_republic")
    table = report.sheet_funding_table(info)
    assert table.loc["Sum of the outcomes", "USD"] == "1,149,181"
    assert table.loc["TOTAL as printed in the plan", "USD"] == "1,149,180"
    assert "+1 USD" in report.sheet_headline(info).text


def test_permits_table_as_printed() -> None:
    table = report.permits_table()
    assert table.loc["Brazil", "2015"] == "N.A."
    assert table.loc["Chile", "2017"] == "84,425"
    assert table.loc["Total (N.A. left out)", "2017"] == "261,538"
    assert report.permits_table(report.sheet_info("caribbean")).empty  # TTO, ABW, CUW, BES


def test_funding_table_display() -> None:
    table = report.funding_table_display()
    assert table.loc["Colombia", "TOTAL as printed"] == "13,399,999"
    assert table.loc["TOTAL", "Sum of cells"] == "32,326,043"
    assert table.loc["Argentina", "Share as printed"] == "2,5%"


def test_hostile_text_is_escaped(data_copy: Path) -> None:
    path = data_copy / "government_response.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][2] = '<script>alert("x")</script> & <b>bold</b>'
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    measures = report.government_measures(rows[1][0], data_copy)
    text = report.bullets(measures)._repr_markdown_()
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    assert report.bullets([])._repr_markdown_() == "*None listed in the plan.*"


def test_sheet_activities_table_grouped_by_outcome() -> None:
    table = report.sheet_activities_table("venezuela")
    assert list(table.index.get_level_values("Activity")) == ["O2.A2", "O2.A6"]
    ids = list(report.sheet_activities_table("colombia").index.get_level_values("Activity"))
    assert ids.index("O1.A7") < ids.index("O2.A2") < ids.index("O2.A8") < ids.index("O2.A12")


def test_reconcile_table_formats_numbers() -> None:
    table = report.reconcile_table()
    row = table[(table["Item"] == "total") & (table["Check"] == "grand total")].iloc[0]
    assert (row["Stated"], row["Computed"], row["Difference"]) == (
        "32,326,041", "32,326,043", "+2")


def test_sheet_key_figures_keep_value_unit_and_sentence() -> None:
    table = report.sheet_key_figures(report.sheet_info("colombia"))
    assert set(table.index) == {"Colombia"}
    pep = table[table["Measure"] == "applications"].iloc[0]
    assert pep["Value"] == "155,572 applications"
    assert "155,572 applications have been registered" in pep["Statement in the plan"]
    assert report.sheet_key_figures(report.sheet_info("guyana")).empty
