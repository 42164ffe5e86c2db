"""Bad input gets a clear error and loses nothing: malformed data directories, bad sheet
parameters given to papermill directly, and hostile text in the data."""

from __future__ import annotations

import csv
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
    html = (out / "sheets/peru/peru.html").read_text(encoding="utf-8")
    assert "<script" not in html and not re.search(r"<img[^>]*onerror", html)
    shown = re.search(r"<li>(&lt;script&gt;.*?)</li>", html)
    assert shown, "the hostile line must be shown as text"
    assert shown.group(1).replace("&quot;", '"') == (
        '&lt;script&gt;alert("owned")&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; =cmd|calc')

    from openpyxl import load_workbook

    sheet = load_workbook(out / "rap_tables.xlsx")["government_response"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert all(p.name == "peru" for p in (out / "sheets").iterdir())
    shutil.rmtree(out)
