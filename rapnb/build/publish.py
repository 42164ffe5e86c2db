"""What HDX needs to publish the tables: dataset metadata, and the data package as one zip.

`write_hdx_dataset(path, csvs)` writes `hdx_dataset.json`: the fields of an HDX (CKAN) dataset
(name, title, notes, dataset_source, owner_org, license_id, methodology, caveats, dataset_date,
data_update_frequency, groups = the 17 countries' ISO3 codes, tags from HDX's approved "Topics"
vocabulary) and one resource per HXL CSV, plus the workbook and the zip. Titles, descriptions
and sources come from the data package (`rapnb/datasets/schema.py`, `sources.py`), never typed
here twice. `write_datapackage_zip(path)` zips `datapackage.json`, every CSV it describes and
`boundaries.geojson`.

Both outputs are deterministic: JSON with sorted keys, zip entries in sorted order with a fixed
date (`workbook.FIXED_TIME`) and fixed permissions, so the same data gives the same bytes.
"""

from __future__ import annotations

import calendar
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from rapnb.build.atomic import PathLike, atomic_path, atomic_write_text
from rapnb.build.jobs import HXL_DIR, PACKAGE_ZIP, WORKBOOK_FILE
from rapnb.build.workbook import DERIVED_DESCRIPTIONS, FixedTimeZipFile
from rapnb.context import as_context
from rapnb.datasets.boundaries import boundaries_path
from rapnb.datasets.loaders import countries, key_figures, residence_permits, stocks
from rapnb.datasets.sources import NATURAL_EARTH, PLAN, TRENDS
from rapnb.datasets.store import DataDir, datapackage, validate_data_dir
from rapnb.paths import datapackage_path

HDX_LICENSE = "cc-by"
"""HDX's licence id for Creative Commons Attribution (the data package's CC-BY-4.0)."""
HDX_NEVER = "-1"
"""HDX's `data_update_frequency` for "Never": the plan is a 2018 publication."""
HDX_OWNER_ORG = "international-organization-for-migration"
"""The HDX organisation of the plan's producer (IOM). An uploader from another organisation
sets its own: HDX takes the organisation that publishes, not the source's."""
HDX_TAGS = ("humanitarian funding", "hxl", "migrants", "migration", "population movement")
"""Tags from HDX's approved "Topics" vocabulary (its list of accepted tags)."""
METHODOLOGY = (
    "Curated by hand from the text of the plan: every table keeps a reference to the part of"
    " the plan each row comes from (source_ref), and the curation notes (data/CURATION_NOTES_*.md)"
    " record each judgement call. Every file is validated against a Frictionless data package"
    " (types, constraints, keys, references between tables). The plan's own totals and shares"
    " are kept beside the sums computed from its cells; the Figure 1 stocks come from IOM's"
    " Migration Trends in the Americas (April 2018) and a few secondary sources, each row with"
    " its source and confidence."
)
CAVEATS = (
    "Nothing the plan prints is corrected. Where the plan disagrees with itself (row and column"
    " totals off by 1 USD, a grand total 2 USD below the sum of its cells, narrative figures"
    " against the residence-permits table) both figures are published: see funding_stated.csv"
    " and the reconciliation in the rapnb package. Textual slips (typos, a truncated sentence,"
    " dates without a year, inconsistent number formats and headings) are listed in"
    " errata.csv. The funding table prints '.' as the thousands separator: 180.572 is USD"
    " 180,572. N.A. in the permits table is missing, never 0. The boundaries are for the maps"
    " only and imply no position on any border."
)


def _package_files(data_dir: DataDir) -> dict[str, Path]:
    """Archive name -> file: the bundled descriptor, the data directory's CSVs, boundaries."""
    folder = as_context(data_dir).data_dir
    files: dict[str, Path] = {"datapackage.json": datapackage_path()}
    for resource in datapackage()["resources"]:
        name = resource["path"]
        files[name] = (boundaries_path(data_dir) if resource.get("format") == "geojson"
                       else folder / name)
    return dict(sorted(files.items()))


def write_datapackage_zip(path: PathLike, data_dir: DataDir = None) -> Path:
    """Zip the data package (`datapackage.json`, its CSVs, `boundaries.geojson`) at `path`,
    atomically, after validating every table; entries sorted, dated FIXED_TIME."""
    validate_data_dir(data_dir)
    target = Path(path)
    with atomic_path(target) as tmp:
        with FixedTimeZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, source in _package_files(data_dir).items():
                archive.writestr(name, source.read_bytes())
    return target


