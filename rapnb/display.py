"""How charts appear in notebooks: an interactive Vega-Lite spec plus a static SVG, both
deterministic, so JupyterLab shows the live chart, HTML exports draw without any network, and
nbval compares specs and drawings."""

from __future__ import annotations

import os
import sys
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


SLOW_OPTIONAL_IMPORTS = ("rfc3987_syntax",)
"""Optional packages that jsonschema imports if installed (rfc3987-syntax compiles a grammar,
about 1 s per kernel) and that Altair never needs: its Vega-Lite schema checks no IRI format."""


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing SLOW_OPTIONAL_IMPORTS in this process.

    Only takes effect before jsonschema is first imported; set RAPNB_KEEP_OPTIONAL_IMPORTS=1 to
    keep them (e.g. to validate IRI formats with jsonschema in the same kernel).
    """
    if os.environ.get("RAPNB_KEEP_OPTIONAL_IMPORTS") or "jsonschema" in sys.modules:
        return
    for name in SLOW_OPTIONAL_IMPORTS:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # import now fails fast


def setup() -> None:
    """Register and enable the report's Altair renderer and theme (idempotent)."""
    skip_slow_optional_imports()
    import altair as alt

    from rapnb.style import theme

    alt.renderers.register(RENDERER, _render)
    alt.renderers.enable(RENDERER)
    alt.theme.register(THEME, enable=True)(theme)


def figure_spec(chart: Any, figure: str) -> Any:
    """Attach the figure id that names the chart's exported files."""
    return chart.properties(usermeta={FIGURE_KEY: figure})
