"""The PDFs of real renders: one A4 PDF per notebook holding what its notebook printed, the
book with one outline entry per sheet, the same bytes from a second render, `--no-pdf`, and
hostile text from a data file printed as text."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pdf_inspect import (
    A4_PT,
    HOSTILE_MARKUP,
    flat_text,
    fonts,
    is_embedded,
    outline_titles,
    page_sizes,
    reader,
    structure,
    xobject_kinds,
)
from worker_stubs import worker_with_tables_after

import rapnb

BOOK = "en/regional_action_plan_2018.pdf"


def render(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`rapnb render` (the English edition, unless `args` names languages)."""
    langs = [] if "--lang" in args else ["--lang", "en"]
    return subprocess.run([sys.executable, "-m", "rapnb", "render", "--out", str(out),
                           "--no-progress", *langs, *args], capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Everything at --jobs 2, then Colombia alone again into the same folder (which makes the
    book again from the installed notebooks)."""
    out = tmp_path_factory.mktemp("pdf") / "out"
    first = render(out, "--jobs", "2")
    before = {rel: (out / rel).read_bytes() for rel in (BOOK, "en/sheets/colombia/colombia.pdf")
              if (out / rel).is_file()}
    second = render(out, "--sheet", "colombia", "--jobs", "1", "--force")
    return {"out": out, "first": first, "second": second, "before": before}


def test_the_render_makes_every_pdf_and_the_book(full: dict[str, Any]) -> None:
    first, out = full["first"], full["out"]
    assert first.returncode == 0, first.stdout + first.stderr
    assert re.search(r"^en/book\s+rendered\s", first.stdout, re.M)
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))
    assert made == sorted([BOOK, "en/regional_overview/regional_overview.pdf",
                           *(f"en/sheets/{s}/{s}.pdf" for s in rapnb.sheets())])


@pytest.mark.parametrize("sheet", rapnb.sheets())
def test_each_sheet_pdf_shows_its_total_and_activities(full: dict[str, Any], sheet: str) -> None:
    pdf = full["out"] / f"en/sheets/{sheet}/{sheet}.pdf"
    assert all(abs(w - A4_PT[0]) <= 1 and abs(h - A4_PT[1]) <= 1 for w, h in page_sizes(pdf))
    text = flat_text(pdf)
    assert f"USD {rapnb.sheet_info(sheet).stated_total_usd:,} as printed on the sheet" in text
    activities = rapnb.sheet_activities()
    ids = activities.loc[activities["sheet_id"] == sheet, "activity_id"]
    assert len(ids) and all(re.search(rf"\b{re.escape(i)}\b", text) for i in ids)
    title = rapnb.sheet_table().set_index("sheet_id").loc[sheet, "sheet_title"]
    meta = reader(pdf).metadata
    assert meta is not None and meta.title == f"{title}: country sheet"
    found = fonts(pdf)
    assert found and all(is_embedded(font) for font in found)
    assert "/Image" not in xobject_kinds(pdf)  # the charts and the map are vectors
    figures = [alt for kind, alt in structure(pdf) if kind == "/Figure"]
    assert figures[0] == f"Location: {title}" or figures[0].startswith(f"Location: {title}. ")
    assert all(alt and alt != "Chart" for alt in figures)  # each chart's own title


def test_printed_numbers_are_the_notebooks(full: dict[str, Any]) -> None:
    """Every number in the HTML's tables is in the PDF: both show what the notebook printed."""
    for rel in ("en/sheets/colombia/colombia", "en/sheets/caribbean/caribbean",
                "en/regional_overview/regional_overview"):
        page = (full["out"] / f"{rel}.html").read_text(encoding="utf-8")
        numbers = {html.unescape(n) for n in re.findall(r'<td class="rapnb-num">([^<]+)</td>',
                                                        page)}
        text = flat_text(full["out"] / f"{rel}.pdf")
        assert numbers and all(n in text for n in numbers), rel
    assert "13,399,999" in flat_text(full["out"] / "en/sheets/colombia/colombia.pdf")
    assert "1,000,022" in flat_text(full["out"] / "en/sheets/caribbean/caribbean.pdf")


def test_the_book_has_an_outline_entry_per_part_and_sheet(full: dict[str, Any]) -> None:
    book = full["out"] / BOOK
    outline = outline_titles(book)
    titles = rapnb.sheet_table().set_index("sheet_id")["sheet_title"]
    sheets = [t for depth, t in outline if depth == 1 and t.endswith(": country sheet")]
    assert sheets == [f"{titles[s]}: country sheet" for s in rapnb.sheets()]
    assert [t for depth, t in outline if depth == 0] == [
        "Regional Action Plan for Venezuelan migration (IOM, 2018): regional overview",
        "Country and subregional sheets", "Sources and colophon"]
    text = flat_text(book)
    assert "Contents" in text and "32,326,041" in text and "13,399,999" in text
    assert reader(book).metadata.title.startswith("IOM Regional Action Plan 2018")
    assert all(is_embedded(font) for font in fonts(book))
    entry = json.loads((full["out"] / "manifest.json").read_text(encoding="utf-8"))[
        "notebooks"]["en/book"]
    assert entry["files"] == [BOOK] and len(entry["sources"]) == 16
    for rel, digest in entry["sources"].items():
        assert hashlib.sha256((full["out"] / rel).read_bytes()).hexdigest() == digest, rel


def test_a_second_render_gives_the_same_bytes(full: dict[str, Any]) -> None:
    second, out, before = full["second"], full["out"], full["before"]
    assert second.returncode == 0, second.stdout + second.stderr
    assert re.search(r"^en/book\s+rendered\s", second.stdout, re.M)  # made again
    assert set(before) == {BOOK, "en/sheets/colombia/colombia.pdf"}
    for rel, data in before.items():
        assert (out / rel).read_bytes() == data, rel


def test_the_book_is_typeset_while_the_tables_task_runs(
        full: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once every notebook is in, the book does not wait for the tables: here the tables task
    itself waits for the new book, and fails if none comes."""
    from rapnb.build import pool, render, report_jobs

    out = tmp_path / "out"
    shutil.copytree(full["out"], out)
    book = out / BOOK
    before = book.stat().st_mtime_ns
    command = worker_with_tables_after(f"""
        deadline = time.monotonic() + 30
        while os.stat({str(book)!r}).st_mtime_ns == {before}:
            if time.monotonic() > deadline:
                sys.exit("no new book while the tables task ran")
            time.sleep(0.05)
        """)
    monkeypatch.setattr(pool, "worker_command", lambda: command)
    report = render(report_jobs(["colombia"], overview=False, langs=["en"]), out, workers=1,
                    force=True, progress=False)
    assert report.exit_code == 0, report.results
    assert [r.name for r in report.results if r.rendered] == ["tables", "en/colombia", "en/book"]
    assert book.stat().st_mtime_ns != before


def test_no_pdf_and_a_partial_render(tmp_path: Path) -> None:
    out = tmp_path / "out"
    quick = render(out, "--sheet", "venezuela", "--no-pdf")
    assert quick.returncode == 0, quick.stderr
    assert (out / "en/sheets/venezuela/venezuela.html").is_file()
    assert list(out.rglob("*.pdf")) == [] and "book" not in quick.stderr
    partial = render(out, "--sheet", "venezuela")
    assert partial.returncode == 0, partial.stderr
    assert [p.name for p in out.rglob("*.pdf")] == ["venezuela.pdf"]
    assert ("no en book yet: en/regional_overview, en/argentina, en/brazil, en/caribbean and 11"
            " more") in partial.stderr
    again = render(out, "--sheet", "venezuela", "--no-pdf")  # the PDF would be out of date
    assert again.returncode == 0 and list(out.rglob("*.pdf")) == []


HOSTILE = [
    *HOSTILE_MARKUP,
]


def test_hostile_text_is_printed_as_text(data_copy: Path, tmp_path: Path) -> None:
    path = data_copy / "government_response.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, peru = rows[0], [r for r in rows if r[0] == "peru"]
    rows = [r for r in rows if r[0] != "peru"]
    for position, line in enumerate(HOSTILE, start=1):
        row = dict(zip(header, peru[0], strict=True))
        rows.append([*{**row, "position": str(position), "measure": line}.values()])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    out = tmp_path / "out"
    done = render(out, "--sheet", "peru", "--data-dir", str(data_copy))
    assert done.returncode == 0, done.stderr[-3000:]
    text = flat_text(out / "en/sheets/peru/peru.pdf")
    for line in HOSTILE:
        assert line in text, line
    assert "root:" not in text
    page = (out / "en/sheets/peru/peru.html").read_text(encoding="utf-8")
    items = [html.unescape(i) for i in re.findall(r"<li>(.*?)</li>", page, re.S)]
    assert items[:len(HOSTILE)] == HOSTILE  # the HTML shows them as written too
    assert "<script>" not in page and "<em>bold</em>" not in page


def test_a_spanish_pdf_is_in_spanish(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = render(out, "--sheet", "colombia", "--lang", "es")
    assert done.returncode == 0, done.stderr[-2000:]
    pdf = out / "es/sheets/colombia/colombia.pdf"
    assert reader(pdf).trailer["/Root"]["/Lang"] == "es"
    assert reader(pdf).metadata.title == "Colombia: ficha de país"
    text = flat_text(pdf)
    assert "Traducción no oficial" in text and "13.399.999" in text and "41,5" in text
