"""`<out>/manifest.json`: every output file with its sha256 and size, and what it came from.

Layout (keys sorted, paths relative to the output directory, POSIX separators):

    {"manifest_version": 1, "rapnb_version": ..., "git_commit": ... | null,
     "data_dir": ..., "data_files": {"funding.csv": "<sha256>", ...},
     "rendered": [names rendered by the latest run],
     "notebooks": {name: {"status", "seconds", "error", "parameters", "source",
                          "source_sha256", "output_dir", "files", "failed_notebook",
                          "rendered_from": {"rapnb_version", "git_commit", "data_dir",
                                            "data_sha256"}}},
     "tables": {... the same for rap_tables.xlsx and hxl/*.csv ...} | absent,
     "book": {... the same for regional_action_plan_2018.pdf, with "sources": {notebook:
              sha256}} | absent,
     "files": {path: {"sha256", "size"}}}

An entry for a notebook not rendered this time is carried over from the previous manifest, so a
subset render never forgets the other sheets' files. The manifest is written last, atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from rapnb.build.atomic import atomic_write_text
from rapnb.build.jobs import BOOK, TABLES

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
RENDER_OUTPUTS = (TABLES, BOOK)
"""Outputs of a whole render rather than of one notebook, each under its own key."""


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entry(path: Path) -> dict[str, Any]:
    """`{"sha256": ..., "size": ...}` of one file."""
    return {"sha256": sha256_file(path), "size": path.stat().st_size}


def data_files(data_dir: Path) -> dict[str, str]:
    """sha256 of every file of a data directory, by path relative to it."""
    return {
        path.relative_to(data_dir).as_posix(): sha256_file(path)
        for path in sorted(data_dir.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def fingerprint(files: dict[str, str]) -> str:
    """One sha256 standing for a whole `data_files` mapping."""
    text = json.dumps(files, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def git_commit(folder: Path | None = None) -> str | None:
    """`git rev-parse HEAD` of the checkout holding rapnb, or None (no git, not a checkout)."""
    where = folder or Path(__file__).resolve().parent.parent
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) >= 40 else None


def load(out: Path) -> dict[str, Any]:
    """The previous manifest of `out`, or an empty one if it is missing or unreadable."""
    try:
        manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def previous_entry(previous: dict[str, Any], name: str) -> dict[str, Any]:
    """The previous manifest's entry for notebook `name` (or the tables, or the book), else {}."""
    if name in RENDER_OUTPUTS:
        entry = previous.get(name)
    else:
        entry = previous.get("notebooks", {}).get(name)
    return entry if isinstance(entry, dict) else {}


def build(
    out: Path,
    previous: dict[str, Any],
    provenance: dict[str, Any],
    entries: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """The new manifest: `entries` (this run, by name) over the previous ones.

    `provenance` holds rapnb_version, git_commit, data_dir and data_files of this run. Every file
    named by an entry is hashed from disk; a listed file that no longer exists is dropped.
    """
    notebooks = {
        name: entry
        for name, entry in previous.get("notebooks", {}).items()
        if isinstance(entry, dict)
    }
    singles = {key: previous[key] for key in RENDER_OUTPUTS if isinstance(previous.get(key), dict)}
    for name, entry in entries.items():
        if name in RENDER_OUTPUTS:
            singles[name] = entry
        else:
            notebooks[name] = entry
    files: dict[str, dict[str, Any]] = {}
    for entry in [*notebooks.values(), *singles.values()]:
        listed = [*entry.get("files", []), entry.get("failed_notebook")]
        kept = []
        for rel in filter(None, listed):
            if not isinstance(rel, str) or Path(rel).is_absolute() or ".." in Path(rel).parts:
                continue
            path = out / rel
            if path.is_file():
                files[rel] = file_entry(path)
                kept.append(rel)
        entry["files"] = [rel for rel in entry.get("files", []) if rel in kept]
        if entry.get("failed_notebook") not in kept:
            entry["failed_notebook"] = None
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        **provenance,
        "rendered": list(entries),
        "notebooks": dict(sorted(notebooks.items())),
        "files": dict(sorted(files.items())),
    }
    manifest.update(singles)
    return manifest


def write(out: Path, manifest: dict[str, Any]) -> Path:
    """Write `<out>/manifest.json` atomically."""
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return atomic_write_text(out / MANIFEST_NAME, text)
