"""PDFs typeset from small executed notebooks: A4, metadata, embedded fonts, tags and
alternative text, tables and headings kept whole, the book's contents and outline, hostile
text printed as text, and the same bytes every time."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pdf_inspect import (
    A4_PT,
    HOSTILE_MARKUP,
    catalog,
    flat_text,
    fonts,
    is_embedded,
    marked_languages,
    outline_titles,
    page_sizes,
    reader,
    structure,
)

from rapnb.build.pdf import book_pdf, notebook_pdf
from rapnb.present.display import VEGALITE_MIME
from rapnb.present.formatting import bullets, escape

HOSTILE = [
    *HOSTILE_MARKUP,
    '#set page(paper: "a5") ]) } #panic("owned")',
]


def _svg(label: str, width: int = 400, height: int = 120) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
            f' viewBox="0 0 {width} {height}"><rect width="{width}" height="{height}"'
            f' fill="#eee"/><text x="10" y="40" font-family="Helvetica, Arial, sans-serif"'
            f' font-size="14">{label}</text></svg>')


def _chart(label: str, title: str, **size: int) -> dict:
    spec = {"mark": "bar", "title": {"text": title, "subtitle": ["Source: a test"]}}
    return new_output("display_data", {VEGALITE_MIME: spec, "image/svg+xml": _svg(label, **size),
                                       "text/plain": "<figure>"})


def _shown(markdown: str) -> dict:
    return new_output("execute_result", {"text/markdown": markdown, "text/plain": markdown},
                      execution_count=1)


def _html(frame: pd.DataFrame) -> dict:
    return new_output("execute_result", {"text/html": frame.to_html(), "text/plain": "frame"},
                      execution_count=1)


def sheet_notebook(title: str = "Atlantis", measures: list[str] | None = None) -> object:
    funding = pd.DataFrame({"Outcome": ["1 Data", "TOTAL as printed in the plan"],
                            "USD": ["1,745,950", "13,399,999"]}).set_index("Outcome")
    return new_notebook(cells=[
        new_markdown_cell("Left out: REMOVED-CELL", metadata={"tags": ["remove-cell"]}),
        new_code_cell("report.sheet_heading(info)", outputs=[
            _shown(f"# {escape(title)}: country sheet"),
            new_output("stream", name="stderr", text="STDERR-NOT-SHOWN"),
        ]),
        new_markdown_cell("## Funding requested per outcome\n\nThe sheet's *amounts*."),
        new_code_cell("table", outputs=[_html(funding)]),
        new_code_cell("chart", outputs=[_chart("DRAWN-LABEL", f"{title}: funding per outcome")]),
        new_markdown_cell("## The government's response"),
        new_code_cell("bullets", outputs=[_shown(bullets(measures or ["One measure"]).text)]),
    ])


@pytest.fixture(scope="module")
def sheet_pdf() -> bytes:
    return notebook_pdf(sheet_notebook(measures=HOSTILE), "atlantis")


def test_a4_with_title_language_and_plan_metadata(sheet_pdf: bytes) -> None:
    assert page_sizes(sheet_pdf) and all(
        abs(w - A4_PT[0]) < 1 and abs(h - A4_PT[1]) < 1 for w, h in page_sizes(sheet_pdf))
    info = reader(sheet_pdf).metadata
    assert info is not None and info.title == "Atlantis: country sheet"
    assert "Regional Action Plan" in (info.subject or "")
    assert (info.creator or "").startswith("Typst")
    assert str(catalog(sheet_pdf)["/Lang"]) == "en"
    assert re.fullmatch(r"D:20180401000000Z?(00'?00'?)?", str(info["/CreationDate"]))


def test_what_the_notebook_shows_and_nothing_else(sheet_pdf: bytes) -> None:
    text = flat_text(sheet_pdf)
    for shown in ("Atlantis: country sheet", "1,745,950", "13,399,999", "DRAWN-LABEL",
                  "TOTAL as printed in the plan", "Funding requested per outcome"):
        assert shown in text
    assert "REMOVED-CELL" not in text and "STDERR-NOT-SHOWN" not in text
    assert "IOM Regional Action Plan (2018)" in text  # the running header
    assert "Page 1 of 1" in text  # the footer


def test_hostile_text_is_printed_as_written(sheet_pdf: bytes) -> None:
    text = flat_text(sheet_pdf)
    for line in HOSTILE:
        assert " ".join(line.split()) in text, line
    assert "root:" not in text
    assert all(abs(w - A4_PT[0]) < 1 for w, _ in page_sizes(sheet_pdf))  # no #set page ran


def test_fonts_are_embedded_and_the_drawing_is_text(sheet_pdf: bytes) -> None:
    found = fonts(sheet_pdf)
    assert found and all(is_embedded(font) for font in found)
    names = {str(font.get("/BaseFont")) for font in found}
    assert any("Libertinus" in name for name in names)


def test_tagged_with_the_charts_alternative_text(sheet_pdf: bytes) -> None:
    assert catalog(sheet_pdf)["/MarkInfo"]["/Marked"]
    xmp = catalog(sheet_pdf)["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp  # declared PDF/UA-1 (Typst checks it)
    elements = structure(sheet_pdf)
    figures = [alt for kind, alt in elements if kind == "/Figure"]
    assert figures == ["Atlantis: funding per outcome. Source: a test"]
    kinds = {kind for kind, _ in elements}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI"} <= kinds


def test_the_same_notebook_gives_the_same_bytes(sheet_pdf: bytes) -> None:
    assert notebook_pdf(sheet_notebook(measures=HOSTILE), "atlantis") == sheet_pdf
    assert notebook_pdf(sheet_notebook(measures=HOSTILE[:1]), "atlantis") != sheet_pdf


def test_long_tables_repeat_their_header_and_keep_rows_whole() -> None:
    rows = [f"ROW{i:03d} " + "words " * (20 + 13 * (i % 4)) + f"END{i:03d}" for i in range(70)]
    frame = pd.DataFrame({"Activity": [f"O1.A{i}" for i in range(70)],
                          "As worded on the sheet": rows}).set_index("Activity")
    nb = new_notebook(cells=[new_markdown_cell("# Long: country sheet"),
                             new_code_cell("t", outputs=[_html(frame)])])
    pages = [" ".join(page.extract_text().split()) for page in reader(notebook_pdf(nb, "long"))
             .pages]
    assert len(pages) >= 3
    for page in pages:
        assert "Activity As worded on the sheet" in page  # the header row on every page
    for i in range(70):
        where = [n for n, page in enumerate(pages) if f"ROW{i:03d}" in page]
        assert len(where) == 1 and f"END{i:03d}" in pages[where[0]], i  # never split


def test_headings_stay_with_their_figure() -> None:
    cells = [new_markdown_cell("# Figures: country sheet")]
    for n in range(12):
        cells += [new_markdown_cell(f"## Section {n:02d}"),
                  new_code_cell("c", outputs=[_chart(f"FIG{n:02d}", f"Chart {n}", height=300)])]
    pages = [page.extract_text() for page in reader(notebook_pdf(new_notebook(cells=cells),
                                                                 "figures")).pages]
    assert len(pages) >= 4
    for n in range(12):
        heading = [p for p, text in enumerate(pages) if f"Section {n:02d}" in text]
        drawing = [p for p, text in enumerate(pages) if f"FIG{n:02d}" in text]
        assert heading == drawing and len(heading) == 1, n


def _overview() -> object:
    return new_notebook(cells=[
        new_markdown_cell("# Regional Action Plan for Venezuelan migration (IOM, 2018):"
                          " regional overview\n\nThe plan requests **USD 32,326,041**."),
        new_markdown_cell("## 1. Where Venezuelans went"),
        new_code_cell("c", outputs=[_chart("OVERVIEW-MAP", "Figure 1. Stock")]),
    ])


def test_the_book_has_cover_contents_parts_and_outline() -> None:
    sheets = [("atlantis", sheet_notebook("Atlantis")), ("utopia", sheet_notebook("Utopia"))]
    book = book_pdf(_overview(), sheets, "f" * 64)
    assert book == book_pdf(_overview(), sheets, "f" * 64)
    outline = outline_titles(book)
    tops = [title for depth, title in outline if depth == 0]
    assert tops == ["Regional Action Plan for Venezuelan migration (IOM, 2018): regional overview",
                    "Country and subregional sheets", "Sources and colophon"]
    assert [(1, "Atlantis: country sheet"), (1, "Utopia: country sheet")] == [
        item for item in outline if item[1].endswith("country sheet")]
    pages = [" ".join(p.extract_text().split()) for p in reader(book).pages]
    assert "Regional Action Plan" in pages[0] and "April 2018" in pages[0]  # the cover
    assert "Page" not in pages[0]  # no header or footer on the cover
    contents = pages[1]
    sheet_page = next(n for n, p in enumerate(pages) if "Utopia: country sheet" in p and n > 1)
    assert re.search(rf"Utopia: country sheet[ .]*{sheet_page + 1}\b", contents)
    assert "Utopia: country sheet" in pages[sheet_page].split("Page")[0]  # running header
    assert f"Page {sheet_page + 1} of {len(pages)}" in pages[sheet_page]
    assert "Natural Earth" in pages[-1] and "ffffffffffffffff" in pages[-1]  # the colophon
    assert {"/H1", "/H2", "/TOC"} <= {kind for kind, _ in structure(book)}


def test_skipped_heading_levels_are_closed_up() -> None:
    """PDF/UA refuses an outline that jumps from level 1 to 3: such headings move up."""
    nb = new_notebook(cells=[new_markdown_cell("# Top\n\n### Jumped\n\n#### Deeper\n\n# Next")])
    kinds = [kind for kind, _ in structure(notebook_pdf(nb, "levels")) if kind.startswith("/H")]
    assert kinds == ["/H1", "/H2", "/H3", "/H1"]


def test_a_cell_in_another_language_is_tagged_with_it() -> None:
    from rapnb.present.tables import in_language, table_html

    frame = in_language(pd.DataFrame({"Nota": ["una nota"], "Texto impreso": ["Fist line"]}),
                        "en", ["Texto impreso"])
    html = new_output("display_data", data={"text/html": table_html(frame)})
    nb = new_notebook(cells=[new_markdown_cell("# Ficha: país"),
                             new_code_cell("t", outputs=[html])],
                      metadata={"papermill": {"parameters": {"lang": "es"}}})
    pdf = notebook_pdf(nb, "ficha")
    assert pdf.count(b"/Lang(en)") == 1 and b"/Lang(es)" in pdf  # the cell, and the page
    plain = in_language(pd.DataFrame({"Nota": ["una nota"], "Texto impreso": ["Fist line"]}),
                        "en", [])
    nb.cells[1].outputs = [new_output("display_data", data={"text/html": table_html(plain)})]
    assert b"/Lang(en)" not in notebook_pdf(nb, "ficha")


def test_a_run_of_prose_in_another_language_is_tagged_with_it() -> None:
    """A translation's prose citing an English title (`<span lang="en">`): /Lang(en) on it."""
    text = 'Los valores provienen de <span lang="en">*Migration Trends in the Americas*</span>.'
    nb = new_notebook(cells=[new_markdown_cell("# Ficha: país"), new_markdown_cell(text)],
                      metadata={"papermill": {"parameters": {"lang": "es"}}})
    pdf = notebook_pdf(nb, "ficha")
    assert marked_languages(pdf) == ["en"] and str(catalog(pdf)["/Lang"]) == "es"
    assert "Los valores provienen de Migration Trends in the Americas." in flat_text(pdf)
    nb.cells[1].source = text.replace('<span lang="en">', "").replace("</span>", "")
    assert "en" not in marked_languages(notebook_pdf(nb, "ficha"))


