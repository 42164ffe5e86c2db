"""Figure 1's numbers: the latest stock per destination country, and the aggregates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapnb.context import Where
from rapnb.datasets import loaders

if TYPE_CHECKING:
    import pandas as pd

LATEST_COLUMNS = ["geography", "iso3", "year", "venezuelan_nationals", "confidence", "source",
                  "note"]


def latest_stocks(ctx: Where = None) -> pd.DataFrame:
    """One row per destination country: its latest stock, with year, source and confidence,
    largest first."""
    stocks = loaders.stocks(ctx)
    countries = stocks[stocks["geography_kind"] == "country"]
    latest = (countries.sort_values(["geography", "year"])
              .groupby("geography", as_index=False).tail(1)
              .sort_values("venezuelan_nationals", ascending=False, kind="stable")
              .reset_index(drop=True))
    return latest[LATEST_COLUMNS].copy()


def aggregate_stocks(ctx: Where = None) -> pd.DataFrame:
    """Venezuelans abroad worldwide and by subregion, per year."""
    stocks = loaders.stocks(ctx)
    return stocks[stocks["geography_kind"] == "aggregate"][
        ["geography", "year", "venezuelan_nationals", "confidence", "source", "note"]
    ].reset_index(drop=True)
