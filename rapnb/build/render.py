"""Render the report: every notebook executed by papermill, in a pool of worker processes.

    >>> from rapnb.build import render, report_jobs          # doctest: +SKIP
    >>> render(report_jobs(["colombia"], overview=True), "outputs").exit_code

The render process schedules the notebooks on `--jobs` long-lived workers (`rapnb.build.pool`,
`rapnb.build.worker`) and the tables on one more, at a lower priority; each task is a typed
message (`rapnb.build.messages`). It moves each finished file into place with `os.replace`, so
a reader (or an interrupted render) never sees half a file. A notebook that fails leaves its
previous outputs alone and its executed copy in `failed/<name>.ipynb`; a worker that dies fails
only its current task and is replaced. Once every notebook is in, the books are typeset
(`rapnb.build.book`); then the site's index page is written over what is installed
(`rapnb.build.site`). The manifest is rewritten as each task's files land, and last with the
index.

On SIGINT/SIGTERM the render process sends SIGTERM to the workers, which raise, so papermill
shuts their kernels down; a worker that does not exit in time is killed with its kernel.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rapnb import __version__
from rapnb.build import fingerprint, kernel_zygote, manifest, site, worker_zygote
from rapnb.build.atomic import fsync_dir
from rapnb.build.book import PreparedParts
from rapnb.build.jobs import BOOK, OVERVIEW, TABLE_OUTPUTS, TABLES, Job, RenderReport, Result
from rapnb.build.lock import render_lock
from rapnb.build.messages import (
    SHEETS_TABLES_NAME,
    FiguresTask,
    NotebookTask,
    TablesTask,
    Task,
    TaskOutcome,
    staging_folder,
)
from rapnb.build.pool import (
    Finished,
    WorkerProcess,
    shut_down,
    start_worker,
    sweep_stale_tmpdirs,
    terminate,
)
from rapnb.build.schedule import dearest_first
from rapnb.build.wakeup import WAKEUP_ENV, Wakeup
from rapnb.build.worker import FAILED_DIR, NICENESS_ENV
from rapnb.build.worker_zygote import ForkedProcess
from rapnb.context import LANGUAGES
from rapnb.datasets.reads import READS_LOG_ENV
from rapnb.paths import DATA_DIR_ENV
from rapnb.paths import data_dir as resolve_data_dir
from rapnb.present.display import RENDER_KERNEL_ENV

WORK_PREFIX = ".rapnb-tmp-"
POLL_SECONDS = 0.02
"""How often the render loop checks its workers when none has woken it (`Wakeup`)."""
WAKEUP_FIFO = "_wakeup"
"""The FIFO in the work folder through which workers say a result is there."""


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


class ForeignFilesError(RuntimeError):
    """The output directory holds files with rapnb's names that rapnb did not write."""

    def __init__(self, out: Path, found: list[str]) -> None:
        self.out, self.found = out, found
        shown = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        super().__init__(
            f"--out {out} holds files rapnb did not write and would replace: {shown}; "
            "render into another --out, or add --overwrite to replace them")


OWN_TOP_LEVEL = (manifest.MANIFEST_NAME, *TABLE_OUTPUTS, "sheets", OVERVIEW, FAILED_DIR,
                 site.INDEX_NAME, *LANGUAGES)
"""The names rapnb writes at the top of an output directory."""


def foreign_files(out: Path, previous: dict[str, Any]) -> list[str]:
    """Files (or non-directories where rapnb needs a folder) under rapnb's own names in `out`
    that the previous manifest does not list: rapnb may only replace what it wrote."""
    listed = set(previous.get("files", {})) if isinstance(previous.get("files"), dict) else set()
    found = []
    for name in OWN_TOP_LEVEL:
        path = out / name
        if name == manifest.MANIFEST_NAME:
            if path.exists() and not previous:
                found.append(name)  # not a manifest rapnb can read
            continue
        if path.is_dir() and not path.is_symlink():
            found += [p.relative_to(out).as_posix() for p in sorted(path.rglob("*"))
                      if not p.is_dir() and p.relative_to(out).as_posix() not in listed]
        elif (path.exists() or path.is_symlink()) and name not in listed:
            found.append(name)
    return found


@dataclass(frozen=True)
class Plan:
    """Whether a job (or the tables) is rendered this time, and why."""

    name: str
    render: bool
    reason: str


