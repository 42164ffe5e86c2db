"""Kernels forked from a zygote (`rapnb.build.kernel_zygote`) are new processes that behave as
launched kernels do: same outputs, their own state, cwd and environment, and none outlives
its zygote or its worker."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from rapnb.build import kernel_zygote
from rapnb.build.execute import execute_notebook
from rapnb.build.kernel_zygote import (
    FORK_ENV,
    KERNEL_PROCESS_NAME,
    SOCKET_ENV,
    ZygoteClient,
    ZygoteProcess,
    close_shared_zygote,
    launcher_arguments,
    shared_zygote,
)
from rapnb.build.procs import alive
from rapnb.build.worker import normalise_notebook
from rapnb.paths import notebooks_dir

KERNEL = [sys.executable, "-m", "ipykernel_launcher"]


@pytest.fixture(autouse=True)
def _own_zygote(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("RAPNB_RENDER_KERNEL", "1")
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    monkeypatch.delenv(SOCKET_ENV, raising=False)
    yield
    close_shared_zygote()
    kernel_zygote._UNAVAILABLE.clear()


@pytest.fixture
def zygote():
    process = ZygoteProcess(wait=True)
    yield process
    process.close()


def _notebook(folder: Path, *sources: str) -> Path:
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / f"nb{len(list(folder.glob('nb*.ipynb')))}.ipynb"
    nbformat.write(nb, path)
    return path


def _printed(nb) -> list[str]:
    return ["".join(o.get("text", "")).strip() for cell in nb.cells for o in cell.outputs
            if o.get("output_type") == "stream"]


def _wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_only_ipykernel_command_lines_are_forked() -> None:
    assert launcher_arguments([*KERNEL, "-f", "k.json"]) == ["-f", "k.json"]
    assert launcher_arguments([sys.executable, "-m", "other_kernel", "-f", "k.json"]) is None
    assert launcher_arguments(["R", "--slave"]) is None


def test_a_forked_kernel_gives_the_outputs_of_a_launched_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Colombia sheet run on a forked kernel and on a launched `python` kernel: the same
    notebook, byte for byte once papermill's timings are out (pandas, for one, sizes its
    tables by what it finds when imported)."""
    sheet = notebooks_dir() / "country_sheet.ipynb"
    texts = {}
    for fork in ("1", "0"):
        monkeypatch.setenv(FORK_ENV, fork)
        nb = execute_notebook(sheet, {"sheet": "colombia"}, tmp_path)
        normalise_notebook(nb, frozenset(), "in", "out")
        texts[fork] = nbformat.writes(nb)
    assert "application/vnd.vegalite" in texts["1"]
    assert texts["1"] == texts["0"]


