"""The Excel and HXL CSV exports, and the atomic writes under them."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from rapnb.build.atomic import atomic_path, atomic_write_bytes, atomic_write_text
from rapnb.build.workbook import _sheet_name, write_hxl_csvs, write_workbook
from rapnb.datasets.store import datapackage, table_names
from rapnb.errors import DataError
from rapnb.paths import bundled_data_dir

TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.tmp-(?P<pid>[0-9]+)-(?P<rand>[0-9a-f]+)$")
DATASETS = [
    "sheets", "offices", "countries", "office_countries", "outcomes", "funding",
    "funding_stated", "activities", "sheet_activities", "sheet_needs", "government_response",
    "residence_permits", "key_figures", "flow_statements", "entry_points", "stocks", "errata",
    "translations", "country_codes",
]
HXL_FILES = ["funding_table", "funding_table_totals", *DATASETS]
PAYLOADS = [
    '=HYPERLINK("http://evil","x")',
    "@SUM(1+1)",
    "-2+3",
    "+1+1",
    "\t=1+1",
    "#N/A",
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data written once as a workbook (`rap.xlsx`) and CSVs (`csv/`)."""
    folder = tmp_path_factory.mktemp("export")
    write_workbook(folder / "rap.xlsx")
    write_hxl_csvs(folder / "csv")
    return folder