class _Renderer:
    """The parent side of a render: decides what to render, schedules workers, installs
    outputs, and keeps the manifest current after each one."""

    def __init__(self, out: Path, data_dir: Path | None, workers: int, pdf: bool = True
                 ) -> None:
        self.out, self.data_dir, self.workers, self.pdf = out, data_dir, workers, pdf
        self.work: Path | None = None
        self.previous = manifest.load(out)
        resolved = resolve_data_dir(data_dir)
        self.resolved = resolved
        files = manifest.data_files(resolved)
        self.data_files = files
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
        self.hashes: dict[str, dict[str, Any]] = {}
        self.reasons: dict[str, str] = {}
        self.skipped: set[str] = set()
        self.languages: list[str] = []
        self.book_parts = PreparedParts()
        self.book_queue: queue.SimpleQueue[tuple[str, Path] | None] = queue.SimpleQueue()
        """Each book part whose bytes are final: its path in the output folder and where the
        bytes are now (installed there, or still staged); None ends the queue."""
        self.rehearsed = threading.Event()
        """Set once the final steps' warm-up has rehearsed the books whose parts were there
        (the book step waits for that; later Typst work is one compilation at a time)."""
        self.books_started = threading.Event()
        """Set when the book step begins (no rehearsal is worth starting after that)."""
        self.sheets_tables: dict[str, site.SheetsTable] = {}
        """The index page's sheets tables per language, from this render's tables worker
        (`rapnb.build.site.sheets_tables`); the index makes any that is missing."""
        self.worker_zygote: str | None = None
        """The socket of the zygote that forks the notebook workers (None: they are
        launched)."""
        self.tables_zygote: str | None = None
        """The socket of the zygote that forks the tables' worker: the kernel zygote, which
        has pandas and the tables loaded (None: it is launched)."""
        self.env = dict(os.environ, PYTHONHASHSEED="0", **{RENDER_KERNEL_ENV: "1"})
        if data_dir is not None or os.environ.get(DATA_DIR_ENV):
            self.env[DATA_DIR_ENV] = str(resolved)  # absolute: kernels run in another cwd

    # ------------------------------------------------------------ what to render

    def tables_inputs(self) -> dict[str, Any]:
        """What the workbook and HXL CSVs are made from: every data file."""
        reads = [{"file": name, "where": None, "sha256": digest}
                 for name, digest in sorted(self.data_files.items())]
        return fingerprint.inputs(None, {}, reads)

    def job_inputs(self, job: Job, reads: list[dict[str, Any]]) -> dict[str, Any]:
        return fingerprint.inputs(job.notebook, job.parameters, reads, {"pdf": self.pdf})

    def plan(self, job: Job | None, force: bool) -> Plan:
        """Render `job` (None: the tables) unless its fingerprint is unchanged and its outputs
        are intact."""
        name = job.name if job is not None else TABLES
        before = manifest.previous_entry(self.previous, name)
        if force:
            return Plan(name, True, "forced (--force)")
        if not before:
            return Plan(name, True, "not rendered before")
        if before.get("status") != "ok" or "inputs" not in before:
            return Plan(name, True, "last render failed" if before.get("status") == "failed"
                        else "no fingerprint in the manifest")
        old = before["inputs"]
        if job is None:
            now = self.tables_inputs()
        else:
            now = self.job_inputs(job, fingerprint.current_reads(old.get("reads", []),
                                                                 self.resolved))
        if fingerprint.fingerprint(now) != before.get("fingerprint"):
            return Plan(name, True, "; ".join(fingerprint.changes(old, now)))
        damage = manifest.intact(self.out, self.previous, list(before.get("files", [])))
        if damage is not None:
            return Plan(name, True, damage)
        for rel in before.get("files", []):
            self.hashes[rel] = self.previous["files"][rel]
        return Plan(name, False, "unchanged")

    def task(self, job: Job | None) -> Task:
        """The task for `job`, or for the tables if None."""
        data_dir = str(self.provenance["data_dir"])
        assert self.work is not None
        if job is None:
            return TablesTask(TABLES, str(self.work / "_tables"), data_dir)
        self.jobs[job.name] = job
        return NotebookTask(
            name=job.name, folder=job.folder, notebook=str(job.notebook.resolve()),
            parameters=job.parameters,
            source_label=f"{job.notebook.parent.name}/{job.notebook.name}",
            work=str(self.work / job.name.replace("/", "-")), data_dir=data_dir,
            stem=job.file_stem, languages=self.languages, pdf=self.pdf, pngs_later=True,
        )

    def skip(self, job: Job | None, reason: str) -> Result:
        """Keep a job's previous outputs and manifest entry as they are."""
        name = job.name if job is not None else TABLES
        if job is not None:
            self.jobs[name] = job
        before = manifest.previous_entry(self.previous, name)
        self.entries[name] = before
        self.skipped.add(name)
        return Result(name, "skipped", 0.0, None, list(before.get("files", [])), None, reason)

    # ------------------------------------------------------------ installing

    def finish(self, finished: Finished) -> Result:
        """Install the files of a finished task and record its manifest entry: the manifest
        first lists the old and the new files, then the files are moved into place and stale
        ones removed, then the manifest lists the new ones (so that whenever the render is
        killed, the manifest lists every file rapnb put into the output directory)."""
        task, seconds, outcome = finished.task, finished.seconds, finished.outcome
        task_dir = Path(task.work)
        result = Result(task.name, outcome.status, seconds, outcome.error, list(outcome.files),
                        outcome.failed_notebook, self.reasons.get(task.name, ""))
        staged = staging_folder(task_dir)
        before = manifest.previous_entry(self.previous, result.name)
        failed_rel = f"{FAILED_DIR}/{result.name}.ipynb"
        job = self.jobs.get(result.name)
        owned = [job.folder] if job is not None else list(TABLE_OUTPUTS)
        new = result.files if result.ok else [result.failed_notebook or ""]
        for rel in filter(None, new):
            self.hashes[rel] = manifest.file_entry(staged / rel)
        entry = self.entry(task, result, before, outcome)
        final_write = True
        if result.ok:
            stale = [r for r in before.get("files", []) if r not in result.files]
            listed = sorted({*result.files, *stale})
            earlier = before.get("failed_notebook")  # listed until it is removed below
            # With nothing to remove, the manifest after the install is the one before it.
            final_write = bool(stale) or bool(earlier) or listed != entry["files"]
            self.entries[result.name] = {**entry, "files": listed, "failed_notebook": earlier}
            self.write_manifest()
            _install(staged, self.out, result.files)
            _remove(self.out, stale, owned)
            _remove(self.out, [failed_rel], [failed_rel])
            for rel in [*stale, failed_rel]:
                self.hashes.pop(rel, None)
        elif result.failed_notebook:
            self.entries[result.name] = entry
            self.write_manifest()
            _install(staged, self.out, [result.failed_notebook])
        self.entries[result.name] = entry
        if final_write:
            self.write_manifest()
        if result.ok and isinstance(task, NotebookTask) and job is not None and self.pdf:
            self.book_queue.put((job.executed_notebook, self.out / job.executed_notebook))
        if result.ok and isinstance(task, TablesTask):
            self.sheets_tables = site.read_sheets_tables(task_dir / SHEETS_TABLES_NAME)
        return result

    def held(self, finished: Finished) -> None:
        """A notebook is in but held back until its PNGs are drawn (`_Figures`): its executed
        notebook, final in its staging folder, is a book part the warm-up can read now."""
        job = self.jobs.get(finished.task.name)
        if job is not None and self.pdf:
            self.book_queue.put((job.executed_notebook,
                                 staging_folder(finished.task.work) / job.executed_notebook))

    def entry(self, task: Task, result: Result, before: dict[str, Any],
              outcome: TaskOutcome) -> dict[str, Any]:
        """The manifest entry of a finished task."""
        job = self.jobs.get(result.name)
        # A failure with no executed copy of its own (its worker died, its PNGs could not be
        # drawn) keeps listing the copy an earlier failure left in failed/, which is still there.
        failed_copy = result.failed_notebook or (None if result.ok else
                                                 before.get("failed_notebook"))
        attempt = {"status": result.status, "seconds": result.seconds, "error": result.error,
                   "failed_notebook": failed_copy, "reason": result.reason}
        if result.ok:
            made: dict[str, Any] = {"files": result.files, "rendered_from": self.rendered_from}
            if isinstance(task, NotebookTask) and job is not None:
                reads = fingerprint.describe_reads(outcome.reads, self.resolved)
                inputs = self.job_inputs(job, reads)
                made.update(
                    parameters=job.parameters, source=task.notebook,
                    source_sha256=inputs["notebook_sha256"], output_dir=job.folder,
                    execution=outcome.execution,
                )
            else:
                inputs = self.tables_inputs()
            made.update(inputs=inputs, fingerprint=fingerprint.fingerprint(inputs))
            return {**made, **attempt}
        # A failure keeps the files (and their provenance) of the last good render.
        kept = {k: v for k, v in before.items()
                if k not in attempt and k not in ("inputs", "fingerprint")}
        kept.setdefault("files", [])
        if job is not None:
            kept.setdefault("parameters", job.parameters)
            kept.setdefault("output_dir", job.folder)
        return {**kept, **attempt}

    def write_manifest(self, site_files: Sequence[str] | None = None) -> Path | None:
        """Write the manifest of what is installed now; the site's files are `site_files`, or
        those of the previous manifest."""
        if not self.entries:
            return None
        order = [TABLES, *self.jobs, *(f"{lang}/{BOOK}" for lang in self.languages)]
        entries = {name: self.entries[name] for name in order if name in self.entries}
        built = manifest.build(self.out, self.previous, self.provenance, entries, self.hashes,
                               rendered=[name for name in entries if name not in self.skipped])
        if site_files is None:
            previous_site = self.previous.get("site")
            site_files = previous_site.get("files", []) if isinstance(previous_site, dict) else []
        if site_files:
            built = site.add_to_manifest(built, self.out, list(site_files))
        return manifest.write(self.out, built)

    def write_site_and_manifest(self, data_dir: str, with_site: bool = True) -> Path | None:
        """Write the index pages (if `with_site`) and then the manifest, which lists them; nothing
        of the site is written without a manifest to list it, and the index pages are
        removed again if the manifest cannot be written (a full disk), so every file in the
        output folder stays listed."""
        site_files = (site.write_index(self.out, data_dir, self.sheets_tables)
                      if with_site and self.entries else None)
        try:
            return self.write_manifest(site_files)
        except OSError:
            for rel in site_files or []:
                (self.out / rel).unlink(missing_ok=True)
            raise


