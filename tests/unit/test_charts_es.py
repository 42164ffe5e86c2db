"""Charts in Spanish: the same data as in English, titles and descriptions from the catalog,
numbers with Spanish separators (in text and in Vega's formats); English stays as it was.

The tests hold whether or not the Spanish catalog has the charts' messages yet: where a message
is not translated (gettext gives the English back), they check what does not depend on it."""

from __future__ import annotations

import pytest

import rapnb
from rapnb import charts
from rapnb.datasets.sources import PLAN
from rapnb.present import alt_text, credits
from rapnb.present.i18n import gettext_for

ES = rapnb.Context.create(lang="es")
EN = rapnb.Context.create(lang="en")
_ = gettext_for("es")

BUILDERS = {
    "stock_bars": charts.stock_bars,
    "stock_evolution": charts.stock_evolution,
    "permits_chart": charts.permits_chart,
    "outcome_funding": charts.outcome_funding,
    "funding_by_office": charts.funding_by_office,
    "activity_matrix": charts.activity_matrix,
    "sheet_funding_colombia": lambda ctx: charts.sheet_funding("colombia", ctx),
    "sheet_funding_caribbean": lambda ctx: charts.sheet_funding("caribbean", ctx),
    "sheet_permits_colombia": lambda ctx: charts.sheet_permits("colombia", ctx),
    "sheet_permits_regional": lambda ctx: charts.sheet_permits("regional", ctx),
}


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _numbers(spec: dict) -> list[dict]:
    """The numeric fields of every data row (None for a missing number, as N.A.)."""
    return [{k: v for k, v in row.items()
             if v is None or (isinstance(v, int | float) and not isinstance(v, bool))}
            for row in _rows(spec)]


def _translated(message: str) -> bool:
    return _(message) != message


@pytest.mark.parametrize("name", BUILDERS)
def test_every_chart_builds_in_spanish_with_spanish_numbers(name: str) -> None:
    spec = BUILDERS[name](ES).to_dict()  # validated against the Vega-Lite schema
    number = spec["config"]["locale"]["number"]
    assert number["decimal"] == "," and number["thousands"] == "."
    assert spec["usermeta"]["rapnb_figure"]
    assert spec["title"]["subtitle"][-1].startswith(_("Source: {source}").split("{")[0])
    assert spec["description"]


@pytest.mark.parametrize("name", BUILDERS)
def test_spanish_charts_draw_the_same_numbers(name: str) -> None:
    english, spanish = BUILDERS[name](EN).to_dict(), BUILDERS[name](ES).to_dict()
    assert _numbers(spanish) == _numbers(english)
    assert "locale" not in english.get("config", {})


def test_colombia_sheet_in_spanish() -> None:
    english = charts.sheet_funding("colombia", EN).to_dict()
    spanish = charts.sheet_funding("colombia", ES).to_dict()
    assert spanish["title"]["text"] == _("{title}: funding requested per outcome").format(
        title="Colombia")
    if _translated("{title}: funding requested per outcome"):
        assert spanish["title"]["text"] != english["title"]["text"]
    else:
        assert spanish["config"]["locale"]["number"]["decimal"] == ","
    # Amounts written as text follow Spanish separators, whatever the catalog holds.
    assert {r["amount"] for r in _rows(spanish)} >= {"USD 4.853.748", "USD 1.745.950"}
    assert "USD 13.399.999" in spanish["description"]
    assert "13,399,999" not in spanish["description"]
    labels = {r["component"]: r["label"] for r in _rows(spanish)}
    assert labels["socioeconomic_integration"] == "4 Integración socioeconómica"


def test_spanish_drawing_formats_axis_numbers_with_the_locale() -> None:
    from rapnb.present.display import draw_svg

    svg = draw_svg(charts.sheet_funding("colombia", ES).to_dict())
    assert "USD 4.853.748" in svg
    assert "1.000.000" in svg and "1,000,000" not in svg  # Vega's axis format, es locale


