"""How charts appear in notebooks: an interactive Vega-Lite spec plus a static SVG, both
deterministic, so JupyterLab shows the live chart, HTML exports draw without any network, and
nbval compares specs and drawings."""

from __future__ import annotations

from typing import Any

RENDERER = "rapnb"
THEME = "rapnb"
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
FIGURE_KEY = "rapnb_figure"
"""usermeta key that names a chart's figure (file names come from these ids, never from data)."""


def _render(spec: dict[str, Any], **_: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    import vl_convert as vlc

    figure = spec.get("usermeta", {}).get(FIGURE_KEY, "chart")
    svg = vlc.vegalite_to_svg(spec)
    bundle = {VEGALITE_MIME: spec, "image/svg+xml": svg, "text/plain": f"<figure {figure}>"}
    return bundle, {}


def setup() -> None:
    """Register and enable the report's Altair renderer and theme (idempotent)."""
    import altair as alt

    from rapnb.style import theme

    alt.renderers.register(RENDERER, _render)
    alt.renderers.enable(RENDERER)
    alt.theme.register(THEME, enable=True)(theme)


def figure_spec(chart: Any, figure: str) -> Any:
    """Attach the figure id that names the chart's exported files."""
    return chart.properties(usermeta={FIGURE_KEY: figure})
