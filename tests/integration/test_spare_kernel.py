"""Kernels started ahead: a worker starts the kernel of its next notebook while it exports the
current one (`rapnb.build.execute.start_spare_kernel`); the next notebook runs on it, or on a
kernel of its own if that one has died."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from rapnb.build import kernel_zygote, worker
from rapnb.build.execute import execute_notebook, start_spare_kernel
from rapnb.build.messages import NotebookTask
from rapnb.build.procs import alive

PROBE = ("import os\n"
         "print(os.getpid(), os.getcwd(), os.environ.get('RAPNB_READS_LOG'),"
         " 'leak' in globals())\n"
         "leak = 1")


@pytest.fixture(autouse=True)
def _own_zygote(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("RAPNB_RENDER_KERNEL", "1")
    monkeypatch.delenv(kernel_zygote.SOCKET_ENV, raising=False)
    yield
    worker.discard_spare_kernel()
    kernel_zygote.close_shared_zygote()


def _probe(folder: Path) -> Path:
    nb = new_notebook(cells=[new_code_cell(PROBE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def _printed(nb) -> list[str]:
    return "".join(o.get("text", "") for cell in nb.cells for o in cell.outputs
                   if o.get("output_type") == "stream").split()


def _gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def test_the_notebook_runs_on_the_spare_kernel_in_its_folder_and_it_is_shut_down_after(
        tmp_path: Path) -> None:
    spare = start_spare_kernel()
    assert spare is not None
    pid = spare.manager.provisioner.pid
    assert alive(pid)
    printed = _printed(execute_notebook(_probe(tmp_path), {}, tmp_path, kernel=spare))
    assert printed == [str(pid), str(spare.folder / "cwd"), str(spare.reads_log), "False"]
    assert _gone(pid)


def test_a_spare_kernel_that_died_is_replaced_by_a_new_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "reads.jsonl"
    spare = start_spare_kernel()
    assert spare is not None
    dead = spare.manager.provisioner.pid
    os.kill(dead, signal.SIGKILL)
    assert _gone(dead)
    monkeypatch.setenv("RAPNB_READS_LOG", str(log))
    printed = _printed(execute_notebook(_probe(tmp_path), {}, tmp_path, kernel=spare))
    assert printed[0] != str(dead) and printed[1:] == [str(tmp_path), str(log), "False"]


def _task(tmp_path: Path, number: int, more: bool) -> NotebookTask:
    work = tmp_path / f"work-{number}"
    work.mkdir()
    return NotebookTask(name=f"probe-{number}", folder="en", notebook=str(_probe(tmp_path)),
                        parameters={}, source_label="probe.ipynb", work=str(work),
                        data_dir=str(tmp_path), pdf=False, more=more)


def test_a_worker_starts_a_spare_kernel_only_while_more_notebooks_wait(tmp_path: Path) -> None:
    first = worker.make_notebook(_task(tmp_path, 1, more=True), tmp_path / "work-1")
    assert first.status == "ok" and len(worker._SPARE) == 1
    spare_pid = worker._SPARE[0].manager.provisioner.pid
    second = worker.make_notebook(_task(tmp_path, 2, more=False), tmp_path / "work-2")
    assert second.status == "ok" and worker._SPARE == []
    executed = nbformat.read(tmp_path / "work-2" / "out" / "en" / "probe-2.ipynb", 4)
    assert _printed(executed)[0] == str(spare_pid)
    assert _gone(spare_pid)
