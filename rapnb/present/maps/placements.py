"""Hand-placed positions on the maps: where each label goes relative to its country, and where
the legends sit, chosen so that labels do not overlap each other or the symbols."""

from __future__ import annotations

from rapnb.present.maps.projection import Extent

STOCK_EXTENT: Extent = (-125.0, -56.0, 5.0, 60.0)
"""Atlantic-wide: Canada to Tierra del Fuego, and Spain and Portugal, which the plan names."""
FLOWS_EXTENT: Extent = (-122.0, -56.0, -22.0, 16.0)
COVERAGE_EXTENT: Extent = (-120.0, -56.0, -32.0, 33.0)
CARIBBEAN_EXTENT: Extent = (-71.0, 9.5, -60.0, 13.5)

# --- Figure 1 -------------------------------------------------------------------------------

# Where each country's label goes, relative to its circle: (label lon, label lat, align, leader).
# Hand-placed so labels do not overlap each other or the circles; a country not listed here
# gets its label just right of its circle.
STOCK_LABELS: dict[str, tuple[float, float, str, bool]] = {
    "USA": (-95.0, 37.3, "left", False),
    "CAN": (-107.5, 56.8, "left", False),
    "ESP": (-3.5, 48.0, "center", True),
    "PRT": (-14.0, 36.0, "right", True),
    "DOM": (-62.0, 22.5, "left", True),
    "PAN": (-92.0, 13.0, "right", True),
    "COL": (-92.0, 5.0, "right", True),
    "ECU": (-92.0, -2.5, "right", True),
    "PER": (-92.0, -10.0, "right", True),
    "CHL": (-84.0, -30.0, "right", True),
    "ARG": (-54.0, -42.0, "left", True),
}
SIZE_LEGEND_AT = (-24.0, -25.0)  # top-left corner of the legend (lon, lat): South Atlantic
CONFIDENCE_LEGEND_AT = (-38.0, 18.0)  # North Atlantic, between the Caribbean and Iberia

# --- Figure 2 -------------------------------------------------------------------------------

# Where the label of each country the text comments on goes: (label lon, label lat, align);
# a leader line joins it to the country.
FLOW_LABELS: dict[str, tuple[float, float, str]] = {
    "ARG": (-48.0, -38.0, "left"),
    "CHL": (-82.0, -33.0, "right"),
    "PER": (-86.0, -12.0, "right"),
    "ECU": (-86.0, -2.0, "right"),
    "CRI": (-90.0, 9.0, "right"),
    "TTO": (-56.0, 13.0, "left"),
}

# Where the label of each entry point the text names goes: (label lon, label lat, align).
ENTRY_LABELS: dict[str, tuple[float, float, str]] = {
    "Cúcuta": (-71.6, 8.6, "left"),
    "Roraima": (-60.2, 4.0, "left"),
    "Rumichaca": (-76.8, 1.6, "left"),
    "Tumbes": (-79.6, -4.6, "left"),
    "Tacna": (-69.3, -18.3, "left"),
}

# --- Coverage -------------------------------------------------------------------------------

# Caribbean zoom panel labels: (label lon, label lat, align).
ZOOM_LABELS: dict[str, tuple[float, float, str]] = {
    "ABW": (-69.98, 12.8, "center"),
    "CUW": (-68.95, 11.86, "center"),
    "BES": (-68.27, 12.47, "center"),
    "TTO": (-61.4, 11.6, "center"),
}

