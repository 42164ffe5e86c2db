"""The source lines printed under the charts and maps, built from the provenance blocks of
`rapnb.datasets.sources` (each wording defined here once, marked for the catalog).

The constants are the English lines; the functions give a line in a render's language:

    >>> permits_source("en") == PERMITS_SOURCE
    True
    >>> source_line(STOCKS_SOURCE, "en")[:8]
    'Source: '
"""

from __future__ import annotations

from rapnb.context import DEFAULT_LANG
from rapnb.datasets.sources import PLAN
from rapnb.present.i18n import N_, gettext_for

PLAN_SHORT = PLAN["short"]
PLAN_SHORT_TEXT = N_("IOM Regional Action Plan (2018)")
"""PLAN_SHORT's words for the catalog (`rapnb.datasets.sources.PLAN["short"]`; a test checks
that they are the same)."""
BOUNDARIES_SOURCE = N_("boundaries Natural Earth 1:50m")
STOCKS_SOURCE = N_("IOM, Migration Trends in the Americas: Bolivarian Republic of Venezuela"
                   " (April 2018); secondary sources per value (in the table below and each"
                   " mark's tooltip)")
SOURCE_LINE = N_("Source: {source}")
"""The last subtitle line of a chart or map."""
PERMITS_LINE = N_("{plan}, table of residence permits (official records)")
FLOWS_LINE = N_("{plan}, Trends: flows (text beside Figure 2); {boundaries}")
COVERAGE_LINE = N_("{plan}, Geographic coverage and the implementing offices of Estimated"
                   " funding needs; {boundaries}")

# The lines in English.
STOCKS_MAP_SOURCE = f"{STOCKS_SOURCE}; {BOUNDARIES_SOURCE}"
PERMITS_SOURCE = PERMITS_LINE.format(plan=PLAN_SHORT)
FLOWS_SOURCE = FLOWS_LINE.format(plan=PLAN_SHORT, boundaries=BOUNDARIES_SOURCE)
COVERAGE_SOURCE = COVERAGE_LINE.format(plan=PLAN_SHORT, boundaries=BOUNDARIES_SOURCE)


def plan_short(lang: str = DEFAULT_LANG) -> str:
    """The plan's short name in `lang`: 'IOM Regional Action Plan (2018)' in English."""
    return gettext_for(lang)(PLAN_SHORT)


def boundaries_source(lang: str = DEFAULT_LANG) -> str:
    """BOUNDARIES_SOURCE in `lang`."""
    return gettext_for(lang)(BOUNDARIES_SOURCE)


def stocks_source(lang: str = DEFAULT_LANG) -> str:
    """STOCKS_SOURCE in `lang`."""
    return gettext_for(lang)(STOCKS_SOURCE)


def stocks_map_source(lang: str = DEFAULT_LANG) -> str:
    """STOCKS_MAP_SOURCE in `lang`."""
    return f"{stocks_source(lang)}; {boundaries_source(lang)}"


def permits_source(lang: str = DEFAULT_LANG) -> str:
    """PERMITS_SOURCE in `lang`."""
    return gettext_for(lang)(PERMITS_LINE).format(plan=plan_short(lang))


def flows_source(lang: str = DEFAULT_LANG) -> str:
    """FLOWS_SOURCE in `lang`."""
    return gettext_for(lang)(FLOWS_LINE).format(plan=plan_short(lang),
                                                boundaries=boundaries_source(lang))


def coverage_source(lang: str = DEFAULT_LANG) -> str:
    """COVERAGE_SOURCE in `lang`."""
    return gettext_for(lang)(COVERAGE_LINE).format(plan=plan_short(lang),
                                                   boundaries=boundaries_source(lang))


def source_line(source: str, lang: str = DEFAULT_LANG) -> str:
    """'Source: <source>' in `lang` (`source` already in `lang`)."""
    return gettext_for(lang)(SOURCE_LINE).format(source=source)
