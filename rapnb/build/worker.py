"""The worker side of a render: a process (`python -m rapnb.build.worker PARENT_PID`) that stays
up for the whole render and takes tasks one at a time from its stdin.

For a notebook it runs the notebook on a fresh `python3` kernel whose working directory is a
temporary one (`rapnb.build.execute`), draws its charts' SVGs (the kernel leaves them to the
worker, see `rapnb.present.display`), then exports its HTML, PDF (`rapnb.build.pdf`) and
figures into the task's staging directory: the SVGs, and the PNGs too unless the task leaves
them to a figures task (`NotebookTask.pngs_later`, :func:`make_figures`), which any worker
may be given. Keeping workers alive means papermill, nbconvert's
templates and vl-convert's JavaScript engine are loaded once per worker, not once per
notebook; a worker forked by the worker zygote finds the first two loaded already
(:func:`load_export_stack`, `rapnb.build.worker_zygote`); and while its first kernel starts
and runs, a worker loads the rest in a thread (:func:`start_warm_up`), so that the first
notebook's exports do not wait for them. While it exports a notebook that other notebooks
were waiting behind (`NotebookTask.more`), it starts the kernel of its next one
(`rapnb.build.execute.start_spare_kernel`). On SIGTERM the worker raises, so papermill shuts
its kernel down.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rapnb.build.atomic import atomic_write_bytes, atomic_write_text
from rapnb.build.execute import SpareKernel
from rapnb.build.kernel_zygote import close_shared_zygote
from rapnb.build.messages import (
    RESULT_NAME,
    SHEETS_TABLES_NAME,
    WORKER_TMP_PREFIX,
    FiguresTask,
    NotebookTask,
    TablesTask,
    TaskOutcome,
    exception_line,
    one_line,
    outcome_to_json,
    read_task,
    staging_folder,
)
from rapnb.build.procs import child_pids, exit_now, kill_processes, set_parent_death_signal
from rapnb.build.wakeup import WAKEUP_ENV, wake
from rapnb.datasets.reads import READS_LOG_ENV, read_log

FAILED_DIR = "failed"
WORKER_PID_ENV = "RAPNB_WORKER_PID"
"""Set in a worker's environment (hence its kernels'): the worker's pid."""
NICENESS_ENV = "RAPNB_WORKER_NICENESS"
"""Set by the render process for a worker that is to run at a lower priority (`os.nice`)."""


class Stopped(BaseException):
    """Raised in a worker by SIGTERM so that papermill's cleanup shuts the kernel down."""


