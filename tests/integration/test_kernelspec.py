"""The committed notebooks store the kernelspec and language_info that the kernel reports, so
JupyterLab, which writes both when it starts the kernel, finds nothing to change on opening."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def reported() -> dict:
    spec = KernelSpecManager().get_kernel_spec("python3")
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        info = kc.kernel_info(reply=True, timeout=60)["content"]["language_info"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {"kernelspec": {"display_name": spec.display_name, "language": spec.language,
                           "name": "python3"}, "language_info": info}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_kernel_metadata_is_what_the_kernel_reports(path: Path, reported: dict) -> None:
    stored = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    assert stored["kernelspec"] == reported["kernelspec"]
    assert stored["kernelspec"]["display_name"] == "Python 3 (ipykernel)"
    info = dict(stored["language_info"])
    # The patch release is the Python that refreshed the notebook: 3.11.7 (`make
    # refresh-notebooks` writes the current one). Lab rewrites it under another 3.11.x.
    assert info.pop("version").split(".")[:2] == ["3", str(sys.version_info.minor)]
    assert info == {k: v for k, v in reported["language_info"].items() if k != "version"}
