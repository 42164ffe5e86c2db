"""The PNGs a notebook's worker leaves to a FiguresTask: drawn as the worker would draw them,
and the notebook held back until they are in (`rapnb.build.render._Figures`)."""

from __future__ import annotations

import importlib
from pathlib import Path

from rapnb.build.figures import figure_files, png_name
from rapnb.build.messages import FiguresTask, NotebookTask, TaskOutcome
from rapnb.build.pool import Finished
from rapnb.build.worker import _warm_up_notebook, make_figures

render_module = importlib.import_module("rapnb.build.render")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_a_figures_task_draws_the_png_the_worker_would_have_drawn(tmp_path: Path) -> None:
    nb = _warm_up_notebook()  # one chart, its SVG drawn by vl-convert
    both = figure_files(nb)
    svgs = figure_files(nb, png=False)
    assert sorted(svgs) == ["figures/warm-up.svg"]
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures/warm-up.svg").write_bytes(svgs["figures/warm-up.svg"])
    outcome = make_figures(FiguresTask("n figures", str(tmp_path / "w"), str(tmp_path),
                                       ["figures/warm-up.png"]))
    assert outcome.ok and outcome.files == ["figures/warm-up.png"]
    drawn = (tmp_path / "figures/warm-up.png").read_bytes()
    assert drawn.startswith(PNG_SIGNATURE)
    assert drawn == both["figures/warm-up.png"]
    assert png_name("sheets/a/figures/x.svg") == "sheets/a/figures/x.png"


def test_a_figures_task_names_the_png_it_could_not_draw(tmp_path: Path) -> None:
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures/good.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', encoding="utf-8")
    (tmp_path / "figures/bad.svg").write_text("<svg", encoding="utf-8")
    outcome = make_figures(FiguresTask("n figures", str(tmp_path / "w"), str(tmp_path),
                                       ["figures/good.png", "figures/bad.png"]))
    assert not outcome.ok and outcome.files == []
    assert outcome.error is not None and outcome.error.startswith("figures/bad.png: ")
    assert "\n" not in outcome.error


def _notebook(tmp_path: Path, pngs: list[str]) -> Finished:
    task = NotebookTask(name="en/peru", folder="en/sheets/peru", notebook="/nb.ipynb",
                        parameters={}, source_label="notebooks/nb.ipynb",
                        work=str(tmp_path / "en-peru"), data_dir="/data", pngs_later=True)
    outcome = TaskOutcome("ok", ["en/sheets/peru/figures/a.svg", "en/sheets/peru/peru.ipynb"],
                          execution={"seconds": 0.3, "steps": {"execute": 0.4}}, pngs=pngs)
    return Finished(task, 0.6, outcome)


def test_a_notebook_waits_for_its_pngs_and_is_installed_with_them(tmp_path: Path) -> None:
    figures = render_module._Figures(tmp_path)
    notebook = _notebook(tmp_path, ["en/sheets/peru/figures/a.png"])
    assert figures.sort([notebook]) == [] and figures.busy
    (task,) = figures.pending
    assert task.staged == str(tmp_path / "en-peru" / "out")
    assert task.pngs == ["en/sheets/peru/figures/a.png"]
    assert Path(task.work).parent == tmp_path and Path(task.work) != Path(notebook.task.work)
    figures.pending.popleft()
    (ready,) = figures.sort([Finished(task, 0.25, TaskOutcome("ok", list(task.pngs)))])
    assert not figures.busy
    assert ready.task == notebook.task and ready.outcome.ok and ready.seconds == 0.85
    assert ready.outcome.files == ["en/sheets/peru/figures/a.png",
                                   "en/sheets/peru/figures/a.svg", "en/sheets/peru/peru.ipynb"]
    assert ready.outcome.pngs == []
    assert ready.outcome.execution["steps"] == {"execute": 0.4, "png": 0.25}


def test_a_notebook_whose_pngs_failed_fails(tmp_path: Path) -> None:
    figures = render_module._Figures(tmp_path)
    figures.sort([_notebook(tmp_path, ["en/sheets/peru/figures/a.png"])])
    task = figures.pending.popleft()
    (ready,) = figures.sort([Finished(task, 0.1, TaskOutcome(
        "failed", [], "en/sheets/peru/figures/a.png: ValueError: bad SVG"))])
    assert not ready.outcome.ok and ready.outcome.files == []
    assert ready.outcome.error == (
        "drawing its PNGs: en/sheets/peru/figures/a.png: ValueError: bad SVG")


def test_other_tasks_go_straight_to_their_install(tmp_path: Path) -> None:
    figures = render_module._Figures(tmp_path)
    without_pngs = _notebook(tmp_path, [])
    failed = Finished(without_pngs.task, 0.2, TaskOutcome("failed", [], "ValueError: x"))
    assert figures.sort([without_pngs, failed]) == [without_pngs, failed]
    assert not figures.busy


def test_a_png_already_drawn_is_kept(tmp_path: Path) -> None:
    """A figures task run again (taken back from its worker) keeps the PNGs drawn before."""
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures/a.svg").write_text("<svg", encoding="utf-8")  # not drawable
    (tmp_path / "figures/a.png").write_bytes(PNG_SIGNATURE + b"drawn before")
    outcome = make_figures(FiguresTask("n figures", str(tmp_path / "w"), str(tmp_path),
                                       ["figures/a.png"]))
    assert outcome.ok
    assert (tmp_path / "figures/a.png").read_bytes() == PNG_SIGNATURE + b"drawn before"


class _Running:
    """A worker process still running: `kill` ends it."""

    pid = 0

    def __init__(self) -> None:
        self.killed = False

    def poll(self) -> int | None:
        return -9 if self.killed else None

    def kill(self) -> None:
        self.killed = True


def test_pngs_still_drawn_at_low_priority_are_taken_back(tmp_path: Path) -> None:
    """Once the notebooks are done, a figures task still on the low-priority worker is queued
    again first (in a new folder) and that worker is killed; one that has its result is left
    to be taken, and a worker writing the tables is left alone."""
    from rapnb.build.messages import TablesTask
    from rapnb.build.pool import WorkerProcess

    def worker(task: object) -> WorkerProcess:
        return WorkerProcess(_Running(), tmp_path / "log", tmp_path, task=task)  # type: ignore[arg-type]

    figures = render_module._Figures(tmp_path)
    queued = FiguresTask("b figures", str(tmp_path / "b"), str(tmp_path), ["b.png"])
    figures.pending.append(queued)
    drawing = FiguresTask("a figures", str(tmp_path / "a"), str(tmp_path), ["a.png"])
    done = FiguresTask("c figures", str(tmp_path / "c"), str(tmp_path), ["c.png"])
    Path(done.work).mkdir()
    (Path(done.work) / "result.json").write_text("{}", encoding="utf-8")
    tables = TablesTask("tables", str(tmp_path / "t"), "/data")
    workers = [worker(drawing), worker(done), worker(tables)]
    assert figures.take_back(workers) == [workers[0]]
    assert workers[0].proc.poll() is not None and workers[0].task is None
    assert [w.task for w in workers[1:]] == [done, tables]
    assert workers[1].proc.poll() is None and workers[2].proc.poll() is None
    assert list(figures.pending) == [
        FiguresTask("a figures", str(tmp_path / "a") + "-again", str(tmp_path), ["a.png"]),
        queued]
