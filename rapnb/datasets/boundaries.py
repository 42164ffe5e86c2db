"""Country boundaries for the report's maps (Natural Earth 1:50m, public domain).

The file ``boundaries.geojson`` is built by ``scripts/build_boundaries.py``; see there for
its provenance. geopandas is imported only when boundaries are asked for, so that
``import rapnb`` stays light.
"""

from __future__ import annotations

import functools
import io
import json
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapnb.context import Where, as_context
from rapnb.datasets import reads
from rapnb.datasets.validate import decode_utf8, file_stamp, read_file_bytes
from rapnb.errors import DataError
from rapnb.paths import bundled_data_dir

if TYPE_CHECKING:
    import geopandas

BOUNDARIES_FILE = "boundaries.geojson"
COLUMNS = ("iso3", "name", "geometry")
_ISO3 = re.compile(r"[A-Z]{3}")


def own_boundaries_file(data_dir: Where = None) -> Path | None:
    """The data directory's own boundaries file, if there is anything by that name (a broken
    link, a directory, a FIFO ... included: reading it then says what is wrong), else None."""
    path = as_context(data_dir).data_dir / BOUNDARIES_FILE
    return path if os.path.lexists(path) else None


def boundaries_path(data_dir: Where = None) -> Path:
    """Path of the boundaries file: in the chosen data directory, else the bundled one."""
    own = own_boundaries_file(data_dir)
    path = own if own is not None else (bundled_data_dir() / BOUNDARIES_FILE).resolve()
    reads.record(path)
    return path


def boundaries_key(data_dir: Where = None) -> tuple[str, tuple[object, ...]]:
    """Cache key of the boundaries file a data directory uses: its path and its stamp
    (:func:`rapnb.datasets.validate.file_stamp`, which notices any change of the file)."""
    path = boundaries_path(data_dir)
    return str(path), file_stamp(path)


def boundaries(data_dir: Where = None) -> geopandas.GeoDataFrame:
    """Country boundaries: columns ``iso3, name, geometry``, sorted by iso3, EPSG:4326.

    ``data_dir`` is resolved like every other dataset (argument, else ``$RAPNB_DATA_DIR``,
    else the bundled data); a directory without ``boundaries.geojson`` falls back to the
    bundled file. The file is read once per path (and re-read if it changes); each call
    returns a fresh copy. Raises :class:`rapnb.errors.DataError` if the file is missing or
    malformed.
    """
    path, stamp = boundaries_key(data_dir)
    return _read(Path(path), stamp).copy()


def _fail(message: str, path: Path) -> DataError:
    return DataError(message, path=str(path))


def _position_error(position: Any) -> str | None:
    if not isinstance(position, list) or not 2 <= len(position) <= 3:
        return f"a position must be [longitude, latitude], got {json.dumps(position)[:60]}"
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
               for v in position):
        return f"a position must hold finite numbers, got {json.dumps(position)[:60]}"
    lon, lat = position[:2]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return f"position {position[:2]} is outside longitude -180..180, latitude -90..90"
    return None


_NUMBERS = (int, float)


def _plain_positions(ring: list[Any]) -> bool:
    """Whether every position of `ring` is a [longitude, latitude] pair of numbers in range:
    the common case, checked in one tight loop (a comparison fails for NaN and infinities);
    any other ring goes through `_position_error`, which finds what is wrong, if anything."""
    for position in ring:
        if type(position) is not list or len(position) != 2:
            return False
        lon, lat = position
        if type(lon) not in _NUMBERS or type(lat) not in _NUMBERS or not (
                -180 <= lon <= 180 and -90 <= lat <= 90):
            return False
    return True


def _rings_error(polygon: Any) -> str | None:
    if not isinstance(polygon, list) or not polygon:
        return "a polygon must be a non-empty list of rings"
    for ring in polygon:
        if not isinstance(ring, list) or len(ring) < 4:
            return "a ring must be a list of at least 4 positions"
        if not _plain_positions(ring):
            error = next(filter(None, map(_position_error, ring)), None)
            if error:
                return error
        if ring[0] != ring[-1]:
            return "a ring must end where it starts"
    return None


