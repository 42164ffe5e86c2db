"""When a task's time starts (`rapnb.build.pool.WorkerProcess.assign`): a worker's first task
from when the worker was asked for (a forked worker's wait included), later ones from their
hand-over."""

from __future__ import annotations

import io
import time
from pathlib import Path

from rapnb.build.messages import TablesTask
from rapnb.build.pool import WorkerProcess


class _Running:
    """A stand-in for a worker process that is still running."""

    pid = 0

    def __init__(self) -> None:
        self.stdin = io.BytesIO()

    def poll(self) -> None:
        return None


def test_a_first_task_is_timed_from_when_its_worker_was_asked_for(tmp_path: Path) -> None:
    asked = time.monotonic() - 5.0
    worker = WorkerProcess(_Running(), tmp_path / "log", tmp_path, asked=asked)  # type: ignore[arg-type]
    worker.assign(TablesTask("tables", str(tmp_path / "t1"), str(tmp_path)))
    assert worker.started == asked
    before = time.monotonic()
    worker.assign(TablesTask("tables", str(tmp_path / "t2"), str(tmp_path)))
    assert before <= worker.started <= time.monotonic()
    assert worker.proc.stdin.getvalue().decode().splitlines() == [  # type: ignore[union-attr]
        str(tmp_path / "t1" / "spec.json"), str(tmp_path / "t2" / "spec.json")]
