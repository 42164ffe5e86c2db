"""Worker processes for tests: rapnb's own worker, its tables task wrapped in test code."""

from __future__ import annotations

import os
import sys
import textwrap

WORKER_WITH_TABLES = """\
import os, sys, time
from pathlib import Path
from rapnb.build import worker
make_tables = worker.make_tables
def make_tables_after_test_code(task, work):
BEFORE
    return make_tables(task, work)
worker.make_tables = make_tables_after_test_code
sys.exit(worker.worker_main(sys.argv[1:]))
"""


def worker_with_tables_after(code: str) -> list[str]:
    """The command line of a worker (`rapnb.build.pool.worker_command`, as the render process
    starts it) whose tables task runs `code` first (Python statements; `os`, `sys`, `time` and
    `Path` imported)."""
    body = textwrap.indent(textwrap.dedent(code).strip("\n"), "    ")
    return [sys.executable, "-c", WORKER_WITH_TABLES.replace("BEFORE", body), str(os.getpid())]
