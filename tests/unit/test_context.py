"""One Context carries what a notebook is rendered with; helpers read through it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import rapnb
from rapnb import charts, maps, report
from rapnb.errors import DataError


def _edit(path: Path, key: str, value: str, column: str, new: str) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row[key] == value:
            row[column] = new
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_context_resolves_its_data_dir_once(data_copy: Path) -> None:
    ctx = rapnb.Context.create(str(data_copy))
    assert ctx.data_dir == data_copy.resolve() and ctx.lang == "en"
    assert rapnb.Context.create().data_dir == rapnb.data_dir()
    with pytest.raises(DataError, match="does not exist"):
        rapnb.Context.create(data_copy / "nowhere")


def test_sheet_info_carries_its_context_to_every_helper(data_copy: Path) -> None:
    _edit(data_copy / "government_response.csv", "position", "1", "measure", "Edited measure")
    _edit(data_copy / "funding.csv", "office_id", "peru", "amount_usd", "5")
    info = report.sheet_info("peru", rapnb.Context.create(data_copy))
    assert info.ctx.data_dir == data_copy.resolve()
    assert report.government_measures(info)[0] == "Edited measure"
    cells = rapnb.funding()
    assert report.sheet_funding_table(info).loc["Sum of the outcomes", "USD"] == str(
        5 * int((cells["office_id"] == "peru").sum()))  # every Peru cell set to 5
    bundled = report.sheet_info("peru")
    assert report.government_measures(bundled)[0] != "Edited measure"
    assert report.sheet_info(info) is info


def test_outcome_labels_come_from_the_outcomes_table(data_copy: Path) -> None:
    _edit(data_copy / "outcomes.csv", "component", "data_production", "short_title",
          "Datos")
    ctx = rapnb.Context.create(data_copy)
    spec = charts.outcome_funding(ctx).to_dict()
    labels = [row["label"] for row in spec["datasets"][spec["data"]["name"]]]
    assert labels[0] == "1 Datos"
    legend = charts.funding_by_office(ctx).to_dict()["layer"][0]["encoding"]["color"]["legend"]
    assert "'1 Datos'" in legend["labelExpr"]
    assert report.outcomes_table(ctx).index[0] == "1 Datos"
    assert report.outcomes_table().index[0] == "1 Data production and dissemination"


def test_a_quote_in_a_label_cannot_break_the_legend_expression(data_copy: Path) -> None:
    _edit(data_copy / "outcomes.csv", "component", "evaluation", "short_title", "it's")
    expr = charts.funding_by_office(rapnb.Context.create(data_copy)).to_dict()[
        "layer"][0]["encoding"]["color"]["legend"]["labelExpr"]
    assert "'it\\'s'" in expr


def test_figure_2_quotes_come_from_the_data(data_copy: Path) -> None:
    _edit(data_copy / "flow_statements.csv", "iso3", "CRI", "statement", "Edited quote.")
    spec = maps.migratory_balance_map(rapnb.Context.create(data_copy)).to_dict()
    quotes = {f["properties"]["iso3"]: f["properties"]["statement"]
              for name, rows in spec["datasets"].items() if name.startswith("geo")
              for f in rows}
    assert quotes["CRI"] == "Edited quote."
    assert quotes["ARG"].startswith("There has been a 51% increase")
