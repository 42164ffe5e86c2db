"""The renderer, on stub notebooks (tests/fixtures) and on the real ones: outputs, failures,
atomic replacement, manifest, locking, interruption, determinism, and offline HTML."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from worker_stubs import worker_with_tables_after

from rapnb.build.html_export import mark_numeric_cells, network_references
from rapnb.build.jobs import Job
from rapnb.build.kernel_zygote import KERNEL_PROCESS_NAME
from rapnb.build.lock import LOCK_NAME, RenderLockedError, render_lock
from rapnb.build.manifest import sha256_file
from rapnb.build.procs import child_pids, kill_processes
from rapnb.build.render import render

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHART, RAISES, DIES = (FIXTURES / f"stub_{n}.ipynb" for n in ("chart", "raises", "dies"))
WORKER_PID, KILLS_WORKER = (FIXTURES / f"stub_{n}.ipynb" for n in ("worker_pid", "kills_worker"))
PAPERMILL_TIMING = ("start_time", "end_time", "duration")
CHROMIUM_HELP = ("chromium is not installed: `make test` installs it (as root, with apt-get) or "
                 "says what to run")


def stub(name: str, notebook: Path, **params: Any) -> Job:
    return Job(name, notebook, {"sheet": name, **params}, f"sheets/{name}")


def run_jobs_process(jobs: list[Job], out: Path, tables: bool, **kw: Any) -> subprocess.Popen:
    """`rapnb.cli.run_jobs` in a child process (as `rapnb render` would run them)."""
    spec = [(j.name, str(j.notebook), j.parameters, j.subdir) for j in jobs]
    code = (
        "import sys; from pathlib import Path; from rapnb.cli import run_jobs; "
        "from rapnb.build.jobs import Job\n"
        f"jobs = [Job(n, Path(p), params, d) for n, p, params, d in {spec!r}]\n"
        f"sys.exit(run_jobs(jobs, Path({str(out)!r}), tables={tables!r}, **{kw!r}))\n"
    )
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run_jobs_done(jobs: list[Job], out: Path, tables: bool, **kw: Any):
    proc = run_jobs_process(jobs, out, tables, **kw)
    stdout, stderr = proc.communicate(timeout=300)
    return proc.returncode, stdout, stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}




def outputs_text(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps([cell.get("outputs", []) for cell in nb["cells"]])


# ------------------------------------------------------------------ two stub renders


@pytest.fixture(scope="module")
def stub_renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Render 1: alpha, beta, eps ok, gamma raises (+ tables). Render 2 into the same directory,
    with --force: alpha ok again, beta now raises, gamma now ok, delta's kernel dies, eps draws
    one chart fewer (no tables)."""
    out = tmp_path_factory.mktemp("stub") / "out"
    first = run_jobs_done([stub("alpha", CHART), stub("beta", CHART), stub("gamma", RAISES),
                           stub("eps", CHART)], out, tables=True, workers=4, progress=True)
    before = snapshot(out)
    held = open(out / "sheets/alpha/alpha.html", "rb")  # a reader during the second render
    inode = os.stat(out / "sheets/alpha/alpha.html").st_ino
    second = run_jobs_done(
        [stub("alpha", CHART), stub("beta", RAISES), stub("gamma", CHART), stub("delta", DIES),
         stub("eps", CHART, show_points=False)], out, tables=False, workers=5, progress=False,
        force=True,  # alpha is unchanged: rendered again all the same
    )
    held_bytes = held.read()
    held.close()
    return {"out": out, "first": first, "second": second, "before": before,
            "held": held_bytes, "inode": inode}


def test_first_render_writes_the_layout(stub_renders) -> None:
    code, stdout, stderr = stub_renders["first"]
    assert code == 1, stderr
    files = set(stub_renders["before"])
    for name in ("alpha", "beta"):
        for rel in (f"{name}.ipynb", f"{name}.html", f"{name}.pdf", "figures/stub_bars_1_2.svg",
                    "figures/stub_bars_1_2.png", "figures/stub_points.svg",
                    "figures/stub_points.png"):
            assert f"sheets/{name}/{rel}" in files
    assert "rap_tables.xlsx" in files and "hxl/funding.csv" in files
    assert "hdx_dataset.json" in files and "rap_datapackage.zip" in files
    assert "failed/gamma.ipynb" in files and "sheets/gamma/gamma.html" not in files
    assert "rapnb render" in stderr  # the tqdm progress bar
    assert re.search(r"^alpha\s+rendered\s+\d+\.\d\s+not rendered before$", stdout, re.M)
    assert re.search(r"^tables\s+rendered\s", stdout, re.M)


