"""The site's front pages: `<out>/index.html` and, in each other language rendered,
`<out>/<lang>/index.html`, written last by `rapnb render`, over what is installed in the output
folder.

It shows the plan's title and headline, a table of the sheets (office, countries, total
requested, share, number of activities) with links to each sheet's HTML, PDF and executed
notebook in every rendered language, the overview, the book, and the downloads (workbook, HXL
CSVs, data package zip, manifest). Numbers come from `rapnb.present.report` (the same helpers
the notebooks call); data text is escaped as everywhere else.

A link is made only to a file that exists, found by its expected name, so outputs that other
steps add slot in when they appear:

    [<lang>/]regional_overview/regional_overview.html|.pdf|.ipynb
    [<lang>/]sheets/<id>/<id>.html|.pdf|.ipynb
    [<lang>/]regional_action_plan_2018.pdf           the book
    rap_tables.xlsx, hxl/*.csv, rap_datapackage.zip, manifest.json

An edition is the top level (the default language) or a folder `<out>/<lang>/` (two lowercase
letters) holding an overview or sheets. Every link is relative, so the page works from
`file://` and from any static web server, with no script.
"""

from __future__ import annotations

import json
import numbers
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapnb.build.atomic import atomic_write_text
from rapnb.build.html_export import (
    INDEX_LABEL,
    INDEX_NAME,
    LANGUAGE_NAMES,
    SITE_LABEL,
    TEMPLATE_DIR,
    TEMPLATE_NAME,
)
from rapnb.build.jobs import OVERVIEW
from rapnb.build.jobs import PACKAGE_ZIP as DATA_PACKAGE_ZIP
from rapnb.build.manifest import MANIFEST_NAME
from rapnb.context import DEFAULT_LANG, Context
from rapnb.present.formatting import amount, language_span
from rapnb.present.formatting import escape_html as escape
from rapnb.present.i18n import LANGUAGES as CATALOGS
from rapnb.present.i18n import N_, SOURCE_LANGUAGE, gettext_for, language_name

if TYPE_CHECKING:
    import os

BOOK_NAME = "regional_action_plan_2018.pdf"
WORKBOOK_NAME = "rap_tables.xlsx"
HXL_DIR = "hxl"
_LANG_DIR = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class Edition:
    """One language's pages: `prefix` is '' (the top level) or '<lang>/'."""

    lang: str
    prefix: str


def editions(out: Path) -> list[Edition]:
    """The rendered editions in `out`: the top level first (if it holds pages), then each
    `<lang>/` folder that does, by language code."""
    def has_pages(folder: Path) -> bool:
        return (folder / OVERVIEW).is_dir() or (folder / "sheets").is_dir()

    found = [Edition(DEFAULT_LANG, "")] if has_pages(out) else []
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and _LANG_DIR.match(p.name)):
        if has_pages(folder) and folder.name not in {e.lang for e in found}:
            found.append(Edition(folder.name, f"{folder.name}/"))
    return found


@dataclass(frozen=True)
class _Page:
    """The index page being written: its language, and the folder it is in, relative to the
    top of the output folder ('.' or '<lang>')."""

    lang: str
    folder: str

    @property
    def _(self) -> Callable[[str], str]:
        """The page's catalog."""
        return gettext_for(self.lang)

    def href(self, rel: str) -> str:
        """The relative link from this page to `rel` (a path from the top of the folder)."""
        return posixpath.relpath(rel, self.folder)


def index_rel(lang: str) -> str:
    """Where the index page of `lang` is, relative to the output folder: `index.html` for the
    default language, `<lang>/index.html` for another."""
    return INDEX_NAME if lang == DEFAULT_LANG else f"{lang}/{INDEX_NAME}"