def _clean_stale(out: Path) -> None:
    """Remove staging directories and temp files that a killed render left behind, and the
    worker temporary directories of renders that are no longer running."""
    for stale in out.glob(f"{WORK_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in out.glob(f".{manifest.MANIFEST_NAME}.tmp-*"):
        stale.unlink(missing_ok=True)
    sweep_stale_tmpdirs()


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
    force: bool = False,
    overwrite: bool = False,
    pdf: bool = True,
) -> RenderReport:
    """Render `jobs` (and the workbook, HXL CSVs and HDX files if `tables`) into `out`.

    A job whose fingerprint (`rapnb.build.fingerprint`) is unchanged since the last render and
    whose outputs are intact is skipped, unless `force`. `data_dir` (else $RAPNB_DATA_DIR, else
    the bundled data) is what the kernels and the tables read; pass it in the jobs' parameters
    too (report_jobs does). At most `workers` notebooks run at once (default: the CPU count).
    Raises RenderLockedError if another render holds `out` (unless `wait`), ForeignFilesError
    if `out` holds files with rapnb's names that its manifest does not list (unless
    `overwrite`). With `pdf`, each notebook also gets an A4 PDF and each language, once its
    overview and every sheet have one in `out`, the book. Creates `out` if needed.
    """
    out_dir = Path(out).expanduser().resolve()
    names = [job.name for job in jobs]
    if len(set(names)) != len(names) or TABLES in names or any(
            n.endswith(f"/{BOOK}") or n == BOOK for n in names):
        raise ValueError(f"job names must be unique and not {TABLES!r} or {BOOK!r}: {names}")
    out_dir.mkdir(parents=True, exist_ok=True)
    data = Path(data_dir).expanduser().resolve() if data_dir is not None else None
    flag = _StopFlag()
    with render_lock(out_dir, wait=wait):
        _clean_stale(out_dir)
        renderer = _Renderer(out_dir, data, max(1, workers or os.cpu_count() or 1), pdf)
        found = [] if overwrite else foreign_files(out_dir, renderer.previous)
        if found:
            raise ForeignFilesError(out_dir, found)
        renderer.languages = sorted({str(j.parameters.get("lang", "en")) for j in jobs})
        todo: list[Job | None] = [*jobs, *([None] if tables else [])]
        plans = [renderer.plan(job, force) for job in todo]
        results = [renderer.skip(job, p.reason) for job, p in zip(todo, plans, strict=True)
                   if not p.render]
        pending = [job for job, p in zip(todo, plans, strict=True) if p.render]
        renderer.reasons = {p.name: p.reason for p in plans}
        path = None
        if pending:
            renderer.work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=out_dir))
            zygotes: list[kernel_zygote.ZygoteProcess] = []
            try:
                zygotes = _start_zygotes(renderer, any(job is not None for job in pending))
                with _signals_to(flag):
                    # The tables are written beside the notebooks, the books once these
                    # are in (`make_books`, called by `_run`).
                    # The dearest notebooks first (`rapnb.build.schedule`).
                    tasks = [renderer.task(j) for j in dearest_first(pending, renderer.resolved)]
                    warming = _warm_up_final_steps(renderer, pdf, flag)
                    books: list[Result] = []
                    failures: list[Exception] = []

                    def make_books(done: list[Result]) -> None:
                        renderer.books_started.set()
                        if not pdf or not any(r.rendered for r in done):
                            return
                        while flag.signum is None and not renderer.rehearsed.wait(POLL_SECONDS):
                            pass
                        if flag.signum is not None:
                            return
                        try:
                            made = [*results, *done]
                            books.extend(b for lang in renderer.languages
                                         for b in _book_step(renderer, made, lang))
                        except Exception as exc:  # raised once the tables are in too
                            failures.append(exc)

                    try:
                        results += _run(renderer, tasks, flag, progress, make_books)
                    finally:
                        renderer.book_queue.put(None)
                        # Stopped: no final steps, so no need to wait for their warm-up.
                        warming.join(timeout=None if flag.signum is None else STOP_JOIN_SECONDS)
                    if failures:
                        raise failures[0]
                    results += books
                    # The site's index pages, over everything now installed (not when stopped).
                    path = renderer.write_site_and_manifest(
                        str(renderer.provenance["data_dir"]), with_site=flag.signum is None)
            finally:
                for zygote in zygotes:
                    zygote.close()
                shutil.rmtree(renderer.work, ignore_errors=True)
        elif site.index_missing(out_dir):
            path = renderer.write_site_and_manifest(str(renderer.resolved))
        elif (out_dir / manifest.MANIFEST_NAME).is_file():
            path = out_dir / manifest.MANIFEST_NAME  # nothing rendered: nothing rewritten
    order = {name: i for i, name in enumerate(
        [TABLES, *names, *(f"{lang}/{BOOK}" for lang in renderer.languages)])}
    results.sort(key=lambda r: order[r.name])
    return RenderReport(out_dir, results, flag.signum, path)


