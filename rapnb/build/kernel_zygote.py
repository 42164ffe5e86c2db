"""Kernels forked from a process that has already imported the notebooks' stack.

A render worker runs every notebook on a fresh kernel. Started the ordinary way, each kernel is
a new ``python`` that imports ipykernel, pandas, geopandas, Altair and rapnb again: about 2 s of
CPU per notebook, most of the render's floor. A *zygote* (:func:`zygote_main`, one per worker,
started by :class:`Zygote`) imports all that once and reads the render's tables, then forks one
child per kernel. Each child is still a new process (its own pid, session, working directory,
environment and interpreter state: no notebook sees another's variables), running ipykernel as
``python -m ipykernel_launcher`` would; only the imports and the first reads are done.

The zygote speaks JSON lines: requests on its stdin (``{"argv", "env", "cwd"}``), answers on its
stdout (``{"ready": pid}`` once, ``{"pid": n}`` or ``{"error": why}`` per request, and
``{"exit": pid, "status": code}`` when a child ends). It exits, killing its children, when its
stdin closes or on SIGTERM; Linux SIGTERMs it if its worker dies, and SIGKILLs a child if the
zygote dies. :class:`Zygote` is the worker's side; ``rapnb.build.jupyter_client_private`` has the
kernel provisioner that asks it for kernels. ``RAPNB_FORK_KERNELS=0`` turns it off.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import IO, Any

from rapnb.datasets.reads import READS_LOG_ENV

FORK_ENV = "RAPNB_FORK_KERNELS"
LAUNCHER = "ipykernel_launcher"
PRELOADED = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "rapnb.present.report",
    "rapnb.present.charts",
    "rapnb.present.maps",
    "altair",
    "geopandas",
    "pandas",
    "vl_convert",
)
"""What the zygote imports before forking: the kernel (its debugger too, which every kernel
imports when it starts), then what the notebooks' first cell and their charts and maps import
(the benchmark's floor notebook imports the same). One that cannot be imported is left for
the kernel to import, or to fail on, as it would."""
START_SECONDS = 60.0
ZYGOTE_CODE = ("import sys; from rapnb.build.kernel_zygote import zygote_main;"
               " from rapnb.build.procs import exit_now; exit_now(zygote_main(int(sys.argv[1])))")
"""The zygote's command (``python -c``: run as ``-m``, this module would be imported twice)."""
KERNEL_PROCESS_NAME = "ipykernel"
"""A forked kernel's process name (its /proc/PID/comm)."""


def enabled() -> bool:
    """Whether render kernels are forked from a zygote (``RAPNB_FORK_KERNELS``, default on, on
    platforms with ``fork``)."""
    return hasattr(os, "fork") and os.environ.get(FORK_ENV, "1") not in {"", "0"}


def launcher_arguments(argv: Sequence[str]) -> list[str] | None:
    """The kernel's own arguments if `argv` is ``python -m ipykernel_launcher ...`` (what the
    zygote can fork), else None."""
    if len(argv) >= 3 and list(argv[1:3]) == ["-m", LAUNCHER]:
        return list(argv[3:])
    return None


class ZygoteError(RuntimeError):
    """The zygote could not start or fork a kernel."""


class Zygote:
    """The worker's side of a zygote process: start it, fork kernels, hear of their exit."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE_CODE, str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, bufsize=0,
        )
        self.exits: dict[int, int] = {}
        self._buffer = b""
        ready = self._message(START_SECONDS)
        if "ready" not in ready:
            self.close()
            raise ZygoteError(f"kernel zygote did not start: {ready.get('error', ready)}")

    def alive(self) -> bool:
        """Whether the zygote process is still running."""
        return self.proc.poll() is None

    def _line(self, timeout: float) -> bytes | None:
        """The zygote's next line; None on timeout; b"" once it has closed its output."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            if not select.select([fd], [], [], timeout)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return b""
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def _message(self, timeout: float) -> dict[str, Any]:
        """The zygote's next answer, recording (and skipping) exits on the way: {} if none
        comes within `timeout` seconds, {"error": ...} if the zygote is gone."""
        while True:
            line = self._line(timeout)
            if line is None:
                return {}
            if not line:
                return {"error": f"zygote exited with status {self.proc.wait()}"}
            message = json.loads(line)
            if "exit" not in message:
                return dict(message)
            self.exits[int(message["exit"])] = int(message["status"])
            timeout = 0.0

    def fork(self, argv: Sequence[str], env: dict[str, str], cwd: str) -> int:
        """Fork a kernel for command line `argv` (``python -m ipykernel_launcher ...``) with
        environment `env` in directory `cwd`; return its pid."""
        if launcher_arguments(argv) is None:
            raise ZygoteError(f"not an ipykernel command line: {list(argv)}")
        request = (json.dumps({"argv": list(argv), "env": env, "cwd": cwd}) + "\n").encode()
        assert self.proc.stdin is not None
        try:
            view = memoryview(request)
            while view:
                view = view[os.write(self.proc.stdin.fileno(), view):]
        except OSError as exc:
            raise ZygoteError(f"kernel zygote is gone: {exc}") from exc
        answer = self._message(START_SECONDS)
        if "pid" not in answer:
            raise ZygoteError(f"kernel zygote did not fork: {answer.get('error', answer)}")
        return int(answer["pid"])

    def poll(self, pid: int) -> int | None:
        """Kernel `pid`'s exit status once the zygote has reaped it, else None (a kernel whose
        zygote is gone counts as ended, status -9: the zygote's death kills it)."""
        if pid not in self.exits:
            answer = self._message(0.0)
            if "error" in answer and pid not in self.exits:
                return -signal.SIGKILL
        return self.exits.get(pid)

    def close(self) -> None:
        """Stop the zygote (it kills any kernel still running) and wait for it."""
        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


_SHARED: list[Zygote] = []


def shared_zygote() -> Zygote:
    """This process's zygote, started on first use (and again if it has died)."""
    if _SHARED and not _SHARED[0].alive():
        _SHARED.pop().close()
    if not _SHARED:
        # Started during a task: its reads log is the kernel's to write, not the zygote's.
        env = {k: v for k, v in os.environ.items() if k != READS_LOG_ENV}
        _SHARED.append(Zygote(env))
    return _SHARED[0]


def close_shared_zygote() -> None:
    """Stop this process's zygote, if one was started."""
    while _SHARED:
        _SHARED.pop().close()


# The zygote process itself -------------------------------------------------------------------


def _set_parent_death_signal(signum: int) -> None:
    """Ask Linux to send `signum` to this process when its parent dies (best effort)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signum)  # PR_SET_PDEATHSIG


def _set_process_name(name: str) -> None:
    """Name this process in `ps` and /proc/PID/comm (Linux; best effort): a forked kernel's
    command line is still its zygote's."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME


def _preload() -> None:
    """Import the kernel and the notebooks' stack, as a render kernel would, with the path a
    kernel has (``ipykernel_launcher`` drops the working directory; the kernel adds its own)."""
    from pathlib import Path

    from rapnb.present.display import skip_slow_optional_imports

    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    skip_slow_optional_imports()  # before Altair imports jsonschema, as report.setup() does
    builtins.get_ipython = _KernelShellStandIn  # type: ignore[attr-defined]
    try:
        for name in PRELOADED:
            with contextlib.suppress(ImportError):
                __import__(name)
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]
    _warm_caches()


