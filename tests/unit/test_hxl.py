"""The HXL CSVs validate with libhxl (the library behind `hxlvalidate`) and can be used by HXL
tools without picking a wrong column or counting a total twice."""

from __future__ import annotations

import csv
from pathlib import Path

import hxl
import pytest
from hxl.model import Column, TagPattern

from rapnb.build.workbook import hxl_file_names, write_hxl_csvs
from rapnb.datasets.store import table_names

NUMERIC_HASHTAGS = {"#value", "#indicator", "#affected", "#population", "#inneed", "#targeted",
                    "#reached"}
"""HXL hashtags whose columns hold numbers in this export (#indicator also has text columns)."""


@pytest.fixture(scope="module")
def hxl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hxl")
    write_hxl_csvs(folder)
    return folder


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _issues(path: Path) -> list[tuple[str, str, str]]:
    """(severity, hashtag, message) of every issue the core HXL schema reports for a file."""
    found: list[tuple[str, str, str]] = []

    def collect(issue: hxl.validation.HXLValidationException) -> None:
        column = issue.column.display_tag if issue.column is not None else ""
        found.append((issue.rule.severity, column, f"{issue.message}: {issue.value!r}"))

    schema = hxl.schema(None, callback=collect)
    schema.validate(hxl.data(str(path), hxl.input.InputOptions(allow_local=True)))
    return found


def test_every_file_is_written(hxl_dir: Path) -> None:
    assert sorted(p.name for p in hxl_dir.iterdir()) == sorted(hxl_file_names())
    # every dataset, the funding table as printed, and its totals row apart
    assert len(hxl_file_names()) == len(table_names()) + 2


@pytest.mark.parametrize("name", hxl_file_names())
def test_hxlvalidate_reports_no_error_and_no_warning(hxl_dir: Path, name: str) -> None:
    issues = _issues(hxl_dir / name)
    assert [i for i in issues if i[0] in ("error", "warning")] == [], name


def test_the_validation_has_teeth(tmp_path: Path) -> None:
    """The checks above would see the old export's problems: text under #value, a range
    under #date, text and numbers under one #indicator."""
    path = tmp_path / "old.csv"
    path.write_text("amount,printed,period,permits\n"
                    "#value+usd,#value+printed,#date,#indicator+permits\n"
                    "180572,'-,2015-2017,N.A\n5,180.572,2015,710\n6,7,2016,N.A\n",
                    encoding="utf-8")
    issues = _issues(path)
    errors = sorted({(i[1], i[2]) for i in issues if i[0] == "error"})
    assert errors == [("#date", "Expected a date: '2015-2017'"),
                      ("#value+printed", "Expected a number: \"'-\"")]
    assert [i[1] for i in issues if i[0] == "warning"] == ["#indicator+permits"]


def _columns(path: Path) -> list[Column]:
    return [Column.parse(tag) for tag in _rows(path)[1]]


@pytest.mark.parametrize("name", hxl_file_names())
def test_no_value_column_hashtag_matches_another(hxl_dir: Path, name: str) -> None:
    """Read as a pattern, each numeric column's full hashtag selects that column only."""
    numeric = [c for c in _columns(hxl_dir / name) if c.tag in NUMERIC_HASHTAGS]
    for column in numeric:
        pattern = TagPattern.parse(column.display_tag)
        others = [c.display_tag for c in numeric if c is not column and pattern.match(c)]
        assert others == [], (name, column.display_tag)


def test_the_issues_patterns_select_one_column(hxl_dir: Path) -> None:
    def matching(name: str, pattern: str) -> list[str]:
        header = _rows(hxl_dir / name)[0]
        return [h for h, c in zip(header, _columns(hxl_dir / name), strict=True)
                if TagPattern.parse(pattern).match(c)]

    assert matching("funding.csv", "#value+funding+required") == ["amount_usd"]
    assert matching("residence_permits.csv", "#indicator+permits") == ["permits"]
    assert matching("key_figures.csv", "#date") == ["period_start", "period_end"]
    components = ["data_production", "capacity_coordination", "direct_assistance",
                  "socioeconomic_integration", "evaluation"]
    for name in ("funding_table.csv", "funding_table_totals.csv"):
        # summing what this pattern selects gives the row's total once, never twice
        assert matching(name, "#value+funding+required+usd") == components
        assert matching(name, "#value+total+usd+computed") == ["total_usd"]
        assert matching(name, "#value+total+stated") == ["stated_total_usd"]
        assert matching(name, "#value+pct+stated") == ["stated_share_pct"]


TOTALS_ONLY = {"funding_table_totals.csv", "funding_stated.csv"}
"""Tables whose every row is a total (funding_stated: each stated total with its scope)."""


def test_no_tagged_table_mixes_totals_with_data_rows(hxl_dir: Path) -> None:
    for name in sorted(set(hxl_file_names()) - TOTALS_ONLY):
        header, _tags, *rows = _rows(hxl_dir / name)
        labels = {cell.strip().lower() for row in rows for cell in row[:2]}
        assert "total" not in labels, name
    table = _rows(hxl_dir / "funding_table.csv")
    assert [r[0] for r in table[2:]][:2] == ["Argentina", "Brazil"] and len(table) - 2 == 16
    stated = _rows(hxl_dir / "funding_stated.csv")
    assert {r[0] for r in stated[2:]} == {"office", "component", "grand_total", "narrative",
                                          "outcome", "sheet"}  # each row says what it totals


def test_the_totals_file_has_the_plans_stated_and_computed_totals(hxl_dir: Path) -> None:
    header, tags, *rows = _rows(hxl_dir / "funding_table_totals.csv")
    assert len(rows) == 1
    total = dict(zip(header, rows[0], strict=True))
    assert total["row_as_printed"] == "TOTAL"
    assert total["stated_total_usd"] == "32326041"  # the plan's stated total
    assert total["total_usd"] == "32326043"  # the sum of its 80 cells
    assert total["evaluation"] == "164780" and total["capacity_coordination"] == "8013792"
    assert dict(zip(header, tags, strict=True))["stated_total_usd"] == "#value+total+usd+stated"
    offices = _rows(hxl_dir / "funding_table.csv")[2:]
    column = header.index("total_usd")
    assert sum(int(r[column]) for r in offices) == int(total["total_usd"])
