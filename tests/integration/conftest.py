"""One real render (the overview, the Colombia and the regional sheets, one worker) shared by
the tests of the renderer (test_render.py) and of the site (test_site.py)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest


@pytest.fixture(scope="session")
def real_render(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("real") / "out"
    done = subprocess.run(
        # One worker: Colombia is drawn after the overview by the same process.
        [sys.executable, "-m", "rapnb", "render", "--sheet", "colombia", "--sheet", "regional",
         "--overview", "--out", str(out), "--jobs", "1"], capture_output=True, text=True,
        timeout=900,
    )
    return {"out": out, "done": done}
