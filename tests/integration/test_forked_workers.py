"""Notebook workers forked by the worker zygote (`rapnb.build.worker_zygote`), which has their
stack imported, rather than launched as new processes; launched where forking is off."""

from __future__ import annotations

import importlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rapnb.build import pool, render
from rapnb.build.jobs import Job
from rapnb.build.kernel_zygote import ZygoteError, ZygoteProcess
from rapnb.build.procs import alive
from rapnb.build.worker_zygote import (
    FORK_WORKERS_ENV,
    KERNEL_ZYGOTE_CODE,
    WORKER_PROCESS_NAME,
    ForkedProcess,
    fork_worker,
    start_worker_zygote,
)

render_module = importlib.import_module("rapnb.build.render")  # `render` is the function
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


def _parent(pid: str) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]


def test_notebook_workers_are_forked_by_the_worker_zygote(tmp_path: Path) -> None:
    names = ["a", "b", "c"]
    report = render([_stub(n, LINEAGE) for n in names], tmp_path / "out", workers=2,
                    tables=False, progress=False)
    assert report.exit_code == 0, report.results
    lineage = _lineage(tmp_path / "out", names)
    assert {line["worker_comm"] for line in lineage} == {WORKER_PROCESS_NAME}
    assert 1 <= len({line["worker"] for line in lineage}) <= 2
    workers_zygote, = {line["worker_ppid"] for line in lineage}
    kernels_zygote, = {line["kernel_ppid"] for line in lineage}
    # Two zygotes, both the render process's children (gone now, so their parents were read
    # by the notebooks: a worker's parent is the worker zygote, a kernel's the kernel zygote).
    assert len({workers_zygote, kernels_zygote, str(os.getpid())}) == 3
    assert not alive(int(workers_zygote)) and not alive(int(kernels_zygote))


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


def test_a_worker_zygote_refuses_other_commands_and_then_the_worker_is_launched(
        tmp_path: Path) -> None:
    zygote = start_worker_zygote(dict(os.environ))
    try:
        with pytest.raises(ZygoteError, match="not a worker command line"):
            fork_worker(zygote.path, [sys.executable, "-c", "pass"], dict(os.environ),
                        str(tmp_path), 2)
        other = [f"{sys.executable}-other", "-m", "rapnb.build.worker", "1"]
        with pytest.raises(ZygoteError, match="did not fork: ZygoteError: another interpreter"):
            fork_worker(zygote.path, other, dict(os.environ), str(tmp_path), 2)
        env = dict(os.environ, PYTHONHASHSEED="7" if os.environ.get("PYTHONHASHSEED") != "7"
                   else "8")
        worker = pool.start_worker(tmp_path / "w", env, zygote.path)
        assert isinstance(worker.proc, subprocess.Popen)  # start-up settings differ: launched
        worker.close()
        assert worker.proc.wait(timeout=60) == 0
    finally:
        zygote.close()


def test_a_forked_worker_reports_its_exit_status_through_the_zygote(tmp_path: Path) -> None:
    zygote = start_worker_zygote(dict(os.environ))
    try:
        worker = pool.start_worker(tmp_path / "w", dict(os.environ), zygote.path)
        assert isinstance(worker.proc, ForkedProcess)
        comm, deadline = "", time.monotonic() + 30  # named by the child once forked
        while comm != WORKER_PROCESS_NAME and time.monotonic() < deadline:
            comm = Path(f"/proc/{worker.proc.pid}/comm").read_text().strip()
            time.sleep(0.01)
        assert comm == WORKER_PROCESS_NAME
        assert _parent(str(worker.proc.pid)) == str(zygote.proc.pid)
        assert worker.proc.poll() is None
        worker.close()  # stdin closed: the worker exits with status 0
        assert worker.proc.wait(timeout=60) == 0
        second = pool.start_worker(tmp_path / "w2", dict(os.environ), zygote.path)
        second.proc.kill()
        assert second.proc.wait(timeout=60) == -9
        assert "worker exited with signal 9" in second.failure()  # its zygote saw it
        assert not second.proc.status_lost
    finally:
        zygote.close()


