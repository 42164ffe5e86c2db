"""Map geometry, prepared once: the boundaries clipped to a map's extent, simplified (never
dropping an island), wound clockwise (what Vega's spherical geometry expects), rounded to 3
decimals and sorted by iso3, so that specs are small and byte-for-byte reproducible; and each
country's label anchor, main bounds and area. Cached per boundaries file, extent and
tolerance."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from rapnb.context import Where
from rapnb.datasets.values import plain
from rapnb.present.maps.projection import DECIMALS, TOLERANCE, Extent

if TYPE_CHECKING:
    import geopandas

CLIP_MARGIN = 1.0  # degrees kept beyond the view (cut by the projection) so no seam shows


BoundariesKey = tuple[str, tuple[object, ...]]


def boundaries_key(ctx: Where) -> BoundariesKey:
    """Cache key of the boundaries file a data directory resolves to: its path and stamp
    (any change of the file gives another key)."""
    from rapnb.datasets.boundaries import boundaries_key as key

    return key(ctx)


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


def polygon_parts(geometry: Any) -> list[Any]:
    """The polygons of a (multi)polygon or of a collection that clipping may return."""
    if geometry is None or geometry.is_empty:
        return []
    if geometry.geom_type == "Polygon":
        return [geometry]
    if hasattr(geometry, "geoms"):
        return [p for g in geometry.geoms for p in polygon_parts(g)]
    return []


def _geometry_json(geometry: Any, tolerance: float) -> dict[str, Any] | None:
    """Simplified, rounded, clockwise GeoJSON geometry; a polygon that simplification or
    rounding would collapse (a small island) is kept unsimplified instead of dropped."""
    polygons: list[list[list[list[float]]]] = []
    for polygon in polygon_parts(geometry):
        simple = polygon.simplify(tolerance, preserve_topology=True)
        parts = [r for r in map(_polygon_rings, polygon_parts(simple)) if r is not None]
        if not parts:
            rings = _polygon_rings(polygon)
            parts = [rings] if rings is not None else []
        polygons.extend(parts)
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def geojson_features(
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
            box = (west - CLIP_MARGIN, south - CLIP_MARGIN,
                   east + CLIP_MARGIN, north + CLIP_MARGIN)
            minx, miny, maxx, maxy = geometry.bounds
            if maxx < box[0] or minx > box[2] or maxy < box[1] or miny > box[3]:
                continue
            if not (minx >= box[0] and maxx <= box[2] and miny >= box[1] and maxy <= box[3]):
                geometry = shapely.clip_by_rect(geometry, *box)
        shape = _geometry_json(geometry, tolerance)
        if shape is None:
            continue
        props = {name: plain(getattr(row, name)) for name in properties}
        features.append({"type": "Feature", "properties": props, "geometry": shape})
    return features


@functools.lru_cache(maxsize=64)
def prepared_json(key: BoundariesKey, extent: Extent, tolerance: float) -> str:
    """The base features of one extent as a JSON string (immutable, hence safe to cache)."""
    from pathlib import Path

    from rapnb.datasets.boundaries import boundaries

    frame = boundaries(Path(key[0]).parent)
    return json.dumps(geojson_features(frame, extent, tolerance), separators=(",", ":"))


def base_features(
    ctx: Where, extent: Extent, tolerance: float
) -> list[dict[str, Any]]:
    """Fresh (mutable) base features for one map: iso3 and name properties."""
    return json.loads(prepared_json(boundaries_key(ctx), extent, tolerance))


Shape = tuple[tuple[float, float], Extent, float]
"""Label anchor (lon, lat), bounds of the main polygons, area in square degrees."""


def _shape(geometry: Any) -> Shape:
    """The label anchor (representative point of the largest polygon), the bounds of the main
    polygons (each at least 1% of the country's area; leaves out far-flung islets such as
    Easter Island) and the area of one country's geometry."""
    import shapely

    parts = polygon_parts(geometry)
    largest = max(parts, key=lambda p: p.area)
    point = largest.representative_point()
    main = [p for p in parts if p.area >= 0.01 * geometry.area]
    bounds = tuple(round(float(v), DECIMALS) for v in shapely.MultiPolygon(main).bounds)
    anchor = (round(point.x, DECIMALS), round(point.y, DECIMALS))
    return anchor, bounds, round(float(geometry.area), 6)  # type: ignore[return-value]


class _Shapes(Mapping[str, Shape]):
    """iso3 -> :data:`Shape`, each computed the first time it is asked for (a country sheet's
    map needs one to three of the ~50 countries)."""

    def __init__(self, geometries: dict[str, Any]) -> None:
        self._geometries: dict[str, Any] = geometries
        self._done: dict[str, Shape] = {}

    def __getitem__(self, iso3: str) -> Shape:
        if iso3 not in self._done:
            self._done[iso3] = _shape(self._geometries[iso3])
        return self._done[iso3]

    def __iter__(self) -> Iterator[str]:
        return iter(self._geometries)

    def __len__(self) -> int:
        return len(self._geometries)


@functools.lru_cache(maxsize=8)
def country_shapes(key: BoundariesKey) -> _Shapes:
    """The :data:`Shape` of every country of the boundaries file `key` names."""
    from pathlib import Path

    from rapnb.datasets.boundaries import boundaries

    frame = boundaries(Path(key[0]).parent)
    return _Shapes({str(i): g for i, g in zip(frame["iso3"], frame.geometry, strict=True)})

