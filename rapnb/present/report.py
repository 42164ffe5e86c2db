"""Report-ready tables and text for the notebooks: formatted numbers, the plan's stated figures
beside the computed ones, and every piece of text from the data escaped before display."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapnb.context import Where, as_context
from rapnb.datasets import loaders
from rapnb.datasets.schema import COMPONENTS
from rapnb.datasets.sources import NATURAL_EARTH, PLAN, TRENDS
from rapnb.derived.errata import errata
from rapnb.derived.funding import funding_table
from rapnb.derived.reconcile import reconcile
from rapnb.derived.sheets import SheetInfo, sheet_info
from rapnb.derived.stocks import latest_stocks
from rapnb.present.formatting import (
    NA,
    Markdown,
    amount,
    bullets,
    count,
    escape,
    figure_value,
    outcome_labels,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NA", "Markdown", "SheetInfo", "bullets", "coverage_table", "errata_table", "escape",
    "funding_table_display", "government_measures", "optional",
    "outcomes_table", "overview_headline", "permits_table", "reconcile_table", "setup",
    "sheet_activities_table", "sheet_countries", "sheet_funding_table", "sheet_heading",
    "sheet_headline", "sheet_info", "sheet_key_figures", "sheet_needs_table", "sources_footer",
    "stocks_table",
]


def setup() -> None:
    """Prepare a notebook kernel: the chart renderer and theme, and quiet pandas display."""
    from rapnb.present.display import setup as setup_charts

    setup_charts()
    import pandas as pd

    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 200)


def sheet_heading(sheet: str | SheetInfo, ctx: Where = None) -> Markdown:
    """The sheet's title as a heading."""
    info = sheet_info(sheet, ctx)
    return Markdown(f"# {escape(info.title)}: country sheet")


def optional(item: Any, missing: str) -> Any:
    """`item`, or a short note in its place when there is nothing to show."""
    empty = item is None or getattr(item, "empty", False)
    return Markdown(f"*{escape(missing)}*") if empty else item


def overview_headline(ctx: Where = None) -> Markdown:
    """The plan in one paragraph: total, offices, countries, outcomes, activities."""
    ctx = as_context(ctx)
    stated = loaders.funding_stated(ctx).set_index(["scope", "item"])
    total = int(stated.loc[("grand_total", "total"), "stated_usd"])
    computed = int(loaders.funding(ctx)["amount_usd"].sum())
    return Markdown(
        f"The plan requests **USD {total:,}** over two years (its cells add up to USD"
        f" {computed:,}), for **{len(loaders.countries(ctx))} countries**, through"
        f" **{len(loaders.offices(ctx))} implementing offices** shown on"
        f" **{len(loaders.sheets(ctx))} sheets**, under four outcomes plus evaluation and an"
        f" activity framework of **{len(loaders.activities(ctx))} activities**."
    )


def stocks_table(ctx: Where = None) -> pd.DataFrame:
    """Figure 1's values with year, confidence and source."""
    table = latest_stocks(ctx)
    return table.assign(
        Stock=[count(v) for v in table["venezuelan_nationals"]],
        note=table["note"].fillna(""),
    )[["geography", "year", "Stock", "confidence", "source", "note"]].rename(
        columns={"geography": "Country", "year": "Year", "confidence": "Confidence",
                 "source": "Source", "note": "Note"}).set_index("Country")


def sheet_headline(sheet: str | SheetInfo, ctx: Where = None) -> Markdown:
    """The sheet's headline: offices, total requested and share of the plan."""
    info = sheet_info(sheet, ctx)
    offices = ", ".join(escape(n) for n in info.office_names)
    gap = info.total_usd - info.stated_total_usd
    note = ("" if gap == 0 else
            f" The outcome amounts add up to USD {info.total_usd:,} ({gap:+,} USD against the"
            " sheet's printed TOTAL; see the reconciliation section of the regional overview).")
    return Markdown(
        f"**Implementing office{'s' if len(info.office_names) > 1 else ''}:** {offices}\n\n"
        f"**Total requested:** USD {info.stated_total_usd:,} as printed on the sheet, "
        f"{info.stated_share_pct:.1f}% of the plan's USD {info.grand_total_usd:,} "
        f"(computed share {info.share_pct:.2f}%).{note}"
    )


