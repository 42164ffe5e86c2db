"""Country boundaries: the bundled GeoJSON, its loader, and the build script's decoder."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from rapnb.datasets.boundaries import (
    BOUNDARIES_FILE,
    boundaries,
    boundaries_path,
    check_boundaries_file,
)
from rapnb.errors import DataError
from rapnb.paths import bundled_data_dir

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_boundaries.py"

PLAN_COUNTRIES = (
    "ARG BRA CHL COL ECU PER URY VEN CRI PAN MEX ABW CUW BES GUY DOM TTO USA CAN ESP PRT".split()
)


@pytest.fixture(autouse=True)
def _bundled_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAPNB_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def build_script() -> ModuleType:
    assert SCRIPT.is_file(), "scripts/build_boundaries.py belongs to the source tree"
    spec = importlib.util.spec_from_file_location("build_boundaries", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_frame_shape_and_keys() -> None:
    gdf = boundaries()
    assert list(gdf.columns) == ["iso3", "name", "geometry"]
    assert gdf.index.equals(__import__("pandas").RangeIndex(len(gdf)))
    assert gdf["iso3"].is_unique
    assert list(gdf["iso3"]) == sorted(gdf["iso3"])
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    assert (gdf["name"].str.len() > 0).all()


def test_geometries_valid_polygonal_lon_lat() -> None:
    gdf = boundaries()
    assert not gdf.geometry.is_empty.any()
    assert gdf.geometry.is_valid.all()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    minx, miny, maxx, maxy = gdf.total_bounds
    assert -180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90
    # the Americas plus Iberia: nothing east of Spain, nothing wrapping the antimeridian
    assert maxx < 10


def test_exterior_rings_clockwise_for_d3() -> None:
    """d3-geo (Altair/Vega) reads a counter-clockwise exterior as 'the rest of the globe'."""
    for geom in boundaries().geometry:
        for polygon in getattr(geom, "geoms", [geom]):
            assert not polygon.exterior.is_ccw


def test_covers_every_country_the_plan_names() -> None:
    codes = set(boundaries()["iso3"])
    assert set(PLAN_COUNTRIES) <= codes


def test_bonaire_is_its_own_small_island() -> None:
    from shapely.geometry import Point

    gdf = boundaries().set_index("iso3")
    bes = gdf.geometry["BES"]
    assert gdf.loc["BES", "name"] == "Bonaire"
    assert bes.area < 0.05
    assert bes.distance(Point(-68.3, 12.2)) < 0.15
    minx, miny, maxx, maxy = bes.bounds
    assert -68.5 <= minx and maxx <= -68.1 and 11.95 <= miny and maxy <= 12.35
    others = gdf.geometry.drop(index="BES")
    assert not others.intersects(bes).any()
    assert not others.contains(bes.representative_point()).any()


@pytest.mark.parametrize("iso3", ["ABW", "CUW", "TTO"])
def test_small_caribbean_members_present(iso3: str) -> None:
    geom = boundaries().set_index("iso3").geometry[iso3]
    assert not geom.is_empty and geom.area > 0


def test_returns_copies() -> None:
    first = boundaries()
    first.loc[0, "name"] = "changed"
    first.loc[0, "geometry"] = None
    second = boundaries()
    assert second.loc[0, "name"] != "changed"
    assert second.geometry.iloc[0] is not None


def test_package_attribute_is_callable_whatever_the_import_order() -> None:
    import rapnb

    importlib.import_module("rapnb.datasets.boundaries")
    assert list(rapnb.boundaries()["iso3"]) == list(boundaries()["iso3"])


def test_missing_file_in_user_dir_falls_back_to_bundled(tmp_path: Path) -> None:
    assert boundaries_path(tmp_path) == (bundled_data_dir() / BOUNDARIES_FILE).resolve()
    assert boundaries(tmp_path).equals(boundaries())


def test_env_var_dir_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = json.loads((bundled_data_dir() / BOUNDARIES_FILE).read_text(encoding="utf-8"))
    source["features"] = [f for f in source["features"] if f["properties"]["iso3"] == "ABW"]
    (tmp_path / BOUNDARIES_FILE).write_text(json.dumps(source), encoding="utf-8")
    monkeypatch.setenv("RAPNB_DATA_DIR", str(tmp_path))
    assert list(boundaries()["iso3"]) == ["ABW"]


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"type":"FeatureCollection","features":[]}',
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"iso3": code, "name": "x"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]],
                        },
                    }
                    for code in ("ABW", "ABW")
                ],
            }
        ),
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"iso3": "ABW", "name": "bow tie"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                        },
                    }
                ],
            }
        ),
    ],
    ids=["not-json", "no-features", "duplicate-iso3", "invalid-geometry"],
)
def test_malformed_file_raises_data_error(tmp_path: Path, content: str) -> None:
    (tmp_path / BOUNDARIES_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=BOUNDARIES_FILE):
        boundaries(tmp_path)


def test_cache_rereads_a_changed_file(tmp_path: Path) -> None:
    source = json.loads((bundled_data_dir() / BOUNDARIES_FILE).read_text(encoding="utf-8"))
    path = tmp_path / BOUNDARIES_FILE
    keep = {"ABW", "CUW"}
    source["features"] = [f for f in source["features"] if f["properties"]["iso3"] in keep]
    path.write_text(json.dumps(source), encoding="utf-8")
    read = importlib.import_module("rapnb.datasets.boundaries")._read
    assert len(boundaries(tmp_path)) == 2
    hits = read.cache_info().hits
    assert len(boundaries(tmp_path)) == 2
    assert read.cache_info().hits == hits + 1
    source["features"] = source["features"][:1]
    path.write_text(json.dumps(source) + "\n\n", encoding="utf-8")  # other size
    assert len(boundaries(tmp_path)) == 1


# --- the build script ----------------------------------------------------------------

# Two arcs on a quantized grid: scale (0.5, 0.25), translate (10, 20).
# arc 0: (0,0) -> +(4,0) -> +(0,4) = grid (0,0),(4,0),(4,4) = (10,20),(12,20),(12,21)
# arc 1: (4,4) -> +(-4,0) -> +(0,-4) = grid (4,4),(0,4),(0,0) = (12,21),(10,21),(10,20)
TINY_TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [[[0, 0], [4, 0], [0, 4]], [[4, 4], [-4, 0], [0, -4]]],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "1", "arcs": [[0, 1]]},
                {"type": "MultiPolygon", "id": "2", "arcs": [[[~1, ~0]]]},
                {"type": None, "id": "3"},
            ],
        }
    },
}


def test_decode_arcs_applies_deltas_and_transform(build_script: ModuleType) -> None:
    assert build_script.decode_arcs(TINY_TOPOLOGY) == [
        [(10.0, 20.0), (12.0, 20.0), (12.0, 21.0)],
        [(12.0, 21.0), (10.0, 21.0), (10.0, 20.0)],
    ]


def test_decode_arcs_without_transform(build_script: ModuleType) -> None:
    topology = {"arcs": [[[1.5, 2.5], [3, 4]]]}
    assert build_script.decode_arcs(topology) == [[(1.5, 2.5), (3.0, 4.0)]]


def test_decode_geometry_stitches_and_reverses_arcs(build_script: ModuleType) -> None:
    arcs = build_script.decode_arcs(TINY_TOPOLOGY)
    first, second, empty = TINY_TOPOLOGY["objects"]["countries"]["geometries"]

    (polygon,) = build_script.decode_geometry(first, arcs)
    assert list(polygon.exterior.coords) == [
        (10.0, 20.0), (12.0, 20.0), (12.0, 21.0), (10.0, 21.0), (10.0, 20.0)
    ]  # fmt: skip
    assert polygon.area == 2.0

    (reversed_polygon,) = build_script.decode_geometry(second, arcs)
    assert list(reversed_polygon.exterior.coords) == [
        (10.0, 20.0), (10.0, 21.0), (12.0, 21.0), (12.0, 20.0), (10.0, 20.0)
    ]  # fmt: skip

    assert build_script.decode_geometry(empty, arcs) == []
    with pytest.raises(ValueError, match="LineString"):
        build_script.decode_geometry({"type": "LineString", "arcs": [0]}, arcs)


def test_clean_rounds_orients_clockwise(build_script: ModuleType) -> None:
    from shapely.geometry import Polygon

    ccw = Polygon([(10.00004, 20.0), (12.0, 20.00006), (12.0, 21.0), (10.0, 21.0)])
    assert build_script.to_geojson(build_script.clean([ccw])) == {
        "type": "Polygon",
        "coordinates": [[[10.0, 20.0], [10.0, 21.0], [12.0, 21.0], [12.0, 20.0001], [10.0, 20.0]]],
    }


def test_bundled_file_is_compact_and_canonical(build_script: ModuleType) -> None:
    raw = (bundled_data_dir() / BOUNDARIES_FILE).read_bytes()
    collection = json.loads(raw)
    assert build_script.dumps(collection) == raw
    build_script.check(collection)
    kept = {iso3 for _, iso3, _, _ in build_script.KEEP}
    assert {f["properties"]["iso3"] for f in collection["features"]} == kept


# --- the structural check run before a render (no geopandas) ------------------------------

SQUARE = [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]


def _collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _feature(iso3: object = "ABW", name: object = "Aruba", geometry: object = None) -> dict:
    geometry = {"type": "Polygon", "coordinates": SQUARE} if geometry is None else geometry
    return {"type": "Feature", "properties": {"iso3": iso3, "name": name}, "geometry": geometry}


STRUCTURE_CASES = {
    "truncated": ('{"type": "FeatureCollection", "features": [',
                  "not valid JSON: Expecting value (line 1, column 44)"),
    "not a collection": (json.dumps({"type": "Feature"}),
                         "not a GeoJSON FeatureCollection (its type is 'Feature')"),
    "a list": ("[]", "not a GeoJSON FeatureCollection (its type is 'list')"),
    "no features": (json.dumps(_collection()), "no features"),
    "lower-case iso3": (json.dumps(_collection(_feature(iso3="abw"))),
                        "feature 1: iso3 must be three upper-case letters, got 'abw'"),
    "no iso3": (json.dumps(_collection({"type": "Feature", "properties": {"name": "x"},
                                        "geometry": None})),
                "feature 1: iso3 must be three upper-case letters, got None"),
    "duplicate iso3": (json.dumps(_collection(_feature(), _feature(iso3="CUW"), _feature())),
                       "feature 3 (iso3 ABW): duplicate iso3 code ABW; first seen in feature 1"),
    "no name": (json.dumps(_collection(_feature(name=""))),
                "feature 1 (iso3 ABW): name must be a non-empty text, got ''"),
    "a point": (json.dumps(_collection(_feature(geometry={"type": "Point",
                                                          "coordinates": [0, 0]}))),
                "feature 1 (iso3 ABW): the geometry must be a Polygon or MultiPolygon, got"
                " 'Point'"),
    "short ring": (json.dumps(_collection(_feature(geometry={
        "type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}))),
        "feature 1 (iso3 ABW): a ring must be a list of at least 4 positions"),
    "open ring": (json.dumps(_collection(_feature(geometry={
        "type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0]]]}))),
        "feature 1 (iso3 ABW): a ring must end where it starts"),
    "text coordinate": (json.dumps(_collection(_feature(geometry={
        "type": "MultiPolygon", "coordinates": [[[[0, 0], [0, "1"], [1, 1], [0, 0]]]]}))),
        "feature 1 (iso3 ABW): a position must hold finite numbers, got [0, \"1\"]"),
    "boolean coordinate": (json.dumps(_collection(_feature(geometry={
        "type": "Polygon", "coordinates": [[[0, 0], [0, True], [1, 1], [0, 0]]]}))),
        "feature 1 (iso3 ABW): a position must hold finite numbers, got [0, true]"),
    "NaN coordinate": (json.dumps(_collection(_feature(geometry={
        "type": "Polygon", "coordinates": [[[0, 0], [float("nan"), 1], [1, 1], [0, 0]]]}))),
        "feature 1 (iso3 ABW): a position must hold finite numbers, got [NaN, 1]"),
    "infinite latitude": (json.dumps(_collection(_feature(geometry={
        "type": "Polygon", "coordinates": [[[0, 0], [0, float("inf")], [1, 1], [0, 0]]]}))),
        "feature 1 (iso3 ABW): a position must hold finite numbers, got [0, Infinity]"),
    "latitude and longitude swapped": (json.dumps(_collection(_feature(geometry={
        "type": "Polygon", "coordinates": [[[50, -100], [50, -99], [51, -99], [50, -100]]]}))),
        "feature 1 (iso3 ABW): position [50, -100] is outside longitude -180..180, latitude"
        " -90..90"),
}


@pytest.mark.parametrize("case", sorted(STRUCTURE_CASES))
def test_structure_check_names_file_and_feature(tmp_path: Path, case: str) -> None:
    from rapnb.datasets.boundaries import check_boundaries_file

    content, message = STRUCTURE_CASES[case]
    path = tmp_path / BOUNDARIES_FILE
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as err:
        check_boundaries_file(path)
    assert str(err.value) == f"{path}: {message}"
    with pytest.raises(DataError) as loading:  # loading checks the same, first
        boundaries(tmp_path)
    assert str(loading.value) == f"{path}: {message}"


def test_structure_check_accepts_the_bundled_file() -> None:
    from rapnb.datasets.boundaries import check_boundaries_file

    check_boundaries_file(bundled_data_dir() / BOUNDARIES_FILE)


def test_validate_data_dir_checks_own_boundaries_without_geopandas(data_copy: Path) -> None:
    import subprocess

    path = data_copy / BOUNDARIES_FILE
    path.write_text(json.dumps(_collection(_feature(iso3="abw"))), encoding="utf-8")
    code = ("import sys\n"
            "from rapnb.datasets.store import validate_data_dir\n"
            "from rapnb.errors import DataError\n"
            "try:\n"
            f"    validate_data_dir({str(data_copy)!r})\n"
            "except DataError as exc:\n"
            "    print(exc)\n"
            "print(sorted(m for m in ('pandas', 'geopandas', 'shapely') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.splitlines() == [
        f"{path}: feature 1: iso3 must be three upper-case letters, got 'abw'", "[]"]


def test_a_directory_named_like_the_boundaries_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / BOUNDARIES_FILE).mkdir()
    with pytest.raises(DataError) as err:
        boundaries(tmp_path)
    assert str(err.value) == (f"{tmp_path / BOUNDARIES_FILE}: is a directory, not a regular"
                              " file; a data file must be a plain file")


def test_positions_with_an_elevation_or_integer_degrees_pass_the_structure_check(
        tmp_path: Path) -> None:
    path = tmp_path / BOUNDARIES_FILE
    ring = [[-70, 12, 0.5], [-69.5, 12, 0], [-69.5, 12.5, 1], [-70, 12, 0.5]]
    path.write_text(json.dumps(_collection(
        _feature(geometry={"type": "Polygon", "coordinates": [ring]}),
        _feature(iso3="CUW", geometry={"type": "Polygon",
                                       "coordinates": [[[-180, -90], [180, -90], [180, 90],
                                                        [-180, -90]]]}))), encoding="utf-8")
    check_boundaries_file(path)  # raises DataError if either were refused
