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
from rapnb.derived.stocks import aggregate_stocks, latest_stocks
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
from rapnb.present.tables import Details, captioned

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Details", "Markdown", "NA", "SheetInfo", "activity_matrix_table", "bullets",
    "coverage_table", "data_table", "entry_points_table", "errata_table", "escape",
    "flows_table", "funding_table_display", "government_measures", "optional",
    "outcomes_table", "overview_headline", "permits_table", "reconcile_table", "setup",
    "sheet_activities_table", "sheet_countries", "sheet_funding_table", "sheet_heading",
    "sheet_headline", "sheet_info", "sheet_key_figures", "sheet_needs_table",
    "sheets_overview_table", "sources_footer", "stock_evolution_table", "stocks_table",
]


def setup() -> None:
    """Prepare a notebook kernel: the chart renderer and theme, tables written by
    `rapnb.present.tables` (caption, row headers, no style block), quiet pandas display."""
    from rapnb.present.display import setup as setup_charts
    from rapnb.present.tables import use_in_ipython

    setup_charts()
    use_in_ipython()
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


def plan_headline_numbers(ctx: Where = None) -> dict[str, int]:
    """The plan's headline numbers: total requested (as printed and computed), countries,
    implementing offices, sheets, outcomes (evaluation left out) and framework activities."""
    ctx = as_context(ctx)
    stated = loaders.funding_stated(ctx).set_index(["scope", "item"])
    outcomes = loaders.outcomes(ctx)
    return {
        "total_usd": int(stated.loc[("grand_total", "total"), "stated_usd"]),
        "computed_usd": int(loaders.funding(ctx)["amount_usd"].sum()),
        "countries": len(loaders.countries(ctx)),
        "offices": len(loaders.offices(ctx)),
        "sheets": len(loaders.sheets(ctx)),
        "outcomes": int(outcomes["outcome"].notna().sum()),
        "activities": len(loaders.activities(ctx)),
    }


def overview_headline(ctx: Where = None) -> Markdown:
    """The plan in one paragraph: total, offices, countries, outcomes, activities."""
    n = plan_headline_numbers(ctx)
    return Markdown(
        f"The plan requests **USD {n['total_usd']:,}** over two years (its cells add up to USD"
        f" {n['computed_usd']:,}), for **{n['countries']} countries**, through"
        f" **{n['offices']} implementing offices** shown on"
        f" **{n['sheets']} sheets**, under four outcomes plus evaluation and an"
        f" activity framework of **{n['activities']} activities**."
    )


def sheets_overview_table(ctx: Where = None) -> pd.DataFrame:
    """One row per sheet, in the plan's order: office(s), countries, total requested and share
    as the sheet and the funding table print them, and the number of activities listed.
    Indexed by sheet id (what file names are made of)."""
    import pandas as pd

    ctx = as_context(ctx)
    countries = loaders.countries(ctx).set_index("iso3")["country_name"]
    listed = loaders.sheet_activities(ctx).groupby("sheet_id")["activity_id"].nunique()
    rows = []
    for sheet_id in loaders.sheets(ctx):
        info = sheet_info(sheet_id, ctx)
        rows.append({
            "sheet_id": info.sheet_id, "Sheet": info.title,
            "Implementing office(s)": "; ".join(info.office_names),
            "Countries": ", ".join(str(countries.get(i, i)) for i in info.iso3),
            "Total requested (USD)": amount(info.stated_total_usd),
            "Share of the plan": f"{info.stated_share_pct:.1f}%",
            "Activities": int(listed.get(info.sheet_id, 0)),
        })
    return captioned(pd.DataFrame(rows).set_index("sheet_id"),
                     "The 15 sheets: offices, countries, total requested (as printed) and share")


def stocks_table(ctx: Where = None) -> pd.DataFrame:
    """Figure 1's values with year, confidence and source."""
    table = latest_stocks(ctx)
    shown = table.assign(
        Stock=[count(v) for v in table["venezuelan_nationals"]],
        note=table["note"].fillna(""),
    )[["geography", "year", "Stock", "confidence", "source", "note"]].rename(
        columns={"geography": "Country", "year": "Year", "confidence": "Confidence",
                 "source": "Source", "note": "Note"}).set_index("Country")
    return captioned(shown, "Figure 1 data: the latest stock of Venezuelan nationals per"
                            " destination country, with its year, confidence and source")