def _start_zygotes(renderer: _Renderer, notebooks: bool) -> list[kernel_zygote.ZygoteProcess]:
    """The kernel zygote the render's workers share (`rapnb.build.kernel_zygote`), its socket
    in their environment, and the zygote that forks the notebook workers
    (`rapnb.build.worker_zygote`): `renderer.worker_zygote`, and `renderer.tables_zygote` for
    the kernel zygote, which then forks the tables' worker too. None if kernels are not forked
    or their zygote cannot start (each worker then launches its kernels itself), no worker
    zygote if workers are not forked; none without `notebooks` to render."""
    if not kernel_zygote.enabled() or not notebooks:
        return []
    assert renderer.work is not None
    env = {k: v for k, v in renderer.env.items() if k != READS_LOG_ENV}
    forked = worker_zygote.enabled()
    try:
        zygote = kernel_zygote.ZygoteProcess(
            env, renderer.work / "zygote.log",
            code=worker_zygote.KERNEL_ZYGOTE_CODE if forked else kernel_zygote.ZYGOTE_CODE)
    except (kernel_zygote.ZygoteError, OSError):
        return []
    renderer.env[kernel_zygote.SOCKET_ENV] = zygote.path
    if not forked:
        return [zygote]
    renderer.tables_zygote = zygote.path
    try:
        workers = worker_zygote.start_worker_zygote(dict(renderer.env),
                                                    renderer.work / "worker-zygote.log")
    except (kernel_zygote.ZygoteError, OSError):
        return [zygote]
    renderer.worker_zygote = workers.path
    return [zygote, workers]


