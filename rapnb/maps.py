"""Map builders of the report: Altair (Vega-Lite) maps of the plan's countries.

Every builder returns a chart (no display, no file I/O beyond the rapnb loaders and
:func:`rapnb.boundaries`), accepts ``data_dir`` for the loaders, carries a figure id
(:func:`rapnb.display.figure_spec`) and a title whose last subtitle line names its source.

The maps embed their geography inline, so a notebook draws them without any network. To keep
the specs small and byte-for-byte reproducible, :func:`_geojson_features` (the one helper every
map uses) clips the boundaries to the map's extent, simplifies them lightly (never dropping an
island), keeps the rings clockwise (what Vega's spherical geometry expects), rounds coordinates
to 3 decimals and sorts features by iso3. The prepared geography is cached per boundaries file,
extent and tolerance, so repeated maps in one kernel do not re-read or re-simplify it.

All maps use the Mercator projection fitted to an explicit longitude/latitude box; the view's
aspect ratio is derived from the box, so the box fills the view exactly.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from rapnb import loaders, style
from rapnb.datasets import DataDir
from rapnb.display import figure_spec

if TYPE_CHECKING:
    import altair as alt
    import geopandas

Extent = tuple[float, float, float, float]
"""(west, south, east, north) in degrees."""
View = tuple[Extent, int, int]
"""A map's extent and its width and height in pixels (what :func:`_frame` returns)."""

PLAN = "IOM Regional Action Plan (2018)"
BOUNDARIES_SOURCE = "boundaries Natural Earth 1:50m"
STOCKS_SOURCE = (
    "IOM, Migration Trends in the Americas: Venezuela (April 2018), and secondary sources as"
    f" listed per value (tooltip); {BOUNDARIES_SOURCE}"
)
FLOWS_SOURCE = f"{PLAN}, Trends: flows (text beside Figure 2); {BOUNDARIES_SOURCE}"
COVERAGE_SOURCE = (
    f"{PLAN}, Geographic coverage and the implementing offices of Estimated funding needs;"
    f" {BOUNDARIES_SOURCE}"
)
NO_VALUES_NOTE = "The plan prints no values for this map; labels restate its text."

STOCK_EXTENT: Extent = (-125.0, -56.0, 5.0, 60.0)
"""Atlantic-wide: Canada to Tierra del Fuego, and Spain and Portugal, which the plan names."""
FLOWS_EXTENT: Extent = (-122.0, -56.0, -22.0, 16.0)
COVERAGE_EXTENT: Extent = (-120.0, -56.0, -32.0, 33.0)
CARIBBEAN_EXTENT: Extent = (-71.0, 9.5, -60.0, 13.5)

TOLERANCE = 0.01
"""Base simplification tolerance in degrees (raised to a quarter pixel on continental maps)."""
DECIMALS = 3
_CLIP_MARGIN = 1.0  # degrees kept beyond the view (cut by the projection) so no seam shows
_LABEL_FONT = 10

# --- Figure 1 -------------------------------------------------------------------------------

# Where each country's label goes, relative to its circle: (label lon, label lat, align, leader).
# Hand-placed so labels do not overlap each other or the circles; a country not listed here
# gets its label just right of its circle.
_STOCK_LABELS: dict[str, tuple[float, float, str, bool]] = {
    "USA": (-95.0, 37.3, "left", False),
    "CAN": (-107.5, 56.8, "left", False),
    "ESP": (-3.5, 48.0, "center", True),
    "PRT": (-14.0, 36.0, "right", True),
    "DOM": (-62.0, 22.5, "left", True),
    "PAN": (-92.0, 13.0, "right", True),
    "COL": (-92.0, 5.0, "right", True),
    "ECU": (-92.0, -2.5, "right", True),
    "PER": (-92.0, -10.0, "right", True),
    "CHL": (-84.0, -30.0, "right", True),
    "ARG": (-54.0, -42.0, "left", True),
}
_SIZE_LEGEND_AT = (-24.0, -25.0)  # top-left corner of the legend (lon, lat): South Atlantic
_CONFIDENCE_LEGEND_AT = (-38.0, 18.0)  # North Atlantic, between the Caribbean and Iberia
_DASHES = {"high": [1, 0], "medium": [5, 2], "low": [2, 2]}
_CONFIDENCE_LABELS = (
    "datum.value === 'high' ? 'high (solid)' : datum.value === 'medium'"
    " ? 'medium (lighter, dashed)' : datum.value === 'low' ? 'low (lightest, dotted)'"
    " : datum.value"
)
_SHORT_NAMES = {"USA": "United States", "DOM": "Dominican Rep."}

# --- Figure 2 -------------------------------------------------------------------------------

