"""What a render is asked to do and what became of it: jobs (one notebook each), their
results, and the report of the whole render."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapnb.context import DEFAULT_LANG, LANGUAGES
from rapnb.paths import notebooks_dir

OVERVIEW = "regional_overview"
OVERVIEW_NOTEBOOK = "regional_overview.ipynb"
SHEET_NOTEBOOK = "country_sheet.ipynb"
BOOK = "book"
"""The name of the render's last step, the whole plan as one PDF per language
(`rapnb.build.book`)."""
TABLES = "tables"
"""The name of the task that writes the workbook, the HXL CSVs and the HDX files."""
WORKBOOK_FILE = "rap_tables.xlsx"
HXL_DIR = "hxl"
HDX_FILE = "hdx_dataset.json"
PACKAGE_ZIP = "rap_datapackage.zip"
TABLE_OUTPUTS = (WORKBOOK_FILE, HXL_DIR, HDX_FILE, PACKAGE_ZIP)
"""What the tables task writes into the output directory (files, and the HXL folder)."""


@dataclass(frozen=True)
class Job:
    """One notebook to render: `<out>/<subdir>/<stem>.ipynb|.html` and `figures/` (`stem`
    defaults to the name; a language's jobs are named `<lang>/<sheet>`, their files `<sheet>.*`
    in `<lang>/sheets/<sheet>/`)."""

    name: str
    notebook: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    subdir: str = ""
    stem: str = ""

    @property
    def folder(self) -> str:
        """The job's folder inside the output directory."""
        return self.subdir or self.name

    @property
    def file_stem(self) -> str:
        """The name of its files (`<stem>.ipynb`, `<stem>.html`)."""
        return self.stem or self.name.rsplit("/", 1)[-1]

    @property
    def executed_notebook(self) -> str:
        """Where its executed notebook is, relative to the output folder."""
        return f"{self.folder}/{self.file_stem}.ipynb"


@dataclass
class Result:
    """What became of one job (or of the tables, named `tables`)."""

    name: str
    status: str
    """'ok' (rendered), 'skipped' (unchanged since the last render) or 'failed'."""
    seconds: float
    error: str | None = None
    files: list[str] = field(default_factory=list)
    failed_notebook: str | None = None
    reason: str = ""
    """Why it was rendered ('data changed: funding.csv', 'forced (--force)' ...) or skipped."""

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def rendered(self) -> bool:
        return self.status != "skipped"


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


def overview_job(data_dir: str | os.PathLike[str] | None = None, lang: str = DEFAULT_LANG
                 ) -> Job:
    """The regional overview notebook in `lang`, into `<lang>/regional_overview/`."""
    params: dict[str, Any] = {"lang": lang}
    if data_dir is not None:
        params["data_dir"] = str(data_dir)
    return Job(f"{lang}/{OVERVIEW}", notebooks_dir() / OVERVIEW_NOTEBOOK, params,
               f"{lang}/{OVERVIEW}", OVERVIEW)


def sheet_job(sheet: str, data_dir: str | os.PathLike[str] | None = None,
              lang: str = DEFAULT_LANG) -> Job:
    """The country sheet notebook for `sheet` in `lang`, into `<lang>/sheets/<sheet>/`."""
    params: dict[str, Any] = {"sheet": sheet, "lang": lang}
    if data_dir is not None:
        params["data_dir"] = str(data_dir)
    return Job(f"{lang}/{sheet}", notebooks_dir() / SHEET_NOTEBOOK, params,
               f"{lang}/sheets/{sheet}", sheet)


def report_jobs(
    sheets: list[str] | tuple[str, ...], overview: bool = True,
    data_dir: str | os.PathLike[str] | None = None,
    langs: list[str] | tuple[str, ...] = LANGUAGES,
) -> list[Job]:
    """Per language: the overview (if asked) then one job per sheet."""
    jobs = []
    for lang in langs:
        jobs += [overview_job(data_dir, lang)] if overview else []
        jobs += [sheet_job(sheet, data_dir, lang) for sheet in sheets]
    return jobs
