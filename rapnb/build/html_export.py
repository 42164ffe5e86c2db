"""Executed notebook -> one self-contained HTML report that draws with no network access.

The template `rapnb/templates/rapnb_report` keeps JupyterLab's cell layout but drops every
script (require.js, MathJax, mermaid, widgets) and every remote stylesheet; charts are the inline
SVG outputs. Code inputs, prompts, stderr streams and cells tagged `remove-cell` are left out;
`remove-input` and `remove-output` tags are honoured too.

Every page opens with a navigation bar (:func:`page_links`): a relative link to the site's
index (`<out>/index.html`, written by `rapnb.build.site`) and one to the same page in each other
rendered language, so the site works from `file://` and from any static server.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from rapnb.context import DEFAULT_LANG
from rapnb.present.i18n import N_
from rapnb.present.svg import renumber_ids, strip_xml_prolog

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "rapnb_report"
INDEX_NAME = "index.html"
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
"""How a link to another language's edition names it (in that language)."""
DISPLAY_PRIORITY = [
    "image/svg+xml",
    "text/html",
    "text/markdown",
    "image/png",
    "image/jpeg",
    "text/plain",
]

_REMOTE = r"(?:https?:)?//"
_NETWORK_PATTERNS = {
    "src": re.compile(rf"""\bsrc\s*=\s*["']?\s*{_REMOTE}""", re.I),
    "srcset": re.compile(rf"""\bsrcset\s*=\s*["']?[^"'>]*{_REMOTE}""", re.I),
    "link href": re.compile(rf"""<link\b[^>]*\bhref\s*=\s*["']?\s*{_REMOTE}""", re.I),
    "@import": re.compile(r"@import\b", re.I),
    "url()": re.compile(rf"""url\(\s*["']?\s*{_REMOTE}""", re.I),
}
NUMBER_TEXT = r"(?:USD\s*)?[-+\u2212]?\d[\d,.\u00a0 ]*%?"
"""A table cell that holds only a number (`1,234`, `USD 5`, `-5.5`, `41.5%`): right-aligned."""
_NUMERIC_TD = re.compile(rf"<td>\s*({NUMBER_TEXT}|&lt;NA&gt;|N\.A\.)\s*</td>")


class HtmlExportError(RuntimeError):
    """The exported HTML would load something from the network."""


def network_references(html: str) -> list[str]:
    """Every place in `html` that would make a browser fetch a remote resource.

    Looks for remote `src=`/`srcset=`, `<link href=...>`, `@import` and `url(http...)`.
    Navigation links (`<a href="https://...">`) load nothing and are not reported.
    """
    found = []
    for label, pattern in _NETWORK_PATTERNS.items():
        for match in pattern.finditer(html):
            start = max(match.start() - 40, 0)
            found.append(f"{label}: ...{html[start:match.end() + 40]}...")
    for tag in re.finditer(r"<(image|use|feImage|script)\b[^>]*>", html, re.I):
        if re.search(rf"""href\s*=\s*["']?\s*{_REMOTE}""", tag.group(0), re.I):
            found.append(f"{tag.group(1)} href: {tag.group(0)[:120]}")
    return found


def mark_numeric_cells(html: str) -> str:
    """Give table cells that hold only a number (`1,234`, `-5.5`, `41.5%`) class `rapnb-num`."""
    return _NUMERIC_TD.sub(r'<td class="rapnb-num">\1</td>', html)


def _shown(data: dict[str, Any]) -> dict[str, Any]:
    """The one representation of an output the report shows (DISPLAY_PRIORITY order)."""
    for mime in DISPLAY_PRIORITY:
        if mime in data:
            return {mime: data[mime]}
    return {}


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def prepare_for_html(nb: Any) -> tuple[Any, dict[str, str]]:
    """A light copy of `nb` for the template, and the SVGs it leaves out.

    Stderr streams are dropped, each output keeps only the representation the report shows
    (not the Vega-Lite specs), and numeric table cells are marked for right alignment. Each
    SVG is made safe to inline (its ids scoped to the figure) and replaced by a placeholder
    key, so that nbconvert never copies, validates or re-parses the drawings;
    :func:`notebook_to_html` puts them back.
    """
    import nbformat

    svgs: dict[str, str] = {}
    cells = []
    for cell in nb.cells:
        cell = {**cell}
        if cell.get("cell_type") == "code":
            outputs = []
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    continue
                output = {**output}
                if "data" in output:
                    data = _shown(output["data"])
                    if "text/html" in data:
                        data["text/html"] = mark_numeric_cells(_text(data["text/html"]))
                    if "image/svg+xml" in data:
                        key = f"rapnb-svg-placeholder-{len(svgs) + 1:04d}"
                        svgs[key] = renumber_ids(
                            strip_xml_prolog(_text(data["image/svg+xml"])),
                            f"rapnb-f{len(svgs) + 1}-",
                        )
                        data["image/svg+xml"] = key
                    output["data"] = data
                outputs.append(output)
            cell["outputs"] = outputs
        cells.append(cell)
    return nbformat.from_dict({**nb, "cells": cells}), svgs


