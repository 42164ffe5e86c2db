"""Build ``data/boundaries.geojson``: country boundaries for the report's maps.

Source: Natural Earth 1:50m Admin 0 countries (public domain,
https://www.naturalearthdata.com/about/terms-of-use/), version 4.1.0, as TopoJSON in the npm
package ``world-atlas`` **2.0.2**, file ``countries-50m.json``
(sha256 ``04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394``).

Get the input with either of::

    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
    python scripts/build_boundaries.py "$tmp/package/countries-50m.json"

    npm install --prefix "$tmp" world-atlas@2.0.2
    python scripts/build_boundaries.py "$tmp/node_modules/world-atlas/countries-50m.json"

The TopoJSON arcs are decoded here in pure Python (no topojson dependency). Kept: the
countries and territories of the Americas (UN M49; Greenland included) plus Spain and
Portugal. Territories that Natural Earth folds into a European country are split out by
the representative point of each polygon: Bonaire (``BES``) from the Netherlands, French
Guiana, Guadeloupe and Martinique from France; the rest of those countries is dropped,
as are the United States' western Aleutians east of 180° (so the layer does not wrap
the antimeridian).

Output: a GeoJSON FeatureCollection, one feature per ISO 3166-1 alpha-3 code (properties
``iso3``, ``name``), lon/lat EPSG:4326, coordinates on a 1e-4 degree grid, valid polygonal
geometries in GEOS normal form (exterior rings clockwise, as in the source and as
d3-geo/Vega expect), sorted by ``iso3``, compact JSON: re-runs are byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

WORLD_ATLAS_VERSION = "2.0.2"
SOURCE_SHA256 = "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "data" / "boundaries.geojson"
GRID = 1e-4  # output coordinates are rounded to 4 decimals

Box = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
WHOLE: Box = (-180.0, -90.0, 180.0, 90.0)

# (ISO 3166-1 numeric id in world-atlas, ISO alpha-3, English short name, box that the
# representative point of each kept polygon must lie in).
KEEP: tuple[tuple[str, str, str, Box], ...] = (
    # South America
    ("032", "ARG", "Argentina", WHOLE),
    ("068", "BOL", "Bolivia", WHOLE),
    ("076", "BRA", "Brazil", WHOLE),
    ("152", "CHL", "Chile", WHOLE),
    ("170", "COL", "Colombia", WHOLE),
    ("218", "ECU", "Ecuador", WHOLE),
    ("238", "FLK", "Falkland Islands", WHOLE),
    ("239", "SGS", "South Georgia and the South Sandwich Islands", WHOLE),
    ("250", "GUF", "French Guiana", (-55.0, 2.0, -51.0, 6.5)),
    ("328", "GUY", "Guyana", WHOLE),
    ("600", "PRY", "Paraguay", WHOLE),
    ("604", "PER", "Peru", WHOLE),
    ("740", "SUR", "Suriname", WHOLE),
    ("858", "URY", "Uruguay", WHOLE),
    ("862", "VEN", "Venezuela", WHOLE),
    # Central America
    ("084", "BLZ", "Belize", WHOLE),
    ("188", "CRI", "Costa Rica", WHOLE),
    ("222", "SLV", "El Salvador", WHOLE),
    ("320", "GTM", "Guatemala", WHOLE),
    ("340", "HND", "Honduras", WHOLE),
    ("484", "MEX", "Mexico", WHOLE),
    ("558", "NIC", "Nicaragua", WHOLE),
    ("591", "PAN", "Panama", WHOLE),
    # Caribbean
    ("028", "ATG", "Antigua and Barbuda", WHOLE),
    ("044", "BHS", "Bahamas", WHOLE),
    ("052", "BRB", "Barbados", WHOLE),
    ("092", "VGB", "British Virgin Islands", WHOLE),
    ("136", "CYM", "Cayman Islands", WHOLE),
    ("192", "CUB", "Cuba", WHOLE),
    ("212", "DMA", "Dominica", WHOLE),
    ("214", "DOM", "Dominican Republic", WHOLE),
    ("250", "GLP", "Guadeloupe", (-62.0, 15.8, -60.9, 16.6)),
    ("250", "MTQ", "Martinique", (-61.3, 14.3, -60.7, 15.0)),
    ("308", "GRD", "Grenada", WHOLE),
    ("332", "HTI", "Haiti", WHOLE),
    ("388", "JAM", "Jamaica", WHOLE),
    ("500", "MSR", "Montserrat", WHOLE),
    ("528", "BES", "Bonaire", (-68.5, 11.95, -68.1, 12.35)),
    ("531", "CUW", "Curaçao", WHOLE),
    ("533", "ABW", "Aruba", WHOLE),
    ("534", "SXM", "Sint Maarten", WHOLE),
    ("630", "PRI", "Puerto Rico", WHOLE),
    ("652", "BLM", "Saint Barthélemy", WHOLE),
    ("659", "KNA", "Saint Kitts and Nevis", WHOLE),
    ("660", "AIA", "Anguilla", WHOLE),
    ("662", "LCA", "Saint Lucia", WHOLE),
    ("663", "MAF", "Saint Martin", WHOLE),
    ("670", "VCT", "Saint Vincent and the Grenadines", WHOLE),
    ("780", "TTO", "Trinidad and Tobago", WHOLE),
    ("796", "TCA", "Turks and Caicos Islands", WHOLE),
    ("850", "VIR", "United States Virgin Islands", WHOLE),
    # Northern America
    ("060", "BMU", "Bermuda", WHOLE),
    ("124", "CAN", "Canada", WHOLE),
    ("304", "GRL", "Greenland", WHOLE),
    ("666", "SPM", "Saint Pierre and Miquelon", WHOLE),
    ("840", "USA", "United States", (-180.0, -90.0, 0.0, 90.0)),
    # Europe: destinations in the plan's Figure 1
    ("620", "PRT", "Portugal", WHOLE),
    ("724", "ESP", "Spain", WHOLE),
)

Ring = list[tuple[float, float]]


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Return the topology's arcs as absolute lon/lat positions.

    Quantized topologies (with a ``transform``) store each arc as delta-encoded integer
    positions; ``x = sum(dx) * scale[0] + translate[0]`` and likewise for y.
    """
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        ring: Ring = []
        for p in arc:
            x += p[0]
            y += p[1]
            ring.append((x * sx + tx, y * sy + ty))
        arcs.append(ring)
    return arcs


