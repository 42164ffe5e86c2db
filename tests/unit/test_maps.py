"""The map builders: specs checked through `chart.to_dict()` (no rendering, no network)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import rapnb
from rapnb import maps, style
from rapnb.errors import UnknownSheetError
from rapnb.present.display import FIGURE_KEY
from rapnb.present.maps import geometry, location

ISLANDS = {"ABW", "CUW", "BES", "TTO"}

BUILDERS: dict[str, Callable[[], Any]] = {
    "fig1_stock_map": maps.stock_map,
    "fig2_migratory_balance_map": maps.migratory_balance_map,
    "coverage_map": maps.coverage_map,
    "location_caribbean": lambda: maps.location_map("caribbean"),
    "location_regional": lambda: maps.location_map("regional"),
    "location_peru": lambda: maps.location_map("peru"),
}


@pytest.fixture(autouse=True)
def _bundled_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAPNB_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def specs() -> dict[str, dict[str, Any]]:
    return {figure: build().to_dict() for figure, build in BUILDERS.items()}


# --- helpers --------------------------------------------------------------------------------


def units(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every unit (single-mark) spec of a layered or concatenated spec."""
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
    """The country layers (geoshapes of features with an iso3)."""
    return [u for u in units(spec) if mark_type(u) == "geoshape"
            and all("iso3" in f["properties"] for f in values(spec, u))]


def by_iso3(features: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["properties"]["iso3"]: f for f in features}


def exterior_rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    return [p[0] for p in polygons]


def signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))


def scale_color(encoding: dict[str, Any], value: str) -> str:
    scale = encoding["scale"]
    return scale["range"][scale["domain"].index(value)]


# --- every figure ---------------------------------------------------------------------------


@pytest.mark.parametrize("figure", list(BUILDERS))
def test_figure_id_title_and_source(specs: dict[str, dict[str, Any]], figure: str) -> None:
    spec = specs[figure]
    assert spec["usermeta"] == {FIGURE_KEY: figure}
    title = spec["title"]
    assert title["text"].strip()
    assert title["subtitle"][-1].startswith("Source: ")
    assert len(title["subtitle"][-1]) > len("Source: ") + 20


@pytest.mark.parametrize("figure", list(BUILDERS))
def test_geometry_clockwise_rounded_and_sorted(specs: dict[str, dict[str, Any]],
                                               figure: str) -> None:
    spec = specs[figure]
    for unit in geo_units(spec):
        features = values(spec, unit)
        iso3s = [f["properties"]["iso3"] for f in features]
        assert iso3s == sorted(iso3s) and len(iso3s) == len(set(iso3s))
        for feature in features:
            for ring in exterior_rings(feature["geometry"]):
                assert ring[0] == ring[-1] and len(ring) >= 4
                # clockwise in lon/lat (what Vega expects); counter-clockwise fills the globe
                assert signed_area(ring) < 0, feature["properties"]["iso3"]
                assert all(round(c, 3) == c for point in ring for c in point)


@pytest.mark.parametrize("figure", list(BUILDERS))
def test_colours_come_from_style(specs: dict[str, dict[str, Any]], figure: str) -> None:
    spec = {k: v for k, v in specs[figure].items() if k not in ("title", "config")}
    allowed = {c.upper() for c in (*style.OUTCOME_COLORS.values(),
                                   *style.SUBREGION_COLORS.values(), style.HIGHLIGHT,
                                   style.CONTEXT_FILL, style.CONTEXT_STROKE, style.MARKER_FILL,
                                   style.MARKER_STROKE, style.HALO)}
    used = {c.upper() for c in re.findall(r"#[0-9A-Fa-f]{6}\b", json.dumps(spec))}
    assert used and used <= allowed
    assert not re.search(r'"(white|black|red|blue|gray|grey)"', json.dumps(spec))


@pytest.mark.parametrize("figure", list(BUILDERS))
def test_deterministic(figure: str) -> None:
    first = json.dumps(BUILDERS[figure]().to_dict())
    geometry.prepared_json.cache_clear()
    geometry.country_shapes.cache_clear()
    second = json.dumps(BUILDERS[figure]().to_dict())
    assert first == second


