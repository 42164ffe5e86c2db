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
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

from rapnb import __version__
from rapnb.build.pdf_content import headings, notebook_blocks, running_title
from rapnb.build.pdf_markdown import Block
from rapnb.datasets.sources import NATURAL_EARTH, PLAN, TRENDS
from rapnb.present.i18n import N_, UNOFFICIAL, gettext_for

TEMPLATE = Path(__file__).resolve().parent / "templates" / "rapnb_pdf" / "report.typ"
PDF_STANDARDS: tuple[Literal["ua-1"], ...] = ("ua-1",)
"""PDF/UA-1: tagged structure, title and language, alternative text for every figure."""
FONTS = "Libertinus Serif and DejaVu Sans Mono, embedded (the fonts that ship inside Typst)"
OUTLINE_DEPTH = 2
"""Heading levels in the contents and the PDF bookmarks: the book's parts and sheets."""
ROWSPAN_BREAKABLE = 12
"""A table cell spanning more rows than this may break across pages; any other row is kept
on one page."""
KEPT_LIST_ITEMS = 5
"""A list of at most this many items is kept on one page (a sheet's sources: a page break
left one source, or half of one, alone on the last page); a longer list breaks between its
items, never inside one."""
BOOK_NAME = "regional_action_plan_2018.pdf"
LANGUAGE = "en"


def plan_date() -> tuple[int, int, int]:
    """The plan's date (`PLAN["date"]`, e.g. 2018-04) as (year, month, day 1)."""
    year, month = (int(part) for part in str(PLAN["date"]).split("-")[:2])
    return year, month, 1


def plan_month(lang: str = LANGUAGE) -> str:
    """'April 2018' (en), 'abril de 2018' (es): CLDR's month and year."""
    if lang == LANGUAGE:
        year, month, _ = plan_date()
        return f"{calendar.month_name[month]} {year}"
    from babel.dates import format_date

    return format_date(datetime.date(*plan_date()), format="MMMM y", locale=lang)


def _lang(nb: Any) -> str:
    """The language a notebook was rendered in (its papermill parameter `lang`)."""
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    return str(params.get("lang") or LANGUAGE)


