"""An executed notebook as the content of a PDF: a list of plain blocks (headings, paragraphs,
lists, tables, figures), read from what the notebook shows and nothing else.

Markdown cells and `text/markdown` outputs go through the Markdown subset of
`rapnb.build.pdf_markdown`; `text/html` tables are read cell by cell (`rapnb.build.pdf_tables`);
charts are their `image/svg+xml` drawing (the one the HTML inlines) with the chart's title and
subtitle as alternative text. The same representation is shown as in the HTML
(`html_export.DISPLAY_PRIORITY`), and the same cells are left out (tag `remove-cell`, code
inputs, stderr). No number is computed here: every piece of text is the notebook's.
"""

from __future__ import annotations

import re
from typing import Any

from rapnb.build.html_export import DISPLAY_PRIORITY, report_title
from rapnb.build.pdf_markdown import Block, parse_blocks, plain_text
from rapnb.build.pdf_tables import parse_table
from rapnb.present.display import SVG_MIME, VEGALITE_MIME
from rapnb.present.svg import strip_xml_prolog

SVG_PX_TO_PT = 0.75
"""An SVG's CSS pixel is 3/4 of a point: the charts keep their drawn size where they fit."""
_SIZE = re.compile(r"<svg\b[^>]*?\bwidth=\"([\d.]+)(?:px)?\"[^>]*?\bheight=\"([\d.]+)(?:px)?\"")
_REMOVED_CELL_TAGS = frozenset({"remove-cell"})
_REMOVED_OUTPUT_TAGS = frozenset({"remove-output"})


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _title_lines(title: Any) -> list[str]:
    if isinstance(title, dict):
        lines = []
        for key in ("text", "subtitle"):
            value = title.get(key)
            lines += value if isinstance(value, list) else [value] if value else []
        return [str(line) for line in lines]
    if isinstance(title, list):
        return [str(line) for line in title]
    return [str(title)] if title else []


def figure_alt(spec: Any) -> str:
    """A chart's alternative text: its title and subtitle lines (title, then the source)."""
    lines = _title_lines(spec.get("title")) if isinstance(spec, dict) else []
    description = spec.get("description") if isinstance(spec, dict) else None
    if description and str(description) not in lines:
        lines.append(str(description))
    return ". ".join(line.rstrip(". ") for line in lines if line.strip()) or "Chart"


def figure_block(svg: str, spec: Any) -> Block:
    """A figure: the SVG as drawn, its natural size in points, and its alternative text."""
    drawing = strip_xml_prolog(svg)
    size = _SIZE.search(drawing)
    width, height = (float(size.group(1)), float(size.group(2))) if size else (600.0, 400.0)
    return {"k": "fig", "svg": drawing, "alt": figure_alt(spec),
            "w": round(width * SVG_PX_TO_PT, 2), "h": round(height * SVG_PX_TO_PT, 2)}


def _output_blocks(output: dict[str, Any]) -> list[Block]:
    kind = output.get("output_type")
    if kind == "stream":
        text = _text(output.get("text", ""))
        return [{"k": "pre", "t": text.rstrip("\n")}] if output.get("name") == "stdout" else []
    if kind == "error":
        return [{"k": "pre", "t": f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"}]
    data = output.get("data", {})
    mime = next((m for m in DISPLAY_PRIORITY if m in data), None)
    if mime == SVG_MIME:
        return [figure_block(_text(data[SVG_MIME]), data.get(VEGALITE_MIME))]
    if mime == "text/html":
        table = parse_table(_text(data["text/html"]))
        if table is not None:
            return [table]
        mime = "text/plain" if "text/plain" in data else None
    if mime == "text/markdown":
        return parse_blocks(_text(data["text/markdown"]))
    if mime == "text/plain":
        return [{"k": "pre", "t": _text(data["text/plain"])}]
    return []  # images other than SVG: the notebooks draw none


def _no_skipped_levels(blocks: list[Block]) -> list[Block]:
    """Headings at most one level below the one before (`#` then `###` reads as `#`, `##`):
    what a document outline, and PDF/UA, needs."""
    previous = 0
    for block in blocks:
        if block["k"] == "h":
            block["level"] = previous = min(block["level"], previous + 1)
    return blocks


def notebook_blocks(nb: Any) -> list[Block]:
    """The blocks of executed notebook `nb`, in cell order (no heading level skipped)."""
    blocks: list[Block] = []
    for cell in nb.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _REMOVED_CELL_TAGS:
            continue
        if cell.get("cell_type") == "markdown":
            blocks += parse_blocks(_text(cell.get("source", "")))
        elif cell.get("cell_type") == "code" and not tags & _REMOVED_OUTPUT_TAGS:
            for output in cell.get("outputs", []):
                blocks += _output_blocks(output)
    return _no_skipped_levels(blocks)


def running_title(nb: Any, fallback: str) -> str:
    """The name a page header shows for `nb`: its title, less a leading part naming the plan
    (the header already names it): 'Colombia: country sheet', 'Regional overview'."""
    title = report_title(nb, fallback)
    head, sep, tail = title.rpartition(": ")
    if sep and "Regional Action Plan" in head and tail:
        return tail[0].upper() + tail[1:]
    return title


def headings(blocks: list[Block], level: int | None = None) -> list[str]:
    """The text of the headings among `blocks` (of one `level`, or all)."""
    return [plain_text(b["spans"]) for b in blocks
            if b["k"] == "h" and (level is None or b["level"] == level)]
