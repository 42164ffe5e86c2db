"""Chart helpers: specs carry the plan's numbers, titles with sources, and the outcome colours."""

from __future__ import annotations

import json

import pytest

from rapnb import charts, report, style
from rapnb.errors import UnknownSheetError

OKABE_ITO = {"#0072B2", "#009E73", "#D55E00", "#CC79A7", "#999999"}


def _values(spec: dict) -> list[dict]:
    """All inline data rows of a spec (Altair moves them to top-level `datasets`)."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _layers(spec: dict) -> list[dict]:
    found = [spec]
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            found += _layers(child)
    if "spec" in spec:
        found += _layers(spec["spec"])
    return found


def _title(spec: dict) -> dict:
    return spec["title"]


ALL_CHARTS = [charts.stock_bars, charts.stock_evolution, charts.permits_chart,
              charts.outcome_funding, charts.funding_by_office, charts.activity_matrix]


@pytest.mark.parametrize("build", ALL_CHARTS, ids=lambda f: f.__name__)
def test_every_chart_has_title_source_and_figure_id(build) -> None:
    spec = build().to_dict()
    title = _title(spec)
    assert title["text"]
    assert title["subtitle"][-1].startswith("Source: ")
    assert spec["usermeta"]["rapnb_figure"]


def test_outcome_colours_are_the_same_everywhere() -> None:
    expected = style.outcome_scale()
    assert set(expected["range"]) == OKABE_ITO
    for build in (charts.outcome_funding, charts.funding_by_office, charts.activity_matrix):
        # A colour taken as it is from the data (scale None: the ink of segment labels) is no
        # outcome colour.
        scales = [layer["encoding"]["color"]["scale"] for layer in _layers(build().to_dict())
                  if "color" in layer.get("encoding", {})
                  and layer["encoding"]["color"].get("scale", {}) is not None]
        assert scales and all(s == expected for s in scales), build.__name__
    sheet = charts.sheet_funding("peru").to_dict()
    assert any(layer.get("encoding", {}).get("color", {}).get("scale") == expected
               for layer in _layers(sheet))
    assert style.OUTCOME_COLORS["direct_assistance"] == "#D55E00"


def test_outcome_funding_values() -> None:
    rows = {r["component"]: r["funding_requested_usd"] for r in
            _values(charts.outcome_funding().to_dict())}
    assert rows == {"data_production": 4_870_332, "capacity_coordination": 8_013_791,
                    "direct_assistance": 9_308_907, "socioeconomic_integration": 9_968_231,
                    "evaluation": 164_780}
    labels = {r["amount"] for r in _values(charts.outcome_funding().to_dict())}
    assert "USD 9,968,231" in labels


def test_funding_by_office_uses_usd_format_and_all_cells() -> None:
    spec = charts.funding_by_office().to_dict()
    rows = _values(spec)
    assert sum(r["amount_usd"] for r in rows) == 32_326_043
    assert spec["layer"][0]["encoding"]["x"]["axis"]["format"] == ",.0f"
    colombia = {r["component"]: r["amount_usd"] for r in rows if r["office_id"] == "colombia"}
    assert colombia["socioeconomic_integration"] == 4_853_748


def test_stock_bars_mark_confidence() -> None:
    spec = charts.stock_bars().to_dict()
    rows = {r["geography"]: r for r in _values(spec)}
    assert rows["United States of America"]["venezuelan_nationals"] == 290_224
    assert rows["United States of America"]["year"] == 2016
    assert rows["Chile"]["label"] == "Chile (low confidence)"
    opacity = _layers(spec)[1]["encoding"]["opacity"]
    assert opacity["scale"]["domain"] == ["high", "medium", "low"]
    assert opacity["scale"]["range"] == [1.0, 0.6, 0.3]
    assert {"field": "source", "type": "nominal"} in _layers(spec)[1]["encoding"]["tooltip"]


def test_stock_evolution_is_aggregates_2005_2017() -> None:
    rows = _values(charts.stock_evolution().to_dict())
    worldwide = {r["year"]: r["venezuelan_nationals"] for r in rows
                 if r["geography"] == "Worldwide"}
    assert worldwide == {2005: 437_280, 2010: 556_641, 2015: 697_562, 2017: 1_642_442}


def test_permits_chart_keeps_na_as_text() -> None:
    rows = _values(charts.permits_chart().to_dict())
    brazil_2015 = next(r for r in rows if r["iso3"] == "BRA" and r["year"] == 2015)
    assert brazil_2015["permits"] is None and brazil_2015["label"] == "N.A."
    chile_2017 = next(r for r in rows if r["iso3"] == "CHL" and r["year"] == 2017)
    assert chile_2017["permits"] == 84_425 and chile_2017["label"] == "84,425"


def test_activity_matrix_counts() -> None:
    rows = _values(charts.activity_matrix().to_dict())
    assert len(rows) == 269
    assert sum(1 for r in rows if r["sheet_id"] == "venezuela") == 2
    assert {r["component"] for r in rows if r["activity_id"].startswith("O3.")} == {
        "direct_assistance"}


def test_sheet_charts() -> None:
    rows = {r["component"]: r["amount_usd"] for r in
            _values(charts.sheet_funding("regional").to_dict())}
    assert rows == {"data_production": 687_052, "capacity_coordination": 499_454,
                    "direct_assistance": 786_813, "socioeconomic_integration": 136_875,
                    "evaluation": 164_780}
    assert charts.sheet_permits("caribbean") is None
    permits = _values(charts.sheet_permits("dominican_republic").to_dict())
    assert [r["permits"] for r in permits] == [345, 749, 1_529]
    with pytest.raises(UnknownSheetError, match="valid sheet ids: argentina, brazil"):
        charts.sheet_funding("atlantis")


def test_specs_are_deterministic() -> None:
    first = [json.dumps(b().to_dict(), sort_keys=True) for b in ALL_CHARTS]
    second = [json.dumps(b().to_dict(), sort_keys=True) for b in ALL_CHARTS]
    assert first == second


def test_renderer_bundle_has_spec_and_svg() -> None:
    report.setup()
    bundle, _ = charts.outcome_funding()._repr_mimebundle_()
    assert bundle["application/vnd.vegalite.v5+json"]["usermeta"] == {
        "rapnb_figure": "outcome_funding"}
    svg = bundle["image/svg+xml"]
    assert svg.startswith("<svg") and "9,968,231" in svg
    assert bundle["text/plain"] == "<figure outcome_funding>"


def test_render_kernel_leaves_the_svg_to_the_worker_which_draws_the_same(monkeypatch) -> None:
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from rapnb.build.figures import add_svgs
    from rapnb.present.display import RENDER_KERNEL_ENV, SVG_MIME, VEGALITE_MIME, _render

    spec = charts.sheet_funding("peru").to_dict()
    monkeypatch.delenv(RENDER_KERNEL_ENV, raising=False)
    drawn, _ = _render(spec)
    monkeypatch.setenv(RENDER_KERNEL_ENV, "1")
    left, _ = _render(spec)
    assert SVG_MIME in drawn and SVG_MIME not in left
    assert left[VEGALITE_MIME] == spec and left["text/plain"] == drawn["text/plain"]
    nb = new_notebook(cells=[new_code_cell("", outputs=[new_output("display_data", left)]),
                             new_code_cell("", outputs=[new_output("display_data", drawn)])])
    assert add_svgs(nb) == 1  # the second output already has its drawing
    assert nb.cells[0].outputs[0]["data"] == drawn
    monkeypatch.setenv(RENDER_KERNEL_ENV, "0")
    assert SVG_MIME in _render(spec)[0]


def test_funding_segments_carry_their_outcome_number_in_readable_colours() -> None:
    """Colour is not the only carrier: wide segments are labelled 1-4 or E, in a colour that
    contrasts with the segment's fill at least 4.5:1 (WCAG AA for text)."""
    from rapnb.present import style

    spec = charts.funding_by_office().to_dict()
    text_layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    assert text_layer["encoding"]["color"]["field"] == "ink"
    rows = next(iter(spec["datasets"].values()))
    for row in rows:
        assert style.contrast(row["ink"], style.OUTCOME_COLORS[row["component"]]) >= 4.5, row
    colombia = {r["component"]: r["mark"] for r in rows if r["office_id"] == "colombia"}
    assert colombia == {"data_production": "1", "capacity_coordination": "2",
                        "direct_assistance": "3", "socioeconomic_integration": "4"}
    uruguay = {r["component"]: r["mark"] for r in rows if r["office_id"] == "uruguay"}
    assert set(uruguay.values()) == {""}  # USD 150,014 in all: no segment wide enough