def test_country_and_plan_names_in_spanish() -> None:
    permits = {r["iso3"]: r for r in _rows(charts.permits_chart(ES).to_dict())}
    assert permits["BRA"]["country"] == "Brasil" and permits["PER"]["country"] == "Perú"
    assert permits["CHL"]["label"] == "84.425"
    offices = {r["office_id"]: r["office_name_as_printed"]
               for r in _rows(charts.funding_by_office(ES).to_dict())}
    assert offices["dominican_republic"] == "R. Dominicana"
    sheets = {r["sheet_id"]: r["sheet_title"] for r in _rows(charts.activity_matrix(ES).to_dict())}
    assert sheets["mexico"] == "México"
    stocks = {r["iso3"]: r for r in _rows(charts.stock_bars(ES).to_dict())}
    assert stocks["ESP"]["geography"] == "España"
    assert stocks["CHL"]["label"] == _("{country} (low confidence)").format(country="Chile")


def test_stock_confidence_stays_consistent_in_spanish() -> None:
    spec = charts.stock_bars(ES).to_dict()
    opacity = spec["layer"][0]["encoding"]["opacity"]
    assert opacity["scale"]["domain"] == [_("high"), _("medium"), _("low")]
    assert {r["confidence"] for r in _rows(spec)} <= set(opacity["scale"]["domain"])
    # The description counts the values of lower confidence from the data's own values.
    english = {_(text): key for key, text in charts.CONFIDENCE.items()}
    rows = [{**r, "country": r["geography"], "confidence": english[r["confidence"]]}
            for r in _rows(spec)]
    assert sum(r["confidence"] != "high" for r in rows) == 9
    assert spec["description"] == alt_text.stocks(rows, alt_text.BAR_CHART, lang="es")


def test_english_titles_are_unchanged() -> None:
    assert charts.outcome_funding(EN).to_dict()["title"]["text"] == (
        "Funding requested per outcome")
    colombia = charts.sheet_funding("colombia").to_dict()
    assert colombia["title"]["text"] == "Colombia: funding requested per outcome"
    assert colombia["title"]["subtitle"] == [
        "Source: IOM Regional Action Plan (2018), estimated funding needs and the sheet's"
        " amounts"]
    bars = charts.stock_bars().to_dict()
    assert bars["title"]["text"] == (
        "Figure 1, ranked: stock of Venezuelan nationals by destination country")
    assert bars["layer"][0]["encoding"]["x"]["title"] == "Venezuelan nationals"
    assert "config" not in colombia or "locale" not in colombia["config"]


def test_credits_in_english_are_the_constants() -> None:
    assert credits.PLAN_SHORT_TEXT == PLAN["short"] == credits.PLAN_SHORT
    assert credits.plan_short("en") == credits.PLAN_SHORT
    assert credits.permits_source("en") == credits.PERMITS_SOURCE
    assert credits.flows_source("en") == credits.FLOWS_SOURCE
    assert credits.coverage_source("en") == credits.COVERAGE_SOURCE
    assert credits.stocks_map_source("en") == credits.STOCKS_MAP_SOURCE
    assert credits.source_line("x", "en") == "Source: x"
    assert credits.permits_source("es") == _(credits.PERMITS_LINE).format(
        plan=_(credits.PLAN_SHORT))


def test_spanish_lists_write_e_before_an_i_sound() -> None:
    assert alt_text._series(["Colombia", "Italia"]) == "Colombia and Italia"
    spanish = alt_text._series(["Colombia", "Perú", "Italia"], "es")
    if _translated("and"):
        assert spanish == "Colombia, Perú e Italia"
        assert alt_text._series(["Chile", "Hielo"], "es") == "Chile y Hielo"
    for word, expected in (("Italia", True), ("Hidalgo", True), ("Islas Vírgenes", True),
                           ("hielo", False), ("Yucatán", False), ("Perú", False)):
        assert alt_text._starts_with_i_sound(word) is expected, word
