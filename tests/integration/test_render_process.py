"""What the render process itself loads: the index page's sheets table comes from the tables
worker, which has pandas loaded already, so the render process imports neither pandas nor
nbformat (1.4 to 1.7 s of its CPU in a full render), and the page is the one it would make
itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rapnb.build.manifest import MANIFEST_NAME
from rapnb.build.site import index_html

CHART = Path(__file__).resolve().parent / "fixtures" / "stub_chart.ipynb"
RENDER_AND_LIST_MODULES = """
import sys
from pathlib import Path
from rapnb.build.jobs import Job
from rapnb.build.render import render
job = Job("alpha", Path(sys.argv[1]), {"sheet": "alpha"}, "sheets/alpha")
report = render([job], Path(sys.argv[2]), workers=1, progress=False)
assert report.exit_code == 0, [r.error for r in report.results]
print(" ".join(m for m in ("pandas", "nbformat") if m in sys.modules) or "neither")
"""


def test_the_render_process_leaves_pandas_and_nbformat_to_its_workers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", RENDER_AND_LIST_MODULES, str(CHART), str(out)],
                          capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.split()[-1:] == ["neither"], done.stdout + done.stderr
    written = (out / "index.html").read_text(encoding="utf-8")
    assert '<th scope="row">Peru</th>' in written
    assert written == index_html(out, None, [MANIFEST_NAME, "index.html"])