@pytest.fixture(scope="module")
def book(exported: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(exported / "rap.xlsx")


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


# --- atomic writes -------------------------------------------------------------------------


def test_atomic_writes_create_parents_and_replace(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.txt"
    assert atomic_write_text(target, "one\nzwei ü\n") == target
    assert target.read_bytes() == "one\nzwei ü\n".encode()
    atomic_write_bytes(target, b"\x00second")
    assert target.read_bytes() == b"\x00second"
    assert _leftovers(target.parent) == []


def test_atomic_path_uses_a_hidden_temp_file_beside_the_target(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "report.xlsx"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent
        match = TEMP_NAME.match(tmp.name)
        assert match and match["name"] == "report.xlsx"
        assert tmp.exists() and not target.exists()
        tmp.write_text("new")
    assert target.read_text() == "new"
    assert not tmp.exists()
    assert _leftovers(target.parent) == []


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_failing_writer_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, error: type[BaseException]
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(error):
        with atomic_path(target) as tmp:
            tmp.write_text("half a fi")
            raise error("writer failed midway")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_workbook_failing_midway_keeps_old_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl.writer.excel import ExcelWriter

    target = tmp_path / "rap.xlsx"
    target.write_bytes(b"previous workbook")

    def explode(self: ExcelWriter) -> None:
        raise OSError("disk full")

    # docProps, theme and styles are already in the zip when the worksheets fail
    monkeypatch.setattr(ExcelWriter, "_write_worksheets", explode)
    with pytest.raises(OSError, match="disk full"):
        write_workbook(target)
    assert target.read_bytes() == b"previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rap.xlsx"]


def test_invalid_data_writes_no_csv(data_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    out.mkdir()
    (out / "funding_table.csv").write_text("old\n")
    lines = (data_copy / "stocks.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data_copy / "stocks.csv").write_text(lines[0] + lines[1].replace(",2005,", ",20x5,"),
                                          encoding="utf-8")
    with pytest.raises(DataError, match="stocks.csv"):
        write_hxl_csvs(out, data_copy)
    assert sorted(p.name for p in out.iterdir()) == ["funding_table.csv"]
    assert (out / "funding_table.csv").read_text() == "old\n"


# --- workbook ------------------------------------------------------------------------------


def test_sheet_names(book: openpyxl.Workbook) -> None:
    assert table_names() == DATASETS
    assert book.sheetnames == ["funding_table", *DATASETS, "README"]
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_sheet_names_are_valid_and_unique() -> None:
    used: set[str] = set()
    assert _sheet_name("a/b:c", used) == "a_b_c"
    long = "x" * 40
    assert _sheet_name(long, used) == "x" * 31
    assert _sheet_name(long, used) == "x" * 29 + "~2"
    assert _sheet_name("A_B_C", used) == "A_B_C~2"  # sheet names are case-insensitive


def test_funding_table_sheet_matches_the_plan(book: openpyxl.Workbook) -> None:
    ws = book["funding_table"]
    header = [c.value for c in ws[1]]
    assert header == [
        "implementing_office", "data_production", "capacity_coordination", "direct_assistance",
        "socioeconomic_integration", "evaluation", "total_usd", "stated_total_usd", "share_pct",
        "stated_share_pct",
    ]
    rows = {r[0]: dict(zip(header, r, strict=True))
            for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 17
    assert list(rows)[0] == "Argentina" and list(rows)[-1] == "TOTAL"
    assert rows["Colombia"]["stated_total_usd"] == 13_399_999
    assert rows["Colombia"]["total_usd"] == 13_399_999
    assert rows["Colombia"]["stated_share_pct"] == 41.5
    assert rows["Dominican R."]["total_usd"] - rows["Dominican R."]["stated_total_usd"] == 1
    assert rows["TOTAL"]["stated_total_usd"] == 32_326_041
    assert rows["TOTAL"]["total_usd"] == 32_326_043
    assert rows["TOTAL"]["evaluation"] == 164_780
    assert abs(rows["Colombia"]["share_pct"] - 13_399_999 / 32_326_043 * 100) < 1e-9


def test_number_formats_header_and_frozen_panes(book: openpyxl.Workbook) -> None:
    ws = book["funding_table"]
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1])
    assert ws["A1"].fill.fill_type == "solid" and ws["A1"].alignment.wrap_text
    assert ws["B2"].number_format == "#,##0"  # data_production
    assert ws["H18"].number_format == "#,##0"  # stated_total_usd, TOTAL row
    assert ws["I2"].number_format == "0.0" and ws["J2"].number_format == "0.0"

    stocks = book["stocks"]
    assert stocks.freeze_panes == "A2" and stocks["A1"].font.b
    assert stocks["E1"].value == "venezuelan_nationals"
    assert stocks["E2"].number_format == "#,##0"
    assert stocks["D2"].number_format == "General"  # a year is not a count
    stated = book["funding_stated"]
    assert (stated["C2"].number_format, stated["D2"].number_format) == ("#,##0", "0.0")
    for ws in book.worksheets[:-1]:
        assert ws.freeze_panes == "A2", ws.title
        assert all(c.font.b for c in ws[1]), ws.title
        widths = [d.width for d in ws.column_dimensions.values()]
        assert len(widths) == ws.max_column and all(6 <= w <= 60 for w in widths), ws.title


def test_missing_values_are_empty_cells(book: openpyxl.Workbook) -> None:
    ws = book["residence_permits"]
    rows = {(r[0], r[2]): r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[("BRA", 2015)][3] is None  # the plan prints N.A.
    assert rows[("BRA", 2015)][4] == "N.A"
    assert rows[("ARG", 2017)][3] == 31_167
    assert ws["D2"].value == 5_784 and ws["D2"].number_format == "#,##0"


def test_readme_sheet(book: openpyxl.Workbook) -> None:
    ws = book["README"]
    assert ws["A1"].value.startswith("Regional Action Plan for Venezuelan migration")
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "CC-BY-4.0" in text
    assert "Public domain (Natural Earth terms of use)" in text
    assert "© IOM 2018" in text
    assert ws.freeze_panes == "A5" and ws["A4"].font.b
    assert not re.search(r"20(19|2[0-9])-[0-9]{2}-[0-9]{2}", text)  # no generation date


def test_workbook_is_byte_identical(exported: Path, tmp_path: Path) -> None:
    again = write_workbook(tmp_path / "again.xlsx")
    assert again.read_bytes() == (exported / "rap.xlsx").read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2018, 4, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "<dc:creator>rapnb</dc:creator>" in core
    assert core.count("2018-04-01T00:00:00Z") == 2


def _inject(data_dir: Path) -> None:
    path = data_dir / "government_response.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    for row, payload in zip(rows[1:], [*PAYLOADS, "\r=1+1"], strict=False):
        row[2] = payload
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_workbook_never_writes_formulas(data_copy: Path, tmp_path: Path) -> None:
    _inject(data_copy)
    path = write_workbook(tmp_path / "evil.xlsx", data_dir=data_copy)
    ws = openpyxl.load_workbook(path)["government_response"]
    assert ws["C1"].value == "measure"
    for row, payload in enumerate(PAYLOADS, start=2):
        cell = ws.cell(row=row, column=3)
        assert cell.data_type == "s", payload
        assert cell.value == payload
    assert ws["C2"].quotePrefix and ws["C7"].quotePrefix is False  # '#N/A' is not formula-like
    cr = ws["C8"]
    assert cr.data_type == "s" and cr.value.endswith("=1+1")  # XML turns CR into LF
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == len(DATASETS) + 2  # the datasets, the funding table, README
        for name in sheets:
            xml = archive.read(name).decode()
            assert not re.search(r"<(\w+:)?f[ />]", xml), name
        xml = archive.read("xl/worksheets/sheet12.xml").decode()  # government_response
    assert '<is><t>=HYPERLINK("http://evil","x")</t></is>' in xml  # an inline string


def test_csv_carries_text_verbatim_for_machines(data_copy: Path, tmp_path: Path) -> None:
    """The CSVs are for machines: formula-like text is written as it is, never escaped (the
    workbook, for spreadsheets, stores the same text as text: see the test above)."""
    _inject(data_copy)
    write_hxl_csvs(tmp_path, data_dir=data_copy)
    rows = _read_csv(tmp_path / "government_response.csv")
    measures = [r[2] for r in rows[2:9]]
    assert measures == [*PAYLOADS, "\r=1+1"]
    figures = {r[0]: r for r in _read_csv(tmp_path / "key_figures.csv")[2:]}
    assert figures["ecu_air_entries_change_2015_2016"][7] == "-27.1"  # a number, not text
    funding = _read_csv(tmp_path / "funding.csv")
    assert ["argentina", "direct_assistance", "0", "-"] == funding[4][:4]  # printed '-'
    assert not any(c.startswith("'") for r in funding for c in r)


def test_csv_keeps_a_leading_apostrophe_of_the_data(exported: Path, book: openpyxl.Workbook
                                                     ) -> None:
    """A value that starts with ' is that value: the export adds and strips nothing. (The
    stocks note of Colombia 2017 really starts with a quote.)"""
    header, _tags, *rows = _read_csv(exported / "csv" / "stocks.csv")
    notes = {(r[0], r[3]): r[header.index("note")] for r in rows}
    assert notes[("Colombia", "2017")] == "'about 600,000'; approximate"
    ws = book["stocks"]
    cells = {(r[0].value, r[3].value): r[7] for r in ws.iter_rows(min_row=2)}
    cell = cells[("Colombia", 2017)]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (
        "'about 600,000'; approximate", "s", False)


def test_hxl_csvs(exported: Path) -> None:
    folder = exported / "csv"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.csv" for n in HXL_FILES)
    funding = (folder / "funding.csv").read_bytes().decode("utf-8")
    assert "\r" not in funding
    assert funding.splitlines()[1] == (
        "#org+impl+code,#sector+code,#value+funding+required+usd,#meta+printed,#meta+source"
    )
    for name in HXL_FILES:
        header, tags, *data = _read_csv(folder / f"{name}.csv")
        assert len(tags) == len(header) and all(t.startswith("#") for t in tags), name
        assert data and all(len(r) == len(header) for r in data), name
    table = _read_csv(folder / "funding_table.csv")
    assert table[1][:2] == ["#org+impl+name+printed", "#value+funding+required+usd+data_production"]
    assert [r[0] for r in table[2:]][-2:] == ["RO Buenos Aires", "RO San Jose"]
    assert len(table) == 2 + 16  # the offices; the TOTAL row is in funding_table_totals.csv
    header, tags, *rows = _read_csv(folder / "key_figures.csv")
    assert tags[header.index("value")] == "#indicator+value+num"
    assert [tags[header.index(c)] for c in ("period", "period_start", "period_end")] == [
        "#meta+period", "#date+start", "#date+end"]


def test_csv_data_rows_equal_the_source_data(exported: Path) -> None:
    for name in DATASETS:
        header, _tags, *data = _read_csv(exported / "csv" / f"{name}.csv")
        source = _read_csv(bundled_data_dir() / f"{name}.csv")
        assert header == source[0], name
        numbers = [i for i, f in enumerate(_fields(name)) if f["type"] == "number"]
        assert len(data) == len(source) - 1, name
        for got, want in zip(data, source[1:], strict=True):
            for i in numbers:  # written as Python floats: 6.0 for the source's 6.0 or 6
                if want[i]:
                    assert float(got[i]) == float(want[i]), (name, want)
                else:
                    assert got[i] == "", (name, want)
                got[i] = want[i]
            assert got == want, name


def _fields(name: str) -> list[dict[str, str]]:
    return next(r for r in datapackage()["resources"] if r["name"] == name)["schema"]["fields"]


def test_csv_export_is_deterministic(exported: Path, tmp_path: Path) -> None:
    paths = write_hxl_csvs(tmp_path)
    assert [p.name for p in paths] == [f"{n}.csv" for n in HXL_FILES]
    for path in paths:
        assert path.read_bytes() == (exported / "csv" / path.name).read_bytes()
    assert _leftovers(tmp_path) == []
