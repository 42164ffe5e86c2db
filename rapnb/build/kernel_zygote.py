"""Kernels forked from a process that has already imported the notebooks' stack.

A render worker runs every notebook on a fresh kernel. Started the ordinary way, each kernel is
a new ``python`` that imports ipykernel, pandas, geopandas, Altair and rapnb again: about 2 s of
CPU per notebook, most of the render's floor. A *zygote* (:func:`zygote_main`, started by
:class:`ZygoteProcess`: one per render, shared by its workers) imports all that once and reads
the render's tables, then forks one child per kernel. Each child is still a new process (its own
pid, session, working directory, environment and interpreter state: no notebook sees another's
variables), running ipykernel as ``python -m ipykernel_launcher`` would; only the imports and
the first reads are done.

Each child freezes what it inherits (`gc.freeze`), so that its collections do not walk the
zygote's objects. The same fork server (`Forks`: what to preload, and how to fork each request
or why not) forks the render's notebook workers from a second zygote, and its tables' worker
from this one (`rapnb.build.worker_zygote`).

The zygote listens on a Unix socket (``RAPNB_ZYGOTE_SOCKET`` for the workers). A client
(:class:`ZygoteClient`) sends a JSON line per kernel, ``{"argv", "env", "cwd"}``, with the file
descriptor the kernel's output goes to; it gets ``{"pid": n}`` or ``{"error": why}`` back, and
``{"exit": pid, "status": code}`` when that kernel ends (a request with ``"fds": n`` sends n
descriptors rather than one). The zygote kills a client's kernels when the client goes, and
all of them when its stdin closes, on SIGTERM, or when its parent dies (Linux sends it
SIGTERM); a kernel whose zygote dies gets SIGKILL.
``rapnb.build.jupyter_client_private`` has the kernel provisioner that asks for kernels;
``RAPNB_FORK_KERNELS=0`` launches each kernel as a new ``python`` instead.
"""

from __future__ import annotations

import array
import builtins
import contextlib
import gc
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rapnb.build.messages import WORKER_TMP_PREFIX
from rapnb.build.procs import set_parent_death_signal, set_process_name
from rapnb.datasets.reads import READS_LOG_ENV

FORK_ENV = "RAPNB_FORK_KERNELS"
SOCKET_ENV = "RAPNB_ZYGOTE_SOCKET"
"""Set by `rapnb render` for its workers: the socket of the zygote they share."""
LAUNCHER = "ipykernel_launcher"
PRELOADED = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "IPython.core.completerlib",  # these five: imported by each kernel as it starts
    "IPython.core.debugger",
    "IPython.extensions.storemagic",
    "faulthandler",
    "tornado.platform.asyncio",
    "rapnb.present.report",
    "rapnb.present.charts",
    "rapnb.present.maps",
    "altair",
    "geopandas",
    "pandas",
    "vl_convert",
)
"""What the zygote imports before forking: the kernel (its debugger and what else every kernel
imports when it starts), then what the notebooks' first cell and their charts and maps import
(the benchmark's floor notebook imports the same). One that cannot be imported is left for
the kernel to import, or to fail on, as it would."""
START_SECONDS = 60.0
ZYGOTE_CODE = ("import sys; from rapnb.build.kernel_zygote import zygote_main;"
               " from rapnb.build.procs import exit_now;"
               " exit_now(zygote_main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]))")
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
    """A zygote could not start, or would not fork a child."""


