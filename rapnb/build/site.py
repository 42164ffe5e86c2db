"""The site's front page: `<out>/index.html`, written last by `rapnb render`, over what is
installed in the output folder.

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

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rapnb.build.atomic import atomic_write_text
from rapnb.build.html_export import INDEX_NAME, LANGUAGE_NAMES, TEMPLATE_DIR, TEMPLATE_NAME
from rapnb.build.jobs import OVERVIEW
from rapnb.build.jobs import PACKAGE_ZIP as DATA_PACKAGE_ZIP
from rapnb.build.manifest import MANIFEST_NAME
from rapnb.context import DEFAULT_LANG, Context
from rapnb.present.formatting import escape_html as escape

if TYPE_CHECKING:
    import os

BOOK_NAME = "regional_action_plan_2018.pdf"
WORKBOOK_NAME = "rap_tables.xlsx"
HXL_DIR = "hxl"
_LANG_DIR = re.compile(r"^[a-z]{2}$")
FORMATS = (("html", "HTML"), ("pdf", "PDF"), ("ipynb", "notebook"))


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


def _link(out: Path, rel: str, text: str, hidden: str = "", lang: str | None = None,
          coming: frozenset[str] = frozenset()) -> str:
    """`<a href=rel>text</a>` if `out/rel` exists (or is in `coming`, files the render writes
    right after the index), else ''; `hidden` is read by screen readers only (what the link is
    of, when `text` is as short as 'PDF')."""
    if not (out / rel).is_file() and rel not in coming:
        return ""
    extra = f'<span class="rapnb-sr"> {escape(hidden)}</span>' if hidden else ""
    hreflang = f' hreflang="{escape(lang)}"' if lang else ""
    return f'<a href="{escape(rel)}"{hreflang}>{escape(text)}{extra}</a>'


def _format_links(out: Path, editions_: list[Edition], stem: str, what: str) -> str:
    """'HTML · PDF · notebook' per edition for the page `stem` (without extension)."""
    groups = []
    for edition in editions_:
        label = LANGUAGE_NAMES.get(edition.lang, edition.lang)
        links = [_link(out, f"{edition.prefix}{stem}.{ext}", text, f"of {what} ({label})",
                     edition.lang) for ext, text in FORMATS]
        links = [link for link in links if link]
        if links:
            name = f"{escape(label)}: " if len(editions_) > 1 else ""
            groups.append(name + " · ".join(links))
    return "<br>".join(groups)


def _sheets_table(out: Path, editions_: list[Edition], ctx: Context) -> str:
    from rapnb.present.report import sheets_overview_table

    table = sheets_overview_table(ctx)
    columns = [c for c in table.columns if c != "Sheet"]
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in ["Sheet", *columns, "Read"])
    rows = []
    for sheet_id, row in table.iterrows():
        stem = f"sheets/{sheet_id}/{sheet_id}"
        cells = "".join(
            f'<td class="rapnb-num">{escape(row[c])}</td>' if c in NUMERIC
            else f"<td>{escape(row[c])}</td>" for c in columns)
        links = _format_links(out, editions_, stem, f"the {row['Sheet']} sheet")
        rows.append(f'<tr><th scope="row">{escape(row["Sheet"])}</th>{cells}'
                    f"<td>{links or 'not rendered'}</td></tr>")
    caption = table.attrs.get("rapnb_caption", "The sheets")
    return (f'<table class="rapnb-table">\n<caption>{escape(caption)}</caption>\n'
            f"<thead>\n<tr>{head}</tr>\n</thead>\n<tbody>\n" + "\n".join(rows)
            + "\n</tbody>\n</table>")


NUMERIC = {"Total requested (USD)", "Share of the plan", "Activities"}


def _downloads(out: Path, coming: frozenset[str]) -> str:
    items = [
        _link(out, WORKBOOK_NAME, "Workbook (.xlsx)") + ": every dataset and the funding table"
        " as printed, one sheet each" if (out / WORKBOOK_NAME).is_file() else "",
        _link(out, DATA_PACKAGE_ZIP, "Data package (.zip)") + ": the CSV files with their"
        " Frictionless descriptor, datapackage.json" if (out / DATA_PACKAGE_ZIP).is_file()
        else "",
        _link(out, MANIFEST_NAME, "Manifest (.json)", coming=coming) + ": every file with its"
        " sha256, and what it was rendered from"
        if (out / MANIFEST_NAME).is_file() or MANIFEST_NAME in coming else "",
    ]
    lines = [f"<li>{item}</li>" for item in items if item]
    hxl = sorted(p.name for p in (out / HXL_DIR).glob("*.csv")) if (out / HXL_DIR).is_dir() else []
    if hxl:
        links = ", ".join(_link(out, f"{HXL_DIR}/{name}", name) for name in hxl)
        lines.append(f"<li>HXL CSVs (for HDX), one per table: {links}</li>")
    return "<ul>\n" + "\n".join(lines) + "\n</ul>" if lines else "<p>No downloads rendered.</p>"


def _reports(out: Path, editions_: list[Edition]) -> str:
    items = []
    overview = _format_links(out, editions_, f"{OVERVIEW}/{OVERVIEW}", "the regional overview")
    if overview:
        items.append(f"<li>Regional overview: {overview}</li>")
    books = [_link(out, f"{e.prefix}{BOOK_NAME}", f"{LANGUAGE_NAMES.get(e.lang, e.lang)} (PDF)",
                   "the whole report as one book", e.lang) for e in editions_]
    books = [b for b in books if b]
    if books:
        items.append(f"<li>The whole report as one book: {' · '.join(books)}</li>")
    return "<ul>\n" + "\n".join(items) + "\n</ul>" if items else ""


def _css() -> str:
    return (TEMPLATE_DIR / TEMPLATE_NAME / "static" / "report.css").read_text(encoding="utf-8")


def index_html(out: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None,
               coming: Iterable[str] = ()) -> str:
    """The index page of output folder `out`, from the data in `data_dir` (deterministic);
    `coming` names files written right after it (the manifest), linked as if present."""
    from rapnb.datasets.sources import PLAN
    from rapnb.derived.headline import plan_headline_numbers

    folder = Path(out)
    ctx = Context.create(data_dir)
    found = editions(folder)
    n = plan_headline_numbers(ctx)
    twins = "".join(
        f'\n<a href="{escape(e.prefix)}{INDEX_NAME}" hreflang="{e.lang}" lang="{e.lang}">'
        f"{escape(LANGUAGE_NAMES.get(e.lang, e.lang))}</a>"
        for e in found if e.prefix and (folder / e.prefix / INDEX_NAME).is_file())
    title = "Regional Action Plan for Venezuelan migration (IOM, 2018)"
    headline = (
        f"The plan requests <strong>USD {n['total_usd']:,}</strong> over two years (its cells"
        f" add up to USD {n['computed_usd']:,}) for <strong>{n['countries']} countries</strong>,"
        f" through <strong>{n['offices']} implementing offices</strong> shown on"
        f" <strong>{n['sheets']} sheets</strong>, under <strong>{n['outcomes']} outcomes</strong>"
        f" plus evaluation and an activity framework of {n['activities']} activities.")
    return f"""<!DOCTYPE html>
