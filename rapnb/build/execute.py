"""How the renderer runs one notebook: papermill, tuned for many short notebooks in a row.

Compared with a plain ``papermill.execute_notebook`` call, :func:`execute_notebook`

- returns the executed notebook without writing it (papermill would write it before and after
  every cell and twice at the end: for the overview's 2 MB of outputs those writes cost more
  than drawing its charts); a failure raises :class:`ExecutionFailed` carrying the notebook as
  far as it ran, with papermill's error cells;
- stops the kernel at once after the last cell (the outputs are in; a graceful exit costs
  about 0.5 s of kernel CPU) and notices its end within 10 ms rather than 100 ms;
- once the kernel has answered, waits 20 ms rather than 200 ms of IOPub silence before the
  first cell (jupyter_client's flush of start-up messages; nbclient ignores stray messages);
- checks each output the kernel sends with the notebook schema compiled by fastjsonschema
  (`rapnb.build.nbformat_private`) rather than jsonschema, about 0.5 ms less an output;
- starts the kernel without IPython's history database, which kernels running side by side
  would otherwise write to and lock in turn;
- connects to the kernel over Unix sockets in the temporary directory rather than TCP ports:
  workers starting kernels at the same moment could pick the same free port (and no port is
  open to other users of the machine);
- forks the kernel from a process that has the notebooks' stack imported already
  (`rapnb.build.kernel_zygote`): a new process per notebook, without 2 s of imports each
  (``RAPNB_FORK_KERNELS=0`` starts each kernel as a new ``python``);
- can run the notebook on a kernel started ahead (:func:`start_spare_kernel`), while the
  worker was still exporting its previous notebook: the kernel's own start (about 0.15 s) is
  then off the worker's path. Such a kernel is as fresh as any: nothing has run in it.

Parameters, error cells and metadata are papermill's own (its functions, called in its order).
The private details of papermill, jupyter_client and nbformat this relies on are kept in
`rapnb.build.papermill_private`, `rapnb.build.jupyter_client_private` and
`rapnb.build.nbformat_private`.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapnb.build import kernel_zygote, nbformat_private, papermill_private
from rapnb.build.jupyter_client_private import adopting_manager_class, quick_kernel_manager_class
from rapnb.datasets.reads import READS_LOG_ENV

KERNEL_NAME = "python3"
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)


class ExecutionFailed(Exception):
    """A notebook failed: `error` says why (one line); `notebook` is the notebook as far as it
    ran (None if execution never started)."""

    def __init__(self, error: str, notebook: Any | None) -> None:
        super().__init__(error)
        self.error, self.notebook = error, notebook


@functools.lru_cache(maxsize=8)
def _blank_notebook(path: str, mtime_ns: int, size: int) -> Any:
    """The notebook at `path` as papermill loads it, its stored outputs dropped (papermill
    clears them before running anyway): read once per worker; `mtime_ns`/`size` key it."""
    nb = papermill_private.load_notebook(path)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def _source(notebook: str | os.PathLike[str]) -> Any:
    stat = os.stat(notebook)
    return _blank_notebook(str(notebook), stat.st_mtime_ns, stat.st_size)


def import_stack() -> None:
    """Import, in the calling thread, what running a notebook needs: papermill and, through
    it, nbclient and jupyter_client's kernel manager and client. A worker does so before its
    warm-up thread imports nbconvert, which imports part of the same modules: two threads
    importing one cycle of modules at once can find one half-initialised (an ImportError of
    `jupyter_client.manager` that failed a notebook). It also compiles the schema checks of
    the outputs (`rapnb.build.nbformat_private`)."""
    import papermill.engines  # noqa: F401
    from jupyter_client.asynchronous import AsyncKernelClient  # noqa: F401
    from jupyter_client.manager import AsyncKernelManager  # noqa: F401

    nbformat_private.use_compiled_checks()


def source_cell_ids(notebook: str | os.PathLike[str]) -> frozenset[str]:
    """The cell ids of the notebook file (from the same per-worker copy the runs start from)."""
    return frozenset(str(cell["id"]) for cell in _source(notebook).cells if "id" in cell)


@dataclass
class SpareKernel:
    """A kernel started before its notebook is known: its manager, and the folder it works
    in (`folder/cwd`) and records its reads to (`reads_log`, rapnb.datasets.reads)."""

    manager: Any
    folder: Path

    @property
    def reads_log(self) -> Path:
        """Where the kernel records what it reads."""
        return self.folder / "reads.jsonl"

    def alive(self) -> bool:
        """Whether the kernel is still running."""
        from nbclient.util import run_sync

        try:
            return bool(run_sync(self.manager.is_alive)())
        except Exception:  # noqa: BLE001 - a manager that cannot tell: not to be used
            return False

    def discard(self) -> None:
        """Stop the kernel (at once) and remove its connection files."""
        from nbclient.util import run_sync

        with contextlib.suppress(Exception):
            run_sync(self.manager.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            run_sync(self.manager.cleanup_resources)()


def start_spare_kernel() -> SpareKernel | None:
    """Start a python3 kernel now, for a notebook to come, in a new folder of the temporary
    directory (a worker's own, removed as it exits); None if it cannot start (the
    notebook then starts its own, as usual)."""
    from nbclient.util import run_sync

    try:
        folder = Path(tempfile.mkdtemp(prefix="spare-kernel-"))
        (folder / "cwd").mkdir()
        spare = SpareKernel(quick_kernel_manager_class(kernel_zygote.enabled())(
            kernel_name=KERNEL_NAME), folder)
    except Exception:  # noqa: BLE001 - best effort (a full disk): the notebook starts its own
        return None
    env = dict(os.environ, **{READS_LOG_ENV: str(spare.reads_log)})
    try:
        run_sync(spare.manager.start_kernel)(extra_arguments=list(KERNEL_ARGUMENTS),
                                             cwd=str(folder / "cwd"), env=env)
    except Exception:  # noqa: BLE001 - best effort: the notebook starts its own kernel
        spare.discard()
        return None
    return spare


def execute_notebook(
    notebook: str | os.PathLike[str], parameters: dict[str, Any], cwd: str | os.PathLike[str],
    kernel: SpareKernel | None = None,
) -> Any:
    """Run `notebook` with `parameters` on a fresh python3 kernel working in `cwd`; return the
    executed notebook. Raises ExecutionFailed if a cell raises, the kernel dies or the
    notebook cannot be run.

    These are the steps of ``papermill.execute_notebook`` (parameters injected by papermill,
    its metadata, its error cells) minus the writes: with no output file papermill would
    still serialise the whole notebook once at the end, and it would re-read and deep-copy the
    committed notebook, stored outputs and all, for every sheet.

    With `kernel` (a spare kernel, still running), the notebook runs on it, in its folder;
    a spare that has died is discarded and a kernel started as usual. The kernel is shut
    down at the end either way.
    """
    holder: list[Any] = []
    if kernel is not None and not kernel.alive():
        kernel.discard()
        kernel = None
    manager_class = (adopting_manager_class(kernel.manager) if kernel is not None
                     else quick_kernel_manager_class(kernel_zygote.enabled()))
    try:
        nb = copy.deepcopy(_source(notebook))
        return papermill_private.run(
            nb, str(notebook), parameters, str(cwd), KERNEL_NAME, holder,
            progress_bar=False, log_output=False, record_timing=False,
            shutdown_kernel="immediate",
            kernel_manager_class=manager_class,
            extra_arguments=list(KERNEL_ARGUMENTS),
        )
    except Exception as exc:  # a cell raised, the kernel died, a bad notebook ...
        reason = papermill_private.failure_reason(exc)
        raise ExecutionFailed(reason, holder[0].nb if holder else None) from exc
