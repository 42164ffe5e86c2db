"""The render process's side of its workers: starting them, handing them tasks, noticing
when a task is done or a worker died, and stopping them (with their kernels)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from rapnb.build.kernel_zygote import ZygoteError
from rapnb.build.messages import (
    RESULT_NAME,
    WORKER_TMP_PREFIX,
    Task,
    TaskOutcome,
    one_line,
    read_outcome,
    write_task,
)
from rapnb.build.procs import alive, child_pids, kill_processes
from rapnb.build.worker_zygote import ForkedProcess, fork_worker, worker_arguments

GRACE_SECONDS = 20.0
"""How long interrupted workers get to shut their kernels down before they are killed."""
POLL_SECONDS = 0.02


class Process(Protocol):
    """What the render process uses of a worker's process: a `subprocess.Popen`, or a
    `rapnb.build.worker_zygote.ForkedProcess`."""

    pid: int
    stdin: IO[bytes] | None

    def poll(self) -> int | None: ...
    def wait(self, timeout: float | None = None) -> int: ...
    def send_signal(self, sig: int) -> None: ...
    def kill(self) -> None: ...


@dataclass(frozen=True)
class Finished:
    """A task its worker is done with: the task, its seconds, and the outcome the worker wrote
    (a failed one saying `WorkerProcess.failure` if it wrote none that can be read)."""

    task: Task
    seconds: float
    outcome: TaskOutcome


@dataclass
class WorkerProcess:
    """A worker process and the task it is running (None while idle). A task's `started` is
    when it was handed over, or for a worker's first task when the worker was asked for (its
    time includes the wait for a forked worker, as it does a launched worker's start)."""

    proc: Process
    log: Path
    tmp: Path
    task: Task | None = None
    started: float = 0.0
    asked: float | None = None

    def assign(self, task: Task) -> None:
        """Hand `task` to the worker: write its spec file, then its path to the worker. If the
        worker has died, the task stays with it and fails (see `done`), rather than going to
        another worker: a worker that cannot start must not be replaced for ever."""
        spec = write_task(task)
        self.task, self.started = task, time.monotonic() if self.asked is None else self.asked
        self.asked = None
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):  # BrokenPipeError: the worker is gone
            self.proc.stdin.write(f"{spec}\n".encode())
            self.proc.stdin.flush()

    @property
    def result_path(self) -> Path:
        """Where the worker writes the outcome of its current task."""
        assert self.task is not None
        return Path(self.task.work) / RESULT_NAME

    def done(self) -> bool:
        """Whether the current task has its result (or the worker is gone)."""
        return self.result_path.is_file() or self.proc.poll() is not None

    def take(self) -> Finished:
        """Take the worker's current task once `done`, leaving the worker free for the next
        one while the render process installs this one's files."""
        seconds = round(time.monotonic() - self.started, 2)
        try:
            outcome = read_outcome(self.result_path)
        except (OSError, ValueError, TypeError):  # said now: its log goes on with the next task
            outcome = TaskOutcome("failed", [], self.failure())
        assert self.task is not None
        finished = Finished(self.task, seconds, outcome)
        self.task = None
        return finished

    def close(self) -> None:
        """No more tasks: the worker exits once its stdin is closed."""
        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()

    def failure(self) -> str:
        """Why the worker gave no result: its exit and the last line of its log."""
        code = self.proc.poll()
        how = ("no result" if code is None else f"signal {-code}" if code < 0
               else f"status {code}")
        if isinstance(self.proc, ForkedProcess) and self.proc.status_lost:
            how = "an unknown status after its zygote died"
        try:
            lines = [ln for ln in self.log.read_text(errors="replace").splitlines()
                     if ln.strip()]
        except OSError:
            lines = []
        last = f": {lines[-1]}" if lines else ""
        return one_line(f"WorkerError: worker exited with {how}{last}")


def worker_command() -> list[str]:
    """The command line of a worker process."""
    return [sys.executable, "-m", "rapnb.build.worker", str(os.getpid())]


def start_worker(folder: Path, env: dict[str, str], zygote: str | None = None
                 ) -> WorkerProcess:
    """Start a worker process that logs into `folder`: forked by the zygote listening at
    `zygote` if one is given and will fork it (`rapnb.build.worker_zygote`), else launched
    (said once on stderr when a fork failed). Its TMPDIR, where its kernels keep their
    connection files and sockets, is a short new directory of the system's temporary
    directory (socket paths are limited in length), removed by the caller at the end."""
    asked = time.monotonic()
    folder.mkdir(parents=True)
    command = worker_command()
    if zygote is not None and worker_arguments(command) is not None:
        tmp = _worker_tmpdir()
        log = folder / "worker.log"
        try:
            with open(log, "wb") as handle:
                forked = fork_worker(zygote, command, dict(env, TMPDIR=str(tmp)),
                                     str(folder), handle.fileno())
            return WorkerProcess(forked, log, tmp, asked=asked)
        except ZygoteError as exc:
            _fork_failed(str(exc))
            # A fork answered too late is SIGTERMed by the zygote; it must not take the
            # launched worker's folder or log with it: those are new.
            shutil.rmtree(tmp, ignore_errors=True)
    tmp = _worker_tmpdir()
    log = folder / ("worker-launched.log" if (folder / "worker.log").exists() else "worker.log")
    with open(log, "wb") as handle:
        proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=handle, stderr=subprocess.STDOUT,
            cwd=folder, env=dict(env, TMPDIR=str(tmp)), start_new_session=True,
        )
    return WorkerProcess(proc, log, tmp, asked=asked)


def _worker_tmpdir() -> Path:
    return Path(tempfile.mkdtemp(prefix=f"{WORKER_TMP_PREFIX}{os.getpid()}-"))


_FORK_FAILURES: list[str] = []


def _fork_failed(why: str) -> None:
    """Say, once per process, that a worker is launched because the zygote did not fork it."""
    if not _FORK_FAILURES:
        print(f"rapnb: workers are launched as new processes: {why}",
              file=sys.stderr, flush=True)
    _FORK_FAILURES.append(why)


def sweep_stale_tmpdirs() -> list[Path]:
    """Remove the worker temporary directories of renders that are no longer running (a
    render killed with SIGKILL, its workers too); returns those removed."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{WORKER_TMP_PREFIX}*"):
        pid = folder.name.removeprefix(WORKER_TMP_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)) and folder.is_dir() and (
                folder.stat().st_uid == os.getuid()):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def wait_for_exit(workers: Sequence[WorkerProcess], seconds: float) -> None:
    """Wait until every worker has exited, or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(w.proc.poll() is None for w in workers):
        time.sleep(POLL_SECONDS)


def terminate(workers: Sequence[WorkerProcess], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM every worker; kill (with its kernel) any that is still there after `grace`."""
    for worker in workers:
        worker.close()
        with contextlib.suppress(ProcessLookupError):
            worker.proc.send_signal(signal.SIGTERM)
    wait_for_exit(workers, grace)
    for worker in workers:
        if worker.proc.poll() is None:
            kill_processes(child_pids(worker.proc.pid), grace=1.0)
            worker.proc.kill()
        worker.proc.wait()


def shut_down(workers: Sequence[WorkerProcess], grace: float = 5.0) -> None:
    """Close idle workers' stdin so they exit; terminate any still there after `grace`."""
    for worker in workers:
        worker.close()
    wait_for_exit(workers, grace)
    terminate([w for w in workers if w.proc.poll() is None], grace=grace)
