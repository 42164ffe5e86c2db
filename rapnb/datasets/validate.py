"""Check a CSV against its Table Schema and return it typed; errors name file, row and field.

What a CSV may look like (the README's "Bringing your own data" lists the same): UTF-8 with or
without a byte-order mark; cells separated by `,` or by `;` (what Excel writes in Spanish or
Portuguese), or by tabs, told apart by which one splits the header into the expected column
names; CRLF, LF or CR line ends; spaces around header names ignored; rows whose cells are all
empty (blank lines, Excel's `,,,,`) skipped, as are empty columns Excel adds at the right.
Numbers use `.` as the decimal mark and no thousands separator. A data file must be a regular
file of at most MAX_FILE_BYTES: anything else (a FIFO, a device, a directory) is refused before
it is opened for reading, so it can neither block nor fill the memory."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import stat
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapnb.errors import DataError

MAX_FILE_BYTES = 50 * 1024 * 1024
"""The largest data file (CSV or boundaries.geojson) rapnb reads: 50 MiB. The bundled CSVs
are under 60 kB and the bundled boundaries 0.7 MB; a larger file is refused before it is read."""

DELIMITERS = (",", ";", "\t")
"""The cell separators a CSV may use; the header line tells which one a file uses."""

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_LOCALISED = re.compile(r"^[+-]?[0-9]+(?:[.,' ][0-9]+)+$")  # 1,000  1.234,5  0,56  1 000

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int, path: Path) -> DataError:
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    link = f" (a symbolic link to {os.path.realpath(path)})" if os.path.islink(path) else ""
    return DataError(f"is {kind}{link}, not a regular file; a data file must be a plain file",
                     path=str(path))


def _too_large(size: int | str, limit: int, path: Path) -> DataError:
    return DataError(
        f"file is too large ({size} bytes; the limit is {limit:,} bytes = {limit / 2**20:g} MiB)",
        path=str(path),
    )


def read_file_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the data file `path`, which must be a regular file of at most `limit`
    bytes (symbolic links are followed). Anything else raises DataError naming the path,
    without reading it: a FIFO or a device is never opened, so this cannot block, and at most
    `limit` + 1 bytes are read, so a file that grows cannot fill the memory."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        if os.path.islink(path):
            raise DataError(f"file is missing (a symbolic link to {os.readlink(path)}, which"
                            " does not exist)", path=str(path)) from None
        raise DataError("file is missing", path=str(path)) from None
    except OSError as exc:
        raise DataError(f"file cannot be read ({exc.strerror})", path=str(path)) from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(info.st_mode, path)
    if info.st_size > limit:
        raise _too_large(f"{info.st_size:,}", limit, path)
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since the stat, opening it
        # must not wait for a writer (fstat below then refuses it). No effect on regular files.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise DataError(f"file cannot be read ({exc.strerror})", path=str(path)) from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(mode, path)
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise DataError(f"file cannot be read ({exc.strerror})", path=str(path)) from None
    if len(data) > limit:
        raise _too_large(f"more than {limit:,}", limit, path)
    return data


RECENT_NS = 2_000_000_000
"""A file whose timestamps are less than this old (2 s) may change again within the same tick
of the file system's clock, leaving them as they were: its stamp includes its bytes' digest."""


def file_stamp(path: Path) -> tuple[object, ...]:
    """What tells whether the file `path` changed, for caches: device, inode (a file replaced
    by a rename is another inode), size, mtime and ctime (an in-place rewrite that restores
    the mtime still moves the ctime), and for a file changed in the last RECENT_NS its sha256.
    A path that cannot be read gets a stamp of its own: reading it then raises the error."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return ("unreadable", exc.errno)
    stamp: tuple[object, ...] = (info.st_dev, info.st_ino, info.st_mode, info.st_size,
                                 info.st_mtime_ns, info.st_ctime_ns)
    if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES and (
        time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) < RECENT_NS
    ):
        try:
            stamp += (hashlib.sha256(read_file_bytes(path)).hexdigest(),)
        except DataError:
            stamp += ("unreadable",)
    return stamp