<html lang="{DEFAULT_LANG}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="generator" content="rapnb">
<title>{escape(title)}: the report</title>
<style>
{_css()}
</style>
</head>
<body class="rapnb-report">
<header class="rapnb-nav">
<nav aria-label="Site">
<a href="{INDEX_NAME}" aria-current="page">All sheets and downloads</a>{twins}
</nav>
</header>
<main>
<h1>{escape(title)}</h1>
<p><cite>{escape(PLAN['title'])}</cite>. {escape(PLAN['producer'])}, {escape(PLAN['date'])}.</p>
<p>{headline}</p>
<h2>The report</h2>
{_reports(folder, found)}
<h2>The sheets</h2>
{_sheets_table(folder, found, ctx)}
<h2>Downloads</h2>
{_downloads(folder, frozenset(coming))}
</main>
</body>
</html>
"""


def warm_up(data_dir: str | os.PathLike[str] | None = None) -> None:
    """Do now what the index page will need whatever the outputs: pandas imported and the
    tables read (a second of the render process's time, spent while the workers run)."""
    from rapnb.present.report import sheets_overview_table

    sheets_overview_table(Context.create(data_dir))


def write_index(out: str | os.PathLike[str], data_dir: str | os.PathLike[str] | None = None
                ) -> list[str]:
    """Write `<out>/index.html` atomically (the render writes the manifest right after, so it
    is linked); return the files written, relative to `out`."""
    atomic_write_text(Path(out) / INDEX_NAME, index_html(out, data_dir, [MANIFEST_NAME]))
    return [INDEX_NAME]


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