def _link(out: Path, page: _Page, rel: str, text: str, hidden: str = "",
          lang: str | None = None, coming: frozenset[str] = frozenset(),
          text_lang: str | None = None) -> str:
    """`<a href=rel>text</a>` (`rel` from the top of `out`, the href from the page) if
    `out/rel` exists (or is in `coming`, files the render writes right after the index), else
    ''; `hidden` is read by screen readers only (what the link is of, when `text` is as short
    as 'PDF'); `text_lang` is the language of `text` if not the page's."""
    if not (out / rel).is_file() and rel not in coming:
        return ""
    extra = f'<span class="rapnb-sr"> {escape(hidden)}</span>' if hidden else ""
    hreflang = f' hreflang="{escape(lang)}"' if lang else ""
    shown = language_span(escape(text), text_lang, page.lang) if text_lang else escape(text)
    return f'<a href="{escape(page.href(rel))}"{hreflang}>{shown}{extra}</a>'


def _language_label(page: _Page, lang: str) -> str:
    """An edition's language as the page shows it: its own name ('Español')."""
    return language_span(escape(LANGUAGE_NAMES.get(lang, lang)), lang, page.lang)


def _format_links(out: Path, page: _Page, editions_: list[Edition], stem: str,
                  of_what: str) -> str:
    """'HTML · PDF · notebook' per edition for the page `stem` (without extension); `of_what`
    says, for screen readers, what the links are of ('of the Peru sheet')."""
    _ = page._
    groups = []
    for edition in editions_:
        hidden = f"{of_what} ({language_name(edition.lang, page.lang)})"
        links = [_link(out, page, f"{edition.prefix}{stem}.{ext}", _(text), hidden,
                       edition.lang) for ext, text in FORMATS]
        links = [link for link in links if link]
        if links:
            name = f"{_language_label(page, edition.lang)}: " if len(editions_) > 1 else ""
            # one line per edition: its links do not wrap apart in a narrow column
            groups.append(f'<span class="rapnb-links">{name}{" · ".join(links)}</span>')
    return "<br>".join(groups)


SheetsTable = dict[str, Any]
"""The sheets table of one language as plain JSON values (`sheets_table`): `caption`, the
`columns` (translated, the sheet's name first) and `rows`, each `[sheet_id, [cell, ...]]`."""


def sheets_table(data_dir: str | os.PathLike[str] | None, lang: str) -> SheetsTable:
    """The index's sheets table in `lang` (`sheets_overview_table`, which needs pandas)."""
    from rapnb.present.report import sheets_overview_table

    _ = gettext_for(lang)
    table = sheets_overview_table(Context.create(data_dir, lang))
    sheet = _(SHEET_COLUMN)
    columns = [sheet, *(c for c in table.columns if c != sheet)]
    rows = [[str(sheet_id), [_plain(row[c]) for c in columns]]
            for sheet_id, row in table.iterrows()]
    return {"caption": table.attrs.get("rapnb_caption", _("The sheets")),
            "columns": columns, "rows": rows}


def _plain(value: object) -> str | int:
    """A cell as JSON keeps it: a count (a Python or numpy integer) as int, the rest as the
    text shown."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    return str(value)


def _is_sheets_table(table: object) -> bool:
    """Whether `table` has the shape `sheets_table` gives (a caption, columns, and rows of a
    sheet id and one cell per column)."""
    if not isinstance(table, dict) or not isinstance(table.get("caption"), str):
        return False
    columns, rows = table.get("columns"), table.get("rows")
    return (isinstance(columns, list) and bool(columns) and isinstance(rows, list)
            and all(isinstance(row, list) and len(row) == 2 and isinstance(row[0], str)
                    and isinstance(row[1], list) and len(row[1]) == len(columns)
                    for row in rows))


def read_sheets_tables(path: Path) -> dict[str, SheetsTable]:
    """The sheets tables a tables worker wrote to `path` (`sheets_tables`), each language's
    kept only if it has the right shape; {} if the file is missing or unreadable (the index
    then makes its table itself)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {lang: table for lang, table in found.items()
            if lang in CATALOGS and _is_sheets_table(table)}


