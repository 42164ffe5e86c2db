"""The render loop: a worker gets its next task before the last one's files are installed,
and a worker with a result wakes the loop rather than waiting for its next check."""

from __future__ import annotations

import importlib
import json
import time
from pathlib import Path

import pytest

from rapnb.build import pool, render
from rapnb.build.figures import png_from_svg
from rapnb.build.jobs import Job

render_module = importlib.import_module("rapnb.build.render")  # `render` is the function
LINEAGE = Path(__file__).resolve().parent / "fixtures" / "stub_worker_lineage.ipynb"


def _stubs(*names: str) -> list[Job]:
    return [Job(name, LINEAGE, {"sheet": name}, f"sheets/{name}") for name in names]


def _record_events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The list that `assign <task>` and `install <task>` are appended to as they happen."""
    events: list[str] = []
    assign, finish = pool.WorkerProcess.assign, render_module._Renderer.finish

    def recording_assign(self: pool.WorkerProcess, task: object) -> None:
        events.append(f"assign {task.name}")  # type: ignore[attr-defined]
        assign(self, task)  # type: ignore[arg-type]

    def recording_finish(self: object, finished: pool.Finished) -> object:
        events.append(f"install {finished.task.name}")
        return finish(self, finished)  # type: ignore[arg-type]

    monkeypatch.setattr(pool.WorkerProcess, "assign", recording_assign)
    monkeypatch.setattr(render_module._Renderer, "finish", recording_finish)
    return events


def test_a_worker_is_given_its_next_task_before_the_last_one_is_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = _record_events(monkeypatch)
    report = render(_stubs("a", "b", "c"), tmp_path / "out", workers=1, tables=False,
                    progress=False)
    assert report.exit_code == 0, report.results
    assert events == ["assign a", "assign b", "install a", "assign c", "install b",
                      "install c"]


def test_workers_wake_the_render_loop_when_a_result_is_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With its checks a minute apart, a render of three notebooks on one worker still ends
    within seconds: each result woke the loop."""
    monkeypatch.setattr(render_module, "POLL_SECONDS", 60.0)
    start = time.monotonic()
    report = render(_stubs("a", "b", "c"), tmp_path / "out", workers=1, tables=False,
                    progress=False)
    assert report.exit_code == 0, report.results
    assert time.monotonic() - start < 45
    assert sorted(r.name for r in report.results if r.rendered) == ["a", "b", "c"]


def test_the_dearest_notebooks_go_to_the_workers_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An overview (no sheet) first, then the sheets covering most countries (the regional
    sheet 17, the Caribbean 4): the summary keeps the order asked for."""
    assigned: list[str] = []
    assign = pool.WorkerProcess.assign

    def recording_assign(self: pool.WorkerProcess, task: object) -> None:
        assigned.append(task.name)  # type: ignore[attr-defined]
        assign(self, task)  # type: ignore[arg-type]

    monkeypatch.setattr(pool.WorkerProcess, "assign", recording_assign)
    jobs = [*_stubs("argentina", "caribbean", "regional"),
            Job("overview", LINEAGE, {}, "overview")]
    report = render(jobs, tmp_path / "out", workers=1, tables=False, progress=False)
    assert report.exit_code == 0, report.results
    assert assigned == ["overview", "regional", "caribbean", "argentina"]
    assert [r.name for r in report.results] == ["argentina", "caribbean", "regional",
                                               "overview"]


def test_a_notebooks_pngs_are_drawn_by_a_task_of_their_own_before_it_is_installed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker stages the SVGs; a figures task draws the PNGs from them (here on the same,
    idle worker); the notebook is installed with both, and the manifest lists both."""
    events = _record_events(monkeypatch)
    chart = LINEAGE.parent / "stub_chart.ipynb"
    out = tmp_path / "out"
    report = render([Job("alpha", chart, {"sheet": "alpha"}, "sheets/alpha")], out,
                    workers=1, tables=False, progress=False)
    assert report.exit_code == 0, report.results
    assert events == ["assign alpha", "assign alpha figures", "install alpha"]
    pngs = sorted(p.name for p in (out / "sheets/alpha/figures").glob("*.png"))
    assert pngs == ["stub_bars_1_2.png", "stub_points.png"]
    listed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {f"sheets/alpha/figures/{name}" for name in pngs} <= set(listed)
    for name in pngs:  # what a notebook worker would have drawn from the same SVG
        png = out / "sheets/alpha/figures" / name
        svg = png.with_suffix(".svg").read_bytes().decode("utf-8")
        assert png.read_bytes() == png_from_svg(svg)
