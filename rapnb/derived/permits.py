"""The residence-permits table in the shapes the charts and tables need (N.A. stays <NA>)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapnb.context import Where
from rapnb.datasets import loaders

if TYPE_CHECKING:
    import pandas as pd


def permits_long(ctx: Where = None, iso3: tuple[str, ...] | None = None) -> pd.DataFrame:
    """`iso3, country, year, permits, row` (row: the country's position in the table), for
    the countries `iso3` (default all)."""
    permits = loaders.residence_permits(ctx)
    order = list(dict.fromkeys(permits["country"]))
    permits = permits.assign(row=[order.index(c) for c in permits["country"]])
    if iso3 is not None:
        permits = permits[permits["iso3"].isin(iso3)]
    return permits[["iso3", "country", "year", "permits", "row"]].copy()
