"""Render workers forked from a process that has already imported their stack.

Each notebook worker needs papermill, nbclient, jupyter_client and nbconvert with the report's
compiled templates (`rapnb.build.worker.load_export_stack`): about 1.4 s of CPU that every
launched worker paid again. A second zygote, beside the kernels' one (`rapnb.build.kernel_zygote`,
whose fork server it uses), imports that once and forks one child per worker. Its imports run
beside the kernel zygote's, and the kernels do not inherit them. A forked worker runs
`rapnb.build.worker.worker_main` as ``python -m rapnb.build.worker`` would, its tasks on the
stdin the render process sent with the request (``"fds": 2``: the output, then the stdin). What
starts threads (vl-convert's JavaScript engine, Typst's compiler) is left for each worker to
start: a fork keeps no thread, and the zygote refuses to fork while it runs another one.

A forked worker is not the render process's child: `ForkedProcess` gets its exit status from
the zygote, over a connection of its own (closing it SIGTERMs the worker). A worker gets
SIGTERM when its zygote goes, and the zygote when the render process goes, as a launched
worker gets it when the render process goes. ``RAPNB_FORK_WORKERS=0`` (or
``RAPNB_FORK_KERNELS=0``) launches the workers as new processes.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from rapnb.build import kernel_zygote
from rapnb.build.kernel_zygote import Fork, Forks, ZygoteClient, ZygoteError, ZygoteProcess
from rapnb.build.messages import WORKER_TMP_PREFIX
from rapnb.build.procs import alive, exit_now, set_process_name, wait_polling

FORK_WORKERS_ENV = "RAPNB_FORK_WORKERS"
WORKER_MODULE = "rapnb.build.worker"
WORKER_PROCESS_NAME = "rapnb-worker"
"""A forked render worker's process name (its /proc/PID/comm)."""
WORKER_ZYGOTE_CODE = (
    "import sys; from rapnb.build.worker_zygote import worker_zygote_main;"
    " from rapnb.build.procs import exit_now;"
    " exit_now(worker_zygote_main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))")
"""The worker zygote's command (``python -c``, as the kernel zygote's)."""
KERNEL_ZYGOTE_CODE = (
    "import sys; from rapnb.build.worker_zygote import kernel_zygote_main;"
    " from rapnb.build.procs import exit_now;"
    " exit_now(kernel_zygote_main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))")
"""The kernel zygote's command where it also forks the tables' worker."""
POLL_SECONDS = 0.02


def enabled() -> bool:
    """Whether a render's notebook workers are forked (``RAPNB_FORK_WORKERS``, default on,
    where kernels are forked)."""
    return kernel_zygote.enabled() and os.environ.get(FORK_WORKERS_ENV, "1") not in {"", "0"}


def worker_arguments(argv: Sequence[str]) -> list[str] | None:
    """The worker's own arguments if `argv` is ``python -m rapnb.build.worker PARENT_PID``
    (what the zygote can fork), else None."""
    if len(argv) == 4 and list(argv[1:3]) == ["-m", WORKER_MODULE] and argv[3].isdigit():
        return list(argv[3:])
    return None


def start_worker_zygote(env: dict[str, str], log: Path | None = None) -> ZygoteProcess:
    """Start a worker zygote (it answers its first request once it has imported the stack)."""
    return ZygoteProcess(env, log, code=WORKER_ZYGOTE_CODE)