def test_a_forked_worker_outlives_a_dead_zygote_until_it_has_cleaned_up(tmp_path: Path) -> None:
    """The zygote gone, its worker gets SIGTERM and is still running meanwhile: not reported
    ended (with a made-up status) while it is still there. The worker is held stopped while its
    zygote dies, so it is surely still there (it cleans up within milliseconds otherwise)."""
    zygote = start_worker_zygote(dict(os.environ))
    worker = pool.start_worker(tmp_path / "w", dict(os.environ), zygote.path)
    assert isinstance(worker.proc, ForkedProcess)
    os.kill(worker.proc.pid, signal.SIGSTOP)
    os.kill(zygote.proc.pid, signal.SIGKILL)
    zygote.proc.wait(timeout=30)
    with pytest.raises(subprocess.TimeoutExpired):
        worker.proc.wait(timeout=0.5)  # stopped, not ended: no status yet
    assert worker.tmp.is_dir()
    os.kill(worker.proc.pid, signal.SIGCONT)
    status = worker.proc.wait(timeout=60)
    assert not alive(worker.proc.pid)
    assert status == -9  # its status went with the zygote
    assert worker.proc.status_lost
    assert "worker exited with an unknown status after its zygote died" in worker.failure()
    assert not worker.tmp.exists()  # the worker removed its TMPDIR on the way out
    zygote.close()


def test_the_kernel_zygote_forks_the_tables_worker_with_pandas_and_the_tables_loaded(
        tmp_path: Path) -> None:
    zygote = ZygoteProcess(dict(os.environ), wait=True, code=KERNEL_ZYGOTE_CODE)
    try:
        worker = pool.start_worker(tmp_path / "w", dict(os.environ), zygote.path)
        assert isinstance(worker.proc, ForkedProcess)
        assert _parent(str(worker.proc.pid)) == str(zygote.proc.pid)
        maps = Path(f"/proc/{worker.proc.pid}/maps").read_text()
        assert "pandas" in maps  # inherited: imported by the zygote, not by the worker
        worker.close()
        assert worker.proc.wait(timeout=60) == 0
    finally:
        zygote.close()


def test_a_render_forks_its_tables_worker_from_the_kernel_zygote(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forked: list[str] = []
    start = pool.start_worker

    def recording(folder: Path, env: dict[str, str], zygote: str | None = None):
        worker = start(folder, env, zygote)
        forked.append(f"{env.get('RAPNB_WORKER_NICENESS', '0')} "
                      f"{type(worker.proc).__name__} {_parent(str(worker.proc.pid))}")
        return worker

    monkeypatch.setattr(render_module, "start_worker", recording)
    report = render([_stub("a", LINEAGE)], tmp_path / "out", workers=1, progress=False)
    assert report.exit_code == 0, report.results
    lineage = _lineage(tmp_path / "out", ["a"])[0]
    niceness = sorted(line.split()[0] for line in forked)
    assert niceness == ["0", "19"]
    tables = next(line.split() for line in forked if line.startswith("19 "))
    assert tables[1:] == ["ForkedProcess", lineage["kernel_ppid"]]  # the kernel zygote


def test_after_one_refused_fork_a_lane_launches_its_workers_without_asking_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    asked: list[str] = []

    def refusing(zygote: str, *args: object, **kwargs: object) -> ForkedProcess:
        asked.append(zygote)
        raise ZygoteError("refused for the test")

    monkeypatch.setattr(pool, "fork_worker", refusing)
    monkeypatch.setattr(pool, "_FORK_FAILURES", [])  # said once per process: not yet here
    names = ["a", "b", "c"]
    report = render([_stub(n, LINEAGE) for n in names], tmp_path / "out", workers=2,
                    progress=False)
    assert report.exit_code == 0, report.results
    assert len(asked) == 2 and len(set(asked)) == 2  # once per lane: notebooks, tables
    lineage = _lineage(tmp_path / "out", names)
    assert {line["worker_ppid"] for line in lineage} == {str(os.getpid())}  # launched
    err = capfd.readouterr().err
    assert err.count("rapnb: workers are launched as new processes: refused for the test") == 1