# The countries the text beside Figure 2 comments on, with what it says. Numbers come from
# key_figures (by figure_id); `words` restate the plan's wording where it gives no number.
_FLOW_STATEMENTS: tuple[dict[str, Any], ...] = (
    {"iso3": "ARG", "lines": ("{arg_stock_change_two_years:+.0f}% Venezuelan nationals",
                              "over the past two years"),
     "label": (-48.0, -38.0, "left"),
     "quote": "There has been a 51% increase in the number of Venezuelans nationals in"
              " Argentina over the past two years."},
    {"iso3": "CHL", "lines": ("more than {chl_entries_2016_2017:,.0f} entries",
                              "in 2016-2017"),
     "label": (-82.0, -33.0, "right"),
     "quote": "More than 100,000 Venezuelan nationals entered Chile during 2016.-2017."},
    {"iso3": "PER", "lines": ("balance about {per_migratory_balance_2018_jan_feb:,.0f}"
                              " in Jan-Feb 2018",
                              "and about {per_migratory_balance_2017:,.0f} in 2017"),
     "label": (-86.0, -12.0, "right"),
     "quote": "In Peru, only during the first two months of 2018, the migratory balance was"
              " approximately 40,000 for Venezuelan nationals, while the total for 2017"
              " registered approximately 100,000."},
    {"iso3": "ECU", "lines": ("sustained growth over the last two years;",
                              "2015-2016: land entries {ecu_land_entries_change_2015_2016:+.0f}%,"
                              " air {ecu_air_entries_change_2015_2016:+.1f}%"),
     "label": (-86.0, -2.0, "right"),
     "quote": "In Ecuador, there is a sustained growth in the Venezuelan population over the"
              " last two years. [...] In the period of 2015-2016, the number of entries by air"
              " diminished (-27,1%) while land entries increased significantly (139%)."},
    {"iso3": "CRI", "lines": ("balance of entries and exits:", "sustained growth"),
     "label": (-90.0, 9.0, "right"),
     "quote": "Balance of entries and exits of Venezuelan nationals in Central American and"
              " Caribbean countries also shows a sustained growth over the past years, such as"
              " the case of Costa Rica."},
    {"iso3": "TTO", "lines": ("inflows down over the last three years,",
                              "but the balance increased in 2017"),
     "label": (-56.0, 13.0, "left"),
     "quote": "Inflows from Venezuelan nationals to Trinidad and Tobago show a steady decrease"
              " over the last three years, however, the migratory balance increased in 2017."},
)
_FLOW_ROLES = ("Country the text beside Figure 2 comments on", "Other country")

# --- Coverage -------------------------------------------------------------------------------

_OTHER = "Not prioritised"
# Caribbean zoom panel labels: (label lon, label lat, align).
_ZOOM_LABELS: dict[str, tuple[float, float, str]] = {
    "ABW": (-69.98, 12.8, "center"),
    "CUW": (-68.95, 11.86, "center"),
    "BES": (-68.27, 12.47, "center"),
    "TTO": (-61.4, 11.6, "center"),
}


# ============================================================================================
# Geography: one prepared, cached GeoJSON per boundaries file, extent and tolerance
# ============================================================================================


def _boundaries_key(data_dir: DataDir) -> tuple[str, int, int]:
    """Cache key of the boundaries file a data directory resolves to (path, mtime, size)."""
    from rapnb.geo import boundaries_path

    path = boundaries_path(data_dir)
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def _ring(coords: Any, clockwise: bool) -> list[list[float]] | None:
    """A closed ring rounded to DECIMALS, without repeated points, wound as asked (or None)."""
    import numpy as np

    pts = np.round(np.asarray(coords, dtype=float)[:, :2], DECIMALS) + 0.0  # no -0.0
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
    pts = pts[keep]
    if len(pts) and not np.array_equal(pts[0], pts[-1]):
        pts = np.vstack([pts, pts[:1]])
    if len(pts) < 4:
        return None
    x, y = pts[:, 0], pts[:, 1]
    area2 = float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))  # > 0: counter-clockwise
    if area2 == 0.0:
        return None
    if (area2 < 0) != clockwise:
        pts = pts[::-1]
    return pts.tolist()


def _polygon_rings(polygon: Any) -> list[list[list[float]]] | None:
    """GeoJSON rings of one polygon: exterior clockwise, holes counter-clockwise."""
    exterior = _ring(polygon.exterior.coords, clockwise=True)
    if exterior is None:
        return None
    holes = [_ring(r.coords, clockwise=False) for r in polygon.interiors]
    return [exterior] + [h for h in holes if h is not None]


def _polygons(geometry: Any) -> list[Any]:
    """The polygons of a (multi)polygon or of a collection that clipping may return."""
    if geometry is None or geometry.is_empty:
        return []
    if geometry.geom_type == "Polygon":
        return [geometry]
    if hasattr(geometry, "geoms"):
        return [p for g in geometry.geoms for p in _polygons(g)]
    return []