def _warm_caches() -> None:
    """Read what every notebook reads first: the render's tables and boundaries (validated)
    and the compiled catalogs. Only caches that record each read on every call, hit or miss
    (`rapnb.datasets.reads`), are filled, so a kernel's reads log stays complete. A data
    error is left for the kernel to report."""
    from rapnb.context import LANGUAGES
    from rapnb.datasets.boundaries import boundaries
    from rapnb.datasets.store import load_table, table_names
    from rapnb.present.i18n import translations

    for lang in LANGUAGES:
        translations(lang)
    with contextlib.suppress(Exception):
        for name in table_names():
            load_table(name)
        boundaries()


class _KernelShellStandIn:
    """What ``get_ipython()`` returns while the zygote imports: libraries that look at their
    surroundings on import see a Jupyter kernel, as they would in one. (pandas does: in a
    terminal it would size tables to the terminal, ``display.max_columns`` 0, not 20.)"""

    kernel = None


def _reseed() -> None:
    """Give the child its own random state, as a new process would have."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _run_kernel(request: dict[str, Any], zygote_fds: Sequence[int]) -> int:
    """In the forked child: become the kernel `request` describes; returns its exit status."""
    os.setsid()
    signal.set_wakeup_fd(-1)
    for fd in zygote_fds:
        os.close(fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)  # the kernel's own output goes where the zygote's errors go (the worker log)
    for signum in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _set_parent_death_signal(signal.SIGKILL)
    _set_process_name(KERNEL_PROCESS_NAME)
    zygote = os.getppid()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["JPY_PARENT_PID"] = str(zygote)
    arguments = launcher_arguments(request["argv"]) or []
    # ipykernel read JPY_PARENT_PID when the zygote imported it: say it again, so that the
    # kernel watches its parent (and exits if the zygote goes) as a launched kernel does.
    sys.argv = [LAUNCHER, *arguments, f"--IPKernelApp.parent_handle={zygote}"]
    _reseed()
    from ipykernel import kernelapp

    try:
        kernelapp.launch_new_instance()
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def _fork(request: dict[str, Any], zygote_fds: Sequence[int]) -> int:
    """Fork a kernel child for `request`; return its pid (in the zygote)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            status = _run_kernel(request, zygote_fds)
        except BaseException:  # noqa: BLE001 - a child must never return into the zygote
            import traceback

            traceback.print_exc()
        finally:
            with contextlib.suppress(BaseException):
                import atexit

                atexit._run_exitfuncs()
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(status)
    return pid