def _geometry_error(geometry: Any) -> str | None:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else geometry
        return f"the geometry must be a Polygon or MultiPolygon, got {kind!r}"
    coordinates = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        return _rings_error(coordinates)
    if not isinstance(coordinates, list) or not coordinates:
        return "a MultiPolygon must be a non-empty list of polygons"
    for polygon in coordinates:
        error = _rings_error(polygon)
        if error:
            return error
    return None


def _check_collection(collection: Any, path: Path) -> None:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        kind = collection.get("type") if isinstance(collection, dict) else type(collection).__name__
        raise _fail(f"not a GeoJSON FeatureCollection (its type is {kind!r})", path)
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise _fail("no features", path)
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise _fail(f"{where} is not a GeoJSON Feature", path)
        properties = feature.get("properties")
        if not isinstance(properties, dict):
            raise _fail(f"{where} has no properties (it needs iso3 and name)", path)
        iso3 = properties.get("iso3")
        if not isinstance(iso3, str) or not _ISO3.fullmatch(iso3):
            raise _fail(f"{where}: iso3 must be three upper-case letters, got {iso3!r}", path)
        where = f"feature {number} (iso3 {iso3})"
        if iso3 in seen:
            raise _fail(f"{where}: duplicate iso3 code {iso3}; first seen in feature"
                        f" {seen[iso3]}", path)
        seen[iso3] = number
        name = properties.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _fail(f"{where}: name must be a non-empty text, got {name!r}", path)
        error = _geometry_error(feature.get("geometry"))
        if error:
            raise _fail(f"{where}: {error}", path)


def _read_collection(path: Path) -> tuple[bytes, Any]:
    raw = read_file_bytes(path)
    try:
        collection = json.loads(decode_utf8(raw, path))
    except json.JSONDecodeError as exc:
        raise _fail(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                    path) from None
    except RecursionError:
        raise _fail("not valid JSON: nested too deeply", path) from None
    _check_collection(collection, path)
    return raw, collection


def check_boundaries_file(path: Path) -> None:
    """Check the structure of a boundaries file without geopandas (fast: `rapnb render` runs
    it before any kernel starts): a regular UTF-8 file of at most MAX_FILE_BYTES holding a
    GeoJSON FeatureCollection whose features each have a unique upper-case iso3, a name and
    a Polygon or MultiPolygon of closed rings of at least 4 [longitude, latitude] positions.
    Raises DataError naming the file and the feature. (Loading it also checks that each
    geometry is valid, e.g. that no ring crosses itself.)"""
    _read_collection(path)


@functools.lru_cache(maxsize=8)
def _read(path: Path, stamp: tuple[object, ...]) -> geopandas.GeoDataFrame:
    """Read and check the boundaries file (cached; ``stamp`` keys the cache)."""
    import geopandas
    import pandas as pd

    where = str(path)
    raw, _ = _read_collection(path)
    try:
        frame = geopandas.read_file(io.BytesIO(raw), engine="pyogrio")
    except Exception as exc:  # pyogrio/GDAL raise several error types for bad input
        raise DataError(f"cannot read as GeoJSON: {exc}", path=where) from exc

    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"missing properties {missing}", path=where)
    if frame.empty:
        raise DataError("no features", path=where)
    iso3 = frame["iso3"]
    if iso3.isna().any() or not iso3.astype(str).str.fullmatch(r"[A-Z]{3}").all():
        raise DataError("every feature needs a three-letter upper-case iso3", path=where)
    duplicated = sorted(set(iso3[iso3.duplicated()]))
    if duplicated:
        raise DataError(f"duplicate iso3 codes {duplicated}", path=where)
    geometry = frame.geometry
    bad = iso3[
        geometry.isna()
        | geometry.is_empty
        | ~geometry.geom_type.isin(["Polygon", "MultiPolygon"])
        | ~geometry.is_valid
    ]
    if not bad.empty:
        raise DataError(f"empty, non-polygonal or invalid geometry for {list(bad)}", path=where)

    frame = frame.loc[:, list(COLUMNS)].sort_values("iso3", ignore_index=True)
    frame["iso3"] = frame["iso3"].astype(str)
    frame["name"] = frame["name"].astype(str)
    frame.index = pd.RangeIndex(len(frame))
    return frame.set_crs("EPSG:4326", allow_override=True)