@functools.cache
def _exporter() -> Any:
    """The report's HTML exporter, built once per process (it compiles its templates)."""
    from traitlets.config import Config

    from rapnb.build.nbconvert_private import ReportHTMLExporter

    config = Config()
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    config.Exporter.optimistic_validation = True  # validate once, not after each preprocessor
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = ("remove-cell",)
    config.TagRemovePreprocessor.remove_input_tags = ("remove-input",)
    config.TagRemovePreprocessor.remove_all_outputs_tags = ("remove-output",)
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    config.HTMLExporter.template_name = TEMPLATE_NAME
    return ReportHTMLExporter(config=config)


def _h1(markdown: Any) -> str | None:
    for line in _text(markdown).splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def report_title(nb: Any, fallback: str) -> str:
    """metadata.title, else the first `# ` heading a cell *printed* (it knows the sheet), else
    the first `# ` heading of a markdown cell, else `fallback`."""
    if nb.metadata.get("title"):
        return str(nb.metadata["title"])
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            title = _h1(output.get("data", {}).get("text/markdown", ""))
            if title:
                return title
    for cell in nb.cells:
        title = _h1(cell.get("source", "")) if cell.get("cell_type") == "markdown" else None
        if title:
            return title
    return fallback


def page_links(page: str, lang: str = DEFAULT_LANG,
               languages: Sequence[str] = ()) -> dict[str, Any]:
    """The navigation of the page at `page` (its path in the output folder, POSIX): the
    relative href of the site's index in the page's language (`<lang>/index.html` for a page
    of another language than English in its language's folder, else the top level's), and the
    page's twin in each other language of `languages`.

    Editions: a page under `<lang>/` (a folder named after one of `languages`) belongs to that
    language; any other page to `lang`, at the top level. The twin in language L is the same
    path under `L/` (from the top level) or with the language folder swapped.
    """
    parts = PurePosixPath(page).parts
    up = "../" * (len(parts) - 1)
    page_lang, inside = lang, "/".join(parts)
    if len(parts) > 1 and parts[0] in languages:
        page_lang, inside = parts[0], "/".join(parts[1:])
    twins = [{"lang": other, "label": LANGUAGE_NAMES.get(other, other),
              "href": posixpath.normpath(f"{up}{other}/{inside}")}
             for other in languages if other != page_lang]
    from rapnb.present.i18n import LANGUAGES as CATALOGS
    from rapnb.present.i18n import gettext_for

    _ = gettext_for(page_lang if page_lang in CATALOGS else DEFAULT_LANG)
    # The index in the page's language: `<lang>/index.html` (the render writes one for each
    # edition in a language with a catalog), else the top level's.
    own_index = page_lang != DEFAULT_LANG and page_lang in CATALOGS and len(parts) > 1 and (
        parts[0] == page_lang)
    index = f"{up.removeprefix('../') if own_index else up}{INDEX_NAME}"
    return {"lang": page_lang, "index": index, "twins": twins,
            "index_label": _(INDEX_LABEL), "site_label": _(SITE_LABEL)}


INDEX_LABEL = N_("All sheets and downloads")
SITE_LABEL = N_("Site")


def _page_path(nb: Any) -> str | None:
    """Where the page lands in the output folder, from the executed notebook's output path
    (`sheets/peru/peru.ipynb` -> `sheets/peru/peru.html`), or None."""
    output = nb.metadata.get("papermill", {}).get("output_path")
    if not output or PurePosixPath(str(output)).is_absolute() or ".." in str(output):
        return None
    return str(PurePosixPath(str(output)).with_suffix(".html"))


def notebook_to_html(nb: Any, title: str = "rapnb report", page: str | None = None,
                     languages: Sequence[str] = ()) -> str:
    """The report HTML of executed notebook `nb`; raises HtmlExportError on any web reference.

    `page` is where the HTML lands in the output folder (default: from the notebook's papermill
    output path, else the top level); `languages` the rendered languages (see
    :func:`page_links`). The page's language is its papermill parameter `lang`, else English.
    """
    light, svgs = prepare_for_html(nb)
    params = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    nav = page_links(page or _page_path(nb) or "page.html",
                     str(params.get("lang") or DEFAULT_LANG), languages)
    body, _ = _exporter().from_notebook_node(
        light, resources={"metadata": {"name": report_title(nb, title)}, "rapnb_nav": nav}
    )
    for key, svg in svgs.items():
        if body.count(key) != 1:
            raise HtmlExportError(f"figure placeholder {key} appears {body.count(key)} times")
        body = body.replace(key, svg)
    problems = network_references(body)
    if problems:
        raise HtmlExportError("HTML would load remote resources: " + "; ".join(problems[:3]))
    return body
