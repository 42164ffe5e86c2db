"""Export the datasets: one Excel workbook, and HXL-tagged CSVs.

`write_workbook(path)` writes an .xlsx with a sheet "funding_table" (the funding table as the plan
prints it, `rapnb.tables.funding_table()`), one sheet per tabular resource of the data package in
the package's order, and a "README" sheet (title, sources and licences, generation note).
`write_hxl_csvs(folder)` writes `funding_table.csv` and one CSV per dataset, each with the column
names, then a row of HXL hashtags (https://hxlstandard.org/), then the data.

Both are safe to open in a spreadsheet and safe to rerun:

* Formula injection. In the workbook every text cell is stored as text (`data_type "s"`, never a
  formula, never an error code), and text starting with `=`, `+`, `-`, `@`, tab or CR also gets
  Excel's quote-prefix style, so editing the cell keeps it text. In the CSVs such text is
  written with a leading single quote (`'=HYPERLINK(...)`, `'-`), the usual neutralisation (see
  OWASP "CSV Injection"); numbers are never quoted, so -27.1 stays the number -27.1. A consumer
  that wants the original text back strips one leading `'` from text cells whose next character
  is one of those. The CSVs are an export, not the data package: `data/*.csv` stay unaltered.
* File names come from the data package's table names only, never from data values.
* Every file is written atomically (`rapnb.atomic`): a failed write leaves the previous file.
  `write_hxl_csvs` loads every table before writing the first file, so invalid data writes
  nothing; the files are replaced one by one, not as a set.
* Deterministic output: no timestamps. The workbook's created/modified properties and the zip
  entries' dates are fixed at 2018-04-01, so two runs with the same data, Python (zlib) and
  openpyxl give byte-identical files; other versions may compress differently, cell contents
  are the same. The CSVs depend only on the data.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapnb.build.atomic import PathLike, atomic_path, atomic_write_text
from rapnb.datasets.schema import COMPONENTS
from rapnb.datasets.store import DataDir, datapackage, load_table, table_names
from rapnb.datasets.values import plain

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

FIXED_TIME = dt.datetime(2018, 4, 1)
"""The workbook's created/modified time and the zip entries' date (the plan's month)."""

FUNDING_SHEET = "funding_table"
README_SHEET = "README"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these could run as a formula in a spreadsheet."""

USD_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"

_MAX_WIDTH = 60
_MIN_WIDTH = 6
_HEADER_FILL = "D9E1F2"
_SAFE_FILE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """One exported column: its name, HXL hashtag and Excel number format (None: General)."""

    name: str
    hxl: str
    number_format: str | None = None


@dataclass(frozen=True)
class Table:
    """One exported table: its (file and sheet) name, columns and rows of plain values."""

    name: str
    columns: list[Column]
    rows: list[list[Any]]


# ---------------------------------------------------------------------------------------------
# Collecting the tables


def _funding_columns() -> list[Column]:
    columns = [Column("implementing_office", "#org+impl+name+printed")]
    columns += [Column(c, f"#value+funding+required+usd+{c}", USD_FORMAT) for c in COMPONENTS]
    columns += [
        Column("total_usd", "#value+funding+required+usd+total", USD_FORMAT),
        Column("stated_total_usd", "#value+funding+required+usd+total+stated", USD_FORMAT),
        Column("share_pct", "#value+funding+required+pct", PERCENT_FORMAT),
        Column("stated_share_pct", "#value+funding+required+pct+stated", PERCENT_FORMAT),
    ]
    return columns


def _field_format(field: dict[str, Any]) -> str | None:
    unit = field.get("unit")
    if unit == "USD":
        return USD_FORMAT
    if unit == "percent":
        return PERCENT_FORMAT
    if field["type"] == "integer" and unit:  # counts of persons, permits, ...
        return COUNT_FORMAT
    return None  # ids, positions, years: General


def _resources() -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in datapackage()["resources"]}


def _rows(frame: pd.DataFrame) -> list[list[Any]]:
    return [[plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def _collect(data_dir: DataDir) -> list[Table]:
    """The funding table, then every tabular resource in package order, loaded and validated."""
    from rapnb.derived.funding import funding_table

    funding = funding_table(data_dir).reset_index()
    columns = _funding_columns()
    tables = [Table(FUNDING_SHEET, columns, _rows(funding[[c.name for c in columns]]))]
    resources = _resources()
    for name in table_names():
        fields = resources[name]["schema"]["fields"]
        cols = [Column(f["name"], f.get("hxl", ""), _field_format(f)) for f in fields]
        frame = load_table(name, data_dir)
        tables.append(Table(name, cols, _rows(frame[[c.name for c in cols]])))
    return tables


# ---------------------------------------------------------------------------------------------
# Excel


def _formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def _set_cell(ws: Worksheet, row: int, col: int, value: Any, number_format: str | None) -> None:
    """Write one cell; text is always text (never a formula), missing stays an empty cell."""
    if value is None:
        return
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make "=..." a formula and "#N/A" an error
        if _formula_like(value):
            cell.quotePrefix = True
    elif number_format:
        cell.number_format = number_format


def _display_width(value: Any, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return max(len(line) for line in value.splitlines() or [""])
    if isinstance(value, int | float) and number_format == USD_FORMAT:
        return len(f"{value:,.0f}")
    if isinstance(value, int | float) and number_format == PERCENT_FORMAT:
        return len(f"{value:.1f}")
    return len(str(value))


def _style_header(ws: Worksheet, row: int, ncols: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill(fill_type="solid", start_color=_HEADER_FILL, end_color=_HEADER_FILL)
    align = Alignment(wrap_text=True, vertical="top")
    for col in range(1, ncols + 1):
        cell = ws.cell(row=row, column=col)
        cell.font, cell.fill, cell.alignment = bold, fill, align


def _write_table(ws: Worksheet, table: Table) -> None:
    from openpyxl.utils import get_column_letter

    for col, column in enumerate(table.columns, start=1):
        _set_cell(ws, 1, col, column.name, None)
    _style_header(ws, 1, len(table.columns))
    for r, row in enumerate(table.rows, start=2):
        for col, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            _set_cell(ws, r, col, value, column.number_format)
    for col, column in enumerate(table.columns, start=1):
        widest = max([len(column.name)] + [_display_width(row[col - 1], column.number_format)
                                           for row in table.rows])
        width = min(max(widest + 2, _MIN_WIDTH), _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    last = get_column_letter(len(table.columns))
    ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"


def _readme_rows(tables: Sequence[Table]) -> list[tuple[str, str, str]]:
    import rapnb

    package = datapackage()
    resources = _resources()
    rows: list[tuple[str, str, str]] = []
    for lic in package.get("licenses", []):
        rows.append(("licence", lic["name"], f"{lic['title']} ({lic['path']})"))
    for src in package.get("sources", []):
        rows.append(("source", src["title"],
                     f"{src['producer']}; {src['date']}; {src['path']}."
                     f" Licence: {src['licence']}"))
    for table in tables:
        if table.name == FUNDING_SHEET:
            text = ("The funding table as the plan prints it (rapnb.tables.funding_table()):"
                    " offices with the plan's row labels, components in USD, the computed"
                    " total_usd beside the plan's stated_total_usd, the computed share_pct beside"
                    " the plan's stated_share_pct, and a TOTAL row. The plan's own totals are"
                    " kept, not corrected: see rapnb.reconcile().")
        else:
            resource = resources[table.name]
            sources = "; ".join(s["title"] for s in resource.get("sources", []))
            text = f"{resource['description']} Data file: {resource['path']}. Sources: {sources}"
        rows.append(("sheet", table.name, text))
    rows += [
        ("note", "generated",
         f"Generated by rapnb {rapnb.__version__} from data package {package['name']}"
         f" version {package['version']}. No timestamps: the output depends only on the data."),
        ("note", "missing values", "Missing values (N.A. in the plan) are empty cells, never 0."),
        ("note", "text cells",
         "Every text cell is stored as text, never as a formula, even if it starts with"
         " =, +, -, @, tab or CR. In the HXL CSVs such text is written with a leading ' (strip"
         " one to get the original text); numbers are never quoted."),
        ("note", "hxl", "HXL hashtags per column: write_hxl_csvs() in rapnb.workbook."),
    ]
    return rows


def _write_readme(ws: Worksheet, tables: Sequence[Table]) -> None:
    from openpyxl.styles import Alignment, Font

    package = datapackage()
    _set_cell(ws, 1, 1, package["title"], None)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    _set_cell(ws, 2, 1, package["description"], None)
    header_row = 4
    for col, name in enumerate(("section", "item", "text"), start=1):
        _set_cell(ws, header_row, col, name, None)
    _style_header(ws, header_row, 3)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(_readme_rows(tables), start=header_row + 1):
        for col, value in enumerate(row, start=1):
            _set_cell(ws, r, col, value, None)
            ws.cell(row=r, column=col).alignment = wrap
    ws.freeze_panes = f"A{header_row + 1}"
    for letter, width in (("A", 10), ("B", 40), ("C", 100)):
        ws.column_dimensions[letter].width = width


def _sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique sheet name (<= 31 chars, no []:*?/\\) derived from a table name."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'")[:31] or "table"
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        suffix = f"~{n}"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


class _FixedTimeZipFile(zipfile.ZipFile):
    """A ZipFile whose entries carry FIXED_TIME, not the current time or a file's mtime."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: int | None = None,
                 compresslevel: int | None = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = self.compression
            info.create_system = 3
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        """Add a file's content (openpyxl's worksheet temp files) without its mtime."""
        data = Path(filename).read_bytes()
        name = arcname if arcname is not None else Path(filename).name
        self.writestr(name, data, compress_type, compresslevel)


def write_workbook(path: PathLike, data_dir: DataDir = None) -> Path:
    """Write the datasets as one .xlsx at `path` (atomically) and return `path`.

    Sheets: "funding_table", then one per tabular resource of the data package (named after the
    table, in package order), then "README". Headers are bold, filled, wrapped and frozen; USD
    columns use `#,##0`, percentages `0.0`, counts `#,##0`; missing values are empty cells; text
    is never stored as a formula. Byte-identical for the same data and library versions.
    """
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    tables = _collect(data_dir)
    wb = Workbook()
    used: set[str] = set()
    first = wb.active
    for i, table in enumerate(tables):
        ws = first if i == 0 else wb.create_sheet()
        ws.title = _sheet_name(table.name, used)
        _write_table(ws, table)
    _write_readme(wb.create_sheet(_sheet_name(README_SHEET, used)), tables)
    props = wb.properties
    props.creator = props.lastModifiedBy = "rapnb"
    props.title = datapackage()["title"]
    props.created = props.modified = FIXED_TIME

    target = Path(path)
    with atomic_path(target) as tmp:
        with _FixedTimeZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).write_data()
    return target


