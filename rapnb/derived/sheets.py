"""What a country sheet is about, computed once: its offices, countries and money (the sums
of its cells beside the totals and shares the plan prints)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapnb.context import Context, Where, as_context
from rapnb.datasets import loaders


@dataclass(frozen=True)
class SheetInfo:
    """One sheet of the plan, with the context it was read in (what its helpers read)."""

    sheet_id: str
    title: str
    office_ids: tuple[str, ...]
    office_names: tuple[str, ...]
    iso3: tuple[str, ...]
    """The countries its offices cover, in the order of the countries table."""
    total_usd: int
    stated_total_usd: int
    share_pct: float
    stated_share_pct: float
    grand_total_usd: int
    ctx: Context = field(compare=False, repr=False, kw_only=True)


def sheet_info(sheet: object, ctx: Where = None) -> SheetInfo:
    """Offices, countries, total and share of a sheet (computed and as the plan states them).

    `sheet` is a sheet id (UnknownSheetError, listing the valid ids, if it is not one) or a
    SheetInfo, returned as it is.
    """
    if isinstance(sheet, SheetInfo):
        return sheet
    ctx = as_context(ctx)
    sheet_id = loaders.check_sheet(sheet, ctx)
    offices = loaders.offices(ctx).sort_values("position")
    mine = offices[offices["sheet_id"] == sheet_id]
    office_ids = tuple(mine["office_id"])
    coverage = loaders.office_countries(ctx)
    countries = loaders.countries(ctx)
    covered = set(coverage.loc[coverage["office_id"].isin(office_ids), "iso3"])
    iso3 = tuple(c for c in countries["iso3"] if c in covered)
    cells = loaders.funding(ctx)
    stated = loaders.funding_stated(ctx).set_index(["scope", "item"])
    total = int(cells.loc[cells["office_id"].isin(office_ids), "amount_usd"].sum())
    grand = int(cells["amount_usd"].sum())
    title = loaders.sheet_table(ctx).set_index("sheet_id").loc[sheet_id, "sheet_title"]
    return SheetInfo(
        sheet_id=sheet_id,
        title=str(title),
        office_ids=office_ids,
        office_names=tuple(mine["office_name"]),
        iso3=iso3,
        total_usd=total,
        stated_total_usd=int(stated.loc[("sheet", sheet_id), "stated_usd"]),
        share_pct=total / grand * 100,
        stated_share_pct=float(sum(stated.loc[("office", o), "stated_share_pct"]
                                   for o in office_ids)),
        grand_total_usd=int(stated.loc[("grand_total", "total"), "stated_usd"]),
        ctx=ctx,
    )