class ForkedProcess:
    """A worker forked by a worker zygote, as the render process sees it (what it uses of a
    `subprocess.Popen`): its exit status comes from the zygote."""

    def __init__(self, pid: int, stdin: IO[bytes], client: ZygoteClient) -> None:
        self.pid, self.client = pid, client
        self.stdin: IO[bytes] | None = stdin
        self.returncode: int | None = None
        self.status_lost = False
        """Whether the worker ended after its zygote, which took its real status along."""

    def poll(self) -> int | None:
        """The exit status once the worker has ended (-N for signal N), else None. With its
        zygote gone, a worker still running is still running (it has been sent SIGTERM), and
        one that has ended counts as killed (-9, and `status_lost`): its status went with the
        zygote."""
        if self.returncode is None:
            code = self.client.poll(self.pid)
            lost = code is not None and self.pid not in self.client.exits
            if lost and alive(self.pid):
                code = None
            self.returncode, self.status_lost = code, lost and code is not None
            if code is not None:
                self.client.close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the worker to end (subprocess.TimeoutExpired after `timeout` seconds)."""
        return wait_polling(self.poll, timeout, POLL_SECONDS, str(self.pid))

    def send_signal(self, sig: int) -> None:
        """Send `sig` to the worker, unless it has ended (as `Popen.send_signal`)."""
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def fork_worker(zygote: str, argv: Sequence[str], env: dict[str, str], cwd: str,
                output: int) -> ForkedProcess:
    """Have the worker zygote listening at `zygote` fork a worker for command line `argv`
    (``python -m rapnb.build.worker PARENT_PID``) with environment `env` in directory `cwd`,
    its stdout and stderr on file descriptor `output`, its stdin a new pipe. Raises
    ZygoteError if it will not (the caller then launches the worker)."""
    if worker_arguments(argv) is None:
        raise ZygoteError(f"not a worker command line: {list(argv)}")
    client = ZygoteClient(zygote)
    read, write = os.pipe()
    try:
        pid = client.request_fork({"worker": True, "argv": list(argv), "env": env,
                                   "cwd": cwd, "fds": 2}, [output, read])
    except Exception as exc:
        os.close(write)
        client.close()
        raise exc if isinstance(exc, ZygoteError) else ZygoteError(str(exc)) from exc
    finally:
        os.close(read)
    return ForkedProcess(pid, os.fdopen(write, "wb"), client)


# The worker zygote itself ---------------------------------------------------------------------


def _preload() -> None:
    """Import what a worker imports (with the path a worker has: not the starter's working
    directory), and warm up what of it starts no thread."""
    kernel_zygote.drop_working_directory_from_path()
    from rapnb.build.worker import load_export_stack

    load_export_stack()


def _threads() -> int:
    """This process's threads, native ones included (Linux; else Python's)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _refusal(request: dict[str, Any], threads: bool = False) -> str | None:
    """Why the zygote cannot fork the worker `request` asks for, or None: not the ``python -m
    rapnb.build.worker`` of this very interpreter (`kernel_zygote.start_refusal`), or (unless
    `threads`) another thread in the zygote (a fork would not keep it)."""
    argv = request.get("argv")
    if not isinstance(argv, list) or worker_arguments([str(a) for a in argv]) is None:
        return f"not a worker command line: {argv}"
    why = kernel_zygote.start_refusal(request)
    if why is not None:
        return why
    others = 0 if threads else _threads() - 1
    return f"the zygote runs {others} other threads" if others > 0 else None


def _run_worker(request: dict[str, Any], fds: Sequence[int], zygote_fds: Sequence[int],
                zygote: int) -> int:
    """In the forked child of process `zygote`: become the render worker `request` describes;
    it ends the process itself (`exit_now`, as a launched worker does)."""
    # SIGTERM stays blocked until worker_main handles it: one that comes first (the zygote
    # dying at once) then still lets the worker clean up, as it would later.
    if not kernel_zygote.become_child(request, fds, zygote_fds, zygote, signal.SIGTERM,
                                      unblock=False):
        tmp = Path(str(request.get("env", {}).get("TMPDIR", "")))
        if tmp.name.startswith(WORKER_TMP_PREFIX):  # what the worker would have removed
            shutil.rmtree(tmp, ignore_errors=True)
        return 128 + signal.SIGTERM
    set_process_name(WORKER_PROCESS_NAME)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own
    from rapnb.build import worker

    sys.argv = [worker.__file__, str(zygote)]
    exit_now(worker.worker_main([str(zygote)]))
    return 1  # not reached


WORKER_FORK = Fork(_run_worker, signal.SIGTERM)


def worker_plan(request: dict[str, Any]) -> Fork | str:
    """A worker request forked (WORKER_FORK), or why not."""
    return _refusal(request) or WORKER_FORK


def kernel_or_tables_plan(request: dict[str, Any]) -> Fork | str:
    """The kernel zygote's plan where it also forks the tables' worker (a worker request:
    that worker needs pandas and the tables, which the kernels' preload has read). Its other
    threads (numpy's) are those every forked kernel leaves behind too."""
    if request.get("worker"):
        return _refusal(request, threads=True) or WORKER_FORK
    return kernel_zygote.kernel_plan(request)


WORKER_FORKS = Forks(_preload, worker_plan)
KERNEL_AND_TABLES_FORKS = Forks(kernel_zygote.preload_kernel_stack, kernel_or_tables_plan)


def worker_zygote_main(parent_pid: int, listen_fd: int, folder: str) -> int:
    """The worker zygote's life (`rapnb.build.kernel_zygote.zygote_main`, forking workers)."""
    return kernel_zygote.zygote_main(parent_pid, listen_fd, folder, WORKER_FORKS)


def kernel_zygote_main(parent_pid: int, listen_fd: int, folder: str) -> int:
    """The kernel zygote's life where it also forks the tables' worker."""
    return kernel_zygote.zygote_main(parent_pid, listen_fd, folder, KERNEL_AND_TABLES_FORKS)
