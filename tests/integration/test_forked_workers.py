"""Notebook workers forked by the kernel zygote (`rapnb.build.kernel_zygote`), which has their
stack imported, rather than launched as new processes; launched where forking is off."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rapnb.build import pool, render
from rapnb.build.jobs import Job
from rapnb.build.kernel_zygote import (
    FORK_WORKERS_ENV,
    WORKER_PROCESS_NAME,
    ZygoteClient,
    ZygoteError,
    ZygoteProcess,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LINEAGE, CHART = FIXTURES / "stub_worker_lineage.ipynb", FIXTURES / "stub_chart.ipynb"


def _stub(name: str, notebook: Path) -> Job:
    return Job(name, notebook, {"sheet": name}, f"sheets/{name}")


def _lineage(out: Path, names: list[str]) -> list[dict[str, str]]:
    """What each stub notebook printed of its worker and its own parent."""
    found = []
    for name in names:
        nb = json.loads((out / f"sheets/{name}/{name}.ipynb").read_text(encoding="utf-8"))
        printed = "".join("".join(o.get("text", "")) for cell in nb["cells"]
                          for o in cell.get("outputs", []))
        found.append(dict(re.findall(r"(\w+)=(\S+)", printed)))
    return found


def test_notebook_workers_are_forked_by_the_kernel_zygote(tmp_path: Path) -> None:
    names = ["a", "b", "c"]
    report = render([_stub(n, LINEAGE) for n in names], tmp_path / "out", workers=2,
                    tables=False, progress=False)
    assert report.exit_code == 0, report.results
    lineage = _lineage(tmp_path / "out", names)
    assert {line["worker_comm"] for line in lineage} == {WORKER_PROCESS_NAME}
    zygotes = {line["kernel_ppid"] for line in lineage}
    assert len(zygotes) == 1 and str(os.getpid()) not in zygotes
    assert {line["worker_ppid"] for line in lineage} == zygotes  # the kernels' parent
    assert 1 <= len({line["worker"] for line in lineage}) <= 2


def test_notebook_workers_are_launched_when_forking_workers_is_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FORK_WORKERS_ENV, "0")
    names = ["a", "b"]
    report = render([_stub(n, LINEAGE) for n in names], tmp_path / "out", workers=2,
                    tables=False, progress=False)
    assert report.exit_code == 0, report.results
    lineage = _lineage(tmp_path / "out", names)
    assert {line["worker_ppid"] for line in lineage} == {str(os.getpid())}
    assert WORKER_PROCESS_NAME not in {line["worker_comm"] for line in lineage}
    assert {line["kernel_ppid"] for line in lineage} != {str(os.getpid())}  # still forked


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def test_forked_and_launched_workers_make_the_same_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = [_stub(n, CHART) for n in ("a", "b")]
    forked = render(jobs, tmp_path / "forked", workers=2, progress=False)
    monkeypatch.setenv(FORK_WORKERS_ENV, "0")
    launched = render(jobs, tmp_path / "launched", workers=2, progress=False)
    assert forked.exit_code == launched.exit_code == 0
    files = _files(tmp_path / "forked")
    assert any(name.endswith(".pdf") for name in files) and any(
        name.endswith(".png") for name in files)
    assert files == _files(tmp_path / "launched")


def test_a_zygote_that_forks_no_workers_says_why_and_the_worker_is_launched(
        tmp_path: Path) -> None:
    env = dict(os.environ, **{FORK_WORKERS_ENV: "0"})
    zygote = ZygoteProcess(env, wait=True)
    client = ZygoteClient(zygote.path)
    try:
        with pytest.raises(ZygoteError, match="not a worker command line"):
            client.fork_worker([sys.executable, "-c", "pass"], env, str(tmp_path), 2, 0)
        read, write = os.pipe()
        with pytest.raises(ZygoteError, match="did not fork: ZygoteError: workers off"):
            client.fork_worker(pool.worker_command(), env, str(tmp_path), 2, read)
        os.close(read), os.close(write)
        worker = pool.start_worker(tmp_path / "w", env, client)
        assert isinstance(worker.proc, subprocess.Popen)
        worker.close()
        assert worker.proc.wait(timeout=60) == 0
    finally:
        client.close()
        zygote.close()


def test_a_forked_worker_reports_its_exit_status_through_the_zygote(tmp_path: Path) -> None:
    zygote = ZygoteProcess(dict(os.environ), wait=True)
    client = ZygoteClient(zygote.path)
    try:
        worker = pool.start_worker(tmp_path / "w", dict(os.environ), client)
        assert isinstance(worker.proc, pool.ForkedProcess)
        comm, deadline = "", time.monotonic() + 30  # named by the child once forked
        while comm != WORKER_PROCESS_NAME and time.monotonic() < deadline:
            comm = Path(f"/proc/{worker.proc.pid}/comm").read_text().strip()
            time.sleep(0.01)
        assert comm == WORKER_PROCESS_NAME
        assert worker.proc.poll() is None
        worker.close()  # stdin closed: the worker exits with status 0
        assert worker.proc.wait(timeout=60) == 0
        second = pool.start_worker(tmp_path / "w2", dict(os.environ), client)
        second.proc.kill()
        assert second.proc.wait(timeout=60) == -9
        assert "signal 9" in second.failure()
    finally:
        client.close()
        zygote.close()
