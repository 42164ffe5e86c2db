"""The plan's headline numbers, from the validated columns (no pandas)."""

from __future__ import annotations

from typing import Any

from rapnb.context import Where, as_context
from rapnb.datasets.store import table_columns


def plan_headline_numbers(ctx: Where = None) -> dict[str, int]:
    """The plan's headline numbers: total requested (as printed and computed), countries,
    implementing offices, sheets, outcomes (evaluation left out) and framework activities.

    Plain Python over the validated columns (no pandas): the site's index page uses it too,
    in the render process."""
    ctx = as_context(ctx)

    def table(name: str) -> dict[str, list[Any]]:
        return table_columns(name, ctx)

    def rows(name: str) -> int:
        return len(next(iter(table(name).values())))

    stated = table("funding_stated")
    total = next(usd for scope, item, usd in zip(stated["scope"], stated["item"],
                                                 stated["stated_usd"], strict=True)
                 if (scope, item) == ("grand_total", "total"))
    return {
        "total_usd": int(total),
        "computed_usd": int(sum(v for v in table("funding")["amount_usd"] if v is not None)),
        "countries": rows("countries"),
        "offices": rows("offices"),
        "sheets": rows("sheets"),
        "outcomes": sum(v is not None for v in table("outcomes")["outcome"]),
        "activities": rows("activities"),
    }
