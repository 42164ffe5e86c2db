"""Where the plan disagrees with itself: stated totals and shares against computed sums,
and the narrative against the residence-permits table."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from rapnb.datasets.loaders import funding, funding_stated, key_figures, offices, residence_permits
from rapnb.datasets.schema import COMPONENTS
from rapnb.datasets.store import DataDir

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["table", "item", "check", "unit", "stated", "computed", "difference", "agrees", "note"]
SHARE_TOLERANCE_PCT = 0.05
"""A printed one-decimal share agrees when the exact share rounds to it."""


@dataclass(frozen=True)
class Check:
    """One comparison of a figure the plan states with the figure computed from its data."""

    table: str
    item: str
    check: str
    unit: str
    stated: float
    computed: float
    note: str
    tolerance: float = 0.0

    @property
    def difference(self) -> float:
        return self.computed - self.stated

    @property
    def agrees(self) -> bool:
        return abs(self.difference) <= self.tolerance + 1e-9


def reconcile(data_dir: DataDir = None, include_agreements: bool = False) -> pd.DataFrame:
    """One row per place where the plan disagrees with itself (every check if asked).

    Columns: table, item, check, unit, stated, computed, difference (= computed - stated),
    agrees, note. Funding items are office ids, components, 'total' or sheet ids.
    """
    import pandas as pd

    checks = [*_funding_checks(data_dir), *_permit_checks(data_dir),
              *_permit_statement_checks(data_dir)]
    rows = [
        {**asdict(c), "difference": c.difference, "agrees": c.agrees}
        for c in checks
        if include_agreements or not c.agrees
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"stated": "float64", "computed": "float64", "difference": "float64",
                         "agrees": "bool"})


def _funding_checks(data_dir: DataDir) -> Iterator[Check]:
    cells = funding(data_dir)
    stated = funding_stated(data_dir).set_index(["scope", "item"])
    office_table = offices(data_dir).sort_values("position")
    by_office = cells.groupby("office_id")["amount_usd"].sum()
    by_component = cells.groupby("component")["amount_usd"].sum()
    grand = int(cells["amount_usd"].sum())

    def stated_usd(scope: str, item: str) -> int:
        return int(stated.loc[(scope, item), "stated_usd"])

    def stated_pct(scope: str, item: str) -> float:
        return float(stated.loc[(scope, item), "stated_share_pct"])

    for office in office_table["office_id"]:
        total = int(by_office.get(office, 0))
        yield Check("funding", office, "row total", "usd", stated_usd("office", office), total,
                    "office row: stated TOTAL vs sum of its five cells")
        yield Check("funding", office, "row share", "pct", stated_pct("office", office),
                    total / grand * 100, "office share of the grand total, printed to 0.1%",
                    SHARE_TOLERANCE_PCT)
    for component in COMPONENTS:
        total = int(by_component.get(component, 0))
        yield Check("funding", component, "column total", "usd",
                    stated_usd("component", component), total,
                    "TOTAL row: stated column total vs sum of the column's cells")
        yield Check("funding", component, "column share", "pct",
                    stated_pct("component", component), total / grand * 100,
                    "column share of the grand total, printed to 0.1%", SHARE_TOLERANCE_PCT)
    grand_stated = stated_usd("grand_total", "total")
    yield Check("funding", "total", "grand total", "usd", grand_stated, grand,
                "stated grand total vs sum of all 80 cells")
    yield Check("funding", "total", "sum of stated row totals", "usd", grand_stated,
                sum(stated_usd("office", o) for o in office_table["office_id"]),
                "stated grand total vs the sum of the stated office totals")
    yield Check("funding", "total", "sum of stated column totals", "usd", grand_stated,
                sum(stated_usd("component", c) for c in COMPONENTS),
                "stated grand total vs the sum of the stated column totals")
    yield Check("funding", "total", "sum of stated row shares", "pct",
                stated_pct("grand_total", "total"),
                sum(stated_pct("office", o) for o in office_table["office_id"]),
                "the printed office shares should add up to the printed 100%", 1e-6)
    yield Check("funding", "total", "sum of stated column shares", "pct",
                stated_pct("grand_total", "total"),
                sum(stated_pct("component", c) for c in COMPONENTS),
                "the printed column shares should add up to the printed 100%", 1e-6)
    yield Check("funding", "total", "narrative total", "usd", stated_usd("narrative", "total"),
                grand, "'a total funding of USD 32.326.041' vs sum of all cells")
    for component in COMPONENTS[:4]:
        yield Check("funding", component, "outcome funding requested", "usd",
                    stated_usd("outcome", component), int(by_component.get(component, 0)),
                    "intervention model 'Funding requested' vs sum of the column's cells")
    sheet_of = dict(zip(office_table["office_id"], office_table["sheet_id"], strict=True))
    by_sheet = cells.assign(sheet_id=cells["office_id"].map(sheet_of)).groupby("sheet_id")
    sheet_sums = by_sheet["amount_usd"].sum()
    for scope, item in stated.index:
        if scope == "sheet":
            yield Check("funding", item, "sheet total", "usd", stated_usd("sheet", item),
                        int(sheet_sums.get(item, 0)),
                        "the sheet's printed TOTAL vs the sum of its offices' cells")


def _permit_checks(data_dir: DataDir) -> Iterator[Check]:
    """Narrative residence-permit figures that name a country and one year of the table."""
    table = residence_permits(data_dir).set_index(["iso3", "year"])["permits"]
    figures = key_figures(data_dir)
    narrative = figures[(figures["measure"] == "residence_permits") & figures["iso3"].notna()]
    for row in narrative.itertuples(index=False):
        period = str(row.period or "")
        if not period.isdigit() or (row.iso3, int(period)) not in table.index:
            continue
        value = table.loc[(row.iso3, int(period))]
        if value is None or value != value:  # N.A. in the table: nothing to compare
            continue
        yield Check("residence_permits", f"{row.iso3} {period}", "narrative vs table", "permits",
                    float(row.value), float(value), f"{row.figure_id}: {row.statement}")


def _permit_statement_checks(data_dir: DataDir) -> Iterator[Check]:
    """Narrative statements about the permits table that need arithmetic on it."""
    table = residence_permits(data_dir).set_index(["iso3", "year"])["permits"]
    figures = key_figures(data_dir).set_index("figure_id")

    def cell(iso3: str, year: int) -> float:
        return float(table.loc[(iso3, year)])

    computations = {
        "region_residence_permits_narrative": (
            "table total", float(table.sum()),
            "sum of every cell of the 2015-2017 table (N.A. left out) vs 'over 400,000'"),
        "chl_permits_last_3_years": (
            "3-year total", cell("CHL", 2015) + cell("CHL", 2016) + cell("CHL", 2017),
            "Chile 2015+2016+2017 in the table vs 'about 125,000'"),
        "chl_temp_visas_growth_2015_2016": (
            "growth", (cell("CHL", 2016) / cell("CHL", 2015) - 1) * 100,
            "increase 2015->2016 in the table; the stated 273% matches the ratio"
            " 2016/2015 (273.6%), not an increase"),
        "chl_temp_visas_growth_2016_2017": (
            "growth", (cell("CHL", 2017) / cell("CHL", 2016) - 1) * 100,
            "increase 2016->2017 in the table; the stated 316% is close to the ratio"
            " 2017/2016 (317.1%), not an increase"),
        "pan_ratio_2017_to_2016": (
            "ratio", cell("PAN", 2017) / cell("PAN", 2016),
            "Panama 2017/2016 in the table vs '2017 surpassed four times the numbers in 2016'"
            " (the sentence may mean legalizations, not permits)"),
        "col_pep_regularised_first_stage": (
            "close figure", cell("COL", 2017),
            "PEP first stage (68,374 regularised) vs the table's 2017 permits: different"
            " measures with nearly equal numbers, kept for review"),
    }
    for figure_id, (check, computed, note) in computations.items():
        if figure_id not in figures.index:
            continue
        figure = figures.loc[figure_id]
        unit = "pct" if figure["unit"] == "percent" else str(figure["unit"])
        item = figure["iso3"] if isinstance(figure["iso3"], str) else "all"
        yield Check("residence_permits", item, check, unit, float(figure["value"]), computed,
                    f"{figure_id}: {note}")
