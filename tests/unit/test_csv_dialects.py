"""The CSV dialects a data directory may use (what Excel writes in other locales included),
and line numbers that are the file's own whatever blank lines or multi-line cells it has."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import rapnb
from rapnb.errors import DataError


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]], *, delimiter: str = ",", end: str = "\n",
           bom: bool = False) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=end).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8"))


@pytest.fixture
def original(data_copy: Path):
    """The funding table as loaded from the untouched copy, and that copy's rows."""
    path = data_copy / "funding.csv"
    return rapnb.funding(data_dir=data_copy), _rows(path), path


@pytest.mark.parametrize(
    ("delimiter", "end", "bom"),
    [(";", "\r\n", True), (";", "\n", False), ("\t", "\n", False), (",", "\r\n", True),
     (",", "\r", False)],
    ids=["excel-es-semicolon-crlf-bom", "semicolon-lf", "tab", "comma-crlf-bom", "cr-only"],
)
def test_accepted_dialects_load_the_same_table(original, delimiter: str, end: str,
                                               bom: bool) -> None:
    frame, rows, path = original
    _write(path, rows, delimiter=delimiter, end=end, bom=bom)
    loaded = rapnb.funding(data_dir=path.parent)
    assert loaded.equals(frame)
    assert loaded["amount_usd"].iloc[0] == 180_572 and len(loaded) == 80


def test_spaces_around_header_names_are_ignored(original) -> None:
    frame, rows, path = original
    rows[0] = [f" {name}  " if i % 2 else f"{name} " for i, name in enumerate(rows[0])]
    _write(path, rows)
    assert rapnb.funding(data_dir=path.parent).equals(frame)


def test_excel_empty_rows_and_columns_are_ignored(original) -> None:
    frame, rows, path = original
    width = len(rows[0])
    excel = [row + ["", ""] for row in rows]           # two empty columns at the right
    excel.insert(5, [""] * (width + 2))                 # an empty row inside
    excel += [[""] * (width + 2)] * 3                   # Excel's trailing ,,,,,,
    _write(path, excel, delimiter=";", end="\r\n")
    assert rapnb.funding(data_dir=path.parent).equals(frame)
    assert path.read_bytes().endswith(b";;;;;;\r\n")


def test_line_numbers_count_blank_lines(original) -> None:
    _, rows, path = original
    column = rows[0].index("amount_usd")
    rows[9][column] = "lots"  # data row 9
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    lines = buffer.getvalue().splitlines(keepends=True)
    lines.insert(3, "\n")           # a blank line before data row 3
    lines.insert(6, ",,,,\n")       # and an empty row before data row 5
    path.write_text("".join(lines), encoding="utf-8")
    physical = next(n for n, line in enumerate(lines, start=1) if ",lots," in line)
    assert physical == 12
    with pytest.raises(DataError) as err:
        rapnb.funding(data_dir=path.parent)
    assert str(err.value) == (f"{path}, row 9 (line 12), field 'amount_usd': 'lots' is not an"
                              " integer")
    assert (err.value.row, err.value.line, err.value.field) == (9, 12, "amount_usd")


def test_line_numbers_count_lines_inside_quoted_cells(data_copy: Path) -> None:
    path = data_copy / "government_response.csv"
    rows = _rows(path)
    measure, position = rows[0].index("measure"), rows[0].index("position")
    rows[1][measure] = "first line\nsecond line\nthird line"
    rows[2][position] = "second"
    _write(path, rows)
    with pytest.raises(DataError) as err:
        rapnb.government_response(data_dir=data_copy)
    # header: line 1; row 1: lines 2-4; row 2 starts on line 5
    assert str(err.value).startswith(f"{path}, row 2 (line 5), field 'position': 'second' is"
                                     " not an integer")


def test_header_line_after_leading_blank_lines(original) -> None:
    _, rows, path = original
    _write(path, [[], [], rows[0][:-1], *rows[1:]])
    with pytest.raises(DataError) as err:
        rapnb.funding(data_dir=path.parent)
    assert str(err.value).startswith(f"{path}, row 0 (line 3), field 'source_ref': missing"
                                     " column(s) source_ref")


def test_duplicate_key_names_both_rows_and_lines(original) -> None:
    _, rows, path = original
    _write(path, [rows[0], rows[1], [], rows[1], *rows[2:]])
    with pytest.raises(DataError) as err:
        rapnb.funding(data_dir=path.parent)
    assert str(err.value) == (
        f"{path}, row 2 (line 4), field 'component': duplicate key (office_id='argentina',"
        " component='data_production'); first seen in row 1 (line 2)")


def test_unknown_separator_gets_a_hint(original) -> None:
    _, rows, path = original
    path.write_text("".join("|".join(r) + "\n" for r in rows[:3]), encoding="utf-8")
    with pytest.raises(DataError) as err:
        rapnb.funding(data_dir=path.parent)
    assert str(err.value).endswith(
        "the header line has a single column 'office_id|component|amount_usd|amount_as_printed"
        "|source_ref': separate the columns with ',' or ';'")


def test_row_with_too_few_cells_names_the_separator(original) -> None:
    _, rows, path = original
    rows[4] = rows[4][:3]
    _write(path, rows, delimiter=";")
    with pytest.raises(DataError) as err:
        rapnb.funding(data_dir=path.parent)
    assert str(err.value) == (f"{path}, row 4 (line 5): has 3 cells but the header has 5 (cells"
                              " separated by semicolons)")


INTEGER_HINT = "is not an integer (write digits only: no thousands separator, no decimal mark)"
NUMBER_HINT = "is not a number (use '.' as the decimal mark and no thousands separator)"


@pytest.mark.parametrize(
    ("table", "column", "value", "reason"),
    [("funding", "amount_usd", "180.572", INTEGER_HINT),
     ("funding", "amount_usd", "1 000", INTEGER_HINT),
     ("funding_stated", "stated_share_pct", "2,5", NUMBER_HINT)],
    ids=["thousands-dot", "thousands-space", "decimal-comma"],
)
def test_localised_numbers_are_refused_with_a_hint(data_copy: Path, table: str, column: str,
                                                   value: str, reason: str) -> None:
    path = data_copy / f"{table}.csv"
    rows = _rows(path)
    row = next(i for i, r in enumerate(rows) if i and r[rows[0].index(column)])
    rows[row][rows[0].index(column)] = value
    _write(path, rows, delimiter=";")
    with pytest.raises(DataError) as err:
        rapnb.load_table(table, data_dir=data_copy)
    where = f"{path}, row {row} (line {row + 1}), field '{column}'"
    assert str(err.value) == f"{where}: {value!r} {reason}"


def test_a_column_given_twice_is_refused(original) -> None:
    _, rows, path = original
    _write(path, [[*r, r[2]] for r in rows])
    with pytest.raises(DataError) as err:
        rapnb.funding(data_dir=path.parent)
    assert str(err.value).startswith(f"{path}, row 0 (line 1), field 'amount_usd': column(s)"
                                     " 'amount_usd' appear more than once")


def test_a_file_of_empty_rows_is_empty(original) -> None:
    _, _, path = original
    path.write_text(",,,,\n;;\n\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"funding\.csv: file is empty"):
        rapnb.funding(data_dir=path.parent)
