"""Country boundaries for the report's maps (Natural Earth 1:50m, public domain).

The file ``boundaries.geojson`` is built by ``scripts/build_boundaries.py``; see there for
its provenance. geopandas is imported only when boundaries are asked for, so that
``import rapnb`` stays light.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from rapnb.context import Where, as_context
from rapnb.datasets import reads
from rapnb.errors import DataError
from rapnb.paths import bundled_data_dir

if TYPE_CHECKING:
    import geopandas

BOUNDARIES_FILE = "boundaries.geojson"
COLUMNS = ("iso3", "name", "geometry")


def boundaries_path(data_dir: Where = None) -> Path:
    """Path of the boundaries file: in the chosen data directory, else the bundled one."""
    path = as_context(data_dir).data_dir / BOUNDARIES_FILE
    if not path.is_file():
        path = bundled_data_dir() / BOUNDARIES_FILE
    reads.record(path)
    return path.resolve()


def boundaries(data_dir: Where = None) -> geopandas.GeoDataFrame:
    """Country boundaries: columns ``iso3, name, geometry``, sorted by iso3, EPSG:4326.

    ``data_dir`` is resolved like every other dataset (argument, else ``$RAPNB_DATA_DIR``,
    else the bundled data); a directory without ``boundaries.geojson`` falls back to the
    bundled file. The file is read once per path (and re-read if it changes); each call
    returns a fresh copy. Raises :class:`rapnb.errors.DataError` if the file is missing or
    malformed.
    """
    path = boundaries_path(data_dir)
    try:
        stat = path.stat()
    except OSError as exc:
        raise DataError(f"boundaries file not found ({exc.strerror})", path=str(path)) from exc
    return _read(path, stat.st_mtime_ns, stat.st_size).copy()


@functools.lru_cache(maxsize=8)
def _read(path: Path, mtime_ns: int, size: int) -> geopandas.GeoDataFrame:
    """Read and check the boundaries file (cached; ``mtime_ns``/``size`` key the cache)."""
    import geopandas
    import pandas as pd

    where = str(path)
    try:
        frame = geopandas.read_file(path, engine="pyogrio")
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