def _geometry_json(geometry: Any, tolerance: float) -> dict[str, Any] | None:
    """Simplified, rounded, clockwise GeoJSON geometry; a polygon that simplification or
    rounding would collapse (a small island) is kept unsimplified instead of dropped."""
    polygons: list[list[list[list[float]]]] = []
    for polygon in _polygons(geometry):
        simple = polygon.simplify(tolerance, preserve_topology=True)
        parts = [r for r in map(_polygon_rings, _polygons(simple)) if r is not None]
        if not parts:
            rings = _polygon_rings(polygon)
            parts = [rings] if rings is not None else []
        polygons.extend(parts)
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _geojson_features(
    frame: geopandas.GeoDataFrame,
    extent: Extent | None = None,
    tolerance: float = TOLERANCE,
    properties: tuple[str, ...] = ("iso3", "name"),
) -> list[dict[str, Any]]:
    """GeoDataFrame -> GeoJSON features, deterministic and small, for inline Vega-Lite data.

    Features are sorted by iso3; geometries are clipped to ``extent`` (plus a margin that the
    projection's clipExtent cuts off), simplified with ``tolerance`` (topology preserved,
    islands kept), wound clockwise (holes counter-clockwise) and rounded to 3 decimals.
    Features entirely outside the extent are left out. ``properties`` are copied in that order.
    """
    import shapely

    features = []
    for row in frame.sort_values("iso3", kind="stable").itertuples(index=False):
        geometry = row.geometry
        if extent is not None:
            west, south, east, north = extent
            box = (west - _CLIP_MARGIN, south - _CLIP_MARGIN,
                   east + _CLIP_MARGIN, north + _CLIP_MARGIN)
            minx, miny, maxx, maxy = geometry.bounds
            if maxx < box[0] or minx > box[2] or maxy < box[1] or miny > box[3]:
                continue
            if not (minx >= box[0] and maxx <= box[2] and miny >= box[1] and maxy <= box[3]):
                geometry = shapely.clip_by_rect(geometry, *box)
        shape = _geometry_json(geometry, tolerance)
        if shape is None:
            continue
        props = {name: _plain(getattr(row, name)) for name in properties}
        features.append({"type": "Feature", "properties": props, "geometry": shape})
    return features


def _plain(value: Any) -> Any:
    """A JSON-native Python value (numpy scalars and pandas NA become int/float/str/None)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@functools.lru_cache(maxsize=64)
def _prepared_json(key: tuple[str, int, int], extent: Extent, tolerance: float) -> str:
    """The base features of one extent as a JSON string (immutable, hence safe to cache)."""
    from pathlib import Path

    from rapnb.geo import boundaries

    frame = boundaries(Path(key[0]).parent)
    return json.dumps(_geojson_features(frame, extent, tolerance), separators=(",", ":"))


def _base_features(
    data_dir: DataDir, extent: Extent, tolerance: float
) -> list[dict[str, Any]]:
    """Fresh (mutable) base features for one map: iso3 and name properties."""
    return json.loads(_prepared_json(_boundaries_key(data_dir), extent, tolerance))


Shape = tuple[tuple[float, float], Extent, float]
"""Label anchor (lon, lat), bounds of the main polygons, area in square degrees."""


def _shape(geometry: Any) -> Shape:
    """The label anchor (representative point of the largest polygon), the bounds of the main
    polygons (each at least 1% of the country's area; leaves out far-flung islets such as
    Easter Island) and the area of one country's geometry."""
    import shapely

    polygons = _polygons(geometry)
    largest = max(polygons, key=lambda p: p.area)
    point = largest.representative_point()
    main = [p for p in polygons if p.area >= 0.01 * geometry.area]
    bounds = tuple(round(float(v), DECIMALS) for v in shapely.MultiPolygon(main).bounds)
    anchor = (round(point.x, DECIMALS), round(point.y, DECIMALS))
    return anchor, bounds, round(float(geometry.area), 6)  # type: ignore[return-value]


class _Shapes(Mapping[str, Shape]):
    """iso3 -> :data:`Shape`, each computed the first time it is asked for (a country sheet's
    map needs one to three of the ~50 countries)."""

    def __init__(self, geometries: dict[str, Any]) -> None:
        self._geometries, self._done = geometries, {}

    def __getitem__(self, iso3: str) -> Shape:
        if iso3 not in self._done:
            self._done[iso3] = _shape(self._geometries[iso3])
        return self._done[iso3]

    def __iter__(self) -> Iterator[str]:
        return iter(self._geometries)

    def __len__(self) -> int:
        return len(self._geometries)


@functools.lru_cache(maxsize=8)
def _shapes(key: tuple[str, int, int]) -> _Shapes:
    """The :data:`Shape` of every country of the boundaries file `key` names."""
    from pathlib import Path

    from rapnb.geo import boundaries

    frame = boundaries(Path(key[0]).parent)
    return _Shapes({str(i): g for i, g in zip(frame["iso3"], frame.geometry, strict=True)})


# ============================================================================================
# Projection, frame and small chart helpers
# ============================================================================================


