"""Derived tables: the funding table as the plan prints it, with computed sums beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapnb.datasets.loaders import funding, funding_stated, offices
from rapnb.datasets.schema import COMPONENTS
from rapnb.datasets.store import DataDir

if TYPE_CHECKING:
    import pandas as pd

TOTAL_LABEL = "TOTAL"


def funding_table(data_dir: DataDir = None) -> pd.DataFrame:
    """Offices x components in USD, with computed and stated totals and shares, and a TOTAL row.

    Rows follow the plan's table (labels as printed); `total_usd` and `share_pct` are computed
    from the cells, `stated_total_usd` and `stated_share_pct` are the plan's own figures.
    """
    import pandas as pd

    office_table = offices(data_dir).sort_values("position")
    wide = (
        funding(data_dir)
        .pivot(index="office_id", columns="component", values="amount_usd")
        .reindex(index=office_table["office_id"], columns=COMPONENTS)
        .fillna(0)
        .astype("int64")
    )
    stated = funding_stated(data_dir).set_index(["scope", "item"])
    grand = int(wide.to_numpy().sum())
    wide["total_usd"] = wide[COMPONENTS].sum(axis=1)
    wide["stated_total_usd"] = [int(stated.loc[("office", o), "stated_usd"]) for o in wide.index]
    wide["share_pct"] = wide["total_usd"] / grand * 100
    wide["stated_share_pct"] = [float(stated.loc[("office", o), "stated_share_pct"])
                                for o in wide.index]
    total: dict[str, float] = {c: int(wide[c].sum()) for c in COMPONENTS}
    total.update(
        total_usd=grand,
        stated_total_usd=int(stated.loc[("grand_total", "total"), "stated_usd"]),
        share_pct=100.0,
        stated_share_pct=float(stated.loc[("grand_total", "total"), "stated_share_pct"]),
    )
    table = pd.concat([wide, pd.DataFrame([total], index=[TOTAL_LABEL])])
    labels = dict(zip(office_table["office_id"], office_table["office_name_as_printed"],
                      strict=True))
    table.index = [labels.get(i, i) for i in table.index]
    table.index.name = "implementing_office"
    return table


def component_totals(data_dir: DataDir = None) -> pd.DataFrame:
    """Per component: computed sum, the plan's stated column total and stated share."""
    import pandas as pd

    sums = funding(data_dir).groupby("component")["amount_usd"].sum()
    stated = funding_stated(data_dir)
    stated = stated[stated["scope"] == "component"].set_index("item")
    rows = [
        {
            "component": c,
            "amount_usd": int(sums.get(c, 0)),
            "stated_usd": int(stated.loc[c, "stated_usd"]),
            "share_pct": float(sums.get(c, 0)) / float(sums.sum()) * 100,
            "stated_share_pct": float(stated.loc[c, "stated_share_pct"]),
        }
        for c in COMPONENTS
    ]
    return pd.DataFrame(rows)
