"""Field and table metadata, defined once; `data/datapackage.json` is generated from it.

Run `make datapackage` (`python scripts/build_datapackage.py`) after changing this module; a
test checks that the committed data package equals what this module builds.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from rapnb import __version__
from rapnb.datasets.sources import ISO_3166, NATURAL_EARTH, PLAN, TRENDS

COMPONENTS = [
    "data_production",
    "capacity_coordination",
    "direct_assistance",
    "socioeconomic_integration",
    "evaluation",
]
SUBREGIONS = [
    "South America",
    "Central America",
    "North America",
    "Caribbean",
    "Central America, North America and the Caribbean",
]
ISO3_PATTERN = "^[A-Z]{3}$"
RESERVED_SHEET_IDS = ("regional_overview", "tables")
"""Names a render gives its own jobs (the overview notebook, the workbook and HXL task), so no
sheet may have them (a test checks them against `rapnb.build.jobs`)."""
_NOT_RESERVED = "".join(f"(?!{name}$)" for name in RESERVED_SHEET_IDS)
PERIOD_PATTERN = "^[0-9]{4}(-[0-9]{2})?$"
CURATED_ERRATA_KINDS = [
    "typo",
    "truncated_sentence",
    "date_missing_year",
    "number_format",
    "heading",
]
"""Kinds of textual slip typed into data/errata.csv; rapnb.errata() computes three more."""

TRANSLATED_FIELDS: dict[str, list[str]] = {
    "outcomes": ["short_title", "title_as_printed", "statement", "outputs"],
    "activities": ["text"],
    "sheet_activities": ["sheet_text"],
    "sheet_needs": ["need"],
    "government_response": ["measure"],
    "sheets": ["sheet_title"],
    "key_figures": ["statement"],
    "flow_statements": ["statement"],
    "entry_points": ["statement"],
    "offices": ["office_name", "office_name_as_printed"],
    "stocks": ["note"],
    "errata": ["section", "note"],
}
"""The texts that `translations.csv` translates: table -> its text fields (an empty cell has no
translation): the plan's, and the project's own notes on secondary figures and on the plan's
printing slips (their quotes of the plan stay as printed). A row's key is its primary-key values
joined with ROW_KEY_SEPARATOR."""
ROW_KEY_SEPARATOR = "|"
TRANSLATION_SOURCES = [
    "rapnb unofficial translation (2026)",
    "the plan's own Spanish name",
    "IOM Spanish usage: office names",
]
"""Where a Spanish text comes from: our own translation (the plan is in English), the plan's
own Spanish wording, or the name IOM itself uses in Spanish."""

FIELDS: dict[str, dict[str, Any]] = {
    "sheet_id": {
        "type": "string",
        "description": "Country-sheet id (slug) in the plan's order; `regional` is the two"
        " regional offices together. `regional_overview` and `tables` are reserved (a render"
        " names its own outputs so).",
        "hxl": "#meta+sheet+code",
        "reserved": list(RESERVED_SHEET_IDS),
        "constraints": {"required": True, "pattern": f"^{_NOT_RESERVED}[a-z_]+$"},
    },
    "office_id": {
        "type": "string",
        "description": "Implementing office id (slug): a sheet id, or ro_buenos_aires or"
        " ro_san_jose.",
        "hxl": "#org+impl+code",
        "constraints": {"required": True, "pattern": "^[a-z_]+$"},
    },
    "iso3": {
        "type": "string",
        "description": "ISO 3166-1 alpha-3 country code (BES for Bonaire).",
        "hxl": "#country+code",
        "constraints": {"required": True, "pattern": ISO3_PATTERN},
    },
    "iso2": {
        "type": "string",
        "description": "ISO 3166-1 alpha-2 code of the country (what CLDR names countries by).",
        "hxl": "#country+code+v_iso2",
        "constraints": {"required": True, "pattern": "^[A-Z]{2}$"},
    },
    "country": {
        "type": "string",
        "description": "Country name as printed in the plan's table.",
        "hxl": "#country+name",
        "constraints": {"required": True},
    },
    "country_name": {
        "type": "string",
        "description": "English short country name.",
        "hxl": "#country+name",
        "constraints": {"required": True},
    },
    "name_as_printed": {
        "type": "string",
        "description": "Name exactly as the plan prints it.",
        "hxl": "#country+name+printed",
        "constraints": {"required": True},
    },
    "subregion": {
        "type": "string",
        "description": "Subregion as grouped in the plan's geographic-coverage list.",
        "hxl": "#region+name",
        "constraints": {"required": True, "enum": SUBREGIONS},
    },
    "position": {
        "type": "integer",
        "description": "1-based order as printed in the plan.",
        "hxl": "#meta+position",
        "constraints": {"required": True, "minimum": 1},
    },
    "sheet_title": {
        "type": "string",
        "description": "Title of the country sheet.",
        "hxl": "#meta+sheet+name",
        "constraints": {"required": True},
    },
    "office_name": {
        "type": "string",
        "description": "Name of the implementing office.",
        "hxl": "#org+impl+name",
        "constraints": {"required": True},
    },
    "office_name_as_printed": {
        "type": "string",
        "description": "Row label of the office in the plan's funding table.",
        "hxl": "#org+impl+name+printed",
        "constraints": {"required": True},
    },
    "office_kind": {
        "type": "string",
        "description": "Kind of office.",
        "hxl": "#org+impl+type",
        "constraints": {
            "required": True,
            "enum": ["country_office", "subregional_office", "regional_office"],
        },
    },
    "component": {
        "type": "string",
        "description": "Budget component: one of the four outcomes, or evaluation.",
        "hxl": "#sector+code",
        "constraints": {"required": True, "enum": COMPONENTS},
    },
    "amount_usd": {
        "type": "integer",
        "description": "Funding required, USD over two years; 0 where the plan prints '-'.",
        "unit": "USD",
        "hxl": "#value+funding+required+usd",
        "constraints": {"required": True, "minimum": 0},
    },
    "amount_as_printed": {
        "type": "string",
        "description": "The cell exactly as printed ('.' is the thousands separator; '-' is none).",
        "hxl": "#meta+printed",
        "constraints": {"required": True},
    },
    "scope": {
        "type": "string",
        "description": "What a stated total refers to: an office row, a component column, the"
        " grand total, the narrative's total, an outcome's 'Funding requested', or a sheet TOTAL.",
        "hxl": "#meta+scope",
        "constraints": {
            "required": True,
            "enum": ["office", "component", "grand_total", "narrative", "outcome", "sheet"],
        },
    },
    "item": {
        "type": "string",
        "description": "Office id, component, sheet id, or 'total'.",
        "hxl": "#meta+item",
        "constraints": {"required": True},
    },
    "stated_usd": {
        "type": "integer",
        "description": "Total exactly as the plan states it, USD.",
        "unit": "USD",
        "hxl": "#value+funding+required+usd+stated",
        "constraints": {"required": True, "minimum": 0},
    },
    "stated_share_pct": {
        "type": "number",
        "description": "Share of the grand total as the plan prints it, percent (one decimal).",
        "unit": "percent",
        "hxl": "#value+funding+required+pct+stated",
        "constraints": {"minimum": 0, "maximum": 100},
    },
    "as_printed": {
        "type": "string",
        "description": "The stated value exactly as printed.",
        "hxl": "#meta+printed",
        "constraints": {"required": True},
    },
    "outcome": {
        "type": "integer",
        "description": "Outcome number 1-4 (empty for evaluation).",
        "hxl": "#meta+outcome+num",
        "constraints": {"minimum": 1, "maximum": 4},
    },
    "short_title": {
        "type": "string",
        "description": "Short title of the outcome area.",
        "hxl": "#sector+name",
        "constraints": {"required": True},
    },
    "title_as_printed": {
        "type": "string",
        "description": "The outcome area's heading as printed.",
        "hxl": "#sector+name+printed",
        "constraints": {"required": True},
    },
    "statement": {
        "type": "string",
        "description": "The plan's own sentence.",
        "hxl": "#description+quote",
        "constraints": {"required": True},
    },
    "funding_requested_usd": {
        "type": "integer",
        "description": "Funding requested for the outcome as stated in the intervention model.",
        "unit": "USD",
        "hxl": "#value+funding+required+usd",
        "constraints": {"required": True, "minimum": 0},
    },
    "outputs": {
        "type": "string",
        "description": "The outcome's outputs, '; '-separated.",
        "hxl": "#output+description",
    },
    "activity_id": {
        "type": "string",
        "description": "Stable id of a framework activity: O<outcome>.A<n> in the plan's order.",
        "hxl": "#activity+code",
        "constraints": {"required": True, "pattern": r"^O[1-4]\.A[0-9]+$"},
    },
    "text": {
        "type": "string",
        "description": "The activity as printed in the regional activity framework.",
        "hxl": "#activity+description",
        "constraints": {"required": True},
    },
    "sheet_text": {
        "type": "string",
        "description": "The activity as worded on the country sheet.",
        "hxl": "#activity+description+sheet",
        "constraints": {"required": True},
    },
    "need": {
        "type": "string",
        "description": "A need the sheet lists under an outcome.",
        "hxl": "#description+need",
        "constraints": {"required": True},
    },
    "measure": {
        "type": "string",
        "description": "A measure of the government's own response, as printed.",
        "hxl": "#description+response+government",
        "constraints": {"required": True},
    },
    "year": {
        "type": "integer",
        "description": "Calendar year.",
        "hxl": "#date+year",
        "constraints": {"required": True, "minimum": 1990, "maximum": 2030},
    },
    "permits": {
        "type": "integer",
        "description": "Residence permits issued to Venezuelan migrants; empty where the plan"
        " prints N.A.",
        "unit": "permits",
        "hxl": "#indicator+permits+num",
        "constraints": {"minimum": 0},
    },
    "permits_as_printed": {
        "type": "string",
        "description": "The cell exactly as printed (N.A. kept).",
        "hxl": "#meta+printed",
        "constraints": {"required": True},
    },
    "figure_id": {
        "type": "string",
        "description": "Stable slug of a number the narrative states.",
        "hxl": "#meta+id",
        "constraints": {"required": True, "pattern": "^[a-z0-9_]+$"},
    },
    "geography": {
        "type": "string",
        "description": "Country or aggregate the number is about.",
        "hxl": "#loc+name",
        "constraints": {"required": True},
    },
    "period": {
        "type": "string",
        "description": "Period the number refers to, as stated (a year, a range, or empty).",
        "hxl": "#meta+period",
    },
    "period_start": {
        "type": "string",
        "description": "First year or month of `period` (ISO 8601: YYYY or YYYY-MM); empty when"
        " the plan states no period.",
        "hxl": "#date+start",
        "constraints": {"pattern": PERIOD_PATTERN},
    },
    "period_end": {
        "type": "string",
        "description": "Last year or month of `period` (ISO 8601: YYYY or YYYY-MM); equal to"
        " period_start for a single year.",
        "hxl": "#date+end",
        "constraints": {"pattern": PERIOD_PATTERN},
    },
    "key_measure": {
        "type": "string",
        "description": "What the number measures (snake_case).",
        "hxl": "#indicator+code",
        "constraints": {"required": True, "pattern": "^[a-z0-9_]+$"},
    },
    "value": {
        "type": "number",
        "description": "The number as stated (percentages in percent; '-27,1%' is -27.1).",
        "hxl": "#indicator+value+num",
        "constraints": {"required": True},
    },
    "unit": {
        "type": "string",
        "description": "Unit of `value`.",
        "hxl": "#indicator+unit",
        "constraints": {"required": True},
    },
    "qualifier": {
        "type": "string",
        "description": "How the plan qualifies the number (exact, about, more_than, ...).",
        "hxl": "#meta+qualifier",
        "constraints": {"required": True},
    },
    "geography_kind": {
        "type": "string",
        "description": "Whether the row is a country or an aggregate of countries.",
        "hxl": "#loc+type",
        "constraints": {"required": True, "enum": ["country", "aggregate"]},
    },
    "venezuelan_nationals": {
        "type": "integer",
        "description": "Stock of Venezuelan nationals.",
        "unit": "persons",
        "hxl": "#population+venezuelan+num",
        "constraints": {"required": True, "minimum": 0},
    },
    "confidence": {
        "type": "string",
        "description": "Confidence in the value, as given by the curated source file.",
        "hxl": "#meta+confidence",
        "constraints": {"required": True, "enum": ["high", "medium", "low"]},
    },
    "source": {
        "type": "string",
        "description": "Where the value comes from.",
        "hxl": "#meta+source",
        "constraints": {"required": True},
    },
    "note": {
        "type": "string",
        "description": "Note on the value.",
        "hxl": "#meta+note",
    },
    "erratum_id": {
        "type": "string",
        "description": "Stable slug of a textual slip of the plan.",
        "hxl": "#meta+id",
        "constraints": {"required": True, "pattern": "^[a-z0-9_]+$"},
    },
    "erratum_kind": {
        "type": "string",
        "description": "Kind of slip: typo, truncated_sentence, date_missing_year, number_format"
        " or heading.",
        "hxl": "#meta+kind",
        "constraints": {"required": True, "enum": CURATED_ERRATA_KINDS},
    },
    "section": {
        "type": "string",
        "description": "Where the slip is: the plan's section, table or country sheet.",
        "hxl": "#meta+section",
        "constraints": {"required": True},
    },
    "quote": {
        "type": "string",
        "description": "The words exactly as printed (line breaks joined with a space).",
        "hxl": "#description+quote",
        "constraints": {"required": True},
    },
    "entry_point": {
        "type": "string",
        "description": "A place the plan names as where Venezuelan nationals enter a country,"
        " as the report writes it (the plan's spelling is in source_ref).",
        "hxl": "#loc+name",
        "constraints": {"required": True},
    },
    "place_kind": {
        "type": "string",
        "description": "What kind of place the entry point is.",
        "hxl": "#loc+type",
        "constraints": {"required": True, "enum": ["city", "state", "bridge", "airport"]},
    },
    "lon": {
        "type": "number",
        "description": "Longitude of the place (WGS 84, degrees, rounded to 0.01); curated, not"
        " printed in the plan.",
        "unit": "degree",
        "hxl": "#geo+lon",
        "constraints": {"required": True, "minimum": -180, "maximum": 180},
    },
    "lat": {
        "type": "number",
        "description": "Latitude of the place (WGS 84, degrees, rounded to 0.01); curated, not"
        " printed in the plan.",
        "unit": "degree",
        "hxl": "#geo+lat",
        "constraints": {"required": True, "minimum": -90, "maximum": 90},
    },
    "entered_mostly_by": {
        "type": "string",
        "description": "How the plan says the country is mostly entered ('land'), where it says.",
        "hxl": "#indicator+route",
        "constraints": {"enum": ["land"]},
    },
    "source_ref": {
        "type": "string",
        "description": "Where in the plan the row comes from (section and wording).",
        "hxl": "#meta+source",
        "constraints": {"required": True},
    },
    "table_name": {
        "type": "string",
        "description": "The table whose text is translated.",
        "hxl": "#meta+table",
        "constraints": {"required": True, "enum": list(TRANSLATED_FIELDS)},
    },
    "row_key": {
        "type": "string",
        "description": "The translated row's primary-key values, in the order its table"
        " declares them, joined with '|' (e.g. 'argentina|O1.A3').",
        "hxl": "#meta+key",
        "constraints": {"required": True},
    },
    "field_name": {
        "type": "string",
        "description": "The translated column of that row.",
        "hxl": "#meta+field",
        "constraints": {
            "required": True,
            "enum": list(dict.fromkeys(f for fs in TRANSLATED_FIELDS.values() for f in fs)),
        },
    },
    "text_en": {
        "type": "string",
        "description": "The English text exactly as the dataset holds it (a later edit of the"
        " English data shows as a difference).",
        "hxl": "#description+i_en",
        "constraints": {"required": True},
    },
    "text_es": {
        "type": "string",
        "description": "Spanish text: an unofficial translation unless source_es says otherwise;"
        " every number keeps its value, written the Spanish way (1.600.000; 27,1 %).",
        "hxl": "#description+i_es",
        "constraints": {"required": True},
    },
    "source_es": {
        "type": "string",
        "description": "Where the Spanish text comes from.",
        "hxl": "#meta+source+i_es",
        "constraints": {"required": True, "enum": TRANSLATION_SOURCES},
    },
}


def _field(name: str, **overrides: Any) -> dict[str, Any]:
    """A field from FIELDS, renamed or with constraints overridden for one table."""
    base = deepcopy(FIELDS[overrides.pop("of", name)])
    constraints = {**base.get("constraints", {}), **overrides.pop("constraints", {})}
    constraints = {k: v for k, v in constraints.items() if v is not None}
    field: dict[str, Any] = {"name": name, **base, **overrides}
    if constraints:
        field["constraints"] = constraints
    else:
        field.pop("constraints", None)
    return field


def _fk(fields: str | list[str], table: str, ref: str | list[str]) -> dict[str, Any]:
    return {"fields": fields, "reference": {"resource": table, "fields": ref}}


OPTIONAL = {"required": None}

TABLES: dict[str, dict[str, Any]] = {
    "sheets": {
        "description": "The plan's 15 sheets: 14 country/subregional sheets and the regional one.",
        "fields": [_field("sheet_id"), _field("position"), _field("sheet_title"),
                   _field("source_ref")],
        "primaryKey": ["sheet_id"],
        "sources": [PLAN],
    },
    "offices": {
        "description": "The 16 implementing offices of the funding table.",
        "fields": [_field("office_id"), _field("position"), _field("office_name"),
                   _field("office_name_as_printed"), _field("office_kind"), _field("subregion"),
                   _field("sheet_id"), _field("source_ref")],
        "primaryKey": ["office_id"],
        "foreignKeys": [_fk("sheet_id", "sheets", "sheet_id")],
        "sources": [PLAN],
    },
    "countries": {
        "description": "The 17 prioritised countries of the geographic-coverage list.",
        "fields": [_field("iso3"), _field("country_name"), _field("name_as_printed"),
                   _field("subregion"), _field("source_ref")],
        "primaryKey": ["iso3"],
        "sources": [PLAN],
    },
    "office_countries": {
        "description": "Which prioritised countries each implementing office covers.",
        "fields": [_field("office_id"), _field("iso3"), _field("source_ref")],
        "primaryKey": ["office_id", "iso3"],
        "foreignKeys": [_fk("office_id", "offices", "office_id"),
                        _fk("iso3", "countries", "iso3")],
        "sources": [PLAN],
    },
    "outcomes": {
        "description": "The four outcomes and evaluation, with the funding requested.",
        "fields": [_field("component"), _field("outcome"), _field("short_title"),
                   _field("title_as_printed"), _field("statement"),
                   _field("funding_requested_usd"), _field("outputs"), _field("source_ref")],
        "primaryKey": ["component"],
        "sources": [PLAN],
    },
    "funding": {
        "description": "Funding table: office x component, USD; rebuilt from the table and the"
        " country sheets' amounts.",
        "fields": [_field("office_id"), _field("component"), _field("amount_usd"),
                   _field("amount_as_printed"), _field("source_ref")],
        "primaryKey": ["office_id", "component"],
        "foreignKeys": [_fk("office_id", "offices", "office_id"),
                        _fk("component", "outcomes", "component")],
        "sources": [PLAN],
    },
    "funding_stated": {
        "description": "Totals and shares exactly as the plan states them (row, column, grand,"
        " narrative, outcome and sheet totals), kept beside the computed sums.",
        "fields": [_field("scope"), _field("item"), _field("stated_usd"),
                   _field("stated_share_pct"), _field("as_printed"), _field("source_ref")],
        "primaryKey": ["scope", "item"],
        "sources": [PLAN],
    },
    "activities": {
        "description": "The regional activity framework: 45 activities under four outcomes.",
        "fields": [_field("activity_id"), _field("outcome", constraints={"required": True}),
                   _field("text"), _field("source_ref")],
        "primaryKey": ["activity_id"],
        "sources": [PLAN],
    },
    "sheet_activities": {
        "description": "Which framework activities each sheet lists, in the sheet's order.",
        "fields": [_field("sheet_id"), _field("activity_id"), _field("sheet_text"),
                   _field("source_ref")],
        "primaryKey": ["sheet_id", "activity_id"],
        "foreignKeys": [_fk("sheet_id", "sheets", "sheet_id"),
                        _fk("activity_id", "activities", "activity_id")],
        "sources": [PLAN],
    },
    "sheet_needs": {
        "description": "Each sheet's needs per outcome.",
        "fields": [_field("sheet_id"), _field("component"), _field("position"), _field("need"),
                   _field("source_ref")],
        "primaryKey": ["sheet_id", "component", "position"],
        "foreignKeys": [_fk("sheet_id", "sheets", "sheet_id"),
                        _fk("component", "outcomes", "component")],
        "sources": [PLAN],
    },
    "government_response": {
        "description": "Each sheet's list of the government's own measures.",
        "fields": [_field("sheet_id"), _field("position"), _field("measure"),
                   _field("source_ref")],
        "primaryKey": ["sheet_id", "position"],
        "foreignKeys": [_fk("sheet_id", "sheets", "sheet_id")],
        "sources": [PLAN],
    },
    "residence_permits": {
        "description": "Residence permits issued to Venezuelan migrants, 2015-2017, as in the"
        " plan's table; N.A. stays missing.",
        "fields": [_field("iso3"), _field("country"),
                   _field("year", constraints={"minimum": 2015, "maximum": 2017}),
                   _field("permits"), _field("permits_as_printed"), _field("source_ref")],
        "primaryKey": ["iso3", "year"],
        "sources": [PLAN],
    },
    "key_figures": {
        "description": "Every number the plan's narrative states, with the sentence it comes from.",
        "fields": [_field("figure_id"), _field("iso3", constraints=OPTIONAL),
                   _field("geography"), _field("period"), _field("period_start"),
                   _field("period_end"), _field("measure", of="key_measure"),
                   _field("value"), _field("unit"), _field("qualifier"),
                   _field("statement"), _field("source_ref")],
        "primaryKey": ["figure_id"],
        "sources": [PLAN],
    },
    "flow_statements": {
        "description": "What the text beside and under Figure 2 says about each country it"
        " comments on (the plan prints no values for that map), quoted as printed.",
        "fields": [_field("iso3"), _field("position"), _field("statement"),
                   _field("source_ref")],
        "primaryKey": ["iso3"],
        "foreignKeys": [_fk("iso3", "countries", "iso3")],
        "sources": [PLAN],
    },
    "entry_points": {
        "description": "The entry points the text beside Figure 2 names (Cúcuta, Roraima,"
        " Rumichaca, Tumbes, Tacna), each with the country it is an entry point of, its"
        " sentence, and where the plan says that country is entered mostly by land.",
        "fields": [_field("entry_point"), _field("iso3"), _field("position"),
                   _field("place_kind"), _field("lon"), _field("lat"),
                   _field("entered_mostly_by"), _field("statement"), _field("source_ref")],
        "primaryKey": ["entry_point"],
        "foreignKeys": [_fk("iso3", "countries", "iso3")],
        "sources": [PLAN],
    },
    "stocks": {
        "description": "Stock of Venezuelan nationals by destination and aggregate (Figure 1),"
        " each value with its source and confidence.",
        "fields": [_field("geography"), _field("iso3", constraints=OPTIONAL),
                   _field("geography_kind"), _field("year"), _field("venezuelan_nationals"),
                   _field("confidence"), _field("source"), _field("note")],
        "primaryKey": ["geography", "year"],
        "sources": [TRENDS, PLAN],
    },
    "errata": {
        "description": "The plan's textual slips, as printed and never corrected: typos, a"
        " truncated sentence, dates without a year, inconsistent number formats and headings."
        " rapnb.errata() adds the ones computed from the other tables.",
        "fields": [_field("erratum_id"), _field("kind", of="erratum_kind"), _field("section"),
                   _field("quote"), _field("note", constraints={"required": True},
                          description="What the slip is and its likely reading (never applied"
                          " to the data)."),
                   _field("source_ref")],
        "primaryKey": ["erratum_id"],
        "sources": [PLAN],
    },
    "translations": {
        "description": "Spanish versions of the plan's texts (the plan is in English) and of the"
        " project's notes on the secondary figures and the errata: one row per"
        " table, row and text field; another language is another pair of text and source"
        " columns. The Spanish texts are unofficial translations unless `source_es` says"
        " otherwise.",
        "fields": [_field("table", of="table_name"), _field("row_key"),
                   _field("field", of="field_name"), _field("text_en"), _field("text_es"),
                   _field("source_es")],
        "primaryKey": ["table", "row_key", "field"],
        "sources": [PLAN],
    },
    "country_codes": {
        "description": "ISO 3166-1 alpha-2 codes of the countries the maps draw, by alpha-3 code:"
        " how a page names a country in its language (CLDR, through Babel).",
        "fields": [_field("iso3"), _field("iso2"), _field("source_ref")],
        "primaryKey": ["iso3"],
        "sources": [ISO_3166],
    },
}

BOUNDARIES: dict[str, Any] = {
    "name": "boundaries",
    "path": "boundaries.geojson",
    "format": "geojson",
    "mediatype": "application/geo+json",
    "description": "Country boundaries for the maps (the Americas, Spain, Portugal; Bonaire split"
    " from the Netherlands), EPSG:4326, properties iso3 and name. Rebuilt by"
    " scripts/build_boundaries.py from world-atlas 2.0.2 countries-50m.json: tmp=$(mktemp -d);"
    " (cd $tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz);"
    " python scripts/build_boundaries.py $tmp/package/countries-50m.json",
    "sources": [NATURAL_EARTH],
    "licenses": [{"name": "public-domain", "title": "Public domain (Natural Earth)",
                  "path": "https://www.naturalearthdata.com/about/terms-of-use/"}],
}


def _source(src: dict[str, str]) -> dict[str, str]:
    return {"title": src["title"], "path": src["path"], "producer": src["producer"],
            "date": src["date"], "licence": src["licence"]}


def table_schema(name: str) -> dict[str, Any]:
    """The Table Schema of one tabular resource."""
    spec = TABLES[name]
    schema: dict[str, Any] = {"fields": deepcopy(spec["fields"]),
                              "primaryKey": list(spec["primaryKey"]),
                              "missingValues": [""]}
    if spec.get("foreignKeys"):
        schema["foreignKeys"] = deepcopy(spec["foreignKeys"])
    return schema


def build_datapackage() -> dict[str, Any]:
    """The Frictionless Data Package descriptor for `data/`."""
    resources: list[dict[str, Any]] = []
    for name, spec in TABLES.items():
        resources.append({
            "name": name,
            "path": f"{name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": spec["description"],
            "sources": [_source(s) for s in spec["sources"]],
            "schema": table_schema(name),
        })
    boundaries = deepcopy(BOUNDARIES)
    boundaries["sources"] = [_source(s) for s in boundaries["sources"]]
    resources.append(boundaries)
    return {
        "profile": "data-package",
        "name": "rapnb-regional-action-plan-2018",
        "title": "Regional Action Plan for Venezuelan migration (IOM, 2018), as validated data",
        "description": "The plan's funding table, outcomes, activity framework, country sheets,"
        " residence-permits table, narrative figures and Figure 1 stocks, curated from the"
        " plan's text with a source reference per row; and Spanish versions of the plan's texts"
        " (unofficial translations unless a row says otherwise).",
        "version": __version__,
        "licenses": [{"name": "CC-BY-4.0", "title": "Curation: Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "sources": [_source(PLAN), _source(TRENDS), _source(NATURAL_EARTH)],
        "resources": resources,
    }
