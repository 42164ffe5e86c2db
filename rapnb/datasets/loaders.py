"""The public loaders of `rapnb`: one function per dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapnb.datasets.store import DataDir, load_table, table_columns
from rapnb.errors import UnknownSheetError

if TYPE_CHECKING:
    import pandas as pd


def sheets(data_dir: DataDir = None) -> list[str]:
    """The 15 sheet ids in the plan's order (14 country/subregional sheets, then `regional`)."""
    table = table_columns("sheets", data_dir)  # plain Python: `rapnb render` checks ids early
    return [sheet for _, sheet in sorted(zip(table["position"], table["sheet_id"], strict=True))]


def check_sheet(sheet: object, data_dir: DataDir = None) -> str:
    """`sheet` if it is one of the plan's sheet ids; else UnknownSheetError listing them."""
    valid = sheets(data_dir)
    if not isinstance(sheet, str) or sheet not in valid:
        raise UnknownSheetError(sheet, valid)
    return sheet


def sheet_table(data_dir: DataDir = None) -> pd.DataFrame:
    """The sheets with their titles: `sheet_id, position, sheet_title, source_ref`."""
    return load_table("sheets", data_dir)


def offices(data_dir: DataDir = None) -> pd.DataFrame:
    """The 16 implementing offices: id, name, kind, subregion and the sheet that shows them."""
    return load_table("offices", data_dir)


def countries(data_dir: DataDir = None) -> pd.DataFrame:
    """The 17 prioritised countries (ISO alpha-3) by subregion."""
    return load_table("countries", data_dir)


def office_countries(data_dir: DataDir = None) -> pd.DataFrame:
    """Which countries each office covers: `office_id, iso3`."""
    return load_table("office_countries", data_dir)


def funding(data_dir: DataDir = None) -> pd.DataFrame:
    """The funding table, tidy: `office_id, component, amount_usd` (int64), 80 rows."""
    return load_table("funding", data_dir)


def funding_stated(data_dir: DataDir = None) -> pd.DataFrame:
    """Totals and shares exactly as the plan states them: `scope, item, stated_usd, ...`."""
    return load_table("funding_stated", data_dir)


def outcomes(data_dir: DataDir = None) -> pd.DataFrame:
    """The four outcomes and evaluation: number, titles, statement, funding requested."""
    return load_table("outcomes", data_dir)


def activities(data_dir: DataDir = None) -> pd.DataFrame:
    """The 45 framework activities: `activity_id, outcome, text`."""
    return load_table("activities", data_dir)


def sheet_activities(data_dir: DataDir = None, sheet_id: str | None = None) -> pd.DataFrame:
    """Which activities each sheet lists: `sheet_id, activity_id, sheet_text` (only sheet
    `sheet_id`'s rows if given)."""
    return load_table("sheet_activities", data_dir, sheet_id)


def sheet_needs(data_dir: DataDir = None, sheet_id: str | None = None) -> pd.DataFrame:
    """Each sheet's needs per outcome: `sheet_id, component, position, need` (only sheet
    `sheet_id`'s rows if given)."""
    return load_table("sheet_needs", data_dir, sheet_id)


def government_response(data_dir: DataDir = None, sheet_id: str | None = None) -> pd.DataFrame:
    """Each sheet's list of the government's own measures: `sheet_id, position, measure`
    (only sheet `sheet_id`'s rows if given)."""
    return load_table("government_response", data_dir, sheet_id)


def residence_permits(data_dir: DataDir = None) -> pd.DataFrame:
    """Residence permits by country and year, 2015-2017; N.A. is missing (<NA>), never 0."""
    return load_table("residence_permits", data_dir)


def key_figures(data_dir: DataDir = None) -> pd.DataFrame:
    """Every number the narrative states, with its period, unit and sentence."""
    return load_table("key_figures", data_dir)


def stocks(data_dir: DataDir = None) -> pd.DataFrame:
    """Stock of Venezuelan nationals by destination and aggregate, with source and confidence."""
    return load_table("stocks", data_dir)


def flow_statements(data_dir: DataDir = None) -> pd.DataFrame:
    """What the text beside Figure 2 says per country: `iso3, position, statement`."""
    return load_table("flow_statements", data_dir)


def curated_errata(data_dir: DataDir = None) -> pd.DataFrame:
    """The plan's textual slips typed in from its text (`data/errata.csv`): `erratum_id, kind,
    section, quote, note, source_ref`. `rapnb.errata()` adds the computed ones."""
    return load_table("errata", data_dir)


def entry_points(data_dir: DataDir = None) -> pd.DataFrame:
    """The entry points the text beside Figure 2 names: `entry_point, iso3, position,
    place_kind, lon, lat, entered_mostly_by, statement`."""
    return load_table("entry_points", data_dir)


def translations(data_dir: DataDir = None) -> pd.DataFrame:
    """The plan's texts in Spanish: `table, row_key, field, text_en, text_es, source_es`, one row
    per translated text (`row_key` is the row's primary key joined with '|'). The plan is in
    English: a Spanish text is an unofficial translation unless `source_es` says otherwise."""
    return load_table("translations", data_dir)


def country_codes(data_dir: DataDir = None) -> pd.DataFrame:
    """ISO 3166-1 alpha-2 codes of the countries the maps draw: `iso3, iso2`."""
    return load_table("country_codes", data_dir)