def test_import_is_light() -> None:
    code = ("import sys, rapnb.present.maps; "
            "print(sorted(m for m in ('altair', 'pandas', 'geopandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


# --- Figure 1 -------------------------------------------------------------------------------


def stock_unit(spec: dict[str, Any]) -> dict[str, Any]:
    [unit] = [u for u in units(spec) if mark_type(u) == "circle"
              and u["encoding"].get("size", {}).get("field") == "venezuelan_nationals"]
    return unit


def test_stock_map_values_are_the_latest_per_country(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["fig1_stock_map"]
    rows = {r["iso3"]: r for r in values(spec, stock_unit(spec))}
    assert rows["USA"]["year"] == 2016 and rows["USA"]["venezuelan_nationals"] == 290224
    assert rows["ESP"]["venezuelan_nationals"] == 208333
    table = pd.read_csv(rapnb.data_dir() / "stocks.csv")
    countries = table[table["geography_kind"] == "country"]
    latest = countries.loc[countries.groupby("iso3")["year"].idxmax()]
    assert set(rows) == set(latest["iso3"])
    for r in latest.itertuples():
        assert (rows[r.iso3]["year"], rows[r.iso3]["venezuelan_nationals"],
                rows[r.iso3]["confidence"], rows[r.iso3]["source"]) == (
            r.year, r.venezuelan_nationals, r.confidence, r.source)


def test_stock_map_confidence_encoding(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["fig1_stock_map"]
    encoding = stock_unit(spec)["encoding"]
    opacity = encoding["fillOpacity"]
    assert opacity["field"] == "confidence"
    assert dict(zip(opacity["scale"]["domain"], opacity["scale"]["range"], strict=True)) == \
        style.CONFIDENCE_OPACITY
    dash = encoding["strokeDash"]
    dashed = {c["test"].split("'")[1]: c["value"] for c in dash["condition"]}
    assert set(dashed) == {"medium", "low"}
    assert dash["value"] in ([], [1, 0])  # high: solid outline
    assert all(len(v) == 2 and v[1] > 0 for v in dashed.values())  # medium, low: dashed
    # the confidence legend is drawn with the same opacity encoding and says what it means
    legend = [u for u in units(spec) if u.get("encoding", {}).get("fillOpacity") == opacity
              and u is not stock_unit(spec)]
    assert legend
    assert "Confidence of the value" in json.dumps(spec)
    tooltip = {t["field"]: t for t in encoding["tooltip"]}
    assert {"country", "year", "venezuelan_nationals", "confidence", "source"} <= set(tooltip)
    assert tooltip["venezuelan_nationals"]["format"] == style.COUNT_FORMAT


def test_stock_map_labels_mark_low_confidence(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["fig1_stock_map"]
    rows = {r["iso3"]: r for r in values(spec, stock_unit(spec))}
    assert rows["CHL"]["text"].endswith("(low)")
    assert "119,051" in rows["CHL"]["text"]
    assert rows["COL"]["text"].endswith("(medium)")
    assert rows["ESP"]["text"] == "Spain 208,333"
    assert "(2016)" in rows["USA"]["text"]


def test_stock_map_shows_spain_and_the_islands(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["fig1_stock_map"]
    [geo] = geo_units(spec)
    features = by_iso3(values(spec, geo))
    assert {"ESP", "PRT", "USA", "CAN", "ARG"} | {"ABW", "CUW", "BES"} <= set(features)


def test_stock_map_follows_data_dir(data_copy: Path) -> None:
    path = data_copy / "stocks.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2016,290224,", ",2016,290225,"),
                    encoding="utf-8")
    spec = maps.stock_map(data_copy).to_dict()
    rows = {r["iso3"]: r for r in values(spec, stock_unit(spec))}
    assert rows["USA"]["venezuelan_nationals"] == 290225


# --- Figure 2 -------------------------------------------------------------------------------


def test_migratory_balance_map_says_no_values(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["fig2_migratory_balance_map"]
    assert maps.NO_VALUES_NOTE in spec["title"]["subtitle"]
    assert "The plan prints no values for this map" in spec["title"]["subtitle"][0]
    [geo] = geo_units(spec)
    fill = geo["encoding"]["fill"]
    features = by_iso3(values(spec, geo))
    highlighted = {i for i, f in features.items()
                   if scale_color(fill, f["properties"]["role"]) == style.HIGHLIGHT}
    assert highlighted == {"ARG", "CHL", "PER", "ECU", "CRI", "TTO"}
    labels = json.dumps([values(spec, u) for u in units(spec) if mark_type(u) == "text"])
    for fragment in ("+51%", "more than 100,000", "40,000", "100,000 in 2017",
                     "sustained growth", "increased in 2017"):
        assert fragment in labels


# --- Coverage -------------------------------------------------------------------------------


def test_coverage_map_caribbean_islands(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["coverage_map"]
    assert len(spec["hconcat"]) == 2  # the Americas and the Caribbean zoom
    geos = geo_units(spec)
    assert len(geos) == 2
    for geo in geos:
        fill = geo["encoding"]["fill"]
        assert fill["field"] == "properties.subregion"
        features = by_iso3(values(spec, geo))
        assert ISLANDS <= set(features)
        for iso3 in ISLANDS:
            assert exterior_rings(features[iso3]["geometry"])
            subregion = features[iso3]["properties"]["subregion"]
            assert subregion == "Caribbean"
            assert scale_color(fill, subregion) == style.SUBREGION_COLORS["Caribbean"]
    main, zoom = (by_iso3(values(spec, g)) for g in geos)
    fill = geos[0]["encoding"]["fill"]
    assert scale_color(fill, main["ARG"]["properties"]["subregion"]) == \
        style.SUBREGION_COLORS["South America"]
    assert scale_color(fill, main["BOL"]["properties"]["subregion"]) == style.CONTEXT_FILL
    prioritised = {i for i, f in main.items() if f["properties"]["subregion"] != "Not prioritised"}
    assert prioritised == set(rapnb.countries()["iso3"])
    assert "IOM Caribbean" in main["ABW"]["properties"]["offices"]
    assert "San José" in main["ABW"]["properties"]["offices"]
    assert main["BOL"]["properties"]["offices"] == ""
    # the zoom panel is tight: no Mexico, and it names the four islands
    assert "MEX" not in zoom
    zoom_labels = {r["iso3"] for u in units(spec["hconcat"][1]) if mark_type(u) == "text"
                   for r in values(spec, u)}
    assert zoom_labels == ISLANDS


# --- Location maps --------------------------------------------------------------------------


def highlighted(spec: dict[str, Any]) -> set[str]:
    [geo] = geo_units(spec)
    fill = geo["encoding"]["fill"]
    return {f["properties"]["iso3"] for f in values(spec, geo)
            if scale_color(fill, f["properties"]["role"]) == style.HIGHLIGHT}


def test_location_map_caribbean(specs: dict[str, dict[str, Any]]) -> None:
    spec = specs["location_caribbean"]
    assert highlighted(spec) == ISLANDS
    [geo] = geo_units(spec)
    assert "ARG" not in by_iso3(values(spec, geo))  # fitted tightly to the islands


def test_location_map_regional_and_country(specs: dict[str, dict[str, Any]]) -> None:
    assert highlighted(specs["location_regional"]) == set(rapnb.countries()["iso3"])
    assert highlighted(specs["location_peru"]) == {"PER"}


def test_location_map_every_sheet() -> None:
    for sheet in rapnb.sheets():
        spec = maps.location_map(sheet).to_dict()
        assert spec["usermeta"][FIGURE_KEY] == f"location_{sheet}"
        assert highlighted(spec)


def test_location_map_unknown_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: Any, **__: Any) -> None:
        raise AssertionError("work done before checking the sheet id")

    monkeypatch.setattr(location, "boundaries_key", boom)
    monkeypatch.setattr(location, "base_features", boom)
    with pytest.raises(UnknownSheetError) as caught:
        maps.location_map("atlantis")
    assert caught.value.sheet == "atlantis"
    assert caught.value.valid == rapnb.sheets()
    assert "caribbean" in str(caught.value) and "atlantis" in str(caught.value)


def _views(spec: dict[str, Any]) -> Iterator[tuple[dict[str, Any], int, int]]:
    """Each layered view of a map with its width and height."""
    if "layer" in spec:
        yield spec, spec["width"], spec["height"]
    for key in ("hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            yield from _views(child)


@pytest.mark.parametrize("figure", sorted(BUILDERS))
def test_geography_is_cut_by_the_projection_not_by_svg_clip_paths(specs, figure) -> None:
    """SVG clip paths cost about 0.15 s each to rasterise at twice the size; d3's clipExtent
    cuts the shapes at the view's edge instead. Only the frame on that edge is left uncut."""
    views = list(_views(specs[figure]))
    assert views
    for view, width, height in views:
        for unit in units(view):
            mark = unit["mark"] if isinstance(unit["mark"], dict) else {}
            assert not mark.get("clip"), (figure, mark)
            cut = unit.get("projection", {}).get("clipExtent")
            is_frame = mark_type(unit) == "geoshape" and mark.get("filled") is False and (
                mark.get("stroke") == style.CONTEXT_STROKE)
            if "projection" in unit:
                assert cut == (None if is_frame else [[0, 0], [width, height]]), (figure, mark)