class ZygoteProcess:
    """A zygote process (`code`: the kernels', by default) serving the Unix socket it is given,
    in a new short temporary directory, to every client that connects (the workers of a
    render) until `close`. It leads a session of its own: a signal to the render's process
    group reaches the render process, which stops its workers before its zygotes.

    The socket is listening before the zygote has imported anything: a client may connect at
    once, and its first request waits for the zygote to be ready. With `wait`, the
    constructor waits for that (and raises ZygoteError if the zygote cannot start)."""

    def __init__(self, env: dict[str, str] | None = None, log: Path | None = None,
                 wait: bool = False, code: str = ZYGOTE_CODE) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=f"{WORKER_TMP_PREFIX}{os.getpid()}-z-"))
        self.path = str(self.folder / "zygote.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.path)
            listener.listen(16)
            with open(log, "ab") if log is not None else contextlib.nullcontext() as errors:
                self.proc = subprocess.Popen(
                    [sys.executable, "-c", code, str(os.getpid()),
                     str(listener.fileno()), str(self.folder)],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env,
                    pass_fds=[listener.fileno()], start_new_session=True, cwd=self.folder,
                )
        except OSError:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            listener.close()
        if wait:
            assert self.proc.stdout is not None
            ready = (self.proc.stdout.readline() if select.select(
                [self.proc.stdout], [], [], START_SECONDS)[0] else b"").decode(errors="replace")
            if not ready.startswith('{"ready"'):
                self.close()
                raise ZygoteError("kernel zygote did not start: "
                                  f"{ready.strip() or 'no answer'}")

    def close(self) -> None:
        """Stop the zygote (it kills every kernel still running) and wait for it."""
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
        shutil.rmtree(self.folder, ignore_errors=True)


class ZygoteClient:
    """One connection to a zygote: fork kernels, hear of their exit. The zygote kills this
    connection's kernels when it closes (its process is gone)."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.sock.connect(path)
        except OSError as exc:
            self.sock.close()
            raise ZygoteError(f"no kernel zygote at {path}: {exc.strerror}") from exc
        self.exits: dict[int, int] = {}
        self.gone = False
        self._buffer = b""

    def _line(self, timeout: float) -> bytes | None:
        """The zygote's next line; None on timeout; b"" once the zygote has gone."""
        while b"\n" not in self._buffer:
            if self.gone or not select.select([self.sock], [], [], timeout)[0]:
                return b"" if self.gone else None
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                self.gone = True
                return b""
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def _message(self, timeout: float) -> dict[str, Any]:
        """The zygote's next answer, recording (and skipping) exits on the way: {} if none
        comes within `timeout` seconds, {"error": ...} if the zygote is gone."""
        deadline = time.monotonic() + timeout
        while True:
            line = self._line(max(0.0, deadline - time.monotonic()))
            if line is None:
                return {}
            if not line:
                return {"error": "the zygote has gone"}
            message = json.loads(line)
            if "exit" not in message:
                return dict(message)
            self.exits[int(message["exit"])] = int(message["status"])

    def fork(self, argv: Sequence[str], env: dict[str, str], cwd: str,
             output: int | None = None) -> int:
        """Fork a kernel for command line `argv` (``python -m ipykernel_launcher ...``) with
        environment `env` in directory `cwd`, its stdout and stderr on file descriptor
        `output` (default: this process's stderr); return its pid."""
        if launcher_arguments(argv) is None:
            raise ZygoteError(f"not an ipykernel command line: {list(argv)}")
        return self.request_fork({"argv": list(argv), "env": env, "cwd": cwd},
                                 [2 if output is None else output])

    def request_fork(self, payload: dict[str, Any], fds: Sequence[int]) -> int:
        """Send fork request `payload` (``"fds"``: how many descriptors come with it, if not
        one) with descriptors `fds`; return the child's pid."""
        request = (json.dumps(payload) + "\n").encode()
        try:
            sent = self.sock.sendmsg([request], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                                  array.array("i", fds))])
            self.sock.sendall(request[sent:])
        except OSError as exc:
            raise ZygoteError(f"the zygote is gone: {exc}") from exc
        answer = self._message(START_SECONDS)
        if not answer:  # no answer in time: the request may still be served, but not to us
            self.close()
            raise ZygoteError(f"the zygote did not answer in {START_SECONDS:.0f} s")
        if "pid" not in answer:
            raise ZygoteError(f"the zygote did not fork: {answer.get('error', answer)}")
        return int(answer["pid"])

    def poll(self, pid: int) -> int | None:
        """Child `pid`'s exit status once the zygote has reaped it, else None (a child whose
        zygote is gone counts as ended, status -9: the zygote's death kills a kernel; see
        `rapnb.build.worker_zygote.ForkedProcess` for a worker)."""
        if pid not in self.exits:
            answer = self._message(0.0)
            if "error" in answer and pid not in self.exits:
                return -signal.SIGKILL
        return self.exits.get(pid)

    def close(self) -> None:
        """Close the connection (the zygote kills this connection's kernels still running)."""
        self.gone = True
        self.sock.close()


