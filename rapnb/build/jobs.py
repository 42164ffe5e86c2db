"""What a render is asked to do and what became of it: jobs (one notebook each), their
results, and the report of the whole render."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapnb.paths import notebooks_dir

OVERVIEW = "regional_overview"
OVERVIEW_NOTEBOOK = "regional_overview.ipynb"
SHEET_NOTEBOOK = "country_sheet.ipynb"
TABLES = "tables"
"""The name of the task that writes the workbook and the HXL CSVs."""
BOOK = "book"
"""The name of the render's last step, the whole plan as one PDF (`rapnb.build.book`)."""


@dataclass(frozen=True)
class Job:
    """One notebook to render: `<out>/<subdir>/<name>.ipynb|.html` and `figures/`."""

    name: str
    notebook: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    subdir: str = ""

    @property
    def folder(self) -> str:
        """The job's folder inside the output directory."""
        return self.subdir or self.name


@dataclass
class Result:
    """What became of one job (or of the tables, named `tables`)."""

    name: str
    status: str
    seconds: float
    error: str | None = None
    files: list[str] = field(default_factory=list)
    failed_notebook: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class RenderReport:
    """The outcome of a render: results in job order, and the signal that stopped it, if any."""

    out: Path
    results: list[Result]
    interrupted: int | None = None
    manifest: Path | None = None

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if not r.ok]

    @property
    def exit_code(self) -> int:
        """128 + signal if interrupted, 1 if anything failed, else 0."""
        if self.interrupted is not None:
            return 128 + self.interrupted
        return 1 if self.failed else 0


def overview_job(data_dir: str | os.PathLike[str] | None = None) -> Job:
    """The regional overview notebook."""
    params = {"data_dir": str(data_dir)} if data_dir is not None else {}
    return Job(OVERVIEW, notebooks_dir() / OVERVIEW_NOTEBOOK, params, OVERVIEW)


def sheet_job(sheet: str, data_dir: str | os.PathLike[str] | None = None) -> Job:
    """The country sheet notebook for `sheet`, into `sheets/<sheet>/`."""
    params: dict[str, Any] = {"sheet": sheet}
    if data_dir is not None:
        params["data_dir"] = str(data_dir)
    return Job(sheet, notebooks_dir() / SHEET_NOTEBOOK, params, f"sheets/{sheet}")


def report_jobs(
    sheets: list[str] | tuple[str, ...], overview: bool = True,
    data_dir: str | os.PathLike[str] | None = None,
) -> list[Job]:
    """The overview (if asked) then one job per sheet."""
    jobs = [overview_job(data_dir)] if overview else []
    return jobs + [sheet_job(sheet, data_dir) for sheet in sheets]
