"""What a process read from its data directory, recorded for the renderer.

A kernel started by `rapnb render` has ``RAPNB_READS_LOG`` set to a file of its task; every
table and file the loaders read is appended there as one JSON line: the file's absolute path,
and the rows read (``{"sheet_id": "peru"}`` for a sheet's slice of a table; ``null`` for the
whole file). The renderer fingerprints a notebook by the content of exactly what it read, so
an edit of one sheet's rows re-renders that sheet only (`rapnb.build.fingerprint`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

READS_LOG_ENV = "RAPNB_READS_LOG"

Selector = dict[str, str] | None
"""The rows read: ``None`` for the whole file, else a column and the value its rows have."""

_seen: set[tuple[str, str]] = set()


def record(path: Path | str, where: Selector = None) -> None:
    """Note that this process read `path` (the rows `where` selects); a no-op outside a render
    kernel."""
    log = os.environ.get(READS_LOG_ENV)
    if not log:
        return
    line = json.dumps({"path": str(Path(path).resolve()), "where": where}, sort_keys=True)
    key = (log, line)
    if key in _seen:
        return
    _seen.add(key)
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def read_log(log: Path) -> list[dict[str, object]]:
    """The reads recorded in `log`, in order, each once ([] if nothing was recorded)."""
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in dict.fromkeys(lines) if line.strip()]
