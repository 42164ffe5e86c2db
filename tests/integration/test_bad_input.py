"""Bad input gets a clear error and loses nothing: malformed data directories, bad sheet
parameters given to papermill directly, and hostile text in the data."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import papermill
import pytest

from rapnb import cli
from rapnb.paths import notebooks_dir

VALID_IDS = ("argentina, brazil, caribbean, chile, colombia, costa_rica, dominican_republic,"
             " ecuador, guyana, mexico, panama, peru, uruguay, venezuela, regional")


def _edit_csv(path: Path, edit: Callable[[list[list[str]]], None]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _set(column: str, row: int, value: str) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value
    return edit


def _drop(column: str) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        index = rows[0].index(column)
        for r in rows:
            del r[index]
    return edit


def _duplicate_row(row: int) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        rows.append(list(rows[row]))
    return edit


def _missing(data: Path) -> None:
    (data / "sheet_needs.csv").unlink()


def _empty(data: Path) -> None:
    (data / "activities.csv").write_bytes(b"")


def _latin1(data: Path) -> None:
    path = data / "countries.csv"
    path.write_bytes(path.read_bytes().replace("Curaçao".encode(), "Curaçao".encode("latin-1")))


def _reserved(sheet_id: str) -> Callable[[Path], None]:
    def breaker(data: Path) -> None:
        _edit_csv(data / "sheets.csv", lambda rows: rows[12].__setitem__(0, sheet_id))
    return breaker


def _semicolons_and_a_bad_cell(data: Path) -> None:
    """Excel in a Spanish locale: `;`, CRLF, a BOM, a blank line; a bad cell in row 4."""
    path = data / "funding.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[4][rows[0].index("amount_usd")] = "1.000"
    rows.insert(2, [""] * len(rows[0]))
    text = io.StringIO()
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    assert text.getvalue().splitlines()[2] == ";;;;"
    path.write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))


def _broken_boundaries(data: Path) -> None:
    (data / "boundaries.geojson").write_text('{"type": "FeatureCollection", "features": [',
                                             encoding="utf-8")


CASES = {
    "missing file": (_missing, ("sheet_needs.csv", "file is missing")),
    "missing column": (lambda d: _edit_csv(d / "funding.csv", _drop("component")),
                       ("funding.csv", "field 'component'", "missing column(s) component")),
    "non-numeric amount": (lambda d: _edit_csv(d / "funding.csv", _set("amount_usd", 4, "1,000")),
                           ("funding.csv", "row 4", "field 'amount_usd'", "not an integer")),
    "negative amount": (lambda d: _edit_csv(d / "funding.csv", _set("amount_usd", 9, "-5")),
                        ("funding.csv", "row 9", "field 'amount_usd'", "below the minimum 0")),
    "duplicate key": (lambda d: _edit_csv(d / "residence_permits.csv", _duplicate_row(2)),
                      ("residence_permits.csv", "row 37", "duplicate key (iso3='ARG', year=2016)")),
    "unknown office": (lambda d: _edit_csv(d / "funding.csv", _set("office_id", 12, "narnia")),
                       ("funding.csv", "row 12", "field 'office_id'",
                        "'narnia' does not exist in offices.csv")),
    "empty file": (_empty, ("activities.csv", "file is empty")),
    "not UTF-8": (_latin1, ("countries.csv", "not valid UTF-8", "byte 0xe7")),
    "reserved sheet id tables": (_reserved("tables"), (
        "sheets.csv, row 12 (line 13), field 'sheet_id': 'tables' is reserved",)),
    "reserved sheet id regional_overview": (_reserved("regional_overview"), (
        "sheets.csv, row 12 (line 13), field 'sheet_id': 'regional_overview' is reserved",)),
    "Excel semicolons": (_semicolons_and_a_bad_cell, (
        "funding.csv, row 4 (line 6), field 'amount_usd': '1.000' is not an integer (write"
        " digits only",)),
    "broken boundaries": (_broken_boundaries, (
        "boundaries.geojson: not valid JSON: Expecting value (line 1, column 44)",)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_data_dir_stops_before_any_notebook(case: str, data_copy: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    breaker, needles = CASES[case]
    breaker(data_copy)
    out = tmp_path / "out"
    code = cli.main(["render", "--data-dir", str(data_copy), "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    assert not out.exists(), "nothing may be written"


def test_empty_sheet_id_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = cli.main(["render", "--sheet", "", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "unknown sheet ''" in err and VALID_IDS in err
    assert not out.exists()


@pytest.mark.parametrize("value", ["atlantis", 3, ""], ids=["atlantis", "int", "empty"])
def test_papermill_with_a_bad_sheet_stops_in_the_first_cell(value: object, tmp_path: Path) -> None:
    output = tmp_path / "out.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(str(notebooks_dir() / "country_sheet.ipynb"), str(output),
                                   parameters={"sheet": value}, kernel_name="python3",
                                   progress_bar=False, cwd=str(tmp_path))
    assert err.value.ename == "UnknownSheetError"
    assert f"unknown sheet {value!r}; valid sheet ids: {VALID_IDS}" in err.value.evalue
    executed = nbformat.read(output, as_version=4)
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    failed = [i for i, c in enumerate(code_cells)
              if any(o.get("output_type") == "error" for o in c.outputs)]
    # parameters, injected parameters, then the first cell of the sheet: it stops there.
    assert failed == [2]
    assert all(c.execution_count is None for c in code_cells[3:])


HOSTILE = '<script>alert("owned")</script><img src=x onerror=alert(1)> =cmd|calc'


def test_hostile_text_shows_as_text_in_html_and_workbook(data_copy: Path, tmp_path: Path) -> None:
    def poison(rows: list[list[str]]) -> None:
        measure = rows[0].index("measure")
        first_peru = next(i for i, r in enumerate(rows) if r[0] == "peru")
        rows[first_peru][measure] = HOSTILE

    _edit_csv(data_copy / "government_response.csv", poison)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "rapnb", "render", "--sheet", "peru", "--out",
                           str(out), "--data-dir", str(data_copy), "--no-progress"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    html = (out / "en/sheets/peru/peru.html").read_text(encoding="utf-8")
    assert "<script" not in html and not re.search(r"<img[^>]*onerror", html)
    shown = re.search(r"<li>(&lt;script&gt;.*?)</li>", html)
    assert shown, "the hostile line must be shown as text"
    assert shown.group(1).replace("&quot;", '"') == (
        '&lt;script&gt;alert("owned")&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; =cmd|calc')

    from openpyxl import load_workbook

    sheet = load_workbook(out / "rap_tables.xlsx")["government_response"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert all(p.name == "peru" for p in (out / "en/sheets").iterdir())
    shutil.rmtree(out)


MEMORY_CAP = 2 * 2**30


def _cap_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _symlink_to_dev_zero(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to("/dev/zero")


def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _directory(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir()


def _too_large(path: Path) -> None:
    with path.open("ab") as handle:
        handle.truncate(50 * 2**20 + 1)


SPECIAL_FILES = {
    "funding.csv to /dev/zero": ("funding.csv", _symlink_to_dev_zero,
                                 "is a character device (a symbolic link to /dev/zero)"),
    "funding.csv a FIFO": ("funding.csv", _fifo, "is a named pipe (FIFO)"),
    "funding.csv a directory": ("funding.csv", _directory, "is a directory"),
    "funding.csv too large": ("funding.csv", _too_large,
                              "file is too large (52,428,801 bytes; the limit is 52,428,800"
                              " bytes = 50 MiB)"),
    "boundaries a FIFO": ("boundaries.geojson", _fifo, "is a named pipe (FIFO)"),
    "boundaries to /dev/zero": ("boundaries.geojson", _symlink_to_dev_zero,
                                "is a character device (a symbolic link to /dev/zero)"),
}


@pytest.mark.parametrize("case", sorted(SPECIAL_FILES))
def test_a_data_file_that_is_not_a_regular_file(case: str, data_copy: Path,
                                                tmp_path: Path) -> None:
    """In a child process with a timeout and a memory cap: a regression (reading /dev/zero,
    waiting on a FIFO) fails the test instead of hanging it or filling the machine."""
    name, make, needle = SPECIAL_FILES[case]
    path = data_copy / name
    make(path)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "rapnb", "render", "--data-dir", str(data_copy),
                           "--out", str(out), "--no-progress"], capture_output=True, text=True,
                          timeout=60, preexec_fn=_cap_memory)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr == (f"rapnb render: error: --data-dir {data_copy} is not valid: {path}:"
                           f" {needle}" + (", not a regular file; a data file must be a plain"
                                           " file\n" if needle.startswith("is ") else "\n"))
    assert done.stdout == ""
    assert not out.exists(), "nothing may be written"
    assert os.path.lexists(path), "the user's file stays"


def test_relative_data_dir_in_the_environment(data_copy: Path, tmp_path: Path) -> None:
    """`cd /tmp/r && RAPNB_DATA_DIR=mydata rapnb render --sheet peru --out o` renders from
    /tmp/r/mydata, although the kernels run in another directory (issue 17, item 1)."""
    marker = "Measure only in mydata: relative RAPNB_DATA_DIR"

    def mark(rows: list[list[str]]) -> None:
        first_peru = next(i for i, r in enumerate(rows) if r[0] == "peru")
        rows[first_peru][rows[0].index("measure")] = marker

    _edit_csv(data_copy / "government_response.csv", mark)
    mydata = tmp_path / "mydata"
    data_copy.rename(mydata)
    env = dict(os.environ, RAPNB_DATA_DIR="mydata")
    done = subprocess.run([sys.executable, "-m", "rapnb", "render", "--sheet", "peru", "--out",
                           "o", "--no-progress"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = tmp_path / "o"
    assert f"<li>{marker}</li>" in (out / "en/sheets/peru/peru.html").read_text(encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["data_dir"] == str(mydata)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mydata", "o"]