def sheet_countries(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """The countries a sheet covers with their subregion."""
    info = sheet_info(sheet, ctx)
    countries = loaders.countries(info.ctx).set_index("iso3").loc[list(info.iso3)].reset_index()
    return countries[["country_name", "iso3", "subregion"]].rename(
        columns={"iso3": "ISO3", "country_name": "Country", "subregion": "Subregion"}
    ).set_index("Country")


def sheet_funding_table(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """Funding per outcome for a sheet, the computed sum and the sheet's printed TOTAL."""
    info = sheet_info(sheet, ctx)
    import pandas as pd

    labels = outcome_labels(info.ctx)
    cells = loaders.funding(info.ctx)
    sums = cells[cells["office_id"].isin(info.office_ids)].groupby("component")["amount_usd"].sum()
    rows = [{"Outcome": labels[c], "USD": amount(sums.get(c, 0))}
            for c in COMPONENTS if sums.get(c, 0) > 0 or c != "evaluation"]
    rows.append({"Outcome": "Sum of the outcomes", "USD": amount(info.total_usd)})
    rows.append({"Outcome": "TOTAL as printed in the plan", "USD": amount(info.stated_total_usd)})
    return pd.DataFrame(rows).set_index("Outcome")


def sheet_needs_table(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """A sheet's needs, one row per outcome (needs joined with '; ')."""
    info = sheet_info(sheet, ctx)
    import pandas as pd

    labels = outcome_labels(info.ctx)
    needs = loaders.sheet_needs(info.ctx, info.sheet_id).sort_values(["component", "position"])
    rows = []
    for component in COMPONENTS:
        listed = needs.loc[needs["component"] == component, "need"].tolist()
        if listed:
            rows.append({"Outcome": labels[component], "Needs": "; ".join(listed)})
    return pd.DataFrame(rows, columns=["Outcome", "Needs"]).set_index("Outcome")


def government_measures(sheet: str | SheetInfo, ctx: Where = None) -> list[str]:
    """The government's own measures listed on a sheet, in order."""
    info = sheet_info(sheet, ctx)
    measures = loaders.government_response(info.ctx, info.sheet_id)
    return measures.sort_values("position")["measure"].tolist()


def sheet_activities_table(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """A sheet's activities grouped by outcome, with their framework ids and the sheet wording."""
    info = sheet_info(sheet, ctx)
    labels = outcome_labels(info.ctx)
    listed = loaders.sheet_activities(info.ctx, info.sheet_id)
    framework = loaders.activities(info.ctx)[["activity_id", "outcome"]]
    table = listed.merge(framework, on="activity_id")
    table["Outcome"] = [labels[COMPONENTS[o - 1]] for o in table["outcome"]]
    table = table.sort_values(["outcome", "activity_id"],
                              key=lambda s: s.map(_activity_key) if s.name == "activity_id" else s)
    return table[["Outcome", "activity_id", "sheet_text"]].rename(
        columns={"activity_id": "Activity", "sheet_text": "As worded on the sheet"}
    ).set_index(["Outcome", "Activity"])


def _activity_key(activity_id: str) -> tuple[int, int]:
    outcome, number = activity_id[1:].split(".A")
    return int(outcome), int(number)


def permits_table(scope: Where | SheetInfo = None) -> pd.DataFrame:
    """The residence-permits table as printed (N.A. kept), with totals and growth 2015-2017:
    every country, or a sheet's countries."""
    import pandas as pd

    ctx = scope.ctx if isinstance(scope, SheetInfo) else as_context(scope)
    permits = loaders.residence_permits(ctx)
    if isinstance(scope, SheetInfo):
        permits = permits[permits["iso3"].isin(scope.iso3)]
    if permits.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(permits["country"]))
    wide = permits.pivot(index="country", columns="year", values="permits").reindex(order)
    table = wide.map(count)
    table.columns = [str(c) for c in table.columns]
    table["Growth 2016-2017"] = [
        NA if (a is pd.NA or b is pd.NA) else f"{(b / a - 1) * 100:+.0f}%"
        for a, b in zip(wide[2016], wide[2017], strict=True)
    ]
    if len(table) > 1:
        totals = {str(c): f"{int(wide[c].sum()):,}" for c in wide.columns}
        totals["Growth 2016-2017"] = f"{(wide[2017].sum() / wide[2016].sum() - 1) * 100:+.0f}%"
        table.loc["Total (N.A. left out)"] = totals
    table.index.name = "Country"
    return table


def funding_table_display(ctx: Where = None) -> pd.DataFrame:
    """The funding table as printed: USD with separators, stated totals and shares beside ours."""
    ctx = as_context(ctx)
    labels = outcome_labels(ctx)
    table = funding_table(ctx)
    shown = table[COMPONENTS + ["total_usd", "stated_total_usd"]].map(amount)
    shown["share_pct"] = [f"{v:.1f}%" for v in table["share_pct"]]
    shown["stated_share_pct"] = [f"{v:.1f}%".replace(".", ",") for v in table["stated_share_pct"]]
    shown.columns = [labels[c] for c in COMPONENTS] + [
        "Sum of cells", "TOTAL as printed", "Share (computed)", "Share as printed"]
    return shown


def outcomes_table(ctx: Where = None) -> pd.DataFrame:
    """The four outcomes and evaluation: statement and funding requested."""
    ctx = as_context(ctx)
    labels = outcome_labels(ctx)
    outcomes = loaders.outcomes(ctx)
    table = outcomes.assign(
        Outcome=[labels[c] for c in outcomes["component"]],
        **{"Funding requested (USD)": [amount(v) for v in outcomes["funding_requested_usd"]]},
    )
    return table[["Outcome", "statement", "Funding requested (USD)"]].rename(
        columns={"statement": "Outcome statement"}).set_index("Outcome")


def coverage_table(ctx: Where = None) -> pd.DataFrame:
    """The prioritised countries by subregion, with the offices that cover them."""
    ctx = as_context(ctx)
    countries = loaders.countries(ctx)
    coverage = loaders.office_countries(ctx).merge(
        loaders.offices(ctx)[["office_id", "office_name_as_printed", "office_kind"]],
        on="office_id")
    country_office = coverage[coverage["office_kind"] != "regional_office"].groupby("iso3")[
        "office_name_as_printed"].agg(", ".join)
    regional = coverage[coverage["office_kind"] == "regional_office"].groupby("iso3")[
        "office_name_as_printed"].agg(", ".join)
    table = countries.assign(
        **{"Country office": countries["iso3"].map(country_office),
           "Regional office": countries["iso3"].map(regional)})
    return table[["subregion", "country_name", "iso3", "Country office", "Regional office"]].rename(
        columns={"subregion": "Subregion", "country_name": "Country", "iso3": "ISO3"}
    ).set_index(["Subregion", "Country"])


def sheet_key_figures(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """The narrative's numbers about the sheet's countries, with the sentence they come from."""
    info = sheet_info(sheet, ctx)
    figures = loaders.key_figures(info.ctx)
    mine = figures[figures["iso3"].isin(info.iso3)]
    table = mine.assign(Value=[figure_value(v, u) for v, u in zip(mine["value"], mine["unit"],
                                                                  strict=True)])
    return table[["geography", "period", "measure", "Value", "qualifier", "statement"]].rename(
        columns={"geography": "Country", "period": "Period", "measure": "Measure",
                 "qualifier": "Qualifier", "statement": "Statement in the plan"}
    ).set_index("Country")


def reconcile_table(ctx: Where = None) -> pd.DataFrame:
    """Where the plan disagrees with itself, formatted for reading."""
    found = reconcile(ctx)

    def fmt(value: float, unit: str) -> str:
        if unit in ("pct", "ratio"):
            return f"{value:,.2f}"
        return f"{value:,.0f}"

    return found.assign(
        Stated=[fmt(v, u) for v, u in zip(found["stated"], found["unit"], strict=True)],
        Computed=[fmt(v, u) for v, u in zip(found["computed"], found["unit"], strict=True)],
        Difference=[("+" if d > 0 else "") + fmt(d, u)
                    for d, u in zip(found["difference"], found["unit"], strict=True)],
    )[["table", "item", "check", "unit", "Stated", "Computed", "Difference", "note"]].rename(
        columns={"table": "Table", "item": "Item", "check": "Check", "unit": "Unit",
                 "note": "Note"})


def errata_table(ctx: Where = None) -> pd.DataFrame:
    """The plan's textual slips (`rapnb.errata()`), one row each, grouped by kind: where, the
    words as printed and the note (a DataFrame: its HTML display escapes the text)."""
    found = errata(ctx)
    kinds = [str(k).replace("_", " ").capitalize() for k in found["kind"]]
    return found.assign(Kind=kinds).rename(
        columns={"section": "Where", "quote": "As printed", "note": "Note"}
    )[["Kind", "Where", "As printed", "Note"]].set_index("Kind")


def sources_footer(extra: list[str] | None = None) -> Markdown:
    """The sources of a sheet or of the overview, with licences."""
    lines = [f"- {src['title']}. {src['producer']}, {src['date']}. {src['licence']}"
             for src in (PLAN, TRENDS, NATURAL_EARTH)]
    lines += [f"- {escape(e)}" for e in extra or []]
    return Markdown("**Sources**\n\n" + "\n".join(lines))