def stock_evolution_table(ctx: Where = None) -> pd.DataFrame:
    """The aggregates behind the 2005-2017 trend chart: one row per aggregate, one column per
    year (N.A. where a year has no value)."""
    data = aggregate_stocks(ctx)
    order = list(dict.fromkeys(data["geography"]))
    wide = data.pivot(index="geography", columns="year", values="venezuelan_nationals")
    table = wide.reindex(order).map(count)
    table.columns = [str(c) for c in table.columns]
    table.index.name = "Geography"
    return captioned(table, "Venezuelans abroad per year, worldwide and by subregion")


def flows_table(ctx: Where = None) -> pd.DataFrame:
    """Figure 2's data: per country the text comments on, what the plan says, in its order."""
    ctx = as_context(ctx)
    names = loaders.countries(ctx).set_index("iso3")["country_name"]
    statements = loaders.flow_statements(ctx).sort_values("position", kind="stable")
    table = statements.assign(Country=[str(names.get(i, i)) for i in statements["iso3"]])
    shown = table[["Country", "statement"]].rename(
        columns={"statement": "What the plan says"}).set_index("Country")
    return captioned(shown, "Figure 2 data: what the text beside the map says per country")


def entry_points_table(ctx: Where = None) -> pd.DataFrame:
    """The entry points the text beside Figure 2 names, with the country each is an entry
    point of, whether the plan says that country is entered mostly by land, and the sentence."""
    ctx = as_context(ctx)
    names = loaders.countries(ctx).set_index("iso3")["country_name"]
    points = loaders.entry_points(ctx).sort_values("position", kind="stable")
    table = points.assign(
        Into=[str(names.get(i, i)) for i in points["iso3"]],
        Kind=points["place_kind"],
        **{"Country entered mostly by land": ["yes" if v == "land" else ""
                                              for v in points["entered_mostly_by"]]},
    )
    shown = table[["entry_point", "Into", "Kind", "Country entered mostly by land",
                   "statement"]].rename(columns={"entry_point": "Entry point",
                                                 "statement": "What the plan says"})
    return captioned(shown.set_index("Entry point"),
                     "Figure 2 data: the entry points the text names")


def activity_matrix_table(ctx: Where = None) -> pd.DataFrame:
    """The activity matrix as a table: per sheet, the framework activities it lists under each
    outcome, and how many."""
    import pandas as pd

    ctx = as_context(ctx)
    labels = outcome_labels(ctx)
    sheets = loaders.sheet_table(ctx).sort_values("position")
    listed = loaders.sheet_activities(ctx)
    framework = loaders.activities(ctx)[["activity_id", "outcome"]]
    merged = listed.merge(framework, on="activity_id")
    rows = []
    for sheet_id, title in zip(sheets["sheet_id"], sheets["sheet_title"], strict=True):
        mine = merged[merged["sheet_id"] == sheet_id]
        row: dict[str, object] = {"Sheet": title}
        for number, component in enumerate(COMPONENTS[:4], start=1):
            ids = sorted(set(mine.loc[mine["outcome"] == number, "activity_id"]),
                         key=_activity_key)
            row[f"Outcome {labels[component]}"] = ", ".join(ids)
        row["Activities"] = int(mine["activity_id"].nunique())
        rows.append(row)
    return captioned(pd.DataFrame(rows).set_index("Sheet"),
                     "Which sheet lists which framework activities, by outcome")