def sheets_tables(data_dir: str | os.PathLike[str] | None) -> dict[str, SheetsTable]:
    """`sheets_table` in every language rapnb has a catalog for: what a process that has the
    tables loaded (the render's tables worker) hands the index page, so that the render
    process need not import pandas."""
    return {lang: sheets_table(data_dir, lang) for lang in CATALOGS}


def _sheets_table(out: Path, page: _Page, editions_: list[Edition], table: SheetsTable) -> str:
    """The table of the sheets (`sheets_table`), each linked in every edition."""
    _ = page._
    numeric = {_(c) for c in NUMERIC}
    sheet, *columns = table["columns"]
    head = "".join(f'<th scope="col">{escape(c)}</th>'
                   for c in [sheet, *columns, _("Read")])
    rows = []
    for sheet_id, (name, *values) in table["rows"]:
        stem = f"sheets/{sheet_id}/{sheet_id}"
        cells = "".join(
            f'<td class="rapnb-num">{escape(v)}</td>' if c in numeric else f"<td>{escape(v)}</td>"
            for c, v in zip(columns, values, strict=True))
        of_what = _("of the {sheet} sheet").format(sheet=name)
        links = _format_links(out, page, editions_, stem, of_what)
        links = links or escape(_("not rendered"))
        rows.append(f'<tr><th scope="row">{escape(name)}</th>{cells}'
                    f"<td>{links}</td></tr>")
    caption = table["caption"]
    # On a narrow screen the table scrolls by itself, not the page; a keyboard reaches it.
    return (f'<div class="rapnb-wide" role="region" aria-label="{escape(caption)}"'
            ' tabindex="0">\n'
            f'<table class="rapnb-table">\n<caption>{escape(caption)}</caption>\n'
            f"<thead>\n<tr>{head}</tr>\n</thead>\n<tbody>\n" + "\n".join(rows)
            + "\n</tbody>\n</table>\n</div>")


SHEET_COLUMN = N_("Sheet")
NUMERIC = (N_("Total requested (USD)"), N_("Share of the plan"), N_("Activities"))
"""The sheets table's columns of numbers (English, as `sheets_overview_table` names them)."""
FORMATS = (("html", N_("HTML")), ("pdf", N_("PDF")), ("ipynb", N_("notebook")))


def _downloads(out: Path, page: _Page, coming: frozenset[str]) -> str:
    """The list of downloads present (or `coming`): workbook, data package, manifest, HXL."""
    _ = page._
    items = [
        _link(out, page, WORKBOOK_NAME, _("Workbook (.xlsx)")) + ": "
        + escape(_("every dataset and the funding table as printed, one sheet each"))
        if (out / WORKBOOK_NAME).is_file() else "",
        _link(out, page, DATA_PACKAGE_ZIP, _("Data package (.zip)")) + ": "
        + escape(_("the CSV files with their Frictionless descriptor, datapackage.json"))
        if (out / DATA_PACKAGE_ZIP).is_file() else "",
        _link(out, page, MANIFEST_NAME, _("Manifest (.json)"), coming=coming) + ": "
        + escape(_("every file with its sha256, and what it was rendered from"))
        if (out / MANIFEST_NAME).is_file() or MANIFEST_NAME in coming else "",
    ]
    lines = [f"<li>{item}</li>" for item in items if item]
    hxl = sorted(p.name for p in (out / HXL_DIR).glob("*.csv")) if (out / HXL_DIR).is_dir() else []
    if hxl:
        links = ", ".join(_link(out, page, f"{HXL_DIR}/{name}", name) for name in hxl)
        label = escape(_("HXL CSVs (for HDX), one per table:"))
        lines.append(f"<li>{label} {links}</li>")
    if not lines:
        return "<p>" + escape(_("No downloads rendered.")) + "</p>"
    return "<ul>\n" + "\n".join(lines) + "\n</ul>"