REHEARSE_SHARE = 4
"""A book is rehearsed (`rapnb.build.book.rehearse`) while the workers run if at most one part
in REHEARSE_SHARE is being rendered again: the unchanged parts are then laid out already."""
STOP_JOIN_SECONDS = 1.0
"""How long a stopped render waits for its warm-up thread (a daemon) before it returns."""


def _warm_up_final_steps(renderer: _Renderer, pdf: bool, flag: _StopFlag) -> threading.Thread:
    """Start, in a thread of the render process, the part of the final steps (the books, the
    index page) that does not depend on the outputs, and the part that depends on one notebook
    at a time: imports and reads that would otherwise wait until the last notebook is in, and
    each book part read and converted as soon as its bytes are final, staged or installed
    (`renderer.book_queue`; None ends the thread). A book most of whose parts are unchanged
    is rehearsed from the parts already there; a book with one part still to come (and the
    book step not begun), with another sheet standing in for it. The index page's sheets
    table is warmed up here only when this render does not write the tables (their worker
    makes it otherwise). A failure here is the final steps' to report."""
    from rapnb.build import book
    from rapnb.datasets.loaders import sheets

    data_dir = str(renderer.provenance["data_dir"])
    data_sha256 = str(renderer.rendered_from["data_sha256"])
    pending = set(renderer.reasons) - renderer.skipped
    listed: list[str] = []
    waiting: dict[str, set[str]] = {}  # per language, the parts not in yet
    stood_in: set[str] = set()  # the languages rehearsed with a stand-in
    final: dict[str, Path] = {}  # where each part's final bytes are: staged, or installed

    def warm() -> None:
        try:
            warm_books()
        finally:
            renderer.rehearsed.set()
        while (item := renderer.book_queue.get()) is not None:
            rel, path = item
            if pdf and flag.signum is None:
                renderer.book_parts.prepare(path)
                final[rel] = path
                for lang, rels in waiting.items():
                    rels.discard(rel)
                    if len(rels) == 1 and lang not in stood_in and (
                            not renderer.books_started.is_set()):
                        stood_in.add(lang)
                        with contextlib.suppress(Exception):
                            book.rehearse(renderer.out, listed, lang, renderer.book_parts,
                                          data_sha256, stand_in=True, final=final)

    def warm_books() -> None:
        with contextlib.suppress(Exception):
            if TABLES not in pending:  # else the tables worker makes the index's table
                site.warm_up(data_dir)
            if pdf:
                book.warm_up()
        for lang in renderer.languages if pdf else []:  # parts kept from an earlier render
            if flag.signum is not None:
                break
            with contextlib.suppress(Exception):
                listed[:] = sheets(data_dir)
                parts = book.book_notebooks(listed, lang)
                waiting[lang] = {rel for name, rel in parts if name in pending}
                for _, rel in parts:
                    if (renderer.out / rel).is_file():
                        renderer.book_parts.prepare(renderer.out / rel)
                if len(waiting[lang]) <= len(parts) // REHEARSE_SHARE:
                    book.rehearse(renderer.out, listed, lang, renderer.book_parts, data_sha256)

    thread = threading.Thread(target=warm, name="rapnb-warm-up", daemon=True)
    thread.start()
    return thread


