"""Render the report: every notebook executed by papermill, in a pool of worker processes.

    >>> from rapnb.build import render, report_jobs          # doctest: +SKIP
    >>> render(report_jobs(["colombia"], overview=True), "outputs").exit_code

The render process schedules the jobs on `--jobs` long-lived workers (`rapnb.build.pool`,
`rapnb.build.worker`), each task a typed message (`rapnb.build.messages`). It moves each
finished file into place with `os.replace`, so a reader (or an interrupted render) never sees
half a file. A notebook that fails leaves its previous outputs alone and its executed copy in
`failed/<name>.ipynb`; a worker that dies fails only its current task and is replaced. Then
the book (`rapnb.build.book`, when PDFs are asked for), and the manifest last.

On SIGINT/SIGTERM the render process sends SIGTERM to the workers, which raise, so papermill
shuts their kernels down; a worker that does not exit in time is killed with its kernel.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rapnb import __version__
from rapnb.build import manifest
from rapnb.build.atomic import fsync_dir
from rapnb.build.jobs import BOOK, TABLES, Job, RenderReport, Result
from rapnb.build.lock import render_lock
from rapnb.build.messages import (
    RESULT_NAME,
    NotebookTask,
    TablesTask,
    Task,
    TaskOutcome,
    read_outcome,
)
from rapnb.build.pool import WorkerProcess, shut_down, start_worker, terminate
from rapnb.build.worker import FAILED_DIR
from rapnb.paths import DATA_DIR_ENV
from rapnb.paths import data_dir as resolve_data_dir
from rapnb.present.display import RENDER_KERNEL_ENV

WORK_PREFIX = ".rapnb-tmp-"
POLL_SECONDS = 0.02


class _StopFlag:
    signum: int | None = None


@contextlib.contextmanager
def _signals_to(flag: _StopFlag) -> Iterator[None]:
    """While inside, SIGINT/SIGTERM only set `flag.signum` (the render loop checks it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        flag.signum = flag.signum or signum

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _install(staged: Path, out: Path, rels: Sequence[str]) -> None:
    """Move finished files from the staging directory into place, one os.replace each."""
    folders = set()
    for rel in rels:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged / rel, target)
        folders.add(target.parent)
    for folder in folders:
        fsync_dir(folder)


def _owned(rel: str, prefixes: Sequence[str]) -> bool:
    """Whether `rel` is a plain relative path under one of `prefixes` (never `..`, never /)."""
    parts = Path(rel).parts
    return (bool(parts) and not Path(rel).is_absolute() and ".." not in parts
            and any(rel == p or rel.startswith(p.rstrip("/") + "/") for p in prefixes))


def _remove(out: Path, rels: Sequence[str], prefixes: Sequence[str]) -> None:
    """Delete the files `rels` of `out` that lie under `prefixes` (stale outputs of a job)."""
    for rel in rels:
        if _owned(rel, prefixes):
            with contextlib.suppress(FileNotFoundError):
                (out / rel).unlink()


