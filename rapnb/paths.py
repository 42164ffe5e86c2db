"""Where rapnb finds its datasets, notebooks and outputs (never the current directory)."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "RAPNB_DATA_DIR"
"""Environment variable naming another data directory with the same layout as the bundled one."""

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_DIR = _PACKAGE_DIR.parent


def bundled_data_dir() -> Path:
    """The datasets shipped with rapnb: inside the wheel, or `data/` of a source checkout."""
    inside = _PACKAGE_DIR / "data"
    return inside if inside.is_dir() else _REPO_DIR / "data"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory to read: `override`, else $RAPNB_DATA_DIR, else the bundled one."""
    chosen = override if override is not None else os.environ.get(DATA_DIR_ENV) or None
    if chosen is None:
        return bundled_data_dir()
    path = Path(chosen).expanduser().resolve()
    if not path.is_dir():
        from rapnb.errors import DataError

        raise DataError(f"data directory {path} does not exist or is not a directory")
    return path


def datapackage_path() -> Path:
    """The data package that describes (and validates) every table."""
    return bundled_data_dir() / "datapackage.json"


def notebooks_dir() -> Path:
    """The report's notebooks: inside the wheel, or `notebooks/` of a source checkout."""
    inside = _PACKAGE_DIR / "notebooks"
    return inside if inside.is_dir() else _REPO_DIR / "notebooks"


def default_outputs_dir() -> Path:
    """`outputs/` of a source checkout, else `./outputs` for an installed package (relative
    if the current directory has been deleted: `rapnb render` then asks for an absolute
    --out)."""
    if (_REPO_DIR / "pyproject.toml").is_file():
        return _REPO_DIR / "outputs"
    try:
        return Path.cwd() / "outputs"
    except FileNotFoundError:
        return Path("outputs")
