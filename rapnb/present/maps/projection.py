"""The maps' projection: Mercator fitted to an explicit longitude/latitude box, the view's
aspect ratio derived from the box so that the box fills the view exactly."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import altair as alt

Extent = tuple[float, float, float, float]
"""(west, south, east, north) in degrees."""
View = tuple[Extent, int, int]
"""A map's extent and its width and height in pixels (what :func:`fit_view` returns)."""
TOLERANCE = 0.01
"""Base simplification tolerance in degrees (raised to a quarter pixel on continental maps)."""
DECIMALS = 3


def _merc(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _unmerc(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def fit_view(extent: Extent, width: int, min_height: int, max_height: int) -> View:
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


def pixel(extent: Extent, width: int, height: int, lon: float, lat: float) -> tuple[int, int]:
    """Pixel position of (lon, lat) in a view of `extent` drawn by `projection`."""
    west, south, east, north = extent
    x = (lon - west) / (east - west) * width
    y = (_merc(north) - _merc(lat)) / (_merc(north) - _merc(south)) * height
    return int(round(x)), int(round(y))


def view_tolerance(extent: Extent, width: int) -> float:
    """TOLERANCE, or a quarter pixel on maps where a pixel is wider than 0.04 degrees."""
    quarter_pixel = (extent[2] - extent[0]) / width / 4
    return max(TOLERANCE, round(quarter_pixel, 2))


def projection(view: View, cut: bool = True) -> alt.Projection:
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