def _merc(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _unmerc(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def _frame(extent: Extent, width: int, min_height: int, max_height: int) -> View:
    """Widen `extent` so that its Mercator aspect fits `width` x [min_height, max_height]."""
    west, south, east, north = extent
    span_x = math.radians(east - west)
    span_y = _merc(north) - _merc(south)
    height = width * span_y / span_x
    if height > max_height:
        height = max_height
        grow = (span_y * width / height - span_x) / 2
        west, east = west - math.degrees(grow), east + math.degrees(grow)
    elif height < min_height:
        height = min_height
        grow = (span_x * height / width - span_y) / 2
        south, north = _unmerc(_merc(south) - grow), _unmerc(_merc(north) + grow)
    framed = tuple(round(v, DECIMALS) for v in (west, south, east, north))
    return framed, width, int(round(height))  # type: ignore[return-value]


def _pixel(extent: Extent, width: int, height: int, lon: float, lat: float) -> tuple[int, int]:
    """Pixel position of (lon, lat) in a view of `extent` drawn by `_projection`."""
    west, south, east, north = extent
    x = (lon - west) / (east - west) * width
    y = (_merc(north) - _merc(lat)) / (_merc(north) - _merc(south)) * height
    return int(round(x)), int(round(y))


def _tolerance(extent: Extent, width: int) -> float:
    """TOLERANCE, or a quarter pixel on maps where a pixel is wider than 0.04 degrees."""
    quarter_pixel = (extent[2] - extent[0]) / width / 4
    return max(TOLERANCE, round(quarter_pixel, 2))


def _projection(view: View, cut: bool = True) -> alt.Projection:
    """Mercator fitted to the extent's corners (a rectangle in Mercator). If `cut`, it cuts
    what it draws at the view's edge (d3's clipExtent): the same picture as an SVG clip path,
    which costs about 0.15 s per layer to rasterise at twice the size."""
    import altair as alt

    (west, south, east, north), width, height = view
    corners = {"type": "Feature", "properties": {},
               "geometry": {"type": "MultiPoint", "coordinates": [[west, south], [east, north]]}}
    if not cut:
        return alt.Projection(type="mercator", fit=corners)
    return alt.Projection(type="mercator", fit=corners, clipExtent=[[0, 0], [width, height]])


class _Datasets:
    """The inline data of one chart, embedded once at its top level (``datasets``).

    Altair deep-copies a chart's inline values on every ``encode``/``properties`` call and
    validates them on construction; geometry is large, so the layers refer to named
    datasets and the values are attached only to the finished top-level chart -- the same
    spec Altair's own consolidation of inline data produces. Names hash the content, so
    they are stable across runs.
    """

    def __init__(self) -> None:
        self.values: dict[str, list[dict[str, Any]]] = {}

    def add(self, values: list[dict[str, Any]], prefix: str = "data") -> alt.NamedData:
        import altair as alt

        text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        name = f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"
        self.values[name] = values
        return alt.NamedData(name=name)


def _geo_layer(data: alt.NamedData, view: View, **mark: Any) -> alt.Chart:
    """A geoshape layer of GeoJSON features, cut at the view's edge."""
    import altair as alt

    defaults = {"fill": style.CONTEXT_FILL, "stroke": style.CONTEXT_STROKE, "strokeWidth": 0.5}
    return alt.Chart(data).mark_geoshape(**{**defaults, **mark}).project(
        **_projection(view).to_dict()
    )


def _label_layers(data: _Datasets, rows: list[dict[str, Any]], view: View,
                  font_size: int = _LABEL_FONT, leader_color: str = style.HIGHLIGHT
                  ) -> tuple[list[alt.Chart], list[alt.Chart]]:
    """Leader lines from (lon, lat) to the label where `leader` is true, and text labels at
    (label_lon, label_lat), one layer per alignment; `text` may be a list of lines.
    Returned apart so that symbols can be drawn between the leaders and the texts."""
    import altair as alt

    projection = _projection(view).to_dict()
    leaders: list[alt.Chart] = []
    with_leader = [r for r in rows if r.get("leader")]
    if with_leader:
        leaders.append(
            alt.Chart(data.add(with_leader, "leaders"))
            .mark_rule(strokeWidth=0.7, color=leader_color)
            .encode(alt.Longitude("lon:Q"), alt.Latitude("lat:Q"),
                    alt.Longitude2("label_lon"), alt.Latitude2("label_lat"))
            .project(**projection)
        )
    texts: list[alt.Chart] = []
    for align, dx in (("left", 3), ("right", -3), ("center", 0)):
        subset = [r for r in rows if r["align"] == align]
        if not subset:
            continue
        texts.append(
            alt.Chart(data.add(subset, "labels"))
            .mark_text(align=align, baseline="middle", dx=dx, fontSize=font_size,
                       lineHeight=font_size + 2)
            .encode(alt.Longitude("label_lon:Q"), alt.Latitude("label_lat:Q"),
                    alt.Text("text:N"))
            .project(**projection)
        )
    return leaders, texts


def _outline(data: _Datasets, view: View) -> alt.Chart:
    """A thin frame around the map (the sea is left white), drawn over everything; it lies on
    the view's edge, so it is not cut there (d3 would drop some of its sides)."""
    import altair as alt

    return alt.Chart(data.add([_box_outline(view[0])], "outline")).mark_geoshape(
        filled=False, stroke=style.CONTEXT_STROKE, strokeWidth=1
    ).project(**_projection(view, cut=False).to_dict())


def _finish(chart: Any, data: _Datasets, figure: str, text: str, source: str,
            subtitle: str | None) -> Any:
    """Title, figure id and the embedded datasets on the top-level chart."""
    chart = figure_spec(chart.properties(title=style.title(text, source, subtitle)), figure)
    chart.datasets = _frozen_datasets(dict(sorted(data.values.items())))
    return chart


@functools.cache
def _frozen_datasets_class() -> type:
    import altair as alt

    class FrozenDatasets(alt.SchemaBase):
        """Serialises to a fresh copy of the JSON it holds, in one step."""

        _schema = {"type": "object"}
        _class_is_valid_at_instantiation = False

        def to_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            return json.loads(self._args[0])

    return FrozenDatasets


def _frozen_datasets(values: dict[str, list[dict[str, Any]]]) -> Any:
    """The top-level ``datasets`` as a schema object that serialises to a fresh copy of
    `values` in one step. Altair would otherwise walk every coordinate on each ``to_dict``
    (most of its cost for a map); the spec it produces is the same."""
    FrozenDatasets = _frozen_datasets_class()  # noqa: N806
    return FrozenDatasets(json.dumps(values, separators=(",", ":"), ensure_ascii=False))


# ============================================================================================
# Figure 1: stock of Venezuelan nationals
# ============================================================================================


def _latest_stocks(data_dir: DataDir) -> list[dict[str, Any]]:
    """One row per destination country with its latest year, largest first."""
    from rapnb.charts import latest_stocks

    return [
        {"iso3": str(r.iso3), "country": str(r.geography), "year": int(r.year),
         "venezuelan_nationals": int(r.venezuelan_nationals),
         "confidence": str(r.confidence), "source": str(r.source),
         "note": "" if _plain(r.note) is None else str(r.note)}
        for r in latest_stocks(data_dir).itertuples(index=False)
    ]


def _confidence_legend(data: _Datasets, levels: list[str], x: int, y: int,
                       opacity: alt.FillOpacity, dash: alt.StrokeDashValue) -> list[alt.Chart]:
    """A legend for confidence drawn with the very encodings of the map's circles (Vega-Lite
    cannot show a fill opacity and a conditional dash in one legend)."""
    import altair as alt

    rows = [{"confidence": c, "py": y + 24 + 22 * i} for i, c in enumerate(levels)]
    source = data.add(rows, "confidence")
    title = alt.Chart(data.add([{"text": "Confidence of the value"}], "confidence-title")
                      ).mark_text(align="left", baseline="top", fontSize=12, fontWeight="bold"
                      ).encode(alt.XValue(x), alt.YValue(y), alt.Text("text:N"))
    symbols = alt.Chart(source).mark_circle(
        size=220, fill=style.HIGHLIGHT, stroke=style.HIGHLIGHT, strokeWidth=1.5, opacity=1.0,
        strokeOpacity=1.0,
    ).encode(alt.XValue(x + 9), alt.Y("py:Q", scale=None, axis=None),
             fillOpacity=opacity, strokeDash=dash)
    labels = alt.Chart(source).mark_text(align="left", baseline="middle", fontSize=11).encode(
        alt.XValue(x + 24), alt.Y("py:Q", scale=None, axis=None), alt.Text("label:N"),
    ).transform_calculate(label=_CONFIDENCE_LABELS.replace("datum.value", "datum.confidence"))
    return [title, symbols, labels]


def stock_map(data_dir: DataDir = None) -> alt.LayerChart:
    """Figure 1: stock of Venezuelan nationals per destination country, latest year each.

    One circle per country (area proportional to the stock) at the country's representative
    point; fill opacity shows the value's confidence, and medium/low values also get a dashed
    outline and a "(medium)"/"(low)" label suffix. Spain and Portugal are in view.
    """
    import altair as alt

    rows = _latest_stocks(data_dir)
    shapes = _shapes(_boundaries_key(data_dir))
    view = _frame(STOCK_EXTENT, 640, 420, 760)
    extent, width, height = view
    data = _Datasets()
    geo = data.add(_base_features(data_dir, extent, _tolerance(extent, width)), "geo")

    for row in rows:
        (lon, lat), _, _ = shapes[row["iso3"]]
        name = _SHORT_NAMES.get(row["iso3"], row["country"])
        notes = ([str(row["year"])] if row["year"] != 2017 else []) + (
            [row["confidence"]] if row["confidence"] != "high" else [])
        suffix = f" ({', '.join(notes)})" if notes else ""
        label_lon, label_lat, align, leader = _STOCK_LABELS.get(
            row["iso3"], (lon + 2.5, lat, "left", False))
        row.update({"lon": lon, "lat": lat, "label_lon": label_lon, "label_lat": label_lat,
                    "align": align, "leader": leader,
                    "text": f"{name} {row['venezuelan_nationals']:,}{suffix}"})

    levels = list(style.CONFIDENCE_OPACITY)
    legend = {"orient": "none", "padding": 6,
              "symbolFillColor": style.HIGHLIGHT, "symbolStrokeColor": style.HIGHLIGHT}
    size_x, size_y = _pixel(extent, width, height, *_SIZE_LEGEND_AT)
    conf_x, conf_y = _pixel(extent, width, height, *_CONFIDENCE_LEGEND_AT)
    confidence_opacity = alt.FillOpacity(
        "confidence:N", title="Confidence of the value",
        scale=alt.Scale(domain=levels, range=[style.CONFIDENCE_OPACITY[c] for c in levels]),
        legend=None,  # drawn by _confidence_legend with the same encodings
    )
    confidence_dash = alt.StrokeDashValue(
        condition=[{"test": f"datum.confidence === '{c}'", "value": _DASHES[c]}
                   for c in levels if c != "high"],
        value=_DASHES["high"],
    )
    largest = max((r["venezuelan_nationals"] for r in rows), default=1)
    circles = (
        alt.Chart(data.add(rows, "stocks"))
        .mark_circle(fill=style.HIGHLIGHT, stroke=style.HIGHLIGHT, strokeWidth=1.5,
                     opacity=1.0, strokeOpacity=1.0)
        .encode(
            alt.Longitude("lon:Q"),
            alt.Latitude("lat:Q"),
            size=alt.Size(
                "venezuelan_nationals:Q", title="Venezuelan nationals",
                scale=alt.Scale(domain=[0, largest], range=[0, 2400]),
                legend=alt.Legend(values=[25000, 100000, 300000, 600000],
                                  format=style.COUNT_FORMAT, legendX=size_x, legendY=size_y,
                                  **legend),
            ),
            fillOpacity=confidence_opacity,
            # Dashes repeat the confidence for readers who cannot tell the opacities apart.
            strokeDash=confidence_dash,
            tooltip=[
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("venezuelan_nationals:Q", title="Venezuelan nationals",
                            format=style.COUNT_FORMAT),
                alt.Tooltip("confidence:N", title="Confidence"),
                alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("note:N", title="Note"),
            ],
        )
        .project(**_projection(view).to_dict())
    )
    leaders, texts = _label_layers(data, rows, view)
    key = _confidence_legend(data, levels, conf_x, conf_y, confidence_opacity, confidence_dash)
    chart = alt.layer(_geo_layer(geo, view), *leaders, circles, *texts, *key,
                      _outline(data, view)).properties(
        width=width, height=height)
    return _finish(
        chart, data, "fig1_stock_map",
        "Figure 1. Stock of Venezuelan nationals in selected countries",
        STOCKS_SOURCE,
        "Latest year available per country (2017 unless shown); lighter, dashed circles and"
        " '(medium)' or '(low)' mark values of lower confidence",
    )


# ============================================================================================
# Figure 2: accumulated migratory balance (statements only)
# ============================================================================================


def _flow_labels(data_dir: DataDir) -> list[dict[str, Any]]:
    """The Figure 2 statements with numbers filled in from key_figures."""
    figures = loaders.key_figures(data_dir)
    values = {str(f): float(v) for f, v in zip(figures["figure_id"], figures["value"],
                                                strict=True)}
    rows = []
    for item in _FLOW_STATEMENTS:
        lines = []
        for line in item["lines"]:
            try:
                lines.append(line.format_map(values))
            except KeyError:  # another data directory without this figure: leave the line out
                continue
        rows.append({"iso3": item["iso3"], "lines": lines, "quote": item["quote"],
                     "label": item["label"]})
    return rows


def migratory_balance_map(data_dir: DataDir = None) -> alt.LayerChart:
    """Figure 2: the countries the plan's text beside Figure 2 comments on, each labelled
    with what the text says (the plan prints no values for this map)."""
    import altair as alt

    statements = _flow_labels(data_dir)
    key = _boundaries_key(data_dir)
    shapes = _shapes(key)
    view = _frame(FLOWS_EXTENT, 640, 420, 640)
    extent, width, height = view
    features = _base_features(data_dir, extent, _tolerance(extent, width))
    data = _Datasets()
    by_iso3 = {s["iso3"]: s for s in statements}
    for feature in features:
        props = feature["properties"]
        statement = by_iso3.get(props["iso3"])
        props["role"] = _FLOW_ROLES[0] if statement else _FLOW_ROLES[1]
        props["statement"] = statement["quote"] if statement else ""

    labels = []
    for s in statements:
        (lon, lat), _, _ = shapes[s["iso3"]]
        name = next(f["properties"]["name"] for f in features
                    if f["properties"]["iso3"] == s["iso3"])
        label_lon, label_lat, align = s["label"]
        labels.append({"iso3": s["iso3"], "lon": lon, "lat": lat, "label_lon": label_lon,
                       "label_lat": label_lat, "align": align, "leader": True,
                       "text": [name, *s["lines"]]})

    countries = _geo_layer(data.add(features, "geo"), view).encode(
        fill=alt.Fill("properties.role:N", title=None,
                      scale=alt.Scale(domain=list(_FLOW_ROLES),
                                      range=[style.HIGHLIGHT, style.CONTEXT_FILL]),
                      legend=alt.Legend(orient="bottom-left", padding=6,
                                        symbolStrokeColor=style.CONTEXT_STROKE)),
        tooltip=[alt.Tooltip("properties.name:N", title="Country"),
                 alt.Tooltip("properties.statement:N", title="The plan says")],
    )
    leaders, texts = _label_layers(data, labels, view)
    anchors = alt.Chart(data.add(labels, "anchors")).mark_circle(
        size=16, fill=style.CONTEXT_FILL, stroke=style.HIGHLIGHT, strokeWidth=1, opacity=1
    ).encode(alt.Longitude("lon:Q"), alt.Latitude("lat:Q")).project(**_projection(view).to_dict())
    chart = alt.layer(countries, *leaders, anchors, *texts, _outline(data, view)).properties(
        width=width, height=height)
    return _finish(
        chart, data, "fig2_migratory_balance_map",
        "Figure 2. Accumulated migratory balance in selected countries",
        FLOWS_SOURCE,
        NO_VALUES_NOTE,
    )


# ============================================================================================
# Geographic coverage
# ============================================================================================


def _office_names(data_dir: DataDir) -> dict[str, str]:
    """Per iso3: the implementing offices that cover it, in the funding table's order."""
    offices = loaders.offices(data_dir).sort_values("position", kind="stable")
    links = loaders.office_countries(data_dir)
    names = dict(zip(offices["office_id"], offices["office_name"], strict=True))
    out: dict[str, list[str]] = {}
    for office in offices["office_id"]:
        for iso3 in sorted(links.loc[links["office_id"] == office, "iso3"]):
            out.setdefault(str(iso3), []).append(str(names[office]))
    return {iso3: "; ".join(v) for iso3, v in sorted(out.items())}


def _coverage_features(features: list[dict[str, Any]], subregions: dict[str, str],
                       offices: dict[str, str]) -> list[dict[str, Any]]:
    for feature in features:
        props = feature["properties"]
        props["subregion"] = subregions.get(props["iso3"], _OTHER)
        props["offices"] = offices.get(props["iso3"], "")
    return features


def _subregion_fill(legend: bool) -> alt.Fill:
    import altair as alt

    domain = [*style.SUBREGION_COLORS, _OTHER]
    return alt.Fill(
        "properties.subregion:N", title="Subregion",
        scale=alt.Scale(domain=domain,
                        range=[*style.SUBREGION_COLORS.values(), style.CONTEXT_FILL]),
        legend=alt.Legend(orient="bottom-left", padding=6,
                          symbolStrokeColor=style.CONTEXT_STROKE) if legend else None,
    )


def _coverage_tooltip() -> list[alt.Tooltip]:
    import altair as alt

    return [alt.Tooltip("properties.name:N", title="Country"),
            alt.Tooltip("properties.subregion:N", title="Subregion"),
            alt.Tooltip("properties.offices:N", title="Implementing office(s)")]


def _box_outline(extent: Extent, steps: int = 20) -> dict[str, Any]:
    """A LineString along the extent's parallels and meridians (for a zoom-area frame)."""
    west, south, east, north = extent
    xs = [round(west + (east - west) * i / steps, DECIMALS) for i in range(steps + 1)]
    line = ([[x, south] for x in xs] + [[east, north]] + [[x, north] for x in reversed(xs)]
            + [[west, south]])
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "LineString", "coordinates": line}}


