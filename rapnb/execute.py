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
- starts the kernel without IPython's history database, which kernels running side by side
  would otherwise write to and lock in turn;
- connects to the kernel over Unix sockets in the temporary directory rather than TCP ports:
  workers starting kernels at the same moment could pick the same free port (and no port is
  open to other users of the machine).

Parameters, error cells and metadata are papermill's own (its functions, called in its order).
"""

from __future__ import annotations

import functools
import os
import tempfile
import time
import uuid
from typing import Any

KERNEL_NAME = "python3"
ENGINE = "rapnb-capturing"
_HOLDER = "rapnb_holder"
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)
KILL_POLL_SECONDS = 0.01
MAX_SOCKET_PATH = 100
"""Unix socket paths are limited to about 107 bytes; longer temporary paths fall back to TCP."""
FLUSH_SECONDS = 0.02


class ExecutionFailed(Exception):
    """A notebook failed: `error` says why (one line); `notebook` is the notebook as far as it
    ran (None if execution never started)."""

    def __init__(self, error: str, notebook: Any | None) -> None:
        super().__init__(error)
        self.error, self.notebook = error, notebook


@functools.cache
def _capturing_engine() -> str:
    """Register (once) and name papermill's nbclient engine, made to hand its notebook to the
    caller's holder so that a failed run's notebook is not lost without an output file."""
    from papermill.engines import NBClientEngine, papermill_engines

    class CapturingEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            kwargs.pop(_HOLDER).append(nb_man)
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(ENGINE, CapturingEngine)
    return ENGINE


@functools.cache
def _kernel_manager_class() -> type:
    """jupyter_client's AsyncKernelManager with a quicker ready check and exit poll."""
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

    class QuickReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            """jupyter_client's wait_for_ready (a kernel_info reply, then IOPub heard from),
            with a shorter flush of the start-up messages at the end."""
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    msg = None
                if msg is not None and msg["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass  # IOPub not connected yet: ask again
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
                if not await self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=FLUSH_SECONDS)
                except Empty:
                    return

    class QuickKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.client_factory = QuickReadyClient
            base = os.path.join(tempfile.gettempdir(), f"rapnb-kernel-{uuid.uuid4().hex[:12]}")
            if len(base) + len("-ipc-99999") <= MAX_SOCKET_PATH:
                self.transport = "ipc"
                self.connection_file = base + ".json"
                self.ip = base + "-ipc"

        async def _async_wait(self, pollinterval: float = KILL_POLL_SECONDS) -> None:
            await super()._async_wait(pollinterval=min(pollinterval, KILL_POLL_SECONDS))

    return QuickKernelManager


def _reason(exc: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue}"
    return f"{type(exc).__name__}: {exc}"


@functools.lru_cache(maxsize=8)
def _blank_notebook(path: str, mtime_ns: int, size: int) -> Any:
    """The notebook at `path` as papermill loads it, its stored outputs dropped (papermill
    clears them before running anyway): read once per worker; `mtime_ns`/`size` key it."""
    from papermill.iorw import load_notebook_node

    nb = load_notebook_node(path)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def _source(notebook: str | os.PathLike[str]) -> Any:
    stat = os.stat(notebook)
    return _blank_notebook(str(notebook), stat.st_mtime_ns, stat.st_size)


def source_cell_ids(notebook: str | os.PathLike[str]) -> frozenset[str]:
    """The cell ids of the notebook file (from the same per-worker copy the runs start from)."""
    return frozenset(str(cell["id"]) for cell in _source(notebook).cells if "id" in cell)


def execute_notebook(
    notebook: str | os.PathLike[str], parameters: dict[str, Any], cwd: str | os.PathLike[str]
) -> Any:
    """Run `notebook` with `parameters` on a fresh python3 kernel working in `cwd`; return the
    executed notebook. Raises ExecutionFailed if a cell raises, the kernel dies or the
    notebook cannot be run.

    These are the steps of ``papermill.execute_notebook`` (parameters injected by papermill,
    its metadata, its error cells) minus the writes: with no output file papermill would
    still serialise the whole notebook once at the end, and it would re-read and deep-copy the
    committed notebook, stored outputs and all, for every sheet.
    """
    import copy

    from papermill.engines import papermill_engines
    from papermill.execute import (
        prepare_notebook_metadata,
        raise_for_execution_errors,
        remove_error_markers,
    )
    from papermill.parameterize import parameterize_notebook
    from papermill.utils import chdir

    holder: list[Any] = []
    try:
        nb = copy.deepcopy(_source(notebook))
        if parameters:
            nb = parameterize_notebook(nb, parameters, kernel_name=KERNEL_NAME)
        nb = remove_error_markers(prepare_notebook_metadata(nb, str(notebook), None))
        with chdir(str(cwd)):
            nb = papermill_engines.execute_notebook_with_engine(
                _capturing_engine(), nb, kernel_name=KERNEL_NAME, input_path=str(notebook),
                output_path=None, progress_bar=False, log_output=False, record_timing=False,
                shutdown_kernel="immediate", kernel_manager_class=_kernel_manager_class(),
                extra_arguments=list(KERNEL_ARGUMENTS), **{_HOLDER: holder},
            )
        raise_for_execution_errors(nb, None)
    except Exception as exc:  # a cell raised, the kernel died, a bad notebook ...
        raise ExecutionFailed(_reason(exc), holder[0].nb if holder else None) from exc
    return nb
