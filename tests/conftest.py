"""Shared fixtures: a writable copy of the bundled data directory.

tests/unit: fast tests of one module or dataset each (`make test-fast`, under 30 s).
tests/integration: renders, kernels, browsers, wheels and nbval on copies of the project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rapnb.paths import bundled_data_dir

# Stub notebooks for the renderer's tests (one raises, one kills its kernel): inputs, not
# notebooks for `pytest --nbval` to validate.
collect_ignore_glob = ["integration/fixtures/*"]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the bundled datasets that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target
