"""rapnb installed from a wheel works outside the repository; `import rapnb` stays light."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_carries_the_data(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(dist), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("rapnb-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    target = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                             "['purelib'])"], check=True, capture_output=True, text=True)
    site = Path(target.stdout.strip())
    # The new venv sees the test venv's dependencies (pandas ...) but not its rapnb.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), str(wheel)], check=True, timeout=300)
    code = ("import rapnb, rapnb.paths as p; f = rapnb.funding(); print(rapnb.__file__);"
            " print(p.bundled_data_dir()); print(len(f), f.amount_usd.sum());"
            " from nbformat.v4 import new_notebook, new_markdown_cell;"
            " from rapnb.build.pdf import TEMPLATE, notebook_pdf; print(TEMPLATE);"
            " print(notebook_pdf(new_notebook(cells=[new_markdown_cell('# T')]), 't')[:5])")
    out = subprocess.run([str(python), "-I", "-c", code], cwd=tmp_path, check=True,
                         capture_output=True, text=True, timeout=120).stdout.splitlines()
    assert out[0].startswith(str(site))
    assert out[1] == str(site / "rapnb" / "data")
    assert out[2] == "80 32326043"
    assert out[3] == str(site / "rapnb/build/templates/rapnb_pdf/report.typ")  # the PDFs' layout
    assert out[4] == "b'%PDF-'"


def test_import_is_light() -> None:
    code = ("import sys, rapnb; heavy = [m for m in ('pandas', 'geopandas', 'altair', 'numpy')"
            " if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout.strip()
    assert out == "[]"


def test_kernel_setup_skips_slow_optional_imports() -> None:
    code = ("import sys; from rapnb import report; report.setup(); import altair;"
            " print(repr(sys.modules.get('rfc3987_syntax', 'absent')))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout.strip()
    assert out == "None"
    kept = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True, env={**os.environ, "RAPNB_KEEP_OPTIONAL_IMPORTS": "1"})
    assert kept.stdout.strip() != "None"

