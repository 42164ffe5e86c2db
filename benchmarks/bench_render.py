"""Render benchmark: how close the whole collection comes to the cost of starting its kernels.

Measures, on this machine, in one run:
  (a) the floor: papermill executing a notebook that only imports the stack the notebooks use,
      in a fresh `python` each time; (a') the same notebook on a fresh kernel started by a warm
      worker (papermill loaded once), with rapnb's kernel tuning, the kernel a new `python`
      that imports the stack, at each round's start and again just before and just after
      its --jobs 2 render; (a'2) the same in two such workers at once, as a render at
      --jobs 2 pays it (measured just before and just after each --jobs 2 render); and (a'')
      the same with the kernel forked from a zygote that has imported it
      (`rapnb.build.kernel_zygote`), as the renderer now starts its kernels;
  (b) the full render of the 16 notebooks with all exports, at --jobs 1 and 2 (fresh output
      directory), then into the same directory at --jobs 2: a no-op re-render (whole process)
      and a re-render after one sheet's data changed (Peru's government response);
  (c) `python -c "import rapnb"`;
  (d) the peak memory of one kernel rendering a country sheet;
and prints each figure (median of several runs), the ratio of (b) to 16 x (a) / jobs, to
16 x (a') / jobs and, at --jobs 2, to 16 x (a'2) / 2 and 16 x (a') / 2 as measured around
each render, and the ratio of the one-sheet re-render to that sheet's render plus the no-op's
fixed cost.

Floors and renders are interleaved, round by round, so that a slow spell of a shared machine
weighs on both sides of the ratio alike (the --no-pdf render runs next to the --jobs 2 one,
after it and before it in turn, and the PDFs' cost is the median of the rounds' ratios). The
per-notebook seconds of the last `--jobs 2` render (from its manifest) show where the time
goes.

    python benchmarks/bench_render.py [--rounds N] [--floors-per-round N] [--json PATH]
    python benchmarks/bench_render.py --pdf-only [--rounds N]     # (e) alone
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOTEBOOKS = 16
JOBS = (1, 2)
PDF_BUDGET_PCT = 15.0
# What the notebooks' first cell does, then the rest of the stack their cells import.
FLOOR_SOURCE = (
    "import rapnb\n"
    "from rapnb import charts, maps, report\n"
    "report.setup()\n"
    "import altair, geopandas, pandas, vl_convert\n"
)
FLOOR_RUNNER = (
    "import papermill, sys; papermill.execute_notebook(sys.argv[1], sys.argv[2],"
    " kernel_name='python3', progress_bar=False, cwd=sys.argv[3])"
)
WARM_FLOOR_CODE = """
import os, sys, tempfile, time
os.environ["RAPNB_RENDER_KERNEL"] = "1"
from rapnb.build.execute import execute_notebook
notebook, repeat = sys.argv[1], int(sys.argv[2])
with tempfile.TemporaryDirectory() as cwd:
    execute_notebook(notebook, {}, cwd)  # warm: papermill, nbclient, zmq loaded once
    for _ in range(repeat):
        start = time.perf_counter()
        execute_notebook(notebook, {}, cwd)
        print(time.perf_counter() - start, flush=True)
"""
PEAK_MEMORY_CODE = """
import resource, sys, tempfile, papermill
from rapnb.paths import notebooks_dir
with tempfile.TemporaryDirectory() as tmp:
    papermill.execute_notebook(str(notebooks_dir() / "country_sheet.ipynb"), tmp + "/out.ipynb",
                               parameters={"sheet": "colombia"}, kernel_name="python3",
                               progress_bar=False, cwd=tmp)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _timed(command: list[str], **kwargs: object) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start


