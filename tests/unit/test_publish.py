"""HDX metadata (hdx_dataset.json) and the zipped data package, written by the tables task."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

import rapnb
from rapnb.build.jobs import HDX_FILE, PACKAGE_ZIP, TABLES
from rapnb.build.messages import TablesTask
from rapnb.build.publish import hdx_dataset, write_datapackage_zip, write_hdx_dataset
from rapnb.build.workbook import hxl_file_names
from rapnb.build.worker import make_tables
from rapnb.datasets.store import table_names
from rapnb.errors import DataError
from rapnb.paths import bundled_data_dir

REQUIRED = ["name", "title", "notes", "dataset_source", "owner_org", "license_id",
            "methodology", "methodology_other", "caveats", "dataset_date",
            "data_update_frequency", "groups", "tags", "resources"]
"""HDX's required dataset fields (hdx-python-api's configuration), and the caveats."""
COVERAGE = {"arg", "bra", "chl", "col", "ecu", "per", "ury", "ven", "cri", "pan", "mex", "abw",
            "cuw", "bes", "guy", "dom", "tto"}
"""The plan's geographic coverage list, by hand: South America 8, Central America 2, North
America 1, Caribbean 6 (Aruba, Curaçao, Bonaire, Guyana, Dominican Republic, Trinidad and
Tobago)."""
HDX_TOPICS = {"humanitarian funding", "hxl", "migrants", "migration", "population movement",
              "refugees", "displacement", "asylum seekers", "americas", "caribbean"}
"""A few of HDX's approved "Topics" tags (its accepted-tags list), the ones that could fit."""


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the tables task stages: workbook, HXL CSVs, HDX metadata, zip."""
    work = tmp_path_factory.mktemp("tables")
    outcome = make_tables(TablesTask(TABLES, str(work), str(bundled_data_dir())), work)
    assert outcome.ok, outcome.error
    (work / "files.json").write_text(json.dumps(outcome.files))
    return work / "out"


@pytest.fixture(scope="module")
def metadata(tables: Path) -> dict:
    return json.loads((tables / HDX_FILE).read_text(encoding="utf-8"))


def test_the_tables_task_lists_every_file_it_wrote(tables: Path) -> None:
    files = json.loads((tables.parent / "files.json").read_text())
    assert files == sorted(["rap_tables.xlsx", HDX_FILE, PACKAGE_ZIP,
                            *(f"hxl/{n}" for n in hxl_file_names())])


def test_required_fields(metadata: dict) -> None:
    for field in REQUIRED:
        assert metadata[field], field
    assert metadata["name"] == "rapnb-regional-action-plan-2018"
    assert metadata["title"].startswith("Regional Action Plan for Venezuelan migration")
    assert "IOM (2018) Regional Action Plan" in metadata["dataset_source"]
    assert metadata["owner_org"] == "international-organization-for-migration"
    assert metadata["license_id"] == "cc-by" and metadata["private"] is False
    assert metadata["methodology"] == "Other"
    assert metadata["data_update_frequency"] == "-1"  # HDX's "Never"
    assert metadata["dataset_date"] == "[2005-01-01T00:00:00 TO 2018-04-30T23:59:59]"


def test_locations_are_the_17_countries(metadata: dict) -> None:
    groups = [g["name"] for g in metadata["groups"]]
    assert set(groups) == COVERAGE and len(groups) == 17
    assert set(groups) == {i.lower() for i in rapnb.countries()["iso3"]}


def test_tags_come_from_hdx_vocabulary(metadata: dict) -> None:
    tags = {t["name"] for t in metadata["tags"]}
    assert tags <= HDX_TOPICS and {"hxl", "migration"} <= tags


def test_one_resource_per_csv(metadata: dict, tables: Path) -> None:
    csvs = [r for r in metadata["resources"] if r["format"] == "CSV"]
    assert sorted(r["url"] for r in csvs) == sorted(f"hxl/{n}" for n in hxl_file_names())
    assert len({r["name"] for r in csvs}) == len(csvs) == len(table_names()) + 2
    for resource in metadata["resources"]:
        assert (tables / resource["url"]).is_file(), resource["url"]
        assert resource["description"], resource["url"]
    formats = {r["url"]: r["format"] for r in metadata["resources"]}
    assert formats[PACKAGE_ZIP] == "ZIP" and formats["rap_tables.xlsx"] == "XLSX"
    errata = next(r for r in csvs if r["name"] == "errata.csv")
    assert errata["description"].startswith("The plan's textual slips")


def test_hdx_metadata_is_deterministic(tmp_path: Path, tables: Path) -> None:
    csvs = [f"hxl/{n}" for n in hxl_file_names()]
    again = write_hdx_dataset(tmp_path / HDX_FILE, csvs)
    assert again.read_bytes() == (tables / HDX_FILE).read_bytes()
    assert hdx_dataset(csvs)["resources"][0]["url"] == "hxl/funding_table.csv"


def test_zip_holds_the_data_package(tables: Path) -> None:
    data = bundled_data_dir()
    with zipfile.ZipFile(tables / PACKAGE_ZIP) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert set(names) == {"datapackage.json", "boundaries.geojson",
                              *(p.name for p in data.glob("*.csv"))}
        assert {i.date_time for i in archive.infolist()} == {(2018, 4, 1, 0, 0, 0)}
        for name in names:
            assert archive.read(name) == (data / name).read_bytes(), name


def test_zip_is_byte_identical_across_writes(tmp_path: Path, tables: Path) -> None:
    first = write_datapackage_zip(tmp_path / "a.zip")
    second = write_datapackage_zip(tmp_path / "b.zip")
    assert first.read_bytes() == second.read_bytes() == (tables / PACKAGE_ZIP).read_bytes()


def test_zip_of_invalid_data_is_not_written(data_copy: Path, tmp_path: Path) -> None:
    path = data_copy / "errata.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",typo,", ",typos,", 1),
                    encoding="utf-8")
    with pytest.raises(DataError, match="errata.csv"):
        write_datapackage_zip(tmp_path / "x.zip", data_copy)
    assert not (tmp_path / "x.zip").exists()
