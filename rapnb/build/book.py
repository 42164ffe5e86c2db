"""The render's last step: the whole plan as one PDF, `regional_action_plan_2018.pdf`, from
the executed notebooks installed in the output folder (the overview, then the sheets in the
plan's order).

It is made when a render with PDFs rendered at least one notebook and every notebook of the
book has a good executed notebook in the output folder, rendered from the same data as this
render (its manifest entry lists the `.ipynb` and names the same data fingerprint). Its
manifest entry (`"book"`) records the sha256 of each notebook it was made from.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from rapnb.build.atomic import atomic_write_bytes, fsync_dir
from rapnb.build.jobs import BOOK, OVERVIEW, Result, overview_job, sheet_job
from rapnb.build.manifest import previous_entry
from rapnb.build.messages import one_line
from rapnb.build.pdf import BOOK_NAME, book_pdf


def warm_up() -> None:
    """Import what the book step needs (nbformat, Typst), while the workers run."""
    import nbformat  # noqa: F401
    import typst  # noqa: F401


def book_name(lang: str) -> str:
    """The book of `lang` in the output folder: `<lang>/regional_action_plan_2018.pdf`."""
    return f"{lang}/{BOOK_NAME}"


def book_notebooks(sheets: list[str], lang: str = "en") -> list[tuple[str, str]]:
    """`(job name, executed notebook path in the output folder)` of each part of the book of
    `lang`."""
    jobs = [overview_job(lang=lang), *(sheet_job(sheet, lang=lang) for sheet in sheets)]
    return [(job.name, f"{job.folder}/{job.file_stem}.ipynb") for job in jobs]


def missing_notebooks(out: Path, parts: list[tuple[str, str]],
                      entries: dict[str, dict[str, Any]], data_sha256: str,
                      current: frozenset[str] = frozenset()) -> list[str]:
    """The parts without a good, current executed notebook in `out` (`entries`: this
    render's and the previous manifest's, by name). A part is current if this render made it
    or found its fingerprint unchanged (`current`), or if it was made from this very data."""
    missing = []
    for name, rel in parts:
        entry = entries.get(name, {})
        made_from = (entry.get("rendered_from") or {}).get("data_sha256")
        if rel not in entry.get("files", []) or not (name in current or made_from == data_sha256
                                                     ) or not (out / rel).is_file():
            missing.append(name)
    return missing


def make_book(out: Path, work: Path, sheets: list[str], entries: dict[str, dict[str, Any]],
              rendered_from: dict[str, Any], before: dict[str, Any],
              lang: str = "en", current: frozenset[str] = frozenset()
              ) -> tuple[Result, dict[str, Any]] | list[str]:
    """Write the book into `out` (staged in `work`, then moved into place); return its result
    and manifest entry, or the names of the parts that have no good notebook (nothing made).

    A failure leaves the previous book in place, and its entry keeps the previous one's files
    and provenance (`before`)."""
    import nbformat

    parts = book_notebooks(sheets, lang)
    missing = missing_notebooks(out, parts, entries, rendered_from["data_sha256"], current)
    if missing:
        return missing
    started = time.monotonic()
    try:
        texts = {rel: (out / rel).read_bytes() for _, rel in parts}
        sources = {rel: hashlib.sha256(text).hexdigest() for rel, text in texts.items()}
        # Read as written by the workers, which validated them (nbformat.read would again).
        notebooks = {name: nbformat.from_dict(json.loads(texts[rel])) for name, rel in parts}
        data = book_pdf(notebooks[f"{lang}/{OVERVIEW}"],
                        [(s, notebooks[f"{lang}/{s}"]) for s in sheets],
                        rendered_from["data_sha256"])
        target = out / book_name(lang)
        atomic_write_bytes(work / BOOK_NAME, data)
        target.parent.mkdir(parents=True, exist_ok=True)
        (work / BOOK_NAME).replace(target)
        fsync_dir(target.parent)
    except Exception as exc:
        error = one_line(f"{type(exc).__name__}: {exc}")
        result = Result(f"{lang}/{BOOK}", "failed", round(time.monotonic() - started, 2), error)
        attempt = {"status": "failed", "seconds": result.seconds, "error": error,
                   "failed_notebook": None}
        return result, {"files": [], **{k: v for k, v in before.items() if k not in attempt},
                        **attempt}
    result = Result(f"{lang}/{BOOK}", "ok", round(time.monotonic() - started, 2),
                    files=[book_name(lang)])
    return result, {"status": "ok", "seconds": result.seconds, "error": None,
                    "failed_notebook": None, "files": [book_name(lang)], "sources": sources,
                    "rendered_from": rendered_from}


def book_step(out: Path, work: Path, previous: dict[str, Any], entries: dict[str, dict[str, Any]],
              rendered_from: dict[str, Any], data_dir: str,
              rendered: bool, lang: str = "en", current: frozenset[str] = frozenset()
              ) -> tuple[Result, dict[str, Any]] | None:
    """The book of `lang` at the end of a render that `rendered` a notebook in `lang`: its
    result and manifest entry (named `<lang>/book`), or None (nothing rendered, or parts
    missing: said on stderr). `previous` is the previous manifest, `entries` this render's
    entries by name, `current` the notebooks this render made or found unchanged."""
    from rapnb.datasets.loaders import sheets

    if not rendered:
        return None
    known = {name: entry for name, entry in previous.get("notebooks", {}).items()
             if isinstance(entry, dict)}
    made = make_book(out, work, sheets(data_dir), {**known, **entries}, rendered_from,
                     previous_entry(previous, f"{lang}/{BOOK}"), lang, current)
    if isinstance(made, list):
        names = ", ".join(made[:4]) + (f" and {len(made) - 4} more" if len(made) > 4 else "")
        print(f"rapnb render: no {lang} book yet: {names} have no executed notebook from this"
              f" data in {out}", file=sys.stderr)
        return None
    return made