def _raise_stopped(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the cleanup finish undisturbed
    raise Stopped(signum)


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGTERM this worker if the render process dies (best effort)."""
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent_pid:
        raise Stopped(signal.SIGTERM)


def _stage(staged: Path, files: dict[str, bytes]) -> list[str]:
    for rel, data in files.items():
        atomic_write_bytes(staged / rel, data)
    return sorted(files)


TIMING_KEYS = ("start_time", "end_time", "duration")
"""papermill's timing metadata: moved to the manifest so that notebooks are reproducible."""


def normalise_notebook(
    nb: Any, source_ids: frozenset[str], source_label: str, output_label: str
) -> dict[str, Any]:
    """Make an executed notebook independent of where and when it ran: stable paths, no
    timestamps or durations, and stable ids for the cells papermill added (the others keep
    their ids, `source_ids`). Returns the timings taken out: `{"seconds", "cell_seconds"}`."""
    meta = nb.metadata.setdefault("papermill", {})
    meta["input_path"] = source_label
    meta["output_path"] = output_label
    timings = {key: meta.pop(key, None) for key in TIMING_KEYS}
    cell_seconds = []
    used = {cell.get("id") for cell in nb.cells}
    for index, cell in enumerate(nb.cells):
        cell.get("metadata", {}).pop("execution", None)
        cell_meta = cell.get("metadata", {}).get("papermill", {})
        cell_seconds.append(cell_meta.get("duration"))
        for key in TIMING_KEYS:
            cell_meta.pop(key, None)
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
    return {"seconds": timings["duration"], "cell_seconds": cell_seconds}


class StepTimer:
    """Wall seconds of a task's steps, for the manifest: `done(step)` ends the current one."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def done(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = round(now - self._last, 3)
        self._last = now


def _notebook_bytes(nb: Any) -> bytes:
    from rapnb.build.notebook_json import notebook_json

    text = notebook_json(nb)
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


WARM_UP_TABLE = ("<table><thead><tr><th>Office</th><th>USD</th></tr></thead>"
                 "<tbody><tr><td>Peru</td><td>1,234</td></tr></tbody></table>")


WARM_UP_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
               '<rect width="20" height="10"/></svg>')
"""The warm-up chart's drawing where no JavaScript engine may start (see load_export_stack)."""


def _warm_up_notebook(svg: str | None = None) -> Any:
    """A small notebook with what the report's notebooks show (headings and lists, a table, a
    chart, drawn by vl-convert unless `svg` is given): exporting it loads what exporting them
    needs."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from rapnb.present.display import SVG_MIME, VEGALITE_MIME, draw_svg

    spec = {"mark": "bar", "data": {"values": [{"a": "Peru", "b": 1}]},
            "encoding": {"x": {"field": "a", "type": "nominal"},
                         "y": {"field": "b", "type": "quantitative"}},
            "title": "Warm-up", "usermeta": {"rapnb_figure": "warm-up"}}
    outputs = [new_output("display_data", data={"text/markdown": "## Warm-up\n\n- *a* **b**"}),
               new_output("display_data", data={"text/html": WARM_UP_TABLE}),
               new_output("display_data", data={VEGALITE_MIME: spec,
                                                SVG_MIME: svg or draw_svg(spec)})]
    return new_notebook(cells=[new_markdown_cell("# Warm-up\n\nSome *text*."),
                               new_code_cell(outputs=outputs)])


def warm_up() -> None:
    """Load, once per worker, what exporting a notebook needs: vl-convert's JavaScript engine,
    nbconvert and its compiled templates, Typst and its fonts (about 2 s of CPU that the
    worker's first notebook would otherwise pay after its execution). Best effort: a failure
    here shows again, with its cause, in the export it was meant to speed up."""
    from rapnb.build.figures import figure_files
    from rapnb.build.html_export import notebook_to_html
    from rapnb.build.pdf import notebook_pdf

    with contextlib.suppress(Exception):
        nb = _warm_up_notebook()
        figure_files(nb)
        notebook_to_html(nb, "warm-up")
        notebook_pdf(nb, "warm-up")


def load_export_stack() -> None:
    """Import and warm up the part of what a worker needs that starts no thread: papermill,
    nbclient and jupyter_client (`rapnb.build.execute.import_stack`), nbconvert with the
    report's compiled templates, and the modules of the other exports. The worker zygote does
    this before it forks workers (`rapnb.build.worker_zygote`), which then find it done;
    vl-convert's JavaScript engine and Typst's compiler run threads, which a fork would not
    keep, so each worker's warm-up (:func:`warm_up`) starts them."""
    import rapnb.build.figures
    import rapnb.build.notebook_json
    import rapnb.build.pdf  # noqa: F401
    from rapnb.build.execute import import_stack
    from rapnb.build.html_export import notebook_to_html

    import_stack()
    notebook_to_html(_warm_up_notebook(svg=WARM_UP_SVG), "warm-up")


_warm_up_thread: list[threading.Thread] = []


def start_warm_up() -> threading.Thread:
    """The thread warming this worker up (:func:`warm_up`), started on the first call, while
    the first notebook's kernel starts and runs: the worker waits for the kernel meanwhile.
    vl-convert's fonts are set up here first, in the calling thread, as they change the
    environment for a moment (:func:`rapnb.present.svg.vl_convert`) and a kernel started
    meanwhile would inherit it; and the stack that runs the notebook is imported here first
    (`rapnb.build.execute.import_stack`), as the thread's imports share part of it."""
    if not _warm_up_thread:
        from rapnb.build.execute import import_stack
        from rapnb.present.svg import vl_convert

        import_stack()
        vl_convert()
        thread = threading.Thread(target=warm_up, name="rapnb-warm-up", daemon=True)
        thread.start()
        _warm_up_thread.append(thread)
    return _warm_up_thread[0]


_SPARE: list[SpareKernel] = []
"""The kernel this worker started for its next notebook, if any."""


def discard_spare_kernel() -> None:
    """Stop the kernel started for a next notebook that did not come."""
    while _SPARE:
        _SPARE.pop().discard()


def make_notebook(task: NotebookTask, work: Path) -> TaskOutcome:
    """Execute and export one notebook into `work/out`."""
    from rapnb.build.execute import (
        ExecutionFailed,
        execute_notebook,
        source_cell_ids,
        start_spare_kernel,
    )
    from rapnb.build.figures import add_svgs, figure_files, png_name
    from rapnb.build.html_export import notebook_to_html
    from rapnb.build.pdf import notebook_pdf

    name, folder = task.name, task.folder
    cwd, staged, log = work / "cwd", staging_folder(work), work / "reads.jsonl"
    cwd.mkdir(exist_ok=True)
    warming = start_warm_up()
    spare = _SPARE.pop() if _SPARE else None
    if spare is not None:
        log = spare.reads_log
    os.environ[READS_LOG_ENV] = str(log)  # the kernel inherits it and records what it reads
    steps = StepTimer()
    try:
        nb, error = execute_notebook(task.notebook, task.parameters, cwd, kernel=spare), None
    except ExecutionFailed as exc:
        nb, error = exc.notebook, one_line(exc.error)
    finally:
        os.environ.pop(READS_LOG_ENV, None)
    if task.more and (started := start_spare_kernel()) is not None:
        _SPARE.append(started)  # it starts while this notebook is exported
    warming.join()  # the exports below use what it loads
    steps.done("execute")
    source_ids = source_cell_ids(task.notebook)
    if error is None:
        rel = f"{folder}/{task.stem or name}"
        try:
            execution = normalise_notebook(nb, source_ids, task.source_label, f"{rel}.ipynb")
            add_svgs(nb)
            steps.done("svg")
            files = {f"{rel}.ipynb": _notebook_bytes(nb)}
            files[f"{rel}.html"] = notebook_to_html(nb, task.stem or name,
                                                    languages=task.languages).encode("utf-8")
            steps.done("ipynb_html")
            if task.pdf:
                files[f"{rel}.pdf"] = notebook_pdf(nb, task.stem or name)
                steps.done("pdf")
            figures = figure_files(nb, png=not task.pngs_later)
            for fig, data in figures.items():
                files[f"{folder}/{fig}"] = data
            pngs = sorted(f"{folder}/{png_name(fig)}" for fig in figures) if (
                task.pngs_later) else []
            steps.done("figure_files")
            staged_files = _stage(staged, files)
            steps.done("stage")
            return TaskOutcome("ok", staged_files, reads=read_log(log),
                               execution={**execution, "steps": steps.seconds}, pngs=pngs)
        except Exception as exc:
            error = exception_line(exc)
    failed = None
    if nb is not None:
        failed = f"{FAILED_DIR}/{name}.ipynb"
        normalise_notebook(nb, source_ids, task.source_label, failed)
        _stage(staged, {failed: _notebook_bytes(nb)})
    return TaskOutcome("failed", [], error or "no executed notebook", failed)


def make_tables(task: TablesTask, work: Path) -> TaskOutcome:
    """Write the workbook, the HXL CSVs, the HDX metadata and the zipped data package into
    `work/out`, and the index page's sheets tables beside the result (SHEETS_TABLES_NAME)."""
    from rapnb.build.jobs import HDX_FILE, HXL_DIR, PACKAGE_ZIP, WORKBOOK_FILE
    from rapnb.build.publish import write_datapackage_zip, write_hdx_dataset
    from rapnb.build.site import sheets_tables
    from rapnb.build.workbook import write_hxl_csvs, write_workbook

    staged = staging_folder(work)
    try:
        write_workbook(staged / WORKBOOK_FILE, task.data_dir)
        csvs = write_hxl_csvs(staged / HXL_DIR, task.data_dir)
        write_datapackage_zip(staged / PACKAGE_ZIP, task.data_dir)
        write_hdx_dataset(staged / HDX_FILE, [p.relative_to(staged) for p in csvs],
                          task.data_dir)
    except Exception as exc:
        return TaskOutcome("failed", [], exception_line(exc))
    files = sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*")
                   if p.is_file() and not p.name.startswith("."))
    # This process has pandas and the tables loaded: the index page's tables cost it 0.3 s,
    # the render process 1 s. Should it fail here, the render process makes them.
    try:
        atomic_write_text(work / SHEETS_TABLES_NAME,
                          json.dumps(sheets_tables(task.data_dir), ensure_ascii=False))
    except Exception as exc:
        print(f"rapnb worker: no sheets tables for the index page here: {exception_line(exc)}",
              file=sys.stderr)
    return TaskOutcome("ok", files)


def make_figures(task: FiguresTask) -> TaskOutcome:
    """Draw a notebook task's PNGs into its staging folder, each from the SVG of the same name
    there (`rapnb.build.figures.png_from_svg`); a PNG already there (drawn by this task's
    earlier run, taken back from its worker: each is written atomically) is kept."""
    from rapnb.build.figures import png_from_svg

    staged = Path(task.staged)
    for rel in task.pngs:
        if (staged / rel).is_file():
            continue
        try:
            svg = (staged / rel).with_suffix(".svg").read_bytes().decode("utf-8")
            atomic_write_bytes(staged / rel, png_from_svg(svg))
        except Exception as exc:
            return TaskOutcome("failed", [], f"{rel}: {exception_line(exc)}")
    return TaskOutcome("ok", list(task.pngs))


def run_task(spec_path: Path, wakeup_fifo: str = "") -> None:
    """Run the task in spec file `spec_path`; write its outcome to `result.json` beside it,
    then wake the render process through its FIFO at `wakeup_fifo`, if any."""
    task = read_task(spec_path)
    work = spec_path.parent
    if isinstance(task, TablesTask):
        outcome = make_tables(task, work)
    elif isinstance(task, FiguresTask):
        outcome = make_figures(task)
    else:
        outcome = make_notebook(task, work)
    atomic_write_text(work / RESULT_NAME, outcome_to_json(outcome))  # the parent waits for it
    wake(wakeup_fifo)


def lower_priority(niceness: int) -> None:
    """Run this process at `niceness`; and its session's too, where Linux schedules sessions
    as groups (autogroup: a worker leads its own session, so its niceness alone would weigh
    only against itself). Best effort."""
    with contextlib.suppress(OSError):
        os.nice(niceness)
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(niceness))


