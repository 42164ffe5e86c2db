"""Render the report: every notebook executed by papermill, in a pool of worker processes.

    >>> from rapnb.render import render, report_jobs          # doctest: +SKIP
    >>> render(report_jobs(["colombia"], overview=True), "outputs").exit_code

Each worker (`python -m rapnb.render --worker PARENT_PID`) stays up for the whole render and
takes tasks one at a time from its stdin: it runs the notebook on a fresh `python3` kernel
whose working directory is a temporary one, draws its charts' SVGs (the kernel leaves them to
the worker, see `rapnb.display`), then exports its HTML and figures into a staging directory
inside the output directory. Keeping workers alive means papermill, nbconvert's templates and
vl-convert's JavaScript engine are loaded once per worker, not once per notebook. The parent
moves each finished file into place with `os.replace`, so a reader (or an interrupted render)
never sees half a file. A notebook that fails leaves its previous outputs alone and its
executed copy in `failed/<name>.ipynb`; a worker that dies fails only its current task and is
replaced. The manifest comes last.

On SIGINT/SIGTERM the parent sends SIGTERM to the workers, which raise, so papermill shuts their
kernels down; a worker that does not exit in time is killed together with its kernel.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapnb import __version__, manifest
from rapnb.atomic import atomic_write_text, fsync_dir
from rapnb.display import RENDER_KERNEL_ENV
from rapnb.lock import render_lock
from rapnb.paths import DATA_DIR_ENV, notebooks_dir
from rapnb.paths import data_dir as resolve_data_dir

OVERVIEW = "regional_overview"
OVERVIEW_NOTEBOOK = "regional_overview.ipynb"
SHEET_NOTEBOOK = "country_sheet.ipynb"
FAILED_DIR = "failed"
RESULT_NAME = "result.json"
WORK_PREFIX = ".rapnb-tmp-"
GRACE_SECONDS = 20.0
"""How long interrupted workers get to shut their kernels down before they are killed."""
POLL_SECONDS = 0.02


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


# ---------------------------------------------------------------- jobs


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
    sheets: Sequence[str], overview: bool = True, data_dir: str | os.PathLike[str] | None = None
) -> list[Job]:
    """The overview (if asked) then one job per sheet."""
    jobs = [overview_job(data_dir)] if overview else []
    return jobs + [sheet_job(sheet, data_dir) for sheet in sheets]


# ---------------------------------------------------------------- processes


def child_pids(pid: int) -> list[int]:
    """Live children of process `pid` (Linux /proc; [] elsewhere)."""
    children = []
    for entry in Path("/proc").glob("[0-9]*/stat") if Path("/proc/self").exists() else []:
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            children.append(int(entry.parent.name))
    return children


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    return state not in {"Z", "X"}


def kill_processes(pids: Sequence[int], grace: float = 3.0) -> None:
    """SIGTERM `pids`, then SIGKILL whatever is still alive after `grace` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)


# ---------------------------------------------------------------- worker (child process)


class _Stopped(BaseException):
    """Raised in a worker by SIGTERM so that papermill's cleanup shuts the kernel down."""