def test_a_forked_kernels_first_chart_and_numbers_import_nothing_new(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What each kernel would import on a first chart and number (Altair's DataFrame support,
    CLDR's number formats) is imported by the zygote already."""
    monkeypatch.setenv(FORK_ENV, "1")
    probe = _notebook(tmp_path, "import sys\nbefore = set(sys.modules)",
                      "import pandas as pd, altair as alt\n"
                      "from rapnb.present import i18n\n"
                      "from rapnb.present.altair_private import spec_without_validation\n"
                      "frame = pd.DataFrame({'office': ['Lima'], 'usd': [3.5]})\n"
                      "spec = spec_without_validation(alt.Chart(frame).mark_bar().encode(\n"
                      "    x='office:N', y='usd:Q'))\n"
                      "print(list(spec['datasets'].values()), i18n.number(1234.5, 'es', 1),"
                      " i18n.percent(41.5, 'es'))",
                      "print(sorted(set(sys.modules) - before))")
    printed = _printed(execute_notebook(probe, {}, tmp_path))
    assert printed == ["[[{'office': 'Lima', 'usd': 3.5}]] 1.234,5 41,5\xa0%", "[]"]


def test_a_forked_kernels_first_layered_chart_looks_up_no_plugins(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry points narwhals reads the first time a layered chart's data is not a data
    frame (as the maps' and charts' is not) are read by the zygote already."""
    monkeypatch.setenv(FORK_ENV, "1")
    probe = _notebook(tmp_path,
                      "import importlib.metadata as metadata\n"
                      "looked_up, entry_points = [], metadata.entry_points\n"
                      "metadata.entry_points = lambda **k: (looked_up.append(k),"
                      " entry_points(**k))[1]",
                      "import altair as alt\n"
                      "from rapnb.present.altair_private import spec_without_validation\n"
                      "bars = alt.Chart(alt.Data(values=[{'a': 'Peru', 'b': 1}])).mark_bar()"
                      ".encode(x='a:N', y='b:Q')\n"
                      "spec = spec_without_validation(bars + bars.mark_text().encode(text='b:Q'))\n"
                      "metadata.entry_points = entry_points\n"
                      "print(len(spec['layer']), looked_up)")
    assert _printed(execute_notebook(probe, {}, tmp_path)) == ["2 []"]


def test_forked_kernels_are_new_processes_of_the_zygote(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FORK_ENV, "1")
    monkeypatch.setenv("RAPNB_TEST_VALUE", "forty-two")
    work = tmp_path / "work"
    work.mkdir()
    probe = _notebook(tmp_path, "import os\n"
                      "print(os.getpid(), os.getppid(), os.getsid(0), os.getpgid(0))\n"
                      "print(os.getcwd())\nprint(os.environ['RAPNB_TEST_VALUE'])\n"
                      "print(open(f'/proc/{os.getpid()}/comm').read().strip())\n"
                      "print('leak' in globals())\nleak = 1")
    first, second = (_printed(execute_notebook(probe, {}, work)) for _ in range(2))
    shared_zygote()
    zygote_pid = kernel_zygote._OWN[0].proc.pid  # no render's zygote: the process's own
    for printed in (first, second):
        pid, parent, session, group = (int(n) for n in printed[0].split("\n")[0].split())
        assert parent == zygote_pid and session == pid and group == pid
        assert printed[0].split("\n")[1:] == [str(work), "forty-two", KERNEL_PROCESS_NAME,
                                              "False"]
    assert first[0].split()[0] != second[0].split()[0]


def _kernel(client: ZygoteClient, folder: Path, name: str) -> int:
    """A kernel that runs until killed (ipykernel writes a new connection file `name`)."""
    return client.fork([*KERNEL, "-f", str(folder / name)], dict(os.environ), str(folder))


def test_exit_status_is_reported_and_close_kills_running_kernels(
        tmp_path: Path, zygote: ZygoteProcess) -> None:
    client = ZygoteClient(zygote.path)
    quick, slow = _kernel(client, tmp_path, "a.json"), _kernel(client, tmp_path, "b.json")
    assert client.poll(quick) is None
    os.kill(quick, signal.SIGKILL)
    assert _wait_until(lambda: client.poll(quick) is not None)
    assert client.poll(quick) == -signal.SIGKILL
    assert alive(slow) and client.poll(slow) is None
    zygote.close()
    assert zygote.proc.returncode == 0 and not zygote.folder.exists()
    assert _wait_until(lambda: not alive(slow))
    assert client.poll(slow) == -signal.SIGKILL and client.gone  # its zygote has gone
    client.close()


def test_clients_share_a_zygote_and_a_gone_client_loses_only_its_kernels(
        tmp_path: Path, zygote: ZygoteProcess) -> None:
    first, second = ZygoteClient(zygote.path), ZygoteClient(zygote.path)
    mine, theirs = _kernel(first, tmp_path, "a.json"), _kernel(second, tmp_path, "b.json")
    assert {int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            for pid in (mine, theirs)} == {zygote.proc.pid}
    first.close()  # as when its worker dies
    assert _wait_until(lambda: not alive(mine))
    assert alive(theirs) and second.poll(theirs) is None
    second.close()
    assert _wait_until(lambda: not alive(theirs))


def test_a_kernel_does_not_outlive_its_zygote(tmp_path: Path, zygote: ZygoteProcess) -> None:
    client = ZygoteClient(zygote.path)
    kernel = _kernel(client, tmp_path, "k.json")
    assert _wait_until(lambda: (tmp_path / "k.json").exists())
    os.kill(zygote.proc.pid, signal.SIGKILL)
    zygote.proc.wait(timeout=10)
    assert _wait_until(lambda: not alive(kernel))
    assert client.poll(kernel) == -signal.SIGKILL and client.gone
    client.close()


def test_a_kernels_output_goes_where_its_client_says(tmp_path: Path,
                                                     zygote: ZygoteProcess) -> None:
    client = ZygoteClient(zygote.path)
    log = tmp_path / "kernel.log"
    with open(log, "wb") as handle:
        pid = client.fork([*KERNEL, "-f", str(tmp_path / "k.json")], dict(os.environ),
                          str(tmp_path / "no-such-dir"), handle.fileno())
    assert _wait_until(lambda: client.poll(pid) is not None)
    assert client.poll(pid) == 1  # the child could not enter its directory, and says why:
    assert "FileNotFoundError" in log.read_text()
    client.close()


def test_a_zygote_refuses_what_it_cannot_fork(tmp_path: Path, zygote: ZygoteProcess) -> None:
    client = ZygoteClient(zygote.path)
    with pytest.raises(RuntimeError, match="not an ipykernel command line"):
        client.fork(["sleep", "60"], dict(os.environ), str(tmp_path))
    raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    raw.connect(zygote.path)
    env = dict(os.environ)
    requests = [{"argv": ["sleep", "60"], "env": env, "cwd": str(tmp_path)},
                {"argv": ["/usr/bin/python3", "-m", "ipykernel_launcher"], "env": env,
                 "cwd": str(tmp_path)},
                {"argv": KERNEL, "env": {**env, "PYTHONHASHSEED": "12345"},
                 "cwd": str(tmp_path)}]
    for request in requests:
        raw.sendall((json.dumps(request) + "\n").encode())
    raw.sendall(b"not json\n")
    answers = raw.makefile("rb")
    errors = [json.loads(answers.readline())["error"] for _ in range(4)]
    assert ["not an ipykernel command line" in errors[0], "another interpreter" in errors[1],
            "PYTHONHASHSEED" in errors[2], "not a JSON request" in errors[3]] == [True] * 4
    assert client.poll(_kernel(client, tmp_path, "k.json")) is None  # it still serves
    raw.close()
    client.close()
    with pytest.raises(RuntimeError, match="no kernel zygote at"):
        ZygoteClient(str(tmp_path / "no.sock"))


def test_workers_of_a_render_share_its_zygote(tmp_path: Path, zygote: ZygoteProcess,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FORK_ENV, "1")
    monkeypatch.setenv(SOCKET_ENV, zygote.path)
    probe = _notebook(tmp_path, "import os\nprint(os.getppid())")
    assert _printed(execute_notebook(probe, {}, tmp_path)) == [str(zygote.proc.pid)]


def test_a_forked_kernel_records_the_reads_a_launched_one_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The zygote has read the tables before any kernel: a kernel forked from it still
    records every file, the tables its foreign keys reference too, as a new process would."""
    probe = _notebook(tmp_path, "import rapnb\nrapnb.load_table('offices')")
    logged = {}
    for fork in ("1", "0"):
        log = tmp_path / f"reads-{fork}.jsonl"
        monkeypatch.setenv(FORK_ENV, fork)
        monkeypatch.setenv("RAPNB_READS_LOG", str(log))
        execute_notebook(probe, {}, tmp_path)
        logged[fork] = sorted(Path(json.loads(line)["path"]).name
                              for line in log.read_text().splitlines())
    assert logged["1"] == logged["0"]
    assert "offices.csv" in logged["1"] and "sheets.csv" in logged["1"]


def test_without_a_zygote_the_kernel_is_launched_as_usual(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_zygote() -> ZygoteClient:
        raise kernel_zygote.ZygoteError("kernel zygote did not start: test")

    monkeypatch.setenv(FORK_ENV, "1")
    monkeypatch.setattr(kernel_zygote, "shared_zygote", no_zygote)
    probe = _notebook(tmp_path, "import os\nprint(os.getppid())")
    assert _printed(execute_notebook(probe, {}, tmp_path)) == [str(os.getpid())]