_SHARED: list[ZygoteClient] = []
_OWN: list[ZygoteProcess] = []
_UNAVAILABLE: list[str] = []
"""Why this process has no zygote, once it found none: its kernels are then launched as usual
(rather than a zygote being looked for, or started, again for every kernel)."""


def shared_zygote() -> ZygoteClient:
    """This process's connection to a zygote: the render's (``RAPNB_ZYGOTE_SOCKET``), else one
    of its own, started on first use. Raises ZygoteError if there is none to be had (said once
    on stderr, with why); the caller then launches its kernel the usual way."""
    if _SHARED and _SHARED[0].gone:
        close_shared_zygote()
        _unavailable("the kernel zygote has gone")
    if _UNAVAILABLE:
        raise ZygoteError(_UNAVAILABLE[0])
    if not _SHARED:
        path = os.environ.get(SOCKET_ENV)
        try:
            if path:
                client = ZygoteClient(path)
            else:
                # Started during a task: its reads log is the kernel's to write, not ours.
                env = {k: v for k, v in os.environ.items()
                       if k not in {READS_LOG_ENV, SOCKET_ENV}}
                _OWN.append(ZygoteProcess(env, wait=True))
                client = ZygoteClient(_OWN[-1].path)
        except (ZygoteError, OSError) as exc:
            close_shared_zygote()
            _unavailable(str(exc))
            raise ZygoteError(str(exc)) from exc
        _SHARED.append(client)
    return _SHARED[0]


def _unavailable(why: str) -> None:
    _UNAVAILABLE.append(why)
    print(f"rapnb: kernels are launched as new processes: {why}", file=sys.stderr, flush=True)


def close_shared_zygote() -> None:
    """Close this process's connection, and stop its own zygote if it started one."""
    while _SHARED:
        _SHARED.pop().close()
    while _OWN:
        _OWN.pop().close()


# The zygote process itself -------------------------------------------------------------------


def drop_working_directory_from_path() -> None:
    """Take the starter's working directory (``python -c``'s first path entry) off
    ``sys.path``, as ``ipykernel_launcher`` does: what a zygote imports comes from the
    installed packages only."""
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]