class _Renderer:
    """The parent side of a render: schedules workers, installs outputs, builds the manifest."""

    def __init__(self, out: Path, work: Path, data_dir: Path | None, workers: int,
                 pdf: bool = True) -> None:
        self.out, self.work, self.data_dir, self.workers = out, work, data_dir, workers
        self.pdf = pdf
        self.previous = manifest.load(out)
        resolved = resolve_data_dir(data_dir)
        files = manifest.data_files(resolved)
        self.provenance = {
            "rapnb_version": __version__,
            "git_commit": manifest.git_commit(),
            "data_dir": str(resolved),
            "data_files": files,
        }
        self.rendered_from = {
            "rapnb_version": __version__,
            "git_commit": self.provenance["git_commit"],
            "data_dir": str(resolved),
            "data_sha256": manifest.fingerprint(files),
        }
        self.entries: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, Job] = {}
        self.env = dict(os.environ, PYTHONHASHSEED="0", **{RENDER_KERNEL_ENV: "1"})
        if data_dir is not None:
            self.env[DATA_DIR_ENV] = str(data_dir)

    def task(self, job: Job | None) -> Task:
        """The task for `job`, or for the tables if None."""
        data_dir = str(self.provenance["data_dir"])
        if job is None:
            return TablesTask(TABLES, str(self.work / "_tables"), data_dir)
        self.jobs[job.name] = job
        return NotebookTask(
            name=job.name, folder=job.folder, notebook=str(job.notebook.resolve()),
            parameters=job.parameters,
            source_label=f"{job.notebook.parent.name}/{job.notebook.name}",
            work=str(self.work / job.name), data_dir=data_dir, pdf=self.pdf,
        )

    def finish(self, worker: WorkerProcess) -> Result:
        """Install the files of a worker's finished task and record its manifest entry."""
        task = worker.task
        assert task is not None
        worker.task = None
        task_dir, seconds = Path(task.work), round(time.monotonic() - worker.started, 2)
        try:
            outcome = read_outcome(task_dir / RESULT_NAME)
        except (OSError, ValueError, TypeError):
            outcome = TaskOutcome("failed", [], worker.failure())
        result = Result(task.name, outcome.status, seconds, outcome.error, list(outcome.files),
                        outcome.failed_notebook)
        staged = task_dir / "out"
        before = manifest.previous_entry(self.previous, result.name)
        failed_rel = f"{FAILED_DIR}/{result.name}.ipynb"
        job = self.jobs.get(result.name)
        owned = [job.folder] if job is not None else ["rap_tables.xlsx", "hxl"]
        if result.ok:
            _install(staged, self.out, result.files)
            stale = [r for r in before.get("files", []) if r not in result.files]
            _remove(self.out, stale, owned)
            _remove(self.out, [failed_rel], [failed_rel])
        elif result.failed_notebook:
            _install(staged, self.out, [result.failed_notebook])
        self.entries[result.name] = self.entry(task, result, before)
        return result

    def entry(self, task: Task, result: Result, before: dict[str, Any]) -> dict[str, Any]:
        """The manifest entry of a finished task."""
        job = self.jobs.get(result.name)
        attempt = {"status": result.status, "seconds": result.seconds, "error": result.error,
                   "failed_notebook": result.failed_notebook}
        if result.ok:
            made: dict[str, Any] = {"files": result.files, "rendered_from": self.rendered_from}
            if isinstance(task, NotebookTask) and job is not None:
                made.update(
                    parameters=job.parameters, source=task.notebook,
                    source_sha256=manifest.sha256_file(task.notebook),
                    output_dir=job.folder,
                )
            return {**made, **attempt}
        # A failure keeps the files (and their provenance) of the last good render.
        kept = {k: v for k, v in before.items() if k not in attempt}
        kept.setdefault("files", [])
        if job is not None:
            kept.setdefault("parameters", job.parameters)
            kept.setdefault("output_dir", job.folder)
        return {**kept, **attempt}

    def write_manifest(self) -> Path | None:
        if not self.entries:
            return None
        order = [TABLES, *self.jobs, BOOK]
        entries = {name: self.entries[name] for name in order if name in self.entries}
        built = manifest.build(self.out, self.previous, self.provenance, entries)
        return manifest.write(self.out, built)


def _clean_stale(out: Path) -> None:
    """Remove staging directories and temp files that a killed render left behind."""
    for stale in out.glob(f"{WORK_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out.glob(f".{manifest.MANIFEST_NAME}.tmp-*"):
        stale.unlink(missing_ok=True)


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="rapnb render", unit="nb", file=sys.stderr,
                disable=not enabled, dynamic_ncols=True, mininterval=0.5, leave=True)


