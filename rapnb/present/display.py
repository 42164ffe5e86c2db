"""How charts appear in notebooks: an interactive Vega-Lite spec plus a static SVG, both
deterministic, so JupyterLab shows the live chart, HTML exports draw without any network, and
nbval compares specs and drawings.

The renderer (`rapnb.build`) runs its kernels with ``RAPNB_RENDER_KERNEL=1``. Such a kernel
leaves the SVG out, and the renderer's long-lived worker draws it with
:func:`rapnb.build.figures.add_svgs` and its already warm vl-convert (whose JavaScript engine takes
about 0.6 s to start in each process); it also skips Altair's schema validation of the specs
(about 0.6 s in the overview), which the test suite does for every chart builder. The notebook
comes out the same, byte for byte, as one run in any other kernel.
"""

from __future__ import annotations

import os
import sys
from typing import Any

RENDERER = "rapnb"
THEME = "rapnb"
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
SVG_MIME = "image/svg+xml"
FIGURE_KEY = "rapnb_figure"
"""usermeta key that names a chart's figure (file names come from these ids, never from data)."""
RENDER_KERNEL_ENV = "RAPNB_RENDER_KERNEL"
"""Set to 1 by the renderer in the kernels it starts (see the module docstring)."""


def in_render_kernel() -> bool:
    """Whether this process is a kernel started by `rapnb render`."""
    return os.environ.get(RENDER_KERNEL_ENV, "") not in {"", "0"}


def draw_svg(spec: dict[str, Any]) -> str:
    """The static SVG of a Vega-Lite spec, named after its figure (see `rapnb.svg`)."""
    from rapnb.present.svg import draw_svg as draw

    return draw(spec, spec.get("usermeta", {}).get(FIGURE_KEY, "chart"))


def _render(spec: dict[str, Any], **_: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    figure = spec.get("usermeta", {}).get(FIGURE_KEY, "chart")
    bundle = {VEGALITE_MIME: spec, "text/plain": f"<figure {figure}>"}
    if not in_render_kernel():
        bundle[SVG_MIME] = draw_svg(spec)
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

    from rapnb.present.style import theme

    alt.renderers.register(RENDERER, _render)
    alt.renderers.enable(RENDERER)
    alt.theme.register(THEME, enable=True)(theme)  # type: ignore[arg-type]  # a plain dict
    if in_render_kernel():
        _display_without_validation()


def _display_without_validation() -> None:
    """Display charts from ``to_dict(validate=False)`` and build them without Altair's
    validation of every part (what a render kernel does; the output is the same)."""
    import altair as alt
    from IPython import get_ipython

    from rapnb.present.altair_private import disable_debug_mode, spec_without_validation

    shell = get_ipython()
    if shell is None:
        return
    disable_debug_mode()

    def bundle(chart: Any, include: Any = None, exclude: Any = None) -> Any:
        return _render(spec_without_validation(chart))

    shell.display_formatter.mimebundle_formatter.for_type(alt.TopLevelMixin, bundle)


def figure_spec(chart: Any, figure: str, lang: str = "en") -> Any:
    """Attach the figure id that names the chart's exported files; in another language than
    English, the language's number symbols (CLDR) for Vega's number formats."""
    from rapnb.present.altair_private import with_properties

    chart = with_properties(chart, usermeta={FIGURE_KEY: figure})
    if lang != "en":
        from rapnb.present.i18n import d3_locale

        chart = chart.configure(locale={"number": d3_locale(lang)})
    return chart