def test_parameters_reach_the_kernel(stub_renders) -> None:
    text = outputs_text(stub_renders["out"] / "sheets/alpha/alpha.ipynb")
    assert "sheet=alpha data_dir=None" in text
    nb = json.loads((stub_renders["out"] / "sheets/alpha/alpha.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"] == {"sheet": "alpha"}
    assert nb["metadata"]["papermill"]["input_path"] == "fixtures/stub_chart.ipynb"
    assert nb["metadata"]["papermill"]["output_path"] == "sheets/alpha/alpha.ipynb"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_figures_are_svg_and_double_scale_png(stub_renders) -> None:
    folder = stub_renders["out"] / "sheets/alpha/figures"
    assert sorted(p.name for p in folder.iterdir()) == [
        "stub_bars_1_2.png", "stub_bars_1_2.svg", "stub_points.png", "stub_points.svg"]
    svg = (folder / "stub_bars_1_2.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<path" in svg
    png = (folder / "stub_bars_1_2.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = struct.unpack(">I", png[16:20])[0]
    svg_width = float(re.search(r'width="([\d.]+)"', svg).group(1))
    assert abs(width - 2 * svg_width) <= 2


def test_failures_do_not_stop_the_others(stub_renders) -> None:
    code, stdout, stderr = stub_renders["second"]
    assert code == 1
    assert re.search(r"^alpha\s+rendered\s+\S+\s+forced \(--force\)$", stdout, re.M)
    assert re.search(r"^gamma\s+rendered\s", stdout, re.M)
    assert re.search(r"^beta\s+FAILED\s+\S+\s+ValueError: stub failure for beta second line$",
                     stdout, re.M)
    assert re.search(r"^delta\s+FAILED\s+\S+\s+DeadKernelError", stdout, re.M)
    assert "3 rendered, 0 skipped (unchanged), 2 FAILED" in stdout
    assert "FAILED beta: ValueError: stub failure for beta" in stderr
    assert "failed/beta.ipynb" in stderr


def test_failed_notebook_keeps_previous_outputs(stub_renders) -> None:
    out, before = stub_renders["out"], stub_renders["before"]
    now = snapshot(out)
    beta = [rel for rel in before if rel.startswith("sheets/beta/")]
    assert len(beta) == 7
    assert all(now[rel] == before[rel] for rel in beta)
    failed = json.loads(now["failed/beta.ipynb"])
    errors = [o for c in failed["cells"] for o in c.get("outputs", [])
              if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "ValueError"
    assert "failed/delta.ipynb" in now


def test_success_clears_an_old_failure(stub_renders) -> None:
    out = stub_renders["out"]
    assert not (out / "failed/gamma.ipynb").exists()
    assert (out / "sheets/gamma/gamma.html").is_file()


def test_outputs_a_notebook_no_longer_makes_are_removed(stub_renders) -> None:
    assert "sheets/eps/figures/stub_points.svg" in stub_renders["before"]
    figures = stub_renders["out"] / "sheets/eps/figures"
    assert sorted(p.name for p in figures.iterdir()) == ["stub_bars_1_2.png",
                                                         "stub_bars_1_2.svg"]


def test_files_are_replaced_not_rewritten(stub_renders) -> None:
    """os.replace: a reader holding the old file reads it whole; the path has a new inode."""
    out = stub_renders["out"]
    assert stub_renders["held"] == stub_renders["before"]["sheets/alpha/alpha.html"]
    assert os.stat(out / "sheets/alpha/alpha.html").st_ino != stub_renders["inode"]


def test_no_temporary_files_left(stub_renders) -> None:
    out = stub_renders["out"]
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".") and p.name != LOCK_NAME]
    assert leftovers == []
    assert (out / LOCK_NAME).read_text() == ""  # released


def test_rendering_is_deterministic(stub_renders) -> None:
    """Two renders of the same inputs give the same bytes, the executed notebook included:
    papermill's timestamps and durations go to the manifest, not into the notebook."""
    out, before = stub_renders["out"], stub_renders["before"]
    for rel in ("alpha.ipynb", "alpha.html", "figures/stub_bars_1_2.svg",
                "figures/stub_points.png"):
        assert (out / "sheets/alpha" / rel).read_bytes() == before[f"sheets/alpha/{rel}"]
    nb = json.loads(before["sheets/alpha/alpha.ipynb"])
    metas = [nb["metadata"], *(cell["metadata"] for cell in nb["cells"])]
    assert not [key for meta in metas for key in PAPERMILL_TIMING
                if key in meta.get("papermill", {})]
    execution = json.loads((out / "manifest.json").read_text())["notebooks"]["alpha"]["execution"]
    assert execution["seconds"] > 0 and len(execution["cell_seconds"]) == len(nb["cells"])
    steps = execution["steps"]  # where the worker's time went, step by step
    assert set(steps) == {"execute", "svg", "ipynb_html", "pdf", "figure_files", "stage", "png"}
    assert steps["execute"] >= execution["seconds"] > 0 and min(steps.values()) >= 0


def test_manifest_lists_every_file_with_its_sha256(stub_renders) -> None:
    out = stub_renders["out"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*")
               if p.is_file() and p.name not in {"manifest.json", LOCK_NAME}}
    assert set(manifest["files"]) == on_disk
    for rel, entry in manifest["files"].items():
        assert entry == {"sha256": sha256_file(out / rel), "size": (out / rel).stat().st_size}
    notebooks = manifest["notebooks"]
    assert {n: e["status"] for n, e in notebooks.items()} == {
        "alpha": "ok", "beta": "failed", "gamma": "ok", "delta": "failed", "eps": "ok"}
    assert notebooks["beta"]["files"] == sorted(r for r in on_disk if r.startswith("sheets/beta"))
    assert notebooks["beta"]["failed_notebook"] == "failed/beta.ipynb"
    assert notebooks["beta"]["error"] == "ValueError: stub failure for beta second line"
    assert notebooks["gamma"]["failed_notebook"] is None
    assert notebooks["alpha"]["source_sha256"] == sha256_file(CHART)
    assert notebooks["alpha"]["parameters"] == {"sheet": "alpha"}
    assert notebooks["alpha"]["seconds"] > 0
    assert manifest["rendered"] == ["alpha", "beta", "gamma", "delta", "eps"]
    assert notebooks["eps"]["parameters"] == {"sheet": "eps", "show_points": False}
    # the tables were not rendered the second time: their entry and files are kept
    assert manifest["tables"]["status"] == "ok" and "rap_tables.xlsx" in manifest["files"]
    data = Path(manifest["data_dir"])
    assert manifest["data_files"]["funding.csv"] == sha256_file(data / "funding.csv")
    assert manifest["git_commit"] is None or re.fullmatch(r"[0-9a-f]{40}", manifest["git_commit"])
    assert manifest["rapnb_version"] == notebooks["alpha"]["rendered_from"]["rapnb_version"]


def test_stub_html_is_offline_and_clean(stub_renders) -> None:
    html = (stub_renders["out"] / "sheets/alpha/alpha.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "@import" not in html and not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "<script" not in html
    assert html.count("<svg") == 2 and "<path" in html
    assert "figure_spec(" not in html  # code inputs hidden
    assert "In&nbsp;[" not in html and "Out[" not in html  # prompts hidden
    assert "<title>Stub sheet</title>" in html
    assert network_references(html) == []


def test_network_references_are_found() -> None:
    assert network_references('<script src="https://cdn.example/require.js"></script>')
    assert network_references('<link rel="stylesheet" href="//cdn.example/x.css">')
    assert network_references("<style>@import 'x.css';</style>")
    assert network_references("<div style=\"background: url('http://x/y.png')\"></div>")
    assert network_references('<a href="https://www.iom.int/">IOM</a>') == []
    assert mark_numeric_cells("<td>1,234</td><td>Peru</td>") == (
        '<td class="rapnb-num">1,234</td><td>Peru</td>')


# ------------------------------------------------------------------ locking


def test_render_refuses_a_locked_out_dir(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with render_lock(out), pytest.raises(RenderLockedError) as caught:
        render([stub("alpha", CHART)], out, tables=False, progress=False)
    assert str(caught.value) == (f"another render is writing to {out} (pid {os.getpid()}); "
                                 "wait for it or use another --out")
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]


def test_wait_waits_for_the_other_render(tmp_path: Path, data_copy: Path) -> None:
    """--wait blocks until the lock is free; --data-dir reaches the kernel twice over."""
    out, data = tmp_path / "out", str(data_copy.resolve())
    out.mkdir()
    with render_lock(out):
        proc = run_jobs_process([stub("alpha", CHART, data_dir=data)], out, tables=False,
                                wait=True, progress=False, data_dir=data)
        time.sleep(2.0)
        assert proc.poll() is None, "it must wait while the lock is held"
        assert not (out / "sheets").exists()
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert "waiting for it to finish" in stderr
    assert (out / "sheets/alpha/alpha.html").is_file()
    assert f"data_dir={data} env={data}" in outputs_text(out / "sheets/alpha/alpha.ipynb")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data_dir"] == data
    assert manifest["data_files"]["funding.csv"] == sha256_file(data_copy / "funding.csv")


# ------------------------------------------------------------------ the worker pool


def test_workers_serve_many_notebooks_and_a_dead_one_is_replaced(tmp_path: Path) -> None:
    names = ["p1", "p2", "killer", "p3", "p4", "p5", "p6"]
    jobs = [stub(n, KILLS_WORKER if n == "killer" else WORKER_PID) for n in names]
    code, stdout, stderr = run_jobs_done(jobs, tmp_path / "out", tables=False, workers=2,
                                         progress=False)
    assert code == 1, stdout + stderr
    assert re.search(r"^killer\s+FAILED\s+\S+\s+WorkerError: worker exited with signal 9",
                     stdout, re.M), stdout
    assert "6 rendered, 0 skipped (unchanged), 1 FAILED" in stdout
    workers = {}
    for name in names[:2] + names[3:]:
        text = outputs_text(tmp_path / "out" / f"sheets/{name}/{name}.ipynb")
        workers[name] = re.search(r"worker=(\d+)", text).group(1)
    assert 2 <= len(set(workers.values())) <= 3  # two workers, one of them replaced once
    assert [p for p in map(int, workers.values()) if is_running(p)] == []


def test_workers_that_cannot_start_fail_each_task_once(tmp_path: Path, monkeypatch) -> None:
    from rapnb.build import pool

    monkeypatch.setattr(pool, "worker_command", lambda: [
        sys.executable, "-c", "import sys; sys.exit('no worker here')"])
    started = time.monotonic()
    report = render([stub(n, CHART) for n in ("a", "b", "c")], tmp_path / "out", workers=2,
                    progress=False)
    assert time.monotonic() - started < 30
    assert [(r.name, r.status) for r in report.results] == [
        ("tables", "failed"), ("a", "failed"), ("b", "failed"), ("c", "failed")]
    assert {r.error for r in report.results} == {
        "WorkerError: worker exited with status 1: no worker here"}
    assert report.exit_code == 1
    assert not (tmp_path / "out" / "sheets").exists()


def test_the_tables_are_written_beside_the_notebooks_at_low_priority(
        tmp_path: Path, monkeypatch) -> None:
    """The tables do not take a notebook worker's turn: they are written by a worker of their
    own, at niceness 19, and so is its session (Linux weighs sessions against each other where
    it groups them: autogroup)."""
    from rapnb.build import pool

    record = tmp_path / "tables.txt"
    command = worker_with_tables_after(f"""
        group = Path("/proc/self/autogroup")
        group_nice = group.read_text().split()[-1] if group.is_file() else "none"
        priority = os.getpriority(os.PRIO_PROCESS, 0)
        Path({str(record)!r}).write_text(f"{{os.getpid()}} {{priority}} {{group_nice}}")
        """)
    monkeypatch.setattr(pool, "worker_command", lambda: command)
    report = render([stub(n, WORKER_PID) for n in ("a", "b")], tmp_path / "out", workers=1,
                    progress=False)
    assert report.exit_code == 0, report.results
    pid, niceness, group_nice = record.read_text().split()
    assert niceness == "19"
    group = Path("/proc/self/autogroup")
    assert group_nice == ("19" if os.access(group, os.W_OK) else
                          group.read_text().split()[-1] if group.is_file() else "none")
    notebook_workers = {re.search(r"worker=(\d+)", outputs_text(
        tmp_path / "out" / f"sheets/{n}/{n}.ipynb")).group(1) for n in ("a", "b")}
    assert len(notebook_workers) == 1 and pid not in notebook_workers


# ------------------------------------------------------------------ interruption


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in child_pids(todo.pop()):
            found.add(child)
            todo.append(child)
    return found


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


def is_kernel(pid: int) -> bool:
    """Whether process `pid` is an IPython kernel: launched (`python -m ipykernel_launcher`)
    or forked by a worker's zygote (named `ipykernel`)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return False
    return "ipykernel" in cmdline or comm == KERNEL_PROCESS_NAME


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_the_render_and_its_kernels(tmp_path: Path, signum: int,
                                                 status: int) -> None:
    out = tmp_path / "out"
    jobs = [stub(n, CHART, pause_seconds=120) for n in ("a", "b", "c")]
    proc = run_jobs_process(jobs, out, tables=False, workers=2, progress=False)
    deadline = time.monotonic() + 90
    seen: set[int] = set()
    while time.monotonic() < deadline:
        seen |= descendants(proc.pid)
        kernels = [p for p in seen if is_running(p) and is_kernel(p)]
        if len(kernels) == 2:
            break
        time.sleep(0.2)
    assert len(kernels) == 2, "two kernels should be running"
    time.sleep(1.0)
    seen |= descendants(proc.pid)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == status, stderr
    assert f"stopped by {signal.Signals(signum).name}" in stderr
    time.sleep(0.5)
    assert [p for p in seen if is_running(p)] == []
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]


def test_kill_processes_and_child_pids() -> None:
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        assert sleeper.pid in child_pids(os.getpid())
        kill_processes([sleeper.pid], grace=2.0)
        assert sleeper.wait(timeout=5) == -signal.SIGTERM
    finally:
        sleeper.kill()


# ------------------------------------------------------------------ the real notebooks


# The fixture `real_render` (overview, Colombia and regional sheets) is in conftest.py: the
# site's tests (test_site.py) check the same render.


def test_real_notebooks_render(real_render) -> None:
    out, done = real_render["out"], real_render["done"]
    assert done.returncode == 0, done.stdout + done.stderr
    for rel in ("en/regional_overview/regional_overview.ipynb",
                "es/regional_overview/regional_overview.html",
                "en/sheets/colombia/colombia.ipynb", "en/sheets/colombia/colombia.html",
                "es/sheets/regional/regional.ipynb", "es/sheets/regional/regional.html",
                "rap_tables.xlsx", "hxl/funding.csv", "hxl/funding_table_totals.csv",
                "hdx_dataset.json", "rap_datapackage.zip", "manifest.json"):
        assert (out / rel).is_file(), rel
    for folder in ("en/regional_overview", "es/sheets/colombia", "en/sheets/regional"):
        svgs = sorted((out / folder / "figures").glob("*.svg"))
        assert svgs and all(s.with_suffix(".png").is_file() for s in svgs)
        assert all(re.fullmatch(r"[a-z0-9_-]+", s.stem) for s in svgs)
    assert "13,399,999" in outputs_text(out / "en/sheets/colombia/colombia.ipynb")
    assert "13.399.999" in outputs_text(out / "es/sheets/colombia/colombia.ipynb")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["notebooks"]) == {f"{lang}/{name}" for lang in ("en", "es")
                                          for name in ("regional_overview", "colombia",
                                                       "regional")}
    assert manifest["notebooks"]["es/colombia"]["parameters"] == {"sheet": "colombia",
                                                                  "lang": "es"}
    assert not (out / "en/sheets/peru").exists()


def _code_outputs(path: Path) -> list[list[dict[str, Any]]]:
    """Each code cell's outputs, without execution counts; papermill's injected cell left out."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [[{k: v for k, v in output.items() if k != "execution_count"}
             for output in cell["outputs"]]
            for cell in nb["cells"] if cell["cell_type"] == "code"
            and "injected-parameters" not in cell["metadata"].get("tags", [])]


def test_real_render_outputs_equal_the_committed_notebooks(real_render) -> None:
    """Worker-drawn SVGs and the render kernels' settings change nothing in the outputs: the
    rendered Colombia sheet and overview equal the committed notebooks (refreshed in a plain
    kernel, with the same parameters), drawings included."""
    out, notebooks = real_render["out"], Path(__file__).resolve().parents[2] / "notebooks"
    for rendered, committed in (("en/sheets/colombia/colombia.ipynb", "country_sheet.ipynb"),
                                ("en/regional_overview/regional_overview.ipynb",
                                 "regional_overview.ipynb")):
        mine, theirs = _code_outputs(out / rendered), _code_outputs(notebooks / committed)
        assert len(mine) == len(theirs) and mine == theirs, rendered
        assert any("image/svg+xml" in o.get("data", {}) for cell in mine for o in cell)


def test_real_html_loads_nothing_from_the_web(real_render) -> None:
    for path in real_render["out"].rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert network_references(html) == [], path
        assert not re.search(r"""\bsrc\s*=\s*["']?\s*(https?:)?//""", html, re.I), path
        for tag in re.findall(r"<[a-z][^>]*\bhref\s*=\s*[\"']?\s*(?:https?:)?//[^>]*>", html, re.I):
            assert tag.lower().startswith("<a "), tag  # only navigation links
        assert "@import" not in html and "<script" not in html
    colombia = (real_render["out"] / "en/sheets/colombia/colombia.html").read_text(
        encoding="utf-8")
    assert "<title>Colombia: country sheet</title>" in colombia


def test_chromium_draws_the_charts_offline(real_render, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, CHROMIUM_HELP
    page = real_render["out"] / "en/sheets/colombia/colombia.html"
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    figures = re.findall(r'<div class="[^"]*rapnb-figure', dom.stdout)
    assert len(figures) >= 3
    assert dom.stdout.count("<svg") >= 3 and dom.stdout.count("<path") > 20
    assert "13,399,999" in dom.stdout
    shot = tmp_path / "colombia.png"
    subprocess.run([*flags, "--hide-scrollbars", "--window-size=1200,2400",
                    f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120,
                   check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_template_ships_inside_the_package() -> None:
    from rapnb.build.html_export import TEMPLATE_DIR, TEMPLATE_NAME

    package = Path(__import__("rapnb").__file__).resolve().parent
    assert TEMPLATE_DIR.is_relative_to(package)
    for rel in ("conf.json", "index.html.j2", "static/report.css"):
        assert (TEMPLATE_DIR / TEMPLATE_NAME / rel).is_file()



def test_figure_ids_are_sanitised_and_unique() -> None:
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from rapnb.build.figures import iter_figures, sanitize_figure_id
    from rapnb.present.display import FIGURE_KEY, VEGALITE_MIME

    assert sanitize_figure_id("Fig 1: Stock/Map (2017)") == "fig_1_stock_map_2017"
    assert sanitize_figure_id("../../etc/passwd") == "etc_passwd"
    assert sanitize_figure_id("***") == "figure"

    def chart(fig: str | None, mark: str) -> Any:
        spec = {"mark": mark, "usermeta": {FIGURE_KEY: fig} if fig else {}}
        return new_output("display_data", {VEGALITE_MIME: spec, "image/svg+xml": "<svg/>",
                                           "text/plain": "chart"})

    nb = new_notebook(cells=[new_code_cell("", outputs=[
        chart("Map", "bar"), chart("Map", "bar"), chart("Map", "line"), chart(None, "point")])])
    assert [f.figure_id for f in iter_figures(nb)] == ["map", "map-2", "figure-4"]


def test_stale_outputs_are_removed_only_inside_the_job_folder() -> None:
    from rapnb.build.render import _owned

    assert _owned("sheets/peru/figures/old.svg", ["sheets/peru"])
    assert not _owned("sheets/peru-2/x.svg", ["sheets/peru"])
    assert not _owned("sheets/peru/../chile/chile.html", ["sheets/peru"])
    assert not _owned("/etc/passwd", ["/etc"])
    assert _owned("hxl/funding.csv", ["rap_tables.xlsx", "hxl"])


def test_a_failure_without_an_executed_copy_keeps_listing_the_earlier_one(
        tmp_path: Path) -> None:
    """A notebook fails with its executed copy in failed/; it then fails again with none (its
    worker dies): the earlier copy, still there, stays in the manifest, and a third render
    finds no file it did not write."""
    out = tmp_path / "out"
    code, stdout, stderr = run_jobs_done([stub("gamma", RAISES)], out, tables=False,
                                         progress=False)
    assert code == 1 and (out / "failed/gamma.ipynb").is_file(), stdout + stderr
    code, stdout, stderr = run_jobs_done([stub("gamma", KILLS_WORKER)], out, tables=False,
                                         progress=False)
    assert code == 1 and "WorkerError: worker exited with signal 9" in stdout, stdout + stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notebooks"]["gamma"]["failed_notebook"] == "failed/gamma.ipynb"
    assert "failed/gamma.ipynb" in manifest["files"]
    code, stdout, stderr = run_jobs_done([stub("gamma", RAISES)], out, tables=False,
                                         progress=False)
    assert code == 1 and "rapnb did not write" not in stderr, stdout + stderr