def decode_utf8(raw: bytes, path: Path) -> str:
    """`raw` as UTF-8 text (a leading byte-order mark dropped); DataError with the offset and
    line of the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start},"
            f" line {line})",
            path=str(path),
        ) from None


@dataclass
class CsvRows:
    """A CSV file's header and its data rows, read lazily (`rows` can be walked once)."""

    path: Path
    header: list[str]
    """The column names, spaces around them removed, empty trailing names dropped."""
    header_line: int
    delimiter: str
    rows: Iterator[tuple[int, list[str]]]
    """(line, cells) of each row that has a non-empty cell; `line` is where the row starts."""


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their ends, for csv.reader (CR-only files included)."""
    end = "\n" if "\n" in text or "\r" not in text else "\r"
    start = 0
    while start < len(text):
        stop = text.find(end, start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start: stop + 1]
        start = stop + 1


def _blank(cells: Sequence[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _names(cells: Sequence[str]) -> list[str]:
    """Header cells as column names: spaces around them removed, empty trailing ones dropped."""
    names = [cell.strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    return names


def _split_header(line: str, delimiter: str) -> list[str]:
    return _names(next(csv.reader([line], delimiter=delimiter), []))


def _choose_delimiter(line: str, expected: Sequence[str] | None) -> str:
    """The delimiter that splits the header `line` into the most `expected` names (`,` when
    none does better)."""
    if not expected:
        return DELIMITERS[0]
    wanted = set(expected)

    def score(delimiter: str) -> int:
        try:
            return sum(name in wanted for name in _split_header(line, delimiter))
        except csv.Error:
            return 0

    return max(DELIMITERS, key=score)  # the first of the best: `,` on a tie


def read_rows(path: Path, expected: Sequence[str] | None = None) -> CsvRows:
    """Header and rows of the CSV `path` (see the module's docstring for the dialect);
    `expected`, the column names, chooses the delimiter. A clear DataError for a file that
    is missing, not a regular file, too large, not UTF-8, empty or not a CSV file."""
    text = decode_utf8(read_file_bytes(path), path)
    lines = _lines(text)
    header_line, first = next(
        ((n, line) for n, line in enumerate(lines, start=1)
         if line.strip(" \t\r\n" + "".join(DELIMITERS))),
        (0, ""),
    )
    if not header_line:
        raise DataError("file is empty (expected a header row and data rows)", path=str(path))
    delimiter = _choose_delimiter(first, expected)
    reader = csv.reader(_chain(first, lines), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError(f"not a readable CSV file: {exc}", path=str(path),
                        line=header_line) from None
    names = _names(header)
    offset = header_line - 1
    return CsvRows(path, names, header_line, delimiter,
                   _records(path, reader, offset, len(names)))


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _records(
    path: Path, reader: Any, offset: int, width: int
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each non-blank record; cells beyond `width` dropped if empty."""
    last = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(f"not a readable CSV file: {exc}", path=str(path),
                            line=offset + reader.line_num) from None
        start, last = offset + last + 1, reader.line_num
        if _blank(cells):
            continue
        if len(cells) > width and _blank(cells[width:]):
            del cells[width:]
        yield start, cells


def _parse(value: str, field: dict[str, Any]) -> Any:
    """One cell as its schema type; None for a missing value; ValueError with a reason."""
    if value == "":
        return None
    kind = field["type"]
    if kind == "integer":
        if not _INTEGER.match(value):
            hint = (" (write digits only: no thousands separator, no decimal mark)"
                    if _LOCALISED.match(value.strip()) else "")
            raise ValueError(f"{value!r} is not an integer{hint}")
        return int(value)
    if kind == "number":
        if not _NUMBER.match(value):
            hint = (" (use '.' as the decimal mark and no thousands separator)"
                    if _LOCALISED.match(value.strip()) else "")
            raise ValueError(f"{value!r} is not a number{hint}")
        return float(value)
    return value


def _check_constraints(value: Any, field: dict[str, Any]) -> None:
    constraints = field.get("constraints", {})
    if value is None:
        if constraints.get("required"):
            raise ValueError("a value is required")
        return
    reserved = field.get("reserved", [])
    if value in reserved:
        raise ValueError(f"{value!r} is reserved: rapnb names its own outputs"
                         f" {', '.join(map(repr, reserved))}; choose another id")
    if "minimum" in constraints and value < constraints["minimum"]:
        raise ValueError(f"{value!r} is below the minimum {constraints['minimum']}")
    if "maximum" in constraints and value > constraints["maximum"]:
        raise ValueError(f"{value!r} is above the maximum {constraints['maximum']}")
    if "enum" in constraints and value not in constraints["enum"]:
        raise ValueError(f"{value!r} is not one of {constraints['enum']}")
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], str(value)):
        raise ValueError(f"{value!r} does not match the pattern {constraints['pattern']}")