def _meta(title: str, running: str, subject: str, lang: str = LANGUAGE) -> dict[str, Any]:
    _ = gettext_for(lang)
    return {
        "title": title,
        "running": running,
        "subject": subject,
        "author": str(PLAN["producer"]),
        "keywords": ["IOM", "Regional Action Plan 2018", "Venezuelan migration", running],
        "lang": lang,
        "date": list(plan_date()),
        "short": _(str(PLAN["short"])),
        "source": _("Source: {plan}, data as published in {month}. Rendered by rapnb"
                    " {version}.").format(plan=_(str(PLAN["short"])), month=plan_month(lang),
                                          version=__version__),
        "page-word": _("Page"), "of-word": _("of"), "contents-word": _("Contents"),
        "outline-depth": OUTLINE_DEPTH,
        "rowspan-breakable": ROWSPAN_BREAKABLE,
        "kept-list-items": KEPT_LIST_ITEMS,
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

    lang = _lang(nb)
    title, running = report_title(nb, name), running_title(nb, name)
    subject = f"{running}: {PLAN['title']}, {PLAN['producer']} ({plan_month(lang)})"
    return {"meta": _meta(title, running, subject, lang),
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


def _cover(sheet_titles: list[str], data_sha256: str, lang: str = LANGUAGE) -> dict[str, Any]:
    _ = gettext_for(lang)
    __, ___, rest = str(PLAN["title"]).partition(") ")
    name, ___, subtitle = rest.partition(": ")
    # i18n: the plan's title and subtitle, as the cover of a translated edition shows them
    N_("Regional Action Plan")
    N_("Strengthening the regional response to the large-scale migration of Venezuelan"
       " nationals in South America, North America, Central America and the Caribbean")
    note = _("{licence} Every number is the plan's, as the executed notebooks of rapnb"
             " {version} print it; the last pages list the sources.").format(
                 licence=_(str(PLAN["licence"])), version=__version__)
    facts = []
    if lang != LANGUAGE:
        facts.append([UNOFFICIAL.get(lang, ""), _(
            "{unofficial}: this edition is the project's own translation of the plan, which IOM"
            " published in English; the English plan is authoritative.").format(
                unofficial=UNOFFICIAL.get(lang, ""))])
    return {
        "kicker": _("International Organization for Migration (IOM)"),
        "title": _(name) if name else str(PLAN["title"]),
        "subtitle": _(subtitle) if subtitle else subtitle,
        "facts": facts + [
            [_("Citation"), f"{PLAN['title']}. {PLAN['producer']}, {PLAN['date']}."],
            [_("Date of the data"), _("{month}: the plan's figures as it prints them").format(
                month=plan_month(lang))],
            [_("Contents"), _("The regional overview, {n} country and subregional sheets in the"
                              " plan's order, and the sources.").format(n=len(sheet_titles))],
            [_("Data files"), _("sha256 fingerprint {sha} (manifest.json)").format(
                sha=data_sha256[:16])],
        ],
        "note": note,
    }


def _colophon(data_sha256: str, lang: str = LANGUAGE) -> list[Block]:
    _ = gettext_for(lang)
    sources = [
        [{"t": f"{src['title']}. ", "i": True},
         {"t": f"{src['producer']}, {src['date']}. {_(str(src['licence']))} {src['path']}"}]
        for src in (PLAN, TRENDS, NATURAL_EARTH)
    ]
    return [
        _heading(1, _("Sources and colophon")),
        _heading(2, _("Sources")),
        {"k": "ul", "items": sources},
        _heading(2, _("How this book was made")),
        _para(("", _("Each part is an executed notebook of ")), ("c", "rapnb render"),
              ("", _(" (<lang>/regional_overview/regional_overview.ipynb and"
                     " <lang>/sheets/<sheet>/<sheet>.ipynb in the output folder): the text,"
                     " tables and charts printed here are the ones the notebook computed, with"
                     " no second computation of any number, and the same as its HTML page."))),
        _para(("", _("Data files: sha256 fingerprint {sha}; manifest.json lists each file with"
                     " its own sha256.").format(sha=data_sha256))),
        _para(("", _("Typeset with Typst (the typst Python package {typst}), A4, tagged"
                     " PDF/UA-1. Fonts: {fonts}. rapnb {version}.").format(
                         typst=version("typst"), fonts=FONTS, version=__version__))),
    ]


def book_document(overview: Any, sheets: list[tuple[str, Any]], data_sha256: str,
                  blocks_of: Callable[[Any], list[Any]] = notebook_blocks) -> dict[str, Any]:
    """The book: cover, contents, the overview, the sheets (`(name, executed notebook)` in
    the plan's order) and the sources, in the language the notebooks were rendered in.
    `blocks_of` gives a notebook's blocks (:func:`notebook_blocks`, or blocks made earlier)."""
    lang = _lang(overview)
    _ = gettext_for(lang)
    titles = [running_title(nb, name) for name, nb in sheets]
    title = _("IOM Regional Action Plan 2018: regional overview and country sheets")
    meta = _meta(title, _("Contents"), _("{title}, {producer} ({month}): the regional overview"
                                         " and the {n} sheets").format(
        title=PLAN["title"], producer=PLAN["producer"], month=plan_month(lang), n=len(titles)),
        lang)
    meta["keywords"] = meta["keywords"][:-1] + titles
    sheet_names = [h.split(": ")[0] for h in titles]
    part = _("Country and subregional sheets")
    parts: list[dict[str, Any]] = [
        {"running": running_title(overview, _("Regional overview")), "shift": 0,
         "pagebreak": True, "blocks": blocks_of(overview)},
        {"running": part, "shift": 0, "pagebreak": True,
         "blocks": [_heading(1, part),
                    _para(("", _("One sheet per implementing office, {n} in the plan's order:"
                                 " {names}.").format(n=len(titles),
                                                     names=", ".join(sheet_names))))]},
    ]
    parts += [{"running": running, "shift": 1, "pagebreak": True, "blocks": blocks_of(nb)}
              for running, (__, nb) in zip(titles, sheets, strict=True)]
    parts.append({"running": _("Sources and colophon"), "shift": 0, "pagebreak": True,
                  "blocks": _colophon(data_sha256, lang)})
    return {"meta": meta, "cover": _cover(titles, data_sha256, lang), "contents": True,
            "parts": parts}


def book_pdf(overview: Any, sheets: list[tuple[str, Any]], data_sha256: str,
             blocks_of: Callable[[Any], list[Any]] = notebook_blocks) -> bytes:
    """The whole plan as one PDF, from executed notebooks (see :func:`book_document`)."""
    return compile_document(book_document(overview, sheets, data_sha256, blocks_of))


def book_titles(overview: Any, sheets: list[tuple[str, Any]]) -> list[str]:
    """The headings the book's outline lists for the overview and each sheet."""
    return [*headings(notebook_blocks(overview), 1),
            *(headings(notebook_blocks(nb), 1)[0] for _, nb in sheets)]
