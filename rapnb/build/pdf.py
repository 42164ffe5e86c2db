"""Print-ready PDFs, typeset in-process by Typst (the `typst` package): one per executed
notebook, and the whole plan as one book.

    >>> pdf = notebook_pdf(executed_notebook, "colombia")     # doctest: +SKIP

The layout is one fixed Typst file (`templates/rapnb_pdf/report.typ`); what it lays out is
handed over as JSON in `sys.inputs` (:func:`compile_document`), so no text from a notebook or
a data file ever becomes Typst markup or code: `#read("/etc/passwd")` in a data file is
printed, never run. Output is A4 portrait, tagged and PDF/UA-1 (each chart with its title as
alternative text), with Typst's own embedded fonts only (Libertinus Serif, DejaVu Sans
Mono; system fonts are ignored, so every machine gives the same bytes), and dated with the
plan's date, so the same notebooks give byte-identical PDFs.
"""

from __future__ import annotations

import calendar
import datetime
import json
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

from rapnb import __version__
from rapnb.build.pdf_content import headings, notebook_blocks, running_title
from rapnb.build.pdf_markdown import Block
from rapnb.datasets.sources import NATURAL_EARTH, PLAN, TRENDS

TEMPLATE = Path(__file__).resolve().parent / "templates" / "rapnb_pdf" / "report.typ"
PDF_STANDARDS: tuple[Literal["ua-1"], ...] = ("ua-1",)
"""PDF/UA-1: tagged structure, title and language, alternative text for every figure."""
FONTS = "Libertinus Serif and DejaVu Sans Mono, embedded (the fonts that ship inside Typst)"
OUTLINE_DEPTH = 2
"""Heading levels in the contents and the PDF bookmarks: the book's parts and sheets."""
ROWSPAN_BREAKABLE = 12
"""A table cell spanning more rows than this may break across pages; any other row is kept
on one page."""
BOOK_NAME = "regional_action_plan_2018.pdf"
LANGUAGE = "en"


def plan_date() -> tuple[int, int, int]:
    """The plan's date (`PLAN["date"]`, e.g. 2018-04) as (year, month, day 1)."""
    year, month = (int(part) for part in str(PLAN["date"]).split("-")[:2])
    return year, month, 1


def plan_month() -> str:
    """'April 2018'."""
    year, month, _ = plan_date()
    return f"{calendar.month_name[month]} {year}"


def _meta(title: str, running: str, subject: str) -> dict[str, Any]:
    return {
        "title": title,
        "running": running,
        "subject": subject,
        "author": str(PLAN["producer"]),
        "keywords": ["IOM", "Regional Action Plan 2018", "Venezuelan migration", running],
        "lang": LANGUAGE,
        "date": list(plan_date()),
        "short": str(PLAN["short"]),
        "source": f"Source: {PLAN['short']}, data as published in {plan_month()}."
                  f" Rendered by rapnb {__version__}.",
        "outline-depth": OUTLINE_DEPTH,
        "rowspan-breakable": ROWSPAN_BREAKABLE,
    }


def compile_document(document: dict[str, Any]) -> bytes:
    """The PDF of `document` (`{"meta", "parts", "cover"?, "contents"?}`) laid out by the
    template. The document reaches Typst as one JSON string, never as source text."""
    import typst

    year, month, day = document["meta"]["date"]
    stamp = datetime.datetime(year, month, day, tzinfo=datetime.UTC)
    pdf = typst.compile(
        str(TEMPLATE),
        root=str(TEMPLATE.parent),
        sys_inputs={"doc": json.dumps(document, ensure_ascii=False, sort_keys=True)},
        ignore_system_fonts=True,
        timestamp=stamp,
        pdf_standards=list(PDF_STANDARDS),
    )
    if not isinstance(pdf, bytes):
        raise TypeError(f"typst.compile gave {type(pdf).__name__}, not the PDF's bytes")
    return pdf


def notebook_document(nb: Any, name: str) -> dict[str, Any]:
    """The PDF document of one executed notebook (its title from its first heading)."""
    from rapnb.build.html_export import report_title

    title, running = report_title(nb, name), running_title(nb, name)
    subject = f"{running}: from {PLAN['title']}, {PLAN['producer']} ({plan_month()})"
    return {"meta": _meta(title, running, subject),
            "parts": [{"running": running, "shift": 0, "blocks": notebook_blocks(nb)}]}


def notebook_pdf(nb: Any, name: str) -> bytes:
    """The A4 PDF of executed notebook `nb` (after `figures.add_svgs`): what its HTML shows."""
    return compile_document(notebook_document(nb, name))


