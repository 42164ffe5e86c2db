"""Check a CSV against its Table Schema and return it typed; errors name file, row and field."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from rapnb.errors import DataError

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a UTF-8 CSV; a clear error for a missing, empty or undecodable file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError("file is missing", path=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start},"
            f" line {line})",
            path=str(path),
        ) from None
    if not text.strip():
        raise DataError("file is empty (expected a header row and data rows)", path=str(path))
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DataError(f"not a readable CSV file: {exc}", path=str(path)) from None
    return records[0], [r for r in records[1:] if r]


def _parse(value: str, field: dict[str, Any]) -> Any:
    """One cell as its schema type; None for a missing value; ValueError with a reason."""
    if value == "":
        return None
    kind = field["type"]
    if kind == "integer":
        if not _INTEGER.match(value):
            raise ValueError(f"{value!r} is not an integer")
        return int(value)
    if kind == "number":
        if not _NUMBER.match(value):
            raise ValueError(f"{value!r} is not a number")
        return float(value)
    return value


def _check_constraints(value: Any, constraints: dict[str, Any]) -> None:
    if value is None:
        if constraints.get("required"):
            raise ValueError("a value is required")
        return
    if "minimum" in constraints and value < constraints["minimum"]:
        raise ValueError(f"{value!r} is below the minimum {constraints['minimum']}")
    if "maximum" in constraints and value > constraints["maximum"]:
        raise ValueError(f"{value!r} is above the maximum {constraints['maximum']}")
    if "enum" in constraints and value not in constraints["enum"]:
        raise ValueError(f"{value!r} is not one of {constraints['enum']}")
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], str(value)):
        raise ValueError(f"{value!r} does not match the pattern {constraints['pattern']}")


def validate_rows(
    path: Path, header: list[str], rows: list[list[str]], schema: dict[str, Any]
) -> dict[str, list[Any]]:
    """Typed columns of a table that matches `schema`; DataError at the first violation."""
    names = [f["name"] for f in schema["fields"]]
    missing = [n for n in names if n not in header]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}; expected columns: {', '.join(names)}",
            path=str(path), row=0, field=missing[0],
        )
    extra = [h for h in header if h not in names]
    if extra:
        raise DataError(
            f"unexpected column(s) {', '.join(map(repr, extra))}; expected: {', '.join(names)}",
            path=str(path), row=0, field=extra[0],
        )
    index = {h: i for i, h in enumerate(header)}
    columns: dict[str, list[Any]] = {n: [] for n in names}
    for number, row in enumerate(rows, start=1):
        if len(row) != len(header):
            raise DataError(
                f"has {len(row)} cells but the header has {len(header)}",
                path=str(path), row=number,
            )
        for field in schema["fields"]:
            name = field["name"]
            try:
                value = _parse(row[index[name]], field)
                _check_constraints(value, field.get("constraints", {}))
            except ValueError as exc:
                raise DataError(str(exc), path=str(path), row=number, field=name) from None
            columns[name].append(value)
    _check_unique(path, columns, schema.get("primaryKey", []))
    return columns


def _check_unique(path: Path, columns: dict[str, list[Any]], key: list[str]) -> None:
    if not key:
        return
    seen: dict[tuple[Any, ...], int] = {}
    for number, values in enumerate(zip(*(columns[k] for k in key), strict=True), start=1):
        if values in seen:
            shown = ", ".join(f"{k}={v!r}" for k, v in zip(key, values, strict=True))
            raise DataError(
                f"duplicate key ({shown}); first seen in row {seen[values]}",
                path=str(path), row=number, field=key[-1],
            )
        seen[values] = number


def check_foreign_key(
    path: Path, columns: dict[str, list[Any]], fields: list[str], target: str,
    allowed: set[tuple[Any, ...]],
) -> None:
    """Every key in `fields` must exist in the referenced table `target`."""
    for number, values in enumerate(zip(*(columns[f] for f in fields), strict=True), start=1):
        if any(v is None for v in values):
            continue
        if values not in allowed:
            shown = ", ".join(map(repr, values))
            raise DataError(
                f"{shown} does not exist in {target}.csv", path=str(path), row=number,
                field=fields[0],
            )
