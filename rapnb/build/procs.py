"""Processes on Linux: the children of a process, whether one is alive, and stopping them."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path


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


def alive(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    return state not in {"Z", "X"}


def wait_polling(poll: Callable[[], int | None], timeout: float | None, interval: float,
                 what: str) -> int:
    """`Popen.wait` for a process whose exit status `poll` gives (None while it runs): the
    status, polled every `interval` seconds; subprocess.TimeoutExpired (naming `what`) once
    `timeout` seconds have passed without one."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while (code := poll()) is None:
        if deadline is not None and time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(what, timeout or 0.0)
        time.sleep(interval)
    return code


def kill_processes(pids: Sequence[int], grace: float = 3.0) -> None:
    """SIGTERM `pids`, then SIGKILL whatever is still alive after `grace` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)


def exit_now(status: int) -> None:
    """Flush stdout and stderr, then end this process with `status` at once: no interpreter
    teardown (a process with pandas, geopandas and a JavaScript engine loaded spends most of a
    second freeing them). For processes whose files are already closed and synced."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


def set_parent_death_signal(signum: int) -> None:
    """Ask Linux to send `signum` to this process when the thread that started it ends
    (PR_SET_PDEATHSIG; best effort, nothing elsewhere)."""
    _prctl(1, signum)


def set_process_name(name: str) -> None:
    """Name this process in `ps` and /proc/PID/comm (PR_SET_NAME, 15 bytes; best effort)."""
    _prctl(15, name.encode()[:15])


def _prctl(option: int, argument: int | bytes) -> None:
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, argument, 0, 0, 0)
