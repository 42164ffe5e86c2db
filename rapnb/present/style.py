"""The report's look: one colour per outcome everywhere, colour-blind-safe palettes, titles
with a source line, and number formats."""

from __future__ import annotations

from typing import Any

from rapnb.datasets.schema import COMPONENTS

# Okabe-Ito colours (colour-blind safe); one per budget component, used by every chart.
OUTCOME_COLORS: dict[str, str] = {
    "data_production": "#0072B2",
    "capacity_coordination": "#009E73",
    "direct_assistance": "#D55E00",
    "socioeconomic_integration": "#CC79A7",
    "evaluation": "#999999",
}
# Paul Tol's muted scheme (colour-blind safe), kept apart from the outcome colours.
SUBREGION_COLORS: dict[str, str] = {
    "South America": "#88CCEE",
    "Central America": "#DDCC77",
    "North America": "#999933",
    "Caribbean": "#44AA99",
}
# Paul Tol's bright scheme (colour-blind safe), for series that are not outcomes.
SERIES_COLORS = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"]
CONFIDENCE_OPACITY: dict[str, float] = {"high": 1.0, "medium": 0.6, "low": 0.3}
HIGHLIGHT = "#332288"
MARKER_FILL, MARKER_STROKE = "#EE7733", "#222222"
"""Point markers over any country fill (Figure 2's entry points): Paul Tol's vibrant orange,
outlined dark."""
HALO = "#FFFFFF"
"""The outline drawn under a label that crosses dark and light fills."""
INK = "#000000"
"""Text on a light or mid-tone fill (see :func:`text_on`)."""
CONTEXT_FILL = "#EEEEEE"
CONTEXT_STROKE = "#BBBBBB"
FONT = "Helvetica, Arial, sans-serif"

USD_FORMAT = ",.0f"
"""d3 format for USD amounts: thousands separators, no decimals."""
PCT_FORMAT = ".1f"
COUNT_FORMAT = ",.0f"


def _luminance(color: str) -> float:
    """WCAG relative luminance of '#RRGGBB'."""
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(color[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#RRGGBB' colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(fill: str) -> str:
    """The label colour (HALO white or INK black) that contrasts most with `fill`."""
    return max((HALO, INK), key=lambda c: contrast(c, fill))


def outcome_scale() -> dict[str, Any]:
    """Vega-Lite scale that maps component ids to their colours, in the plan's order."""
    return {"domain": list(COMPONENTS), "range": [OUTCOME_COLORS[c] for c in COMPONENTS]}


def outcome_label_expr(labels: dict[str, str]) -> str:
    """Vega expression that turns a component id into its label (for legends and axes)."""
    cases = " : ".join(f"datum.value === '{c}' ? '{js_text(labels[c])}'" for c in COMPONENTS)
    return f"{cases} : datum.value"


def js_text(text: str) -> str:
    """`text` for a single-quoted Vega expression string (labels come from data files)."""
    return text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", " ")


def title(text: str, source: str, subtitle: str | list[str] | None = None) -> dict[str, Any]:
    """A chart title whose last subtitle line names the source (after `subtitle`: a line or a
    list of lines)."""
    lines = ([subtitle] if isinstance(subtitle, str) else list(subtitle or []))
    lines.append(f"Source: {source}")
    return {"text": text, "subtitle": lines, "anchor": "start", "subtitleFontSize": 11,
            "subtitleColor": "#555555"}


def theme() -> dict[str, Any]:
    """Altair theme: fonts, sizes and quiet axes for every chart of the report."""
    return {
        "config": {
            "font": FONT,
            "title": {"fontSize": 15, "anchor": "start", "offset": 8},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#E5E5E5"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 320},
            "view": {"stroke": None},
            "background": "white",
        }
    }
