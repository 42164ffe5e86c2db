"""The report's maps: Altair (Vega-Lite) maps of the plan's countries, one module per map.

    stock.stock_map                  Figure 1, the stock of Venezuelans per destination
    flows.migratory_balance_map      Figure 2, what the text beside it says per country
    coverage.coverage_map            the 17 prioritised countries by subregion
    location.location_map            one sheet's countries among their neighbours

and what they share: `geometry` (boundaries prepared once per extent: clipped, simplified,
rounded, cached), `projection` (Mercator fitted to a box), `vega` (inline datasets, layers,
frame, title), `placements` (hand-placed label and legend positions) and `text` (country,
subregion and confidence words in the render's language).

Every text a map shows is in the context's language (`ctx.lang`): interface texts through
the gettext catalog, the plan's texts from translations.csv, country names from CLDR, numbers
with the language's separators (and Vega's number locale for the numbers it formats). In
English the specs are what they were before there were languages, byte for byte.

Every builder returns a chart (no display, no file I/O beyond the rapnb loaders and
:func:`rapnb.boundaries`), takes a :class:`rapnb.Context` (or a data directory, or None),
carries a figure id and a title whose last subtitle line names its source. The maps embed
their geography inline, so a notebook draws them without any network.
"""

from rapnb.present.maps.coverage import coverage_map
from rapnb.present.maps.flows import NO_VALUES_NOTE, migratory_balance_map
from rapnb.present.maps.location import location_map
from rapnb.present.maps.stock import stock_map

__all__ = ["NO_VALUES_NOTE", "coverage_map", "location_map", "migratory_balance_map",
           "stock_map"]
