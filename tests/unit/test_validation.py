"""A malformed data file raises one clear DataError naming the file, row and field."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import rapnb
from rapnb.errors import DataError


def _rewrite(path: Path, edit) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _set_cell(path: Path, row: int, column: str, value: str) -> None:
    def edit(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value

    _rewrite(path, edit)


def test_missing_column(data_copy: Path) -> None:
    def drop_amount(rows: list[list[str]]) -> None:
        i = rows[0].index("amount_usd")
        for r in rows:
            del r[i]

    _rewrite(data_copy / "funding.csv", drop_amount)
    with pytest.raises(DataError, match=r"funding\.csv.*missing column\(s\) amount_usd") as err:
        rapnb.funding(data_dir=data_copy)
    assert err.value.field == "amount_usd"


def test_wrong_type(data_copy: Path) -> None:
    _set_cell(data_copy / "funding.csv", 3, "amount_usd", "12a")
    with pytest.raises(DataError) as err:
        rapnb.funding(data_dir=data_copy)
    message = str(err.value)
    assert "funding.csv" in message and "row 3" in message and "'amount_usd'" in message
    assert "'12a' is not an integer" in message
    assert (err.value.row, err.value.field) == (3, "amount_usd")


def test_negative_amount(data_copy: Path) -> None:
    _set_cell(data_copy / "funding.csv", 5, "amount_usd", "-10")
    with pytest.raises(DataError, match=r"row 5 .*'amount_usd'.*-10 is below the minimum 0"):
        rapnb.funding(data_dir=data_copy)


def test_duplicate_key(data_copy: Path) -> None:
    def duplicate_first(rows: list[list[str]]) -> None:
        rows.append(list(rows[1]))

    _rewrite(data_copy / "funding.csv", duplicate_first)
    with pytest.raises(DataError, match=r"row 81 .*duplicate key \(office_id='argentina', "
                       r"component='data_production'\); first seen in row 1"):
        rapnb.funding(data_dir=data_copy)


def test_unknown_office(data_copy: Path) -> None:
    _set_cell(data_copy / "funding.csv", 7, "office_id", "atlantis")
    with pytest.raises(DataError, match=r"row 7 .*'office_id'.*'atlantis' does not exist in "
                       r"offices\.csv"):
        rapnb.funding(data_dir=data_copy)


def test_empty_file(data_copy: Path) -> None:
    (data_copy / "residence_permits.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=r"residence_permits\.csv: file is empty"):
        rapnb.residence_permits(data_dir=data_copy)


def test_not_utf8(data_copy: Path) -> None:
    path = data_copy / "offices.csv"
    path.write_bytes(path.read_bytes().replace("José".encode(), "José".encode("latin-1")))
    with pytest.raises(DataError, match=r"offices\.csv: file is not valid UTF-8 \(byte 0xe9"):
        rapnb.offices(data_dir=data_copy)


def test_missing_file(data_copy: Path) -> None:
    (data_copy / "outcomes.csv").unlink()
    with pytest.raises(DataError, match=r"outcomes\.csv: file is missing"):
        rapnb.outcomes(data_dir=data_copy)


def test_error_in_referenced_table_surfaces(data_copy: Path) -> None:
    _set_cell(data_copy / "offices.csv", 2, "office_kind", "embassy")
    with pytest.raises(DataError, match=r"offices\.csv, row 2 .*'embassy' is not one of"):
        rapnb.funding(data_dir=data_copy)


def test_env_var_selects_data_dir(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _set_cell(data_copy / "funding.csv", 1, "amount_usd", "180573")
    monkeypatch.setenv("RAPNB_DATA_DIR", str(data_copy))
    assert rapnb.funding()["amount_usd"].iloc[0] == 180_573
    monkeypatch.delenv("RAPNB_DATA_DIR")
    assert rapnb.funding()["amount_usd"].iloc[0] == 180_572


def test_edit_after_load_is_seen(data_copy: Path) -> None:
    assert rapnb.funding(data_dir=data_copy)["amount_usd"].iloc[0] == 180_572
    _set_cell(data_copy / "funding.csv", 1, "amount_usd", "1")
    assert rapnb.funding(data_dir=data_copy)["amount_usd"].iloc[0] == 1


def test_missing_data_dir(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        rapnb.funding(data_dir=tmp_path / "nowhere")


def test_callers_cannot_mutate_the_cache() -> None:
    first = rapnb.funding()
    first.loc[0, "amount_usd"] = -1
    assert rapnb.funding()["amount_usd"].iloc[0] == 180_572


def test_table_columns_match_the_data_frames() -> None:
    from rapnb.datasets.store import load_table, table_columns, table_names

    for name in table_names():
        frame = load_table(name)
        columns = table_columns(name)
        assert list(columns) == list(frame.columns), name
        for field, values in columns.items():
            expected = [None if _missing(v) else v for v in frame[field].tolist()]
            assert values == expected, (name, field)


def _missing(value: object) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def test_checking_a_data_dir_does_not_import_pandas() -> None:
    import subprocess
    import sys

    code = ("import sys; from rapnb.datasets.store import validate_data_dir;"
            " from rapnb.datasets.loaders import sheets; validate_data_dir(); print(len(sheets()),"
            " 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["15", "False"]


@pytest.mark.parametrize("reserved", ["tables", "regional_overview"])
def test_reserved_sheet_ids_are_refused(data_copy: Path, reserved: str) -> None:
    path = data_copy / "sheets.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    row = next(i for i, r in enumerate(rows) if r[0] == "peru")
    _set_cell(path, row, "sheet_id", reserved)
    with pytest.raises(DataError) as err:
        rapnb.sheets(data_dir=data_copy)
    assert str(err.value) == (
        f"{path}, row {row} (line {row + 1}), field 'sheet_id': {reserved!r} is reserved: rapnb"
        " names its own outputs 'regional_overview', 'tables'; choose another id")


def test_reserved_sheet_ids_are_the_names_of_the_renders_own_jobs() -> None:
    from rapnb.build.jobs import OVERVIEW, TABLES
    from rapnb.datasets.schema import RESERVED_SHEET_IDS

    assert set(RESERVED_SHEET_IDS) == {OVERVIEW, TABLES}


def test_the_data_package_refuses_reserved_sheet_ids_too() -> None:
    """Other tools validating with datapackage.json (frictionless) refuse them as well."""
    import re

    from rapnb.datasets.store import datapackage

    patterns = {field["constraints"]["pattern"]
                for resource in datapackage()["resources"]
                for field in resource.get("schema", {}).get("fields", [])
                if field["name"] == "sheet_id"}
    assert len(patterns) == 1
    (pattern,) = patterns
    for refused in ("tables", "regional_overview", "Peru", "peru-2019", ""):
        assert not re.fullmatch(pattern, refused), refused
    for accepted in ("peru", "tables_old", "my_tables", "regional", "overview"):
        assert re.fullmatch(pattern, accepted), accepted
