"""How a worker wakes the render process when it has written a task's result: a byte on a FIFO
in the render's work folder (named by ``RAPNB_WAKEUP_FIFO`` in the worker's environment), which
the render loop waits on between its checks, rather than noticing the result at its next
poll, up to `rapnb.build.render.POLL_SECONDS` later. A FIFO reaches launched and forked
workers alike, with no file descriptor to hand over. A FIFO that cannot be made (a file
system without them) or opened is no error: the render loop then only polls."""

from __future__ import annotations

import contextlib
import os
import select
import time
from pathlib import Path

WAKEUP_ENV = "RAPNB_WAKEUP_FIFO"


class Wakeup:
    """The render process's end of the FIFO at `path` (made here; opened for reading and
    writing, so that it never reads as closed when no worker has it open). `fd` is None where
    no FIFO could be made: nothing then wakes a wait."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        with contextlib.suppress(OSError):
            os.mkfifo(path, 0o600)
            self.fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)

    def wait(self, seconds: float) -> bool:
        """Wait until a worker writes, or `seconds` have passed; whether one wrote. What was
        written is read, so that the next wait waits again."""
        if self.fd is None:
            time.sleep(seconds)
            return False
        ready, _, _ = select.select([self.fd], [], [], seconds)
        if not ready:
            return False
        with contextlib.suppress(BlockingIOError):
            while os.read(self.fd, 4096):
                pass
        return True

    def close(self) -> None:
        """Close the FIFO and remove it."""
        if self.fd is not None:
            os.close(self.fd)
        self.path.unlink(missing_ok=True)


def wake(path: str) -> None:
    """In a worker: wake the render process through its FIFO at `path`, if any (no error if
    it cannot be reached: it is gone, or will notice the result at its next poll)."""
    if not path:
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # no such FIFO, or no reader (ENXIO)
        return
    try:
        with contextlib.suppress(OSError):  # full (EAGAIN): it has been woken already
            os.write(fd, b"\n")
    finally:
        os.close(fd)