def dataset_date(data_dir: DataDir = None) -> str:
    """HDX's time period of the data: from the earliest year any table refers to (the Figure 1
    stocks start in 2005) to the end of the plan's month (April 2018), or of a later period."""
    figures = key_figures(data_dir)
    starts = [f"{int(stocks(data_dir)['year'].min()):04d}",
              f"{int(residence_permits(data_dir)['year'].min()):04d}",
              *figures["period_start"].dropna()]
    ends = [PLAN["date"], *figures["period_end"].dropna()]
    start, end = min(starts), max(ends)
    first = f"{start}-01-01" if len(start) == 4 else f"{start}-01"
    year, month = (int(end), 12) if len(end) == 4 else (int(end[:4]), int(end[5:7]))
    last = f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    return f"[{first}T00:00:00 TO {last}T23:59:59]"


def _resource(name: str, url: str, fmt: str, description: str) -> dict[str, str]:
    return {"name": name, "format": fmt, "description": description, "url": url}


def _resources(csvs: Sequence[PathLike]) -> list[dict[str, str]]:
    described = {r["name"]: r["description"] for r in datapackage()["resources"]}
    described.update(DERIVED_DESCRIPTIONS)
    resources = []
    for csv in csvs:
        rel = PurePosixPath(Path(csv).as_posix())
        table = rel.stem
        resources.append(_resource(rel.name, str(rel), "CSV",
                                   f"{described[table]} HXL-tagged (second row)."))
    package = datapackage()
    resources.append(_resource(
        PACKAGE_ZIP, PACKAGE_ZIP, "ZIP",
        f"The Frictionless data package {package['name']} {package['version']}:"
        " datapackage.json (every field's type, description and HXL hashtag), its CSVs and"
        " boundaries.geojson."))
    resources.append(_resource(
        WORKBOOK_FILE, WORKBOOK_FILE, "XLSX",
        "Every table and the funding table as printed, one sheet each, with a README sheet;"
        " for spreadsheets (text is never stored as a formula)."))
    return resources


def hdx_dataset(csvs: Sequence[PathLike], data_dir: DataDir = None) -> dict[str, Any]:
    """The HDX dataset metadata for the HXL CSVs `csvs` (paths relative to the output folder,
    e.g. `hxl/funding.csv`), the zip and the workbook."""
    package = datapackage()
    tables = ", ".join(r["name"] for r in package["resources"] if r.get("format") == "csv")
    notes = (f"{package['description']} Tables: {tables}; and the funding table as printed"
             f" (funding_table, with its TOTAL row in funding_table_totals). The CSVs in"
             f" {HXL_DIR}/ carry an HXL hashtag row; the zip holds the validated data package."
             " Licences: the curation is CC BY 4.0; "
             + " ".join(s["licence"] for s in (PLAN, TRENDS, NATURAL_EARTH)))
    sources = [PLAN, TRENDS, NATURAL_EARTH]
    return {
        "name": package["name"],
        "title": package["title"],
        "notes": notes,
        "dataset_source": "; ".join(f"{s['title']}. {s['producer']}, {s['date']}"
                                    for s in sources),
        "owner_org": HDX_OWNER_ORG,
        "organization": {"name": HDX_OWNER_ORG, "title": PLAN["producer"]},
        "private": False,
        "license_id": HDX_LICENSE,
        "methodology": "Other",
        "methodology_other": METHODOLOGY,
        "caveats": CAVEATS,
        "dataset_date": dataset_date(data_dir),
        "data_update_frequency": HDX_NEVER,
        "groups": [{"name": iso3.lower()} for iso3 in sorted(countries(data_dir)["iso3"])],
        "tags": [{"name": tag, "vocabulary_id": "Topics"} for tag in HDX_TAGS],
        "resources": _resources(csvs),
    }


def write_hdx_dataset(path: PathLike, csvs: Sequence[PathLike], data_dir: DataDir = None
                      ) -> Path:
    """Write `hdx_dataset(csvs, data_dir)` as JSON at `path` (atomically, sorted keys)."""
    text = json.dumps(hdx_dataset(csvs, data_dir), indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"
    return atomic_write_text(Path(path), text)