def _pages_of(pdf: bytes, marks: list[str]) -> list[list[int]]:
    pages = [" ".join(page.extract_text().split()) for page in reader(pdf).pages]
    return [[n for n, page in enumerate(pages) if mark in page] for mark in marks]


def test_a_short_list_and_its_label_stay_on_one_page_and_items_are_never_split() -> None:
    """Wherever the page break falls (the filler before them grows line by line), the bold
    label and the four items of a sources list share a page, and each item of a long list
    (16 items, more than a page) starts and ends on the same page."""
    sources = "**Sources**\n\n" + "\n".join(
        f"- SRC{i}-START " + "cited words " * 30 + f"SRC{i}-END" for i in range(4))
    long_list = "\n".join(f"- ITEM{i:02d}-START " + "words " * 80 + f"ITEM{i:02d}-END"
                          for i in range(16))
    split_before = 0
    for lines in range(28, 46, 2):
        filler = "\n\n".join(f"Filler paragraph {n}." for n in range(lines))
        nb = new_notebook(cells=[new_markdown_cell("# Lists: country sheet\n\n" + filler),
                                 new_markdown_cell(sources)])
        marks = ["Sources", *(f"SRC{i}-{end}" for i in range(4) for end in ("START", "END"))]
        where = _pages_of(notebook_pdf(nb, "lists"), marks)
        assert all(len(w) == 1 for w in where) and len({w[0] for w in where}) == 1, lines
        split_before += where[0][0] == 1  # the page break fell before the label
        nb = new_notebook(cells=[new_markdown_cell("# Lists: country sheet\n\n" + filler),
                                 new_markdown_cell(long_list)])
        ends = [f"ITEM{i:02d}-{end}" for i in range(16) for end in ("START", "END")]
        where = _pages_of(notebook_pdf(nb, "lists"), ends)
        assert all(len(w) == 1 for w in where), lines
        assert all(where[2 * i] == where[2 * i + 1] for i in range(16)), lines
        assert len({w[0] for w in where}) > 1, lines  # a long list does break (between items)
    assert 0 < split_before < 9  # the fillers put the break before the list and after it