def coverage_map(data_dir: DataDir = None) -> alt.HConcatChart:
    """Geographic coverage: the 17 prioritised countries by subregion, with a Caribbean zoom
    panel where Aruba, Curaçao, Bonaire and Trinidad and Tobago are large enough to see."""
    import altair as alt

    countries = loaders.countries(data_dir)
    subregions = dict(zip(countries["iso3"], countries["subregion"], strict=True))
    offices = _office_names(data_dir)
    shapes = _shapes(_boundaries_key(data_dir))

    zoom_view = _frame(CARIBBEAN_EXTENT, 480, 150, 300)
    zoom_extent, zoom_width, zoom_height = zoom_view
    data = _Datasets()
    view = _frame(COVERAGE_EXTENT, 420, 300, 520)
    extent, width, height = view
    features = _coverage_features(
        _base_features(data_dir, extent, _tolerance(extent, width)), subregions, offices)
    frame = alt.Chart(data.add([_box_outline(zoom_extent)], "frame")).mark_geoshape(
        filled=False, stroke=style.HIGHLIGHT, strokeWidth=1.2
    ).project(**_projection(view).to_dict())
    main = alt.layer(
        _geo_layer(data.add(features, "geo"), view).encode(fill=_subregion_fill(True),
                                            tooltip=_coverage_tooltip()),
        frame,
        _outline(data, view),
    ).properties(width=width, height=height, title={"text": "The Americas", "fontSize": 12,
                                                     "anchor": "start"})

    zoom_features = _coverage_features(
        _base_features(data_dir, zoom_extent, _tolerance(zoom_extent, zoom_width)),
        subregions, offices)
    labels = []
    for iso3, (label_lon, label_lat, align) in sorted(_ZOOM_LABELS.items()):
        if iso3 not in shapes:
            continue
        name = next((f["properties"]["name"] for f in zoom_features
                     if f["properties"]["iso3"] == iso3), iso3)
        (lon, lat), _, _ = shapes[iso3]
        labels.append({"iso3": iso3, "lon": lon, "lat": lat, "label_lon": label_lon,
                       "label_lat": label_lat, "align": align, "leader": False, "text": name})
    leaders, texts = _label_layers(data, labels, zoom_view)
    zoom = alt.layer(
        _geo_layer(data.add(zoom_features, "geo-zoom"), zoom_view).encode(
            fill=_subregion_fill(False), tooltip=_coverage_tooltip()),
        *leaders, *texts,
        _outline(data, zoom_view),
    ).properties(width=zoom_width, height=zoom_height,
                 title={"text": "Zoom: the southern Caribbean (frame on the left)",
                        "fontSize": 12, "anchor": "start"})

    chart = alt.hconcat(main, zoom, spacing=16).resolve_legend(fill="independent")
    return _finish(
        chart, data, "coverage_map",
        "Geographic coverage: 17 prioritised countries by subregion and implementing office",
        COVERAGE_SOURCE,
        "Hover for the implementing office(s) of each country; the plan groups Guyana with"
        " the Caribbean",
    )


