"""One render per output directory: an exclusive `fcntl.flock` on `<out>/.rapnb-render.lock`.

The lock file holds the pid of the render that owns it (for the message another render shows).
It is never deleted: removing a flock'ed file lets two processes lock two different files.
The kernel releases the lock when its owner exits, however it exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".rapnb-render.lock"


class RenderLockedError(RuntimeError):
    """Another render holds the lock on the output directory."""

    def __init__(self, out: Path, pid: int | None) -> None:
        self.out = out
        self.pid = pid
        who = f"pid {pid}" if pid is not None else "pid unknown"
        super().__init__(
            f"another render is writing to {out} ({who}); wait for it or use another --out"
        )


def lock_path(out: str | os.PathLike[str]) -> Path:
    """The lock file of output directory `out`."""
    return Path(out) / LOCK_NAME


def holder_pid(path: Path) -> int | None:
    """The pid written in a lock file, or None if there is none (yet)."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


@contextlib.contextmanager
def render_lock(out: str | os.PathLike[str], *, wait: bool = False) -> Iterator[Path]:
    """Hold the render lock of `out` (which must exist) for the block.

    Raises RenderLockedError at once if another process holds it, unless `wait` is true: then a
    note goes to stderr and the call blocks until the other render ends.
    """
    path = lock_path(out)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            error = RenderLockedError(Path(out), holder_pid(path))
            if not wait:
                raise error from None
            print(f"rapnb render: {error.args[0].split(';')[0]}; waiting for it to finish",
                  file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