def _raise_stopped(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the cleanup finish undisturbed
    raise _Stopped(signum)


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGTERM this worker if the render process dies (best effort)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        raise _Stopped(signal.SIGTERM)


def one_line(text: str, limit: int = 300) -> str:
    """`text` on one line (whitespace runs collapsed), cut at `limit` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _stage(staged: Path, files: dict[str, bytes]) -> list[str]:
    from rapnb.atomic import atomic_write_bytes

    for rel, data in files.items():
        atomic_write_bytes(staged / rel, data)
    return sorted(files)


def normalise_notebook(
    nb: Any, source_ids: frozenset[str], source_label: str, output_label: str
) -> None:
    """Make an executed notebook independent of where it ran: stable paths, and stable ids
    for the cells papermill added (the others keep their ids, `source_ids`)."""
    meta = nb.metadata.setdefault("papermill", {})
    meta["input_path"] = source_label
    meta["output_path"] = output_label
    used = {cell.get("id") for cell in nb.cells}
    for index, cell in enumerate(nb.cells):
        cell.get("metadata", {}).pop("execution", None)
        if cell.get("id") in source_ids:
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        base = tags[0] if tags else f"{cell.get('cell_type', 'cell')}-added"
        new_id, n = base[:60], index
        while new_id in used and new_id != cell.get("id"):
            new_id = f"{base[:50]}-{n}"
            n += 1
        used.discard(cell.get("id"))
        cell["id"] = new_id
        used.add(new_id)


def _notebook_bytes(nb: Any) -> bytes:
    import nbformat

    text = nbformat.writes(nb)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _make_notebook(spec: dict[str, Any], work: Path) -> dict[str, Any]:
    from rapnb.execute import ExecutionFailed, execute_notebook, source_cell_ids
    from rapnb.figures import add_svgs, figure_files
    from rapnb.html_export import notebook_to_html

    name, folder = spec["name"], spec["folder"]
    cwd, staged = work / "cwd", work / "out"
    cwd.mkdir(exist_ok=True)
    try:
        nb, error = execute_notebook(spec["notebook"], spec["parameters"], cwd), None
    except ExecutionFailed as exc:
        nb, error = exc.notebook, one_line(exc.error)
    source_ids = source_cell_ids(spec["notebook"])
    if error is None:
        rel = f"{folder}/{name}"
        try:
            normalise_notebook(nb, source_ids, spec["source_label"], f"{rel}.ipynb")
            add_svgs(nb)
            files = {f"{rel}.ipynb": _notebook_bytes(nb)}
            files[f"{rel}.html"] = notebook_to_html(nb, name).encode("utf-8")
            for fig, data in figure_files(nb).items():
                files[f"{folder}/{fig}"] = data
            return {"status": "ok", "files": _stage(staged, files)}
        except Exception as exc:
            error = one_line(f"{type(exc).__name__}: {exc}")
    failed = None
    if nb is not None:
        failed = f"{FAILED_DIR}/{name}.ipynb"
        normalise_notebook(nb, source_ids, spec["source_label"], failed)
        _stage(staged, {failed: _notebook_bytes(nb)})
    return {"status": "failed", "error": error or "no executed notebook", "files": [],
            "failed_notebook": failed}


def _make_tables(spec: dict[str, Any], work: Path) -> dict[str, Any]:
    from rapnb.workbook import write_hxl_csvs, write_workbook

    staged = work / "out"
    try:
        write_workbook(staged / "rap_tables.xlsx", spec["data_dir"])
        write_hxl_csvs(staged / "hxl", spec["data_dir"])
    except Exception as exc:
        return {"status": "failed", "error": one_line(f"{type(exc).__name__}: {exc}"),
                "files": []}
    files = sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*")
                   if p.is_file() and not p.name.startswith("."))
    return {"status": "ok", "files": files}


def run_task(spec_path: Path) -> None:
    """Run the task in spec file `spec_path`; write its outcome to `result.json` beside it."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    work = spec_path.parent
    task = _make_tables if spec["kind"] == "tables" else _make_notebook
    result = task(spec, work)
    atomic_write_text(work / RESULT_NAME, json.dumps(result))  # the parent waits for this


def worker_main(argv: Sequence[str]) -> int:
    """Entry point of a worker process: run each task whose spec path arrives on stdin, until
    stdin closes (status 0) or SIGTERM (status 143)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the render process decides when to stop
    signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        _die_with_parent(int(argv[0]))
        for line in iter(sys.stdin.readline, ""):
            if line.strip():
                run_task(Path(line.strip()))
    except _Stopped:
        return 128 + signal.SIGTERM
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        kill_processes(child_pids(os.getpid()))  # last resort for a kernel left behind
    return 0


# ---------------------------------------------------------------- parent


@dataclass
class _Worker:
    """A worker process and the task it is running (None while idle)."""

    proc: subprocess.Popen[bytes]
    log: Path
    tmp: Path
    task: dict[str, Any] | None = None
    started: float = 0.0

    def assign(self, task: dict[str, Any]) -> None:
        """Hand `task` to the worker: write its spec file, then its path to the worker. If the
        worker has died, the task stays with it and fails (see `done`), rather than going to
        another worker: a worker that cannot start must not be replaced for ever."""
        task_dir = Path(task["work"])
        task_dir.mkdir(parents=True, exist_ok=True)
        spec = task_dir / "spec.json"
        spec.write_text(json.dumps(task), encoding="utf-8")
        self.task, self.started = task, time.monotonic()
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):  # BrokenPipeError: the worker is gone
            self.proc.stdin.write(f"{spec}\n".encode())
            self.proc.stdin.flush()

    def done(self) -> bool:
        """Whether the current task has its result (or the worker is gone)."""
        assert self.task is not None
        return (Path(self.task["work"]) / RESULT_NAME).is_file() or self.proc.poll() is not None

    def close(self) -> None:
        """No more tasks: the worker exits once its stdin is closed."""
        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()


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


def _worker_command() -> list[str]:
    """The command line of a worker process."""
    return [sys.executable, "-m", "rapnb.render", "--worker", str(os.getpid())]


def _start_worker(folder: Path, env: dict[str, str]) -> _Worker:
    """Start a worker process that logs into `folder`. Its TMPDIR, where its kernels keep
    their connection files and sockets, is a short new directory of the system's temporary
    directory (socket paths are limited in length), removed by :func:`_run` at the end."""
    folder.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix="rapnb-worker-"))
    log = folder / "worker.log"
    with open(log, "wb") as handle:
        proc = subprocess.Popen(
            _worker_command(),
            stdin=subprocess.PIPE, stdout=handle, stderr=subprocess.STDOUT, cwd=folder,
            env=dict(env, TMPDIR=str(tmp)), start_new_session=True,
        )
    return _Worker(proc, log, tmp)


def _worker_failure(log: Path, code: int | None) -> str:
    how = "no result" if code is None else f"signal {-code}" if code < 0 else f"status {code}"
    try:
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        lines = []
    return one_line(f"WorkerError: worker exited with {how}" + (f": {lines[-1]}" if lines else ""))


def _wait_for_exit(workers: Sequence[_Worker], seconds: float) -> None:
    """Wait until every worker has exited, or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(w.proc.poll() is None for w in workers):
        time.sleep(POLL_SECONDS)


def _terminate(workers: Sequence[_Worker], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM every worker; kill (with its kernel) any that is still there after `grace`."""
    for worker in workers:
        worker.close()
        with contextlib.suppress(ProcessLookupError):
            worker.proc.send_signal(signal.SIGTERM)
    _wait_for_exit(workers, grace)
    for worker in workers:
        if worker.proc.poll() is None:
            kill_processes(child_pids(worker.proc.pid), grace=1.0)
            worker.proc.kill()
        worker.proc.wait()


def _shut_down(workers: Sequence[_Worker], grace: float = 5.0) -> None:
    """Close idle workers' stdin so they exit; terminate any still there after `grace`."""
    for worker in workers:
        worker.close()
    _wait_for_exit(workers, grace)
    _terminate([w for w in workers if w.proc.poll() is None], grace=grace)


class _Renderer:
    """The parent side of a render: schedules workers, installs outputs, builds the manifest."""

    def __init__(self, out: Path, work: Path, data_dir: Path | None, workers: int) -> None:
        self.out, self.work, self.data_dir, self.workers = out, work, data_dir, workers
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

    def task(self, job: Job | None) -> dict[str, Any]:
        common = {"data_dir": self.provenance["data_dir"]}
        if job is None:
            return {**common, "kind": "tables", "name": manifest.TABLES,
                    "work": str(self.work / "_tables")}
        self.jobs[job.name] = job
        return {**common, "kind": "notebook", "name": job.name, "folder": job.folder,
                "notebook": str(job.notebook.resolve()), "parameters": job.parameters,
                "source_label": f"{job.notebook.parent.name}/{job.notebook.name}",
                "work": str(self.work / job.name)}

    def finish(self, worker: _Worker) -> Result:
        """Install the files of a worker's finished task and record its manifest entry."""
        task = worker.task
        assert task is not None
        worker.task = None
        task_dir, seconds = Path(task["work"]), round(time.monotonic() - worker.started, 2)
        try:
            outcome = json.loads((task_dir / RESULT_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            error = _worker_failure(worker.log, worker.proc.poll())
            outcome = {"status": "failed", "error": error, "files": []}
        result = Result(task["name"], outcome["status"], seconds, outcome.get("error"),
                        outcome.get("files", []), outcome.get("failed_notebook"))
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

    def entry(
        self, task: dict[str, Any], result: Result, before: dict[str, Any]
    ) -> dict[str, Any]:
        """The manifest entry of a finished task."""
        job = self.jobs.get(result.name)
        attempt = {"status": result.status, "seconds": result.seconds, "error": result.error,
                   "failed_notebook": result.failed_notebook}
        if result.ok:
            made: dict[str, Any] = {"files": result.files, "rendered_from": self.rendered_from}
            if job is not None:
                made.update(
                    parameters=job.parameters, source=task["notebook"],
                    source_sha256=manifest.sha256_file(task["notebook"]),
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
        order = [manifest.TABLES, *self.jobs]
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
) -> RenderReport:
    """Render `jobs` (and the workbook and HXL CSVs if `tables`) into `out`.

    `data_dir` (else $RAPNB_DATA_DIR, else the bundled data) is what the kernels and the tables
    read; pass it in the jobs' parameters too (report_jobs does). At most `workers` notebooks
    run at once (default: the CPU count). Raises RenderLockedError if another render holds
    `out` (unless `wait`). Creates `out` if needed.
    """
    out_dir = Path(out).expanduser().resolve()
    names = [job.name for job in jobs]
    if len(set(names)) != len(names) or manifest.TABLES in names:
        raise ValueError(f"job names must be unique and not {manifest.TABLES!r}: {names}")
    out_dir.mkdir(parents=True, exist_ok=True)
    data = Path(data_dir).expanduser().resolve() if data_dir is not None else None
    with render_lock(out_dir, wait=wait):
        _clean_stale(out_dir)
        work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=out_dir))
        flag = _StopFlag()
        try:
            with _signals_to(flag):
                renderer = _Renderer(out_dir, work, data, max(1, workers or os.cpu_count() or 1))
                # The tables come last: a short task that fills the wait for the last notebook.
                tasks = [renderer.task(j) for j in jobs] + ([renderer.task(None)] if tables else [])
                results = _run(renderer, tasks, flag, progress)
                path = renderer.write_manifest()
        finally:
            shutil.rmtree(work, ignore_errors=True)
    order = {name: i for i, name in enumerate([manifest.TABLES, *names])}
    results.sort(key=lambda r: order[r.name])
    return RenderReport(out_dir, results, flag.signum, path)


def _run(
    renderer: _Renderer, tasks: list[dict[str, Any]], flag: _StopFlag, progress: bool
) -> list[Result]:
    pending, results = deque(tasks), []
    workers: list[_Worker] = []
    started: list[_Worker] = []
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
                started.append(_start_worker(folder, renderer.env))
                workers.append(started[-1])
            for worker in workers:
                if worker.task is None:
                    if pending:
                        worker.assign(pending.popleft())
                    else:
                        worker.close()
            bar.set_postfix_str(", ".join(w.task["name"] for w in workers if w.task)[:60],
                                refresh=False)
            time.sleep(POLL_SECONDS)
        if flag.signum is not None and any(w.proc.poll() is None for w in workers):
            bar.write(f"rapnb render: stopping ({signal.Signals(flag.signum).name}), "
                      "shutting kernels down", file=sys.stderr)
            _terminate(workers)
        else:
            _shut_down(workers)
    finally:
        bar.close()
        if any(w.proc.poll() is None for w in workers):  # an unexpected error in this loop
            _terminate(workers, grace=5.0)
        for worker in started:
            shutil.rmtree(worker.tmp, ignore_errors=True)
    return results


if __name__ == "__main__":
    if sys.argv[1:2] != ["--worker"]:
        sys.exit("usage: python -m rapnb.render --worker PARENT_PID (started by rapnb render)")
    sys.exit(worker_main(sys.argv[2:]))