def render(
    jobs: Sequence[Job],
    out: str | os.PathLike[str],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    tables: bool = True,
    progress: bool = True,
    wait: bool = False,
    pdf: bool = True,
) -> RenderReport:
    """Render `jobs` (and the workbook and HXL CSVs if `tables`) into `out`.

    `data_dir` (else $RAPNB_DATA_DIR, else the bundled data) is what the kernels and the tables
    read; pass it in the jobs' parameters too (report_jobs does). At most `workers` notebooks
    run at once (default: the CPU count). With `pdf`, each notebook gets a PDF and, once the
    overview and every sheet have one in `out`, the book. Raises RenderLockedError if another
    render holds `out` (unless `wait`). Creates `out` if needed.
    """
    out_dir = Path(out).expanduser().resolve()
    names = [job.name for job in jobs]
    if len(set(names)) != len(names) or TABLES in names or BOOK in names:
        raise ValueError(f"job names must be unique and not {TABLES!r} or {BOOK!r}: {names}")
    out_dir.mkdir(parents=True, exist_ok=True)
    data = Path(data_dir).expanduser().resolve() if data_dir is not None else None
    with render_lock(out_dir, wait=wait):
        _clean_stale(out_dir)
        work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=out_dir))
        flag = _StopFlag()
        try:
            with _signals_to(flag):
                renderer = _Renderer(out_dir, work, data, max(1, workers or os.cpu_count() or 1),
                                     pdf)
                # The tables come last: a short task that fills the wait for the last notebook.
                tasks = [renderer.task(j) for j in jobs] + ([renderer.task(None)] if tables else [])
                results = _run(renderer, tasks, flag, progress)
                if pdf and flag.signum is None:
                    results += _book_step(renderer, results)
                path = renderer.write_manifest()
        finally:
            shutil.rmtree(work, ignore_errors=True)
    order = {name: i for i, name in enumerate([TABLES, *names, BOOK])}
    results.sort(key=lambda r: order[r.name])
    return RenderReport(out_dir, results, flag.signum, path)


def _book_step(renderer: _Renderer, results: list[Result]) -> list[Result]:
    """The one step after the notebooks: the book PDF (`rapnb.build.book.book_step`)."""
    from rapnb.build.book import book_step

    made = book_step(renderer.out, renderer.work, renderer.previous, renderer.entries,
                     renderer.rendered_from, str(renderer.provenance["data_dir"]),
                     rendered=any(r.ok and r.name in renderer.jobs for r in results))
    if made is None:
        return []
    result, renderer.entries[BOOK] = made
    return [result]


def _run(renderer: _Renderer, tasks: list[Task], flag: _StopFlag, progress: bool) -> list[Result]:
    pending, results = deque(tasks), []
    workers: list[WorkerProcess] = []
    started: list[WorkerProcess] = []
    bar = _progress(len(tasks), progress)
    try:
        while (pending or any(w.task for w in workers)) and flag.signum is None:
            for worker in [w for w in workers if w.task is not None and w.done()]:
                result = renderer.finish(worker)
                results.append(result)
                if not result.ok:
                    bar.write(f"FAILED {result.name}: {result.error}", file=sys.stderr)
                bar.update(1)
            for worker in [w for w in workers if w.task is None and w.proc.poll() is not None]:
                workers.remove(worker)  # died between tasks: replaced below if still needed
            busy = sum(w.task is not None for w in workers)
            while len(workers) < min(renderer.workers, busy + len(pending)):
                folder = renderer.work / f"_worker-{len(started) + 1}"
                started.append(start_worker(folder, renderer.env))
                workers.append(started[-1])
            for worker in workers:
                if worker.task is None:
                    if pending:
                        worker.assign(pending.popleft())
                    else:
                        worker.close()
            bar.set_postfix_str(", ".join(w.task.name for w in workers if w.task)[:60],
                                refresh=False)
            time.sleep(POLL_SECONDS)
        if flag.signum is not None and any(w.proc.poll() is None for w in workers):
            bar.write(f"rapnb render: stopping ({signal.Signals(flag.signum).name}), "
                      "shutting kernels down", file=sys.stderr)
            terminate(workers)
        else:
            shut_down(workers)
    finally:
        bar.close()
        if any(w.proc.poll() is None for w in workers):  # an unexpected error in this loop
            terminate(workers, grace=5.0)
        for worker in started:
            shutil.rmtree(worker.tmp, ignore_errors=True)
    return results


