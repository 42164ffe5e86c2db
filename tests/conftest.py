"""Shared fixtures: a writable copy of the bundled data directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rapnb.paths import bundled_data_dir


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the bundled datasets that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), target)
    return target