def _check_header(table: CsvRows, names: list[str]) -> None:
    path, header, line = str(table.path), table.header, table.header_line
    missing = [n for n in names if n not in header]
    if missing:
        hint = ""
        if len(header) == 1:
            hint = (f"; the header line has a single column {header[0]!r}: separate the"
                    " columns with ',' or ';'")
        raise DataError(
            f"missing column(s) {', '.join(missing)}; expected columns: {', '.join(names)}"
            f"{hint}",
            path=path, row=0, field=missing[0], line=line,
        )
    extra = [h for h in header if h not in names]
    if extra:
        raise DataError(
            f"unexpected column(s) {', '.join(map(repr, extra))}; expected: {', '.join(names)}",
            path=path, row=0, field=extra[0], line=line,
        )
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise DataError(f"column(s) {', '.join(map(repr, twice))} appear more than once",
                        path=path, row=0, field=twice[0], line=line)


def validate_rows(
    table: CsvRows, schema: dict[str, Any]
) -> tuple[dict[str, list[Any]], list[int]]:
    """Typed columns of a table that matches `schema`, and the line each row starts on;
    DataError at the first violation."""
    path = table.path
    names = [f["name"] for f in schema["fields"]]
    _check_header(table, names)
    header = table.header
    index = {h: i for i, h in enumerate(header)}
    columns: dict[str, list[Any]] = {n: [] for n in names}
    lines: list[int] = []
    separated = {",": "commas", ";": "semicolons", "\t": "tabs"}[table.delimiter]
    for number, (line, row) in enumerate(table.rows, start=1):
        if len(row) != len(header):
            raise DataError(
                f"has {len(row)} cells but the header has {len(header)} (cells separated by"
                f" {separated})",
                path=str(path), row=number, line=line,
            )
        for field in schema["fields"]:
            name = field["name"]
            try:
                value = _parse(row[index[name]], field)
                _check_constraints(value, field)
            except ValueError as exc:
                raise DataError(str(exc), path=str(path), row=number, field=name,
                                line=line) from None
            columns[name].append(value)
        lines.append(line)
    _check_unique(path, columns, lines, schema.get("primaryKey", []))
    return columns, lines


def _check_unique(
    path: Path, columns: dict[str, list[Any]], lines: list[int], key: list[str]
) -> None:
    if not key:
        return
    seen: dict[tuple[Any, ...], int] = {}
    for number, values in enumerate(zip(*(columns[k] for k in key), strict=True), start=1):
        if values in seen:
            shown = ", ".join(f"{k}={v!r}" for k, v in zip(key, values, strict=True))
            first = seen[values]
            raise DataError(
                f"duplicate key ({shown}); first seen in row {first} (line {lines[first - 1]})",
                path=str(path), row=number, field=key[-1], line=lines[number - 1],
            )
        seen[values] = number


def check_foreign_key(
    path: Path, columns: dict[str, list[Any]], fields: list[str], target: str,
    allowed: set[tuple[Any, ...]], lines: list[int] | None = None,
) -> None:
    """Every key in `fields` must exist in the referenced table `target`."""
    for number, values in enumerate(zip(*(columns[f] for f in fields), strict=True), start=1):
        if any(v is None for v in values):
            continue
        if values not in allowed:
            shown = ", ".join(map(repr, values))
            raise DataError(
                f"{shown} does not exist in {target}.csv", path=str(path), row=number,
                field=fields[0], line=lines[number - 1] if lines is not None else None,
            )
