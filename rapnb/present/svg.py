"""SVG drawings of the charts: drawn by vl-convert, with ids that make them reproducible.

vl-convert numbers the clip paths of a drawing with a counter that lives as long as its
process (`clip1`, then `clip7` after a few charts), so the same chart drawn in a fresh kernel
and in the renderer's long-lived worker would differ. :func:`draw_svg` therefore renames the
ids a drawing defines after its figure (`rapnb-<figure>-1`, `-2`, ...): the drawing depends on
the chart alone, and two figures on one page do not share ids.
"""

from __future__ import annotations

import re
from typing import Any

_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_ID = re.compile(r"""\bid="([^"]+)\"""")
_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?")


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


def draw_svg(spec: dict[str, Any], figure: object = "chart") -> str:
    """The SVG of a Vega-Lite spec, its ids named after `figure` (deterministic)."""
    import vl_convert as vlc

    return renumber_ids(vlc.vegalite_to_svg(spec), f"rapnb-{sanitize_figure_id(figure)}-")