def data_table(table: pd.DataFrame, summary: str = "Data table") -> Details:
    """`table` folded under `summary` in a `<details>` element (the data beside a chart)."""
    return Details(table, summary)


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
    table = countries[["country_name", "iso3", "subregion"]].rename(
        columns={"iso3": "ISO3", "country_name": "Country", "subregion": "Subregion"}
    ).set_index("Country")
    return captioned(table, f"Countries covered by the {info.title} sheet")


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
    return captioned(pd.DataFrame(rows).set_index("Outcome"),
                     f"{info.title}: funding requested per outcome (USD)")


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
    return captioned(pd.DataFrame(rows, columns=["Outcome", "Needs"]).set_index("Outcome"),
                     f"{info.title}: needs per outcome, as listed on the sheet")


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
    shown = table[["Outcome", "activity_id", "sheet_text"]].rename(
        columns={"activity_id": "Activity", "sheet_text": "As worded on the sheet"}
    ).set_index(["Outcome", "Activity"])
    return captioned(shown, f"{info.title}: activities per outcome, with their framework ids")


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
    return captioned(table, "Residence permits issued to Venezuelan migrants, 2015-2017"
                            " (N.A.: no figure in the plan's table)")


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
    shown.index.name = "Implementing office"
    return captioned(shown, "Estimated funding needs (USD) by implementing office and outcome,"
                            " with the plan's printed totals and shares")


def outcomes_table(ctx: Where = None) -> pd.DataFrame:
    """The four outcomes and evaluation: statement and funding requested."""
    ctx = as_context(ctx)
    labels = outcome_labels(ctx)
    outcomes = loaders.outcomes(ctx)
    table = outcomes.assign(
        Outcome=[labels[c] for c in outcomes["component"]],
        **{"Funding requested (USD)": [amount(v) for v in outcomes["funding_requested_usd"]]},
    )
    shown = table[["Outcome", "statement", "Funding requested (USD)"]].rename(
        columns={"statement": "Outcome statement"}).set_index("Outcome")
    return captioned(shown, "The four outcomes and evaluation, with the funding requested")


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
    shown = table[["subregion", "country_name", "iso3", "Country office", "Regional office"]
                  ].rename(columns={"subregion": "Subregion", "country_name": "Country",
                                    "iso3": "ISO3"}).set_index(["Subregion", "Country"])
    return captioned(shown, "The prioritised countries by subregion, with the offices that"
                            " cover them")


def sheet_key_figures(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """The narrative's numbers about the sheet's countries, with the sentence they come from."""
    info = sheet_info(sheet, ctx)
    figures = loaders.key_figures(info.ctx)
    mine = figures[figures["iso3"].isin(info.iso3)]
    table = mine.assign(
        Value=[figure_value(v, u) for v, u in zip(mine["value"], mine["unit"], strict=True)],
        period=mine["period"].fillna(""),  # no period stated: an empty cell, never "None"
        measure=mine["measure"].str.replace("_", " "),
        qualifier=mine["qualifier"].str.replace("_", " "),
    )
    shown = table[["geography", "period", "measure", "Value", "qualifier", "statement"]].rename(
        columns={"geography": "Country", "period": "Period", "measure": "Measure",
                 "qualifier": "Qualifier", "statement": "Statement in the plan"}
    ).set_index("Country")
    return captioned(shown, f"{info.title}: the numbers the plan's narrative states, with"
                            " their sentence")


def reconcile_table(ctx: Where = None) -> pd.DataFrame:
    """Where the plan disagrees with itself, formatted for reading."""
    found = reconcile(ctx)

    def fmt(value: float, unit: str) -> str:
        if unit in ("pct", "ratio"):
            return f"{value:,.2f}"
        return f"{value:,.0f}"

    table = found.assign(
        Stated=[fmt(v, u) for v, u in zip(found["stated"], found["unit"], strict=True)],
        Computed=[fmt(v, u) for v, u in zip(found["computed"], found["unit"], strict=True)],
        Difference=[("+" if d > 0 else "") + fmt(d, u)
                    for d, u in zip(found["difference"], found["unit"], strict=True)],
    )[["table", "item", "check", "unit", "Stated", "Computed", "Difference", "note"]].rename(
        columns={"table": "Table", "item": "Item", "check": "Check", "unit": "Unit",
                 "note": "Note"})
    return captioned(table, "Where the plan disagrees with itself (difference = computed minus"
                            " stated)")


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