def stitch_ring(arc_indexes: Sequence[int], arcs: Sequence[Ring]) -> Ring:
    """Join arcs into one ring; a negative index ``~i`` means arc ``i`` reversed.

    Each arc after the first starts where the previous one ended, so its first position
    is dropped.
    """
    ring: Ring = []
    for index in arc_indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)
    return ring


def decode_geometry(obj: dict[str, Any], arcs: Sequence[Ring]) -> list[Polygon]:
    """Decode a TopoJSON Polygon or MultiPolygon object into shapely polygons."""
    kind = obj.get("type")
    if kind is None:
        return []
    if kind == "Polygon":
        polygons = [obj["arcs"]]
    elif kind == "MultiPolygon":
        polygons = obj["arcs"]
    else:
        raise ValueError(f"unsupported TopoJSON geometry type {kind!r}")
    return [
        Polygon(stitch_ring(rings[0], arcs), [stitch_ring(r, arcs) for r in rings[1:]])
        for rings in polygons
    ]


def polygonal(geom: BaseGeometry) -> list[Polygon]:
    """Return the polygons in ``geom``, dropping points and lines."""
    if isinstance(geom, Polygon):
        return [] if geom.is_empty else [geom]
    if hasattr(geom, "geoms"):
        return [p for part in geom.geoms for p in polygonal(part)]
    return []