def _heading(level: int, text: str) -> Block:
    return {"k": "h", "level": level, "spans": [{"t": text}]}


def _para(*runs: tuple[str, str]) -> Block:
    """A paragraph of (style, text) runs: style '' or 'b', 'i', 'c'."""
    return {"k": "p", "spans": [{"t": text, **({style: True} if style else {})}
                                for style, text in runs]}


def _cover(sheet_titles: list[str], data_sha256: str) -> dict[str, Any]:
    _, _, rest = str(PLAN["title"]).partition(") ")
    name, _, subtitle = rest.partition(": ")
    return {
        "kicker": "International Organization for Migration (IOM)",
        "title": name or str(PLAN["title"]),
        "subtitle": subtitle,
        "facts": [
            ["Citation", f"{PLAN['title']}. {PLAN['producer']}, {PLAN['date']}."],
            ["Date of the data", f"{plan_month()}: the plan's figures as it prints them"],
            ["Contents", f"The regional overview, {len(sheet_titles)} country and subregional"
                         " sheets in the plan's order, and the sources."],
            ["Data files", f"sha256 fingerprint {data_sha256[:16]} (manifest.json)"],
        ],
        "note": f"{PLAN['licence']} Every number is the plan's, as the executed notebooks of"
                f" rapnb {__version__} print it; the last pages list the sources.",
    }


def _colophon(data_sha256: str) -> list[Block]:
    sources = [
        [{"t": f"{src['title']}. ", "i": True},
         {"t": f"{src['producer']}, {src['date']}. {src['licence']} {src['path']}"}]
        for src in (PLAN, TRENDS, NATURAL_EARTH)
    ]
    return [
        _heading(1, "Sources and colophon"),
        _heading(2, "Sources"),
        {"k": "ul", "items": sources},
        _heading(2, "How this book was made"),
        _para(("", "Each part is an executed notebook of "), ("c", "rapnb render"),
              ("", " (regional_overview/regional_overview.ipynb and"
                   " sheets/<sheet>/<sheet>.ipynb in the output folder): the text, tables and"
                   " charts printed here are the ones the notebook computed, with no second"
                   " computation of any number, and the same as its HTML page.")),
        _para(("", f"Data files: sha256 fingerprint {data_sha256}; manifest.json lists each"
                   " file with its own sha256.")),
        _para(("", f"Typeset with Typst (the typst Python package {version('typst')}), A4,"
                   f" tagged PDF/UA-1. Fonts: {FONTS}. rapnb {__version__}.")),
    ]


def book_document(overview: Any, sheets: list[tuple[str, Any]],
                  data_sha256: str) -> dict[str, Any]:
    """The book: cover, contents, the overview, the sheets (`(name, executed notebook)` in
    the plan's order) and the sources."""
    titles = [running_title(nb, name) for name, nb in sheets]
    title = "IOM Regional Action Plan 2018: regional overview and country sheets"
    meta = _meta(title, "Contents", f"{PLAN['title']}, {PLAN['producer']} ({plan_month()}):"
                 " the regional overview and the 15 sheets")
    meta["keywords"] = meta["keywords"][:-1] + titles
    sheet_names = [h.split(": ")[0] for h in titles]
    parts: list[dict[str, Any]] = [
        {"running": running_title(overview, "Regional overview"), "shift": 0,
         "pagebreak": True, "blocks": notebook_blocks(overview)},
        {"running": "Country and subregional sheets", "shift": 0, "pagebreak": True,
         "blocks": [_heading(1, "Country and subregional sheets"),
                    _para(("", f"One sheet per implementing office, {len(titles)} in the"
                               f" plan's order: {', '.join(sheet_names)}."))]},
    ]
    parts += [{"running": running, "shift": 1, "pagebreak": True, "blocks": notebook_blocks(nb)}
              for running, (_, nb) in zip(titles, sheets, strict=True)]
    parts.append({"running": "Sources and colophon", "shift": 0, "pagebreak": True,
                  "blocks": _colophon(data_sha256)})
    return {"meta": meta, "cover": _cover(titles, data_sha256), "contents": True,
            "parts": parts}


def book_pdf(overview: Any, sheets: list[tuple[str, Any]], data_sha256: str) -> bytes:
    """The whole plan as one PDF, from executed notebooks (see :func:`book_document`)."""
    return compile_document(book_document(overview, sheets, data_sha256))


def book_titles(overview: Any, sheets: list[tuple[str, Any]]) -> list[str]:
    """The headings the book's outline lists for the overview and each sheet."""
    return [*headings(notebook_blocks(overview), 1),
            *(headings(notebook_blocks(nb), 1)[0] for _, nb in sheets)]
