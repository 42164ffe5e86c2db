"""Loaders for the plan's datasets: each reads one CSV, validates it and returns a DataFrame.

Validation itself is plain Python (:func:`table_columns`), so checking a data directory
(`validate_data_dir`, what `rapnb render` does before it starts) does not import pandas."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapnb.context import Where, as_context
from rapnb.datasets import reads
from rapnb.datasets.validate import check_foreign_key, file_stamp, read_rows, validate_rows
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


@cache
def _closure(name: str) -> tuple[str, ...]:
    """`name` and every table its foreign keys reference, directly or through others."""
    found = [name]
    for table in found:
        for fk in _schema(table).get("foreignKeys", []):
            target = fk["reference"]["resource"]
            if target not in found:
                found.append(target)
    return tuple(found)


Stamps = tuple[tuple[str, tuple[object, ...]], ...]


def _stamps(name: str, folder: Path) -> Stamps:
    """The cache key of table `name` in `folder`: the stamps of its file and of the file of
    every table it references (a table is valid only with the tables its keys point to)."""
    return tuple((table, file_stamp(folder / f"{table}.csv")) for table in _closure(name))


def _record_reads(name: str, folder: Path, where: reads.Selector = None) -> None:
    """Record the read of table `name` (the rows `where` selects) and of every table its
    foreign keys reference (read whole to check them), on every call: what a process records
    does not depend on what its caches already hold (a kernel forked from a process that has
    read the tables records what a new one would)."""
    reads.record(folder / f"{name}.csv", where)
    for table in _closure(name)[1:]:
        reads.record(folder / f"{table}.csv")


def table_columns(name: str, data_dir: DataDir = None) -> dict[str, list[Any]]:
    """Table `name` from `data_dir` (or $RAPNB_DATA_DIR, or the bundled data), validated, as
    typed Python columns in schema order (no pandas)."""
    folder = as_context(data_dir).data_dir
    _record_reads(name, folder)
    return {field: list(values)
            for field, values in _columns(name, str(folder), _stamps(name, folder)).items()}


def load_table(name: str, data_dir: DataDir = None, sheet_id: str | None = None) -> pd.DataFrame:
    """Table `name` from `data_dir` (or $RAPNB_DATA_DIR, or the bundled data), validated; only
    the rows of sheet `sheet_id` if given (a table with a `sheet_id` column)."""
    folder = as_context(data_dir).data_dir
    _record_reads(name, folder, None if sheet_id is None else {"sheet_id": sheet_id})
    frame = _load(name, str(folder), _stamps(name, folder))
    if sheet_id is None:
        return frame.copy()
    return frame[frame["sheet_id"] == sheet_id].copy()


@lru_cache(maxsize=64)
def _columns(name: str, folder: str, stamps: Stamps) -> dict[str, list[Any]]:
    """Read and check one table (cached; `stamps`, see _stamps, key the cache)."""
    schema = _schema(name)
    path = Path(folder) / f"{name}.csv"
    names = [field["name"] for field in schema["fields"]]
    columns, lines = validate_rows(read_rows(path, names), schema)
    for fk in schema.get("foreignKeys", []):
        fields = _as_list(fk["fields"])
        target = fk["reference"]["resource"]
        ref = table_columns(target, folder)
        allowed = set(zip(*(ref[f] for f in _as_list(fk["reference"]["fields"])), strict=True))
        check_foreign_key(path, columns, fields, target, allowed, lines)
    return {field["name"]: columns[field["name"]] for field in schema["fields"]}


@lru_cache(maxsize=64)
def _load(name: str, folder: str, stamps: Stamps) -> pd.DataFrame:
    import pandas as pd

    schema = _schema(name)
    columns = _columns(name, folder, stamps)
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
    """Load every table of a data directory and check the structure of its own
    boundaries.geojson, if it has one (no pandas, no geopandas: this is what `rapnb render`
    runs before it starts); raise the first DataError, else the table names."""
    from rapnb.datasets.boundaries import check_boundaries_file, own_boundaries_file

    names = table_names()
    for name in names:
        table_columns(name, data_dir)
    own = own_boundaries_file(data_dir)
    if own is not None:
        check_boundaries_file(own)
    return names
