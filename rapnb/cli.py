"""The `rapnb` command: `rapnb render` turns the notebooks into the report in `outputs/`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from rapnb import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3

RENDER_HELP = """\
Render the regional overview and the country/subregional sheets with papermill (each on a
fresh kernel, run by --jobs worker processes), export each to HTML (no scripts, no network),
to an A4 PDF and its charts to SVG and PNG, then the whole plan as one PDF book, and write
rap_tables.xlsx, hxl/*.csv and manifest.json.

Which notebooks: with neither --sheet nor --overview, the overview and all 15 sheets. Otherwise
only the ones named: `--sheet colombia` renders that sheet alone, `--sheet colombia --overview`
adds the overview, `--overview` alone renders only the overview. The workbook and HXL CSVs are
written by every render; entries of notebooks not rendered stay in the manifest.

The book, regional_action_plan_2018.pdf (cover, contents, the overview, the 15 sheets in the
plan's order, sources), is made from the executed notebooks in --out once the overview and
every sheet have one from the same data; --no-pdf skips every PDF, the book included.

Output layout (in --out):
  regional_overview/regional_overview.ipynb|.html|.pdf, regional_overview/figures/<id>.svg|.png
  sheets/<sheet>/<sheet>.ipynb|.html|.pdf, sheets/<sheet>/figures/<id>.svg|.png
  regional_action_plan_2018.pdf, rap_tables.xlsx, hxl/*.csv, manifest.json,
  failed/<name>.ipynb (failed notebooks only)

Exit status: 0 all rendered; 1 a notebook failed (the others are rendered, its previous outputs
are kept, its executed copy is in failed/); 2 bad arguments (nothing is written); 3 another
render is writing to --out; 130/143 stopped by SIGINT/SIGTERM (kernels shut down, no temp
files left).
"""


class UsageError(Exception):
    """A bad command line: reported on one line, exit status 2, nothing written."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """One line on stderr and exit status 2 (argparse would print the usage first)."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The `rapnb` argument parser with its `render` subcommand."""
    from rapnb.paths import default_outputs_dir

    parser = _Parser(prog="rapnb", description="IOM's 2018 Regional Action Plan as a report.")
    parser.add_argument("--version", action="version", version=f"rapnb {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    render = commands.add_parser(
        "render", help="render the notebooks into the report", description=RENDER_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    render.add_argument("--sheet", action="append", default=[], metavar="ID",
                        help="render this sheet (repeatable); see the selection rules above")
    render.add_argument("--overview", action="store_true",
                        help="render the regional overview (implied when no --sheet is given)")
    render.add_argument("--out", type=Path, default=default_outputs_dir(), metavar="DIR",
                        help="output directory (default: %(default)s)")
    render.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1, metavar="N",
                        help="notebooks rendered at once (default: CPU count, %(default)s)")
    render.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                        help="render from this data directory (same layout as the bundled "
                             "one): passed as parameter data_dir and $RAPNB_DATA_DIR")
    render.add_argument("--wait", action="store_true",
                        help="if another render is writing to --out, wait for it (else exit 3)")
    render.add_argument("--no-pdf", action="store_true",
                        help="no PDFs (neither per notebook nor the book): a quicker preview")
    render.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _check_out(out: Path) -> Path:
    out = out.expanduser().absolute()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file, not a directory")
    ancestor = out
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UsageError(f"--out {out} cannot be created: {ancestor} is not a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out} is not writable ({ancestor})")
    return out


def _check_data_dir(data_dir: Path | None) -> Path | None:
    from rapnb.datasets.store import validate_data_dir
    from rapnb.errors import DataError
    from rapnb.paths import DATA_DIR_ENV

    if data_dir is not None:
        data_dir = data_dir.expanduser().resolve()
        if not data_dir.exists():
            raise UsageError(f"--data-dir {data_dir} does not exist")
        if not data_dir.is_dir():
            raise UsageError(f"--data-dir {data_dir} is not a directory")
    try:
        validate_data_dir(data_dir)
    except DataError as exc:
        env = os.environ.get(DATA_DIR_ENV)
        where = (f"--data-dir {data_dir}" if data_dir is not None
                 else f"${DATA_DIR_ENV} {env}" if env else "the bundled data")
        raise UsageError(f"{where} is not valid: {' '.join(str(exc).split())}") from None
    return data_dir


def _check_sheets(requested: Sequence[str], data_dir: Path | None) -> list[str]:
    from rapnb.datasets.loaders import sheets

    valid = sheets(data_dir)
    chosen = list(dict.fromkeys(requested))
    for sheet in chosen:
        if sheet not in valid:
            raise UsageError(f"unknown sheet {sheet!r}; valid sheet ids: {', '.join(valid)}")
    return chosen


def plan_jobs(args: argparse.Namespace) -> tuple[list, Path, Path | None]:
    """Check the render arguments (raising UsageError) and return (jobs, out, data_dir)."""
    from rapnb.build.jobs import report_jobs
    from rapnb.datasets.loaders import sheets

    out = _check_out(args.out)
    data_dir = _check_data_dir(args.data_dir)
    chosen = _check_sheets(args.sheet, data_dir)
    if not chosen and not args.overview:
        jobs = report_jobs(sheets(data_dir), overview=True, data_dir=data_dir)
    else:
        jobs = report_jobs(chosen, overview=args.overview, data_dir=data_dir)
    for notebook in sorted({job.notebook for job in jobs}):
        if not notebook.is_file():
            raise UsageError(f"notebook {notebook} not found")
    return jobs, out, data_dir


def format_summary(results: Sequence, elapsed: float | None = None) -> str:
    """The table printed after a render: each notebook, ok/FAILED, seconds, error."""
    rows = [("notebook", "status", "seconds", "error")]
    rows += [(r.name, "ok" if r.ok else "FAILED", f"{r.seconds:.1f}", r.error or "")
             for r in results]
    name_w = max(len(row[0]) for row in rows)
    lines = [f"{n:<{name_w}}  {s:<6}  {t:>7}  {e}".rstrip() for n, s, t, e in rows]
    failed = sum(not r.ok for r in results)
    total = f" in {elapsed:.1f} s" if elapsed is not None else ""
    lines.append(f"{len(results) - failed} ok, {failed} FAILED{total}")
    return "\n".join(lines)


def run_jobs(
    jobs: Sequence,
    out: Path,
    *,
    data_dir: Path | None = None,
    workers: int | None = None,
    tables: bool = True,
    progress: bool = True,
    wait: bool = False,
    pdf: bool = True,
) -> int:
    """Render `jobs` into `out`, print the summary, return the exit status."""
    from rapnb.build.lock import RenderLockedError
    from rapnb.build.render import render

    started = time.monotonic()
    try:
        report = render(jobs, out, data_dir=data_dir, workers=workers, tables=tables,
                        progress=progress, wait=wait, pdf=pdf)
    except RenderLockedError as exc:
        print(f"rapnb render: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    print(format_summary(report.results, time.monotonic() - started), flush=True)
    if report.interrupted is not None:
        name = signal.Signals(report.interrupted).name
        print(f"rapnb render: stopped by {name}; finished notebooks kept in {report.out}",
              file=sys.stderr)
    for result in report.failed:
        where = f" (executed notebook: {report.out / result.failed_notebook})" \
            if result.failed_notebook else ""
        print(f"rapnb render: FAILED {result.name}: {result.error}{where}", file=sys.stderr)
    if report.manifest is not None and report.interrupted is None:
        print(f"wrote {report.out} (manifest: {report.manifest.name})")
    return report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """`rapnb` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "render":
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        jobs, out, data_dir = plan_jobs(args)
    except UsageError as exc:
        print(f"rapnb render: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return run_jobs(jobs, out, data_dir=data_dir, workers=args.jobs,
                    progress=not args.no_progress, wait=args.wait, pdf=not args.no_pdf)
