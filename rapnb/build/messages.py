"""The messages the render process and its workers exchange, typed: a task goes to a worker
as a JSON spec file, its outcome comes back as `result.json` beside it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

RESULT_NAME = "result.json"
SPEC_NAME = "spec.json"
SHEETS_TABLES_NAME = "sheets_tables.json"
"""Beside a tables task's result: the index page's sheets tables
(`rapnb.build.site.sheets_tables`)."""
WORKER_TMP_PREFIX = "rapnb-worker-"
"""A worker's TMPDIR is `<system tmp>/rapnb-worker-<render pid>-<random>`; it removes it on exit."""


def staging_folder(work: str | Path) -> Path:
    """Where a task whose own folder is `work` stages its files: `<work>/out`."""
    return Path(work) / "out"


@dataclass(frozen=True)
class NotebookTask:
    """Run one notebook and export it: `<folder>/<stem>.ipynb|.html|.pdf` and its figures."""

    name: str
    folder: str
    notebook: str
    """Absolute path of the source notebook."""
    parameters: dict[str, Any]
    source_label: str
    """The source notebook as the executed notebook's metadata names it (`notebooks/...`)."""
    work: str
    """The task's own folder: the worker stages its files in `<work>/out`."""
    data_dir: str
    stem: str = ""
    """The name of its files (`<folder>/<stem>.ipynb`); the task's name if empty."""
    pdf: bool = True
    """Also typeset `<folder>/<stem>.pdf` (`rapnb render --no-pdf` turns it off)."""
    languages: list[str] = field(default_factory=list)
    """The languages of this render (each page links to its twins in the others)."""
    more: bool = False
    """Other notebooks were still waiting when this one was handed out: the worker starts
    a kernel for its next one while it exports this one (`rapnb.build.execute`)."""
    pngs_later: bool = False
    """Stage the figures' SVGs only, and list the PNGs still to draw from them in the
    outcome (`TaskOutcome.pngs`): a FiguresTask draws them."""
    kind: Literal["notebook"] = "notebook"


@dataclass(frozen=True)
class FiguresTask:
    """Draw the PNGs `pngs` (paths relative to the staging folder `staged`) of a notebook
    task, each from the SVG of the same name there, into `staged`."""

    name: str
    work: str
    staged: str
    pngs: list[str]
    kind: Literal["figures"] = "figures"


@dataclass(frozen=True)
class TablesTask:
    """Write the workbook and the HXL CSVs of `data_dir`."""

    name: str
    work: str
    data_dir: str
    kind: Literal["tables"] = "tables"


Task = NotebookTask | TablesTask | FiguresTask


@dataclass(frozen=True)
class TaskOutcome:
    """What a worker made of a task: the staged files (relative to the output directory)."""

    status: Literal["ok", "failed"]
    files: list[str] = field(default_factory=list)
    error: str | None = None
    failed_notebook: str | None = None
    reads: list[dict[str, Any]] = field(default_factory=list)
    """What the kernel read from the data directory (`rapnb.datasets.reads`)."""
    execution: dict[str, Any] = field(default_factory=dict)
    """How long the notebook and each cell ran: kept in the manifest, not in the notebook."""
    pngs: list[str] = field(default_factory=list)
    """A notebook task's PNGs still to draw (`NotebookTask.pngs_later`), not yet in `files`."""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def write_task(task: Task) -> Path:
    """Write `task` as `<work>/spec.json`; return that path (what the worker is sent)."""
    folder = Path(task.work)
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / SPEC_NAME
    spec.write_text(json.dumps(asdict(task)), encoding="utf-8")
    return spec


def read_task(spec: Path) -> Task:
    """The task in spec file `spec`."""
    fields = json.loads(spec.read_text(encoding="utf-8"))
    kind = fields.get("kind")
    if kind == "notebook":
        return NotebookTask(**fields)
    if kind == "tables":
        return TablesTask(**fields)
    if kind == "figures":
        return FiguresTask(**fields)
    raise ValueError(f"{spec}: unknown task kind {kind!r}")


def outcome_to_json(outcome: TaskOutcome) -> str:
    """The outcome as the worker writes it."""
    return json.dumps(asdict(outcome))


def read_outcome(path: Path) -> TaskOutcome:
    """The outcome a worker wrote (OSError or ValueError if it is missing or unreadable)."""
    fields = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(fields, dict) or fields.get("status") not in ("ok", "failed"):
        raise ValueError(f"{path}: not a task outcome")
    return TaskOutcome(**fields)


def one_line(text: str, limit: int = 300) -> str:
    """`text` on one line (whitespace runs collapsed), cut at `limit` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def exception_line(exc: BaseException) -> str:
    """An exception as one line of a result or a log: `TypeName: message` (`one_line`)."""
    return one_line(f"{type(exc).__name__}: {exc}")
