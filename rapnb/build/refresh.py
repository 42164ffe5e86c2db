"""Re-execute the committed notebooks in place, top to bottom with their default parameters,
so that their stored outputs are what today's code and data produce (checked by nbval).

    python -m rapnb.refresh            # every notebook in notebooks/
    python -m rapnb.refresh PATH ...   # only these
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rapnb.build.atomic import atomic_write_text
from rapnb.paths import notebooks_dir


def committed_notebooks() -> list[Path]:
    """The report's notebooks, in a stable order."""
    return sorted(notebooks_dir().glob("*.ipynb"))


def execute_in_place(path: Path, timeout: int = 600) -> None:
    """Run `path` in a fresh kernel and store its outputs; the file changes only on success."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="rapnb-refresh-") as cwd:
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                record_timing=False, resources={"metadata": {"path": cwd}})
        client.execute()
    notebook.metadata.pop("widgets", None)
    atomic_write_text(path, nbformat.writes(notebook) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Refresh the given notebooks (default: all committed ones); print what was done."""
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or committed_notebooks()
    for path in paths:
        print(f"executing {path} ...", flush=True)
        execute_in_place(path)
    print(f"refreshed {len(paths)} notebook(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
