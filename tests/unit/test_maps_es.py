"""The maps in Spanish: every builder in a Spanish context, the same numbers as in English,
written with Spanish separators, CLDR country names, the plan's texts from translations.csv
and Vega's number locale. Interface texts are checked only where the Spanish catalog
translates them (the catalog may still be empty: then `_` gives the English back)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest

import rapnb
from rapnb import maps, style
from rapnb.present import i18n
from rapnb.present.display import FIGURE_KEY
from rapnb.present.maps import flows, stock, text

ES = rapnb.Context.create(lang="es")
EN = rapnb.Context.create()
_ = i18n.gettext_for("es")
NBSP = "\u00a0"

BUILDERS: dict[str, Callable[[rapnb.Context], Any]] = {
    "fig1_stock_map": maps.stock_map,
    "fig2_migratory_balance_map": maps.migratory_balance_map,
    "coverage_map": maps.coverage_map,
    **{f"location_{sheet}": (lambda ctx, sheet=sheet: maps.location_map(sheet, ctx))
       for sheet in rapnb.sheets()},
}


def translated(msgid: str) -> bool:
    """Whether the Spanish catalog translates `msgid` (assert its text only then)."""
    return _(msgid) != msgid


@pytest.fixture(autouse=True)
def _bundled_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAPNB_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, Any]]:
    return {figure: build(ES).to_dict() for figure, build in BUILDERS.items()}


@pytest.fixture(scope="module")
def english() -> dict[str, dict[str, Any]]:
    names = ("fig1_stock_map", "fig2_migratory_balance_map", "coverage_map", "location_peru")
    return {figure: BUILDERS[figure](EN).to_dict() for figure in names}


# --- helpers --------------------------------------------------------------------------------


def units(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    children = [c for key in ("layer", "hconcat", "vconcat", "concat") for c in spec.get(key, [])]
    if "mark" in spec:
        yield spec
    for child in children:
        yield from units(child)


def mark_type(unit: dict[str, Any]) -> str:
    mark = unit["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def values(spec: dict[str, Any], unit: dict[str, Any]) -> list[dict[str, Any]]:
    return spec["datasets"][unit["data"]["name"]]


def geo_units(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [u for u in units(spec) if mark_type(u) == "geoshape"
            and all("iso3" in f["properties"] for f in values(spec, u))]


def by_iso3(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["properties"]["iso3"] if "properties" in r else r["iso3"]: r for r in rows}


def stock_rows(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    [unit] = [u for u in units(spec) if mark_type(u) == "circle"
              and u["encoding"].get("size", {}).get("field") == "venezuelan_nationals"]
    return by_iso3(values(spec, unit))


def text_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for u in units(spec) if mark_type(u) == "text" for r in values(spec, u)]


def highlighted(spec: dict[str, Any]) -> set[str]:
    [geo] = geo_units(spec)
    scale = geo["encoding"]["fill"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    return {f["properties"]["iso3"] for f in values(spec, geo)
            if colours[f["properties"]["role"]] == style.HIGHLIGHT}


# --- every map ------------------------------------------------------------------------------


@pytest.mark.parametrize("figure", list(BUILDERS))
def test_every_map_builds_in_spanish(specs: dict[str, dict[str, Any]], figure: str) -> None:
    spec = specs[figure]
    assert spec["usermeta"] == {FIGURE_KEY: figure}
    number = spec["config"]["locale"]["number"]
    assert number["decimal"] == "," and number["thousands"] == "."
    title = spec["title"]
    assert title["text"].strip()
    source = _("Source: {source}").split("{source}")[0]
    assert title["subtitle"][-1].startswith(source)
    assert len(title["subtitle"][-1]) > len(source) + 20


def test_english_maps_have_no_number_locale(english: dict[str, dict[str, Any]]) -> None:
    for spec in english.values():
        assert "locale" not in spec.get("config", {})


def test_spanish_map_is_deterministic() -> None:
    assert json.dumps(maps.stock_map(ES).to_dict()) == json.dumps(maps.stock_map(ES).to_dict())


def test_country_names_are_cldr_names(specs: dict[str, dict[str, Any]]) -> None:
    for figure, spec in specs.items():
        for geo in geo_units(spec):
            names = {f["properties"]["iso3"]: f["properties"]["name"] for f in values(spec, geo)}
            expected = {"PER": "Perú", "BRA": "Brasil", "MEX": "México", "CUW": "Curazao",
                        "TTO": "Trinidad y Tobago", "BES": "Bonaire", "DOM": "República Dominicana"}
            for iso3, name in expected.items():
                if iso3 in names:
                    assert names[iso3] == name, (figure, iso3)


# --- Figure 1 -------------------------------------------------------------------------------


def test_stock_map_has_the_english_numbers(specs: dict[str, dict[str, Any]],
                                           english: dict[str, dict[str, Any]]) -> None:
    es, en = stock_rows(specs["fig1_stock_map"]), stock_rows(english["fig1_stock_map"])
    assert set(es) == set(en)
    for iso3, row in en.items():
        for field in ("venezuelan_nationals", "year", "confidence", "lon", "lat", "source"):
            assert es[iso3][field] == row[field], (iso3, field)
    # the circles are scaled alike
    def size(spec: dict[str, Any]) -> dict[str, Any]:
        [unit] = [u for u in units(spec) if mark_type(u) == "circle"
                  and u["encoding"].get("size", {}).get("field") == "venezuelan_nationals"]
        return {k: v for k, v in unit["encoding"]["size"].items() if k != "title"}

    assert size(specs["fig1_stock_map"]) == size(english["fig1_stock_map"])


def test_stock_map_labels_in_spanish(specs: dict[str, dict[str, Any]]) -> None:
    rows = stock_rows(specs["fig1_stock_map"])
    assert rows["USA"]["text"].startswith("Estados Unidos 290.224 (2016")
    assert rows["USA"]["country"] == "Estados Unidos"
    assert rows["ESP"]["text"] == "España 208.333"
    assert rows["ESP"]["country"] == "España"
    assert "119.051" in rows["CHL"]["text"]
    assert rows["CHL"]["text"].endswith(f"({text.confidence(_, 'low')})")
    assert rows["COL"]["text"].endswith(f"({text.confidence(_, 'medium')})")
    assert rows["PER"]["country"] == "Perú"
    if translated("low"):
        assert rows["CHL"]["confidence_label"] == _("low")
    if translated("Dominican Rep."):
        assert rows["DOM"]["text"].startswith(_("Dominican Rep.") + " ")
    else:
        assert rows["DOM"]["text"].startswith("República Dominicana ")


def test_stock_map_spanish_tooltip_and_legends(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["fig1_stock_map"]
    [unit] = [u for u in units(spec) if mark_type(u) == "circle"
              and u["encoding"].get("size", {}).get("field") == "venezuelan_nationals"]
    encoding = unit["encoding"]
    tooltip = {t["field"]: t for t in encoding["tooltip"]}
    assert {"country", "year", "venezuelan_nationals", "confidence_label", "source"} <= set(
        tooltip)
    assert tooltip["venezuelan_nationals"]["format"] == style.COUNT_FORMAT  # Vega's locale
    # the encodings still work on the data's codes
    assert encoding["fillOpacity"]["scale"]["domain"] == list(style.CONFIDENCE_OPACITY)
    assert encoding["fillOpacity"]["title"] == _("Confidence of the value")
    assert _("Confidence of the value") in json.dumps(spec, ensure_ascii=False)
    calculated = [t["calculate"] for u in units(spec) for t in u.get("transform", [])
                  if "calculate" in t]
    assert calculated == [stock.confidence_labels(_, "datum.confidence")]
    if translated("Figure 1. Stock of Venezuelan nationals in selected countries"):
        assert spec["title"]["text"] == _(
            "Figure 1. Stock of Venezuelan nationals in selected countries")
        assert encoding["size"]["title"] == _("Venezuelan nationals")


def test_confidence_labels_escape_quotes() -> None:
    expression = stock.confidence_labels(lambda m: "l'" + m)
    assert "'l\\'high (solid)'" in expression
    assert stock.confidence_labels(lambda m: m) == (
        "datum.value === 'high' ? 'high (solid)' : datum.value === 'medium'"
        " ? 'medium (lighter, dashed)' : datum.value === 'low' ? 'low (lightest, dotted)'"
        " : datum.value")


# --- Figure 2 -------------------------------------------------------------------------------


def test_migratory_balance_map_in_spanish(specs: dict[str, dict[str, Any]],
                                          english: dict[str, dict[str, Any]]) -> None:
    spec = specs["fig2_migratory_balance_map"]
    assert highlighted(spec) == highlighted(english["fig2_migratory_balance_map"])
    labels = json.dumps(text_rows(spec), ensure_ascii=False)
    # numbers in Spanish whether or not the templates are translated yet
    for fragment in (f"+51{NBSP}%", "100.000", "40.000", f"+139{NBSP}%", f"-27,1{NBSP}%",
                     "Perú", "Trinidad y Tobago"):
        assert fragment in labels
    assert "100,000" not in labels and "+51%" not in labels
    assert spec["title"]["subtitle"][0] == _(flows.NO_VALUES_NOTE)
    # the tooltips quote the plan in Spanish (translations.csv)
    table = pd.read_csv(rapnb.data_dir() / "translations.csv")
    quotes = table[(table["table"] == "flow_statements") & (table["field"] == "statement")]
    expected = dict(zip(quotes["row_key"], quotes["text_es"], strict=True))
    [geo] = geo_units(spec)
    features = by_iso3(values(spec, geo))
    for iso3, quote in expected.items():
        assert features[iso3]["properties"]["statement"] == quote
    if translated("more than {chl_entries_2016_2017} entries"):
        assert _("more than {chl_entries_2016_2017} entries").format(
            chl_entries_2016_2017="100.000") in labels


def test_entry_points_in_spanish(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["fig2_migratory_balance_map"]
    points = [r for u in units(spec) if mark_type(u) == "point" for r in values(spec, u)]
    into = {r["name"]: r["country"] for r in points}
    assert into["Roraima"] == "Brasil" and into["Tumbes"] == "Perú"
    assert "Cúcuta" in into  # place names stay as the data writes them


def test_signed_percent() -> None:
    assert flows.signed_percent(51, "en") == "+51%"
    assert flows.signed_percent(-27.1, "en", 1) == "-27.1%"
    assert flows.signed_percent(139, "es") == f"+139{NBSP}%"
    assert flows.signed_percent(-27.1, "es", 1) == f"-27,1{NBSP}%"


# --- Coverage -------------------------------------------------------------------------------


def test_coverage_map_in_spanish(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["coverage_map"]
    caribbean = text.subregion(_, "Caribbean")
    for geo in geo_units(spec):
        scale = geo["encoding"]["fill"]["scale"]
        colours = dict(zip(scale["domain"], scale["range"], strict=True))
        features = by_iso3(values(spec, geo))
        for feature in features.values():  # every subregion shown is one of the legend's
            assert feature["properties"]["subregion"] in colours
        for iso3 in ("ABW", "CUW", "BES", "TTO"):
            assert features[iso3]["properties"]["subregion"] == caribbean
        assert colours[caribbean] == style.SUBREGION_COLORS["Caribbean"]
        assert colours[_(maps.coverage.OTHER)] == style.CONTEXT_FILL
    main = by_iso3(values(spec, geo_units(spec)[0]))
    assert "OIM Caribe" in main["ABW"]["properties"]["offices"]  # translations.csv
    assert main["PER"]["properties"]["name"] == "Perú"
    zoom = {r["iso3"]: r["text"] for u in units(spec["hconcat"][1]) if mark_type(u) == "text"
            for r in values(spec, u)}
    assert zoom["CUW"] == "Curazao" and zoom["TTO"] == "Trinidad y Tobago"
    if translated("South America"):
        assert main["ARG"]["properties"]["subregion"] == _("South America")


# --- Location maps --------------------------------------------------------------------------


def test_location_map_peru_names_peru(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["location_peru"]
    assert highlighted(spec) == {"PER"}
    assert "Perú" in spec["title"]["text"]
    assert spec["title"]["text"] == _("Location: {title}").format(title="Perú")
    assert any("Perú" in line for line in spec["title"]["subtitle"])
    [geo] = geo_units(spec)
    assert by_iso3(values(spec, geo))["PER"]["properties"]["name"] == "Perú"


def test_location_maps_highlight_the_english_countries(
        specs: dict[str, dict[str, Any]], english: dict[str, dict[str, Any]]) -> None:
    assert highlighted(specs["location_peru"]) == highlighted(english["location_peru"])
    assert highlighted(specs["location_regional"]) == set(rapnb.countries()["iso3"])
    assert highlighted(specs["location_caribbean"]) == {"ABW", "CUW", "BES", "TTO"}


def test_location_map_sheet_titles_and_offices(specs: dict[str, dict[str, Any]]) -> None:
    caribbean = specs["location_caribbean"]
    assert "Caribe" in caribbean["title"]["text"]  # the sheet's title from translations.csv
    assert "OIM Caribe" in " ".join(caribbean["title"]["subtitle"])
    assert "Curazao" in {r["text"] for r in text_rows(caribbean)}
    regional = " ".join(specs["location_regional"]["title"]["subtitle"])
    assert "OR Buenos Aires" in regional and "OR San José" in regional
    assert "(República Bolivariana de)" in specs["location_venezuela"]["title"]["text"]


# --- words ----------------------------------------------------------------------------------


def test_and_join() -> None:
    def english(m: str) -> str:
        return m

    assert text.and_join(english, []) == ""
    assert text.and_join(english, ["a"]) == "a"
    assert text.and_join(english, ["a", "b", "c"]) == "a and b and c"
    assert text.and_join(lambda m: m.replace(" and ", " y "), ["a", "b"]) == "a y b"


def test_country_falls_back_on_the_short_name() -> None:
    assert text.country(ES, "USA", "United States of America", "United States") == \
        "Estados Unidos"
    assert text.country(ES, "VEN", "Venezuela (Bolivarian Republic of)") == "Venezuela"
    assert text.country(ES, "BES", "Bonaire") == "Bonaire"
    assert text.country(EN, "USA", "United States of America", "United States") == \
        "United States of America"
