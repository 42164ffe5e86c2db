"""The source lines printed under the charts and maps, built from the provenance blocks of
`rapnb.datasets.sources` (each wording defined here once)."""

from __future__ import annotations

from rapnb.datasets.sources import PLAN

PLAN_SHORT = PLAN["short"]
BOUNDARIES_SOURCE = "boundaries Natural Earth 1:50m"
STOCKS_SOURCE = ("IOM, Migration Trends in the Americas: Bolivarian Republic of Venezuela"
                 " (April 2018); secondary sources per value (in the table below and each mark's"
                 " tooltip)")
STOCKS_MAP_SOURCE = f"{STOCKS_SOURCE}; {BOUNDARIES_SOURCE}"
PERMITS_SOURCE = f"{PLAN_SHORT}, table of residence permits (official records)"
FLOWS_SOURCE = f"{PLAN_SHORT}, Trends: flows (text beside Figure 2); {BOUNDARIES_SOURCE}"
COVERAGE_SOURCE = (
    f"{PLAN_SHORT}, Geographic coverage and the implementing offices of Estimated funding"
    f" needs; {BOUNDARIES_SOURCE}"
)