@pytest.mark.parametrize("lang", ["en", "es"])
def test_charts_are_built_from_channel_objects_only(monkeypatch, lang) -> None:
    """Every encoding is an Altair channel object, never a shorthand string or a dict: Altair
    turns those through `SchemaBase.from_dict`, which rebuilds its table of some 570 schema
    classes on every call (about 0.06 s of a sheet's kernel, 20% of its cells)."""
    import altair as alt

    from rapnb import Context, maps
    from rapnb.present.altair_private import spec_without_validation

    calls: list[object] = []
    monkeypatch.setattr(alt.SchemaBase, "from_dict",
                        classmethod(lambda cls, dct, validate=True: calls.append(dct)))
    ctx = Context.create(None, lang)
    alt.Chart().encode(text="label:N")  # the control: a shorthand still takes that path
    assert len(calls) == 1
    calls.clear()
    built = [build(ctx) for build in ALL_CHARTS]
    built += [maps.stock_map(ctx), maps.migratory_balance_map(ctx), maps.coverage_map(ctx)]
    for sheet in ("peru", "regional", "caribbean"):
        built += [charts.sheet_funding(sheet, ctx), charts.sheet_permits(sheet, ctx),
                  maps.location_map(sheet, ctx)]
    specs = [spec_without_validation(chart) for chart in built if chart is not None]
    assert calls == [] and len(specs) >= 17