def _send(out: IO[str], message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def _reap(out: IO[str], children: set[int]) -> None:
    """Report every child that has ended."""
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        _send(out, {"exit": pid, "status": os.waitstatus_to_exitcode(status)})


def _kill_children(children: set[int]) -> None:
    for pid in children:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)  # each child leads its own session and group
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def zygote_main(parent_pid: int) -> int:
    """Serve fork requests from stdin until it closes (status 0) or SIGTERM (status 143)."""
    channel = os.dup(1)
    os.dup2(2, 1)  # stray prints of imported modules must not reach the protocol channel
    out = os.fdopen(channel, "w", buffering=1, closefd=False)
    _set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent_pid:
        return 128 + signal.SIGTERM
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the render process decides when to stop
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    children: set[int] = set()
    try:
        _preload()
    except Exception as exc:  # noqa: BLE001 - reported to the worker, which falls back
        _send(out, {"error": f"{type(exc).__name__}: {exc}"})
        return 1
    _send(out, {"ready": os.getpid()})
    requests = sys.stdin
    try:
        while not stopping:
            try:
                readable = select.select([requests, wake_read], [], [])[0]
            except InterruptedError:
                continue
            if wake_read in readable:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_read, 512)
                _reap(out, children)
            if requests in readable:
                line = requests.readline()
                if not line:
                    break
                try:
                    pid = _fork(json.loads(line), (channel, wake_read, wake_write))
                except Exception as exc:  # noqa: BLE001 - the worker is told why
                    _send(out, {"error": f"{type(exc).__name__}: {exc}"})
                    continue
                children.add(pid)
                _send(out, {"pid": pid})
    finally:
        _kill_children(children)
        _reap(out, children)
    return 128 + signal.SIGTERM if stopping else 0