def _book_step(renderer: _Renderer, results: list[Result], lang: str) -> list[Result]:
    """After the notebooks: the book of `lang` (`rapnb.build.book.book_step`), if one of its
    notebooks was rendered."""
    from rapnb.build.book import book_step

    assert renderer.work is not None
    rendered = any(r.ok and r.rendered and r.name.startswith(f"{lang}/") for r in results)
    current = frozenset(r.name for r in results if r.ok)  # rendered, or unchanged
    made = book_step(renderer.out, renderer.work, renderer.previous, renderer.entries,
                     renderer.rendered_from, str(renderer.provenance["data_dir"]),
                     rendered=rendered, lang=lang, current=current,
                     prepared=renderer.book_parts)
    if made is None:
        return []
    result, renderer.entries[result.name] = made
    renderer.write_manifest()
    return [result]


BACKGROUND_NICENESS = 19
"""The niceness of the worker that writes the tables: it runs on what the notebooks leave of
the CPU (the gaps while a kernel starts, or a worker waits for one), and at full speed once
they are done, on a machine with nothing else to do. (At niceness 10 it took its share at the
start, when the zygote needs the CPU most. A niceness cannot be lowered again: where other
work keeps the machine busy, the tables may come last.)"""


@dataclass
class _Lane:
    """Tasks and the workers that take them: at most `size` at once, started with `env` (and
    forked by `zygote`, if given)."""

    pending: deque[Task]
    size: int
    env: dict[str, str]
    workers: list[WorkerProcess]
    zygote: str | None = None