def clean(polygons: Sequence[Polygon]) -> MultiPolygon | Polygon:
    """Make valid, snap to the output grid, keep polygonal parts, normalize."""
    geom = MultiPolygon(polygonal(shapely.make_valid(MultiPolygon(list(polygons)))))
    geom = shapely.set_precision(geom, GRID)
    parts = polygonal(shapely.make_valid(geom))
    if not parts:
        raise ValueError("geometry vanished when snapped to the output grid")
    out: MultiPolygon | Polygon = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    return shapely.normalize(out)


def in_box(polygon: Polygon, box: Box) -> bool:
    """Whether the polygon's representative point lies inside ``box``."""
    point = polygon.representative_point()
    return box[0] <= point.x <= box[2] and box[1] <= point.y <= box[3]


def _coords(ring: Any) -> list[list[float]]:
    return [[round(x, 4), round(y, 4)] for x, y in ring.coords]


def to_geojson(geom: MultiPolygon | Polygon) -> dict[str, Any]:
    """GeoJSON geometry mapping with coordinates rounded to 4 decimals."""

    def rings(p: Polygon) -> list[list[list[float]]]:
        return [_coords(p.exterior), *(_coords(r) for r in p.interiors)]

    if isinstance(geom, Polygon):
        return {"type": "Polygon", "coordinates": rings(geom)}
    return {"type": "MultiPolygon", "coordinates": [rings(p) for p in geom.geoms]}


def build(topology: dict[str, Any]) -> dict[str, Any]:
    """Return the boundaries FeatureCollection for a world-atlas countries topology."""
    arcs = decode_arcs(topology)
    by_id: dict[str, list[dict[str, Any]]] = {}
    for obj in topology["objects"]["countries"]["geometries"]:
        by_id.setdefault(str(obj.get("id")), []).append(obj)
    features = []
    for numeric, iso3, name, box in KEEP:
        objs = by_id.get(numeric, [])
        if len(objs) != 1:
            raise ValueError(f"expected one geometry with id {numeric} ({iso3}), got {len(objs)}")
        parts = [p for p in decode_geometry(objs[0], arcs) if in_box(p, box)]
        if not parts:
            raise ValueError(f"no polygon of id {numeric} lies in the box for {iso3}")
        geometry = to_geojson(clean(parts))
        features.append(
            {
                "type": "Feature",
                "properties": {"iso3": iso3, "name": name},
                "geometry": geometry,
            }
        )
    features.sort(key=lambda f: f["properties"]["iso3"])
    return {"type": "FeatureCollection", "features": features}


def dumps(collection: dict[str, Any]) -> bytes:
    """Serialize compactly and deterministically (UTF-8, trailing newline)."""
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text + "\n").encode("utf-8")


def check(collection: dict[str, Any]) -> None:
    """Re-read the serialized geometries and fail on anything a map could not use."""
    codes = [f["properties"]["iso3"] for f in collection["features"]]
    if codes != sorted(set(codes)):
        raise ValueError("iso3 codes are not unique and sorted")
    for feature in collection["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        iso3 = feature["properties"]["iso3"]
        if geom.is_empty or not geom.is_valid:
            raise ValueError(f"{iso3}: empty or invalid geometry after rounding")
        if any(p.exterior.is_ccw for p in polygonal(geom)):
            raise ValueError(f"{iso3}: exterior ring not clockwise")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="path to world-atlas countries-50m.json")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--skip-checksum",
        action="store_true",
        help=f"accept a countries-50m.json other than world-atlas {WORLD_ATLAS_VERSION}'s",
    )
    args = parser.parse_args(argv)

    raw = args.source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256 and not args.skip_checksum:
        parser.error(
            f"{args.source} has sha256 {digest}, not that of world-atlas "
            f"{WORLD_ATLAS_VERSION}'s countries-50m.json (use --skip-checksum to override)"
        )
    collection = build(json.loads(raw))
    check(collection)
    data = dumps(collection)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(
        f"wrote {args.output}: {len(collection['features'])} features, {len(data):,} bytes, "
        f"sha256 {hashlib.sha256(data).hexdigest()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
