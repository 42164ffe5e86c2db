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
"""

from __future__ import annotations

import re
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


def draw_svg(spec: dict[str, Any], figure: object = "chart") -> str:
    """The SVG of a Vega-Lite spec, its ids named after `figure`, made accessible with the
    spec's title and description (deterministic)."""
    import vl_convert as vlc

    svg = renumber_ids(vlc.vegalite_to_svg(spec), f"rapnb-{sanitize_figure_id(figure)}-")
    return accessible_svg(svg, spec_title(spec), str(spec.get("description") or ""))
