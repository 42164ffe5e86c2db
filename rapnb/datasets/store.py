"""Loaders for the plan's datasets: each reads one CSV, validates it and returns a DataFrame.

Validation itself is plain Python (:func:`table_columns`), so checking a data directory
(`validate_data_dir`, what `rapnb render` does before it starts) does not import pandas."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapnb.context import Where, as_context
from rapnb.datasets import reads
from rapnb.datasets.validate import check_foreign_key, read_rows, validate_rows
from rapnb.errors import DataError
from rapnb.paths import datapackage_path

if TYPE_CHECKING:
    import pandas as pd

DataDir = Where
"""A data directory for the loaders: a path, a rapnb.Context, or None (the default)."""

_DTYPES = {"integer": ("int64", "Int64"), "number": ("float64", "float64")}


@lru_cache(maxsize=1)
def datapackage() -> dict[str, Any]:
    """The bundled data package descriptor: the contract every data directory must meet."""
    with open(datapackage_path(), encoding="utf-8") as handle:
        return json.load(handle)


def table_names() -> list[str]:
    """Names of the tabular resources, in the data package's order."""
    return [r["name"] for r in datapackage()["resources"] if r.get("format") == "csv"]


def _schema(name: str) -> dict[str, Any]:
    for resource in datapackage()["resources"]:
        if resource["name"] == name:
            return resource["schema"]
    raise KeyError(f"no table {name!r}; tables: {', '.join(table_names())}")


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DataError("file is missing", path=str(path)) from None
    return stat.st_mtime_ns, stat.st_size


def table_columns(name: str, data_dir: DataDir = None) -> dict[str, list[Any]]:
    """Table `name` from `data_dir` (or $RAPNB_DATA_DIR, or the bundled data), validated, as
    typed Python columns in schema order (no pandas)."""
    folder = as_context(data_dir).data_dir
    path = folder / f"{name}.csv"
    reads.record(path)
    return {field: list(values)
            for field, values in _columns(name, str(folder), _stamp(path)).items()}


def load_table(name: str, data_dir: DataDir = None, sheet_id: str | None = None) -> pd.DataFrame:
    """Table `name` from `data_dir` (or $RAPNB_DATA_DIR, or the bundled data), validated; only
    the rows of sheet `sheet_id` if given (a table with a `sheet_id` column)."""
    folder = as_context(data_dir).data_dir
    path = folder / f"{name}.csv"
    reads.record(path, None if sheet_id is None else {"sheet_id": sheet_id})
    frame = _load(name, str(folder), _stamp(path))
    if sheet_id is None:
        return frame.copy()
    return frame[frame["sheet_id"] == sheet_id].copy()


@lru_cache(maxsize=64)
def _columns(name: str, folder: str, stamp: tuple[int, int]) -> dict[str, list[Any]]:
    schema = _schema(name)
    path = Path(folder) / f"{name}.csv"
    header, rows = read_rows(path)
    columns = validate_rows(path, header, rows, schema)
    for fk in schema.get("foreignKeys", []):
        fields = _as_list(fk["fields"])
        target = fk["reference"]["resource"]
        ref = table_columns(target, folder)
        allowed = set(zip(*(ref[f] for f in _as_list(fk["reference"]["fields"])), strict=True))
        check_foreign_key(path, columns, fields, target, allowed)
    return {field["name"]: columns[field["name"]] for field in schema["fields"]}


@lru_cache(maxsize=64)
def _load(name: str, folder: str, stamp: tuple[int, int]) -> pd.DataFrame:
    import pandas as pd

    schema = _schema(name)
    columns = _columns(name, folder, stamp)
    frame = pd.DataFrame({
        field["name"]: pd.Series(columns[field["name"]], dtype=_dtype(field), name=field["name"])
        for field in schema["fields"]
    })
    return frame


def _dtype(field: dict[str, Any]) -> str:
    required = field.get("constraints", {}).get("required", False)
    strict, nullable = _DTYPES.get(field["type"], ("object", "object"))
    return strict if required else nullable


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def validate_data_dir(data_dir: DataDir = None) -> list[str]:
    """Load every table of a data directory; raise the first DataError, else the table names."""
    names = table_names()
    for name in names:
        table_columns(name, data_dir)
    return names