@dataclass
class _Figures:
    """The PNGs still to draw. A notebook's worker stages its SVGs and leaves the PNGs
    (`NotebookTask.pngs_later`, 2 s of CPU in a render): they are drawn by a FiguresTask.
    While notebooks still run, the low-priority worker takes them (so it draws on the CPU the
    notebooks leave: while a kernel starts, while a worker waits for its kernel), and so does
    a notebook worker with no notebook left to start; once the notebooks are done, only the
    notebook workers do, and a FiguresTask still on the low-priority worker is taken back
    (:meth:`take_back`): on a busy machine, a process at niceness 19 could keep the last
    notebooks waiting for a long time. The notebook waits here, not installed, until its PNGs
    are in its staging folder."""

    work: Path
    on_hold: Callable[[Finished], None] = lambda finished: None
    """Called with each notebook held back."""
    pending: deque[FiguresTask] = field(default_factory=deque)
    waiting: dict[str, Finished] = field(default_factory=dict)

    @property
    def busy(self) -> bool:
        """Whether PNGs are still to draw (queued, or being drawn)."""
        return bool(self.pending or self.waiting)

    def sort(self, finished: list[Finished]) -> list[Finished]:
        """The tasks of `finished` to install now: a notebook with PNGs to draw is held back
        (and its FiguresTask queued); a FiguresTask gives back its notebook, with the PNGs,
        or failed if they could not be drawn."""
        ready = []
        for item in finished:
            task, outcome = item.task, item.outcome
            if isinstance(task, NotebookTask) and outcome.ok and outcome.pngs:
                name = f"{task.name} figures"
                self.pending.append(FiguresTask(
                    name, str(self.work / f"_figures-{Path(task.work).name}"),
                    str(staging_folder(task.work)), list(outcome.pngs)))
                self.waiting[name] = item
                self.on_hold(item)
            elif isinstance(task, FiguresTask):
                ready.append(self._release(item))
            else:
                ready.append(item)
        return ready

    def take_back(self, workers: list[WorkerProcess]) -> list[WorkerProcess]:
        """Kill the workers of `workers` that are drawing PNGs and not done yet, and queue
        their FiguresTasks again (first, each in a new folder: the PNGs already drawn are
        kept); return the workers killed, which are not to be given another task."""
        taken = [w for w in workers if isinstance(w.task, FiguresTask) and not w.done()]
        for worker in reversed(taken):
            assert isinstance(worker.task, FiguresTask)
            with contextlib.suppress(ProcessLookupError):
                worker.proc.kill()  # no kernel and nothing of its own to clean up
            self.pending.appendleft(replace(worker.task, work=f"{worker.task.work}-again"))
            worker.task = None
        return taken

    def _release(self, drawn: Finished) -> Finished:
        notebook = self.waiting.pop(drawn.task.name)
        outcome, seconds = notebook.outcome, round(notebook.seconds + drawn.seconds, 2)
        if not drawn.outcome.ok:
            return Finished(notebook.task, seconds, TaskOutcome(
                "failed", [], f"drawing its PNGs: {drawn.outcome.error}"))
        steps = {**outcome.execution.get("steps", {}), "png": drawn.seconds}
        return Finished(notebook.task, seconds, replace(
            outcome, files=sorted([*outcome.files, *outcome.pngs]), pngs=[],
            execution={**outcome.execution, "steps": steps}))