def preload_kernel_stack() -> None:
    """Import the kernel and the notebooks' stack, as a render kernel would, with the path a
    kernel has (``ipykernel_launcher`` drops the working directory; the kernel adds its own)."""
    from rapnb.present.display import skip_slow_optional_imports

    drop_working_directory_from_path()
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
    and the compiled catalogs; and fill the libraries' own first-use caches. Of rapnb's, only
    caches that record each read on every call, hit or miss (`rapnb.datasets.reads`), are
    filled, so a kernel's reads log stays complete. A data error is left for the kernel to
    report."""
    from rapnb.context import LANGUAGES
    from rapnb.datasets.boundaries import boundaries
    from rapnb.datasets.store import load_table, table_names
    from rapnb.present.i18n import translations

    for lang in LANGUAGES:
        translations(lang)
    with contextlib.suppress(Exception):  # best effort: a kernel fills them as it would
        _warm_libraries(LANGUAGES)
    with contextlib.suppress(Exception):
        for name in table_names():
            load_table(name)
        boundaries()


def _warm_libraries(languages: Sequence[str]) -> None:
    """Fill the caches that libraries fill on first use in every kernel (none of rapnb's
    data): CLDR's locale data for numbers, percentages and territory names, Altair's schema
    lookups with the narwhals modules a first chart imports (about 40 ms a kernel), and the
    plugins narwhals looks up (in every installed package's entry points, 10 ms) the first
    time a chart's data is not a data frame, as the maps' and charts' is not."""
    import pandas as pd

    from rapnb.present import i18n
    from rapnb.present.altair_private import spec_without_validation

    for lang in languages:
        i18n.number(1234.5, lang, 1), i18n.percent(12.5, lang), i18n.territory_name("CO", lang)
    import altair as alt

    frame = pd.DataFrame({"office": ["Lima", "Quito"], "usd": [1.5, 2.0]})
    spec_without_validation(alt.Chart(frame, title="Warm-up").mark_bar().encode(
        x=alt.X("office:N", title="Office"), y="usd:Q", color="office:N"))
    bars = alt.Chart(alt.Data(values=[{"office": "Lima", "usd": 1.5}])).mark_bar().encode(
        x="office:N", y="usd:Q")
    spec_without_validation(bars + bars.mark_text().encode(text="usd:Q"))
    frame.to_string(), frame.to_dict("records")


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


def become_child(request: dict[str, Any], fds: Sequence[int], zygote_fds: Sequence[int],
                  zygote: int, death_signal: int, unblock: bool = True) -> bool:
    """In a forked child of process `zygote`: leave the zygote's session, descriptors and
    signal handlers behind and take `request`'s directory and environment. `fds` are the
    descriptors sent with the request: the output (stdout and stderr; else the zygote's
    stderr), then for a worker its stdin (else /dev/null). The child gets `death_signal`
    when the zygote dies; False if the zygote died already. SIGTERM, blocked by `fork_child`,
    is unblocked unless not `unblock` (the child then does so once it handles it)."""
    gc.freeze()  # what the zygote imported stays: no collection need walk it again
    os.setsid()
    signal.set_wakeup_fd(-1)
    output, stdin = (list(fds) + [None, None])[:2]
    if output is not None:
        os.dup2(output, 2)
    if stdin is None:
        stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    for fd in {*zygote_fds, *fds, stdin}:
        with contextlib.suppress(OSError):
            os.close(fd)
    os.dup2(2, 1)
    for signum in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if unblock:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # blocked by fork_child
    set_parent_death_signal(death_signal)
    if os.getppid() != zygote:  # the zygote died before the request above took effect
        return False
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    tempfile.tempdir = None  # found again from this environment's TMPDIR
    _reseed()
    return True


def _run_kernel(request: dict[str, Any], fds: Sequence[int], zygote_fds: Sequence[int],
                zygote: int) -> int:
    """In the forked child of process `zygote`: become the kernel `request` describes (see
    `become_child` for `fds`); returns its exit status."""
    if not become_child(request, fds, zygote_fds, zygote, signal.SIGKILL):
        return 128 + signal.SIGKILL
    set_process_name(KERNEL_PROCESS_NAME)
    os.environ["JPY_PARENT_PID"] = str(zygote)
    arguments = launcher_arguments(request["argv"]) or []
    # ipykernel read JPY_PARENT_PID when the zygote imported it: say it again, so that the
    # kernel watches its parent (and exits if the zygote goes) as a launched kernel does.
    sys.argv = [LAUNCHER, *arguments, f"--IPKernelApp.parent_handle={zygote}"]
    from ipykernel import kernelapp

    try:
        kernelapp.launch_new_instance()
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def fork_child(run: Child, request: dict[str, Any], fds: Sequence[int],
               zygote_fds: Sequence[int]) -> int:
    """Fork a child that runs `run(request, fds, zygote_fds, zygote_pid)`; return its pid
    (in the zygote). SIGTERM is blocked across the fork: one sent to the child before it has
    dropped the zygote's handler (`become_child`) waits for that, rather than being lost."""
    sys.stdout.flush()
    sys.stderr.flush()
    zygote = os.getpid()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    pid = -1
    try:
        pid = os.fork()
    finally:
        if pid != 0:  # the zygote (also when the fork failed)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    if pid == 0:
        status = 1
        try:
            status = run(request, fds, zygote_fds, zygote)
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


class _Client:
    """A connection the zygote serves: bytes read so far, descriptors received, its children."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buffer = sock, b""
        self.fds: list[int] = []
        self.children: set[int] = set()

    def send(self, message: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):  # a client that has gone is noticed when read
            self.sock.sendall((json.dumps(message) + "\n").encode())

    def receive(self) -> bool:
        """Read what has arrived; False once the client has closed its end."""
        try:
            data, fds, _, _ = socket.recv_fds(self.sock, 1 << 20, 16)
        except OSError:
            return False
        self.buffer += data
        self.fds += fds
        return bool(data)

    def requests(self) -> list[tuple[dict[str, Any] | str, list[int]]]:
        """The complete requests received, each with the descriptors sent with it (``"fds"``
        in the request, else one); a request that is not a JSON object comes as the reason it
        is refused."""
        found: list[tuple[dict[str, Any] | str, list[int]]] = []
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            try:
                request = json.loads(line)
            except ValueError as exc:
                request = f"not a JSON request: {exc}"
            if not isinstance(request, (dict, str)):
                request = "not a JSON object"
            count = request.get("fds", 1) if isinstance(request, dict) else 1
            count = count if isinstance(count, int) and 0 <= count <= MAX_FDS else 1
            fds, self.fds = self.fds[:count], self.fds[count:]
            found.append((request, fds))
        return found

    def hung_up(self) -> bool:
        """Whether the client has closed its end (nothing more to read, and the end)."""
        try:
            return self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def close(self) -> None:
        """Forget the client: its descriptors not yet used, and its socket."""
        for fd in self.fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self.fds.clear()
        self.sock.close()


MAX_FDS = 2
"""The most descriptors one request sends (a worker's output and stdin)."""
START_ENV = ("PYTHONHASHSEED", "PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "PYTHONWARNINGS",
             "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONDONTWRITEBYTECODE", "LANG", "LC_ALL",
             "LC_CTYPE", "TZ", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
"""Environment variables that take effect when an interpreter (or a library it loads) starts:
a kernel asking for other values than the zygote started with cannot be forked."""


def start_env_changes(env: dict[str, Any]) -> list[str]:
    """The START_ENV variables whose values in `env` differ from this process's."""
    return [name for name in START_ENV if env.get(name) != os.environ.get(name)]


def refusal(request: dict[str, Any]) -> str | None:
    """Why the zygote cannot fork the kernel `request` asks for, or None: not the
    ``python -m ipykernel_launcher`` of this very interpreter, or see `start_refusal`."""
    argv = request.get("argv")
    if not isinstance(argv, list) or launcher_arguments([str(a) for a in argv]) is None:
        return f"not an ipykernel command line: {argv}"
    return start_refusal(request)


def start_refusal(request: dict[str, Any]) -> str | None:
    """Why a child for `request` (its command line's form checked already) cannot start from
    this process, or None: another interpreter, no directory to run in, or start-up settings
    other than this process's (see START_ENV)."""
    argv, env = request["argv"], request.get("env")
    if os.path.abspath(str(argv[0])) != os.path.abspath(sys.executable):
        return f"another interpreter: {argv[0]} (this one is {sys.executable})"
    if not isinstance(env, dict) or not isinstance(request.get("cwd"), str):
        return "no environment or working directory"
    changed = start_env_changes(env)
    if changed:
        return f"start-up settings differ from the zygote's: {', '.join(changed)}"
    return None


Child = Callable[[dict[str, Any], Sequence[int], Sequence[int], int], int]
"""What a forked child runs: (request, its descriptors, the zygote's, the zygote's pid) ->
exit status."""


@dataclass(frozen=True)
class Fork:
    """How a request is forked: what the child runs, and the signal it gets when its client
    or the zygote goes."""

    child: Child
    stop_signal: int


@dataclass(frozen=True)
class Forks:
    """What a zygote forks: what it imports first, and for each request how it is forked, or
    why it is refused."""

    preload: Callable[[], None]
    plan: Callable[[dict[str, Any]], Fork | str]


class _Server:
    """The zygote's side of its socket: clients, the children forked for each."""

    def __init__(self, listener: socket.socket, wake: tuple[int, int], forks: Forks) -> None:
        self.listener, self.wake, self.forks = listener, wake, forks
        self.clients: dict[socket.socket, _Client] = {}
        self.owners: dict[int, _Client] = {}
        self.stop_signals: dict[int, int] = {}
        self.batch_fds: list[int] = []
        """The descriptors of the requests being answered (none for a child to keep)."""

    def own_fds(self) -> tuple[int, ...]:
        """The zygote's descriptors, none of which a child keeps."""
        return (self.listener.fileno(), *self.wake, *self.batch_fds,
                *(c.sock.fileno() for c in self.clients.values()),
                *(fd for c in self.clients.values() for fd in c.fds))

    def serve(self, stdin: int) -> bool:
        """Wait for something to do and do it: reap children, accept clients, fork what they
        ask for. False once `stdin` has closed: the starter wants the zygote gone."""
        watched: list[Any] = [stdin, self.listener, self.wake[0], *self.clients]
        try:
            readable = select.select(watched, [], [])[0]
        except InterruptedError:
            return True
        if self.wake[0] in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(self.wake[0], 512)
            self._reap()
        if stdin in readable and not os.read(stdin, 512):
            return False
        if self.listener in readable:
            sock, _ = self.listener.accept()
            self.clients[sock] = _Client(sock)
        for sock in [r for r in readable if r in self.clients]:
            client = self.clients[sock]
            if not client.receive():
                self._stop(client.children)  # its process has gone
                del self.clients[sock]
                client.close()
                continue
            batch = client.requests()
            self.batch_fds = [fd for _, fds in batch for fd in fds]
            for request, fds in batch:
                self._answer(client, request, fds)
            self.batch_fds = []
        return True

    def _answer(self, client: _Client, request: dict[str, Any] | str,
                fds: Sequence[int]) -> None:
        try:
            fork = request if isinstance(request, str) else self.forks.plan(request)
            if isinstance(fork, str):
                raise ZygoteError(fork)
            if client.hung_up():  # it gave up waiting: a child now would be nobody's
                return
            assert isinstance(request, dict)
            pid = fork_child(fork.child, request, fds, self.own_fds())
        except Exception as exc:  # noqa: BLE001 - the client is told why
            client.send({"error": f"{type(exc).__name__}: {exc}"})
            return
        finally:
            for fd in fds:
                os.close(fd)
        client.children.add(pid)
        self.owners[pid] = client
        self.stop_signals[pid] = fork.stop_signal
        client.send({"pid": pid})

    def _reap(self) -> None:
        """Tell each client which of its children have ended."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            client = self.owners.pop(pid, None)
            self.stop_signals.pop(pid, None)
            if client is not None:
                client.children.discard(pid)
                client.send({"exit": pid, "status": os.waitstatus_to_exitcode(status)})

    def _stop(self, pids: set[int]) -> None:
        for pid in pids:
            signum = self.stop_signals.get(pid, signal.SIGKILL)
            if signum == signal.SIGKILL:  # a kernel leads its own group
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(pid, signum)

    def close(self) -> None:
        """Stop every child still running, and the listener."""
        self._stop(set(self.owners))
        for client in list(self.clients.values()):
            client.close()
        self.listener.close()


KERNEL_FORK = Fork(_run_kernel, signal.SIGKILL)


def kernel_plan(request: dict[str, Any]) -> Fork | str:
    """A kernel request forked (KERNEL_FORK), or why not (`refusal`)."""
    return refusal(request) or KERNEL_FORK


KERNEL_FORKS = Forks(preload_kernel_stack, kernel_plan)


def zygote_main(parent_pid: int, listen_fd: int, folder: str, forks: Forks = KERNEL_FORKS
                ) -> int:
    """Serve fork requests from every client of the listening socket `listen_fd` until stdin
    closes (status 0) or SIGTERM (status 143), once `forks.preload` is done (said on stdout:
    ``{"ready": pid}``, or ``{"error": why}`` and status 1). The socket's `folder` is removed
    on the way out (also when the render process was killed and Linux sent SIGTERM)."""
    try:
        return _serve(parent_pid, listen_fd, forks)
    finally:
        if Path(folder).name.startswith(WORKER_TMP_PREFIX):
            shutil.rmtree(folder, ignore_errors=True)


def _say(ready: IO[str], message: dict[str, Any]) -> None:
    """Tell the starter `message` on `ready`, and close it (a starter that has gone is
    noticed on stdin)."""
    try:
        ready.write(json.dumps(message) + "\n")
        ready.flush()
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            ready.close()


def _serve(parent_pid: int, listen_fd: int, forks: Forks) -> int:
    """The zygote's life: preload, then serve (see zygote_main)."""
    ready = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints of imported modules go to the zygote's stderr
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent_pid:
        return 128 + signal.SIGTERM
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the render process decides when to stop
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    try:
        forks.preload()
    except Exception as exc:  # noqa: BLE001 - said to the starter, whose clients fall back
        import traceback

        traceback.print_exc()
        _say(ready, {"error": f"{type(exc).__name__}: {exc}"})
        return 1
    server = _Server(socket.socket(fileno=listen_fd), (wake_read, wake_write), forks)
    _say(ready, {"ready": os.getpid()})
    try:
        while not stopping and server.serve(sys.stdin.fileno()):
            pass
    finally:
        server.close()
    return 128 + signal.SIGTERM if stopping else 0
