"""nbval in strict mode has teeth: a 1-USD change in the data fails the cells that show it,
and re-executing the notebook makes it pass again."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from rapnb.paths import bundled_data_dir, notebooks_dir

NOTEBOOK = "country_sheet.ipynb"


def _nbval(project: Path) -> tuple[int, set[int]]:
    """Run strict nbval on the copy; return the exit code and the failing code-cell numbers."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q",
         "--nbval-sanitize-with", "notebooks/nbval_sanitize.cfg", f"notebooks/{NOTEBOOK}"],
        cwd=project, capture_output=True, text=True, timeout=600, env=_env(project),
    )
    failed = {int(n) for n in re.findall(rf"FAILED notebooks/{NOTEBOOK}::Cell (\d+)",
                                         result.stdout)}
    return result.returncode, failed


def _env(project: Path) -> dict[str, str]:
    return {**os.environ, "RAPNB_DATA_DIR": str(project / "data")}


def _cells_showing(notebook: Path, needles: tuple[str, ...]) -> set[int]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    return {i for i, c in enumerate(code) if any(n in "".join(c["source"]) for n in needles)}


def test_one_usd_change_fails_nbval_until_reexecuted(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(notebooks_dir(), project / "notebooks")
    shutil.copytree(bundled_data_dir(), project / "data")
    assert _nbval(project) == (0, set())

    funding = project / "data" / "funding.csv"
    text = funding.read_text(encoding="utf-8")
    row = "colombia,socioeconomic_integration,4853748,"
    assert row in text
    funding.write_text(text.replace(row, "colombia,socioeconomic_integration,4853749,"),
                       encoding="utf-8")

    code, failed = _nbval(project)
    assert code == 1
    # Exactly the cells that display Colombia's funding: headline, table and chart.
    assert failed == _cells_showing(project / "notebooks" / NOTEBOOK,
                                    ("sheet_headline", "sheet_funding"))

    subprocess.run([sys.executable, "-m", "rapnb.build.refresh", f"notebooks/{NOTEBOOK}"],
                   cwd=project, check=True, capture_output=True, timeout=600, env=_env(project))
    stored = (project / "notebooks" / NOTEBOOK).read_text(encoding="utf-8")
    assert "4,853,749" in stored and "4,853,748" not in stored
    assert _nbval(project) == (0, set())
