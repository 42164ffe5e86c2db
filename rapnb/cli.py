"""The `rapnb` command: `rapnb render` turns the notebooks into the report in `outputs/`."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from rapnb import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3

RENDER_HELP = """\
Render the regional overview and the country/subregional sheets with papermill (each on a
fresh kernel, run by --jobs worker processes), export each to HTML (no scripts, no network)
and its charts to SVG and PNG, and write rap_tables.xlsx, hxl/*.csv, hdx_dataset.json,
rap_datapackage.zip (one more worker, at low priority, beside the notebooks) and manifest.json.

Which notebooks: with neither --sheet nor --overview, the overview and all 15 sheets. Otherwise
only the ones named: `--sheet colombia` renders that sheet alone, `--sheet colombia --overview`
adds the overview, `--overview` alone renders only the overview. The workbook, HXL CSVs and HDX
files are written by every render; entries of notebooks not rendered stay in the manifest.

Each notebook is also typeset as an A4 PDF beside its HTML, and each language gets the whole
plan as one book, <lang>/regional_action_plan_2018.pdf (cover, contents, the overview, the 15
sheets in the plan's order, sources), once its overview and every sheet have an executed
notebook from the same data; --no-pdf skips every PDF, the books included.

Output layout (in --out), one folder per language (--lang, repeatable; default en and es):
  <lang>/regional_overview/regional_overview.ipynb|.html|.pdf, .../figures/<id>.svg|.png
  <lang>/sheets/<sheet>/<sheet>.ipynb|.html|.pdf, <lang>/sheets/<sheet>/figures/<id>.svg|.png
  index.html, rap_tables.xlsx, hxl/*.csv, hdx_dataset.json, rap_datapackage.zip,
  manifest.json, failed/<lang>/<name>.ipynb (failed notebooks only)

Only what changed is rendered: a notebook whose fingerprint (its source, parameters, the data it
read, rapnb's code, the installed packages) is unchanged and whose outputs are intact is skipped;
--force renders everything. rapnb replaces only files its manifest lists (--overwrite to replace
other files that carry its names).

Exit status: 0 all rendered or unchanged; 1 a notebook failed (the others are rendered, its
previous outputs are kept, its executed copy is in failed/), or writing failed (a full disk);
2 bad arguments, or --out holds files rapnb did not write (nothing is written); 3 another
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
    render.add_argument("--lang", action="append", default=[], metavar="LANG",
                        help="render this language (repeatable: en, es); default: every"
                             " language, each into <out>/<lang>/")
    render.add_argument("--no-pdf", action="store_true",
                        help="no PDFs (neither the notebooks' nor the books): a quick preview")
    render.add_argument("--force", action="store_true",
                        help="render every notebook, also those unchanged since the last render")
    render.add_argument("--overwrite", action="store_true",
                        help="replace files with rapnb's names in --out that rapnb's manifest "
                             "does not list (else the render stops, exit 2)")
    render.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


_PROBE_PREFIX = ".rapnb-probe-"


def _shown(path: Path) -> str:
    """`path` as text that any terminal can print: bytes that are not text in the locale's
    encoding as \\xNN escapes."""
    raw = os.fsencode(path)
    try:
        return raw.decode(sys.getfilesystemencoding())
    except UnicodeDecodeError:
        return raw.decode("ascii", "backslashreplace")


def _absolute(path: Path, what: str) -> Path:
    """`path` with `~` expanded, made absolute against the current directory. UsageError if
    that directory has been deleted, if `~user` names no one, or if the path is not text in
    the locale's encoding (a non-ASCII name under LC_ALL=C without Python's UTF-8 mode: the
    render hands paths to workers and kernels as text)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(
            f"{what} {_shown(path)}: the path is not valid text in this locale's encoding"
            f" ({sys.getfilesystemencoding()}); use a UTF-8 locale (e.g. LC_ALL=C.UTF-8, or"
            " PYTHONUTF8=1) or a path in ASCII"
        ) from None
    try:
        path = path.expanduser()
        return path if path.is_absolute() else Path(os.getcwd(), path)
    except FileNotFoundError:
        raise UsageError(f"{what} {path}: the current directory no longer exists; give"
                         f" {what} as an absolute path") from None
    except RuntimeError as exc:  # expanduser: "Could not determine home directory"
        raise UsageError(f"{what} {path}: {exc}") from None


def _probe(folder: Path) -> None:
    """Create and remove an empty directory in `folder`: the test that counts (os.access says
    yes to root on /proc, or on a file system that refuses new entries). OSError if not."""
    os.rmdir(tempfile.mkdtemp(prefix=_PROBE_PREFIX, dir=folder))


def _check_out(out: Path) -> Path:
    out = _absolute(out, "--out")
    try:
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out {out} is a file, not a directory")
        ancestor = out
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise UsageError(f"--out {out} cannot be created: {ancestor} is not a directory")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise UsageError(f"--out {out} is not writable ({ancestor})")
    except OSError as exc:  # e.g. a parent that cannot be searched, a name too long
        raise UsageError(f"--out {out} cannot be used: {exc.strerror or exc}") from None
    try:
        _probe(ancestor)
    except OSError as exc:
        if ancestor == out:
            raise UsageError(f"--out {out} is not writable: {exc.strerror or exc}") from None
        raise UsageError(f"--out {out} cannot be created in {ancestor}:"
                         f" {exc.strerror or exc}") from None
    return out


def _check_data_dir(data_dir: Path | None) -> Path | None:
    """The data directory to render from, absolute: --data-dir, else $RAPNB_DATA_DIR (made
    absolute here, against this process's current directory: the kernels run elsewhere), else
    None (the bundled data). UsageError if it is missing or not valid."""
    from rapnb.datasets.store import validate_data_dir
    from rapnb.errors import DataError
    from rapnb.paths import DATA_DIR_ENV

    env = os.environ.get(DATA_DIR_ENV) or None
    if data_dir is None and env is not None:
        data_dir, what = Path(env), f"${DATA_DIR_ENV}"
    else:
        what = "--data-dir"
    shown = "the bundled data"
    if data_dir is not None:
        data_dir = _absolute(data_dir, what)
        shown = f"{what} {data_dir}"
        try:
            if not data_dir.exists():
                raise UsageError(f"{shown} does not exist")
            if not data_dir.is_dir():
                raise UsageError(f"{shown} is not a directory")
            data_dir = data_dir.resolve()
        except OSError as exc:
            raise UsageError(f"{shown} cannot be used: {exc.strerror or exc}") from None
    try:
        validate_data_dir(data_dir)
    except DataError as exc:
        raise UsageError(f"{shown} is not valid: {' '.join(str(exc).split())}") from None
    return data_dir


def _check_sheets(requested: Sequence[str], data_dir: Path | None) -> list[str]:
    from rapnb.datasets.loaders import sheets

    valid = sheets(data_dir)
    chosen = list(dict.fromkeys(requested))
    for sheet in chosen:
        if sheet not in valid:
            raise UsageError(f"unknown sheet {sheet!r}; valid sheet ids: {', '.join(valid)}")
    return chosen


def _check_langs(requested: Sequence[str]) -> list[str]:
    from rapnb.context import LANGUAGES

    for lang in requested:
        if lang not in LANGUAGES:
            raise UsageError(f"unknown language {lang!r}; languages: {', '.join(LANGUAGES)}")
    return list(dict.fromkeys(requested)) or list(LANGUAGES)


def plan_jobs(args: argparse.Namespace) -> tuple[list, Path, Path | None]:
    """Check the render arguments (raising UsageError) and return (jobs, out, data_dir)."""
    from rapnb.build.jobs import report_jobs
    from rapnb.datasets.loaders import sheets

    out = _check_out(args.out)
    data_dir = _check_data_dir(args.data_dir)
    chosen = _check_sheets(args.sheet, data_dir)
    langs = _check_langs(args.lang)
    if not chosen and not args.overview:
        jobs = report_jobs(sheets(data_dir), overview=True, data_dir=data_dir, langs=langs)
    else:
        jobs = report_jobs(chosen, overview=args.overview, data_dir=data_dir, langs=langs)
    for notebook in sorted({job.notebook for job in jobs}):
        if not notebook.is_file():
            raise UsageError(f"notebook {notebook} not found")
    return jobs, out, data_dir


STATUS_WORDS = {"ok": "rendered", "skipped": "skipped", "failed": "FAILED"}


def format_summary(results: Sequence, elapsed: float | None = None) -> str:
    """The table printed after a render: each notebook, rendered/skipped/FAILED, seconds, and
    why (the error of a failure; what changed, or 'unchanged')."""
    rows = [("notebook", "status", "seconds", "why")]
    rows += [(r.name, STATUS_WORDS.get(r.status, r.status),
              f"{r.seconds:.1f}" if r.rendered else "-",
              r.error or r.reason or "") for r in results]
    name_w = max(len(row[0]) for row in rows)
    lines = [f"{n:<{name_w}}  {s:<8}  {t:>7}  {e}".rstrip() for n, s, t, e in rows]
    counts = {status: sum(r.status == status for r in results) for status in STATUS_WORDS}
    total = f" in {elapsed:.1f} s" if elapsed is not None else ""
    lines.append(f"{counts['ok']} rendered, {counts['skipped']} skipped (unchanged),"
                 f" {counts['failed']} FAILED{total}")
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
    force: bool = False,
    overwrite: bool = False,
    pdf: bool = True,
) -> int:
    """Render `jobs` into `out`, print the summary, return the exit status."""
    from rapnb.build.lock import RenderLockedError
    from rapnb.build.render import ForeignFilesError, render

    started = time.monotonic()
    try:
        report = render(jobs, out, data_dir=data_dir, workers=workers, tables=tables,
                        progress=progress, wait=wait, force=force, overwrite=overwrite,
                        pdf=pdf)
    except RenderLockedError as exc:
        print(f"rapnb render: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except ForeignFilesError as exc:
        print(f"rapnb render: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # a full disk, a folder that became read-only ...
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"rapnb render: error: {exc.strerror or exc}{where}; the outputs installed before"
              f" it are kept and listed in {Path(out) / 'manifest.json'}; nothing is"
              " half-written", file=sys.stderr)
        return EXIT_FAILED
    print(format_summary(report.results, time.monotonic() - started), flush=True)
    if report.interrupted is not None:
        name = signal.Signals(report.interrupted).name
        print(f"rapnb render: stopped by {name}; finished notebooks kept in {report.out}",
              file=sys.stderr)
    for result in report.failed:
        where = f" (executed notebook: {report.out / result.failed_notebook})" \
            if result.failed_notebook else ""
        print(f"rapnb render: FAILED {result.name}: {result.error}{where}", file=sys.stderr)
    if report.interrupted is None and not any(r.rendered for r in report.results):
        print(f"nothing to render: {report.out} is up to date")
    elif report.manifest is not None and report.interrupted is None:
        print(f"wrote {report.out} (manifest: {report.manifest.name})")
    return report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """`rapnb` console script."""
    for stream in (sys.stdout, sys.stderr):  # a message never fails for want of a character
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
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
                    progress=not args.no_progress, wait=args.wait, force=args.force,
                    overwrite=args.overwrite, pdf=not args.no_pdf)