def _reports(out: Path, page: _Page, editions_: list[Edition]) -> str:
    """The overview in every edition, and each edition's book."""
    _ = page._
    items = []
    overview = _format_links(out, page, editions_, f"{OVERVIEW}/{OVERVIEW}",
                             _("of the regional overview"))
    if overview:
        items.append("<li>" + escape(_("Regional overview:")) + f" {overview}</li>")
    whole = _("the whole report as one book")
    books = [_link(out, page, f"{e.prefix}{BOOK_NAME}",
                   f"{LANGUAGE_NAMES.get(e.lang, e.lang)} (PDF)", whole, e.lang,
                   text_lang=e.lang)
             for e in editions_]
    books = [b for b in books if b]
    if books:
        label = escape(_("The whole report as one book:"))
        items.append(f"<li>{label} {' · '.join(books)}</li>")
    return "<ul>\n" + "\n".join(items) + "\n</ul>" if items else ""


def _css() -> str:
    """The report pages' style sheet, inlined (the page loads nothing)."""
    return (TEMPLATE_DIR / TEMPLATE_NAME / "static" / "report.css").read_text(encoding="utf-8")


def _headline(ctx: Context, page: _Page) -> str:
    from rapnb.derived.headline import plan_headline_numbers

    n = plan_headline_numbers(ctx)
    return page._(HEADLINE).format(
        total=amount(n["total_usd"], page.lang), computed=amount(n["computed_usd"], page.lang),
        countries=n["countries"], offices=n["offices"], sheets=n["sheets"],
        outcomes=n["outcomes"], activities=n["activities"])


HEADLINE = N_(
    "The plan requests <strong>USD {total}</strong> over two years (its cells add up to USD"
    " {computed}) for <strong>{countries} countries</strong>, through <strong>{offices}"
    " implementing offices</strong> shown on <strong>{sheets} sheets</strong>, under"
    " <strong>{outcomes} outcomes</strong> plus evaluation and an activity framework of"
    " {activities} activities.")
TITLE = N_("Regional Action Plan for Venezuelan migration (IOM, 2018)")


def index_html(out: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None,
               coming: Iterable[str] = (), lang: str = DEFAULT_LANG,
               sheets: SheetsTable | None = None) -> str:
    """The index page of output folder `out` in language `lang` (at `index_rel(lang)`), from
    the data in `data_dir` (deterministic); `coming` names files written right after it (the
    manifest), linked as if present; `sheets` is `sheets_table(data_dir, lang)` if already
    made (else made here)."""
    folder, coming = Path(out), frozenset(coming)
    page = _Page(lang, posixpath.dirname(index_rel(lang)) or ".")
    _ = page._
    ctx = Context.create(data_dir, lang)
    found = sorted(editions(folder), key=lambda e: e.lang != lang)  # the page's own first
    title = _(TITLE)
    heads = {"page": _("{title}: the report").format(title=title), "report": _("The report"),
             "sheets": _("The sheets"), "downloads": _("Downloads")}
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="rapnb">
<title>{escape(heads["page"])}</title>
<style>
{_css()}
</style>
</head>
<body class="rapnb-report">
{_nav(folder, page, found, coming)}
<main>
{_opening(ctx, page, title)}
<h2>{escape(heads["report"])}</h2>
{_reports(folder, page, found)}
<h2>{escape(heads["sheets"])}</h2>
{_sheets_table(folder, page, found, sheets_table(data_dir, lang) if sheets is None else sheets)}
<h2>{escape(heads["downloads"])}</h2>
{_downloads(folder, page, coming)}
</main>
</body>
</html>
"""


def _nav(out: Path, page: _Page, found: list[Edition], coming: frozenset[str]) -> str:
    """The bar on top: this page (the index), and the index in each other language there is
    (or is `coming`)."""
    _ = page._
    twins = []
    for edition in _index_editions(found):
        rel = index_rel(edition.lang)
        if edition.lang != page.lang and ((out / rel).is_file() or rel in coming):
            name = escape(LANGUAGE_NAMES.get(edition.lang, edition.lang))
            twins.append(f'\n<a href="{escape(page.href(rel))}" hreflang="{edition.lang}"'
                         f' lang="{edition.lang}">{name}</a>')
    return (f'<header class="rapnb-nav">\n<nav aria-label="{escape(_(SITE_LABEL))}">\n'
            f'<a href="{INDEX_NAME}" aria-current="page">{escape(_(INDEX_LABEL))}</a>'
            f'{"".join(twins)}\n</nav>\n</header>')


def _opening(ctx: Context, page: _Page, title: str) -> str:
    """The title, the unofficial-translation note (not in English), the plan cited as
    printed (in English, marked so on a page in another language) and the headline."""
    from rapnb.datasets.sources import PLAN

    note = (f'\n<p class="rapnb-unofficial"><em>{escape(_unofficial(ctx))}</em></p>'
            if page.lang != DEFAULT_LANG else "")
    source_lang = "" if page.lang == SOURCE_LANGUAGE else f' lang="{SOURCE_LANGUAGE}"'
    citation = (f"<cite>{escape(PLAN['title'])}</cite>. {escape(PLAN['producer'])},"
                f" {escape(PLAN['date'])}.")
    return (f"<h1>{escape(title)}</h1>{note}\n<p{source_lang}>{citation}</p>\n"
            f"<p>{_headline(ctx, page)}</p>")


def _unofficial(ctx: Context) -> str:
    """The unofficial-translation note the other language's pages start with, as text."""
    from rapnb.present.report import unofficial_note

    return unofficial_note(ctx).strip().strip("*")


