"""Render benchmark: how close the whole collection comes to the cost of starting its kernels.

Measures, on this machine, in one run:
  (a) the floor: papermill executing a notebook that only imports the stack the notebooks use;
  (b) the full render of the 16 notebooks with all exports, at --jobs 1 and 2;
  (c) `python -c "import rapnb"`;
  (d) the peak memory of one kernel rendering a country sheet;
and prints each figure (median of several runs) and the ratio of (b) to 16 x (a) / jobs.

    python benchmarks/bench_render.py [--repeat N] [--floor-repeat N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOTEBOOKS = 16
FLOOR_SOURCE = (
    "import altair, geopandas, pandas, vl_convert\n"
    "import rapnb\n"
    "from rapnb import charts, maps, report\n"
    "report.setup()\n"
)
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
    subprocess.run(command, check=True, capture_output=True, **kwargs)  # type: ignore[arg-type]
    return time.perf_counter() - start


def floor_seconds(repeat: int) -> list[float]:
    """Seconds for papermill to run a notebook that only imports the stack."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "floor.ipynb"
        notebook = new_notebook(cells=[new_code_cell(FLOOR_SOURCE)])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        nbformat.write(notebook, source)
        code = ("import papermill, sys; papermill.execute_notebook(sys.argv[1], sys.argv[2],"
                " kernel_name='python3', progress_bar=False, cwd=sys.argv[3])")
        return [_timed([sys.executable, "-c", code, str(source), f"{tmp}/out.ipynb", tmp])
                for _ in range(repeat)]


def render_seconds(jobs: int, repeat: int) -> list[float]:
    """Seconds for `rapnb render` of all 16 notebooks with every export."""
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            times.append(_timed([sys.executable, "-m", "rapnb", "render", "--out", tmp,
                                 "--jobs", str(jobs)]))
    return times


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="full renders per --jobs value")
    parser.add_argument("--floor-repeat", type=int, default=5, help="floor notebook runs")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    floor = statistics.median(floor_seconds(args.floor_repeat))
    print(f"(a) floor, papermill + imports, per notebook: {floor:.2f} s")
    results: dict[str, object] = {"floor_s": floor}
    for jobs in (1, 2):
        render = statistics.median(render_seconds(jobs, args.repeat))
        ratio = render / (NOTEBOOKS * floor / jobs)
        print(f"(b) full render of {NOTEBOOKS} notebooks, --jobs {jobs}: {render:.1f} s;"
              f" ratio to {NOTEBOOKS} x floor / {jobs} = {ratio:.2f}")
        results[f"render_jobs{jobs}_s"] = render
        results[f"ratio_jobs{jobs}"] = ratio
    imports = statistics.median(import_seconds(10))
    bare = statistics.median(interpreter_seconds(10))
    print(f"(c) python -c 'import rapnb': {imports:.3f} s (bare interpreter {bare:.3f} s)")
    peak = kernel_peak_mib()
    print(f"(d) peak memory of one kernel (colombia sheet): {peak:.0f} MiB")
    results.update(import_s=imports, interpreter_s=bare, kernel_peak_mib=peak,
                   machine=f"{platform.machine()}, {os.cpu_count()} cores,"
                   f" Python {platform.python_version()}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
