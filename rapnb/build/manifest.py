"""`<out>/manifest.json`: every output file with its sha256 and size, and what it came from.

Layout (keys sorted, paths relative to the output directory, POSIX separators):

    {"manifest_version": 1, "rapnb_version": ..., "git_commit": ... | null,
     "data_dir": ..., "data_files": {"funding.csv": "<sha256>", ...},
     "rendered": [names rendered by the latest run],
     "notebooks": {name: {"status", "seconds", "error", "reason", "parameters", "source",
                          "source_sha256", "output_dir", "files", "failed_notebook",
                          "execution": {"seconds", "cell_seconds"},
                          "inputs": {"notebook_sha256", "parameters", "reads": [{"file",
                                     "where", "sha256"}], "code_sha256", "packages_sha256"},
                          "fingerprint",
                          "rendered_from": {"rapnb_version", "git_commit", "data_dir",
                                            "data_sha256"}}},
     "tables": {... the same for rap_tables.xlsx, hxl/*.csv, hdx_dataset.json and
                rap_datapackage.zip ...} | absent,
     "files": {path: {"sha256", "size"}}}

An entry for a notebook not rendered this time (skipped as unchanged, or not asked for) is carried
over from the previous manifest, so a subset render never forgets the other sheets' files. The
manifest is written atomically after each notebook's files are installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from rapnb.build.atomic import atomic_write_text
from rapnb.build.jobs import TABLES

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


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
    """sha256 of the data files of a data directory (the data package's resources that it
    holds), by name: other files there are the user's and play no part."""
    from rapnb.datasets.store import datapackage

    names = [r["path"] for r in datapackage()["resources"]]
    return {name: sha256_file(data_dir / name) for name in sorted(names)
            if (data_dir / name).is_file()}


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
    """The previous manifest's entry for notebook `name` (or the tables), else {}."""
    if name == TABLES:
        entry = previous.get(TABLES)
    else:
        entry = previous.get("notebooks", {}).get(name)
    return entry if isinstance(entry, dict) else {}


def build(
    out: Path,
    previous: dict[str, Any],
    provenance: dict[str, Any],
    entries: dict[str, dict[str, Any]],
    hashes: dict[str, dict[str, Any]] | None = None,
    rendered: list[str] | None = None,
) -> dict[str, Any]:
    """The new manifest: `entries` (this run, by name) over the previous ones.

    `provenance` holds rapnb_version, git_commit, data_dir and data_files of this run. Every file
    named by an entry is listed with its sha256 and size: from `hashes` (files the render has
    just installed or checked; a cache it keeps across calls), else hashed from disk (and added
    to `hashes`); a listed file that no longer exists is dropped. `rendered` names what this
    run rendered (default: every entry).
    """
    known = {} if hashes is None else hashes
    notebooks = {
        name: entry
        for name, entry in previous.get("notebooks", {}).items()
        if isinstance(entry, dict)
    }
    tables = previous.get(TABLES) if isinstance(previous.get(TABLES), dict) else None
    for name, entry in entries.items():
        if name == TABLES:
            tables = entry
        else:
            notebooks[name] = entry
    files: dict[str, dict[str, Any]] = {}
    for entry in [*notebooks.values(), *([tables] if tables else [])]:
        listed = [*entry.get("files", []), entry.get("failed_notebook")]
        kept = []
        for rel in filter(None, listed):
            if not isinstance(rel, str) or Path(rel).is_absolute() or ".." in Path(rel).parts:
                continue
            path = out / rel
            if rel in known or path.is_file():
                if rel not in known:
                    known[rel] = file_entry(path)
                files[rel] = known[rel]
                kept.append(rel)
        entry["files"] = [rel for rel in entry.get("files", []) if rel in kept]
        if entry.get("failed_notebook") not in kept:
            entry["failed_notebook"] = None
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        **provenance,
        "rendered": list(entries) if rendered is None else rendered,
        "notebooks": dict(sorted(notebooks.items())),
        "files": dict(sorted(files.items())),
    }
    if tables:
        manifest[TABLES] = tables
    return manifest


def write(out: Path, manifest: dict[str, Any]) -> Path:
    """Write `<out>/manifest.json` atomically."""
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return atomic_write_text(out / MANIFEST_NAME, text)


def intact(out: Path, previous: dict[str, Any], rels: list[str]) -> str | None:
    """None if every file `rels` is in `out` with the sha256 the manifest `previous` lists;
    else what is wrong with the first that is not ('missing: x', 'changed: x')."""
    listed = previous.get("files", {})
    for rel in rels:
        expected = listed.get(rel, {}).get("sha256") if isinstance(listed, dict) else None
        path = out / rel
        if expected is None or not path.is_file():
            return f"output missing: {rel}"
        if path.stat().st_size != listed[rel].get("size") or sha256_file(path) != expected:
            return f"output changed or corrupted: {rel}"
    return None