def _run(renderer: _Renderer, tasks: list[Task], flag: _StopFlag, progress: bool,
         notebooks_done: Callable[[list[Result]], None] | None = None) -> list[Result]:
    """Run `tasks`: the notebooks on `renderer.workers` workers, the tables beside them on one
    low-priority worker (BACKGROUND_NICENESS), the notebooks' PNGs (`_Figures`) on that one
    while the notebooks run, then on any; return their results. Once every notebook is in,
    `notebooks_done` is called (once, not when the render is stopped) with the results so far,
    while the tables, if not done yet, are written."""
    assert renderer.work is not None
    wakeup = Wakeup(renderer.work / WAKEUP_FIFO)
    env = {**renderer.env, WAKEUP_ENV: str(wakeup.path)}
    notebooks = _Lane(deque(t for t in tasks if isinstance(t, NotebookTask)), renderer.workers,
                      env, [], renderer.worker_zygote)
    tables = _Lane(deque(t for t in tasks if not isinstance(t, NotebookTask)), 1,
                   {**env, NICENESS_ENV: str(BACKGROUND_NICENESS)}, [],
                   renderer.tables_zygote)
    # The notebook workers first: they are forked once the worker zygote has imported their
    # stack, the tables' worker once the kernel zygote has imported the kernels' (later).
    lanes, results = (notebooks, tables), []
    figures = _Figures(renderer.work, renderer.held)
    started: list[WorkerProcess] = []
    bar = _progress(len(tasks), progress)
    try:
        while (figures.busy or any(lane.pending or any(w.task for w in lane.workers)
                                   for lane in lanes)) and flag.signum is None:
            # Taken from their workers first, installed once the workers have new tasks.
            finished = figures.sort([w.take() for lane in lanes for w in lane.workers
                                     if w.task is not None and w.done()])
            notebooks_left = bool(notebooks.pending) or any(
                isinstance(w.task, NotebookTask) for w in notebooks.workers)
            if not notebooks_left:  # no PNGs at niceness 19 once the notebooks are done
                for worker in figures.take_back(tables.workers):
                    tables.workers.remove(worker)
            for lane in lanes:
                for worker in [w for w in lane.workers
                               if w.task is None and w.proc.poll() is not None]:
                    lane.workers.remove(worker)  # died between tasks: replaced if still needed
                busy = sum(w.task is not None for w in lane.workers)
                takes_figures = lane is notebooks or notebooks_left
                wanted = busy + len(lane.pending) + (len(figures.pending) if takes_figures else 0)
                while len(lane.workers) < min(lane.size, wanted):
                    assert renderer.work is not None
                    folder = renderer.work / f"_worker-{len(started) + 1}"
                    started.append(start_worker(folder, lane.env, lane.zygote))
                    lane.workers.append(started[-1])
                    if lane.zygote is not None and not isinstance(started[-1].proc,
                                                                  ForkedProcess):
                        lane.zygote = None  # it would not fork one: launch the rest at once
                for worker in lane.workers:
                    if worker.task is None:
                        if lane.pending:
                            task = lane.pending.popleft()
                            if isinstance(task, NotebookTask) and lane.pending:
                                task = replace(task, more=True)
                            worker.assign(task)
                        elif figures.pending and takes_figures:
                            worker.assign(figures.pending.popleft())
                        elif not notebooks_left:  # no more figures tasks can come
                            worker.close()
            for taken in finished:
                result = renderer.finish(taken)
                results.append(result)
                if not result.ok:
                    bar.write(f"FAILED {result.name}: {result.error}", file=sys.stderr)
                bar.update(1)
            if notebooks_done is not None and flag.signum is None and not (
                    notebooks.pending or figures.busy or any(w.task for w in notebooks.workers)):
                notebooks_done(results)
                notebooks_done = None
            bar.set_postfix_str(", ".join(w.task.name for lane in lanes for w in lane.workers
                                          if w.task)[:60], refresh=False)
            if any(w.task for lane in lanes for w in lane.workers):
                wakeup.wait(POLL_SECONDS)  # until a worker has a result, or the next check
        if flag.signum is not None and any(w.proc.poll() is None for w in started):
            bar.write(f"rapnb render: stopping ({signal.Signals(flag.signum).name}), "
                      "shutting kernels down", file=sys.stderr)
            terminate(started)
        else:
            shut_down(started)
    finally:
        bar.close()
        if any(w.proc.poll() is None for w in started):  # an unexpected error in this loop
            terminate(started, grace=5.0)
        for worker in started:
            shutil.rmtree(worker.tmp, ignore_errors=True)
        wakeup.close()
    return results


