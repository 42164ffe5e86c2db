"""The order in which a render hands its notebooks to the workers (`rapnb.build.schedule`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import rapnb
from rapnb.build.jobs import report_jobs
from rapnb.build.schedule import countries_covered, dearest_first
from rapnb.paths import bundled_data_dir


def test_countries_covered_counts_each_sheets_countries() -> None:
    covered = countries_covered(bundled_data_dir())
    # The plan: the two regional offices together cover its 17 countries; IOM Caribbean
    # covers Aruba, Curaçao, Bonaire and Trinidad and Tobago; each country office its own.
    assert covered["regional"] == 17
    assert covered["caribbean"] == 4
    assert {sheet: n for sheet, n in covered.items() if n == 1}.keys() == (
        set(rapnb.sheets()) - {"regional", "caribbean"})


def test_the_overviews_go_first_then_the_sheets_covering_most_countries() -> None:
    jobs = [*report_jobs(rapnb.sheets(), langs=["en", "es"]), None]
    ordered = dearest_first(jobs, bundled_data_dir())
    names = [job.name if job is not None else None for job in ordered]
    one_country = [s for s in rapnb.sheets() if s not in {"regional", "caribbean"}]
    assert names == ["en/regional_overview", "es/regional_overview", "en/regional",
                     "es/regional", "en/caribbean", "es/caribbean",
                     *(f"en/{s}" for s in one_country), *(f"es/{s}" for s in one_country),
                     None]
    assert sorted(map(id, ordered)) == sorted(map(id, jobs))  # the same jobs, reordered


def test_without_readable_tables_the_sheets_keep_the_plans_order(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), data)
    (data / "office_countries.csv").unlink()
    jobs = report_jobs(rapnb.sheets(), langs=["en"])
    ordered = dearest_first(jobs, data)
    assert [job.name for job in ordered if job is not None] == [
        "en/regional_overview", *(f"en/{s}" for s in rapnb.sheets())]