# ============================================================================================
# Location map of one sheet
# ============================================================================================


def _office_labels(office_ids: tuple[str, ...], data_dir: DataDir) -> list[str]:
    """Short names of a sheet's offices for a subtitle ('IOM Caribbean', 'RO San Jose')."""
    offices = loaders.offices(data_dir).set_index("office_id").loc[list(office_ids)]
    if len(offices) > 1:  # the regional sheet: "RO Buenos Aires", "RO San Jose"
        return [str(n) for n in offices["office_name_as_printed"]]
    # "IOM Caribbean (Aruba; ...)" -> "IOM Caribbean"
    return [str(n) for n in offices["office_name"].str.replace(r" \(.*\)$", "", regex=True)]


def _fit_extent(bounds: list[Extent]) -> Extent:
    """The union of `bounds` with a margin: 10% of the span, at least 1.5 degrees."""
    west = min(b[0] for b in bounds)
    south = min(b[1] for b in bounds)
    east = max(b[2] for b in bounds)
    north = max(b[3] for b in bounds)
    mx = max(0.1 * (east - west), 1.5)
    my = max(0.1 * (north - south), 1.5)
    return (west - mx, max(south - my, -80.0), east + mx, min(north + my, 80.0))


def location_map(sheet: str, data_dir: DataDir = None) -> alt.LayerChart:
    """Where a sheet's office(s) work: the countries they cover, highlighted among their
    neighbours, on a map fitted to them (the regional sheet covers all 17 countries).

    Raises :class:`rapnb.errors.UnknownSheetError` for an unknown sheet id.
    """
    from rapnb.report import sheet_info

    info = sheet_info(sheet, data_dir)  # UnknownSheetError, listing the ids, before any work
    import altair as alt

    sheet_title = info.title
    iso3s, office_names = sorted(info.iso3), _office_labels(info.office_ids, data_dir)
    shapes = _shapes(_boundaries_key(data_dir))
    drawn = [i for i in iso3s if i in shapes]
    bounds = [shapes[i][1] for i in drawn] or [COVERAGE_EXTENT]
    view = _frame(_fit_extent(bounds), 420, 240, 480)
    extent, width, height = view
    features = _base_features(data_dir, extent, _tolerance(extent, width))
    chosen = set(drawn)
    roles = ("Covered by this sheet", "Other country")
    names = {}
    for feature in features:
        props = feature["properties"]
        props["role"] = roles[0] if props["iso3"] in chosen else roles[1]
        names[props["iso3"]] = props["name"]

    data = _Datasets()
    countries = _geo_layer(data.add(features, "geo"), view).encode(
        fill=alt.Fill("properties.role:N", title=None,
                      scale=alt.Scale(domain=list(roles),
                                      range=[style.HIGHLIGHT, style.CONTEXT_FILL]),
                      legend=None),
        tooltip=[alt.Tooltip("properties.name:N", title="Country")],
    )
    # On a zoomed-in map, countries too small to read (islands) are named: where the coverage
    # map's Caribbean panel names them, else just below them.
    labels = []
    zoomed = extent[2] - extent[0] < 25
    for iso3 in drawn:
        (lon, lat), (west, south, east, north), area = shapes[iso3]
        if not zoomed or area >= 1.0:
            continue
        label_lon, label_lat, align = _ZOOM_LABELS.get(
            iso3, ((west + east) / 2, south - 0.05 * (extent[3] - extent[1]), "center"))
        labels.append({"iso3": iso3, "lon": lon, "lat": lat,
                       "label_lon": round(label_lon, DECIMALS),
                       "label_lat": round(label_lat, DECIMALS), "align": align,
                       "leader": False, "text": names.get(iso3, iso3)})
    leaders, texts = _label_layers(data, labels, view)
    chart = alt.layer(countries, *leaders, *texts, _outline(data, view)).properties(
        width=width, height=height)
    if len(drawn) > 6:
        subtitle = (f"Highlighted: the {len(drawn)} countries covered by "
                    + " and ".join(office_names))
    else:
        subtitle = (f"Highlighted: {', '.join(names.get(i, i) for i in drawn)} (covered by "
                    + " and ".join(office_names) + ")")
    return _finish(
        chart, data, f"location_{sheet}",
        f"Location: {sheet_title}",
        f"{PLAN}, Geographic coverage and the '{sheet_title.split(' (')[0]}' sheet;"
        f" {BOUNDARIES_SOURCE}",
        subtitle,
    )
