"""The render's last step: the whole plan as one PDF, `regional_action_plan_2018.pdf`, from
the executed notebooks installed in the output folder (the overview, then the sheets in the
plan's order).

It is made when a render with PDFs rendered at least one notebook and every notebook of the
book has a good executed notebook in the output folder, rendered from the same data as this
render (its manifest entry lists the `.ipynb` and names the same data fingerprint). Its
manifest entry (`"book"`) records the sha256 of each notebook it was made from.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rapnb.build.atomic import atomic_write_bytes, fsync_dir
from rapnb.build.jobs import BOOK, OVERVIEW, Result, overview_job, sheet_job
from rapnb.build.manifest import previous_entry
from rapnb.build.messages import exception_line
from rapnb.build.pdf import BOOK_NAME, book_pdf
from rapnb.build.pdf_content import notebook_blocks


def warm_up() -> None:
    """Import what the book step needs (Typst), while the workers run."""
    import typst  # noqa: F401


class _Part(dict[str, Any]):
    """An executed notebook as the book reads it: its top level by attribute as well
    (`nb.metadata`, `nb.cells`, as on nbformat's NotebookNode), the rest plain dicts. Not
    nbformat's class: importing nbformat (its schema validator) costs the render process
    0.5 s of CPU, and the book needs none of it."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class PreparedParts:
    """Executed notebooks read and turned into the book's blocks ahead of the book step (by
    the render process while its workers run), keyed by the sha256 of the file's bytes: a part
    whose file changed is read again. Thread-safe."""

    def __init__(self) -> None:
        self._parts: dict[str, tuple[Any, list[Any]]] = {}
        self._lock = threading.Lock()

    def prepare(self, path: Path) -> None:
        """Read and convert the notebook at `path` now (best effort: the book step reports any
        problem with it)."""
        with contextlib.suppress(Exception):
            self.get(path.read_bytes())

    def get(self, text: bytes) -> tuple[Any, list[Any]]:
        """The notebook whose file holds `text`, and its blocks."""
        key = hashlib.sha256(text).hexdigest()
        with self._lock:
            found = self._parts.get(key)
        if found is None:
            # Read as written by the workers, which validated it (nbformat.read would again).
            nb = _Part(json.loads(text))
            found = (nb, notebook_blocks(nb))
            with self._lock:
                self._parts[key] = found
        return found


def _final_bytes(out: Path, rel: str, final: Mapping[str, Path]) -> bytes | None:
    """The bytes of part `rel`: from where `final` says they are (its staged file, if it has
    not been moved into `out` meanwhile), else from `out`; None if it is in neither."""
    for path in (final[rel], out / rel) if rel in final else (out / rel,):
        with contextlib.suppress(FileNotFoundError):
            return path.read_bytes()
    return None


def rehearse(out: Path, sheets: list[str], lang: str, prepared: PreparedParts,
             data_sha256: str, stand_in: bool = False,
             final: Mapping[str, Path] | None = None) -> bool:
    """Typeset the book of `lang` from the notebooks in `out` now, from the data `data_sha256`
    names (as the book step will), and throw it away: Typst keeps what it laid out, so the
    book step after a render that changed a few of its parts lays out only those (about 0.1 s
    rather than 0.8 s). A part named in `final` is read from where its final bytes are (a
    notebook staged, not yet installed). With `stand_in`, one sheet whose notebook is not
    there yet is laid out as another sheet in its place (the book step then lays out that one
    anew). False if a part is missing (and not stood in for)."""
    parts = book_notebooks(sheets, lang)
    found = {name: _final_bytes(out, rel, final or {}) for name, rel in parts}
    texts = {name: text for name, text in found.items() if text is not None}
    missing = [name for name, _ in parts if name not in texts]
    overview = f"{lang}/{OVERVIEW}"
    if missing and not (stand_in and len(missing) == 1 and overview not in missing
                        and len(texts) > 1):
        return False
    for name in missing:
        texts[name] = next(text for part, text in texts.items() if part != overview)
    _typeset(texts, sheets, lang, data_sha256, prepared)
    return True


_TYPESETTING = threading.Lock()
"""Held while Typst compiles a book: one at a time (the render's warm-up thread rehearses)."""


def _typeset(texts: dict[str, bytes], sheets: list[str], lang: str, data_sha256: str,
             prepared: PreparedParts) -> bytes:
    """The book's PDF from the bytes of each part's notebook file, by part name."""
    made = {name: prepared.get(text) for name, text in texts.items()}
    blocks = {id(nb): part_blocks for nb, part_blocks in made.values()}
    with _TYPESETTING:
        return book_pdf(made[f"{lang}/{OVERVIEW}"][0],
                        [(s, made[f"{lang}/{s}"][0]) for s in sheets], data_sha256,
                        lambda nb: blocks[id(nb)])


def book_name(lang: str) -> str:
    """The book of `lang` in the output folder: `<lang>/regional_action_plan_2018.pdf`."""
    return f"{lang}/{BOOK_NAME}"


def book_notebooks(sheets: list[str], lang: str = "en") -> list[tuple[str, str]]:
    """`(job name, executed notebook path in the output folder)` of each part of the book of
    `lang`."""
    jobs = [overview_job(lang=lang), *(sheet_job(sheet, lang=lang) for sheet in sheets)]
    return [(job.name, job.executed_notebook) for job in jobs]


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
              lang: str = "en", current: frozenset[str] = frozenset(),
              prepared: PreparedParts | None = None) -> tuple[Result, dict[str, Any]] | list[str]:
    """Write the book into `out` (staged in `work`, then moved into place); return its result
    and manifest entry, or the names of the parts that have no good notebook (nothing made).

    A failure leaves the previous book in place, and its entry keeps the previous one's files
    and provenance (`before`)."""
    parts = book_notebooks(sheets, lang)
    missing = missing_notebooks(out, parts, entries, rendered_from["data_sha256"], current)
    if missing:
        return missing
    started = time.monotonic()
    try:
        texts = {name: (out / rel).read_bytes() for name, rel in parts}
        sources = {rel: hashlib.sha256(texts[name]).hexdigest() for name, rel in parts}
        data = _typeset(texts, sheets, lang, rendered_from["data_sha256"],
                        prepared or PreparedParts())
        target = out / book_name(lang)
        atomic_write_bytes(work / BOOK_NAME, data)
        target.parent.mkdir(parents=True, exist_ok=True)
        (work / BOOK_NAME).replace(target)
        fsync_dir(target.parent)
    except Exception as exc:
        error = exception_line(exc)
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
              rendered: bool, lang: str = "en", current: frozenset[str] = frozenset(),
              prepared: PreparedParts | None = None) -> tuple[Result, dict[str, Any]] | None:
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
                     previous_entry(previous, f"{lang}/{BOOK}"), lang, current, prepared)
    if isinstance(made, list):
        names = ", ".join(made[:4]) + (f" and {len(made) - 4} more" if len(made) > 4 else "")
        print(f"rapnb render: no {lang} book yet: {names} have no executed notebook from this"
              f" data in {out}", file=sys.stderr)
        return None
    return made
