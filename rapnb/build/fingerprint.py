"""What a rendered output was made from, as one fingerprint: the notebook's source, its
parameters, the content of exactly the data it read (a whole file, or one sheet's rows of a
table), rapnb's own code and the installed (locked) package versions. `rapnb render` skips a
notebook whose fingerprint is unchanged and whose outputs are intact."""

from __future__ import annotations

import functools
import hashlib
import json
import site
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rapnb.build.manifest import sha256_file
from rapnb.datasets.reads import Selector
from rapnb.datasets.validate import read_rows

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CODE_SUFFIXES = (".py", ".j2", ".css", ".json")


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def code_sha256() -> str:
    """sha256 over rapnb's own files (modules, templates) and the bundled data package."""
    from rapnb.paths import datapackage_path

    files = sorted(p for p in PACKAGE_DIR.rglob("*")
                   if p.is_file() and p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts)
    files.append(datapackage_path())
    return _digest({str(p.relative_to(PACKAGE_DIR) if p.is_relative_to(PACKAGE_DIR) else p.name):
                    sha256_file(p) for p in files})


@functools.cache
def packages() -> tuple[str, ...]:
    """The installed distributions as `name-version` (from their `.dist-info` folders: what the
    lock installed; reading each METADATA file would take about 1 s)."""
    folders = [*site.getsitepackages(), site.getusersitepackages(), *sys.path]
    found: set[str] = set()
    for folder in dict.fromkeys(folders):
        try:
            entries = list(Path(folder).glob("*.dist-info"))
        except OSError:
            continue
        found.update(e.name.removesuffix(".dist-info").lower() for e in entries)
    return tuple(sorted(found))


def packages_sha256() -> str:
    """sha256 of :func:`packages`."""
    return _digest(packages())


def read_sha256(path: Path, where: Selector) -> str | None:
    """sha256 of what a read saw: the whole file, or the header and the rows `where` selects
    (by column value). None if the file is gone or unreadable."""
    (column, value), = (where or {"": ""}).items()
    try:
        if where is None:
            return sha256_file(path)
        table = read_rows(path, expected=[column])
        if column not in table.header:
            return None
        index = table.header.index(column)
        rows = [cells for _, cells in table.rows if len(cells) > index and cells[index] == value]
    except (OSError, ValueError):
        return None
    return _digest([table.header, rows])


def describe_reads(reads: Iterable[dict[str, Any]], data_dir: Path) -> list[dict[str, Any]]:
    """The reads of a kernel as manifest entries: the file (relative to `data_dir` when inside
    it), the rows read, and the sha256 of what was read; sorted, each once."""
    described = {}
    for read in reads:
        path = Path(str(read["path"]))
        name = path.relative_to(data_dir).as_posix() if path.is_relative_to(data_dir) else str(path)
        where = read.get("where")
        entry = {"file": name, "where": where, "sha256": read_sha256(path, where)}
        described[_digest([name, where])] = entry
    return sorted(described.values(), key=lambda e: (e["file"], _digest(e["where"])))


def current_reads(reads: Iterable[dict[str, Any]], data_dir: Path) -> list[dict[str, Any]]:
    """The same reads, hashed again from the files as they are now."""
    return [{**read, "sha256": read_sha256(_path(read["file"], data_dir), read.get("where"))}
            for read in reads]


def _path(name: str, data_dir: Path) -> Path:
    path = Path(name)
    return path if path.is_absolute() else data_dir / path


def inputs(notebook: Path | None, parameters: dict[str, Any], reads: list[dict[str, Any]],
           exports: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything an output was made from, in the form the manifest keeps (`exports`: which
    files were asked for, e.g. `{"pdf": True}`)."""
    return {
        "notebook_sha256": sha256_file(notebook) if notebook is not None else None,
        "parameters": parameters,
        "exports": exports or {},
        "reads": reads,
        "code_sha256": code_sha256(),
        "packages_sha256": packages_sha256(),
    }


def fingerprint(made_from: dict[str, Any]) -> str:
    """One sha256 for an `inputs` mapping."""
    return _digest(made_from)


def changes(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Why two `inputs` differ, in words: 'notebook changed', 'data changed: funding.csv', ..."""
    reasons = []
    if before.get("notebook_sha256") != now.get("notebook_sha256"):
        reasons.append("notebook changed")
    if before.get("parameters") != now.get("parameters"):
        reasons.append("parameters changed")
    if before.get("exports", {}) != now.get("exports", {}):
        reasons.append("other exports asked for (--no-pdf)")
    old = {(r["file"], _digest(r.get("where"))): r["sha256"] for r in before.get("reads", [])}
    for read in now.get("reads", []):
        if old.get((read["file"], _digest(read.get("where")))) != read["sha256"]:
            rows = read.get("where")
            part = f" ({', '.join(f'{k}={v}' for k, v in rows.items())})" if rows else ""
            reasons.append(f"data changed: {read['file']}{part}")
    if before.get("code_sha256") != now.get("code_sha256"):
        reasons.append("rapnb's code changed")
    if before.get("packages_sha256") != now.get("packages_sha256"):
        reasons.append("installed packages changed")
    return reasons or ["inputs changed"]