# ---------------------------------------------------------------------------------------------
# HXL CSV


def _csv_cell(value: Any) -> str:
    """A value as CSV text; text that could run as a formula gets a leading `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same float: 6.0, -27.1
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if _formula_like(text) else text


def _csv_field(text: str) -> str:
    """RFC 4180 quoting. (The csv module leaves a lone CR unquoted when lines end in LF.)"""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_text(table: Table) -> str:
    lines = [[c.name for c in table.columns], [c.hxl for c in table.columns]]
    lines += [[_csv_cell(v) for v in row] for row in table.rows]
    return "".join(",".join(_csv_field(f) for f in line) + "\n" for line in lines)


def _file_name(name: str) -> str:
    if not _SAFE_FILE_NAME.match(name):
        raise ValueError(f"table name {name!r} is not a safe file name")
    return f"{name}.csv"


def write_hxl_csvs(folder: PathLike, data_dir: DataDir = None) -> list[Path]:
    """Write `funding_table.csv` and one `<table>.csv` per dataset into `folder`; return paths.

    Each file: the column names, then the HXL hashtag row (from the fields' `hxl` in the data
    package), then the data; UTF-8, `\\n` line ends. Text starting with =, +, -, @, tab or CR is
    written with a leading `'`; numbers are written as numbers.
    """
    tables = _collect(data_dir)
    out = Path(folder)
    names = [_file_name(t.name) for t in tables]
    return [atomic_write_text(out / n, _csv_text(t)) for n, t in zip(names, tables, strict=True)]