def worker_main(argv: Sequence[str]) -> int:
    """Entry point of a worker process: run each task whose spec path arrives on stdin, until
    stdin closes (status 0) or SIGTERM (status 143)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the render process decides when to stop
    signal.signal(signal.SIGTERM, _raise_stopped)
    os.environ[WORKER_PID_ENV] = str(os.getpid())  # a kernel's parent may be its zygote
    niceness = os.environ.pop(NICENESS_ENV, "")
    wakeup_fifo = os.environ.pop(WAKEUP_ENV, "")  # the render process's, not its kernels
    if niceness.isdigit():
        lower_priority(int(niceness))
    try:
        # A worker forked by a zygote starts with SIGTERM blocked (worker_zygote), so that one
        # sent before the handler above was there still stops it through `Stopped`.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        _die_with_parent(int(argv[0]))
        for line in iter(sys.stdin.readline, ""):
            if line.strip():
                run_task(Path(line.strip()), wakeup_fifo)
    except Stopped:
        return 128 + signal.SIGTERM
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        discard_spare_kernel()
        close_shared_zygote()  # it kills any kernel it forked that is still running
        kill_processes(child_pids(os.getpid()))  # last resort for a kernel left behind
        remove_own_tmpdir()
    return 0


def remove_own_tmpdir() -> None:
    """Remove this worker's TMPDIR (its kernels' sockets and connection files), which the
    render process gave it: also when the render process was killed (SIGKILL) and this
    worker got SIGTERM from Linux (PR_SET_PDEATHSIG)."""
    tmp = Path(os.environ.get("TMPDIR", ""))
    if tmp.name.startswith(WORKER_TMP_PREFIX) and tmp.is_dir():
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m rapnb.build.worker PARENT_PID (started by rapnb render)")
    exit_now(worker_main(sys.argv[1:]))
