"""The charts of an executed notebook as files: `figures/<figure_id>.svg` and `.png`.

A chart output is a display_data carrying a Vega-Lite spec, whose `usermeta.rapnb_figure` (set
by code through `rapnb.display.figure_spec`) names the figure, and the SVG drawn from it. File
names come from those ids only, sanitised to `[a-z0-9_-]`; never from data values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rapnb.present.display import FIGURE_KEY, SVG_MIME, VEGALITE_MIME, draw_svg
from rapnb.present.svg import sanitize_figure_id, vl_convert

PNG_SCALE = 2


@dataclass(frozen=True)
class Figure:
    """One chart output: its file-safe id, Vega-Lite spec and SVG drawing."""

    figure_id: str
    spec: dict[str, Any]
    svg: str


def _chart_outputs(nb: Any) -> Iterator[dict[str, Any]]:
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            if output.get("output_type") in {"display_data", "execute_result"} and (
                VEGALITE_MIME in data
            ):
                yield data


def add_svgs(nb: Any) -> int:
    """Draw the SVG of every chart output of executed notebook `nb` that has none (the
    outputs of a kernel run with RAPNB_RENDER_KERNEL); returns how many were drawn."""
    missing = [data for data in _chart_outputs(nb) if SVG_MIME not in data]
    for data in missing:
        data[SVG_MIME] = draw_svg(data[VEGALITE_MIME])
    return len(missing)


def iter_figures(nb: Any) -> list[Figure]:
    """The notebook's charts in order, each with a unique id (repeats get `-2`, `-3` ...).

    A chart displayed twice with the same id and spec is listed once.
    """
    figures: list[Figure] = []
    seen: dict[str, dict[str, Any]] = {}
    for number, data in enumerate(_chart_outputs(nb), start=1):
        spec = dict(data[VEGALITE_MIME])
        raw = (spec.get("usermeta") or {}).get(FIGURE_KEY)
        base = sanitize_figure_id(raw, f"figure-{number}") if raw else f"figure-{number}"
        figure_id, suffix = base, 1
        while figure_id in seen and seen[figure_id] != spec:
            suffix += 1
            figure_id = f"{base}-{suffix}"
        if figure_id in seen:
            continue
        seen[figure_id] = spec
        svg = data.get(SVG_MIME)
        if isinstance(svg, list):  # nbformat may store multi-line strings as lists
            svg = "".join(svg)
        if not svg:
            svg = draw_svg(spec)
        figures.append(Figure(figure_id, spec, svg))
    return figures


def png_from_svg(svg: str) -> bytes:
    """The PNG of a chart's SVG drawing, at PNG_SCALE (no second Vega run: both files show
    the same drawing)."""
    return bytes(vl_convert().svg_to_png(svg, scale=PNG_SCALE))


def png_name(svg_rel: str) -> str:
    """The PNG's path beside the SVG `svg_rel` (`figures/<id>.svg` -> `figures/<id>.png`)."""
    return svg_rel.removesuffix(".svg") + ".png"


def figure_files(nb: Any, png: bool = True) -> dict[str, bytes]:
    """`{"figures/<id>.svg": ..., "figures/<id>.png": ...}` for every chart of `nb`; only the
    SVGs if not `png` (each PNG is then drawn from its SVG later, :func:`png_from_svg`)."""
    files: dict[str, bytes] = {}
    for figure in iter_figures(nb):
        svg_rel = f"figures/{figure.figure_id}.svg"
        files[svg_rel] = figure.svg.encode("utf-8")
        if png:
            files[png_name(svg_rel)] = png_from_svg(figure.svg)
    return files