def floor_notebook(folder: Path) -> Path:
    """Write the floor notebook (one cell that imports the stack) into `folder`."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = new_notebook(cells=[new_code_cell(FLOOR_SOURCE)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = folder / "floor.ipynb"
    nbformat.write(notebook, path)
    return path


def floor_seconds(notebook: Path, repeat: int) -> list[float]:
    """Seconds for a fresh `python` to have papermill run the floor notebook."""
    folder = notebook.parent
    return [_timed([sys.executable, "-c", FLOOR_RUNNER, str(notebook),
                    str(folder / "out.ipynb"), str(folder)]) for _ in range(repeat)]


def warm_floor_seconds(notebook: Path, repeat: int, fork: bool = False,
                       at_once: int = 1) -> list[float]:
    """Seconds per floor notebook on a fresh kernel started by a warm process
    (`rapnb.build.execute`): a new `python` that imports the stack (`fork` False), or a
    kernel forked from a zygote that has imported it, as render workers get them. With
    `at_once` > 1, that many such processes run side by side (as the workers of a render at
    --jobs `at_once` do), each `repeat` times; all their seconds are returned."""
    env = dict(os.environ, RAPNB_FORK_KERNELS="1" if fork else "0")
    env.pop("RAPNB_ZYGOTE_SOCKET", None)
    procs = [subprocess.Popen([sys.executable, "-c", WARM_FLOOR_CODE, str(notebook),
                               str(repeat)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env)
             for _ in range(at_once)]
    outputs = [proc.communicate() for proc in procs]  # all of them ended before any raises
    seconds: list[float] = []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, proc.args, out, err)
        seconds += [float(line) for line in out.split()]
    return seconds


def _render(out: str, jobs: int, *extra: str) -> float:
    return _timed([sys.executable, "-m", "rapnb", "render", "--out", out, "--jobs", str(jobs),
                   "--no-progress", *extra])


def _tasks(out: str) -> dict[str, float]:
    """Each task's seconds as the manifest records them, by name without the language
    ('regional_overview', 'peru', 'book', 'tables'; the English edition's)."""
    manifest = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    tasks = {name.removeprefix("en/"): entry["seconds"]
             for name, entry in manifest["notebooks"].items() if not name.startswith("es/")}
    tasks["tables"] = manifest["tables"]["seconds"]
    return tasks


def _steps(out: Path) -> dict[str, dict[str, float]]:
    """Each English notebook's worker steps (seconds), as its manifest entry records them."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {name: entry["execution"]["steps"] for name, entry in manifest["notebooks"].items()
            if name.startswith("en/") and "steps" in (entry.get("execution") or {})}


def render_once(jobs: int, *extra: str, keep: Path | None = None
                ) -> tuple[float, dict[str, float]]:
    """Seconds for `rapnb render` of the 16 notebooks (`--lang en`, unless `extra` names the
    languages) with every export, into a fresh folder (`keep`, if given, is left there), and
    the seconds of each task as its manifest records them."""
    langs = [] if "--lang" in extra else ["--lang", "en"]
    with tempfile.TemporaryDirectory() as tmp:
        out = keep or Path(tmp) / "out"
        shutil.rmtree(out, ignore_errors=True)
        return _render(str(out), jobs, *langs, *extra), _tasks(str(out))


def _edit_one_sheet(data: Path) -> None:
    path = data / "government_response.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("peru,"))
    lines[number] = lines[number].rstrip("\r\n").removesuffix('"') + " (edited)" + (
        '"' if lines[number].rstrip("\r\n").endswith('"') else "") + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def rerenders() -> dict[str, float]:
    """A full render at --jobs 2 from a copy of the data, then in the same directory a no-op
    render and a render after Peru's government response changed: whole-process seconds, and
    Peru's own seconds in the last one."""

    from rapnb.paths import bundled_data_dir

    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "data", str(Path(tmp) / "out")
        shutil.copytree(bundled_data_dir(), data)
        full = _render(out, 2, "--data-dir", str(data), "--lang", "en")
        noop = _render(out, 2, "--data-dir", str(data), "--lang", "en")
        _edit_one_sheet(data)
        changed = _render(out, 2, "--data-dir", str(data), "--lang", "en")
        tasks = _tasks(out)
    return {"full": full, "noop": noop, "changed": changed, "sheet": tasks["peru"]}


PDF_SECONDS_CODE = """
import json, sys, time
from pathlib import Path
import nbformat
import rapnb
from rapnb.build.pdf import book_pdf, notebook_pdf
out = Path(sys.argv[1])
names = ["regional_overview", *rapnb.sheets()]
folders = {n: "en/regional_overview" if n == "regional_overview" else f"en/sheets/{n}"
           for n in names}
nbs = {n: nbformat.read(out / folders[n] / f"{n}.ipynb", as_version=4) for n in names}
notebook_pdf(nbs["argentina"], "argentina")  # warm, as a worker is after its first notebook
seconds = {}
for n in names:
    start = time.perf_counter()
    notebook_pdf(nbs[n], n)
    seconds[n] = time.perf_counter() - start
start = time.perf_counter()
book_pdf(nbs["regional_overview"], [(s, nbs[s]) for s in rapnb.sheets()], "0" * 64)
seconds["book"] = time.perf_counter() - start
print(json.dumps(seconds))
"""


def pdf_seconds(out: Path) -> dict[str, float]:
    """Seconds to typeset each PDF (and the book) from the executed notebooks in `out`, in one
    warm process (what a worker and the render process do)."""
    done = subprocess.run([sys.executable, "-c", PDF_SECONDS_CODE, str(out)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def import_seconds(repeat: int) -> list[float]:
    """Seconds for a fresh interpreter to `import rapnb` (interpreter start-up included)."""
    return [_timed([sys.executable, "-c", "import rapnb"]) for _ in range(repeat)]


def interpreter_seconds(repeat: int) -> list[float]:
    """Seconds for a fresh interpreter to do nothing (the part of (c) that is not rapnb)."""
    return [_timed([sys.executable, "-c", "pass"]) for _ in range(repeat)]


def kernel_peak_mib() -> float:
    """Peak resident memory of one kernel rendering the Colombia sheet, MiB."""
    out = subprocess.run([sys.executable, "-c", PEAK_MEMORY_CODE], check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def pdf_report(with_pdf: list[float], no_pdf: list[float], typeset: dict[str, float],
               book_step: float) -> dict[str, object]:
    """Print (e), the PDFs' cost, and return its figures."""
    ratios = [a / b - 1 for a, b in zip(with_pdf, no_pdf, strict=True)]
    added = 100 * statistics.median(ratios)
    print(f"(e) the 17 PDFs at --jobs 2: {statistics.median(with_pdf):.1f} s against"
          f" {statistics.median(no_pdf):.1f} s with --no-pdf (medians of {len(no_pdf)}):"
          f" {added:+.1f}% (median of the rounds' ratios"
          f" {', '.join(f'{100 * r:+.1f}%' for r in ratios)}; budget {PDF_BUDGET_PCT:.0f}%)")
    sheet_pdfs = [s for name, s in typeset.items() if name not in {"regional_overview", "book"}]
    all_16 = sum(typeset.values()) - typeset["book"]
    # The 16 notebook PDFs are shared by the two workers; the book comes after the last one.
    estimate = 100 * (all_16 / 2 + book_step) / statistics.median(no_pdf)
    print(f"    typesetting, one warm process: a sheet {statistics.median(sheet_pdfs):.2f} s"
          f" (median; max {max(sheet_pdfs):.2f} s), the overview"
          f" {typeset['regional_overview']:.2f} s, all 16 {all_16:.2f} s, the book"
          f" {typeset['book']:.2f} s (the render's book step: {book_step:.1f} s, reading the"
          f" notebooks included): all 16 / 2 + the book step = {estimate:.1f}% of the --no-pdf"
          " render")
    return {"render_jobs2_no_pdf_s": statistics.median(no_pdf), "pdf_added_pct": added,
            "pdf_added_pct_from_typesetting": estimate, "pdf_typeset_s": typeset}


def pdf_only(rounds: int) -> dict[str, object]:
    """(e) alone: `rounds` pairs of full renders at --jobs 2, with and without PDFs, the
    order alternating from one round to the next."""
    with_pdf: list[float] = []
    no_pdf: list[float] = []
    book_steps: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        kept = Path(tmp) / "render"
        for number in range(1, rounds + 1):
            for pdf in (True, False) if number % 2 else (False, True):
                seconds, tasks = render_once(2, *([] if pdf else ["--no-pdf"]),
                                             keep=kept if pdf else None)
                (with_pdf if pdf else no_pdf).append(seconds)
                book_steps += [tasks["book"]] if pdf else []
            print(f"round {number}: --jobs 2 {with_pdf[-1]:.1f} s, --no-pdf {no_pdf[-1]:.1f} s",
                  flush=True)
        typeset = pdf_seconds(kept)
    return pdf_report(with_pdf, no_pdf, typeset, statistics.median(book_steps))


NOOP_LIMIT_S = 1.5
ONE_SHEET_LIMIT = 1.3
FULL_RENDER_LIMIT = 1.3


def issue_targets(noop: float, one_sheet: float, two_at_once: list[float],
                  one_alone: list[float], one_alone_overall: float) -> dict[str, bool]:
    """Print whether the render meets its targets (the incremental-render issue): a no-op
    under 1.5 s, one changed sheet under 1.3 x, and the full render at --jobs 2 within 1.3 x
    the warm-worker floor, read two ways, each judged by the median of the rounds' ratios to
    the floor measured just before and just after that round's render: the floor as --jobs 2
    pays it (two workers at once), and the stricter reading, one worker alone. The one-alone
    ratio of the median render to the rounds' first floors (`one_alone_overall`, measured up
    to a minute before the render) is printed beside it."""
    alone, two = statistics.median(one_alone), statistics.median(two_at_once)
    met = {"noop": noop < NOOP_LIMIT_S, "one_sheet": one_sheet < ONE_SHEET_LIMIT,
           "full_render": two <= FULL_RENDER_LIMIT,
           "full_render_one_alone": alone <= FULL_RENDER_LIMIT}
    word = {True: "met", False: "NOT met"}

    def within(ratios: list[float]) -> str:
        count = sum(r <= FULL_RENDER_LIMIT for r in ratios)
        return f"{count} of {len(ratios)} rounds within {FULL_RENDER_LIMIT} x"

    print(f"targets: no-op {noop:.2f} s < {NOOP_LIMIT_S} s {word[met['noop']]}; one sheet"
          f" {one_sheet:.2f} x < {ONE_SHEET_LIMIT} x {word[met['one_sheet']]}; --jobs 2"
          f" {two:.2f} x <= {FULL_RENDER_LIMIT} x the two-at-once floor"
          f" {word[met['full_render']]} ({within(two_at_once)}); against the one-alone floor"
          f" {alone:.2f} x {word[met['full_render_one_alone']]} ({within(one_alone)};"
          f" against the rounds' first floors {one_alone_overall:.2f} x)")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of (floors, render --jobs 1, render --jobs 2, --no-pdf)")
    parser.add_argument("--floors-per-round", type=int, default=2, help="floor runs per round")
    parser.add_argument("--pdf-only", action="store_true",
                        help="only (e): renders at --jobs 2 with and without PDFs")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if args.pdf_only:
        figures = pdf_only(args.rounds)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        return 0

    floors: list[float] = []
    warm: list[float] = []
    warm_two: list[float] = []
    round_two_ratios: list[float] = []
    forked: list[float] = []
    renders: dict[int, list[float]] = {jobs: [] for jobs in JOBS}
    both: list[float] = []
    no_pdf: list[float] = []
    again: dict[str, list[float]] = {"full": [], "noop": [], "changed": [], "sheet": []}
    tasks: dict[str, float] = {}
    last_steps: dict[str, dict[str, float]] = {}
    books: list[float] = []
    round_ratios: list[float] = []
    warm_around: list[float] = []
    round_alone_ratios: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        notebook = floor_notebook(Path(tmp))
        kept = Path(tmp) / "render"
        for number in range(1, args.rounds + 1):
            floors += floor_seconds(notebook, args.floors_per_round)
            warm += warm_floor_seconds(notebook, args.floors_per_round)
            forked += warm_floor_seconds(notebook, args.floors_per_round, fork=True)
            renders[1].append(render_once(1)[0])
            if number % 2 == 0:  # --no-pdf before the --jobs 2 render in even rounds
                no_pdf.append(render_once(2, "--no-pdf")[0])
            # Both floors just before and just after the render they are compared with.
            round_alone = warm_floor_seconds(notebook, args.floors_per_round)
            round_two = warm_floor_seconds(notebook, args.floors_per_round, at_once=2)
            seconds, tasks = render_once(2, keep=kept)
            round_two += warm_floor_seconds(notebook, args.floors_per_round, at_once=2)
            round_alone += warm_floor_seconds(notebook, args.floors_per_round)
            renders[2].append(seconds)
            warm_two += round_two
            warm_around += round_alone
            last_steps = _steps(kept)
            if number % 2:
                no_pdf.append(render_once(2, "--no-pdf")[0])
            books.append(tasks.get("book", 0.0))
            both.append(render_once(2, "--lang", "en", "--lang", "es")[0])
            for key, value in rerenders().items():
                again[key].append(value)
            round_warm = warm[-args.floors_per_round:]
            round_ratios.append(renders[2][-1] / (NOTEBOOKS * statistics.median(round_warm) / 2))
            round_two_ratios.append(
                renders[2][-1] / (NOTEBOOKS * statistics.median(round_two) / 2))
            round_alone_ratios.append(
                renders[2][-1] / (NOTEBOOKS * statistics.median(round_alone) / 2))
            print(f"round {number}: floor {floors[-1]:.2f} s, warm floor"
                  f" {', '.join(f'{w:.2f}' for w in round_warm)} s, two at once"
                  f" {', '.join(f'{w:.2f}' for w in round_two)} s, one alone around it"
                  f" {', '.join(f'{w:.2f}' for w in round_alone)} s, forked {forked[-1]:.2f} s,"
                  f" render --jobs 1 {renders[1][-1]:.1f} s, --jobs 2 {renders[2][-1]:.1f} s"
                  f" (ratio to this round's warm floor {round_ratios[-1]:.2f}, to its two at"
                  f" once {round_two_ratios[-1]:.2f}, to one alone around it"
                  f" {round_alone_ratios[-1]:.2f};"
                  f" --no-pdf {no_pdf[-1]:.1f} s; en and es {both[-1]:.1f} s),"
                  f" no-op {again['noop'][-1]:.2f} s, one sheet {again['changed'][-1]:.1f} s",
                  flush=True)
        typeset = pdf_seconds(kept)

    floor, warm_floor = statistics.median(floors), statistics.median(warm)
    print(f"(a) floor, papermill + imports, per notebook: {floor:.2f} s"
          f" (median of {len(floors)})")
    print(f"(a') floor as the renderer pays it (fresh kernel, warm worker): {warm_floor:.2f} s"
          f" (median of {len(warm)})")
    warm_two_floor = statistics.median(warm_two)
    print(f"(a'2) the same, two workers at once (as --jobs 2 pays it), around each --jobs 2"
          f" render: {warm_two_floor:.2f} s (median of {len(warm_two)};"
          f" {100 * (warm_two_floor / warm_floor - 1):+.1f}% against one alone)")
    forked_floor = statistics.median(forked)
    print(f"(a'') the same, the kernel forked from a zygote with the stack imported:"
          f" {forked_floor:.2f} s (median of {len(forked)})")
    results: dict[str, object] = {"floor_s": floor, "warm_floor_s": warm_floor,
                                  "warm_floor_two_at_once_s": warm_two_floor,
                                  "forked_floor_s": forked_floor}
    warm_ratios: dict[int, float] = {}
    for jobs in JOBS:
        render = statistics.median(renders[jobs])
        ratio = render / (NOTEBOOKS * floor / jobs)
        warm_ratio = warm_ratios[jobs] = render / (NOTEBOOKS * warm_floor / jobs)
        forked_ratio = render / (NOTEBOOKS * forked_floor / jobs)
        print(f"(b) full render of {NOTEBOOKS} notebooks, --jobs {jobs}: {render:.1f} s"
              f" (median of {len(renders[jobs])}); ratio to {NOTEBOOKS} x floor / {jobs}"
              f" = {ratio:.2f}, to {NOTEBOOKS} x warm floor / {jobs} = {warm_ratio:.2f},"
              f" to {NOTEBOOKS} x forked floor / {jobs} = {forked_ratio:.2f}")
        results[f"render_jobs{jobs}_s"] = render
        results[f"ratio_jobs{jobs}"] = ratio
        results[f"warm_ratio_jobs{jobs}"] = warm_ratio
        results[f"forked_ratio_jobs{jobs}"] = forked_ratio
    print(f"    --jobs 2 against each round's own warm floor: "
          f"{', '.join(f'{r:.2f}' for r in round_ratios)}")
    two_at_once_ratio = statistics.median(renders[2]) / (NOTEBOOKS * warm_two_floor / 2)
    print(f"    --jobs 2 against {NOTEBOOKS} x the two-at-once floor / 2:"
          f" {two_at_once_ratio:.2f}; each round against the floor measured around its"
          f" render: {', '.join(f'{r:.2f}' for r in round_two_ratios)}"
          f" (median {statistics.median(round_two_ratios):.2f})")
    print(f"    --jobs 2 against {NOTEBOOKS} x the one-alone floor / 2 measured around each"
          f" render: {', '.join(f'{r:.2f}' for r in round_alone_ratios)}"
          f" (median {statistics.median(round_alone_ratios):.2f}; that floor"
          f" {statistics.median(warm_around):.2f} s, median of {len(warm_around)})")
    results["warm_ratio_jobs2_by_round"] = round_ratios
    results["warm_floor_around_render_s"] = statistics.median(warm_around)
    results["one_alone_ratio_jobs2_by_round"] = round_alone_ratios
    results["two_at_once_ratio_jobs2"] = two_at_once_ratio
    results["two_at_once_ratio_jobs2_by_round"] = round_two_ratios
    noop, changed = statistics.median(again["noop"]), statistics.median(again["changed"])
    sheet = statistics.median(again["sheet"])
    one_sheet_ratio = changed / (sheet + noop)
    print(f"(b) re-render, same directory, --jobs 2: nothing changed {noop:.2f} s (whole"
          f" process); Peru's government response changed {changed:.2f} s ="
          f" {one_sheet_ratio:.2f} x (Peru's render {sheet:.2f} s + the no-op {noop:.2f} s)")
    results.update(noop_s=noop, one_sheet_s=changed, one_sheet_task_s=sheet,
                   one_sheet_ratio=one_sheet_ratio)
    two = statistics.median(both)
    two_ratio = two / (2 * NOTEBOOKS * warm_floor / 2)
    print(f"(b) both languages ({2 * NOTEBOOKS} notebooks), --jobs 2: {two:.1f} s; ratio to"
          f" {2 * NOTEBOOKS} x floor / 2 = {two / (2 * NOTEBOOKS * floor / 2):.2f}, to"
          f" {2 * NOTEBOOKS} x warm floor / 2 = {two_ratio:.2f}")
    results.update(render_both_langs_jobs2_s=two, warm_ratio_both_langs=two_ratio)
    step_totals: dict[str, float] = {}
    for steps in last_steps.values():
        for step, seconds in steps.items():
            step_totals[step] = step_totals.get(step, 0.0) + seconds
    print("    last --jobs 2 render, the workers' steps summed over its notebooks: "
          + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in step_totals.items()))
    results["last_render_step_totals_s"] = step_totals
    sheets = [s for name, s in tasks.items()
              if name not in {"regional_overview", "tables", "book"}]
    print(f"    last --jobs 2 render, per task: overview {tasks['regional_overview']:.1f} s,"
          f" sheets median {statistics.median(sheets):.1f} s (max {max(sheets):.1f} s),"
          f" tables {tasks['tables']:.1f} s")
    imports = statistics.median(import_seconds(10))
    bare = statistics.median(interpreter_seconds(10))
    print(f"(c) python -c 'import rapnb': {imports:.3f} s (bare interpreter {bare:.3f} s)")
    peak = kernel_peak_mib()
    print(f"(d) peak memory of one kernel (colombia sheet): {peak:.0f} MiB")
    results.update(pdf_report(renders[2], no_pdf, typeset, statistics.median(books)))
    results.update(import_s=imports, interpreter_s=bare, kernel_peak_mib=peak,
                   last_render_task_s=tasks,
                   machine=f"{platform.machine()}, {os.cpu_count()} cores,"
                   f" Python {platform.python_version()}")
    targets = issue_targets(noop, one_sheet_ratio, round_two_ratios, round_alone_ratios,
                            warm_ratios[2])
    results["targets"] = targets
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