def _index_editions(found: list[Edition]) -> list[Edition]:
    """The editions that get an index page of their own language: the default language's
    (always, at the top), and each other edition whose language rapnb has a catalog for."""
    langs = dict.fromkeys([DEFAULT_LANG, *(e.lang for e in found if e.lang in CATALOGS)])
    return [Edition(lang, "" if lang == DEFAULT_LANG else f"{lang}/") for lang in langs]


def warm_up(data_dir: str | os.PathLike[str] | None = None) -> None:
    """Do now what the index page's sheets table needs when no tables worker hands it over
    (`sheets_tables`): pandas imported and the tables read (0.8 s of the render process's
    CPU, spent while the workers run)."""
    from rapnb.present.report import sheets_overview_table

    sheets_overview_table(Context.create(data_dir))


def write_index(out: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None,
                sheets: Mapping[str, SheetsTable] | None = None) -> list[str]:
    """Write the index pages atomically: `<out>/index.html`, and `<out>/<lang>/index.html` in
    the language of each other edition (the render writes the manifest right after, so it is
    linked); return the files written, relative to `out`. `sheets` holds `sheets_table` of
    some languages if already made (`sheets_tables`)."""
    folder = Path(out)
    langs = [edition.lang for edition in _index_editions(editions(folder))]
    written = [index_rel(lang) for lang in langs]
    done: list[str] = []
    try:
        for lang, rel in zip(langs, written, strict=True):
            atomic_write_text(folder / rel, index_html(
                folder, data_dir, [MANIFEST_NAME, *written], lang, (sheets or {}).get(lang)))
            done.append(rel)
    except OSError:  # a full disk: no index page left that the manifest would not list
        for rel in done:
            (folder / rel).unlink(missing_ok=True)
        raise
    return written


def index_missing(out: str | os.PathLike[str]) -> bool:
    """Whether an index page `write_index` would write is not in `out`."""
    folder = Path(out)
    return any(not (folder / index_rel(e.lang)).is_file()
               for e in _index_editions(editions(folder)))


def add_to_manifest(built: dict[str, object], out: str | os.PathLike[str],
                    files: list[str]) -> dict[str, object]:
    """`built` (a manifest from `rapnb.build.manifest.build`) with the site's files listed:
    under `files` with their sha256 and size, and as `site: {"files": [...]}`."""
    from rapnb.build.manifest import file_entry

    listed = dict(built.get("files", {}))  # type: ignore[call-overload]
    for rel in files:
        if (Path(out) / rel).is_file():
            listed[rel] = file_entry(Path(out) / rel)
    built["files"] = dict(sorted(listed.items()))
    built["site"] = {"files": sorted(files)}
    return built
