"""SVG drawings of the charts: drawn by vl-convert, with ids that make them reproducible.

vl-convert numbers the clip paths of a drawing with a counter that lives as long as its
process (`clip1`, then `clip7` after a few charts), so the same chart drawn in a fresh kernel
and in the renderer's long-lived worker would differ. :func:`draw_svg` therefore renames the
ids a drawing defines after its figure (`rapnb-<figure>-1`, `-2`, ...): the drawing depends on
the chart alone, and two figures on one page do not share ids.

:func:`accessible_svg` then makes the drawing one image for assistive technology: `role="img"`,
its chart title as `<title>` (the accessible name) and the spec's `description` (a sentence
generated from the chart's data, `rapnb.present.alt_text`) as `<desc>`; Vega's own mark tree is
hidden from assistive technology, and each mark that carries a description gets it as an SVG
`<title>`, the tooltip a browser shows on hover in the static drawing.

Every use of vl-convert goes through :func:`vl_convert`, which gives it only the fonts it
embeds (Liberation Sans) rather than the machine's: see its docstring.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_ID = re.compile(r"""\bid="([^"]+)\"""")
_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?")
_ROOT = re.compile(r"<svg\b[^>]*>")
_MARK = re.compile(
    r'<(path|line|rect|circle|ellipse|polygon|polyline)\b([^>]*?)\baria-label="([^"]*)"'
    r'([^>]*?)\s*/>')
_NOT_A_MARK = re.compile(r'aria-roledescription="(?:axis|legend|title|subtitle)[^"]*"')


def sanitize_figure_id(raw: object, fallback: str = "figure") -> str:
    """`raw` lower-cased with every run of characters outside [a-z0-9_-] turned into `_`."""
    text = _UNSAFE.sub("_", str(raw).strip().lower()).strip("_-")
    return text[:80] or fallback


def renumber_ids(svg: str, prefix: str) -> str:
    """`svg` with the ids it defines renamed `{prefix}1`, `{prefix}2` ... in order of first
    definition, and its references to them (`url(#id)`, `href="#id"`) renamed alike."""
    ids = list(dict.fromkeys(_ID.findall(svg)))
    if not ids:
        return svg
    names = {old: f"{prefix}{number}" for number, old in enumerate(ids, start=1)}
    alternatives = "|".join(map(re.escape, sorted(ids, key=len, reverse=True)))
    pattern = re.compile(rf"""(\bid="|url\(#|href="#)({alternatives})(?=["')])""")
    return pattern.sub(lambda m: m.group(1) + names[m.group(2)], svg)


def strip_xml_prolog(svg: str) -> str:
    """`svg` without a leading XML declaration or doctype (so that it can be inlined)."""
    return _PROLOG.sub("", svg)


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def spec_title(spec: dict[str, Any]) -> str:
    """The title text of a Vega-Lite spec ('' if it has none)."""
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title or "")


def _mark_with_title(match: re.Match[str]) -> str:
    """A self-closing mark element given an SVG `<title>` child with its aria-label."""
    tag, before, label, after = match.groups()
    element = f"<{tag}{before}aria-label=\"{label}\"{after}"
    if _NOT_A_MARK.search(element):
        return match.group(0)
    return f"{element}><title>{label}</title></{tag}>"


def accessible_svg(svg: str, title: str, description: str = "") -> str:
    """`svg` as one accessible image: `role="img"` with `<title>` and `<desc>` first, the rest
    inside `<g aria-hidden="true">`, and marks' aria-labels repeated as `<title>` tooltips."""
    root = _ROOT.search(svg)
    end = svg.rfind("</svg>")
    if root is None or end < root.end():
        return svg
    body = _MARK.sub(_mark_with_title, svg[root.end():end])
    tag = root.group(0)
    if "role=" not in tag:
        tag = tag[:-1] + ' role="img">'
    head = f"<title>{_xml_text(title)}</title>"
    if description:
        head += f"<desc>{_xml_text(description)}</desc>"
    return (svg[:root.start()] + tag + head + '<g aria-hidden="true">' + body + "</g>"
            + svg[end:])


FONTCONFIG_ENV = "FONTCONFIG_FILE"
_NO_FONT_DIRS = """<?xml version="1.0"?>
<fontconfig><dir>{folder}</dir></fontconfig>
"""
"""A fontconfig file whose one font folder (the temporary one it lies in) holds no font."""
_TEXT_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
             '<text x="0" y="6" font-size="6">0</text></svg>')


@functools.cache
def vl_convert() -> ModuleType:
    """The `vl_convert` module, its font database built from its embedded fonts only.

    vl-convert measures every text of a chart (Vega's label layout) and rasterises PNGs with
    the fonts of its own database, which it builds once per process, on first use, from the
    machine's fonts (the folders fontconfig's file lists, read by `fontdb`) and the Liberation
    Sans it embeds. A machine font is a file that fontdb opens and maps again for each glyph
    it measures or draws, which made text the larger part of drawing a chart, and it made the
    drawings depend on the machine: the report's font, `Helvetica, Arial, sans-serif`, is
    whichever of these is installed. Here the database is built, at once, while
    ``FONTCONFIG_FILE`` names a file whose one font folder is empty: the charts' text is
    measured and drawn with vl-convert's Liberation Sans (metric-compatible with Arial, held
    in memory), the same on every Linux machine. Call it before any other use of vl-convert in
    the process (a database already built stays as it is). The environment is left as found.
    """
    import vl_convert as vlc

    previous = os.environ.get(FONTCONFIG_ENV)
    with tempfile.TemporaryDirectory(prefix="rapnb-fonts-") as folder:
        config = Path(folder) / "fonts.conf"
        config.write_text(_NO_FONT_DIRS.format(folder=_xml_text(folder)), encoding="utf-8")
        os.environ[FONTCONFIG_ENV] = str(config)
        try:
            vlc.svg_to_png(_TEXT_SVG)  # builds the font database now
        finally:
            if previous is None:
                os.environ.pop(FONTCONFIG_ENV, None)
            else:
                os.environ[FONTCONFIG_ENV] = previous
    return vlc


def draw_svg(spec: dict[str, Any], figure: object = "chart") -> str:
    """The SVG of a Vega-Lite spec, its ids named after `figure`, made accessible with the
    spec's title and description (deterministic)."""
    svg = renumber_ids(vl_convert().vegalite_to_svg(spec), f"rapnb-{sanitize_figure_id(figure)}-")
    return accessible_svg(svg, spec_title(spec), str(spec.get("description") or ""))
